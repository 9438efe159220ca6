"""Fixed sin-cos positional embeddings (Vaswani et al., 2017) over 1-D and N-D token grids."""
from __future__ import annotations

import math
from typing import Sequence

import torch


def sincos_1d(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """Sin-cos embedding of ``positions`` [N] (any float/int values) -> float32 [N, dim] (``dim`` even)."""
    if dim % 2:
        raise ValueError(f"sin-cos embedding needs an even dimension, got {dim}")
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=positions.device) / half)
    angles = positions.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


def _split_dims(dim: int, ndim: int) -> list[int]:
    """Split ``dim`` into ``ndim`` even parts; the first axis (time) takes the remainder."""
    if dim % 2:
        raise ValueError(f"sin-cos embedding needs an even dimension, got {dim}")
    part = 2 * (dim // (2 * ndim))
    if part == 0:
        raise ValueError(f"dimension {dim} is too small for a {ndim}-D sin-cos embedding")
    return [dim - part * (ndim - 1)] + [part] * (ndim - 1)


def sincos_grid(grid: Sequence[int], dim: int, device: torch.device | None = None) -> torch.Tensor:
    """Separable sin-cos embedding of a token grid, e.g. ``(T', H', W')`` -> float32 [T'*H'*W', dim].

    Tokens are numbered in row-major order of ``grid`` (the last axis varies fastest), which is the order
    of :meth:`~mmpt.nets.video_vit.TubeletEmbedding.forward` flattened. Each axis gets its own share of
    the channels (time first, which also takes any remainder).
    """
    grid = [int(g) for g in grid]
    parts = []
    for axis, (size, d) in enumerate(zip(grid, _split_dims(dim, len(grid)))):
        emb = sincos_1d(torch.arange(size, device=device), d)  # [size, d]
        shape = [1] * len(grid) + [d]
        shape[axis] = size
        parts.append(emb.view(shape).expand(*grid, d))
    return torch.cat(parts, dim=-1).reshape(-1, dim)
