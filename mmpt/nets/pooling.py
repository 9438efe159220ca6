"""Masked mean pooling over the token axis."""
from __future__ import annotations

import torch


def masked_mean(x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Mean of ``x`` [B, N, D] over the tokens where ``valid`` [B, N] (bool) is True -> [B, D].

    Rows without any valid token give zeros (never NaN).
    """
    w = valid.to(x.dtype).unsqueeze(-1)  # [B, N, 1]
    return (x * w).sum(dim=1) / w.sum(dim=1).clamp(min=1.0)
