"""Language-neutral sentence descriptions that the renderers realise: noun phrases, places, times,
predicates, clauses and utterances over :mod:`mmpt.synth.lexicon` entries."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from mmpt.synth.lexicon import (
    HOME,
    PREP_CLASSES,
    Adjective,
    Frequency,
    Name,
    Noun,
    Pronoun,
    Proper,
    TimePhrase,
    Verb,
    number_word,
)

Head = Union[Noun, Name, Pronoun, Proper]


@dataclass(frozen=True)
class NP:
    """A noun phrase. ``det``: def | indef | bare | num | poss | gen | none (names, pronouns, cities)."""

    head: Head
    number: str = "sg"
    det: str = "def"
    count: int = 0  # det == "num"
    poss: Optional[Pronoun] = None  # det == "poss": my / his / ...
    gen: Optional["NP"] = None  # det == "gen": the possessor (the teacher's car)
    adjs: Tuple[Adjective, ...] = ()
    rel: Optional["Clause"] = None  # relative clause with gap "subj" or "obj"

    @property
    def noun(self) -> Optional[Noun]:
        return self.head if isinstance(self.head, Noun) else None


@dataclass(frozen=True)
class Place:
    """A locative ("in the kitchen") or directional ("to the station") phrase; ``np`` None means home."""

    role: str  # loc | dir
    np: Optional[NP] = None

    def home(self, lang: str) -> List[str]:
        """The words for "at home" / "home" in ``lang`` (for ``np`` None)."""
        return HOME[self.role][lang].split()

    def preposition(self, lang: str) -> str:
        """The preposition that introduces ``np`` in ``lang``, by the place's class and role."""
        h = self.np.head
        cls = h.kind if isinstance(h, Proper) else h.prep
        return PREP_CLASSES[cls][lang][0 if self.role == "loc" else 1]


@dataclass(frozen=True)
class Time:
    """A time phrase with its number (``n``: 2 days ago) or hour (``h``: at 7 o'clock) filled in."""

    phrase: TimePhrase
    n: int = 0
    h: int = 0

    def render(self, lang: str) -> str:
        text = getattr(self.phrase, lang)
        if "{n}" in text:
            text = text.replace("{n}", number_word(self.n, lang))
        if "{h1}" in text:  # "half past seven" = halb acht / half acht
            text = text.replace("{h1}", number_word(self.h % 12 + 1, lang))
        if "{alle_h}" in text:
            text = text.replace("{alle_h}", "all'una" if self.h == 1 else "alle " + number_word(self.h, "it"))
        if "{h}" in text:
            word = number_word(self.h, lang)
            text = text.replace("{h}", "ein" if lang == "de" and self.h == 1 else word)
        return text


@dataclass(frozen=True)
class Pred:
    """Copula complement: an adjective ("is red") or an age ("is 21 years old")."""

    kind: str  # adj | age
    adj: Optional[Adjective] = None
    count: int = 0


@dataclass(frozen=True)
class Clause:
    """One clause. ``verb`` None is the copula (with ``pred`` or a locative ``place``).

    ``tense``: pres | past (English simple past, a perfect in the targets) | perf | fut (English "will",
    present tense in the targets). ``gap`` removes a constituent for wh-questions and relative clauses:
    subj | obj | loc | dir | time | age. ``exist``: "there is/are" + ``obj`` + ``place``.
    """

    subj: NP
    verb: Optional[Verb] = None
    obj: Optional[NP] = None
    iobj: Optional[NP] = None
    place: Optional[Place] = None
    pred: Optional[Pred] = None
    time: Optional[Time] = None
    front_time: bool = False
    freq: Optional[Frequency] = None
    neg: bool = False
    tense: str = "pres"
    modal: Optional[str] = None  # can | must | want
    gap: Optional[str] = None
    exist: bool = False


@dataclass(frozen=True)
class Utterance:
    """A sentence: a main clause, optionally with a subordinate clause (``conj``: because/when/while/that)."""

    main: Clause
    mode: str = "stmt"  # stmt | ynq | whq
    sub: Optional[Clause] = None
    conj: Optional[str] = None
    sub_first: bool = False


def agreement(np: NP) -> str:
    """Agreement class of a subject: 1sg | 3sg | 1pl | 3pl."""
    if isinstance(np.head, Pronoun):
        return f"{np.head.person}{np.head.number}"
    return "3" + np.number


def grammatical_number(np: NP) -> str:
    """sg | pl: a pronoun's own number, else the phrase's."""
    return np.head.number if isinstance(np.head, Pronoun) else np.number
