"""Write a pre-trained encoder pack (see :mod:`mmpt.pack.layout`) from any espnet2 experiment.

``pack_encoder(config, model, out, fbank_conf=...)`` copies the model file and the statistics referenced
by ``normalize_conf.stats_file``, writes the config with that path pointing at the copy, and the fbank
options. ``packed_from.yaml`` records the sources and their sha256; packing again from unchanged sources
rewrites nothing.

With ``random_init=<seed>``, the pack holds an encoder that was never trained instead: the architecture of
``config`` (``encoder``/``encoder_conf``/``input_size``), initialised as espnet2 starts a training (``init``,
the seed), with the same normalisation statistics and fbank options: the "no pre-training" upstream.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Dict, Optional, Union

import yaml

from mmpt.data.errors import DataError
from mmpt.pack.layout import (
    ENCODER_PREFIX,
    PACK_CONFIG,
    PACK_FBANK,
    PACK_MODEL,
    PACK_RECORD,
    PACK_STATS,
    find_model_file,
    resolve_stats_file,
    sha256_file,
)
from mmpt.pack.load import load_config, load_into, load_state_dict

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


def _copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)


def random_encoder_state(config: PathLike, seed: int = 0) -> Dict[str, Any]:
    """``{"encoder.<name>": tensor}`` of a randomly initialised encoder of the training config ``config``;
    the same ``(config, seed)`` gives the same tensors. Raises DataError for an encoder espnet2 lacks."""
    import torch
    from espnet2.torch_utils.initialize import initialize

    from mmpt.pack.encoder import build_config_encoder

    cfg = load_config(config)
    if not cfg.get("encoder"):
        raise DataError(config, "no 'encoder' in this training config: nothing to initialise")
    torch.manual_seed(seed)
    encoder = build_config_encoder(cfg, config)
    if cfg.get("init"):
        initialize(encoder, cfg["init"])
    return {f"{ENCODER_PREFIX}{k}": v for k, v in encoder.state_dict().items()}


def pack_encoder(
    config: PathLike,
    out_dir: PathLike,
    *,
    model: Optional[PathLike] = None,
    fbank_conf: Optional[PathLike] = None,
    encoder_only: bool = False,
    random_init: Optional[int] = None,
    bn_feats: Optional[PathLike] = None,
    bn_utts: int = 200,
) -> Dict[str, Any]:
    """Pack ``model`` (default: the preferred model file beside ``config``) into ``out_dir``.

    ``encoder_only`` keeps only the ``encoder.*`` and ``normalize.*`` tensors. ``fbank_conf`` defaults to
    ``fbank.yaml`` beside the config. Returns the record written to ``packed_from.yaml`` (``up_to_date``
    is True when nothing had to be written). ``random_init`` (a seed) packs a randomly initialised encoder
    of ``config`` instead of a model file (see the module's docstring). ``bn_feats`` (a feats.scp) and
    ``bn_utts``: re-estimate the batch-norm statistics (see the module's docstring).
    Raises DataError when a source is missing or the model has no encoder.
    """
    config = Path(config)
    cfg = load_config(config)
    if not cfg.get("encoder"):
        raise DataError(config, "no 'encoder' in this training config: nothing to pack")
    if random_init is not None:
        if model:
            raise DataError(model, "a model file and random_init exclude each other")
    else:
        model = Path(model) if model else find_model_file(config.parent)
        if not model.is_file():
            raise DataError(model, "model file not found")
    if fbank_conf is None and (config.parent / PACK_FBANK).is_file():
        fbank_conf = config.parent / PACK_FBANK
    if fbank_conf is not None and not Path(fbank_conf).is_file():
        raise DataError(fbank_conf, "fbank config not found")
    if bn_feats is not None and not Path(bn_feats).is_file():
        raise DataError(bn_feats, "features for the batch-norm statistics not found")
    if bn_utts <= 0:
        raise DataError(config, f"the number of utterances for the batch-norm statistics must be positive, "
                        f"got {bn_utts}")
    stats = None
    normalize_conf = dict(cfg.get("normalize_conf") or {})
    if cfg.get("normalize") == "global_mvn":
        stats = resolve_stats_file(str(normalize_conf.get("stats_file", "")), config)
        if stats is None:
            raise DataError(config, f"normalize_conf.stats_file {normalize_conf.get('stats_file')!r} not found")

    out = Path(out_dir)
    record = {
        "config": str(config.resolve()),
        "model": str(model.absolute()) if model else f"random_init(seed={random_init})",
        "model_sha256": sha256_file(model) if model else None,
        "stats_file": str(stats) if stats else None,
        "stats_sha256": sha256_file(stats) if stats else None,
        "fbank_conf": str(Path(fbank_conf).resolve()) if fbank_conf else None,
        "fbank_sha256": sha256_file(fbank_conf) if fbank_conf else None,
        "config_sha256": sha256_file(config),
        "encoder_only": encoder_only,
        "bn_stats": {"feats_scp": str(Path(bn_feats).resolve()), "feats_scp_sha256": sha256_file(bn_feats),
                     "max_utts": bn_utts} if bn_feats is not None else None,
    }
    record_path = out / PACK_RECORD
    if record_path.is_file() and (out / PACK_MODEL).is_file() and (out / PACK_CONFIG).is_file():
        old = yaml.safe_load(record_path.read_text(encoding="utf-8")) or {}
        old.pop("up_to_date", None)
        summary = old.pop("bn_stats_summary", None)
        if old == record:
            return {**record, "bn_stats_summary": summary, "up_to_date": True}

    state = load_state_dict(model) if model else random_encoder_state(config, random_init)
    if not any(k.startswith(ENCODER_PREFIX) for k in state):
        raise DataError(model, f"no '{ENCODER_PREFIX}*' parameters: not a model with an encoder")
    if model:  # the encoder weights must be exactly those of the config's encoder
        from mmpt.pack.encoder import build_config_encoder

        load_into(build_config_encoder(cfg, config), state, model, prefix=ENCODER_PREFIX,
                  what=f"the {cfg['encoder']} encoder of {config}")
    summary = None
    if bn_feats is not None:
        from mmpt.asr.bn_stats import reestimate_state

        state, bn = reestimate_state(cfg, state, bn_feats, stats_file=stats, num_utts=bn_utts, where=config)
        summary = bn.to_dict()
    out.mkdir(parents=True, exist_ok=True)
    record_path.unlink(missing_ok=True)  # an interrupted pack is redone
    if encoder_only or not model or bn_feats is not None:
        import torch

        kept = state if model and not encoder_only else {
            k: v for k, v in state.items() if k.startswith((ENCODER_PREFIX, "normalize."))}
        tmp = out / (PACK_MODEL + ".tmp")
        torch.save(kept, tmp)
        tmp.replace(out / PACK_MODEL)
    else:
        _copy(model, out / PACK_MODEL)
    if stats is not None:
        _copy(stats, out / PACK_STATS)
        normalize_conf["stats_file"] = str((out / PACK_STATS).resolve())
        cfg["normalize_conf"] = normalize_conf
    else:
        (out / PACK_STATS).unlink(missing_ok=True)
    if fbank_conf is not None:
        _copy(Path(fbank_conf), out / PACK_FBANK)
    else:
        (out / PACK_FBANK).unlink(missing_ok=True)
        logger.warning("%s: packed without fbank.yaml (no --fbank_conf, none beside %s): the feature options "
                       "cannot be checked by the stages that use this pack", out, config)
    tmp = out / (PACK_CONFIG + ".tmp")
    tmp.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tmp.replace(out / PACK_CONFIG)
    record_path.write_text(yaml.safe_dump({**record, "bn_stats_summary": summary}, sort_keys=False),
                           encoding="utf-8")
    return {**record, "bn_stats_summary": summary, "up_to_date": False}
