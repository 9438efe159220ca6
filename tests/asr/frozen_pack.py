"""Helpers of the cached-encoder tests: a tiny pre-trained encoder pack and an fbank dump of random
features, in the formats the recipes write (pack: model.pth, config.yaml, feats_stats.npz, fbank.yaml;
dump: feats.scp + ark, feats_shape, text, utt2spk)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import numpy as np
import torch
import yaml

from mmpt.data.datadir import write_kv
from mmpt.features.ark import ArkWriter

ENCODER_CONF = {"output_size": 16, "attention_heads": 2, "linear_units": 32, "num_blocks": 2,
                "cnn_module_kernel": 5, "input_layer": "conv2d", "macaron_style": True,
                "pos_enc_layer_type": "rel_pos", "selfattention_layer_type": "rel_selfattn"}
FEAT_DIM = 80


def make_pack(out: Path, seed: int = 0) -> Path:
    """A randomly initialised espnet2 Conformer packed like a pre-trained one (non-trivial batch-norm
    statistics, so that an encoder left in train mode would show)."""
    from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

    torch.manual_seed(seed)
    enc = ConformerEncoder(input_size=FEAT_DIM, **ENCODER_CONF)
    for name, buf in enc.named_buffers():
        if name.endswith("running_mean"):
            buf.normal_()
        elif name.endswith("running_var"):
            buf.uniform_(0.5, 2.0)
    out.mkdir(parents=True)
    torch.save({f"encoder.{k}": v for k, v in enc.state_dict().items()}, out / "model.pth")
    rng = np.random.default_rng(seed)
    mean, std = rng.normal(size=FEAT_DIM), rng.uniform(0.5, 2.0, size=FEAT_DIM)
    n = 1000
    with open(out / "feats_stats.npz", "wb") as f:
        np.savez(f, count=np.asarray(n), sum=mean * n, sum_square=(std ** 2 + mean ** 2) * n)
    (out / "fbank.yaml").write_text("num_mel_bins: 80\n")
    config = {"input_size": FEAT_DIM, "frontend": None, "encoder": "conformer", "encoder_conf": ENCODER_CONF,
              "normalize": "global_mvn", "normalize_conf": {"stats_file": str(out / "feats_stats.npz")}}
    (out / "config.yaml").write_text(yaml.safe_dump(config))
    return out


def write_fbank_dump(out: Path, lengths: Dict[str, int], seed: int = 0) -> Path:
    """An fbank dump dir (as mmpt.features.fbank_dump writes it) of random features, ``utt -> frames``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    shapes = {}
    with ArkWriter(out / "data" / "feats.1.ark", out / "feats.scp") as writer:
        for utt in sorted(lengths):
            feats = rng.normal(size=(lengths[utt], FEAT_DIM)).astype(np.float32)
            writer.write(utt, feats)
            shapes[utt] = f"{lengths[utt]},{FEAT_DIM}"
    write_kv(out / "feats_shape", shapes)
    words = ["a", "b", "c", "d"]
    write_kv(out / "text", {u: " ".join(words[(i + j) % 4] for j in range(1 + i % 3))
                            for i, u in enumerate(sorted(lengths))})
    write_kv(out / "utt2spk", {u: u.split("-")[0] for u in lengths})
    return out
