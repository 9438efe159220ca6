"""Synchronous grammar of the embedded corpus: English sentences with German, Italian and Dutch translations.

A template samples a language-neutral sentence description (:class:`Utterance` made of :class:`Clause` and
:class:`NP` objects over :mod:`mmpt.synth.lexicon` entries); four renderers then realise it with each
language's own rules, so the translations are real mappings rather than word-for-word copies:

- German / Dutch: verb second in main clauses (also after a fronted time phrase or subordinate clause:
  "Gestern hat der Lehrer ...", "Gisteren heeft de leraar ..."), verb-final subordinate and relative clauses,
  infinitives (modals) and participles (perfect) at the end, separable particles ("ruft ... an",
  "belt ... op"), nicht/niet after definite objects and kein/geen for indefinite ones, German case
  (nominative, accusative, dative, genitive) with strong / weak / mixed adjective endings and contractions
  (im, ins, zum, am), Dutch adjective -e rules (een groot huis / het grote huis), "ago" postpositions.
- Italian: pro-drop subjects, post-nominal adjectives except bello/buono/grande/piccolo/..., article by the
  next word's sound (il/lo/l'/la/i/gli/le), preposition + article contractions (nel, alla, dell'), no article
  before singular family members after a possessive (mia madre), passato prossimo with essere agreement,
  "non ... mai", "ha N anni" for ages, indirect objects after direct ones (dà una mela al bambino).
- English: do-support in questions and negation, simple past with past time phrases (rendered as a perfect
  in the targets), "will" futures (rendered as present tense), Saxon genitive (the teacher's dog).

English is given as display text (true case, punctuation) and, via :func:`normalize_en`, in the LibriSpeech
transcript style (upper case, no punctuation, numbers as words). :class:`SentenceGenerator` is deterministic for
a seed (it owns a ``random.Random``); :func:`reordering_share` measures how often a translation orders the
aligned content words differently from English.
"""
from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, replace
from typing import Callable, Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from mmpt.synth.lexicon import (
    CONJUNCTIONS,
    COPULA_PAST,
    HOME,
    LANGS,
    LEXICON,
    MODALS,
    PREP_CLASSES,
    Adjective,
    Frequency,
    Lexicon,
    Name,
    Noun,
    Pronoun,
    Proper,
    TimePhrase,
    Verb,
    number_word,
)

logger = logging.getLogger(__name__)

MIN_WORDS = 3
MAX_WORDS = 15

Head = Union[Noun, Name, Pronoun, Proper]


# ---------------------------------------------------------------------------------------------------------
# Sentence description
# ---------------------------------------------------------------------------------------------------------
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


def _agr(np: NP) -> str:
    """Agreement class of a subject: 1sg | 3sg | 1pl | 3pl."""
    if isinstance(np.head, Pronoun):
        return f"{np.head.person}{np.head.number}"
    return "3" + np.number


def _it_gender(np: NP) -> str:
    h = np.head
    if isinstance(h, Noun):
        return h.it_g
    if isinstance(h, (Name,)):
        return h.gender
    if isinstance(h, Pronoun):
        return h.it_g
    return "m"


def _number(np: NP) -> str:
    return np.head.number if isinstance(np.head, Pronoun) else np.number


# ---------------------------------------------------------------------------------------------------------
# Joining tokens into text
# ---------------------------------------------------------------------------------------------------------
def _join(tokens: Iterable[str], lang: str, final: str, capitalize: bool = True) -> str:
    """Join tokens: commas attach left, Italian elisions (l', dell', un') attach right, capitalise, punctuate."""
    out: List[str] = []
    for tok in tokens:
        if not tok:
            continue
        if tok == ",":
            if out and not out[-1].endswith(","):
                out[-1] += ","
            continue
        if lang == "it" and out and out[-1].endswith("'"):
            out[-1] += tok
            continue
        if lang == "it" and out and out[-1].lower() == "dove" and tok.startswith("è"):
            out[-1] = out[-1][:3] + "'" + tok
            continue
        out.append(tok)
    if out and out[-1].endswith(","):
        out[-1] = out[-1][:-1]
    if not out:
        return ""
    if not capitalize:
        return " ".join(out) + final
    # Dutch "'s ochtends" capitalises the word after the clitic at the start of a sentence.
    i = 1 if (out[0] in ("'s", "'t") and len(out) > 1) else 0
    out[i] = out[i][0].upper() + out[i][1:]
    return " ".join(out) + final


# ---------------------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------------------
_EN_AN_EXCEPTIONS = ("uni", "use", "euro", "one")


def _en_article(next_word: str) -> str:
    w = next_word.lower()
    if w.startswith(_EN_AN_EXCEPTIONS):
        return "a"
    if w.startswith("hour") or w[:1] in "aeiou":
        return "an"
    return "a"


class _English:
    lang = "en"

    def __init__(self, lex: Lexicon):
        self.lex = lex

    def np(self, np: NP) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            return [h.en]
        if isinstance(h, Name):
            return [h.name]
        if isinstance(h, Proper):
            return h.en.split()
        words = [a.en for a in np.adjs] + (h.en if np.number == "sg" else h.en_pl).split()
        if np.det == "def":
            toks = ["the"] + words
        elif np.det == "indef":
            toks = [_en_article(words[0])] + words
        elif np.det == "num":
            toks = number_word(np.count, "en").split() + words
        elif np.det == "poss":
            toks = [np.poss.en_poss] + words
        elif np.det == "gen":
            owner = self.np(np.gen)
            owner[-1] += "'s"
            toks = owner + words
        else:
            toks = words
        if np.rel is not None:
            toks += [self.relpron(np)] + self.clause(np.rel, "rel")
        return toks

    @staticmethod
    def relpron(np: NP) -> str:
        n = np.noun
        return "who" if n is not None and "person" in n.tags else "that"

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return HOME[pl.role]["en"].split()
        h = pl.np.head
        cls = h.kind if isinstance(h, Proper) else h.prep
        prep = PREP_CLASSES[cls]["en"][0 if pl.role == "loc" else 1]
        return [prep] + self.np(pl.np)

    def pred(self, p: Pred) -> List[str]:
        if p.kind == "adj":
            return [p.adj.en]
        return number_word(p.count, "en").split() + ["year" if p.count == 1 else "years", "old"]

    def verb_group(self, cl: Clause, question: bool) -> Tuple[List[str], List[str]]:
        """(operator, rest): the operator moves before the subject in questions."""
        agr = _agr(cl.subj)
        s3 = agr == "3sg"
        sg = agr.endswith("sg")
        neg = ["not"] if cl.neg else []
        freq = [cl.freq.en] if cl.freq else []
        v = cl.verb
        if v is None:
            be_pres = "am" if agr == "1sg" else ("is" if s3 else "are")
            if cl.modal:
                op = {"can": "cannot" if cl.neg else "can", "must": "must"}[cl.modal]
                return [op], (neg if cl.modal == "must" else []) + freq + ["be"]
            if cl.tense == "perf":
                return ["has" if s3 else "have"], neg + freq + ["been"]
            if cl.tense == "fut":
                return ["will"], neg + freq + ["be"]
            if cl.tense == "past":
                return ["was" if sg else "were"], neg + freq
            return [be_pres], neg + freq
        base, third, past, pp = (f.split() for f in v.en)
        do = "does" if s3 else "do"
        if cl.modal == "can":
            if cl.tense == "past":
                return ["could"], neg + freq + base
            return ["cannot" if cl.neg else "can"], freq + base
        if cl.modal == "must":
            if cl.tense == "past":
                return ["had"], ["to"] + base
            return ["must"], neg + freq + base
        if cl.modal == "want":
            if cl.neg or question:
                return ["did" if cl.tense == "past" else do], neg + ["want", "to"] + base
            if cl.tense == "past":
                return [], freq + ["wanted", "to"] + base
            return [], freq + ["wants" if s3 else "want", "to"] + base
        if cl.tense == "perf":
            return ["has" if s3 else "have"], neg + freq + pp
        if cl.tense == "fut":
            return ["will"], neg + freq + base
        if cl.tense == "past":
            if cl.neg or question:
                return ["did"], neg + base
            return [], freq + past
        if cl.neg or question:
            return [do], neg + base
        return [], freq + (third if s3 else base)

    def complements(self, cl: Clause) -> List[str]:
        toks: List[str] = []
        if cl.iobj is not None:
            toks += self.np(cl.iobj)
        if cl.obj is not None and cl.gap != "obj":
            toks += self.np(cl.obj)
        if cl.place is not None and cl.gap not in ("loc", "dir"):
            toks += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            toks += self.pred(cl.pred)
        if cl.time is not None and not cl.front_time and cl.gap != "time":
            toks += cl.time.render("en").split()
        return toks

    _WH = {"obj": ["what"], "loc": ["where"], "dir": ["where"], "time": ["when"], "age": ["how", "old"]}

    def clause(self, cl: Clause, mode: str) -> List[str]:
        if cl.exist:
            be = "is" if _number(cl.obj) == "sg" else "are"
            return ["there", be] + self.np(cl.obj) + self.place(cl.place)
        question = mode in ("ynq", "whq")
        op, rest = self.verb_group(cl, question)
        subj = [] if cl.gap == "subj" else self.np(cl.subj)
        front = cl.time.render("en").split() if (cl.time and cl.front_time) else []
        comp = self.complements(cl)
        if mode == "ynq":
            return op + subj + rest + comp
        if mode == "whq":
            return self._WH[cl.gap] + op + subj + rest + comp
        return front + subj + op + rest + comp

    def utterance(self, u: Utterance) -> str:
        main = self.clause(u.main, u.mode)
        if u.sub is None:
            toks = main
        else:
            sub = [CONJUNCTIONS[u.conj]["en"]] + self.clause(u.sub, "sub")
            toks = sub + [","] + main if u.sub_first else main + sub
        return _join(toks, "en", "?" if u.mode in ("ynq", "whq") else ".")


