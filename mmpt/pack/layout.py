"""The files of a pack and of an espnet2 experiment directory, and which of them is the model.

A *pack* is a directory::

    model.pth          state dict of the whole trained model; the encoder is under ``encoder.``
    config.yaml        its training config: ``encoder``, ``encoder_conf``, ``input_size``, ``normalize``,
                       ``normalize_conf.stats_file`` (absolute path of the packed feats_stats.npz), ...
    feats_stats.npz    the global MVN statistics the encoder was trained with
    fbank.yaml         the Kaldi fbank options of its features
    packed_from.yaml   the sources and their sha256 (:mod:`mmpt.pack.write`)

An espnet2 experiment directory has ``config.yaml`` beside its model files (:data:`MODEL_PREFERENCE`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional, Union

from mmpt.data.errors import DataError

PathLike = Union[str, Path]
PACK_MODEL = "model.pth"
PACK_CONFIG = "config.yaml"
PACK_STATS = "feats_stats.npz"
PACK_FBANK = "fbank.yaml"
PACK_RECORD = "packed_from.yaml"
ENCODER_PREFIX = "encoder."
# Model files of an espnet2 experiment directory, most preferred first ("N epoch.pth" files come last,
# highest epoch first). checkpoint.pth is a training state (model + optimizers), not a model file.
MODEL_PREFERENCE = (
    PACK_MODEL,
    "valid.acc.ave.pth",
    "valid.acc.best.pth",
    "valid.loss.ave.pth",
    "valid.loss.best.pth",
    "latest.pth",
)


def find_model_file(exp_dir: PathLike) -> Path:
    """The model file of an experiment directory (``MODEL_PREFERENCE``, then the latest ``<N>epoch.pth``)."""
    exp_dir = Path(exp_dir)
    for name in MODEL_PREFERENCE:
        if (exp_dir / name).is_file():
            return exp_dir / name
    epochs = []
    for p in exp_dir.glob("*epoch.pth"):
        stem = p.name[: -len("epoch.pth")]
        if stem.isdigit():
            epochs.append((int(stem), p))
    if epochs:
        return max(epochs)[1]
    found = sorted(p.name for p in exp_dir.glob("*.pth"))
    raise DataError(exp_dir, "no model file: expected one of " + ", ".join(MODEL_PREFERENCE) +
                    " or '<N>epoch.pth'" + (f" (found: {', '.join(found)})" if found else ""))


def resolve_model_file(path: PathLike) -> Path:
    """The model file that ``path`` names: itself for a file, the preferred model file of a directory (a
    pack or an espnet2 experiment). Raises DataError when it does not exist or a directory holds none."""
    path = Path(path)
    if path.is_dir():
        return find_model_file(path)
    if not path.exists():
        raise DataError(path, "checkpoint not found (a model .pth, a pack directory or an espnet2 exp directory)")
    return path


def resolve_stats_file(stats: str, config_path: PathLike) -> Optional[Path]:
    """Where ``normalize_conf.stats_file`` of ``config_path`` is: as written (absolute, or relative to the
    working directory), relative to the config's directory or any directory above it (the recipe
    directory of ``exp/<name>/config.yaml``), else ``feats_stats.npz`` or the file's name beside the
    config (a moved pack). None when none exists."""
    p = Path(stats)
    here = Path(config_path).resolve().parent  # resolved: the recipe directory of a relative "exp/x" is not "."
    candidates = [p] if p.is_absolute() else [p, here / p, *(d / p for d in here.parents)]
    candidates += [here / PACK_STATS, here / p.name]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    return None


def sha256_file(path: PathLike) -> str:
    """The sha256 of a file (hex): what the pack record and the recipes' fingerprints compare."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
