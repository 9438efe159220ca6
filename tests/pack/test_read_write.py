"""Packs: reading packs and espnet2 experiment dirs, the model-file choice, packing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
import yaml

from mmpt.bin import pack_encoder as pack_cli
from mmpt.data.errors import DataError
from mmpt.pack.layout import find_model_file, resolve_model_file
from mmpt.pack.read import load_pretrained
from mmpt.pack.write import pack_encoder
from tests.pack.conftest import ENCODER_CONF, encoder_state, make_exp


def test_exp_dir_is_read_with_its_own_encoder_config(exp_dir: Path):
    p = load_pretrained(exp_dir)
    assert p.model_path.name == "valid.acc.ave.pth"  # preferred over "<N>epoch.pth"
    assert p.encoder == "conformer" and p.encoder_conf == ENCODER_CONF and p.input_size == 80
    # stats_file is relative to the recipe dir (exp/<name>/config.yaml -> two levels up)
    assert p.stats_file == (exp_dir.parent / "st_stats_fbank/train/feats_stats.npz").resolve()
    assert p.normalize_conf["stats_file"] == str(p.stats_file)
    assert p.fbank_conf == (exp_dir / "fbank.yaml").resolve()
    assert p.init_param == f"{p.model_path}:encoder:encoder"
    assert set(p.encoder_state_dict()) == {k[len("encoder."):] for k in encoder_state(0)}
    # a .pth beside its config, or the config itself, work too
    assert load_pretrained(exp_dir / "3epoch.pth").model_path.name == "3epoch.pth"
    assert load_pretrained(exp_dir / "config.yaml").model_path.name == "valid.acc.ave.pth"


def test_model_file_choice(tmp_path: Path):
    exp = make_exp(tmp_path, model_names=("2epoch.pth", "10epoch.pth"))
    assert find_model_file(exp).name == "10epoch.pth"
    (exp / "2epoch.pth").unlink()
    (exp / "10epoch.pth").unlink()
    with pytest.raises(DataError, match="no model file.*found: checkpoint.pth"):
        find_model_file(exp)
    with pytest.raises(DataError, match="training checkpoint"):
        load_pretrained(exp / "checkpoint.pth").encoder_state_dict()


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(DataError, match="no-such"):
        resolve_model_file(tmp_path / "no-such")
    with pytest.raises(DataError, match="no model file"):
        resolve_model_file(tmp_path)


def test_bad_sources(tmp_path: Path, exp_dir: Path):
    with pytest.raises(DataError, match="pre-trained encoder not found"):
        load_pretrained(tmp_path / "nowhere")
    with pytest.raises(DataError, match="no config.yaml"):
        load_pretrained(tmp_path)
    lone = tmp_path / "lone.pth"
    torch.save({}, lone)
    with pytest.raises(DataError, match="no config.yaml beside this model file"):
        load_pretrained(lone)
    cfg = yaml.safe_load((exp_dir / "config.yaml").read_text())
    (exp_dir / "config.yaml").write_text(yaml.safe_dump({**cfg, "encoder": None}))
    with pytest.raises(DataError, match="no 'encoder'"):
        load_pretrained(exp_dir)
    (exp_dir / "config.yaml").write_text(yaml.safe_dump({**cfg, "normalize_conf": {"stats_file": "gone.npz"}}))
    with pytest.raises(DataError, match="gone.npz not found"):
        load_pretrained(exp_dir)
    (exp_dir / "config.yaml").write_text(yaml.safe_dump({**cfg, "input_size": None, "frontend": "default"}))
    with pytest.raises(DataError, match="frontend"):
        load_pretrained(exp_dir)


def test_pack_round_trip_and_move(tmp_path: Path, exp_dir: Path, capsys):
    out = tmp_path / "pack"
    assert pack_cli.main(["--config", str(exp_dir / "config.yaml"), "--out", str(out)]) == 0
    assert "written" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "config.yaml", "fbank.yaml", "feats_stats.npz", "model.pth", "packed_from.yaml"]
    cfg = yaml.safe_load((out / "config.yaml").read_text())
    assert cfg["normalize_conf"]["stats_file"] == str((out / "feats_stats.npz").resolve())
    assert cfg["encoder_conf"] == ENCODER_CONF
    state = torch.load(out / "model.pth")
    assert set(state) == {*encoder_state(0), "decoder.w", "normalize.mean"}
    mtime = (out / "model.pth").stat().st_mtime_ns
    assert pack_cli.main(["--config", str(exp_dir / "config.yaml"), "--out", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out and (out / "model.pth").stat().st_mtime_ns == mtime

    p = load_pretrained(out)
    assert p.model_path == (out / "model.pth").resolve() and p.stats_file == (out / "feats_stats.npz").resolve()
    moved = tmp_path / "moved"
    shutil.move(str(out), moved)  # the absolute stats path is stale: the copy beside config.yaml is used
    assert load_pretrained(moved).stats_file == (moved / "feats_stats.npz").resolve()

    rec = pack_encoder(exp_dir / "config.yaml", tmp_path / "enc", model=exp_dir / "3epoch.pth", encoder_only=True)
    assert not rec["up_to_date"]
    assert set(torch.load(tmp_path / "enc" / "model.pth")) == {*encoder_state(0), "normalize.mean"}
    torch.save({"decoder.w": torch.ones(1)}, exp_dir / "3epoch.pth")
    assert pack_cli.main(["--config", str(exp_dir / "config.yaml"), "--model", str(exp_dir / "3epoch.pth"),
                          "--out", str(tmp_path / "bad")]) == 1
    assert "no 'encoder.*' parameters" in capsys.readouterr().err
    # encoder weights that do not fit the config's encoder are refused, naming what differs
    state = encoder_state(0)
    del state["encoder.embed.conv.0.weight"]
    torch.save({**state, "encoder.extra": torch.ones(1)}, exp_dir / "3epoch.pth")
    assert pack_cli.main(["--config", str(exp_dir / "config.yaml"), "--model", str(exp_dir / "3epoch.pth"),
                          "--out", str(tmp_path / "bad")]) == 1
    err = capsys.readouterr().err
    assert "3epoch.pth" in err and "1 missing key(s): encoder.embed.conv.0.weight" in err
    assert "1 unexpected key(s): encoder.extra" in err


def test_random_init_pack_is_the_untrained_encoder_of_the_config(tmp_path: Path, exp_dir: Path, capsys):
    from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

    config = exp_dir / "config.yaml"
    out = tmp_path / "random"
    assert pack_cli.main(["--config", str(config), "--random_init", "3", "--out", str(out)]) == 0
    assert "written" in capsys.readouterr().out
    state = torch.load(out / "model.pth")
    expected = ConformerEncoder(input_size=80, **ENCODER_CONF).state_dict()
    assert set(state) == {f"encoder.{k}" for k in expected}
    p = load_pretrained(out)  # a pack like any other: same architecture, same stats
    assert set(p.encoder_state_dict()) == set(expected)
    assert p.stats_file == (out / "feats_stats.npz").resolve()

    mtime = (out / "model.pth").stat().st_mtime_ns
    assert pack_cli.main(["--config", str(config), "--random_init", "3", "--out", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out and (out / "model.pth").stat().st_mtime_ns == mtime
    pack_encoder(config, tmp_path / "again", random_init=3)
    again = torch.load(tmp_path / "again" / "model.pth")
    assert all(torch.equal(state[k], again[k]) for k in state)  # the seed fixes the weights
    pack_encoder(config, tmp_path / "other", random_init=4)
    other = torch.load(tmp_path / "other" / "model.pth")
    assert not all(torch.equal(state[k], other[k]) for k in state if k.endswith("weight"))

    assert pack_cli.main(["--config", str(config), "--random_init", "3", "--model", str(exp_dir / "3epoch.pth"),
                          "--out", str(tmp_path / "both")]) == 1
    assert "exclude each other" in capsys.readouterr().err