# ---------------------------------------------------------------------------------------------------------
# German
# ---------------------------------------------------------------------------------------------------------
_DE_DEF = {
    "N": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "A": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "D": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
    "G": {"m": "des", "f": "der", "n": "des", "pl": "der"},
}
_DE_REL_D = {"m": "dem", "f": "der", "n": "dem", "pl": "denen"}
_DE_EIN = {  # endings of ein / kein / mein / unser ...
    "N": {"m": "", "f": "e", "n": "", "pl": "e"},
    "A": {"m": "en", "f": "e", "n": "", "pl": "e"},
    "D": {"m": "em", "f": "er", "n": "em", "pl": "en"},
    "G": {"m": "es", "f": "er", "n": "es", "pl": "er"},
}
_DE_STRONG = {
    "N": {"m": "er", "f": "e", "n": "es", "pl": "e"},
    "A": {"m": "en", "f": "e", "n": "es", "pl": "e"},
    "D": {"m": "em", "f": "er", "n": "em", "pl": "en"},
    "G": {"m": "en", "f": "er", "n": "en", "pl": "er"},
}
_DE_CONTRACT = {("in", "dem"): "im", ("in", "das"): "ins", ("an", "dem"): "am", ("an", "das"): "ans",
                ("zu", "dem"): "zum", ("zu", "der"): "zur", ("von", "dem"): "vom", ("bei", "dem"): "beim"}


def de_adj_ending(decl: str, case: str, g: str) -> str:
    """German adjective ending. ``decl``: weak (after der-words), mixed (after ein-words), strong (none)."""
    if decl == "strong":
        return _DE_STRONG[case][g]
    if g == "pl":
        return "en"
    if decl == "weak":
        return "e" if case == "N" or (case == "A" and g != "m") else "en"
    # mixed: the ein-word has no ending in nom m / nom-acc n, so the adjective shows gender there
    if case == "N":
        return {"m": "er", "f": "e", "n": "es"}[g]
    if case == "A":
        return {"m": "en", "f": "e", "n": "es"}[g]
    return "en"


class _Germanic:
    """Shared clause layout of German and Dutch: prefield, finite verb, middle field, verb cluster."""

    lang = ""
    NEG = ""
    WH: Dict[str, List[str]] = {}

    def __init__(self, lex: Lexicon):
        self.lex = lex

    # -- to be provided by the language ----------------------------------------------------------------
    def np(self, np: NP, case: str = "N", neg: bool = False) -> List[str]:
        raise NotImplementedError

    def place(self, pl: Place) -> List[str]:
        raise NotImplementedError

    def pred(self, p: Pred) -> List[str]:
        raise NotImplementedError

    def verb_group(self, cl: Clause, sub: bool) -> Tuple[List[str], List[str]]:
        raise NotImplementedError

    def sub_cluster(self, cl: Clause, fin: List[str], right: List[str]) -> List[str]:
        raise NotImplementedError

    def obj(self, cl: Clause, neg: bool) -> List[str]:
        raise NotImplementedError

    def relpron(self, head: NP, case: str) -> str:
        raise NotImplementedError

    def existential(self, cl: Clause) -> List[str]:
        raise NotImplementedError

    def verb_prep(self, v: Verb) -> str:
        raise NotImplementedError

    def verb_adv(self, v: Verb) -> List[str]:
        return []

    def dir_gap_word(self) -> List[str]:
        return []

    # -- shared ------------------------------------------------------------------------------------------
    def middle(self, cl: Clause) -> List[str]:
        """Middle field: time, frequency, objects, negation, prepositional object, adverb, place, predicate."""
        toks: List[str] = []
        if cl.time is not None and not cl.front_time and cl.gap != "time":
            toks += cl.time.render(self.lang).split()
        if cl.freq is not None:
            toks.append(getattr(cl.freq, self.lang))
        v = cl.verb
        has_obj = cl.obj is not None and cl.gap != "obj"
        prep_obj = has_obj and v is not None and bool(self.verb_prep(v))
        neg_det = cl.neg and has_obj and not prep_obj and cl.obj.det in ("indef", "bare")
        neg_first = cl.neg and has_obj and not prep_obj and cl.obj.det == "num"  # nicht drei Autos
        if cl.iobj is not None:
            toks += self.np(cl.iobj, "D")
        if neg_first:
            toks.append(self.NEG)
        if has_obj and not prep_obj:
            toks += self.obj(cl, neg_det)
        if cl.neg and not neg_det and not neg_first:
            toks.append(self.NEG)
        if prep_obj:
            toks += self.obj(cl, False)
        if v is not None:
            toks += self.verb_adv(v)
        if cl.place is not None:
            if cl.gap == "dir":
                toks += self.dir_gap_word()
            elif cl.gap != "loc":
                toks += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            toks += self.pred(cl.pred)
        return toks

    def clause(self, cl: Clause, mode: str, head: Optional[NP] = None,
               prefield: Optional[List[str]] = None) -> List[str]:
        if cl.exist:
            return self.existential(cl)
        sub = mode in ("sub", "rel")
        fin, right = self.verb_group(cl, sub)
        subj = [] if cl.gap == "subj" else self.np(cl.subj, "N")
        mid = self.middle(cl)
        if sub:
            lead: List[str] = []
            if mode == "rel":
                case = "N" if cl.gap == "subj" else (cl.verb.de_case if self.lang == "de" else "A")
                lead = [self.relpron(head, case)]
            return lead + subj + mid + self.sub_cluster(cl, fin, right)
        if prefield is not None:
            pre = prefield
        elif mode == "whq":
            pre = list(self.WH[cl.gap])
        elif cl.time is not None and cl.front_time:
            pre = cl.time.render(self.lang).split()
        elif mode == "ynq":
            pre = []
        else:
            pre, subj = subj, []
        return pre + fin + subj + mid + right

    def utterance(self, u: Utterance) -> str:
        final = "?" if u.mode in ("ynq", "whq") else "."
        if u.sub is None:
            return _join(self.clause(u.main, u.mode), self.lang, final)
        conj = CONJUNCTIONS[u.conj][self.lang]
        sub = [conj] + self.clause(u.sub, "sub")
        if u.sub_first:
            return _join(self.clause(u.main, u.mode, prefield=sub + [","]), self.lang, final)
        comma = [","] if self.lang == "de" else []
        return _join(self.clause(u.main, u.mode) + comma + sub, self.lang, final)


