"""python -m mmpt.bin.config_options: config values as espnet2 options."""
from __future__ import annotations

from pathlib import Path

from mmpt.bin import config_options


def test_set_keys_in_order(tmp_path: Path, capsys):
    conf = tmp_path / "train.yaml"
    conf.write_text("max_epoch: 30\nbatch_type: sorted\nbatch_size: 8\nbatch_bins: null\nencoder: conformer\n")
    assert config_options.main([str(conf), "--keys", "batch_type", "batch_size", "batch_bins", "max_epoch"]) == 0
    assert capsys.readouterr().out.strip() == "--batch_type sorted --batch_size 8 --max_epoch 30"
    conf.write_text("")
    assert config_options.config_options(str(conf), ["max_epoch"]) == ""


def test_unreadable_config_is_an_error_naming_it(tmp_path: Path, capsys):
    missing = tmp_path / "absent.yaml"
    assert config_options.main([str(missing), "--keys", "max_epoch"]) == 1
    assert str(missing) in capsys.readouterr().err
    conf = tmp_path / "list.yaml"
    conf.write_text("- 1\n- 2\n")
    assert config_options.main([str(conf), "--keys", "max_epoch"]) == 1
    assert "expected a YAML mapping" in capsys.readouterr().err
