"""Embedded Kinetics-600 (tiny): layout, parse-back, clip format, determinism, resumption."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import kinetics600 as parser
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.video import probe_video, read_video
from mmpt.synth.presets import get_preset
from mmpt.synth.registry import get_writer
from mmpt.synth.writer import run_writer
from tests.synth.conftest_av import file_hashes

PRESET = get_preset("tiny")
SIZES = PRESET.sizes["kinetics600"]


@pytest.fixture(scope="session")
def k600_tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("k600_tiny")
    report = run_writer(get_writer("kinetics600"), out, PRESET, seed=3, nj=1, progress=False)
    assert report.rendered == report.planned and report.seconds > 0
    return out


@pytest.fixture(scope="session")
def k600_data(k600_tiny: Path, tmp_path_factory) -> tuple:
    data = tmp_path_factory.mktemp("k600_data")
    results = {r.out_dir.name: r for r in parser.prepare(k600_tiny / "kinetics600", parser.SPLITS, data)}
    return data, results


def test_layout_and_csv(k600_tiny: Path):
    root = k600_tiny / "kinetics600"
    for split in parser.SPLITS:
        with open(root / f"{split}.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0]) == list(parser.CSV_COLUMNS)
        assert all(r["split"] == split for r in rows)
        n_listed = SIZES["per_class"][split] * SIZES["classes"] + SIZES["missing"]
        assert len(rows) == n_listed
        on_disk = sorted(root.glob(f"{split}/*/*.mp4"))
        assert len(on_disk) == n_listed - SIZES["missing"]
        for mp4 in on_disk:
            m = parser.CLIP_RE.match(mp4.stem)
            assert m and int(m["end"]) - int(m["start"]) == SIZES["duration"]
            assert " " not in mp4.parent.name


def test_parse_back(k600_data: tuple):
    data, results = k600_data
    ids = {}
    for split in parser.SPLITS:
        d = DataDir.load(data / split)
        assert d.validate() == []
        vo = DataDir.load(data / split / "video_only")
        assert vo.validate() == []
        assert results[split].counts() == {"missing_clip": SIZES["missing"], "no_audio": SIZES["no_audio"]}
        cats = {**d.extra["utt2category"], **vo.extra["utt2category"]}
        assert len(set(cats.values())) == SIZES["classes"]
        ids[split] = set(d.utt2spk.values()) | set(vo.utt2spk.values())
        for utt in d.utt_ids():
            assert float(d.extra["utt2dur"][utt]) == pytest.approx(SIZES["duration"], abs=0.05)
    assert not ids["train"] & ids["test"] and not ids["train"] & ids["validate"]


def test_clip_format(k600_data: tuple):
    data, _ = k600_data
    d = DataDir.load(data / "train")
    utt = d.utt_ids()[0]
    info = probe_video(d.video_scp[utt])
    assert (info.fps, info.width, info.height) == (25.0, SIZES["size"], SIZES["size"])
    assert info.num_frames == SIZES["duration"] * 25
    assert (info.video_codec, info.audio_codec, info.audio_sample_rate, info.audio_channels) == ("h264", "aac",
                                                                                              16000, 1)
    wav = load_audio(d.wav_scp[utt])
    assert len(wav) == pytest.approx(SIZES["duration"] * 16000, abs=1024)
    assert np.sqrt(np.mean(wav ** 2)) > 1e-3  # the scene makes sound
    frames = read_video(d.video_scp[utt], num_frames=8, stride=6)
    assert np.abs(np.diff(frames.astype(np.float32), axis=0)).mean() > 0.1  # the scene moves


def test_deterministic_whatever_nj_and_rerun_skips(k600_tiny: Path, tmp_path: Path):
    report = run_writer(get_writer("kinetics600"), tmp_path, PRESET, seed=3, nj=2, progress=False)
    assert report.rendered == report.planned
    assert file_hashes(tmp_path / "kinetics600") == file_hashes(k600_tiny / "kinetics600")
    again = run_writer(get_writer("kinetics600"), tmp_path, PRESET, seed=3, nj=2, progress=False)
    assert again.rendered == 0 and again.skipped == again.planned
    assert file_hashes(tmp_path / "kinetics600") == file_hashes(k600_tiny / "kinetics600")
