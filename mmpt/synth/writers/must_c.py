"""Embedded MuST-C v1 (en-de, en-it, en-nl): synthetic TED-like talks in the real layout (mmpt.corpora.must_c).

Layout (under ``<out>/must_c``), as distributed at https://ict.fbk.eu/must-c/::

    en-<tgt>/data/{train,dev,tst-COMMON}/wav/ted_<talk>.wav     # whole talks, one speaker, 16 kHz PCM16
    en-<tgt>/data/<split>/txt/<split>.yaml                      # one flow mapping per segment, in order:
        - {duration: 3.213000, offset: 12.500000, rW: 9, uW: 0, speaker_id: spk.<talk>, wav: ted_<talk>.wav}
    en-<tgt>/data/<split>/txt/<split>.en  <split>.<tgt>         # one line per segment, same order

A talk is a lead-in, then its segments (one grammar sentence each, spoken by the talk's speaker) separated
by pauses of 0.4-1.5 s, over a faint room-noise floor (35-45 dB SNR). A segment spans its speech plus
50-150 ms on each side. English is the grammar's true-cased text with punctuation; targets are its German,
Italian and Dutch renderings. As in the real corpus the English talks are shared across directions: every
talk is rendered once and hard-linked (copied where links are impossible) into each ``en-<tgt>``, so the
three directions have identical audio and English and differ only in the target language.

Speakers: one per talk, from the ``train`` pool for train, ``dev`` for dev and ``test`` for tst-COMMON.
Sentences: :func:`generate_splits`, so tst-COMMON and dev sentences never occur in train.

Segment times are only known after synthesis, so ``render`` also writes ``.synth/<talk>.json`` (offsets,
durations) which ``finalize`` turns into the yaml files.

Preset keys (section ``must_c``): ``talks`` ({split: count}), ``segments_per_talk`` ([min, max]),
``directions`` (target languages, default de it nl).
"""
from __future__ import annotations

import json
import logging
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from mmpt.synth.writer import CorpusWriter, Item, Preset, atomic_path, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.librispeech import SAMPLE_RATE, noise_of, write_audio

logger = logging.getLogger(__name__)

SPLITS = ("train", "dev", "tst-COMMON")
DIRECTIONS = ("de", "it", "nl")
_POOL = {"train": "train", "dev": "dev", "tst-COMMON": "test"}
_TEXT_ORDER = ("tst-COMMON", "dev", "train")


@dataclass
class Talk:
    """A rendered talk: ``wav`` float32 [T]; per segment (offset, duration) in seconds and the clean
    speech of the segment window (float32, for checks)."""

    wav: np.ndarray
    segments: List[Tuple[float, float]]
    clean: List[np.ndarray]


def render_talk(item: Item) -> Talk:
    """The talk of ``item``, deterministic for its seed (the writer's ``render`` writes exactly this)."""
    from mmpt.synth import degrade
    from mmpt.text.espeak import synthesize

    rng = item_rng(item)
    speaker = item.params["speaker"]
    pieces: List[np.ndarray] = [np.zeros(int(rng.uniform(0.5, 2.0) * SAMPLE_RATE), np.float32)]
    t = len(pieces[0])
    windows: List[Tuple[int, int]] = []
    for i, text in enumerate(item.params["en"]):
        if i:
            gap = np.zeros(int(rng.uniform(0.4, 1.5) * SAMPLE_RATE), np.float32)
            pieces.append(gap)
            t += len(gap)
        utt = synthesize(text, speaker, pad=0.0)
        s0 = int(round(utt.phones[0].start * SAMPLE_RATE)) if utt.phones else 0
        s1 = int(round(utt.phones[-1].end * SAMPLE_RATE)) if utt.phones else len(utt.wav)
        before, after = int(rng.uniform(0.05, 0.15) * SAMPLE_RATE), int(rng.uniform(0.05, 0.15) * SAMPLE_RATE)
        windows.append((t + s0 - before, t + s1 + after))
        pieces.append(utt.wav)
        t += len(utt.wav)
    pieces.append(np.zeros(int(rng.uniform(0.5, 1.5) * SAMPLE_RATE), np.float32))
    clean = np.concatenate(pieces).astype(np.float32)
    clean *= float(rng.uniform(0.4, 0.8)) / max(float(np.max(np.abs(clean))), 1e-6)
    noisy = degrade.add_noise(clean, noise_of(str(rng.choice(["pink", "brown"])), len(clean), rng),
                              float(rng.uniform(35.0, 45.0)), rng)
    segments = [(a / SAMPLE_RATE, (b - a) / SAMPLE_RATE) for a, b in windows]
    return Talk(noisy, segments, [clean[a:b] for a, b in windows])


