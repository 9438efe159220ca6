from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.data.errors import DataError
from mmpt.features.ark import ArkWriter, load_scp, read_mat
from mmpt.features.npy_scp import NpyScp, npy_name, save_npy


def test_ark_round_trip(tmp_path: Path):
    rng = np.random.default_rng(0)
    mats = {f"utt{i}": rng.standard_normal((10 + i, 80)).astype(np.float32) for i in range(4)}
    with ArkWriter(tmp_path / "a" / "feats.ark", tmp_path / "a" / "feats.scp") as writer:
        for key, mat in mats.items():
            writer.write(key, mat)
    assert writer.count == 4
    lines = (tmp_path / "a" / "feats.scp").read_text().splitlines()
    assert [line.split()[0] for line in lines] == list(mats)
    assert all(Path(line.split()[1].rsplit(":", 1)[0]).is_absolute() for line in lines)
    loaded = load_scp(tmp_path / "a" / "feats.scp")
    assert sorted(loaded) == sorted(mats)
    for key, mat in mats.items():
        assert loaded[key].dtype == np.float32
        np.testing.assert_array_equal(loaded[key], mat)
    np.testing.assert_array_equal(read_mat(lines[2].split()[1]), mats["utt2"])


def test_ark_writer_rejects_bad_input(tmp_path: Path):
    with ArkWriter(tmp_path / "f.ark", tmp_path / "f.scp") as writer:
        with pytest.raises(DataError, match="float32/float64 matrix"):
            writer.write("u", np.zeros((2, 3, 4), np.float32))
        with pytest.raises(DataError, match="whitespace"):
            writer.write("a b", np.zeros((2, 3), np.float32))
    with pytest.raises(RuntimeError):
        writer.write("u", np.zeros((2, 3), np.float32))
    with pytest.raises(DataError, match="not found"):
        load_scp(tmp_path / "absent.scp")
    with pytest.raises(DataError, match="cannot read"):
        read_mat(f"{tmp_path / 'absent.ark'}:3")


def test_npy_scp_round_trip_is_memory_mapped(tmp_path: Path):
    clip = np.random.default_rng(1).integers(0, 255, (5, 8, 10, 3), dtype=np.uint8)
    path = tmp_path / npy_name("spk/utt 1")
    assert "/" not in path.name and " " not in path.name
    save_npy(path, clip)
    (tmp_path / "video.scp").write_text(f"clip1 {path}\nclip2 {path.name}\n")
    scp = NpyScp(tmp_path / "video.scp")
    assert list(scp) == ["clip1", "clip2"] and len(scp) == 2
    arr = scp["clip1"]
    assert isinstance(arr, np.memmap) and arr.dtype == np.uint8
    np.testing.assert_array_equal(arr, clip)
    np.testing.assert_array_equal(scp["clip2"], clip)  # relative to the scp's folder
