"""python -m mmpt.bin.pt_config: the objective of a pre-training config, continuing a pre-training."""
from __future__ import annotations

from pathlib import Path

import torch
import yaml

from mmpt.bin import pt_config
from tests.recipes.conftest import REPO_ROOT

CONF = REPO_ROOT / "mmpt/conf"


def test_info(tmp_path: Path, capsys):
    assert pt_config.main(["info", str(CONF / "pretrain/cpu/clr.yaml")]) == 0
    method, size = capsys.readouterr().out.split()
    assert method == "clr" and int(size) > 0
    legacy = tmp_path / "old.yaml"
    legacy.write_text("model_conf: {pt_method: MAE}\n")
    assert pt_config.config_info(str(legacy)) == ("mae", 224)
    legacy.write_text("objective: clr\nmodel_conf: {pt_method: mae}\n")
    assert pt_config.main(["info", str(legacy)]) == 1
    assert "not a readable pre-training config" in capsys.readouterr().err


def test_check_init_refuses_what_cannot_continue(tmp_path: Path, capsys):
    cfg = yaml.safe_load((CONF / "pretrain/cpu/mae.yaml").read_text())
    init = tmp_path / "init"
    init.mkdir()
    (init / "config.yaml").write_text(yaml.safe_dump(cfg))
    torch.save({"mae_decoder.w": torch.zeros(1)}, init / "model.pth")
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({**cfg, "input_size": 40}))
    args = ["check_init", str(init / "config.yaml"), str(init / "model.pth")]
    fbank = str(CONF / "fbank.yaml")
    assert pt_config.main([*args, str(other), fbank]) == 1
    assert "has another input_size" in capsys.readouterr().err
    assert pt_config.main([*args, str(init / "config.yaml"), fbank]) == 1
    assert "fbank.yaml is missing" in capsys.readouterr().err
    torch.save({"encoder.w": torch.zeros(1)}, init / "model.pth")
    assert pt_config.main([*args, str(init / "config.yaml"), fbank]) == 1
    assert "holds no MAE decoder" in capsys.readouterr().err


def test_check_init_names_a_missing_or_damaged_file(tmp_path: Path, capsys):
    fbank = str(CONF / "fbank.yaml")
    conf = str(CONF / "pretrain/cpu/mae.yaml")
    missing = tmp_path / "init" / "config.yaml"
    assert pt_config.main(["check_init", str(missing), str(tmp_path / "model.pth"), conf, fbank]) == 1
    assert str(missing) in capsys.readouterr().err
    init = tmp_path / "config.yaml"
    init.write_text(Path(conf).read_text())
    model = tmp_path / "model.pth"
    model.write_bytes(b"not a checkpoint")
    assert pt_config.main(["check_init", str(init), str(model), conf, fbank]) == 1
    assert str(model) in capsys.readouterr().err