def _link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` becomes the same file as ``src`` (a hard link; a copy across file systems)."""
    with atomic_path(dst) as tmp:
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


class MustCWriter(CorpusWriter):
    """MuST-C: one item per talk (its wav in every direction, and its segment times)."""

    name = "must_c"

    def _directions(self, preset: Preset) -> Tuple[str, ...]:
        return tuple(preset.get(self.name, "directions", DIRECTIONS))

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.grammar import generate_splits
        from mmpt.synth.voices import speaker_pool

        talks = preset.get(self.name, "talks", {})
        lo, hi = preset.get(self.name, "segments_per_talk", [4, 4])
        dirs = self._directions(preset)
        rng = random.Random(stable_seed(self.name, "plan", seed))
        n_talks = {s: int(talks.get(s, 0)) for s in SPLITS}
        n_segs = {s: [rng.randint(lo, hi) for _ in range(n_talks[s])] for s in SPLITS}
        texts = generate_splits(stable_seed(self.name, "text", seed), {s: sum(n_segs[s]) for s in _TEXT_ORDER})
        ids = iter(rng.sample(range(1, 30000), sum(n_talks.values())))
        items = []
        for split in SPLITS:
            speakers = speaker_pool(_POOL[split], n_talks[split])
            sent = iter(texts[split])
            for k, n in enumerate(n_segs[split]):
                talk = next(ids)
                sentences = [next(sent) for _ in range(n)]
                wavs = tuple(f"en-{d}/data/{split}/wav/ted_{talk}.wav" for d in dirs)
                items.append(Item(
                    key=f"{split}/ted_{talk}", outputs=wavs + (f".synth/ted_{talk}.json",),
                    seed=stable_seed(self.name, seed, talk),
                    params={"split": split, "talk": talk, "speaker": speakers[k], "en": [s.en for s in sentences],
                            **{d: [s.text(d) for s in sentences] for d in dirs}},
                ))
        return items

    def render(self, item: Item, root: Path) -> float:
        talk = render_talk(item)
        wavs = [root / rel for rel in item.outputs[:-1]]
        write_audio(wavs[0], talk.wav)
        for other in wavs[1:]:
            _link_or_copy(wavs[0], other)
        meta = {"talk": item.params["talk"], "segments": [[round(o, 6), round(d, 6)] for o, d in talk.segments]}
        write_text_atomic(root / item.outputs[-1], json.dumps(meta) + "\n")
        return len(talk.wav) / SAMPLE_RATE

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        dirs = [rel.split("/")[0][3:] for rel in items[0].outputs[:-1]] if items else []
        by_split: Dict[str, List[Item]] = {s: [] for s in SPLITS}
        for it in items:
            by_split[it.params["split"]].append(it)
        for split, talks in by_split.items():
            if not talks:
                continue
            yaml_lines, en_lines = [], []
            tgt_lines: Dict[str, List[str]] = {d: [] for d in dirs}
            for it in sorted(talks, key=lambda x: x.params["talk"]):
                talk = it.params["talk"]
                meta = json.loads((root / it.outputs[-1]).read_text(encoding="utf-8"))
                for k, (offset, duration) in enumerate(meta["segments"]):
                    words = len(it.params["en"][k].split())
                    yaml_lines.append(f"- {{duration: {duration:.6f}, offset: {offset:.6f}, rW: {words}, uW: 0, "
                                      f"speaker_id: spk.{talk}, wav: ted_{talk}.wav}}\n")
                    en_lines.append(it.params["en"][k] + "\n")
                    for d in dirs:
                        tgt_lines[d].append(it.params[d][k] + "\n")
            for d in dirs:
                txt = root / f"en-{d}" / "data" / split / "txt"
                write_text_atomic(txt / f"{split}.yaml", "".join(yaml_lines))
                write_text_atomic(txt / f"{split}.en", "".join(en_lines))
                write_text_atomic(txt / f"{split}.{d}", "".join(tgt_lines[d]))
        for d in dirs:
            write_text_atomic(root / f"en-{d}" / "README.txt",
                              f"Embedded MuST-C en-{d} (synthetic), in the layout of MuST-C v1 "
                              "(https://ict.fbk.eu/must-c/).\nSpeech: espeak-ng voices; text: mmpt.synth.grammar.\n")
