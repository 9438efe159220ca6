"""The training config of a fine-tuning or mid-training run: the recipe's config with the encoder taken
from a pre-trained pack.

``make_train_config(base, pretrained=..., freeze_encoder=...)`` returns the recipe's config (e.g.
``conf/train_asr_ctc_frozen.yaml``) with

* ``encoder``, ``encoder_conf``, ``input_size`` copied from the pre-trained model's own config, so the
  new model's encoder has exactly the shapes of the checkpoint;
* ``normalize`` / ``normalize_conf`` of the pre-training (its ``feats_stats.npz``): a frozen encoder must
  see the inputs it was trained on;
* ``init_param: [<pack>/model.pth:encoder:encoder]`` (appended to the base's own ``init_param``);
* ``freeze_param: [encoder]`` when the encoder is frozen.

Without a pre-trained encoder the base config's encoder is kept and ``normalize`` is ``global_mvn`` with
the recipe's own statistics (``stats_file``).

``make_cached_train_config(base, encoded)`` is the config of the same head trained on the frozen encoder's
cached outputs (``python -m mmpt.bin.dump_encoded``, whose ``encoded.yaml`` is ``encoded``): no frontend,
no normalisation, ``input_size: L * D`` and the ``layer_sum`` encoder (mmpt.asr.layer_sum) in place of the
frozen encoder; the head (``postencoder``, CTC) and training options are the base's.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import yaml

from mmpt.data.errors import DataError
from mmpt.data.files import write_if_changed
from mmpt.pack.load import load_config
from mmpt.pack.read import PretrainedEncoder

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


def fbank_differences(a: PathLike, b: PathLike) -> List[str]:
    """``key: a_value != b_value`` for every fbank option that differs between two fbank configs."""
    from mmpt.features.fbank import FbankConfig

    da, db = FbankConfig.load(Path(a)).to_dict(), FbankConfig.load(Path(b)).to_dict()
    return [f"{k}: {da[k]!r} != {db[k]!r}" for k in da if da[k] != db[k]]


def _append_unique(items: Optional[List[str]], value: str) -> List[str]:
    out = list(items or [])
    if value not in out:
        out.append(value)
    return out


def make_train_config(
    base: Union[PathLike, Dict[str, Any]],
    *,
    pretrained: Optional[PretrainedEncoder] = None,
    freeze_encoder: bool = False,
    stats_file: Optional[PathLike] = None,
    fbank_conf: Optional[PathLike] = None,
) -> Dict[str, Any]:
    """The config described in the module docstring.

    Args:
        base: the recipe's training config (path or mapping).
        pretrained: the encoder to start from (``load_pretrained``), or None (from scratch).
        freeze_encoder: add ``encoder`` to ``freeze_param``.
        stats_file: the recipe's own ``feats_stats.npz`` (used without ``pretrained``).
        fbank_conf: the recipe's fbank options, checked against the pack's ``fbank.yaml``.
    Raises:
        DataError when the recipe's features differ from the pre-training's, or a needed file is missing.
    """
    source = str(base) if not isinstance(base, dict) else "<config>"
    cfg = copy.deepcopy(base) if isinstance(base, dict) else load_config(base)
    if pretrained is not None:
        if fbank_conf is not None and pretrained.fbank_conf is not None:
            diff = fbank_differences(fbank_conf, pretrained.fbank_conf)
            if diff:
                raise DataError(fbank_conf, "the features differ from those the pre-trained encoder was trained "
                                f"on ({pretrained.fbank_conf}): " + "; ".join(diff))
        elif fbank_conf is not None:
            logger.warning("%s has no %s: cannot check that the recipe's fbank options (%s) are the "
                           "pre-training's", pretrained.source, "fbank.yaml", fbank_conf)
        cfg["encoder"] = pretrained.encoder
        cfg["encoder_conf"] = copy.deepcopy(pretrained.encoder_conf)
        if pretrained.input_size is not None:
            cfg["input_size"] = pretrained.input_size
        cfg["normalize"] = pretrained.normalize
        cfg["normalize_conf"] = copy.deepcopy(pretrained.normalize_conf)
        cfg["init_param"] = _append_unique(cfg.get("init_param"), pretrained.init_param)
    else:
        if stats_file is not None:
            stats = Path(stats_file)
            if not stats.is_file():
                raise DataError(stats, "feature statistics not found (run the CMVN stage first)")
            cfg["normalize"] = "global_mvn"
            cfg["normalize_conf"] = {"stats_file": str(stats.resolve())}
        if freeze_encoder:
            logger.warning("%s: freezing a randomly initialised encoder (no pre-trained encoder given)", source)
    if freeze_encoder:
        cfg["freeze_param"] = _append_unique(cfg.get("freeze_param"), "encoder")
    if not cfg.get("encoder"):
        raise DataError(source, "no encoder: the config has no 'encoder' and no pre-trained encoder was given")
    return cfg


# Parts of a base config that act on the encoder's input: with cached encoder outputs they would be
# silently skipped, so they are refused.
_INPUT_SIDE = ("specaug", "preencoder")


def _into_encoder(init_param: str) -> bool:
    """Whether an espnet2 ``--init_param`` (``path[:src[:dst]]``) writes into the encoder."""
    parts = init_param.split(":")
    dst = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 else "")
    return dst == "encoder" or dst.startswith("encoder.")


def uncacheable_reason(base: Union[PathLike, Dict[str, Any]]) -> Optional[str]:
    """Why the encoder outputs of a training with config ``base`` cannot be cached (None when they can):
    a part that changes the encoder's input at every step (SpecAugment, a pre-encoder)."""
    cfg = base if isinstance(base, dict) else load_config(base)
    for key in _INPUT_SIDE:
        if cfg.get(key):
            return f"{key}: {cfg[key]} changes the frozen encoder's input at every step"
    return None


