"""Embedded Libri2Mix (tiny): parsed into s3prl diarization data dirs from either RTTM; the mixture is the sum of
its parts; the activity matches the sources; partial overlap; speakers; determinism."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import librimix
from mmpt.data.datadir import DataDir
from mmpt.synth.presets import get_preset
from tests.synth.conftest_audio import generate, mtimes, tree_hashes

sf = pytest.importorskip("soundfile")
MAX = "librimix/Libri2Mix/wav16k/max"
DIRS = {"train-100": "train", "dev": "dev", "test": "test"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak):
    out = tmp_path_factory.mktemp("librimix")
    report = generate("librimix", out)
    data = tmp_path_factory.mktemp("librimix_data")
    librimix.prepare(out / "librimix", data / "mix")
    # s3prl's recipe: per-source RTTMs only (the mixture-level ones moved away).
    meta = out / MAX / "metadata"
    hidden = tmp_path_factory.mktemp("hidden")
    for f in meta.glob("*.rttm"):
        f.rename(hidden / f.name)
    try:
        librimix.prepare(out / "librimix", data / "src")
    finally:
        for f in hidden.glob("*.rttm"):
            f.rename(meta / f.name)
    return out, report, data


def test_parsed_back_both_ways(corpus):
    _, _, data = corpus
    sizes = get_preset("tiny").sizes["librimix"]
    for split, name in DIRS.items():
        d = DataDir.load(data / "mix" / name)
        assert d.validate() == [], split
        assert len(d.wav_scp) == sizes[name]
        assert set(d.extra["reco2dur"]) == set(d.wav_scp)
        for utt, seg in d.segments.items():
            assert utt.startswith(d.utt2spk[utt] + "_") and 0 <= seg.start < seg.end
            assert seg.end <= float(d.extra["reco2dur"][seg.reco]) + 1e-6
        for mix in d.wav_scp:  # two speakers per mixture, the readers named in its id
            spk = {d.utt2spk[u] for u, s in d.segments.items() if s.reco == mix}
            assert spk == {src.split("-")[0] for src in mix.split("_")}
        for f in ("wav.scp", "segments", "utt2spk", "spk2utt", "reco2dur", "rttm"):
            assert (data / "mix" / name / f).read_bytes() == (data / "src" / name / f).read_bytes(), f


def test_sources_sum_and_activity(corpus):
    out, _, data = corpus
    overlaps = []
    for split, name in DIRS.items():
        d = DataDir.load(data / "mix" / name)
        with open(out / MAX / "metadata" / f"mixture_{split}_mix_both.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            mix, info = sf.read(row["mixture_path"], dtype="float64")[0], sf.info(row["mixture_path"])
            assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
            assert int(row["length"]) == len(mix)
            parts = [sf.read(row[k], dtype="float64")[0] for k in ("source_1_path", "source_2_path", "noise_path")]
            np.testing.assert_allclose(parts[0] + parts[1] + parts[2], mix, atol=2.5 / 32768)
            turns = {}
            for u, s in d.segments.items():
                if s.reco == row["mixture_ID"]:
                    turns.setdefault(d.utt2spk[u], []).append((s.start, s.end))
            for k, src in enumerate(row["mixture_ID"].split("_")):
                x = parts[k]
                inside = np.zeros(len(x), bool)
                for s, e in turns[src.split("-")[0]]:
                    inside[int(s * 16000):int(e * 16000)] = True
                assert np.sum(x[inside] ** 2) > 0.99 * np.sum(x**2)  # the source speaks only in its turns
            a = np.zeros(len(mix), bool)
            b = np.zeros(len(mix), bool)
            (spk1, t1), (spk2, t2) = turns.items()
            for s, e in t1:
                a[int(s * 16000):int(e * 16000)] = True
            for s, e in t2:
                b[int(s * 16000):int(e * 16000)] = True
            overlaps.append(np.sum(a & b) / np.sum(a | b))
    assert 0.0 < np.mean(overlaps) < 0.8 and max(overlaps) < 1.0  # partial overlap


def test_speakers_disjoint(corpus):
    _, _, data = corpus
    spk = {n: set(DataDir.load(data / "mix" / n).utt2spk.values()) for n in DIRS.values()}
    assert not spk["train"] & spk["dev"] and not spk["train"] & spk["test"] and not spk["dev"] & spk["test"]


def test_deterministic_and_resumable(corpus, tmp_path: Path):
    out, _, _ = corpus
    root = out / "librimix"
    before, stamps = tree_hashes(root), mtimes(root)
    again = generate("librimix", out)
    assert again.rendered == 0 and tree_hashes(root) == before
    assert all(mtimes(root)[k] == v for k, v in stamps.items() if k.endswith(".wav"))
    generate("librimix", tmp_path, nj=2)
    # The csv holds absolute paths (as the real one does): equal once the output root is factored out.
    old, new = str(root.resolve()).encode(), str((tmp_path / "librimix").resolve()).encode()
    assert tree_hashes(tmp_path / "librimix", lambda f, b: b.replace(new, old)) == before
