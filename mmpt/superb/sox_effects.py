"""The sox effects s3prl's SUPERB datasets apply, in torch: a stand-in for ``torchaudio.sox_effects``.

torchaudio >= 2.9 removed ``torchaudio.sox_effects`` (and 2.8 needs ``libsox.so`` at run time), yet
s3prl 0.4.18's Speech Commands dataset (KS) reads every file with
``apply_effects_file(path, [["channels", "1"], ["rate", "16000"], ["gain", "-3.0"]])``.
:func:`mmpt.superb.compat.install_torchaudio_shims` puts this module in place of
``torchaudio.sox_effects`` only when the real one is missing or unusable.

Supported effects (the ones s3prl uses; anything else raises ``ValueError`` naming it):

* ``channels N``: N = 1 averages the channels (sox's down-mix); N equal to the input's channels is a no-op;
* ``rate R``: resample to R Hz (``torchaudio.functional.resample``; sox's own resampler differs slightly);
* ``gain G``: scale by 10^(G/20) (no ``-n`` normalisation, no clipping of the float output).
"""
from __future__ import annotations

import logging
import math
import os
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import soundfile as sf
import torch

from mmpt.data.errors import AudioReadError

logger = logging.getLogger(__name__)

SUPPORTED_EFFECTS = ("channels", "gain", "rate")

Effects = Sequence[Sequence[str]]


def effect_names() -> List[str]:
    """Names of the supported effects."""
    return list(SUPPORTED_EFFECTS)


def init_sox_effects() -> None:
    """No-op (torchaudio's API; nothing to initialise here)."""


def shutdown_sox_effects() -> None:
    """No-op (torchaudio's API)."""


def _number(effect: Sequence[str], where: str) -> float:
    if len(effect) != 2:
        raise ValueError(f"{where}: sox effect {list(effect)!r} takes exactly one value")
    try:
        value = float(effect[1])
    except ValueError:
        raise ValueError(f"{where}: sox effect {list(effect)!r}: {effect[1]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: sox effect {list(effect)!r}: value must be finite")
    return value


def _apply(wav: torch.Tensor, sample_rate: int, effects: Effects, where: str) -> Tuple[torch.Tensor, int]:
    """Apply ``effects`` in order to ``wav`` [channels, time] float32."""
    for effect in effects:
        if not effect:
            raise ValueError(f"{where}: empty sox effect")
        name = str(effect[0])
        if name == "channels":
            channels = int(_number(effect, where))
            if channels == wav.size(0):
                continue
            if channels != 1:
                raise ValueError(
                    f"{where}: sox effect 'channels {channels}' on {wav.size(0)} channels is not supported"
                )
            wav = wav.mean(dim=0, keepdim=True)
        elif name == "rate":
            rate = int(round(_number(effect, where)))
            if rate <= 0:
                raise ValueError(f"{where}: sox effect 'rate {rate}': rate must be positive")
            if rate != sample_rate:
                import torchaudio.functional as F

                wav = F.resample(wav, sample_rate, rate)
                sample_rate = rate
        elif name == "gain":
            wav = wav * (10.0 ** (_number(effect, where) / 20.0))
        else:
            supported = ", ".join(SUPPORTED_EFFECTS)
            raise ValueError(f"{where}: sox effect {name!r} is not supported without libsox (supported: {supported})")
    return wav, sample_rate


def apply_effects_tensor(
    tensor: torch.Tensor, sample_rate: int, effects: Effects, channels_first: bool = True
) -> Tuple[torch.Tensor, int]:
    """``torchaudio.sox_effects.apply_effects_tensor``: float [C, T] (or [T, C]) -> (float32 [C, T], rate)."""
    wav = tensor if channels_first else tensor.transpose(0, 1)
    out, rate = _apply(wav.to(torch.float32), int(sample_rate), effects, "<tensor>")
    return (out if channels_first else out.transpose(0, 1)), rate


def apply_effects_file(
    path: Union[str, "os.PathLike[str]"],
    effects: Effects,
    normalize: bool = True,
    channels_first: bool = True,
    format: Optional[str] = None,
) -> Tuple[torch.Tensor, int]:
    """``torchaudio.sox_effects.apply_effects_file``: read with soundfile, apply ``effects``.

    Returns:
        (float32 [C, T] in [-1, 1] (or [T, C] when not ``channels_first``), sample rate).
    Raises:
        AudioReadError naming the file when it cannot be read; ValueError for an unsupported effect.
    """
    if not normalize:
        raise ValueError(f"{path}: only normalize=True (float output) is supported without libsox")
    try:
        data, sample_rate = sf.read(os.fspath(path), dtype="float32", always_2d=True, format=format)
    except (sf.LibsndfileError, RuntimeError, OSError, TypeError) as exc:
        raise AudioReadError(path, f"cannot read audio: {exc}") from None
    wav = torch.from_numpy(np.ascontiguousarray(data.T))
    out, rate = _apply(wav, int(sample_rate), effects, os.fspath(path))
    return (out if channels_first else out.transpose(0, 1)), rate
