"""VoxCeleb2 layout -> Kaldi data dirs on a generated layout (with the meta file's odd spacing)."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import voxceleb2
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

mux = pytest.importorskip("mmpt.synth.mux")


def _mp4(path: Path, seconds: float = 0.4, audio: bool = True) -> Path:
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, size=(int(seconds * 25), 32, 32, 3), dtype=np.uint8)
    wav = (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32) if audio else None
    return mux.write_av_mp4(path, frames, 25, wav, 16000, preset="ultrafast")


META = ("\ufeffVoxCeleb2 ID ,VGGFace2 ID ,Gender ,Set \n"
        "id00012 ,n000012 ,m ,dev \n"
        "id00015 ,n000015 ,f ,dev \n"
        "id00017 ,n000017 ,m ,test \n")


@pytest.fixture
def fake_vox2(tmp_path: Path) -> Path:
    root = tmp_path / "voxceleb2"
    dev = root / "dev" / "mp4"
    _mp4(dev / "id00012" / "abcdefghijk" / "00001.mp4")
    _mp4(dev / "id00012" / "abcdefghijk" / "00002.mp4")
    _mp4(dev / "id00012" / "-_bcdefghij" / "00001.mp4")
    _mp4(dev / "id00015" / "Xbcdefghijk" / "00001.mp4", audio=False)
    _mp4(dev / "id00099" / "Ybcdefghijk" / "00001.mp4")    # not in the meta file: kept, logged
    _mp4(dev / "person1" / "Ybcdefghijk" / "00001.mp4")    # not an identity folder
    _mp4(dev / "id00012" / "00003.mp4")                    # misplaced
    _mp4(root / "test" / "id00017" / "Zbcdefghijk" / "00001.mp4")  # unpacked without mp4/
    (root / "vox2_meta.csv").write_text(META, encoding="utf-8")
    return root


def test_read_meta_tolerates_spacing_and_bom(fake_vox2: Path):
    meta = voxceleb2.read_meta(fake_vox2 / "vox2_meta.csv")
    assert meta["id00015"] == voxceleb2.Identity("id00015", "n000015", "f", "dev")
    assert meta["id00017"].split == "test"


def test_prepare(fake_vox2: Path, tmp_path: Path, caplog):
    caplog.set_level(logging.INFO)
    out = tmp_path / "data"
    dev, test = voxceleb2.prepare(fake_vox2.parent, ["dev", "test"], out)
    d = DataDir.load(out / "dev")
    assert d.validate() == []
    assert d.utt_ids() == ["id00012_-_bcdefghij_00001", "id00012_abcdefghijk_00001", "id00012_abcdefghijk_00002",
                           "id00099_Ybcdefghijk_00001"]
    assert set(d.utt2spk.values()) == {"id00012", "id00099"}
    assert d.text is None and d.wav_scp == d.video_scp
    assert dev.counts() == {"misplaced_file": 2, "no_audio": 1}
    assert DataDir.load(out / "dev" / "video_only").utt_ids() == ["id00015_Xbcdefghijk_00001"]
    assert "1 speakers are not in vox2_meta.csv" in caplog.text
    t = DataDir.load(out / "test")
    assert t.validate() == [] and t.utt2spk == {"id00017_Zbcdefghijk_00001": "id00017"}
    assert not set(t.utt2spk.values()) & set(d.utt2spk.values())
    assert test.changed and voxceleb2.prepare(fake_vox2, ["test"], out)[0].changed == []


def test_bad_meta_is_an_error(fake_vox2: Path, tmp_path: Path):
    (fake_vox2 / "vox2_meta.csv").write_text("speaker,gender\nid00012,m\n")
    with pytest.raises(DataError, match="vox2_meta.csv.*expected the header"):
        voxceleb2.prepare(fake_vox2, ["dev"], tmp_path / "data")
