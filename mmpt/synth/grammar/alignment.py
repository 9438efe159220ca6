"""Word-order measurement: greedy alignment of English content words to a translation through the lexicon,
and how often a translation orders them differently from English."""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Set

from mmpt.synth.grammar.german import noun_form
from mmpt.synth.grammar.sentence import Sentence
from mmpt.synth.lexicon import LEXICON, Lexicon, number_word

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
        de = [n.de, n.de_pl, n.de_weak, n.de_gen, noun_form(n, "sg", "G")]
        if n.de_pl:
            de.append(noun_form(n, "pl", "D"))
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
