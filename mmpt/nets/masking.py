"""Random MAE masking of token sequences (paper section 3.4: 60 % of the tokens, without replacement).

A mask is drawn independently for every sample over its *valid* tokens only: padded tokens are never
visible and never masked (so they never count in a reconstruction loss). For video every token is valid
and the draw is uniform over all space-time tubelets ("space-time agnostic").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch


@dataclass
class TokenMask:
    """A random mask over a padded batch of N-token sequences (V = most visible tokens of any sample).

    Attributes:
        valid: bool [B, N], real (non-padded) tokens.
        visible: bool [B, N], tokens the encoder sees (a subset of ``valid``).
        masked: bool [B, N], tokens hidden from the encoder (``valid & ~visible``).
        ids_keep: long [B, V], positions of the visible tokens in increasing order; slots past a
            sample's own visible count hold arbitrary positions and are flagged by ``keep_valid``.
        keep_valid: bool [B, V], True for the slots of ``ids_keep`` that hold a visible token.
    """

    valid: torch.Tensor
    visible: torch.Tensor
    masked: torch.Tensor
    ids_keep: torch.Tensor
    keep_valid: torch.Tensor


def num_masked(lengths: torch.Tensor, ratio: float) -> torch.Tensor:
    """How many of ``lengths`` [B] valid tokens to mask: ``round(ratio * length)``, kept within
    ``[1, length - 1]`` when ``0 < ratio < 1`` and ``length >= 2`` (at least one token to see and one to
    reconstruct); 0 for empty sequences."""
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"mask ratio must be in [0, 1], got {ratio}")
    n = torch.round(lengths.to(torch.float64) * ratio).to(torch.long)
    if 0.0 < ratio < 1.0:
        n = torch.where(lengths >= 2, n.clamp(min=1), n)
        n = torch.minimum(n, (lengths - 1).clamp(min=0))
    return n


def random_token_mask(
    valid: torch.Tensor, ratio: float, generator: Optional[torch.Generator] = None
) -> TokenMask:
    """Draw a :class:`TokenMask` for ``valid`` bool [B, N] masking ``ratio`` of each sample's valid tokens."""
    b, n = valid.shape
    lengths = valid.sum(dim=1)
    n_keep = lengths - num_masked(lengths, ratio)  # [B]
    noise = torch.rand(b, n, device=valid.device, generator=generator)
    noise = noise.masked_fill(~valid, 2.0)  # padded tokens sort after every valid one
    rank = noise.argsort(dim=1).argsort(dim=1)  # rank of each token in its row's random order
    visible = rank < n_keep[:, None]
    masked = valid & ~visible
    positions = torch.arange(n, device=valid.device).expand(b, n)
    # visible positions first, in increasing order; the rest after them
    order = torch.where(visible, positions, positions + n).argsort(dim=1)
    v = int(n_keep.max()) if b > 0 else 0
    ids_keep = order[:, :v]
    keep_valid = torch.arange(v, device=valid.device)[None, :] < n_keep[:, None]
    return TokenMask(valid=valid, visible=visible, masked=masked, ids_keep=ids_keep, keep_valid=keep_valid)


def gather_tokens(x: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """``x`` [B, N, D] at positions ``ids`` [B, V] -> [B, V, D]."""
    return torch.gather(x, 1, ids.unsqueeze(-1).expand(-1, -1, x.size(-1)))


def gather_visible(x: torch.Tensor, mask: TokenMask) -> torch.Tensor:
    """The visible tokens of ``x`` [B, N, D] -> [B, V, D]; padding slots are zero, so that no masked
    content reaches a layer that ignores attention masks (e.g. the Conformer's depth-wise convolution)."""
    return gather_tokens(x, mask.ids_keep) * mask.keep_valid.unsqueeze(-1).to(x.dtype)


def scatter_visible(x_vis: torch.Tensor, mask: TokenMask, fill: torch.Tensor) -> torch.Tensor:
    """Put visible tokens ``x_vis`` [B, V, D] back at their positions of an [B, N, D] sequence whose other
    positions hold ``fill`` [D] (e.g. a learned mask token)."""
    b, n = mask.valid.shape
    out = fill.to(x_vis.dtype).expand(b, n, x_vis.size(-1)).clone()
    slot_valid = mask.keep_valid.unsqueeze(-1).expand_as(x_vis)
    ids = mask.ids_keep.unsqueeze(-1).expand_as(x_vis)
    # padding slots write the fill value itself, so they cannot overwrite anything
    src = torch.where(slot_valid, x_vis, out.gather(1, ids))
    return out.scatter(1, ids, src)
