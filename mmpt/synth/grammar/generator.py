"""Deterministic sentence generation: :class:`SentenceGenerator` draws templates and keeps sentences of
:data:`MIN_WORDS` .. :data:`MAX_WORDS` English words; :func:`generate_splits` makes disjoint splits."""
from __future__ import annotations

import random
from typing import Collection, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from mmpt.synth.grammar.description import Utterance
from mmpt.synth.grammar.sampler import Sampler
from mmpt.synth.grammar.sentence import Sentence, realise
from mmpt.synth.grammar.templates import TEMPLATES
from mmpt.synth.lexicon import LEXICON, Lexicon

MIN_WORDS = 3
MAX_WORDS = 15


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
        self._sampler = Sampler(self.rng, lexicon)

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
