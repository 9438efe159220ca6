"""Embedded Libri2Mix for speaker diarization (SUPERB SD), in the real layout (parsed by mmpt.corpora.librimix).

Layout (under ``<out>/librimix``), as made by LibriMix's scripts (16 kHz, ``max`` mode, ``mix_both``)::

    Libri2Mix/wav16k/max/{train-100,dev,test}/{mix_both,s1,s2,noise}/<mixture_ID>.wav
    Libri2Mix/wav16k/max/metadata/mixture_<split>_mix_both.csv    # mixture_ID,mixture_path,source_1_path,
                                                                  # source_2_path,noise_path,length (samples)
    Libri2Mix/wav16k/max/metadata/mixture_<split>_mix_both.rttm   # who speaks when, in mixture time
    metadata/LibriSpeech/{train_clean_100,dev_clean,test_clean}.rttm   # the same, per source utterance
                                                                        # (s3prl's recipe reads these)

A mixture holds two speakers' LibriSpeech-style utterances (1-2 grammar sentences each; ids
``<reader>-<chapter>-<n>``, readers numbered as in the embedded LibriSpeech) with partial overlap: source 1
starts at 0-0.5 s, source 2 at 30-80 % of source 1's length. ``s1``/``s2`` hold the sources as placed in the
mixture (zero-padded to its length, as LibriMix does), ``noise`` the noise (white, pink, brown or cafe-like,
10-20 dB below the speech), ``mix_both`` their sum. Speakers: train-100 from the ``train`` pool, dev from
``dev``, test from ``test``. Speech regions are the sentences' first-to-last phone spans; render writes them
to ``.synth/<split>/<mixture_ID>.json``, from which finalize writes the csv and RTTM files. The csv holds
absolute paths, like the real ones.

Preset keys (section ``librimix``): ``train``, ``dev``, ``test`` (mixtures), ``speakers`` ({train, dev,
test}), ``sentences_per_source`` ([min, max]).
"""
from __future__ import annotations

import json
import logging
import random
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.librispeech import SAMPLE_RATE, chapter_id, noise_of, reader_id, speak, write_audio

logger = logging.getLogger(__name__)

# LibriMix split -> (speaker pool, LibriSpeech split name in s3prl's per-source RTTM files)
SPLITS = {"train-100": ("train", "train_clean_100"), "dev": ("dev", "dev_clean"), "test": ("test", "test_clean")}
_PRESET_KEY = {"train-100": "train", "dev": "dev", "test": "test"}
MAX_DIR = "Libri2Mix/wav16k/max"
_TEXT_ORDER = ("test", "dev", "train-100")


def mix_sources(item: Item) -> Dict[str, object]:
    """Render one mixture: ``s1``, ``s2``, ``noise``, ``mix`` (float32 [T]) and ``turns``
    [(speaker, start, end)] in seconds; deterministic for the item's seed."""
    rng = item_rng(item)
    p = item.params
    a = speak(p["texts1"], p["speaker1"], rng, lead=(0.0, 0.0), tail=(0.0, 0.0))
    b = speak(p["texts2"], p["speaker2"], rng, lead=(0.0, 0.0), tail=(0.0, 0.0))
    off1 = int(rng.uniform(0.0, 0.5) * SAMPLE_RATE)
    off2 = off1 + int(rng.uniform(0.3, 0.8) * len(a.wav))
    n = max(off1 + len(a.wav), off2 + len(b.wav)) + int(rng.uniform(0.1, 0.4) * SAMPLE_RATE)
    s1, s2 = np.zeros(n), np.zeros(n)
    for src, spoken, off in ((s1, a, off1), (s2, b, off2)):
        w = spoken.wav.astype(np.float64)
        # Speech level -25 .. -33 dBFS RMS (LibriMix's loudness range), over the speech itself.
        src[off:off + len(w)] = w * (10 ** (rng.uniform(-33, -25) / 20) / max(np.sqrt(np.mean(w ** 2)), 1e-9))
    speech = s1 + s2
    kind = str(rng.choice(["white", "pink", "brown", "cafe"]))
    noise = noise_of(kind, n, rng).astype(np.float64)
    snr = rng.uniform(10.0, 20.0)
    noise *= np.sqrt(np.mean(speech ** 2) / (np.mean(noise ** 2) * 10 ** (snr / 10)))
    mix = speech + noise
    peak = float(np.max(np.abs(mix)))
    scale = 0.9 / peak if peak > 0.9 else 1.0  # one gain for all, so that mix = s1 + s2 + noise still holds
    turns = [(p["reader1"], off1 / SAMPLE_RATE + s, off1 / SAMPLE_RATE + e) for s, e in a.spans]
    turns += [(p["reader2"], off2 / SAMPLE_RATE + s, off2 / SAMPLE_RATE + e) for s, e in b.spans]
    f32 = lambda x: (x * scale).astype(np.float32)  # noqa: E731
    return {"s1": f32(s1), "s2": f32(s2), "noise": f32(noise), "mix": f32(mix), "turns": turns}


