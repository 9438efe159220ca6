"""Rebuilding the encoder of an espnet2 checkpoint: weights, safe loading, config and fbank lookup."""
from __future__ import annotations

import argparse
import logging
import shutil

import pytest
import torch
import yaml

from mmpt.pack.encoder import CheckpointError, load_encoder_checkpoint, load_state_dict
from tests.superb.conftest import FBANK


def _copy_exp(tiny_ckpt, tmp_path, with_fbank=True):
    exp = tmp_path / "exp"
    exp.mkdir()
    shutil.copy(tiny_ckpt.ckpt, exp / "model.pth")
    shutil.copy(tiny_ckpt.config, exp / "config.yaml")
    if with_fbank:
        shutil.copy(tiny_ckpt.ckpt.parent / "fbank.yaml", exp / "fbank.yaml")
    return exp


def test_weights_equal_the_checkpoint(tiny_ckpt):
    loaded = load_encoder_checkpoint(tiny_ckpt.ckpt)
    encoder_state = loaded.encoder.state_dict()
    expected = {k[len("encoder.") :]: v for k, v in tiny_ckpt.state.items() if k.startswith("encoder.")}
    assert set(encoder_state) == set(expected)
    for key, value in expected.items():
        assert torch.equal(encoder_state[key], value), key
    # the normalisation statistics are the trained ones (read from the recipe's stats file)
    assert torch.equal(loaded.normalize.mean, tiny_ckpt.state["normalize.mean"])
    assert torch.equal(loaded.normalize.std, tiny_ckpt.state["normalize.std"])
    assert loaded.frontend is None and loaded.fbank == tiny_ckpt.fbank
    assert (loaded.frame_shift, loaded.subsampling, loaded.downsample_rate) == (160, 4, 640)
    assert loaded.min_frames == 7 and loaded.min_samples() == 400 + 6 * 160
    assert not loaded.encoder.training


def test_upstream_checkpoint_is_loaded_with_weights_only(tiny_ckpt, monkeypatch):
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    load_state_dict(tiny_ckpt.ckpt)
    assert calls == [True]


