"""Batching of pre-training samples without changing their dtype (uint8 video stays uint8 to the device).

espnet2's ``CommonCollateFn`` pads only the first axis (every other axis must agree) and its dataset casts
integer arrays to int64; here every axis is padded to the batch's largest size (video windows of clips with
different aspect ratios) and dtypes are kept. ``<name>_lengths`` [B] holds each array's first-axis length,
except for the names in ``not_sequence`` (``video_crop``: stacked as they are).
"""
from __future__ import annotations

from typing import Collection, Dict, List, Tuple

import numpy as np
import torch


def pad_to_max(arrays: List[np.ndarray], pad_value: float) -> torch.Tensor:
    """[B] arrays of equal ndim and dtype -> tensor [B, *max shape], padded at the end of every axis."""
    shape = np.max([a.shape for a in arrays], axis=0)
    out = torch.full((len(arrays), *shape.tolist()), pad_value, dtype=torch.from_numpy(arrays[0][:0]).dtype)
    for i, a in enumerate(arrays):
        out[(i, *(slice(0, n) for n in a.shape))] = torch.from_numpy(np.ascontiguousarray(a))
    return out


class AVCollateFn:
    """``[(uid, {name: array})] -> (uids, {name: tensor, name_lengths: tensor})``."""

    def __init__(self, float_pad_value: float = 0.0, int_pad_value: int = 0,
                 not_sequence: Collection[str] = ("video_crop",)):
        self.float_pad_value = float_pad_value
        self.int_pad_value = int_pad_value
        self.not_sequence = set(not_sequence)

    def __call__(
        self, data: Collection[Tuple[str, Dict[str, np.ndarray]]]
    ) -> Tuple[List[str], Dict[str, torch.Tensor]]:
        uids = [u for u, _ in data]
        samples = [d for _, d in data]
        names = list(samples[0])
        if any(set(d) != set(names) for d in samples):
            raise ValueError(f"samples of one batch carry different data names: {[sorted(d) for d in samples]}")
        out: Dict[str, torch.Tensor] = {}
        for name in names:
            arrays = [np.asarray(d[name]) for d in samples]
            if len({a.dtype for a in arrays}) != 1 or len({a.ndim for a in arrays}) != 1:
                found = [(a.dtype, a.shape) for a in arrays]
                raise ValueError(f"'{name}' has mixed dtypes or ranks in a batch: {found}")
            if name in self.not_sequence:
                out[name] = torch.from_numpy(np.stack(arrays))
                continue
            pad = self.float_pad_value if arrays[0].dtype.kind == "f" else self.int_pad_value
            out[name] = pad_to_max(arrays, pad)
            out[name + "_lengths"] = torch.tensor([a.shape[0] for a in arrays], dtype=torch.long)
        return uids, out