def make_cached_train_config(base: Union[PathLike, Dict[str, Any]], encoded: Dict[str, Any]) -> Dict[str, Any]:
    """The config described in the module docstring; ``encoded`` holds ``num_layers`` (L), ``dim`` (D)
    and ``input_size`` (L * D) of the dump. Raises DataError when the base config transforms the
    encoder's input (SpecAugment, a pre-encoder): the cached outputs could not reproduce it."""
    source = str(base) if not isinstance(base, dict) else "<config>"
    cfg = copy.deepcopy(base) if isinstance(base, dict) else load_config(base)
    reason = uncacheable_reason(cfg)
    if reason:
        raise DataError(source, f"{reason}, so its outputs cannot be cached; train with --cache_encoder false")
    num_layers, dim = int(encoded["num_layers"]), int(encoded["dim"])
    if int(encoded["input_size"]) != num_layers * dim:
        raise DataError(source, f"encoded input_size {encoded['input_size']} != num_layers {num_layers} x dim {dim}")
    for key in ("frontend", "frontend_conf", "normalize", "normalize_conf", "encoder_conf", *_INPUT_SIDE,
                *(f"{k}_conf" for k in _INPUT_SIDE)):
        cfg.pop(key, None)
    cfg["input_size"] = num_layers * dim
    cfg["frontend"] = None
    cfg["normalize"] = None
    cfg["encoder"] = "layer_sum"
    cfg["encoder_conf"] = {"num_layers": num_layers}
    # the encoder's own weights are not in this model: only its outputs are
    cfg["init_param"] = [x for x in cfg.get("init_param") or [] if not _into_encoder(x)]
    cfg["freeze_param"] = [x for x in cfg.get("freeze_param") or [] if x.split(".")[0] != "encoder"]
    for key in ("init_param", "freeze_param"):
        if not cfg[key]:
            del cfg[key]
    return cfg


def write_config(cfg: Dict[str, Any], path: PathLike, header: str = "") -> bool:
    """Write ``cfg`` as yaml (after ``header`` comment lines); False when the file already held it."""
    text = "".join(f"# {line}\n" for line in header.splitlines()) + yaml.safe_dump(
        cfg, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    return write_if_changed(path, text)
