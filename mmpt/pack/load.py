"""The one safe loader of model and checkpoint files (packs, espnet2 ``*.pth``, s3prl runner checkpoints).

Every model file a user can name (``mmpt-transcribe``, ``mmpt.bin.decode``, ``mmpt-superb -k / -e / -i``,
the s3prl upstream, ``pack_encoder``, ``--pretrained`` of the ST/ASR recipes) is read here, and only
with ``torch.load(..., weights_only=True)``: tensors and plain containers, never pickled code. A file
that holds anything else is refused with :class:`ModelFileError`; so are missing, empty, truncated and
foreign files, and state dicts whose parameter names or shapes do not fit the model being built
(:func:`load_into` is strict). Each error names the file, what was expected and what was found.

s3prl's runner checkpoints (``states-*.ckpt``, ``dev-best.ckpt``) hold an ``argparse.Namespace`` and
the run's config besides the weights: :func:`load_trusted_checkpoint` admits exactly those extra types
(``torch.serialization.safe_globals``), still with ``weights_only=True``.

The config of a model file is read here too (:func:`load_config`, an espnet2 training config).
"""
from __future__ import annotations

import argparse
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import yaml

from mmpt.data.errors import DataError

PathLike = Union[str, Path]
ZIP_MAGIC = b"PK\x03\x04"
# What s3prl 0.4.18's runner pickles besides tensors and plain containers.
S3PRL_CHECKPOINT_TYPES: Sequence[type] = (argparse.Namespace,)
SAFE_LOAD = "torch.load(weights_only=True)"


class ModelFileError(DataError):
    """A model / checkpoint file that cannot be loaded safely or does not fit the model being built."""


# ------------------------------------------------------------------------------------------- reading
def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise ModelFileError(path, f"{what} not found")
    if not path.is_file():
        raise ModelFileError(path, f"{what} is not a regular file")
    if path.stat().st_size == 0:
        raise ModelFileError(path, f"empty {what} (0 bytes)")


def _unsupported(message: str) -> str:
    """The global that torch's weights-only unpickler refused, from its message."""
    m = re.search(r"Unsupported global: GLOBAL ([\w.]+)", message) or re.search(r"(Unsupported [^.\n]+)", message)
    return m.group(1) if m else message.strip().splitlines()[0][:200]


def _safe_load(path: Path, what: str, allowed: Iterable[type] = ()) -> Any:
    """``torch.load(path, weights_only=True)`` on the CPU with ``allowed`` extra types; ModelFileError
    naming the file for every way this can fail."""
    import torch

    _check_file(path, what)
    with open(path, "rb") as f:
        head = f.read(4)
    size = path.stat().st_size
    try:
        with torch.serialization.safe_globals(list(allowed)):
            return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        msg = str(exc)
        if "Weights only load failed" in msg or "Unsupported" in msg:
            raise ModelFileError(
                path,
                f"refused: expected tensors and plain containers ({SAFE_LOAD}), found a pickled object "
                f"{_unsupported(msg)!r}; mmpt never unpickles code from a model file",
            ) from None
        raise ModelFileError(path, f"not a PyTorch {what}: expected a torch.save file, found {_kind(head)} "
                             f"({_first_line(msg)})") from None
    except (RuntimeError, EOFError, OSError, ValueError, KeyError, zipfile.BadZipFile, AttributeError,
            ImportError, IndexError, TypeError) as exc:
        msg = _first_line(str(exc)) or type(exc).__name__
        if head == ZIP_MAGIC:
            raise ModelFileError(
                path, f"truncated or damaged {what}: a torch zip archive of {size} bytes that cannot be read "
                f"({msg}); was it cut short while being written or copied?") from None
        if isinstance(exc, EOFError):
            raise ModelFileError(path, f"truncated {what}: the data ends early ({size} bytes)") from None
        raise ModelFileError(path, f"not a readable PyTorch {what}: found {_kind(head)} ({msg})") from None


def _first_line(msg: str) -> str:
    lines = [ln.strip() for ln in msg.strip().splitlines() if ln.strip()]
    return lines[0][:300] if lines else ""


def _kind(head: bytes) -> str:
    if head == ZIP_MAGIC:
        return "a zip archive"
    if head[:1] == b"\x80":
        return "a legacy pickle"
    if head[:4] in (b"RIFF", b"fLaC", b"OggS"):
        return "an audio file"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return f"text starting with {head.decode('ascii', errors='replace')!r}"
    return f"bytes {head.hex()}"