def test_pickled_objects_are_refused(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    torch.save({"model": tiny_ckpt.state, "args": argparse.Namespace(lr=1.0)}, exp / "model.pth")
    with pytest.raises(CheckpointError, match="weights_only=True"):
        load_encoder_checkpoint(exp / "model.pth")


def test_espnet_checkpoint_pth_layout(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    torch.save({"model": tiny_ckpt.state, "optimizers": [], "reporter": {}}, exp / "checkpoint.pth")
    loaded = load_encoder_checkpoint(exp / "checkpoint.pth")
    key = "encoders.0.self_attn.linear_q.weight"
    assert torch.equal(loaded.encoder.state_dict()[key], tiny_ckpt.state["encoder." + key])


def test_strict_encoder_keys(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    state = dict(tiny_ckpt.state)
    del state["encoder.encoders.1.conv_module.depthwise_conv.weight"]
    state["encoder.extra.weight"] = torch.zeros(1)
    torch.save(state, exp / "model.pth")
    with pytest.raises(CheckpointError) as err:
        load_encoder_checkpoint(exp / "model.pth")
    message = str(err.value)
    assert "1 missing key(s): encoder.encoders.1.conv_module.depthwise_conv.weight" in message
    assert "1 unexpected key(s): encoder.extra.weight" in message
    assert str(exp / "model.pth") in message


def test_encoder_shape_mismatch(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    config = yaml.safe_load((exp / "config.yaml").read_text())
    config["encoder_conf"]["linear_units"] = 96
    (exp / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(CheckpointError, match="does not fit the config"):
        load_encoder_checkpoint(exp / "model.pth")


def test_missing_config(tiny_ckpt, tmp_path):
    (tmp_path / "model.pth").write_bytes(tiny_ckpt.ckpt.read_bytes())
    with pytest.raises(CheckpointError, match="config.yaml .*-g"):
        load_encoder_checkpoint(tmp_path / "model.pth")
    # ... but an explicit model_config works
    loaded = load_encoder_checkpoint(tmp_path / "model.pth", model_config=tiny_ckpt.config, fbank_config=FBANK)
    assert loaded.input_size == 80


def test_not_an_encoder_config(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    (exp / "config.yaml").write_text("optim: adam\n")
    with pytest.raises(CheckpointError, match="names no encoder"):
        load_encoder_checkpoint(exp / "model.pth")


def test_missing_stats_file_uses_the_checkpoint_statistics(tiny_ckpt, tmp_path, monkeypatch):
    exp = _copy_exp(tiny_ckpt, tmp_path)  # the relative stats path does not resolve from tmp_path
    monkeypatch.chdir(tmp_path)
    loaded = load_encoder_checkpoint(exp / "model.pth")
    assert torch.equal(loaded.normalize.mean, tiny_ckpt.state["normalize.mean"])
    assert torch.equal(loaded.normalize.std, tiny_ckpt.state["normalize.std"])
    # without the statistics in the state dict either, it is an error naming the stats file
    state = {k: v for k, v in tiny_ckpt.state.items() if not k.startswith("normalize.")}
    torch.save(state, exp / "model.pth")
    with pytest.raises(CheckpointError, match="feats_stats.npz"):
        load_encoder_checkpoint(exp / "model.pth")


def test_fbank_yaml_beside_the_checkpoint_is_used(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path)
    (exp / "fbank.yaml").write_text(yaml.safe_dump({**FBANK, "num_mel_bins": 40}))
    with pytest.raises(CheckpointError, match="40-dim features but .* input_size 80"):
        load_encoder_checkpoint(exp / "model.pth")
    (exp / "fbank.yaml").write_text(yaml.safe_dump({**FBANK, "sample_frequency": 8000}))
    with pytest.raises(CheckpointError, match="sample_frequency is 8000"):
        load_encoder_checkpoint(exp / "model.pth")


def test_default_fbank_with_a_warning(tiny_ckpt, tmp_path, caplog):
    exp = _copy_exp(tiny_ckpt, tmp_path, with_fbank=False)
    with caplog.at_level(logging.WARNING, logger="mmpt.pack.encoder"):
        loaded = load_encoder_checkpoint(exp / "model.pth")
    assert "no fbank.yaml" in caplog.text
    assert loaded.fbank.num_mel_bins == 80


def test_fbank_yaml_beside_the_config(tiny_ckpt, tmp_path):
    exp = _copy_exp(tiny_ckpt, tmp_path, with_fbank=False)
    packed = tmp_path / "packed"
    packed.mkdir()
    shutil.move(exp / "model.pth", packed / "encoder.pth")
    (exp / "fbank.yaml").write_text(yaml.safe_dump({**FBANK, "frame_shift": 20}))
    loaded = load_encoder_checkpoint(packed / "encoder.pth", model_config=exp / "config.yaml")
    assert loaded.frame_shift == 320 and loaded.downsample_rate == 1280


def test_missing_checkpoint(tmp_path):
    (tmp_path / "config.yaml").write_text("encoder: conformer\n")
    with pytest.raises(CheckpointError, match="checkpoint file not found"):
        load_encoder_checkpoint(tmp_path / "nope.pth")



def test_packed_encoder_file_with_the_stats_file(tiny_ckpt, tmp_path):
    """Only encoder.* in the file: the statistics come from normalize_conf.stats_file."""
    exp = _copy_exp(tiny_ckpt, tmp_path)
    torch.save({k: v for k, v in tiny_ckpt.state.items() if k.startswith("encoder.")}, exp / "encoder.pth")
    config = yaml.safe_load((exp / "config.yaml").read_text())
    config["normalize_conf"]["stats_file"] = str(tiny_ckpt.recipe / config["normalize_conf"]["stats_file"])
    (exp / "config.yaml").write_text(yaml.safe_dump(config))
    loaded = load_encoder_checkpoint(exp / "encoder.pth")
    torch.testing.assert_close(loaded.normalize.mean, tiny_ckpt.state["normalize.mean"])
    torch.testing.assert_close(loaded.normalize.std, tiny_ckpt.state["normalize.std"])
