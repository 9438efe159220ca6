"""A fake espnet2 experiment directory (config.yaml + model files + stats + fbank.yaml) for the pack tests,
and the tiny trained ASR checkpoint of the SUPERB tests (``tiny_ckpt``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from tests.superb.conftest import tiny_ckpt  # noqa: F401  (session fixture)

ENCODER_CONF = {"output_size": 16, "attention_heads": 2, "linear_units": 32, "num_blocks": 1,
                "input_layer": "conv2d", "cnn_module_kernel": 3}


def encoder_state(seed: int) -> dict:
    """``encoder.*`` tensors of the config's (tiny) Conformer, a different draw for each seed."""
    from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

    torch.manual_seed(seed)
    return {f"encoder.{k}": v for k, v in ConformerEncoder(input_size=80, **ENCODER_CONF).state_dict().items()}


def make_exp(root: Path, *, model_names=("valid.acc.ave.pth", "3epoch.pth"), stats_rel: bool = True) -> Path:
    """``<root>/exp/st_x`` with config.yaml (stats_file relative to <root>, the recipe dir), model files
    holding ``encoder.*``/``decoder.*`` tensors, ``checkpoint.pth`` and the stats."""
    exp = root / "exp" / "st_x"
    exp.mkdir(parents=True)
    stats = root / "exp" / "st_stats_fbank" / "train" / "feats_stats.npz"
    stats.parent.mkdir(parents=True)
    with open(stats, "wb") as f:
        np.savez(f, count=np.asarray(10), sum=np.arange(80, dtype=np.float64), sum_square=np.ones(80) * 1000)
    config = {
        "input_size": 80, "encoder": "conformer", "encoder_conf": ENCODER_CONF, "frontend": None,
        "normalize": "global_mvn",
        "normalize_conf": {"stats_file": "exp/st_stats_fbank/train/feats_stats.npz" if stats_rel else str(stats)},
        "decoder": "transformer", "token_list": ["<blank>", "a"],
    }
    (exp / "config.yaml").write_text(yaml.safe_dump(config))
    for i, name in enumerate(model_names):
        torch.save({**encoder_state(i), "decoder.w": torch.ones(3), "normalize.mean": torch.zeros(80)}, exp / name)
    torch.save({"model": {}, "optimizers": [], "reporter": {}}, exp / "checkpoint.pth")
    (exp / "fbank.yaml").write_text("num_mel_bins: 80\n")
    return exp


@pytest.fixture
def exp_dir(tmp_path: Path) -> Path:
    return make_exp(tmp_path / "recipe")
