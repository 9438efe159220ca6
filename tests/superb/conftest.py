"""A tiny espnet2 ASR checkpoint laid out like an experiment dir, and the upstream built from it.

``exp/asr_tiny/{valid.loss.ave.pth, config.yaml, fbank.yaml}`` with ``normalize_conf.stats_file`` relative
to the recipe dir (``exp/asr_stats/train/feats_stats.npz``), as espnet2 recipes write it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import numpy as np
import pytest
import torch
import yaml

from mmpt.features.cmvn import CmvnStats
from mmpt.features.fbank import FbankConfig, compute_fbank

REPO_ROOT_ENV = str(Path(__file__).resolve().parents[2])  # for PYTHONPATH of subprocesses
NUM_BLOCKS = 2
OUTPUT_SIZE = 64
FBANK = {"num_mel_bins": 80, "frame_length": 25, "frame_shift": 10, "dither": 0.0, "snip_edges": True}


def noise(n: int, seed: int) -> np.ndarray:
    """[n] float32 noise with a slow envelope (speech-like enough for features)."""
    rng = np.random.default_rng(seed)
    env = 0.5 + 0.5 * np.sin(np.arange(n) * 2 * np.pi * 3 / 16000.0)
    return (0.2 * env * rng.standard_normal(n)).astype(np.float32)


def tiny_asr_config(stats_file: str, **overrides) -> Dict:
    config = {
        "token_list": ["<blank>", "<unk>", "a", "b", "<sos/eos>"],
        "input_size": 80,
        "frontend": None,
        "normalize": "global_mvn",
        "normalize_conf": {"stats_file": stats_file},
        "encoder": "conformer",
        "encoder_conf": {
            "output_size": OUTPUT_SIZE,
            "attention_heads": 4,
            "linear_units": 128,
            "num_blocks": NUM_BLOCKS,
            "input_layer": "conv2d",
            "cnn_module_kernel": 15,
            "macaron_style": True,
            "pos_enc_layer_type": "rel_pos",
            "selfattention_layer_type": "rel_selfattn",
            "rel_pos_type": "latest",
        },
        "decoder": "transformer",
        "decoder_conf": {"attention_heads": 4, "linear_units": 64, "num_blocks": 1},
        "model_conf": {"ctc_weight": 0.3},
    }
    config.update(overrides)
    return config


def build_asr_model(config: Dict) -> torch.nn.Module:
    """espnet2's ASRTask.build_model on ``config`` (the task's defaults for the rest)."""
    from espnet2.tasks.asr import ASRTask

    args = ASRTask.get_parser().parse_args([])
    for key, value in config.items():
        setattr(args, key, value)
    torch.manual_seed(0)
    model = ASRTask.build_model(args)
    # random, non-trivial batch-norm statistics, so that loading them is checked too
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm1d):
            module.running_mean.normal_()
            module.running_var.uniform_(0.5, 2.0)
    return model.eval()


@dataclass
class TinyCheckpoint:
    recipe: Path  # the recipe dir (relative stats paths resolve from here)
    ckpt: Path
    config: Path
    state: Dict[str, torch.Tensor]
    fbank: FbankConfig


@pytest.fixture(scope="session")
def tiny_ckpt(tmp_path_factory) -> TinyCheckpoint:
    recipe = tmp_path_factory.mktemp("recipe")
    fbank = FbankConfig.from_dict(FBANK)
    stats = CmvnStats()
    for seed in range(3):
        stats.update(compute_fbank(noise(16000, seed), fbank))
    stats_rel = "exp/asr_stats/train/feats_stats.npz"
    (recipe / stats_rel).parent.mkdir(parents=True)
    stats.save(recipe / stats_rel)

    exp = recipe / "exp" / "asr_tiny"
    exp.mkdir(parents=True)
    config = tiny_asr_config(stats_rel)
    model = build_asr_model({**config, "normalize_conf": {"stats_file": str(recipe / stats_rel)}})
    state = {k: v.clone() for k, v in model.state_dict().items()}
    torch.save(state, exp / "valid.loss.ave.pth")
    (exp / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (exp / "fbank.yaml").write_text(yaml.safe_dump(FBANK), encoding="utf-8")
    return TinyCheckpoint(recipe, exp / "valid.loss.ave.pth", exp / "config.yaml", state, fbank)


@pytest.fixture(scope="session")
def upstream(tiny_ckpt):
    """The UpstreamExpert of the tiny checkpoint, in eval mode (built from the recipe dir)."""
    from mmpt.superb.expert import UpstreamExpert

    return UpstreamExpert(tiny_ckpt.ckpt).eval()



@pytest.fixture(scope="session")
def tiny_pack(tiny_ckpt, tmp_path_factory) -> Path:
    """The tiny checkpoint packed as the recipes hand it on: ``packed/{model.pth,config.yaml,...}``."""
    from mmpt.pack.write import pack_encoder

    out = tmp_path_factory.mktemp("pack") / "packed"
    pack_encoder(tiny_ckpt.config, out, model=tiny_ckpt.ckpt)
    return out