def load_state_dict(path: PathLike, *, training_checkpoint: bool = False, what: str = "model file") -> Dict[str, Any]:
    """A model state dict (``{parameter name: tensor}``) saved with ``torch.save``, on the CPU.

    Args:
        training_checkpoint: accept espnet2's ``checkpoint.pth`` (``{"model": ..., "optimizers": ...}``)
            and return its ``model``; else such a file is refused with a hint to pass a model file.
    Raises:
        ModelFileError naming the file: missing, empty, truncated, foreign, holding pickled objects, or
        not a mapping of names to tensors.
    """
    import torch

    path = Path(path)
    obj = _safe_load(path, what)
    if isinstance(obj, Mapping) and isinstance(obj.get("model"), Mapping) and "optimizers" in obj:
        if not training_checkpoint:
            raise ModelFileError(path, "expected a model file, found a training checkpoint (model + optimizer "
                                 "states); pass a model file such as valid.acc.ave.pth, valid.loss.best.pth "
                                 "or '<N>epoch.pth'")
        obj = obj["model"]
    if not isinstance(obj, Mapping):
        raise ModelFileError(path, f"expected a state dict (parameter name -> tensor), found {type(obj).__name__}")
    bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        k = bad[0]
        raise ModelFileError(path, f"expected a state dict (parameter name -> tensor), found {len(bad)} entries "
                             f"that are not, e.g. {k!r}: {type(obj[k]).__name__}")
    if not obj:
        raise ModelFileError(path, "expected a state dict with parameters, found an empty mapping")
    return dict(obj)


def load_trusted_checkpoint(path: PathLike, allowed: Iterable[type] = S3PRL_CHECKPOINT_TYPES) -> Any:
    """An s3prl runner checkpoint (weights, optimizer state, ``Args`` namespace, ``Config``...), loaded
    with ``weights_only=True`` and only ``allowed`` as extra types. Raises ModelFileError."""
    return _safe_load(Path(path), "checkpoint", allowed)


# ------------------------------------------------------------------------------------------- matching
def _key_list(keys: List[str], limit: int = 8) -> str:
    return ", ".join(keys[:limit]) + (f" (+{len(keys) - limit} more)" if len(keys) > limit else "")


def _prefixes(keys: Iterable[str]) -> str:
    return ", ".join(sorted({k.split(".", 1)[0] + "." for k in keys})[:10]) or "<none>"


def load_into(module: Any, state: Mapping[str, Any], path: PathLike, *, prefix: str = "",
              what: Optional[str] = None) -> None:
    """Load the ``prefix`` part of ``state`` into ``module`` strictly: every parameter of the module must
    be there with its shape, and nothing else under ``prefix``.

    Raises:
        ModelFileError naming ``path``, what was expected (the module's parameters) and what was found
        (missing / unexpected names, shape mismatches).
    """
    part = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    expected = module.state_dict()
    what = what or f"the {prefix.rstrip('.') or 'model'} weights of {type(module).__name__}"
    missing = sorted(set(expected) - set(part))
    unexpected = sorted(set(part) - set(expected))
    shapes = sorted(k for k in set(part) & set(expected) if tuple(part[k].shape) != tuple(expected[k].shape))
    if missing or unexpected or shapes:
        found = []
        if missing:
            found.append(f"{len(missing)} missing key(s): {_key_list([prefix + k for k in missing])}")
        if unexpected:
            found.append(f"{len(unexpected)} unexpected key(s): {_key_list([prefix + k for k in unexpected])}")
        if shapes:
            found.append("shape mismatch: " + _key_list(
                [f"{prefix}{k} {tuple(part[k].shape)} vs {tuple(expected[k].shape)}" for k in shapes], 4))
        if not part:
            found.append(f"the file's keys start with {_prefixes(state)}")
        raise ModelFileError(path, f"does not fit {what}: expected {len(expected)} tensors, "
                             f"found {len(part)} under '{prefix}'; " + "; ".join(found))
    try:
        module.load_state_dict(part, strict=True)
    except RuntimeError as exc:
        raise ModelFileError(path, f"does not fit {what}: {_first_line(str(exc))}") from None


# ------------------------------------------------------------------------------------------- configs
def load_config(path: PathLike, *, require: Sequence[str] = ()) -> Dict[str, Any]:
    """An espnet2 training config (yaml mapping); ``require`` names keys that must be set."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(path, "training config not found")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ModelFileError(path, f"not valid yaml: {exc}") from None
    if not isinstance(config, dict):
        raise ModelFileError(path, "expected a yaml mapping (an espnet2 training config)")
    for key in require:
        if not config.get(key):
            raise ModelFileError(path, f"the config names no {key} (key '{key}'); not an espnet2 model config")
    return config