class _German(_Germanic):
    lang = "de"
    NEG = "nicht"
    WH = {"obj": ["was"], "loc": ["wo"], "dir": ["wohin"], "time": ["wann"], "age": ["wie", "alt"]}

    @staticmethod
    def noun_form(noun: Noun, number: str, case: str) -> str:
        if number == "pl":
            pl = noun.de_pl
            if case == "D" and not pl.endswith(("n", "s")) and pl[-1] not in "aiouy":
                return pl + "n"  # dative plural: den Kindern, den Äpfeln
            return pl
        if case != "N" and noun.de_weak:
            return noun.de_weak  # den Jungen, dem Studenten
        if case == "G" and noun.de_g in "mn":
            return noun.de_gen or noun.de + ("es" if noun.de.endswith(("s", "ß", "x", "z")) else "s")
        return noun.de

    @staticmethod
    def adj_form(a: Adjective, decl: str, case: str, g: str) -> str:
        if a.de_stem is None:
            return a.de
        end = de_adj_ending(decl, case, g)
        if a.de_stem.endswith("e") and end.startswith("e"):
            end = end[1:]
        return a.de_stem + end

    def np(self, np: NP, case: str = "N", neg: bool = False) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            if case != "N":
                raise ValueError("pronouns are only rendered as subjects")
            return [h.de]
        if isinstance(h, Name):
            return [h.name + ("s" if case == "G" else "")]
        if isinstance(h, Proper):
            return [h.de]
        g = "pl" if np.number == "pl" else h.de_g
        det: List[str] = []
        tail: List[str] = []
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        if np.det == "def":
            det, decl = [_DE_DEF[case][g]], "weak"
        elif one or (np.det == "bare" and neg):
            det, decl = [("kein" if neg else "ein") + _DE_EIN[case][g]], "mixed"
        elif np.det == "num":
            det, decl = [number_word(np.count, "de")], "strong"
        elif np.det == "poss":
            det, decl = [np.poss.de_poss + _DE_EIN[case][g]], "mixed"
        elif np.det == "gen" and isinstance(np.gen.head, Name):
            det, decl = self.np(np.gen, "G"), "strong"  # Annas rotes Auto
        elif np.det == "gen":
            det, decl = [_DE_DEF[case][g]], "weak"
            tail = self.np(np.gen, "G")  # das Auto des Lehrers
        else:
            decl = "strong"
        toks = det + [self.adj_form(a, decl, case, g) for a in np.adjs] + [self.noun_form(h, np.number, case)]
        toks += tail
        if np.rel is not None:
            toks += [","] + self.clause(np.rel, "rel", head=np) + [","]
        return toks

    def pp(self, prep: str, np: NP, case: str) -> List[str]:
        toks = self.np(np, case)
        key = (prep, toks[0])
        if np.det in ("def", "gen") and isinstance(np.head, Noun) and key in _DE_CONTRACT:
            if np.det == "def" or not isinstance(np.gen.head, Name):
                return [_DE_CONTRACT[key]] + toks[1:]
        return [prep] + toks

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return HOME[pl.role]["de"].split()
        h = pl.np.head
        cls = h.kind if isinstance(h, Proper) else h.prep
        prep = PREP_CLASSES[cls]["de"][0 if pl.role == "loc" else 1]
        if isinstance(h, Proper):
            return [prep, h.de]
        case = "D" if (pl.role == "loc" or prep == "zu") else "A"
        return self.pp(prep, pl.np, case)

    def pred(self, p: Pred) -> List[str]:
        if p.kind == "adj":
            return [p.adj.de]
        if p.count == 1:
            return ["ein", "Jahr", "alt"]
        return [number_word(p.count, "de"), "Jahre", "alt"]

    def verb_prep(self, v: Verb) -> str:
        return v.de_prep

    def verb_adv(self, v: Verb) -> List[str]:
        return v.de_adv.split()

    def obj(self, cl: Clause, neg: bool) -> List[str]:
        v = cl.verb
        if v.de_prep:
            return self.pp(v.de_prep, cl.obj, "A")
        return self.np(cl.obj, v.de_case, neg=neg)

    def relpron(self, head: NP, case: str) -> str:
        g = "pl" if head.number == "pl" else head.noun.de_g
        return _DE_REL_D[g] if case == "D" else _DE_DEF[case][g]

    @staticmethod
    def present(v: Verb, agr: str) -> str:
        return v.de_1sg if agr == "1sg" else (v.de_3sg if agr == "3sg" else v.de_pl())

    def verb_group(self, cl: Clause, sub: bool) -> Tuple[List[str], List[str]]:
        agr = _agr(cl.subj)
        idx = {"1sg": 0, "3sg": 1}.get(agr, 2)
        v = cl.verb or self.lex.aux["be"]
        if cl.modal:
            key = "must_not" if (cl.modal == "must" and cl.neg) else cl.modal
            return [MODALS[key]["de"][1 if cl.tense == "past" else 0][idx]], v.de_inf.split()
        if cl.tense == "perf" or (cl.tense == "past" and cl.verb is not None):
            aux = self.lex.aux["be" if v.de_aux == "s" else "have"]
            return [self.present(aux, agr)], v.de_pp.split()
        if cl.tense == "past":
            return [COPULA_PAST["de"][idx]], []
        fin = self.present(v, agr)
        if v.de_sep:
            if sub:
                return (v.de_sep + fin).split(), []
            return [fin], [v.de_sep.strip()]
        return [fin], []

    def sub_cluster(self, cl: Clause, fin: List[str], right: List[str]) -> List[str]:
        return right + fin  # gekauft hat, kaufen will, einschaltet

    def existential(self, cl: Clause) -> List[str]:
        return self.place(cl.place) + ["gibt", "es"] + self.np(cl.obj, "A")


# ---------------------------------------------------------------------------------------------------------
# Dutch
# ---------------------------------------------------------------------------------------------------------
class _Dutch(_Germanic):
    lang = "nl"
    NEG = "niet"
    WH = {"obj": ["wat"], "loc": ["waar"], "dir": ["waar"], "time": ["wanneer"], "age": ["hoe", "oud"]}

    def np(self, np: NP, case: str = "N", neg: bool = False) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            return [h.nl]
        if isinstance(h, Name):
            return [h.name]
        if isinstance(h, Proper):
            return [h.nl]
        sg = np.number == "sg"
        het_sg = sg and h.nl_het
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        tail: List[str] = []
        if np.det in ("def", "gen"):
            det = ["het" if het_sg else "de"]
            if np.det == "gen":
                tail = ["van"] + self.np(np.gen)
        elif np.det == "indef" or (np.det == "bare" and neg):
            det = ["geen" if neg else "een"]
        elif np.det == "num":
            det = [number_word(np.count, "nl")]
        elif np.det == "poss":
            p = np.poss.nl_poss
            det = ["onze" if (p == "ons" and not het_sg) else p]
        else:
            det = []
        # een groot huis / vers brood keep the bare adjective; everything else takes -e
        bare_adj = het_sg and (one or np.det == "bare")
        adjs = [a.nl if bare_adj else a.nl_infl for a in np.adjs]
        toks = det + adjs + (h.nl if sg else h.nl_pl).split() + tail
        if np.rel is not None:
            toks += self.clause(np.rel, "rel", head=np) + [","]
        return toks

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return HOME[pl.role]["nl"].split()
        h = pl.np.head
        cls = h.kind if isinstance(h, Proper) else h.prep
        prep = PREP_CLASSES[cls]["nl"][0 if pl.role == "loc" else 1]
        return [prep] + self.np(pl.np)

    def pred(self, p: Pred) -> List[str]:
        if p.kind == "adj":
            return [p.adj.nl]
        return [number_word(p.count, "nl"), "jaar", "oud"]

    def verb_prep(self, v: Verb) -> str:
        return v.nl_prep

    def dir_gap_word(self) -> List[str]:
        return ["naartoe"]  # waar gaat hij naartoe?

    def obj(self, cl: Clause, neg: bool) -> List[str]:
        v = cl.verb
        if v.nl_prep:
            return [v.nl_prep] + self.np(cl.obj)
        return self.np(cl.obj, neg=neg)

    def relpron(self, head: NP, case: str) -> str:
        return "dat" if (head.number == "sg" and head.noun.nl_het) else "die"

    @staticmethod
    def present(v: Verb, agr: str) -> str:
        return v.nl_1sg if agr == "1sg" else (v.nl_3sg if agr == "3sg" else v.nl_pl())

    def verb_group(self, cl: Clause, sub: bool) -> Tuple[List[str], List[str]]:
        agr = _agr(cl.subj)
        idx = {"1sg": 0, "3sg": 1}.get(agr, 2)
        v = cl.verb or self.lex.aux["be"]
        if cl.modal:
            key = "must_not" if (cl.modal == "must" and cl.neg) else cl.modal
            return [MODALS[key]["nl"][1 if cl.tense == "past" else 0][idx]], v.nl_inf.split()
        if cl.tense == "perf" or (cl.tense == "past" and cl.verb is not None):
            aux = self.lex.aux["be" if v.nl_aux == "z" else "have"]
            return [self.present(aux, agr)], v.nl_pp.split()
        if cl.tense == "past":
            return [COPULA_PAST["nl"][idx]], []
        fin = self.present(v, agr)
        if v.nl_sep:
            if sub:
                return (v.nl_sep + fin).split(), []
            return [fin], [v.nl_sep.strip()]
        return [fin], []

    def sub_cluster(self, cl: Clause, fin: List[str], right: List[str]) -> List[str]:
        if cl.modal:
            return fin + right  # wil kopen
        return right + fin  # gekocht heeft, aanzet

    def existential(self, cl: Clause) -> List[str]:
        be = "is" if _number(cl.obj) == "sg" else "zijn"
        return ["er", be] + self.np(cl.obj) + self.place(cl.place)


# ---------------------------------------------------------------------------------------------------------
# Italian
# ---------------------------------------------------------------------------------------------------------
_IT_ARTICLES = {"il", "lo", "l'", "la", "i", "gli", "le"}
_IT_PREP_BASE = {"in": "ne", "a": "a", "di": "de", "da": "da", "su": "su"}
_IT_ART_SUFFIX = {"il": "l", "lo": "llo", "l'": "ll'", "la": "lla", "i": "i", "gli": "gli", "le": "lle"}
_VOWELS = "aeiouàèéìòùAEIOU"


def _it_vowel(word: str) -> bool:
    w = word.lower()
    return w[:1] in _VOWELS or (w[:1] == "h" and w[1:2] in _VOWELS)


def _it_impure(word: str) -> bool:
    """Words that take lo / gli / uno: s + consonant, z, gn, ps, pn, x, y."""
    w = word.lower()
    return ((w[:1] == "s" and w[1:2] not in _VOWELS and w[1:2] != "") or w[:1] in "zxy"
            or w.startswith(("gn", "ps", "pn")))


def it_definite_article(gender: str, number: str, next_word: str) -> str:
    if gender == "m":
        if number == "sg":
            return "l'" if _it_vowel(next_word) else ("lo" if _it_impure(next_word) else "il")
        return "gli" if (_it_vowel(next_word) or _it_impure(next_word)) else "i"
    if number == "sg":
        return "l'" if _it_vowel(next_word) else "la"
    return "le"


