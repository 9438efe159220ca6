"""Embedded Kinetics-600: action scenes with their sound, in the Kinetics layout.

Layout (read back by :mod:`mmpt.corpora.kinetics600`)::

    kinetics600/{train,validate,test}.csv     # label,youtube_id,time_start,time_end,split (sorted by label, id)
    kinetics600/<split>/<label with _ for spaces>/<youtube_id>_<time_start:06d>_<time_end:06d>.mp4

Each clip is one :mod:`mmpt.synth.scenes` class (``classes``: the first N of ``SCENE_CLASSES``) rendered
for ``duration`` seconds at ``fps``/``size``: H.264 video with its AAC 16 kHz mono sound in sync. Labels
are the scene class names; ``time_start`` is drawn in [0, 290] and ``time_end = time_start + duration``
(whole seconds, as in Kinetics). Unlike the real test csv, whose labels were long held out, the test csv
keeps its label column so that the embedded corpus can be scored.

Like the real corpus, a few csv rows have no clip on disk (``missing`` per split: videos that vanished
from YouTube) and a few clips have no audio track (``no_audio`` per split); the parser counts and lists
both. Preset keys: ``per_class`` {split: clips per class}, ``duration``, ``fps``, ``size``, ``classes``,
``missing``, ``no_audio``, ``crf``, ``x264_preset``.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from mmpt.corpora.kinetics600 import CSV_COLUMNS, clip_name, label_folder
from mmpt.synth.writer import CorpusWriter, Item, Preset, item_rng, stable_seed, write_text_atomic
from mmpt.synth.writers.av_common import SR, encoder_options, unique_youtube_ids

SPLITS = ("train", "validate", "test")


class Kinetics600Writer(CorpusWriter):
    name = "kinetics600"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.scenes import SCENE_CLASSES

        n_classes = int(preset.get(self.name, "classes", len(SCENE_CLASSES)))
        if not 1 <= n_classes <= len(SCENE_CLASSES):
            raise ValueError(f"kinetics600: classes must be in 1..{len(SCENE_CLASSES)}, got {n_classes}")
        labels = list(SCENE_CLASSES[:n_classes])
        per_class: Dict[str, int] = preset.get(self.name, "per_class", {})
        duration = int(round(float(preset.get(self.name, "duration", 10.0))))
        if duration < 1:
            raise ValueError("kinetics600: duration must be at least 1 s (whole seconds, as in Kinetics)")
        common = {"duration": duration, "fps": float(preset.get(self.name, "fps", 25)),
                  "size": int(preset.get(self.name, "size", 224)), "encoder": encoder_options(preset, self.name)}
        items: List[Item] = []
        for split in SPLITS:
            n = int(per_class.get(split, 0))
            ids = iter(unique_youtube_ids(n * len(labels) + int(preset.get(self.name, "missing", 0)),
                                          "kinetics600", seed, split))
            rng = np.random.default_rng(stable_seed("kinetics600-plan", seed, split))
            split_items = []
            for label in labels:
                for _ in range(n):
                    yt = next(ids)
                    start = int(rng.integers(0, 291))
                    stem = clip_name(yt, start, start + duration)
                    rel = f"{split}/{label_folder(label)}/{stem}.mp4"
                    split_items.append(Item(key=rel, outputs=(rel,), seed=stable_seed("kinetics600", seed, rel),
                                            params={**common, "split": split, "label": label, "youtube_id": yt,
                                                    "start": start, "audio": True}))
            # a few clips without an audio track, a few rows whose clip is "gone from YouTube"
            n_silent = min(int(preset.get(self.name, "no_audio", 0)), len(split_items))
            for i in rng.choice(len(split_items), size=n_silent, replace=False) if n_silent else []:
                split_items[int(i)].params["audio"] = False
            missing = []
            for _ in range(int(preset.get(self.name, "missing", 0)) if split_items else 0):
                label = labels[int(rng.integers(len(labels)))]
                missing.append({"label": label, "youtube_id": next(ids), "start": int(rng.integers(0, 291)),
                                "duration": duration})
            if split_items:
                # rows of the csv that get no clip: carried by the split's first item, written by finalize()
                split_items[0].params["missing_rows"] = missing
            items.extend(split_items)
        return items

    def render(self, item: Item, root: Path) -> float:
        from mmpt.synth.mux import write_av_mp4
        from mmpt.synth.scenes import render_scene

        p = item.params
        rng = item_rng(item)
        frames, audio = render_scene(p["label"], float(p["duration"]), fps=p["fps"], size=p["size"], sr=SR, rng=rng)
        write_av_mp4(root / item.outputs[0], frames, p["fps"], audio if p["audio"] else None, SR, **p["encoder"])
        item.seconds = float(p["duration"])
        return item.seconds

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        rows: Dict[str, List[dict]] = {}
        for it in items:
            rows.setdefault(it.params["split"], []).append(it.params)
            rows[it.params["split"]].extend(it.params.get("missing_rows", []))
        for split, split_rows in rows.items():
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(CSV_COLUMNS)
            for p in sorted(split_rows, key=lambda p: (p["label"], p["youtube_id"], p["start"])):
                w.writerow([p["label"], p["youtube_id"], p["start"], p["start"] + p["duration"], split])
            write_text_atomic(root / f"{split}.csv", buf.getvalue())
