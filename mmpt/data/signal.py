"""Waveform operations shared by the audio and the video readers: channel down-mixing and resampling.

Both :mod:`mmpt.data.audio` (files, pipes) and :mod:`mmpt.data.video` (the audio track of a container)
use them; keeping them here lets the video reader stand without the audio reader (which itself opens
containers through the video reader).
"""
from __future__ import annotations

import numpy as np


def to_mono(wav: np.ndarray) -> np.ndarray:
    """[T, C] (or [T]) -> [T] by averaging the channels."""
    if wav.ndim == 1:
        return wav
    if wav.shape[1] == 1:
        return wav[:, 0]
    return wav.mean(axis=1, dtype=np.float32)


def resample(wav: np.ndarray, orig_sr: int, target_sr: int) -> np.ndarray:
    """Band-limited (windowed sinc) resampling of [T] float32 with ``torchaudio.functional.resample``."""
    if orig_sr == target_sr:
        return np.asarray(wav, dtype=np.float32)
    import torch
    import torchaudio.functional as AF

    out = AF.resample(torch.from_numpy(np.ascontiguousarray(wav, dtype=np.float32)), int(orig_sr), int(target_sr))
    return out.numpy()
