"""python -m mmpt.bin.pretrained_info: fingerprints and model files of pre-trained encoders."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from mmpt.bin import pretrained_info
from tests.recipes.conftest import REPO_ROOT
from tests.recipes.packs import make_pack


def test_fingerprint_and_model_file(tmp_path: Path, capsys):
    stats = tmp_path / "stats.npz"
    np.savez(stats, count=np.array(1), sum=np.zeros(80), sum_square=np.ones(80))
    pack = tmp_path / "pack"
    make_pack(pack, stats, REPO_ROOT / "mmpt/conf/fbank.yaml")
    sums = [hashlib.sha256((pack / name).read_bytes()).hexdigest() for name in ("model.pth", "feats_stats.npz")]
    assert pretrained_info.main(["fingerprint", str(pack)]) == 0
    assert capsys.readouterr().out.split() == sums

    (tmp_path / "exp").mkdir()
    for n in (1, 3, 2):
        (tmp_path / "exp" / f"{n}epoch.pth").write_bytes(b"")
    assert pretrained_info.main(["model_file", str(tmp_path / "exp")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "exp/3epoch.pth")


def test_errors_name_the_path(tmp_path: Path, capsys):
    assert pretrained_info.main(["fingerprint", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and str(tmp_path) in err
    assert pretrained_info.main(["model_file", str(tmp_path)]) == 1
