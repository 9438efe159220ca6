"""The English side's vocabulary: every word type (LibriSpeech-normalised) the grammar can emit."""
from __future__ import annotations

from typing import List, Set

from mmpt.synth.grammar.description import Time
from mmpt.synth.grammar.normalize import normalize_en
from mmpt.synth.lexicon import CONJUNCTIONS, HOME, LEXICON, PREP_CLASSES, Lexicon, number_word

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
