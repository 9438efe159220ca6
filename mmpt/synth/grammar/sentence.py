"""A rendered sentence: English display text with its German, Italian and Dutch translations."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from mmpt.synth.grammar.description import Utterance
from mmpt.synth.grammar.normalize import normalize_en
from mmpt.synth.grammar.render import render
from mmpt.synth.lexicon import LANGS


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
