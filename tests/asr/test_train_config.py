"""The ASR training config from a pre-trained pack or from scratch."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mmpt.asr.train_config import make_train_config, write_config
from mmpt.bin import make_train_config as make_cli
from mmpt.data.errors import DataError
from mmpt.pack.read import load_pretrained
from tests.pack.conftest import ENCODER_CONF, encoder_state

BASE = {"input_size": 80, "encoder": "conformer", "encoder_conf": {"output_size": 144, "num_blocks": 2},
        "postencoder": "conformer_head", "init_param": ["other.pth:decoder:decoder"], "max_epoch": 3}


def test_train_config_from_pack(tmp_path: Path, exp_dir: Path):
    p = load_pretrained(exp_dir)
    cfg = make_train_config(BASE, pretrained=p, freeze_encoder=True, fbank_conf=exp_dir / "fbank.yaml")
    assert cfg["encoder"] == "conformer" and cfg["encoder_conf"] == ENCODER_CONF  # the checkpoint's, not BASE's
    assert cfg["normalize"] == "global_mvn" and cfg["normalize_conf"]["stats_file"] == str(p.stats_file)
    assert cfg["init_param"] == ["other.pth:decoder:decoder", f"{p.model_path}:encoder:encoder"]
    assert cfg["freeze_param"] == ["encoder"]
    assert cfg["postencoder"] == "conformer_head" and cfg["max_epoch"] == 3
    assert BASE["encoder_conf"] == {"output_size": 144, "num_blocks": 2}  # the base is not modified
    assert "freeze_param" not in make_train_config(BASE, pretrained=p, freeze_encoder=False)

    other = tmp_path / "fbank40.yaml"
    other.write_text("num_mel_bins: 40\n")
    with pytest.raises(DataError, match="num_mel_bins: 40 != 80"):
        make_train_config(BASE, pretrained=p, fbank_conf=other)


def test_train_config_from_scratch(tmp_path: Path, exp_dir: Path, caplog):
    stats = exp_dir.parent / "st_stats_fbank/train/feats_stats.npz"
    cfg = make_train_config(BASE, stats_file=stats, freeze_encoder=True)
    assert cfg["encoder_conf"] == BASE["encoder_conf"] and cfg["normalize_conf"]["stats_file"] == str(stats.resolve())
    assert "randomly initialised encoder" in caplog.text
    with pytest.raises(DataError, match="run the CMVN stage"):
        make_train_config(BASE, stats_file=tmp_path / "none.npz")
    with pytest.raises(DataError, match="no encoder"):
        make_train_config({"max_epoch": 1})
    out = tmp_path / "train.yaml"
    assert write_config(cfg, out, "header line") and not write_config(cfg, out, "header line")
    assert out.read_text().startswith("# header line\n") and yaml.safe_load(out.read_text()) == cfg


def test_make_train_config_cli(tmp_path: Path, exp_dir: Path, capsys, monkeypatch):
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(BASE))
    out = tmp_path / "exp" / "train.yaml"
    args = ["--base", str(base), "--out", str(out), "--pretrained_encoder", str(exp_dir), "--freeze_encoder", "true",
            "--fbank_conf", str(exp_dir / "fbank.yaml")]
    assert make_cli.main(args) == 0
    assert f"{len(encoder_state(0))} tensors in" in capsys.readouterr().out
    cfg = yaml.safe_load(out.read_text())
    assert cfg["freeze_param"] == ["encoder"] and cfg["encoder_conf"] == ENCODER_CONF
    assert make_cli.main(args) == 0 and "up to date" in capsys.readouterr().out
    # The same encoder named by a relative path: the same file (recipes fingerprint it).
    monkeypatch.chdir(exp_dir.parent)
    args[args.index(str(exp_dir))] = exp_dir.name
    assert make_cli.main(args) == 0 and "up to date" in capsys.readouterr().out
    assert make_cli.main(["--base", str(base), "--out", str(out), "--pretrained_encoder", str(tmp_path / "x")]) == 1
    assert "pre-trained encoder not found" in capsys.readouterr().err