def it_indefinite_article(gender: str, next_word: str) -> str:
    if gender == "m":
        return "uno" if _it_impure(next_word) else "un"
    return "un'" if _it_vowel(next_word) else "una"


def it_contract(prep: str, article: str) -> str:
    """in + il = nel, a + la = alla, di + l' = dell', su + gli = sugli ..."""
    return _IT_PREP_BASE[prep] + _IT_ART_SUFFIX[article]


_IT_IDX = {("m", "sg"): 0, ("f", "sg"): 1, ("m", "pl"): 2, ("f", "pl"): 3}


class _Italian:
    lang = "it"
    WH = {"obj": ["che", "cosa"], "loc": ["dove"], "dir": ["dove"], "time": ["quando"], "age": ["quanti", "anni"]}

    def __init__(self, lex: Lexicon):
        self.lex = lex

    @staticmethod
    def pre_adj(a: Adjective, g: str, n: str, next_word: str) -> str:
        """Pre-nominal form; bello and buono change like the article (bel libro, bell'albero, begli alberi)."""
        if a.key == "beautiful":
            art = it_definite_article(g, n, next_word)
            return {"il": "bel", "lo": "bello", "l'": "bell'", "la": "bella", "i": "bei", "gli": "begli",
                    "le": "belle"}[art] if not (g == "f" and n == "sg" and art == "la") else "bella"
        if a.key == "good" and n == "sg":
            if g == "m":
                return "buono" if _it_impure(next_word) else "buon"
            return "buon'" if _it_vowel(next_word) else "buona"
        return a.it_forms[_IT_IDX[(g, n)]]

    def np(self, np: NP, partitive: bool = False) -> List[str]:
        h = np.head
        if isinstance(h, Pronoun):
            return []  # pro-drop
        if isinstance(h, Name):
            return [h.name]
        if isinstance(h, Proper):
            if h.kind == "country":  # la Germania, il Canada (but "in Germania": see place())
                return [it_definite_article(h.it_g, "sg", h.it)] + h.it.split()
            return h.it.split()
        g, n = h.it_g, np.number
        idx = _IT_IDX[(g, n)]
        noun = (h.it if n == "sg" else h.it_pl).split()
        post = [a.it_forms[idx] for a in np.adjs if not a.it_pre]
        words = noun + post
        for a in reversed([a for a in np.adjs if a.it_pre]):
            words = [self.pre_adj(a, g, n, words[0])] + words
        one = np.det == "indef" or (np.det == "num" and np.count == 1)
        if np.det == "def" or np.det == "gen":
            toks = [it_definite_article(g, n, words[0])] + words
            if np.det == "gen":
                toks += self.pp("di", np.gen)
        elif one:
            toks = [it_indefinite_article(g, words[0])] + words
        elif np.det == "num":
            toks = [number_word(np.count, "it")] + words
        elif np.det == "poss":
            p = np.poss
            form = p.it_poss[idx]
            if "fam" in h.tags and n == "sg" and not np.adjs and p.key != "they":
                toks = [form] + words  # mia madre
            else:
                toks = [it_definite_article(g, n, form), form] + words
        elif partitive:
            toks = [it_contract("di", it_definite_article(g, n, words[0]))] + words  # del pane, delle mele
        else:
            toks = words
        if np.rel is not None:
            toks += ["che"] + self.clause(np.rel, "rel")
        return toks

    def pp(self, prep: str, np: NP) -> List[str]:
        toks = self.np(np)
        if isinstance(np.head, Noun) and toks and toks[0] in _IT_ARTICLES:
            return [it_contract(prep, toks[0])] + toks[1:]
        if prep == "a" and toks and toks[0][:1] in "aA":
            return ["ad"] + toks  # ad Amsterdam, ad Anna
        return [prep] + toks

    def place(self, pl: Place) -> List[str]:
        if pl.np is None:
            return HOME[pl.role]["it"].split()
        h = pl.np.head
        cls = h.kind if isinstance(h, Proper) else h.prep
        prep = PREP_CLASSES[cls]["it"][0 if pl.role == "loc" else 1]
        if isinstance(h, Proper):
            return ["ad" if (prep == "a" and h.it[:1] in "aA") else prep] + h.it.split()
        return self.pp(prep, pl.np)

    def obj(self, cl: Clause) -> List[str]:
        v, o = cl.verb, cl.obj
        if v.it_prep:
            return self.pp(v.it_prep, o)
        partitive = not cl.neg and o.det == "bare"
        return self.np(o, partitive=partitive)

    @staticmethod
    def participle(pp: str, g: str, n: str) -> str:
        return pp[:-1] + "oaie"[_IT_IDX[(g, n)]]

    def verb_group(self, cl: Clause) -> Tuple[List[str], List[str]]:
        """(finite, non-finite incl. fixed adverb). Age clauses use avere: ha ventuno anni."""
        agr = _agr(cl.subj)
        idx = {"1sg": 0, "3sg": 1, "1pl": 2, "3pl": 3}[agr]
        g, n = _it_gender(cl.subj), _number(cl.subj)
        copula = cl.verb is None
        v = cl.verb or self.lex.aux["have" if (cl.pred is not None and cl.pred.kind == "age") else "be"]
        adv = v.it_adv.split()
        if cl.modal:
            return [MODALS[cl.modal]["it"][1 if cl.tense == "past" else 0][idx]], [v.it_inf] + adv
        if cl.tense == "past" and copula:
            return [COPULA_PAST["it"][idx]], []
        if cl.tense in ("perf", "past"):
            aux = self.lex.aux["be" if v.it_aux == "e" else "have"]
            pp = self.participle(v.it_pp, g, n) if v.it_aux == "e" else v.it_pp
            return [aux.it_forms[idx]], [pp] + adv
        return [v.it_forms[idx]], adv

    def pred(self, p: Pred, cl: Clause) -> List[str]:
        if p.kind == "adj":
            return [p.adj.it_forms[_IT_IDX[(_it_gender(cl.subj), _number(cl.subj))]]]
        return ["un", "anno"] if p.count == 1 else [number_word(p.count, "it"), "anni"]

    def clause(self, cl: Clause, mode: str) -> List[str]:
        if cl.exist:
            there = ["c'è"] if _number(cl.obj) == "sg" else ["ci", "sono"]
            return self.place(cl.place) + there + self.np(cl.obj)
        fin, nonfin = self.verb_group(cl)
        never = cl.freq is not None and cl.freq.key == "never"
        neg = ["non"] if (cl.neg or never) else []
        freq = [cl.freq.it] if cl.freq else []
        subj = [] if cl.gap == "subj" else self.np(cl.subj)
        comp: List[str] = []
        if cl.obj is not None and cl.gap != "obj":
            comp += self.obj(cl)
        if cl.iobj is not None:
            comp += self.pp("a", cl.iobj)
        if cl.place is not None and cl.gap not in ("loc", "dir"):
            comp += self.place(cl.place)
        if cl.pred is not None and cl.gap != "age":
            comp += self.pred(cl.pred, cl)
        time = cl.time.render("it").split() if (cl.time and cl.gap != "time") else []
        vg = neg + fin + freq + nonfin
        if mode == "whq":
            return list(self.WH[cl.gap]) + vg + comp + subj + time
        if cl.front_time:
            return time + subj + vg + comp
        return subj + vg + comp + time

    def utterance(self, u: Utterance) -> str:
        final = "?" if u.mode in ("ynq", "whq") else "."
        main = self.clause(u.main, u.mode)
        if u.sub is None:
            return _join(main, "it", final)
        sub = [CONJUNCTIONS[u.conj]["it"]] + self.clause(u.sub, "sub")
        return _join(sub + [","] + main if u.sub_first else main + sub, "it", final)


# ---------------------------------------------------------------------------------------------------------
# Rendering entry points
# ---------------------------------------------------------------------------------------------------------
_RENDERERS = {"en": _English(LEXICON), "de": _German(LEXICON), "it": _Italian(LEXICON), "nl": _Dutch(LEXICON)}


def render(u: Union[Utterance, Clause], lang: str) -> str:
    """Realise an utterance (or a bare main clause, as a statement) in ``lang`` (en, de, it, nl)."""
    if isinstance(u, Clause):
        u = Utterance(u)
    if lang not in _RENDERERS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return _RENDERERS[lang].utterance(u)


def render_np(np: NP, lang: str, case: str = "N") -> str:
    """A noun phrase on its own (German in ``case``: N, A, D, G), without capitalisation or punctuation."""
    r = _RENDERERS[lang]
    toks = r.np(np, case) if lang == "de" else r.np(np)
    return _join(toks, lang, "", capitalize=False)


# ---------------------------------------------------------------------------------------------------------
# English normalisation (LibriSpeech transcript style)
# ---------------------------------------------------------------------------------------------------------
def _en_int(n: int) -> str:
    if n < 0:
        return "minus " + _en_int(-n)
    if n < 100:
        return number_word(n, "en").replace("-", " ")
    for size, word in ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{_en_int(head)} {word}" + (f" {_en_int(rest)}" if rest else "")
    raise AssertionError(n)


