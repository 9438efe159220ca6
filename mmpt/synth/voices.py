"""Synthetic speakers: fixed espeak-ng voice / variant / pitch / speed combinations, in disjoint pools.

A speaker is an espeak-ng *voice* (a language or accent, e.g. ``en-us``, ``en-gb-scotland``), a *variant*
(a voice-quality file in espeak-ng-data/voices/!v, e.g. ``m3``, ``f2``, ``klatt``) and prosody settings
(``-p`` pitch, pitch range, ``-s`` speed in words per minute).

Pools, per language:

- ``train`` / ``dev`` / ``test`` share the *seen* accents and *seen* variants, but every (accent, variant)
  pair belongs to exactly one pool, so their speakers are disjoint in id and in voice parameters;
- ``test_other`` uses accents and variants never used by the three other pools (the "other" condition,
  like LibriSpeech test-other), with a wider pitch and speed range.

Everything is a pure function of (lang, split, index): no randomness outside a string-seeded
``random.Random``, so pools are identical across runs, processes and machines, and a pool of n speakers
is a prefix of a pool of n + 1 speakers.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

SPLITS: tuple[str, ...] = ("train", "dev", "test", "test_other")
LANGS: tuple[str, ...] = ("en", "de", "it", "nl", "fr", "es", "pt")

# espeak-ng voice names (file names in espeak-ng-data/voices, no mbrola): (seen accents, unseen accents).
ACCENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("en-us", "en", "en-gb-x-rp", "en-gb-scotland"),
           ("en-029", "en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd")),
    "de": (("de",), ()),
    "it": (("it",), ()),
    "nl": (("nl",), ()),
    "fr": (("fr", "fr-be"), ("fr-ch",)),
    "es": (("es",), ("es-419",)),
    "pt": (("pt",), ("pt-br",)),
}

# (variant, gender). The order matters: the pool assignment (accent + variant) % 6 picks, per accent, two
# dev and two test variants, and this order gives each of them one male and one female.
SEEN_VARIANTS: tuple[tuple[str, str], ...] = (
    ("m1", "m"), ("f1", "f"), ("m2", "m"), ("f2", "f"), ("m3", "m"), ("f3", "f"),
    ("f4", "f"), ("m4", "m"), ("Annie", "f"), ("m5", "m"), ("Andrea", "f"), ("m6", "m"),
)
# Never used by train/dev/test; includes the Klatt formant synthesiser, a different voice source.
UNSEEN_VARIANTS: tuple[tuple[str, str], ...] = (
    ("m7", "m"), ("f5", "f"), ("klatt", "m"), ("belinda", "f"),
    ("m8", "m"), ("linda", "f"), ("klatt3", "m"), ("steph", "f"),
)

# Inclusive ranges of espeak-ng parameters: pitch 0-99 (50 = voice default), range 0-99, speed in wpm.
PARAM_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "train": {"pitch": (30, 70), "pitch_range": (30, 80), "speed": (145, 195)},
    "dev": {"pitch": (30, 70), "pitch_range": (30, 80), "speed": (145, 195)},
    "test": {"pitch": (30, 70), "pitch_range": (30, 80), "speed": (145, 195)},
    "test_other": {"pitch": (20, 80), "pitch_range": (20, 90), "speed": (125, 230)},
}

MAX_POOL_SIZE = 1000  # speakers per (lang, split): ids are spk<lang:1><split:1><index:3>
DEFAULT_TEST_OTHER_SIZE = 8


@dataclass(frozen=True)
class Speaker:
    """One synthetic speaker; ``espeak_voice`` is what espeak-ng's ``-v`` (SetVoiceByName) takes."""

    id: str
    lang: str
    split: str
    voice: str
    variant: str
    gender: str  # "m" or "f", from the variant
    pitch: int
    pitch_range: int
    speed: int

    @property
    def espeak_voice(self) -> str:
        return f"{self.voice}+{self.variant}"

    @property
    def params(self) -> tuple[str, str, int, int, int]:
        """The voice-parameter combination that makes this speaker unique."""
        return (self.voice, self.variant, self.pitch, self.pitch_range, self.speed)


