"""Embedded Speech Commands v0.01: synthetic one-word clips in the real layout (mmpt.corpora.speech_commands).

Layout (under ``<out>/speech_commands``), as in http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz
and the separate test archive speech_commands_test_set_v0.01.tar.gz::

    speech_commands_v0.01/<word>/<speaker hash>_nohash_<n>.wav     # 1 s (some shorter), 16 kHz mono PCM16
    speech_commands_v0.01/_background_noise_/<name>.wav            # long noise recordings (+ README.md)
    speech_commands_v0.01/validation_list.txt  testing_list.txt    # "<word>/<file>.wav", sorted
    speech_commands_test_set_v0.01/<label>/...                     # yes..go/<hash>_nohash_<n>.wav,
                                                                   # _unknown_/<word>_<hash>_nohash_<n>.wav,
                                                                   # _silence_/<k>.wav

Words: the 10 SUPERB commands and the 20 other words of v0.01 (digits, bed, bird, cat, ...). A speaker hash
(8 hex digits) names one synthetic speaker; it is chosen so that the corpus's own split rule (sha1 of the
hash, :func:`mmpt.corpora.speech_commands.which_set`) puts the ``train`` pool's speakers in training, the
``dev`` pool's in validation and the ``test`` pool's in testing: the written lists and s3prl's hash-based split
therefore agree. The test archive uses ``test`` speakers. A clip is the word (espeak-ng) at a random place
and level in 1 s over noise at 10-40 dB SNR; 10 % are cut shortly after the word, as some real clips are.
The six background files carry the real names (white and pink noise, running tap, dishes, exercise bike,
miaowing) and procedural sounds of that kind; ``_silence_`` test clips are 1 s of such noise, quiet.

Preset keys (section ``speech_commands``): ``per_word`` (clips per command word), ``per_unknown_word``,
``test_per_word``, ``test_unknown``, ``test_silence``, ``background_seconds``, ``speakers``
({train, dev, test}), ``unknown_words`` (how many of the 20 other words to use; default all).
"""
from __future__ import annotations

import logging
import random
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from mmpt.corpora.speech_commands import COMMANDS, which_set
from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.librispeech import SAMPLE_RATE, write_audio

logger = logging.getLogger(__name__)

UNKNOWN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow")
WORDS = COMMANDS + UNKNOWN_WORDS
BACKGROUNDS = ("doing_the_dishes", "dude_miaowing", "exercise_bike", "pink_noise", "running_tap", "white_noise")
MAIN, TEST = "speech_commands_v0.01", "speech_commands_test_set_v0.01"
_SETS = {"train": "training", "dev": "validation", "test": "testing"}


