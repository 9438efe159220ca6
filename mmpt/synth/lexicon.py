"""Lexicon of the embedded corpus' text grammar: English words with German, Italian and Dutch translations.

Every entry carries the grammatical features that :mod:`mmpt.synth.grammar` needs to inflect and place it:
noun gender and plural (de der/die/das with weak masculines, genitive and dative plural forms; it m/f with the
article chosen from the next word's sound; nl de/het), adjective stems and agreement classes (de strong / weak /
mixed endings, it gender/number forms and pre- or post-nominal position, nl ``-e`` forms), verb forms for 1st /
3rd person singular and plural present, past participle and auxiliary (de haben/sein, it avere/essere,
nl hebben/zijn), separable particles, case or preposition of the object. The word lists are compact ``|``
tables shipped as package data, ``mmpt/synth/lexicon_data/<name>.txt`` (:data:`TABLES`; the ``#`` lines at
the top of each file describe its columns), parsed once at import time; :data:`LEXICON` is the parsed result.

Numbers 0..100 are spelled by :func:`number_word` (einundzwanzig, ventuno, eenentwintig, twenty-one).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

LANGS: Tuple[str, ...] = ("en", "de", "it", "nl")
TARGET_LANGS: Tuple[str, ...] = ("de", "it", "nl")


class LexiconError(ValueError):
    """A malformed line in one of the lexicon tables (names the table and the line)."""


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _numerals() -> Dict[str, Tuple[List[str], List[str], str]]:
    """Per language (table ``numbers``): the words for 0..19, the tens (indexed by the tens digit) and 100."""
    return {lang: (units.split(), ["_", "_"] + tens.split(), hundred)
            for lang, hundred, units, tens in _rows(table_text(NUMBERS_TABLE), "numbers", 4)}


def _nl_compound(tens: str, u: int, units: Sequence[str]) -> str:
    unit = "een" if u == 1 else units[u]
    return unit + ("ën" if unit.endswith("e") else "en") + tens  # tweeëntwintig, drieëntwintig


# tens word and unit digit (1..9) -> the compound number word
_COMPOUNDS: Dict[str, Callable[[str, int, Sequence[str]], str]] = {
    "en": lambda tens, u, units: f"{tens}-{units[u]}",
    "de": lambda tens, u, units: ("ein" if u == 1 else units[u]) + "und" + tens,
    # venti + uno -> ventuno, trenta + otto -> trentotto, venti + tre -> ventitré
    "it": lambda tens, u, units: (tens[:-1] if u in (1, 8) else tens) + ("tré" if u == 3 else units[u]),
    "nl": _nl_compound,
}


def number_word(n: int, lang: str) -> str:
    """Cardinal ``n`` (0..100) spelled out in ``lang`` as counted ("eins", "uno", "één", "one").

    Compounds follow each language: twenty-one, einundzwanzig, ventuno / ventitré, eenentwintig / tweeëntwintig.
    Before a noun German and Italian use the article-like forms for 1 (see grammar); this is the number alone.
    """
    if not 0 <= n <= 100:
        raise ValueError(f"number_word supports 0..100, got {n}")
    if lang not in _numerals():
        raise ValueError(f"unknown language {lang!r}")
    units, tens, hundred = _numerals()[lang]
    if n == 100:
        return hundred
    if n < 20:
        return units[n]
    t, u = divmod(n, 10)
    return _COMPOUNDS[lang](tens[t], u, units) if u else tens[t]


# ---------------------------------------------------------------------------------------------------------
# Entry types
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Noun:
    """A common noun. ``pl`` fields are ``None`` for mass nouns (bread, water), which never take numbers."""

    key: str
    en: str
    en_pl: Optional[str]
    de_g: str  # m | f | n
    de: str
    de_pl: Optional[str]
    de_weak: Optional[str]  # n-declension form for acc/dat/gen singular (der Junge -> den Jungen)
    de_gen: Optional[str]  # genitive singular override (des Mannes)
    it_g: str  # m | f
    it: str
    it_pl: Optional[str]
    nl_het: bool
    nl: str
    nl_pl: Optional[str]
    tags: FrozenSet[str]
    prep: Optional[str] = None  # place nouns: key of PREP_CLASSES

    @property
    def mass(self) -> bool:
        return self.en_pl is None

    def has(self, *tags: str) -> bool:
        return any(t in self.tags for t in tags)


@dataclass(frozen=True)
class Adjective:
    key: str
    en: str
    de: str  # predicative form
    de_stem: Optional[str]  # attributive stem; None = invariable (rosa, lila)
    it_forms: Tuple[str, str, str, str]  # m.sg f.sg m.pl f.pl
    it_pre: bool  # placed before the noun (bello, grande, piccolo, ...)
    nl: str
    nl_infl: str  # with -e (rode, grote; oranje stays)
    tags: FrozenSet[str]  # noun tags it can modify
    attributive: bool = True  # False: only after a copula (tired -> moe)
    group: str = "quality"  # colour | nation | size | age | quality


@dataclass(frozen=True)
class Verb:
    key: str
    en: Tuple[str, str, str, str]  # base, 3sg, past, past participle (may contain a particle: "turn on")
    de_inf: str  # with the separable particle (einschalten)
    de_1sg: str  # without the particle (schalte)
    de_3sg: str
    de_pp: str  # with the particle (eingeschaltet)
    de_aux: str  # h | s
    de_sep: str  # separable particle, "" if none ("spazieren " keeps a space: spazieren gehen)
    de_case: str  # case of the object: A | D
    de_prep: str  # preposition of the object (warten auf + A), "" if none
    de_adv: str  # fixed adverbial in the middle field (zu Fuß)
    it_inf: str
    it_forms: Tuple[str, str, str, str]  # 1sg 3sg 1pl 3pl
    it_pp: str
    it_aux: str  # a | e
    it_prep: str  # object preposition (a, di), "" if none
    it_adv: str  # fixed words after the verb (bisogno, a piedi, in macchina)
    nl_inf: str
    nl_1sg: str
    nl_3sg: str
    nl_pp: str
    nl_aux: str  # h | z
    nl_sep: str
    nl_prep: str
    frames: FrozenSet[str]  # tr intr ditr motion comp sched
    subj: FrozenSet[str]  # noun tags allowed as subject ("person", "animal", "vehicle")
    objs: Tuple[str, ...]  # object noun tags (tr, ditr)
    places: Tuple[str, ...]  # place keys and @groups (intr, motion, sched); @city @country @home @room ...

    de_plural: str = ""  # irregular plural present (sein: sind); "" = the infinitive without its particle

    def de_pl(self) -> str:
        return self.de_plural or self.de_inf[len(self.de_sep):]

    def nl_pl(self) -> str:
        return self.nl_inf[len(self.nl_sep):]


@dataclass(frozen=True)
class Name:
    name: str
    gender: str  # m | f (Italian agreement)


@dataclass(frozen=True)
class _Translated:
    """An entry that is one word or phrase per language, keyed by its English form."""

    key: str
    en: str
    de: str
    it: str
    nl: str


@dataclass(frozen=True)
class Proper(_Translated):
    """A city or country: translated name, no article (except Italian countries outside "in")."""

    kind: str  # city | country
    it_g: str = "m"  # Italian countries take an article outside "in": visita la Germania, il Canada


@dataclass(frozen=True)
class TimePhrase(_Translated):
    """A time adverbial ("yesterday", "in {n} days") with the tenses it goes with."""

    tenses: FrozenSet[str]  # pres past fut


@dataclass(frozen=True)
class Frequency(_Translated):
    """A frequency adverb (always, often, rarely, never)."""


@dataclass(frozen=True)
class Pronoun:
    key: str  # I he she we they
    person: int
    number: str  # sg | pl
    it_g: str
    en: str
    en_poss: str
    de: str
    de_poss: str  # ein-word stem: mein, sein, ihr, unser
    it: str
    it_poss: Tuple[str, str, str, str]  # m.sg f.sg m.pl f.pl
    nl: str
    nl_poss: str  # mijn zijn haar ons hun ("ons" becomes "onze" except before a het-noun)


# ---------------------------------------------------------------------------------------------------------
# Closed word classes (small, fixed sets the grammar names one by one)
# ---------------------------------------------------------------------------------------------------------
# "home" has fixed phrases instead of a preposition + article.
HOME = {
    "loc": {"en": "at home", "de": "zu Hause", "it": "a casa", "nl": "thuis"},
    "dir": {"en": "home", "de": "nach Hause", "it": "a casa", "nl": "naar huis"},
}

# Past of the copula (German/Dutch simple past, Italian imperfect: state in the past): 1sg 3sg pl (it 4 forms)
COPULA_PAST = {
    "de": ("war", "war", "waren"),
    "nl": ("was", "was", "waren"),
    "it": ("ero", "era", "eravamo", "erano"),
}

PRONOUNS: Dict[str, Pronoun] = {
    p.key: p for p in (
        Pronoun("I", 1, "sg", "m", "I", "my", "ich", "mein", "io", ("mio", "mia", "miei", "mie"), "ik", "mijn"),
        Pronoun("he", 3, "sg", "m", "he", "his", "er", "sein", "lui", ("suo", "sua", "suoi", "sue"), "hij", "zijn"),
        Pronoun("she", 3, "sg", "f", "she", "her", "sie", "ihr", "lei", ("suo", "sua", "suoi", "sue"), "zij",
                "haar"),
        Pronoun("we", 1, "pl", "m", "we", "our", "wir", "unser", "noi", ("nostro", "nostra", "nostri", "nostre"),
                "wij", "ons"),
        Pronoun("they", 3, "pl", "m", "they", "their", "sie", "ihr", "loro", ("loro", "loro", "loro", "loro"),
                "zij", "hun"),
    )
}

# Conjunctions of subordinate clauses: english | de | it | nl
CONJUNCTIONS: Dict[str, Dict[str, str]] = {
    "because": {"en": "because", "de": "weil", "it": "perché", "nl": "omdat"},
    "when": {"en": "when", "de": "wenn", "it": "quando", "nl": "als"},
    "while": {"en": "while", "de": "während", "it": "mentre", "nl": "terwijl"},
    "if": {"en": "if", "de": "wenn", "it": "se", "nl": "als"},
    "that": {"en": "that", "de": "dass", "it": "che", "nl": "dat"},
}


# ---------------------------------------------------------------------------------------------------------
# Tables (package data: mmpt/synth/lexicon_data/<name>.txt)
# ---------------------------------------------------------------------------------------------------------
#: the tables :func:`load_lexicon` parses into a :class:`Lexicon`
TABLES: Tuple[str, ...] = ("nouns", "adjectives", "verbs", "auxiliaries", "names", "proper", "times", "frequency")
#: the number words, for :func:`number_word`
NUMBERS_TABLE = "numbers"
#: the prepositions of the place classes, :data:`PREP_CLASSES`
PREPOSITIONS_TABLE = "prepositions"
#: the modal verbs, :data:`MODALS`
MODALS_TABLE = "modals"
_SHIPPED = (*TABLES, NUMBERS_TABLE, PREPOSITIONS_TABLE, MODALS_TABLE)


def table_text(name: str) -> str:
    """The shipped text of lexicon table ``name`` (one of :data:`TABLES`, :data:`NUMBERS_TABLE`,
    :data:`PREPOSITIONS_TABLE`, :data:`MODALS_TABLE`)."""
    if name not in _SHIPPED:
        raise KeyError(f"no lexicon table {name!r}; known: {', '.join(_SHIPPED)}")
    return (resources.files("mmpt.synth") / "lexicon_data" / f"{name}.txt").read_text(encoding="utf-8")


def _rows(table: str, name: str, ncols: int) -> List[List[str]]:
    rows = []
    for lineno, line in enumerate(table.strip("\n").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("|")]
        if len(cols) != ncols:
            raise LexiconError(f"{name} table line {lineno}: expected {ncols} '|' columns, got {len(cols)}: {line}")
        rows.append(cols)
    return rows


def _opts(parts: Sequence[str]) -> Tuple[List[str], Dict[str, str]]:
    """Split ``["a", "b", "sep=an", "case=D"]`` into positional values and options ('_' means a space)."""
    pos, opts = [], {}
    for p in parts:
        if "=" in p:
            k, v = p.split("=", 1)
            opts[k.strip()] = v.strip().replace("_", " ")
        else:
            pos.append(p.strip())
    return pos, opts


def _split(col: str) -> List[str]:
    return [c.strip() for c in col.split(",")]


def _parse_prepositions(text: str) -> Dict[str, Dict[str, Tuple[str, str]]]:
    classes: Dict[str, Dict[str, Tuple[str, str]]] = {}
    for name, *cols in _rows(text, "preposition", 1 + len(LANGS)):
        pairs = [tuple(_split(col)) for col in cols]
        if any(len(pair) != 2 for pair in pairs):
            raise LexiconError(f"preposition table: class {name!r} needs 'locative, directional' in each language")
        classes[name] = dict(zip(LANGS, pairs))  # type: ignore[arg-type]
    return classes


#: the prepositions a place takes, per place class (a noun's ``@<class>`` tag) and language: (locative,
#: directional). German case follows the preposition; nach (cities, countries) takes no article.
PREP_CLASSES: Dict[str, Dict[str, Tuple[str, str]]] = _parse_prepositions(table_text(PREPOSITIONS_TABLE))


def _parse_modals(text: str) -> Dict[str, Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]]:
    modals: Dict[str, Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]] = {}
    for key, lang, present, past in _rows(text, "modal", 4):
        modals.setdefault(key, {})[lang] = (tuple(_split(present)), tuple(_split(past)))
    return modals


#: modal verbs (can, must, must_not, want) -> language -> (present, past) forms: 1sg 3sg pl (it: 1sg 3sg 1pl 3pl)
MODALS: Dict[str, Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]]] = _parse_modals(table_text(MODALS_TABLE))


def _parse_nouns(text: str) -> Dict[str, Noun]:
    nouns: Dict[str, Noun] = {}
    for cols in _rows(text, "noun", 5):
        en, de, it, nl, tags = cols
        try:
            en_sg, en_pl = _split(en)
            de_g, de_rest = de.split(" ", 1)
            de_pos, de_opts = _opts(_split(de_rest))
            de_sg, de_pl = de_pos[0], de_pos[1]
            weak = None
            if "weak" in de_pos[2:]:
                weak = de_pl
            if "weak" in de_opts:
                weak = de_opts["weak"]
            it_g, it_rest = it.split(" ", 1)
            it_sg, it_pl = _split(it_rest)
            nl_art, nl_rest = nl.split(" ", 1)
            nl_sg, nl_pl = _split(nl_rest)
        except ValueError as e:
            raise LexiconError(f"noun table: cannot parse {' | '.join(cols)}: {e}") from None
        if de_g not in ("m", "f", "n") or it_g not in ("m", "f") or nl_art not in ("de", "het"):
            raise LexiconError(f"noun table: bad gender/article in {' | '.join(cols)}")
        tagset = tags.split()
        prep = next((t[1:] for t in tagset if t.startswith("@")), None)
        if prep is not None and prep not in PREP_CLASSES:
            raise LexiconError(f"noun table: unknown preposition class @{prep} in {' | '.join(cols)}")
        mass = en_pl == "-"
        key = en_sg.replace(" ", "_")
        if key in nouns:
            raise LexiconError(f"noun table: duplicate noun {en_sg!r}")
        nouns[key] = Noun(
            key=key, en=en_sg, en_pl=None if mass else en_pl,
            de_g=de_g, de=de_sg, de_pl=None if mass else de_pl, de_weak=weak, de_gen=de_opts.get("gen"),
            it_g=it_g, it=it_sg, it_pl=None if mass else it_pl,
            nl_het=nl_art == "het", nl=nl_sg, nl_pl=None if mass else nl_pl,
            tags=frozenset(t for t in tagset if not t.startswith("@")) | ({"mass"} if mass else set()),
            prep=prep,
        )
    return nouns


def _it_adj_forms(spec: str) -> Tuple[Tuple[str, str, str, str], bool]:
    words = spec.replace(",", " ").split()
    invariable = "!" in words
    words = [w for w in words if w not in ("!", "^")]
    if len(words) == 4:
        return (words[0], words[1], words[2], words[3]), invariable
    (w,) = words
    if invariable:
        return (w, w, w, w), True
    if w.endswith("o"):
        s = w[:-1]
        return (w, s + "a", s + "i", s + "e"), False
    if w.endswith("e"):
        s = w[:-1]
        return (w, w, s + "i", s + "i"), False
    raise LexiconError(f"adjective table: cannot inflect Italian {w!r}; give four forms")


def _parse_adjectives(text: str) -> Dict[str, Adjective]:
    adjs: Dict[str, Adjective] = {}
    for en, de, it, nl, group, tags in _rows(text, "adjective", 6):
        de_words = de.split()
        de_base = de_words[0]
        _, de_opts = _opts(de_words[1:])
        stem: Optional[str] = None if "!" in de_words else de_opts.get("stem", de_base)
        it_forms, _ = _it_adj_forms(it)
        nl_base, nl_infl = _split(nl)
        tagset = tags.split()
        adjs[en.lower()] = Adjective(
            key=en.lower(), en=en, de=de_base, de_stem=stem, it_forms=it_forms, it_pre="^" in it.split(),
            nl=nl_base, nl_infl=nl_infl, tags=frozenset(t for t in tagset if t != "pred"),
            attributive="pred" not in tagset, group=group,
        )
    return adjs


def _parse_verb_row(key: str, en: str, de: str, it: str, nl: str, frames: str, subj: str, objs: str,
                    places: str) -> Verb:
    try:
        en_forms = tuple(_split(en))
        de_pos, de_opts = _opts(_split(de))
        it_pos, it_opts = _opts(_split(it))
        nl_pos, nl_opts = _opts(_split(nl))
        de_inf, de_1sg, de_3sg, de_pp, de_aux = (p.replace("_", " ") for p in de_pos)
        it_inf, i1, i3, i1p, i3p, it_pp, it_aux = it_pos
        nl_inf, nl_1sg, nl_3sg, nl_pp, nl_aux = (p.replace("_", " ") for p in nl_pos)
    except ValueError as e:
        raise LexiconError(f"verb table: cannot parse verb {key!r}: {e}") from None
    if len(en_forms) != 4:
        raise LexiconError(f"verb table: verb {key!r} needs 4 English forms")
    de_sep, nl_sep = de_opts.get("sep", ""), nl_opts.get("sep", "")
    if not de_inf.startswith(de_sep) or not nl_inf.startswith(nl_sep):
        raise LexiconError(f"verb table: verb {key!r}: infinitive does not start with its particle")
    return Verb(
        key=key, en=en_forms,  # type: ignore[arg-type]
        de_inf=de_inf, de_1sg=de_1sg, de_3sg=de_3sg, de_pp=de_pp, de_aux=de_aux, de_sep=de_sep,
        de_case=de_opts.get("case", "A"), de_prep=de_opts.get("prep", ""), de_adv=de_opts.get("adv", ""),
        it_inf=it_inf, it_forms=(i1, i3, i1p, i3p), it_pp=it_pp, it_aux=it_aux, it_prep=it_opts.get("prep", ""),
        it_adv=it_opts.get("adv", ""),
        nl_inf=nl_inf, nl_1sg=nl_1sg, nl_3sg=nl_3sg, nl_pp=nl_pp, nl_aux=nl_aux, nl_sep=nl_sep,
        nl_prep=nl_opts.get("prep", ""),
        frames=frozenset(frames.split()), subj=frozenset(subj.split()), objs=tuple(objs.split()),
        places=tuple(places.split()), de_plural=de_opts.get("pl", ""),
    )


def _parse_verbs(text: str) -> Dict[str, Verb]:
    verbs: Dict[str, Verb] = {}
    for cols in _rows(text, "verb", 9):
        v = _parse_verb_row(*cols)
        if v.key in verbs:
            raise LexiconError(f"verb table: duplicate key {v.key!r}")
        verbs[v.key] = v
    return verbs


def _parse_aux(text: str) -> Dict[str, Verb]:
    return {cols[0]: _parse_verb_row(*cols, "aux", "", "", "") for cols in _rows(text, "auxiliaries", 5)}


def _parse_names(text: str) -> List[Name]:
    names = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        for chunk in line.split("|"):
            chunk = chunk.strip()
            if chunk:
                n, g = chunk.split()
                names.append(Name(n, g))
    return names


def _parse_proper(text: str) -> Dict[str, Proper]:
    out = {}
    for en, de, it, nl, kind in _rows(text, "proper", 5):
        kind, *g = kind.split()
        out[en] = Proper(en, en, de, it, nl, kind, g[0] if g else "m")
    return out


def _parse_times(text: str) -> List[TimePhrase]:
    return [TimePhrase(en, en, de, it, nl, frozenset(t.split())) for en, de, it, nl, t in _rows(text, "time", 5)]


def _parse_freq(text: str) -> Dict[str, Frequency]:
    return {en: Frequency(en, en, de, it, nl) for en, de, it, nl in _rows(text, "frequency", 4)}


@dataclass
class Lexicon:
    """All word lists, indexed by English key."""

    nouns: Dict[str, Noun]
    adjectives: Dict[str, Adjective]
    verbs: Dict[str, Verb]
    aux: Dict[str, Verb]
    names: List[Name]
    proper: Dict[str, Proper]
    times: List[TimePhrase]
    freq: Dict[str, Frequency]
    pronouns: Dict[str, Pronoun] = field(default_factory=lambda: dict(PRONOUNS))

    def noun(self, key: str) -> Noun:
        try:
            return self.nouns[key.replace(" ", "_")]
        except KeyError:
            raise KeyError(f"no noun {key!r} in the lexicon") from None

    def adj(self, key: str) -> Adjective:
        try:
            return self.adjectives[key.lower()]
        except KeyError:
            raise KeyError(f"no adjective {key!r} in the lexicon") from None

    def verb(self, key: str) -> Verb:
        try:
            return self.verbs[key]
        except KeyError:
            raise KeyError(f"no verb {key!r} in the lexicon") from None

    def time(self, en: str) -> TimePhrase:
        for t in self.times:
            if t.en == en:
                return t
        raise KeyError(f"no time phrase {en!r} in the lexicon")

    def name(self, name: str) -> Name:
        for n in self.names:
            if n.name == name:
                return n
        raise KeyError(f"no name {name!r} in the lexicon")

    def nouns_with(self, *tags: str) -> List[Noun]:
        return [n for n in self.nouns.values() if n.has(*tags)]


def load_lexicon(tables: Optional[Mapping[str, str]] = None) -> Lexicon:
    """Parse the tables (raises :class:`LexiconError` naming the table and the bad line).

    ``tables`` gives the text of some tables by name (see :data:`TABLES`) in place of the shipped files,
    e.g. to try a changed word list.
    """
    text = {name: table_text(name) for name in TABLES}
    unknown = set(tables or {}) - set(TABLES)
    if unknown:
        raise KeyError(f"no lexicon table {sorted(unknown)}; known: {', '.join(TABLES)}")
    text.update(tables or {})
    return Lexicon(
        nouns=_parse_nouns(text["nouns"]), adjectives=_parse_adjectives(text["adjectives"]),
        verbs=_parse_verbs(text["verbs"]), aux=_parse_aux(text["auxiliaries"]), names=_parse_names(text["names"]),
        proper=_parse_proper(text["proper"]), times=_parse_times(text["times"]), freq=_parse_freq(text["frequency"]),
    )


LEXICON: Lexicon = load_lexicon()
