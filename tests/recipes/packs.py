"""Helpers of the ST/ASR recipe tests: the tiny embedded corpus and a pre-trained encoder pack in the
format the pre-training recipe writes (model.pth with ``encoder.*``, config.yaml, feats_stats.npz,
fbank.yaml), made without pre-training."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Dict

import torch
import yaml

from tests.recipes.conftest import REPO_ROOT, VENV_PYTHON

# Small enough to train in seconds on a CPU.
TINY_ENCODER = {"output_size": 32, "attention_heads": 2, "linear_units": 64, "num_blocks": 1,
                "cnn_module_kernel": 7, "dropout_rate": 0.1, "input_layer": "conv2d", "macaron_style": True,
                "pos_enc_layer_type": "abs_pos", "selfattention_layer_type": "selfattn"}


def synth(out: Path, corpus: str) -> Path:
    """The ``tiny`` embedded corpus ``corpus`` under ``out`` (``python -m mmpt.bin.synth``)."""
    res = subprocess.run([str(VENV_PYTHON), "-m", "mmpt.bin.synth", "--out", str(out), "--preset", "tiny",
                          "--only", corpus], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return out / corpus


def make_pack(out: Path, stats: Path, fbank_conf: Path, seed: int = 0) -> Dict[str, torch.Tensor]:
    """A randomly initialised espnet2 Conformer encoder packed like a pre-trained one; returns its tensors
    (``encoder.*``). The batch-norm statistics are made non-trivial so that a change would show."""
    from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

    torch.manual_seed(seed)
    enc = ConformerEncoder(input_size=80, **TINY_ENCODER)
    for name, buf in enc.named_buffers():
        if name.endswith("running_mean"):
            buf.normal_()
        elif name.endswith("running_var"):
            buf.uniform_(0.5, 2.0)
    state = {f"encoder.{k}": v for k, v in enc.state_dict().items()}
    state["video_encoder.proj.weight"] = torch.zeros(2, 2)  # other pre-training parts are ignored
    out.mkdir(parents=True)
    torch.save(state, out / "model.pth")
    shutil.copyfile(stats, out / "feats_stats.npz")
    shutil.copyfile(fbank_conf, out / "fbank.yaml")
    config = {"input_size": 80, "frontend": None, "encoder": "conformer", "encoder_conf": TINY_ENCODER,
              "normalize": "global_mvn", "normalize_conf": {"stats_file": str(out / "feats_stats.npz")},
              "model_conf": {"pt_method": "mae"}}
    (out / "config.yaml").write_text(yaml.safe_dump(config))
    return {k: v for k, v in state.items() if k.startswith("encoder.")}


def small_head_config(src: Path, dst: Path, **changes) -> Path:
    """A copy of a recipe training config with a smaller head/decoder and batches (fast CPU tests)."""
    cfg = yaml.safe_load(src.read_text())
    for key in ("postencoder_conf", "decoder_conf"):
        if cfg.get(key):
            cfg[key].update({"output_size": 32} if key == "postencoder_conf" else {})
            cfg[key].update({"attention_heads": 2, "linear_units": 64, "num_blocks": 1})
    cfg.update({"batch_size": 4, "valid_batch_size": 4, **changes})
    dst.write_text(yaml.safe_dump(cfg))
    return dst