# ------------------------------------------------------------------------------------ noises
def _band(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Band-pass by zeroing FFT bins outside [lo, hi] Hz."""
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
    spec[(f < lo) | (f > hi)] = 0
    return np.fft.irfft(spec, len(x))


def _rms(x: np.ndarray, rms: float) -> np.ndarray:
    p = float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0
    return (x * (rms / p) if p > 0 else x).astype(np.float32)


def background(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """A procedural sound of the kind the real ``_background_noise_/<name>.wav`` holds, float32 [n]."""
    from mmpt.synth import degrade

    t = np.arange(n) / SAMPLE_RATE
    if name == "white_noise":
        x = degrade.white_noise(n, rng)
    elif name == "pink_noise":
        x = degrade.pink_noise(n, rng)
    elif name == "doing_the_dishes":
        x = degrade.cafe_noise(n, rng) + 0.3 * degrade.brown_noise(n, rng)
    elif name == "running_tap":
        rate = rng.uniform(0.3, 1.5)
        x = _band(degrade.white_noise(n, rng), 400.0, 5000.0) * (1.0 + 0.3 * np.sin(2 * np.pi * rate * t))
    elif name == "exercise_bike":
        pedal = rng.uniform(1.0, 1.8)
        whoosh = degrade.brown_noise(n, rng) * (0.6 + 0.4 * np.sin(2 * np.pi * pedal * t) ** 2)
        squeak = 0.05 * np.sin(2 * np.pi * rng.uniform(700, 1200) * t) * (np.sin(2 * np.pi * pedal * t) > 0.9)
        x = whoosh + squeak
    elif name == "dude_miaowing":
        x = 0.3 * degrade.pink_noise(n, rng).astype(np.float64)
        at = rng.uniform(0.2, 3.0)
        while at < n / SAMPLE_RATE:
            dur = rng.uniform(0.5, 1.0)
            m = np.arange(int(dur * SAMPLE_RATE)) / SAMPLE_RATE
            f0 = rng.uniform(350, 500) + rng.uniform(150, 300) * np.sin(np.pi * m / dur)  # rise and fall
            phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
            meow = sum(np.sin(h * phase) / h for h in (1, 2, 3, 4)) * np.sin(np.pi * m / dur) ** 2
            s = int(at * SAMPLE_RATE)
            seg = meow[:n - s] * rng.uniform(0.2, 0.5)
            x[s:s + len(seg)] += seg
            at += dur + rng.uniform(1.5, 5.0)
    else:
        raise ValueError(f"unknown background sound {name!r}; choose from {', '.join(BACKGROUNDS)}")
    return _rms(np.asarray(x, np.float64), float(rng.uniform(0.03, 0.15)))


def speaker_hash(speaker, taken: set) -> str:
    """8 hex digits for ``speaker`` that the corpus's split rule sends to the set of its pool."""
    want = _SETS[speaker.split]
    rng = random.Random(f"mmpt-speech-commands-hash:{speaker.id}")
    while True:
        h = f"{rng.getrandbits(32):08x}"
        if h not in taken and which_set(f"{h}_nohash_0.wav") == want:
            taken.add(h)
            return h


# ------------------------------------------------------------------------------------ writer
class SpeechCommandsWriter(CorpusWriter):
    """One item per clip, background file and silence clip; the lists in finalize."""

    name = "speech_commands"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.voices import speaker_pool

        get = lambda k, d: preset.get(self.name, k, d)  # noqa: E731
        n_spk = get("speakers", {})
        rng = random.Random(stable_seed(self.name, "plan", seed))
        taken: set = set()
        pools = {}
        for split in ("train", "dev", "test"):
            pools[split] = [(s, speaker_hash(s, taken)) for s in speaker_pool(split, int(n_spk.get(split, 2)))]
        items: List[Item] = []

        def clip(rel: str, word: str, spk, h: str, **extra) -> None:
            items.append(Item(key=rel, outputs=(rel,), seed=stable_seed(self.name, seed, rel),
                              params={"kind": "clip", "word": word, "speaker": spk, "hash": h, **extra}))

        count: Dict[tuple, int] = defaultdict(int)
        words = COMMANDS + UNKNOWN_WORDS[:int(get("unknown_words", len(UNKNOWN_WORDS)))]
        for word in words:
            n = int(get("per_word", 2)) if word in COMMANDS else int(get("per_unknown_word", 1))
            for _ in range(n):
                split = rng.choices(("train", "dev", "test"), weights=(80, 10, 10))[0]
                spk, h = rng.choice(pools[split])
                k = count[(word, h)]
                count[(word, h)] += 1
                clip(f"{MAIN}/{word}/{h}_nohash_{k}.wav", word, spk, h, split=split)
        test_count: Dict[tuple, int] = defaultdict(int)
        for word in COMMANDS:
            for _ in range(int(get("test_per_word", 1))):
                spk, h = rng.choice(pools["test"])
                k = test_count[(word, h)]
                test_count[(word, h)] += 1
                clip(f"{TEST}/{word}/{h}_nohash_{k}.wav", word, spk, h, split="test_set")
        for _ in range(int(get("test_unknown", 2))):
            word = rng.choice(words[len(COMMANDS):])
            spk, h = rng.choice(pools["test"])
            k = test_count[(word, h)]
            test_count[(word, h)] += 1
            clip(f"{TEST}/_unknown_/{word}_{h}_nohash_{k}.wav", word, spk, h, split="test_set")
        for k in range(int(get("test_silence", 2))):
            rel = f"{TEST}/_silence_/{k}.wav"
            items.append(Item(key=rel, outputs=(rel,), seed=stable_seed(self.name, seed, rel),
                              params={"kind": "silence", "sound": rng.choice(BACKGROUNDS)}))
        for name in BACKGROUNDS:
            rel = f"{MAIN}/_background_noise_/{name}.wav"
            items.append(Item(key=rel, outputs=(rel,), seed=stable_seed(self.name, seed, rel),
                              params={"kind": "background", "sound": name,
                                      "seconds": float(get("background_seconds", 5.0))}))
        return items

    def render(self, item: Item, root: Path) -> float:
        from mmpt.synth import degrade

        rng = item_rng(item)
        p = item.params
        if p["kind"] == "background":
            wav = background(p["sound"], int(p["seconds"] * SAMPLE_RATE), rng)
        elif p["kind"] == "silence":
            wav = background(p["sound"], SAMPLE_RATE, rng)
            wav = (wav * (rng.uniform(0.02, 0.3))).astype(np.float32)
        else:
            wav = self._clip(p["word"], p["speaker"], rng)
            kind = str(rng.choice(["white", "pink", "brown", "cafe"]))
            noise = degrade.cafe_noise(len(wav), rng) if kind == "cafe" else degrade.NOISES[kind](len(wav), rng)
            wav = degrade.add_noise(wav, noise, float(rng.uniform(10.0, 40.0)), rng)
        write_audio(root / item.outputs[0], wav)
        return len(wav) / SAMPLE_RATE

    @staticmethod
    def _clip(word: str, speaker, rng: np.random.Generator) -> np.ndarray:
        """The word at a random offset and level in 1 s (10 %: cut 50-150 ms after the word)."""
        from mmpt.text.espeak import synthesize

        utt = synthesize(word, speaker, pad=0.0)
        s0 = int(utt.phones[0].start * SAMPLE_RATE) if utt.phones else 0
        s1 = int(np.ceil(utt.phones[-1].end * SAMPLE_RATE)) if utt.phones else len(utt.wav)
        w = utt.wav[s0:s1 + int(0.02 * SAMPLE_RATE)].astype(np.float64)
        limit = int(0.95 * SAMPLE_RATE)
        if len(w) > limit:  # long words of slow speakers: keep 0.95 s, fade out the cut
            w = w[:limit]
            w[-320:] *= np.linspace(1.0, 0.0, 320)
        w *= rng.uniform(0.2, 0.9) / max(float(np.max(np.abs(w))), 1e-6)
        offset = int(rng.integers(0, SAMPLE_RATE - len(w) + 1))
        out = np.zeros(SAMPLE_RATE)
        out[offset:offset + len(w)] = w
        if rng.random() < 0.1:
            out = out[:min(SAMPLE_RATE, offset + len(w) + int(rng.uniform(0.05, 0.15) * SAMPLE_RATE))]
        return out.astype(np.float32)

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        lists: Dict[str, List[str]] = {"dev": [], "test": []}
        for it in items:
            split = it.params.get("split")
            if split in lists:
                lists[split].append(it.outputs[0][len(MAIN) + 1:])
        write_text_atomic(root / MAIN / "validation_list.txt", "".join(f"{x}\n" for x in sorted(lists["dev"])))
        write_text_atomic(root / MAIN / "testing_list.txt", "".join(f"{x}\n" for x in sorted(lists["test"])))
        write_text_atomic(root / MAIN / "README.md",
                          "# Embedded Speech Commands v0.01 (synthetic)\n\nIn the layout of the Speech Commands "
                          "dataset v0.01 (https://arxiv.org/abs/1804.03209): espeak-ng voices, procedural noise. "
                          "Written by mmpt-synth.\n")
        write_text_atomic(root / MAIN / "_background_noise_" / "README.md",
                          "Procedural noises named after the real background files (mmpt-synth).\n")