class LibriMixWriter(CorpusWriter):
    """Libri2Mix: one item per mixture (its four wavs and its activity); metadata in finalize."""

    name = "librimix"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.grammar import generate_splits
        from mmpt.synth.voices import speaker_pool

        n_spk = preset.get(self.name, "speakers", {})
        lo, hi = preset.get(self.name, "sentences_per_source", [1, 2])
        rng = random.Random(stable_seed(self.name, "plan", seed))
        counts = {s: int(preset.get(self.name, _PRESET_KEY[s], 0)) for s in SPLITS}
        per_src = {s: [(rng.randint(lo, hi), rng.randint(lo, hi)) for _ in range(counts[s])] for s in SPLITS}
        texts = generate_splits(stable_seed(self.name, "text", seed),
                                {s: sum(x + y for x, y in per_src[s]) for s in _TEXT_ORDER})
        items = []
        for split, (pool, _) in SPLITS.items():
            speakers = speaker_pool(pool, max(2, int(n_spk.get(_PRESET_KEY[split], 2))))
            sent = iter(texts[split])
            utt_count: Dict[int, int] = defaultdict(int)
            for n1, n2 in per_src[split]:
                spk1, spk2 = rng.sample(speakers, 2)
                srcs = []
                for spk in (spk1, spk2):
                    # Chapter slot 3: never used by the embedded LibriSpeech (at most 3 chapters a reader).
                    reader, chapter = reader_id(spk), chapter_id(spk, 3)
                    srcs.append(f"{reader}-{chapter}-{utt_count[reader]:04d}")
                    utt_count[reader] += 1
                mix_id = "_".join(srcs)
                outs = tuple(f"{MAX_DIR}/{split}/{d}/{mix_id}.wav" for d in ("mix_both", "s1", "s2", "noise"))
                items.append(Item(
                    key=f"{split}/{mix_id}", outputs=outs + (f".synth/{split}/{mix_id}.json",),
                    seed=stable_seed(self.name, seed, mix_id),
                    params={"split": split, "mix_id": mix_id, "sources": srcs,
                            "speaker1": spk1, "speaker2": spk2, "reader1": str(reader_id(spk1)),
                            "reader2": str(reader_id(spk2)),
                            "texts1": [next(sent).en for _ in range(n1)], "texts2": [next(sent).en for _ in range(n2)]},
                ))
        return items

    def render(self, item: Item, root: Path) -> float:
        out = mix_sources(item)
        for rel, key in zip(item.outputs[:4], ("mix", "s1", "s2", "noise")):
            write_audio(root / rel, out[key])
        meta = {"length": int(len(out["mix"])),
                "turns": [[spk, round(s, 4), round(e, 4)] for spk, s, e in out["turns"]]}
        write_text_atomic(root / item.outputs[4], json.dumps(meta) + "\n")
        return len(out["mix"]) / SAMPLE_RATE

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        meta_dir = root / MAX_DIR / "metadata"
        by_split: Dict[str, List[Item]] = {s: [] for s in SPLITS}
        for it in items:
            by_split[it.params["split"]].append(it)
        absroot = root.resolve()
        for split, its in by_split.items():
            csv_lines = ["mixture_ID,mixture_path,source_1_path,source_2_path,noise_path,length\n"]
            mix_rttm, src_rttm = [], []
            for it in sorted(its, key=lambda x: x.params["mix_id"]):
                mix_id = it.params["mix_id"]
                meta = json.loads((root / it.outputs[4]).read_text(encoding="utf-8"))
                paths = [str(absroot / rel) for rel in it.outputs[:4]]
                csv_lines.append(f"{mix_id},{','.join(paths)},{meta['length']}\n")
                for spk, s, e in sorted(meta["turns"], key=lambda t: (t[1], t[0])):
                    mix_rttm.append(f"SPEAKER {mix_id} 1 {s:.3f} {e - s:.3f} <NA> <NA> {spk} <NA> <NA>\n")
                    src = it.params["sources"][0 if spk == it.params["reader1"] else 1]
                    src_rttm.append(f"SPEAKER {src.split('-', 1)[1]} 1 {s:.3f} {e - s:.3f} <NA> <NA> {spk} <NA> <NA>\n")
            write_text_atomic(meta_dir / f"mixture_{split}_mix_both.csv", "".join(csv_lines))
            write_text_atomic(meta_dir / f"mixture_{split}_mix_both.rttm", "".join(mix_rttm))
            write_text_atomic(root / "metadata" / "LibriSpeech" / f"{SPLITS[split][1]}.rttm", "".join(src_rttm))