def normalize_en(text: str) -> str:
    """LibriSpeech style: upper case, numbers as words, no punctuation except in-word apostrophes."""
    text = re.sub(r"\d{1,3}(?:,\d{3})+|\d+", lambda m: f" {_en_int(int(m.group().replace(',', '')))} ", text)
    text = re.sub(r"[^\w\s']", " ", text.replace("’", "'"))
    words = [w.strip("'") for w in text.split()]
    return " ".join(w.upper() for w in words if w)


# ---------------------------------------------------------------------------------------------------------
# Sentences and the generator
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentence:
    """One synthetic sentence: English display text, translations, template name."""

    en: str
    de: str
    it: str
    nl: str
    template: str

    @property
    def en_norm(self) -> str:
        """LibriSpeech-style transcript (``normalize_en(en)``); also the uniqueness key."""
        return normalize_en(self.en)

    @property
    def words_en(self) -> Tuple[str, ...]:
        return tuple(self.en_norm.split())

    def text(self, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        return getattr(self, lang)


def realise(u: Utterance, template: str) -> Sentence:
    return Sentence(*(render(u, lang) for lang in LANGS), template=template)


# Adjectives describing a passing state, which may come with a time phrase ("was tired yesterday").
_STATE_ADJECTIVES = frozenset("happy sad angry sick hungry tired clean dirty empty full warm cold broken".split())


class _Sampler:
    """Random choices over the lexicon, with the selectional restrictions of each verb."""

    def __init__(self, rng: random.Random, lex: Lexicon):
        self.rng = rng
        self.lex = lex
        self.nouns = sorted(lex.nouns.values(), key=lambda n: n.key)
        self.by_tag: Dict[str, List[Noun]] = {}
        for n in self.nouns:
            for t in n.tags:
                self.by_tag.setdefault(t, []).append(n)
        self.verbs = sorted(lex.verbs.values(), key=lambda v: v.key)
        self.frames: Dict[str, List[Verb]] = {}
        for v in self.verbs:
            for f in v.frames:
                self.frames.setdefault(f, []).append(v)
        self.cities = [p for p in lex.proper.values() if p.kind == "city"]
        self.countries = [p for p in lex.proper.values() if p.kind == "country"]
        self.pronouns = [lex.pronouns[k] for k in ("I", "he", "she", "we", "they")]
        self.adjs = sorted((a for a in lex.adjectives.values() if a.attributive), key=lambda a: a.key)
        self.all_adjs = sorted(lex.adjectives.values(), key=lambda a: a.key)

    # -- primitives ---------------------------------------------------------------------------------------
    def p(self, prob: float) -> bool:
        return self.rng.random() < prob

    def choice(self, seq: Sequence):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, options: Mapping[str, float]) -> str:
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def count(self) -> int:
        return self.rng.randint(2, 12) if self.p(0.6) else self.rng.randint(13, 100)

    def nouns_with(self, tags: Iterable[str], exclude: Collection[str] = ()) -> List[Noun]:
        seen: Dict[str, Noun] = {}
        for t in tags:
            for n in self.by_tag.get(t, ()):
                if not n.has(*exclude):
                    seen[n.key] = n
        return [seen[k] for k in sorted(seen)]

    def adjectives(self, noun: Noun, max_n: int = 2, prob: float = 0.4) -> Tuple[Adjective, ...]:
        if not self.p(prob):
            return ()
        fits = [a for a in self.adjs if a.tags & noun.tags]
        if not fits:
            return ()
        if max_n >= 2 and self.p(0.25):
            firsts = [a for a in fits if a.it_pre]
            seconds = [a for a in fits if a.group in ("colour", "nation")]
            if firsts and seconds:
                return self.choice(firsts), self.choice(seconds)
        return (self.choice(fits),)

    # -- noun phrases ---------------------------------------------------------------------------------------
    def possessor(self) -> NP:
        r = self.rng.random()
        if r < 0.3:
            return NP(self.choice(self.lex.names), det="none")
        people = self.nouns_with(["person"])
        noun = self.choice(people)
        if r < 0.5 and "fam" in noun.tags:
            return NP(noun, det="poss", poss=self.choice(self.pronouns))
        return NP(noun, det="def")

    def noun_np(self, noun: Noun, role: str, allow_num: bool = True, allow_gen: bool = True,
                adj_prob: float = 0.4, force_det: Optional[str] = None) -> NP:
        """``role``: subj | obj | iobj | place."""
        if noun.mass:
            det = force_det or self.weighted({"bare": 0.55 if role == "obj" else 0.0, "def": 0.3, "poss": 0.15})
            if det in ("num", "indef") or (det == "bare" and role != "obj"):
                det = "def"
            return NP(noun, "sg", det, poss=self.choice(self.pronouns) if det == "poss" else None,
                      gen=self.possessor() if det == "gen" else None,
                      adjs=() if "sport" in noun.tags else self.adjectives(noun, 1, adj_prob * 0.7))
        if force_det:
            det = force_det
        elif role == "subj":
            det = self.weighted({"def": 0.55, "poss": 0.17, "indef": 0.08, "gen": 0.1 if allow_gen else 0,
                                 "num": 0.1 if allow_num else 0})
        elif role == "iobj":
            det = self.weighted({"def": 0.6, "poss": 0.3, "gen": 0.1 if allow_gen else 0})
        elif role == "place":
            det = "poss" if ("room" in noun.tags or noun.key == "house") and self.p(0.15) else "def"
        else:
            det = self.weighted({"def": 0.3, "indef": 0.28, "poss": 0.12, "num": 0.12 if allow_num else 0,
                                 "gen": 0.06 if allow_gen else 0, "bare": 0.12})
        if "fam" in noun.tags and det in ("indef", "num", "bare") and role == "subj":
            det = "poss"
        number = "pl" if (det in ("bare",) or (det in ("def", "poss", "gen") and self.p(0.3))) else "sg"
        count = 0
        if det == "num":
            count = self.count() if self.p(0.95) else 1
            number = "sg" if count == 1 else "pl"
        if det == "indef":
            number = "sg"
        if role == "place":
            number = "sg"
        poss = self.choice(self.pronouns) if det == "poss" else None
        gen = self.possessor() if det == "gen" else None
        while gen is not None and gen.head is noun:  # not "the husband's husband"
            gen = self.possessor()
        adj_p = adj_prob if role != "place" else 0.1
        return NP(noun, number, det, count, poss, gen, self.adjectives(noun, 2, adj_p))

    def subject(self, tags: Collection[str], allow_pron: bool = True, **kw) -> NP:
        """A subject for verbs taking ``tags``: pronoun, name or noun phrase (``kw`` go to :meth:`noun_np`)."""
        personal = bool(set(tags) & {"person", "adult", "young"})
        r = self.rng.random()
        if personal and allow_pron and r < 0.16:
            return self._pron_np()
        if personal and r < 0.36:
            return NP(self.choice(self.lex.names), det="none")
        return self.noun_np(self.choice(self.nouns_with(tags)), "subj", **kw)

    def _pron_np(self) -> NP:
        p = self.choice(self.pronouns)
        return NP(p, number=p.number, det="none")

    def object(self, verb: Verb, **kw) -> NP:
        tags = [t for t in verb.objs if not t.startswith("@")]
        propers = [t for t in verb.objs if t.startswith("@")]
        if propers and self.p(0.3):
            pool = self.cities if self.choice(propers) == "@city" else self.countries
            return NP(self.choice(pool), det="none")
        return self.noun_np(self.choice(self.nouns_with(tags)), "obj", **kw)

    def place_np(self, specs: Sequence[str], role: str) -> Place:
        """A place for ``specs`` (place keys and @groups: @city @country @home @room @bldg @spot @outdoor)."""
        spec = self.choice(specs)
        if spec == "@home":
            return Place(role, None)
        if spec == "@city":
            return Place(role, NP(self.choice(self.cities), det="none"))
        if spec == "@country":
            return Place(role, NP(self.choice(self.countries), det="none"))
        if spec.startswith("@"):
            noun = self.choice(self.nouns_with([spec[1:]]))
        else:
            noun = self.lex.noun(spec)
        return Place(role, self.noun_np(noun, "place"))

    def time(self, tense: str) -> Time:
        options = [t for t in self.lex.times if tense in t.tenses]
        phrase = self.choice(options)
        return Time(phrase, n=self.rng.randint(2, 10), h=self.rng.randint(1, 12))

    def tense(self, weights: Optional[Mapping[str, float]] = None) -> str:
        return self.weighted(weights or {"pres": 0.45, "past": 0.2, "perf": 0.25, "fut": 0.1})

    def with_time(self, tense: str, prob: float) -> Optional[Time]:
        if tense == "fut":
            return self.time("fut")
        if tense == "perf":
            return None  # "has bought yesterday" is not English
        return self.time(tense) if self.p(prob) else None

    # -- clauses ---------------------------------------------------------------------------------------------
    def verb_for(self, frame: str, noun: Optional[Noun] = None) -> Verb:
        """A verb of ``frame`` (tr intr motion ditr ...) whose subject may be ``noun`` (any when None)."""
        verbs = self.frames[frame]
        if noun is not None:
            verbs = [v for v in verbs if noun.has(*v.subj)]
        return self.choice(verbs)

    def subject_for(self, verb: Verb, subj: Optional[NP], **kw) -> NP:
        return subj if subj is not None else self.subject(verb.subj, **kw)

    def transitive(self, tense: Optional[str] = None, time_prob: float = 0.3, verb: Optional[Verb] = None,
                   subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("tr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        obj = self.object(verb)
        if obj.noun is not None and "sport" in obj.noun.tags:
            obj = NP(obj.noun, det="bare")  # plays football: no article, no adjective
        place = None
        if "intr" in verb.frames and verb.places and self.p(0.3):
            place = self.place_np(verb.places, "loc")
        return Clause(self.subject_for(verb, subj), verb, obj=obj, place=place, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def intransitive(self, tense: Optional[str] = None, time_prob: float = 0.3, place_prob: float = 0.85,
                     verb: Optional[Verb] = None, subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("intr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        place = self.place_np(verb.places, "loc") if (verb.key == "live" or self.p(place_prob)) else None
        return Clause(self.subject_for(verb, subj), verb, place=place, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def motion(self, tense: Optional[str] = None, time_prob: float = 0.3, verb: Optional[Verb] = None,
               subj: Optional[NP] = None, **kw) -> Clause:
        verb = verb or self.verb_for("motion", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        return Clause(self.subject_for(verb, subj), verb, place=self.place_np(verb.places, "dir"), tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def ditransitive(self, tense: Optional[str] = None, time_prob: float = 0.2, subj: Optional[NP] = None,
                     **kw) -> Clause:
        verb = self.verb_for("ditr", subj.noun if subj is not None else None)
        tense = tense or self.tense()
        recipient = self.subject(["person"], allow_pron=False, allow_num=False)
        if isinstance(recipient.head, Noun):
            recipient = self.noun_np(recipient.head, "iobj", adj_prob=0.15)
        obj = self.noun_np(self.choice(self.nouns_with(verb.objs)), "obj", adj_prob=0.25)
        return Clause(self.subject_for(verb, subj), verb, obj=obj, iobj=recipient, tense=tense,
                      time=self.with_time(tense, time_prob), **kw)

    def predicate_adj(self, subj: NP) -> Pred:
        h = subj.head
        if isinstance(h, Noun):
            adjs = [a for a in self.all_adjs if a.tags & h.tags]
        else:
            adjs = [a for a in self.all_adjs if a.tags & {"person", "adult"}]
        return Pred("adj", self.choice(adjs))

    def copula(self, tense: Optional[str] = None, time_prob: float = 0.4, subj: Optional[NP] = None,
               **kw) -> Clause:
        tense = tense or self.weighted({"pres": 0.6, "past": 0.25, "perf": 0.1, "fut": 0.05})
        time = self.with_time(tense, time_prob)
        mobile = subj is None or (subj.noun is None or subj.noun.has("person", "animal"))
        if mobile and self.p(0.45):  # location: the teacher is in the kitchen
            subj = subj or self.subject(["person", "animal"], adj_prob=0.2)
            place = self.place_np(["@room", "@bldg", "@spot", "@outdoor", "@city", "@country", "@home"], "loc")
            return Clause(subj, None, place=place, tense=tense, time=time, **kw)
        if subj is None:
            if self.p(0.3):
                subj = self.subject(["person"])
            else:
                noun = self.choice(self.nouns_with(["person", "animal", "thing", "cloth", "vehicle", "furn", "food",
                                                    "drink", "bldg", "text", "show"]))
                subj = self.noun_np(noun, "subj", allow_num=False, adj_prob=0.15)
        if tense == "perf":  # "has been red" is odd English: use the simple past for properties
            tense = "past"
        pred = self.predicate_adj(subj)
        if pred.adj.key not in _STATE_ADJECTIVES:  # lasting properties take no time phrase
            time = None
            tense = "pres" if tense == "fut" else tense
        return Clause(subj, None, pred=pred, tense=tense, time=time, **kw)

    def simple(self, tense: str, time_prob: float = 0.0, subj: Optional[NP] = None, **kw) -> Clause:
        """Any one-clause sentence body: transitive, intransitive, motion or copula."""
        kinds = ["transitive", "transitive", "intransitive", "motion", "copula"]
        if subj is not None and subj.noun is not None:
            frame = {"transitive": "tr", "intransitive": "intr", "motion": "motion"}
            kinds = [k for k in kinds if k == "copula"
                     or any(subj.noun.has(*v.subj) for v in self.frames[frame[k]])]
        build = getattr(self, self.choice(kinds))
        return build(tense=tense, time_prob=time_prob, subj=subj, **kw)


# Templates: name -> (weight, builder(sampler) -> Utterance)
Template = Callable[[_Sampler], Utterance]


def _t_transitive(s: _Sampler) -> Utterance:
    return Utterance(s.transitive(tense=s.tense({"pres": 0.6, "past": 0.3, "fut": 0.1})))


def _t_ditransitive(s: _Sampler) -> Utterance:
    return Utterance(s.ditransitive())


def _t_locative(s: _Sampler) -> Utterance:
    return Utterance(s.intransitive(place_prob=1.0))


def _t_motion(s: _Sampler) -> Utterance:
    return Utterance(s.motion())


def _t_copula(s: _Sampler) -> Utterance:
    return Utterance(s.copula())


def _t_age(s: _Sampler) -> Utterance:
    subj = s.subject(["person", "pet"], adj_prob=0.0, allow_num=False)
    return Utterance(Clause(subj, None, pred=Pred("age", count=s.rng.randint(1, 100))))


def _t_price(s: _Sampler) -> Utterance:
    noun = s.choice(s.nouns_with(["goods", "vehicle"], exclude=["place"]))
    subj = s.noun_np(noun, "subj", allow_gen=False, force_det=s.weighted({"def": 0.8, "poss": 0.2}))
    count = s.rng.randint(1, 100)
    price = NP(s.lex.noun("euro"), "sg" if count == 1 else "pl", "num", count)
    return Utterance(Clause(subj, s.lex.verb("cost"), obj=price))


def _t_existential(s: _Sampler) -> Utterance:
    place = s.place_np(["@room", "@bldg", "@outdoor"], "loc")
    noun = s.choice(s.nouns_with(["animal", "thing", "furn", "person", "vehicle"], exclude=["mass", "place"]))
    obj = s.noun_np(noun, "obj", allow_gen=False,
                    force_det=s.weighted({"indef": 0.45, "num": 0.45, "bare": 0.1}), adj_prob=0.3)
    return Utterance(Clause(NP(noun, obj.number, "none"), None, obj=obj, place=place, exist=True))


def _t_numbers(s: _Sampler) -> Utterance:
    verb = s.lex.verb(s.choice(["have", "buy", "sell", "see", "find", "need", "carry", "draw", "order", "pick"]))
    nouns = s.nouns_with(verb.objs, exclude=["mass", "place"])
    obj = s.noun_np(s.choice(nouns), "obj", force_det="num")
    tense = s.tense({"pres": 0.5, "past": 0.3, "perf": 0.2})
    return Utterance(Clause(s.subject(verb.subj, allow_num=False), verb, obj=obj, tense=tense,
                            time=s.with_time(tense, 0.3)))


def _t_frequency(s: _Sampler) -> Utterance:
    freq = s.choice(list(s.lex.freq.values()))
    tense = "perf" if s.p(0.25) else "pres"
    build = s.choice([s.transitive, s.transitive, s.intransitive])
    return Utterance(build(tense=tense, time_prob=0.0, freq=freq))


def _t_possessive(s: _Sampler) -> Utterance:
    verb = s.choice(s.frames["tr"])
    tense = s.tense({"pres": 0.5, "past": 0.3, "perf": 0.2})
    if s.p(0.5):  # the teacher's dog / my sister ... as subject
        subj = s.noun_np(s.choice(s.nouns_with(verb.subj)), "subj", force_det=s.choice(["gen", "poss"]))
        cl = s.transitive(tense=tense, time_prob=0.2, verb=verb, subj=subj)
    else:
        cl = s.transitive(tense=tense, time_prob=0.2, verb=verb)
        if isinstance(cl.obj.head, Noun) and "sport" not in cl.obj.head.tags:
            cl = replace(cl, obj=s.noun_np(cl.obj.head, "obj", force_det=s.choice(["gen", "poss"])))
    return Utterance(cl)


def _t_time_fronted(s: _Sampler) -> Utterance:
    tense = s.tense({"pres": 0.4, "past": 0.45, "fut": 0.15})
    cl = s.simple(tense)
    return Utterance(replace(cl, time=s.time(tense), front_time=True))


def _t_modal(s: _Sampler) -> Utterance:
    modal = s.choice(["can", "must", "want"])
    tense = "past" if s.p(0.2) else "pres"
    neg = s.p(0.25) and not (modal == "must" and tense == "past")
    build = s.choice([s.transitive, s.transitive, s.intransitive, s.motion])
    cl = build(tense=tense, time_prob=0.25)
    if cl.verb is not None and cl.verb.key == "need":
        cl = s.motion(tense=tense, time_prob=0.25)
    return Utterance(replace(cl, modal=modal, neg=neg))


def _t_perfect(s: _Sampler) -> Utterance:
    tense = "perf" if s.p(0.5) else "past"
    build = s.choice([s.transitive, s.intransitive, s.motion])
    return Utterance(build(tense=tense, time_prob=0.5))


def _t_negation(s: _Sampler) -> Utterance:
    tense = s.tense({"pres": 0.5, "past": 0.25, "perf": 0.2, "fut": 0.05})
    cl = s.simple(tense, time_prob=0.2)
    if cl.obj is not None and cl.obj.det == "num":
        cl = replace(cl, obj=replace(cl.obj, det="indef", number="sg", count=0))
    return Utterance(replace(cl, neg=True))


def _t_because(s: _Sampler) -> Utterance:
    main = s.simple(s.tense({"pres": 0.6, "past": 0.4}))
    sub = s.simple(s.tense({"pres": 0.4, "past": 0.3, "perf": 0.3}))
    if s.p(0.2) and sub.verb is not None and sub.verb.key != "need":
        sub = replace(sub, modal=s.choice(["can", "must", "want"]), tense="pres", time=None)
    return Utterance(main, sub=sub, conj="because")


def _t_when(s: _Sampler) -> Utterance:
    conj = s.choice(["when", "when", "while"])
    return Utterance(s.simple("pres"), sub=s.simple("pres"), conj=conj, sub_first=conj == "when" or s.p(0.3))


def _t_that(s: _Sampler) -> Utterance:
    verb = s.choice(s.frames["comp"])
    main_tense = s.weighted({"pres": 0.6, "past": 0.25, "perf": 0.15})
    main = Clause(s.subject(verb.subj, adj_prob=0.1, allow_num=False), verb, tense=main_tense)
    sub_tense = s.weighted({"pres": 0.5, "perf": 0.3, "past": 0.2}) if main_tense == "pres" else \
        s.choice(["past", "perf"])
    return Utterance(main, sub=s.simple(sub_tense, 0.2), conj="that")


def _t_relative(s: _Sampler) -> Utterance:
    if s.p(0.5):  # subject gap: the woman who lives in Rome buys a car
        noun = s.choice(s.nouns_with(["person", "animal"]))
        head = s.noun_np(noun, "subj", allow_num=False, allow_gen=False, adj_prob=0.15,
                         force_det=s.weighted({"def": 0.8, "indef": 0.2}))
        inner = s.choice([s.intransitive, s.transitive])(tense=s.choice(["pres", "past", "perf"]),
                                                         time_prob=0.0, subj=head)
        head = replace(head, rel=replace(inner, gap="subj"))
        return Utterance(s.simple("pres", subj=head))
    # object gap: the car that my father bought is red
    verb = s.choice([v for v in s.frames["tr"] if not v.de_prep and not v.nl_prep and not v.it_prep
                     and v.de_case == "A"])
    tags = [t for t in verb.objs if not t.startswith("@")]
    noun = s.choice([n for n in s.nouns_with(tags) if any(a.tags & n.tags for a in s.all_adjs)])
    number = "sg" if noun.mass or s.p(0.7) else "pl"
    inner = Clause(s.subject(verb.subj, adj_prob=0.0, allow_num=False, allow_gen=False), verb,
                   obj=NP(noun, number, "def"), tense=s.choice(["pres", "past", "perf"]), gap="obj")
    head = NP(noun, number, "def", rel=inner)
    return Utterance(Clause(head, None, pred=s.predicate_adj(head), neg=s.p(0.15)))


def _t_yes_no(s: _Sampler) -> Utterance:
    tense = s.tense({"pres": 0.45, "past": 0.25, "perf": 0.2, "fut": 0.1})
    cl = s.simple(tense, 0.3)
    if s.p(0.2) and cl.verb is not None and cl.verb.key != "need":
        cl = replace(cl, modal="can", tense="pres", time=None)
    return Utterance(cl, mode="ynq")


def _t_wh(s: _Sampler) -> Utterance:
    kind = s.choice(["obj", "obj", "loc", "dir", "time", "age", "loc_be"])
    tense = s.tense({"pres": 0.55, "past": 0.3, "perf": 0.15})
    if kind == "obj":  # what does the man buy?
        verbs = [v for v in s.frames["tr"] if not (v.de_prep or v.it_prep or v.nl_prep)
                 and set(v.objs) - {"person", "animal", "pet", "@city", "@country", "sport"}]
        verb = s.choice(verbs)
        things = s.nouns_with(verb.objs, exclude=["person", "animal"])
        cl = Clause(s.subject(verb.subj), verb, obj=NP(s.choice(things), det="def"), tense=tense,
                    time=s.with_time(tense, 0.3), gap="obj")
        if s.p(0.15):
            cl = replace(cl, modal=s.choice(["can", "want"]), tense="pres", time=None)
    elif kind == "loc":  # where does the man work?
        cl = replace(s.intransitive(tense=tense, place_prob=1.0), gap="loc")
    elif kind == "dir":  # where does the man go?
        cl = replace(s.motion(tense=tense), gap="dir")
    elif kind == "loc_be":  # where is the teacher?
        subj = s.subject(["person", "animal"], adj_prob=0.2)
        cl = Clause(subj, None, place=Place("loc", None), gap="loc")
    elif kind == "time":  # when does the train arrive?
        verb = s.lex.verb(s.choice(["arrive", "leave"]))
        subj = s.noun_np(s.choice(s.nouns_with(["sched"])), "subj", allow_num=False, allow_gen=False)
        cl = Clause(subj, verb, time=s.time("pres"), tense="pres", gap="time")
    else:  # how old is the teacher?
        cl = Clause(s.subject(["person"], allow_num=False), None, pred=Pred("age", count=1), gap="age")
    return Utterance(cl, mode="whq")


def _t_schedule(s: _Sampler) -> Utterance:
    verb = s.lex.verb(s.choice(["arrive", "arrive", "leave"]))
    subj_tags = ["sched"] if verb.key == "leave" else ["transport", "sched", "person"]
    subj = s.subject(subj_tags, allow_num=False, allow_gen=False, adj_prob=0.2)
    clock = [t for t in s.lex.times if "{h}" in t.en]
    time = Time(s.choice(clock), h=s.rng.randint(1, 12))
    place = s.place_np(verb.places, "loc") if (verb.places and s.p(0.5)) else None
    tense = "past" if s.p(0.25) else "pres"
    return Utterance(Clause(subj, verb, place=place, time=time, front_time=s.p(0.3), tense=tense))


TEMPLATES: Dict[str, Tuple[float, Template]] = {
    "transitive": (1.5, _t_transitive),
    "ditransitive": (0.8, _t_ditransitive),
    "locative": (1.0, _t_locative),
    "motion": (1.0, _t_motion),
    "copula": (1.0, _t_copula),
    "age": (0.4, _t_age),
    "price": (0.4, _t_price),
    "existential": (0.6, _t_existential),
    "numbers": (0.8, _t_numbers),
    "frequency": (0.7, _t_frequency),
    "possessive": (0.8, _t_possessive),
    "time_fronted": (1.2, _t_time_fronted),
    "modal": (1.2, _t_modal),
    "perfect": (1.2, _t_perfect),
    "negation": (1.2, _t_negation),
    "because": (0.8, _t_because),
    "when": (0.7, _t_when),
    "that": (0.7, _t_that),
    "relative": (0.7, _t_relative),
    "yes_no_question": (0.7, _t_yes_no),
    "wh_question": (0.8, _t_wh),
    "schedule": (0.5, _t_schedule),
}


class SentenceGenerator:
    """Deterministic sampler of :class:`Sentence` objects (own ``random.Random(seed)``; never global state).

    ``templates`` restricts sampling to some of :data:`TEMPLATES`. Every sentence has 3..15 English words
    (LibriSpeech-normalised count); longer draws are re-sampled.
    """

    def __init__(self, seed: int, templates: Optional[Sequence[str]] = None, lexicon: Lexicon = LEXICON):
        names = list(templates) if templates is not None else list(TEMPLATES)
        unknown = [t for t in names if t not in TEMPLATES]
        if unknown or not names:
            raise ValueError(f"unknown templates {unknown}; choose from {', '.join(TEMPLATES)}")
        self.seed = seed
        self.rng = random.Random(seed)
        self.lexicon = lexicon
        self._names = names
        self._weights = [TEMPLATES[t][0] for t in names]
        self._sampler = _Sampler(self.rng, lexicon)

    def sample_utterance(self) -> Tuple[str, Utterance]:
        """One draw of (template name, sentence description), before rendering and the length check."""
        name = self.rng.choices(self._names, weights=self._weights)[0]
        return name, TEMPLATES[name][1](self._sampler)

    def sample(self) -> Sentence:
        for _ in range(1000):
            name, utt = self.sample_utterance()
            sent = realise(utt, name)
            if MIN_WORDS <= len(sent.words_en) <= MAX_WORDS:
                return sent
        raise RuntimeError(f"templates {self._names} gave no sentence of {MIN_WORDS}..{MAX_WORDS} words "
                           "in 1000 draws")

    def generate(self, n: int) -> List[Sentence]:
        return [self.sample() for _ in range(n)]

    def generate_unique(self, n: int, exclude: Collection[str] = (), max_tries: Optional[int] = None
                        ) -> List[Sentence]:
        """``n`` sentences whose normalised English (``en_norm``) is new and not in ``exclude``."""
        seen: Set[str] = set(exclude)
        out: List[Sentence] = []
        tries = max_tries if max_tries is not None else 50 * n + 1000
        for _ in range(tries):
            if len(out) == n:
                break
            s = self.sample()
            if s.en_norm not in seen:
                seen.add(s.en_norm)
                out.append(s)
        if len(out) < n:
            raise RuntimeError(f"only {len(out)} of {n} distinct sentences after {tries} draws")
        return out


def generate_splits(seed: int, sizes: Mapping[str, int], templates: Optional[Sequence[str]] = None
                    ) -> Dict[str, List[Sentence]]:
    """Disjoint sentence sets, e.g. ``{"train": 600, "dev": 60, "test": 100}``: no English sentence repeats
    within or across splits. Deterministic for ``seed`` and the order of ``sizes``."""
    gen = SentenceGenerator(seed, templates)
    seen: Set[str] = set()
    out: Dict[str, List[Sentence]] = {}
    for name, n in sizes.items():
        out[name] = gen.generate_unique(n, exclude=seen)
        seen.update(s.en_norm for s in out[name])
    return out


# ---------------------------------------------------------------------------------------------------------
# Vocabulary and word-order measurement
# ---------------------------------------------------------------------------------------------------------
_EN_FUNCTION_WORDS = (
    "the a an not do does did has have had will can cannot could must to want wants wanted am is are was were "
    "be been there who that what where when how old year years because while I he she we they my his her our "
    "their at home in on o'clock half past ago every last next this euros"
).split()


def en_vocabulary(lexicon: Lexicon = LEXICON) -> Set[str]:
    """Every word type (LibriSpeech-normalised) the English side can emit."""
    words: List[str] = list(_EN_FUNCTION_WORDS)
    for n in lexicon.nouns.values():
        words += n.en.split() + (n.en_pl.split() if n.en_pl else [])
        if "person" in n.tags:
            words.append(n.en.split()[-1] + "'s")
    for nm in lexicon.names:
        words += [nm.name, nm.name + "'s"]
    for a in lexicon.adjectives.values():
        words.append(a.en)
    for v in list(lexicon.verbs.values()) + list(lexicon.aux.values()):
        for f in v.en:
            words += f.split()
    for p in lexicon.proper.values():
        words += p.en.split()
    for f in lexicon.freq.values():
        words.append(f.en)
    for t in lexicon.times:
        for n in range(2, 11):
            for h in range(1, 13):
                words += Time(t, n, h).render("en").split()
    for i in range(101):
        words += number_word(i, "en").split()
    for c in CONJUNCTIONS.values():
        words.append(c["en"])
    for pl in HOME.values():
        words += pl["en"].split()
    for cls in PREP_CLASSES.values():
        words += list(cls["en"])
    return {w for text in words for w in normalize_en(text).split()}


_TIME_WORDS = {
    "yesterday": ("gestern", "ieri", "gisteren"), "today": ("heute", "oggi", "vandaag"),
    "tomorrow": ("morgen", "domani", "morgen"), "now": ("jetzt", "adesso", "nu"),
    "morning": ("morgen", "mattina", "ochtend"), "evening": ("abend", "sera", "avond"),
    "afternoon": ("nachmittag", "pomeriggio", "middags"), "week": ("woche", "settimana", "week"),
    "weeks": ("wochen", "settimane", "weken"), "month": ("monat", "mese", "maand"),
    "year": ("jahr", "anno", "jaar"), "years": ("jahren", "anni", "jaar"), "days": ("tagen", "giorni", "dagen"),
    "summer": ("sommer", "estate", "zomer"), "winter": ("winter", "inverno", "winter"),
    "monday": ("montag", "lunedì", "maandag"), "tuesday": ("dienstag", "martedì", "dinsdag"),
    "wednesday": ("mittwoch", "mercoledì", "woensdag"), "thursday": ("donnerstag", "giovedì", "donderdag"),
    "friday": ("freitag", "venerdì", "vrijdag"), "saturday": ("samstag", "sabato", "zaterdag"),
    "sunday": ("sonntag", "domenica", "zondag"),
}


def _build_alignment_table(lex: Lexicon) -> Dict[str, Dict[str, Set[str]]]:
    """English content word (lower case) -> set of lower-case target forms, per target language."""
    table: Dict[str, Dict[str, Set[str]]] = {lang: {} for lang in ("de", "it", "nl")}

    def add(en_words: Iterable[str], lang: str, forms: Iterable[str]) -> None:
        fs = {f.lower() for form in forms if form for f in form.split()}
        for w in en_words:
            table[lang].setdefault(w.lower(), set()).update(fs)

    for n in lex.nouns.values():
        en = [n.en.split()[-1]] + ([n.en_pl.split()[-1]] if n.en_pl else [])
        de = [n.de, n.de_pl, n.de_weak, n.de_gen, _German.noun_form(n, "sg", "G")]
        if n.de_pl:
            de.append(_German.noun_form(n, "pl", "D"))
        add(en, "de", de)
        add(en, "it", [n.it.split()[0]] + ([n.it_pl.split()[0]] if n.it_pl else []))
        add(en, "nl", [n.nl.split()[0]] + ([n.nl_pl.split()[0]] if n.nl_pl else []))
    for a in lex.adjectives.values():
        de = [a.de] + ([a.de_stem + e for e in ("e", "en", "er", "es", "em")] if a.de_stem else [])
        add([a.en], "de", de)
        add([a.en], "it", list(a.it_forms) + ["bel", "bell", "bei", "begli", "buon"] * (a.key in ("beautiful",
                                                                                               "good")))
        add([a.en], "nl", [a.nl, a.nl_infl])
    for v in lex.verbs.values():
        if v.key in ("have",):
            continue
        en = {f.split()[0] for f in v.en}
        de = [v.de_inf, v.de_1sg, v.de_3sg, v.de_pp, v.de_pl()]
        add(en, "de", [w for f in de for w in f.split() if w != v.de_sep.strip()])
        if v.it_adv == "bisogno":
            add(en, "it", ["bisogno"])
        else:
            pp = v.it_pp
            add(en, "it", [v.it_inf, *v.it_forms, pp, pp[:-1] + "a", pp[:-1] + "i", pp[:-1] + "e"])
        nl = [v.nl_inf, v.nl_1sg, v.nl_3sg, v.nl_pp, v.nl_pl()]
        add(en, "nl", [w for f in nl for w in f.split() if w != v.nl_sep.strip() or v.nl_sep.endswith(" ")])
    for nm in lex.names:
        for lang in ("de", "it", "nl"):
            add([nm.name], lang, [nm.name, nm.name + "s"])
    for p in lex.proper.values():
        for lang in ("de", "it", "nl"):
            add([p.en.split()[-1]], lang, [getattr(p, lang)])
    for f in lex.freq.values():
        for lang in ("de", "it", "nl"):
            add([f.en], lang, [getattr(f, lang)])
    for w, forms in _TIME_WORDS.items():
        for lang, form in zip(("de", "it", "nl"), forms):
            add([w], lang, [form])
    for i in range(2, 101):
        en = number_word(i, "en").split()[-1]
        for lang in ("de", "it", "nl"):
            add([en], lang, [number_word(i, lang)])
    return table


_ALIGN: Optional[Dict[str, Dict[str, Set[str]]]] = None


def _tokens(text: str, lang: str) -> List[str]:
    toks = []
    for raw in text.split():
        t = raw.strip(".,?!").lower()
        if lang == "en" and t.endswith("'s"):
            t = t[:-2]
        if lang == "it" and "'" in t:
            t = t.rsplit("'", 1)[1]
        if t:
            toks.append(t)
    return toks


def aligned_positions(sentence: Sentence, lang: str) -> List[int]:
    """Positions in the ``lang`` sentence of the English content words, in English order (greedy, via the
    lexicon's translations; words without a match are skipped)."""
    global _ALIGN
    if _ALIGN is None:
        _ALIGN = _build_alignment_table(LEXICON)
    table = _ALIGN[lang]
    target = _tokens(sentence.text(lang), lang)
    used: Set[int] = set()
    positions = []
    for w in _tokens(sentence.en, "en"):
        forms = table.get(w)
        if not forms:
            continue
        for i, t in enumerate(target):
            if i not in used and t in forms:
                used.add(i)
                positions.append(i)
                break
    return positions


def order_differs(sentence: Sentence, lang: str) -> Optional[bool]:
    """True when the aligned content words appear in a different order in ``lang`` than in English;
    None when fewer than two words align."""
    pos = aligned_positions(sentence, lang)
    if len(pos) < 2:
        return None
    return any(b < a for a, b in zip(pos, pos[1:]))


def reordering_share(sentences: Sequence[Sentence], lang: str) -> float:
    """Share of sentences (with >= 2 aligned content words) whose translation reorders them."""
    flags = [f for f in (order_differs(s, lang) for s in sentences) if f is not None]
    if not flags:
        raise ValueError("no sentence has two aligned content words")
    return sum(flags) / len(flags)
