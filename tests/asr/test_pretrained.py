"""Pre-trained encoder packs: reading packs and espnet2 experiment dirs, packing, the training config."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
import yaml

from mmpt.asr.pack import pack_encoder
from mmpt.asr.pretrained import find_model_file, load_pretrained
from mmpt.asr.train_config import make_train_config, write_config
from mmpt.bin import make_train_config as make_cli
from mmpt.bin import pack_encoder as pack_cli
from mmpt.data.errors import DataError
from tests.asr.conftest import ENCODER_CONF, encoder_state, make_exp


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