def _check(split: str, lang: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown speaker split {split!r}; expected one of {SPLITS}")
    if lang not in ACCENTS:
        raise ValueError(f"no speakers for language {lang!r}; available: {LANGS}")


def _combos(split: str, lang: str) -> list[tuple[str, str, str]]:
    """(voice, variant, gender) pairs of one pool, ordered so that any prefix mixes accents and genders."""
    seen, unseen = ACCENTS[lang]
    if split == "test_other":
        accents = unseen or seen  # a language with one accent still gets unseen variants
        variants = UNSEEN_VARIANTS
    else:
        accents = seen
        variants = SEEN_VARIANTS
    wanted = {"train": (0, 1, 2, 3), "dev": (4,), "test": (5,)}.get(split)
    out = []
    for r in range(len(variants)):
        for a, voice in enumerate(accents):
            v = (a + r) % len(variants)
            if wanted is not None and (a + v) % 6 not in wanted:
                continue
            out.append((voice, variants[v][0], variants[v][1]))
    return out


def default_pool_size(split: str, lang: str = "en") -> int:
    """Number of speakers ``speaker_pool(split, None, lang)`` returns (one per voice/variant pair)."""
    _check(split, lang)
    n = len(_combos(split, lang))
    return min(n, DEFAULT_TEST_OTHER_SIZE) if split == "test_other" else n


def speaker_pool(split: str, n: int | None = None, lang: str = "en") -> list[Speaker]:
    """The first ``n`` speakers of a pool (default: ``default_pool_size``); deterministic.

    Beyond one speaker per (voice, variant) pair, further speakers reuse the pairs of the same pool
    with other pitch/speed settings, so pools stay disjoint for any n <= MAX_POOL_SIZE.
    """
    _check(split, lang)
    if n is None:
        n = default_pool_size(split, lang)
    if not 0 <= n <= MAX_POOL_SIZE:
        raise ValueError(f"pool size must be in [0, {MAX_POOL_SIZE}], got {n}")
    combos = _combos(split, lang)
    ranges = PARAM_RANGES[split]
    base = LANGS.index(lang) * 10000 + SPLITS.index(split) * 1000
    taken: set[tuple] = set()
    speakers = []
    for k in range(n):
        voice, variant, gender = combos[k % len(combos)]
        rng = random.Random(f"mmpt-speaker:{lang}:{split}:{k}")
        while True:
            pitch = rng.randint(*ranges["pitch"])
            pitch_range = rng.randint(*ranges["pitch_range"])
            speed = rng.randint(*ranges["speed"])
            key = (voice, variant, pitch, pitch_range, speed)
            if key not in taken:
                taken.add(key)
                break
        speakers.append(Speaker(id=f"spk{base + k:05d}", lang=lang, split=split, voice=voice,
                                variant=variant, gender=gender, pitch=pitch,
                                pitch_range=pitch_range, speed=speed))
    return speakers


def get_speaker(speaker_id: str) -> Speaker:
    """The speaker with this id (as made by ``speaker_pool``)."""
    digits = speaker_id[3:]
    if not (speaker_id.startswith("spk") and len(digits) == 5 and digits.isdigit()):
        raise ValueError(f"not a synthetic speaker id: {speaker_id!r} (expected spkNNNNN)")
    number = int(digits)
    lang_ix, split_ix, k = number // 10000, (number // 1000) % 10, number % 1000
    if lang_ix >= len(LANGS) or split_ix >= len(SPLITS):
        raise ValueError(f"not a synthetic speaker id: {speaker_id!r} (no such language/split block)")
    return speaker_pool(SPLITS[split_ix], k + 1, LANGS[lang_ix])[k]
