"""Masked-autoencoding loss, paper Eq. 1.

    L_MAE = || D(E_a(a)) - a ||^2 + || D(E_v(v)) - v ||^2

Each modality's term is the squared error averaged over the values of a token (i.e. the squared L2
distance divided by the token size: 320 for audio, 1536 for video, so that both terms have the same
scale) and then over the selected tokens of the whole batch: the masked tokens (``mae_loss_on: masked``,
the MAE convention and the default) or every valid token (``all``). Padded tokens and samples without the
modality are never selected. L_MAE is the sum of the modality terms that are present in the batch.
"""
from __future__ import annotations

from typing import Optional

import torch


def masked_mse(pred: torch.Tensor, target: torch.Tensor, selected: torch.Tensor) -> Optional[torch.Tensor]:
    """Mean over the ``selected`` tokens (bool [B, N]) of the per-token mean squared error of
    ``pred`` and ``target`` [B, N, F]; None when no token is selected. Computed in float32."""
    count = selected.sum()
    if int(count) == 0:
        return None
    per_token = (pred.float() - target.float()).pow(2).mean(dim=-1)  # [B, N]
    return (per_token * selected.to(per_token.dtype)).sum() / count.to(per_token.dtype)


def mae_loss(audio_term: Optional[torch.Tensor], video_term: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    """Eq. 1: the sum of the modality terms that exist (None when neither does)."""
    terms = [t for t in (audio_term, video_term) if t is not None]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else terms[0] + terms[1]
