"""Kinetics-600 layout -> Kaldi data dirs: the real clips (--clips_dir) and a generated layout."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import kinetics600
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

mux = pytest.importorskip("mmpt.synth.mux")


def _mp4(path: Path, seconds: float = 0.4, audio: bool = True) -> Path:
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, size=(int(seconds * 25), 32, 32, 3), dtype=np.uint8)
    wav = (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32) if audio else None
    return mux.write_av_mp4(path, frames, 25, wav, 16000, preset="ultrafast")


def test_real_clips_dir(realdata: Path, tmp_path: Path):
    clips = realdata / "av" / "kinetics400_torchvision"
    assert kinetics600.main(["--clips_dir", str(clips), "--out", str(tmp_path), "--name", "k400"]) == 0
    d = DataDir.load(tmp_path / "k400")
    assert d.validate() == []
    assert d.utt_ids() == ["R6llTwEh07w", "SOX5yA1l24A", "WUzgd7C1pWA"]
    assert d.utt2spk == {u: u for u in d.utt_ids()} and "utt2category" not in d.extra
    assert float(d.extra["utt2dur"]["R6llTwEh07w"]) == pytest.approx(10.1, abs=0.05)
    wav = load_audio(d.wav_scp["SOX5yA1l24A"])  # 48 kHz AAC in the clip -> 16 kHz
    assert len(wav) == pytest.approx(11.08 * 16000, rel=0.02)


def test_real_clips_with_a_csv(realdata: Path, tmp_path: Path):
    """The real clips in a Kinetics layout: flat split folder, files named <youtube_id>.mp4."""
    root = tmp_path / "kinetics600"
    (root / "validate").mkdir(parents=True)
    for p in sorted((realdata / "av" / "kinetics400_torchvision").glob("*.mp4")):
        (root / "validate" / p.name).symlink_to(p)
    (root / "validate.csv").write_text("label,youtube_id,time_start,time_end,split\n"
                                       "riding scooter,R6llTwEh07w,37,47,validate\n"
                                       "riding scooter,SOX5yA1l24A,0,10,validate\n"
                                       "riding scooter,WUzgd7C1pWA,5,15,validate\n"
                                       "riding scooter,MiSsInGcLiP,1,11,validate\n")
    (res,) = kinetics600.prepare(tmp_path, ["val"], tmp_path / "data")
    d = DataDir.load(tmp_path / "data" / "validate")
    assert d.validate() == []
    assert d.utt_ids() == ["R6llTwEh07w_000037_000047", "SOX5yA1l24A_000000_000010", "WUzgd7C1pWA_000005_000015"]
    assert set(d.extra["utt2category"].values()) == {"riding_scooter"}
    assert res.counts() == {"missing_clip": 1}


@pytest.fixture
def fake_k600(tmp_path: Path) -> Path:
    root = tmp_path / "kinetics600"
    _mp4(root / "train" / "playing drums" / "aaaaaaaaaaa_000010_000020.mp4")    # label folder with spaces
    _mp4(root / "train" / "playing_drums" / "bbbbbbbbbbb_000000_000010.mp4")    # ... with underscores
    _mp4(root / "train" / "ccccccccccc_000003_000013.mp4")                      # flat
    _mp4(root / "train" / "clapping" / "ddddddddddd_000001_000011.mp4", audio=False)
    _mp4(root / "train" / "clapping" / "zzzzzzzzzzz_000001_000011.mp4")         # not in the csv
    (root / "train.csv").write_text(
        "label,youtube_id,time_start,time_end,split\n"
        "playing drums,aaaaaaaaaaa,10,20,train\n"
        "playing drums,bbbbbbbbbbb,0,10,train\n"
        "clapping,ccccccccccc,3,13,train\n"
        "clapping,ddddddddddd,1,11,train\n"
        "clapping,eeeeeeeeeee,4,14,train\n"           # missing on disk
        "clapping,ccccccccccc,3,13,train\n"           # duplicated row
        "clapping,fffffffffff,ten,20,train\n")        # malformed
    # test csv without a label column; labels come from the folders where there are some
    _mp4(root / "test" / "clapping" / "ggggggggggg_000000_000010.mp4")
    _mp4(root / "test" / "hhhhhhhhhhh_000000_000010.mp4")
    (root / "test.csv").write_text("youtube_id,time_start,time_end,split\n"
                                   "ggggggggggg,0,10,test\nhhhhhhhhhhh,0,10,test\n")
    return root


def test_prepare(fake_k600: Path, tmp_path: Path):
    out = tmp_path / "data"
    results = {r.out_dir.name: r for r in kinetics600.prepare(fake_k600, ["train", "validate", "test"], out)}
    assert set(results) == {"train", "test"}  # validate: no csv, skipped
    d = DataDir.load(out / "train")
    assert d.validate() == []
    assert d.extra["utt2category"] == {"aaaaaaaaaaa_000010_000020": "playing_drums",
                                       "bbbbbbbbbbb_000000_000010": "playing_drums",
                                       "ccccccccccc_000003_000013": "clapping"}
    assert d.utt2spk["aaaaaaaaaaa_000010_000020"] == "aaaaaaaaaaa"
    assert results["train"].counts() == {"missing_clip": 1, "duplicate_id": 1, "malformed_line": 1,
                                         "not_in_csv": 1, "no_audio": 1}
    vo = DataDir.load(out / "train" / "video_only")
    assert vo.validate() == [] and vo.extra["utt2category"] == {"ddddddddddd_000001_000011": "clapping"}
    # one test clip has a folder label, the other none: the unlabelled one is excluded with a count
    t = DataDir.load(out / "test")
    assert t.validate() == [] and t.extra["utt2category"] == {"ggggggggggg_000000_000010": "clapping"}
    assert results["test"].counts() == {"no_label": 1}
    again = kinetics600.prepare(fake_k600, ["train", "test"], out)
    assert all(r.changed == [] for r in again)


def test_csv_without_required_columns(fake_k600: Path, tmp_path: Path):
    (fake_k600 / "train.csv").write_text("label,id\nx,y\n")
    with pytest.raises(DataError, match="train.csv.*lacks youtube_id, time_start, time_end"):
        kinetics600.prepare(fake_k600, ["train"], tmp_path / "data")
