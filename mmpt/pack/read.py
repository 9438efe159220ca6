"""Read a pack (:mod:`mmpt.pack.layout`) or any espnet2 experiment as a pre-trained encoder.

``load_pretrained(path)`` reads a pack, and equally any espnet2 experiment directory (ASR, ST or mmpt
pre-training: ``config.yaml`` beside ``*.pth``), a ``.pth`` file beside its ``config.yaml``, or the
``config.yaml`` itself. The encoder configuration always comes from that config, so the fine-tuning
model cannot disagree with the checkpoint.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from mmpt.data.errors import DataError
from mmpt.pack import layout
from mmpt.pack.load import load_config, load_into, load_state_dict

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


@dataclass
class PretrainedEncoder:
    """The encoder of a trained model: its class choice and options, weights, and input conventions."""

    source: Path  # what was asked for
    config_path: Path
    model_path: Path
    config: Dict[str, Any]
    encoder: str
    encoder_conf: Dict[str, Any]
    input_size: Optional[int]
    normalize: Optional[str]
    normalize_conf: Dict[str, Any] = field(default_factory=dict)  # stats_file resolved (absolute)
    stats_file: Optional[Path] = None
    fbank_conf: Optional[Path] = None

    @property
    def init_param(self) -> str:
        """espnet2 ``--init_param`` that copies the encoder: ``<model.pth>:encoder:encoder``."""
        return f"{self.model_path}:encoder:encoder"

    def encoder_state_dict(self) -> Dict[str, Any]:
        """The encoder's tensors (keys without the ``encoder.`` prefix)."""
        state = load_state_dict(self.model_path)
        enc = {k[len(layout.ENCODER_PREFIX):]: v for k, v in state.items() if k.startswith(layout.ENCODER_PREFIX)}
        if not enc:
            raise DataError(self.model_path, f"no '{layout.ENCODER_PREFIX}*' parameters in this state dict "
                            f"(keys start with: {_prefixes(state)})")
        return enc

    def build_encoder(self) -> Any:
        """The encoder of the config (``encoder``, ``encoder_conf``, ``input_size``) with the model file's
        ``encoder.*`` weights, loaded strictly. Raises ModelFileError when they do not fit."""
        from mmpt.pack.encoder import build_config_encoder  # torch and espnet2: only when an encoder is built

        encoder = build_config_encoder(self.config, self.config_path)
        load_into(encoder, load_state_dict(self.model_path), self.model_path, prefix=layout.ENCODER_PREFIX,
                  what=f"the {self.encoder} encoder of {self.config_path}")
        return encoder


def _prefixes(state: Dict[str, Any]) -> str:
    return ", ".join(sorted({k.split(".", 1)[0] for k in state})[:10]) or "<none>"


def load_pretrained(path: PathLike) -> PretrainedEncoder:
    """Read a pack / experiment directory / model file / config (see the module docstring).

    Raises DataError naming the file when the config or model is missing or holds no encoder.
    """
    source = Path(path)
    if source.is_dir():
        config_path = source / layout.PACK_CONFIG
        if not config_path.is_file():
            raise DataError(source, f"not a pack or espnet2 experiment directory: no {layout.PACK_CONFIG}")
        model_path = layout.find_model_file(source)
    elif source.is_file() and source.suffix == ".pth":
        model_path = source
        config_path = source.parent / layout.PACK_CONFIG
        if not config_path.is_file():
            raise DataError(source, f"no {layout.PACK_CONFIG} beside this model file: the encoder configuration is "
                            "read from the training config of the checkpoint")
    elif source.is_file() and source.suffix in (".yaml", ".yml"):
        config_path = source
        model_path = layout.find_model_file(source.parent)
    else:
        raise DataError(source, "pre-trained encoder not found (expected a pack directory, an espnet2 "
                        "experiment directory, a .pth model file or its config.yaml)")
    config = load_config(config_path)
    encoder = config.get("encoder")
    if not encoder:
        raise DataError(config_path, "no 'encoder' in this training config")
    if config.get("frontend") and config.get("input_size") is None:
        raise DataError(config_path, f"the encoder was trained behind the frontend {config['frontend']!r} on "
                        "raw audio; the recipes feed precomputed fbank features (input_size)")
    normalize = config.get("normalize")
    normalize_conf = dict(config.get("normalize_conf") or {})
    stats_file = None
    if normalize == "global_mvn":
        stats = normalize_conf.get("stats_file")
        if not stats:
            raise DataError(config_path, "normalize is global_mvn but normalize_conf.stats_file is not set")
        stats_file = layout.resolve_stats_file(str(stats), config_path)
        if stats_file is None:
            raise DataError(config_path, f"normalize_conf.stats_file {stats} not found (looked at it as written, "
                            f"relative to {config_path.parent} and its recipe directory, and for "
                            f"{layout.PACK_STATS} beside the config)")
        normalize_conf["stats_file"] = str(stats_file)
    fbank = config_path.parent / layout.PACK_FBANK
    return PretrainedEncoder(
        source=source,
        config_path=config_path.resolve(),
        model_path=model_path.resolve(),
        config=config,
        encoder=str(encoder),
        encoder_conf=dict(config.get("encoder_conf") or {}),
        input_size=config.get("input_size"),
        normalize=normalize,
        normalize_conf=normalize_conf,
        stats_file=stats_file,
        fbank_conf=fbank.resolve() if fbank.is_file() else None,
    )


def check_encoder_weights(p: PretrainedEncoder) -> List[str]:
    """The encoder parameter names of the model file, checked strictly against the encoder its config
    builds (ModelFileError naming the file, the expected and the found keys when they do not fit)."""
    return sorted(p.build_encoder().state_dict())


def pack_fingerprint(p: PretrainedEncoder) -> str:
    """16 hex digits identifying what the encoder computes: its weights, statistics and configuration."""
    conf = {k: v for k, v in p.normalize_conf.items() if k != "stats_file"}
    blob = json.dumps({
        "model": layout.sha256_file(p.model_path),
        "stats": layout.sha256_file(p.stats_file) if p.stats_file else None,
        "encoder": p.encoder, "encoder_conf": p.encoder_conf, "input_size": p.input_size,
        "normalize": p.normalize, "normalize_conf": conf,
    }, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
