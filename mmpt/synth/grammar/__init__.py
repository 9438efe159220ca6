"""Synchronous grammar of the embedded corpus: English sentences with German, Italian and Dutch translations.

A template (:mod:`.templates`, drawing from a :class:`~.sampler.Sampler`) samples a language-neutral sentence
description (:class:`Utterance` made of :class:`Clause` and :class:`NP` objects over
:mod:`mmpt.synth.lexicon` entries, :mod:`.description`); four renderers then realise it with each language's
own rules, so the translations are real mappings rather than word-for-word copies:

- German / Dutch (:mod:`.germanic`, one implementation; :mod:`.german` and :mod:`.dutch` hold what differs):
  verb second in main clauses (also after a fronted time phrase or subordinate clause: "Gestern hat der
  Lehrer ...", "Gisteren heeft de leraar ..."), verb-final subordinate and relative clauses, infinitives
  (modals) and participles (perfect) at the end, separable particles ("ruft ... an", "belt ... op"),
  nicht/niet after definite objects and kein/geen for indefinite ones, German case (nominative, accusative,
  dative, genitive) with strong / weak / mixed adjective endings and contractions (im, ins, zum, am), Dutch
  adjective -e rules (een groot huis / het grote huis), "ago" postpositions.
- Italian (:mod:`.italian`): pro-drop subjects, post-nominal adjectives except bello/buono/grande/piccolo/...,
  article by the next word's sound (il/lo/l'/la/i/gli/le), preposition + article contractions (nel, alla,
  dell'), no article before singular family members after a possessive (mia madre), passato prossimo with
  essere agreement, "non ... mai", "ha N anni" for ages, indirect objects after direct ones (dà una mela al
  bambino).
- English (:mod:`.english`): do-support in questions and negation, simple past with past time phrases
  (rendered as a perfect in the targets), "will" futures (rendered as present tense), Saxon genitive (the
  teacher's dog).

English is given as display text (true case, punctuation) and, via :func:`normalize_en`, in the LibriSpeech
transcript style (upper case, no punctuation, numbers as words). :class:`SentenceGenerator` is deterministic
for a seed (it owns a ``random.Random``); :func:`reordering_share` measures how often a translation orders
the aligned content words differently from English.
"""
from mmpt.synth.grammar.alignment import aligned_positions, order_differs, reordering_share
from mmpt.synth.grammar.description import NP, Clause, Head, Place, Pred, Time, Utterance
from mmpt.synth.grammar.generator import MAX_WORDS, MIN_WORDS, SentenceGenerator, generate_splits
from mmpt.synth.grammar.german import de_adj_ending
from mmpt.synth.grammar.italian import it_contract, it_definite_article, it_indefinite_article
from mmpt.synth.grammar.normalize import normalize_en
from mmpt.synth.grammar.render import render, render_np
from mmpt.synth.grammar.sentence import Sentence, realise
from mmpt.synth.grammar.templates import TEMPLATES, Template
from mmpt.synth.grammar.vocabulary import en_vocabulary

__all__ = [
    "MAX_WORDS", "MIN_WORDS", "NP", "TEMPLATES", "Clause", "Head", "Place", "Pred", "Sentence", "SentenceGenerator",
    "Template", "Time", "Utterance", "aligned_positions", "de_adj_ending", "en_vocabulary", "generate_splits",
    "it_contract", "it_definite_article", "it_indefinite_article", "normalize_en", "order_differs", "realise",
    "render", "render_np", "reordering_share",
]
