"""The MAE decoder shared by both modalities (paper section 3.4, "Common Decoder").

A small ViT (hidden 512, 4 blocks in the paper) whose blocks are shared by audio and video; each modality
has its own input projection (encoder width -> decoder width), learned mask token and output projection
(decoder width -> reconstruction target size). Positions are fixed sin-cos embeddings over the modality's
full token grid: (T',) sub-sampled audio frames, (T', H', W') video tubelets. The two modalities are decoded
one after the other through the same blocks.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import torch
from torch import nn

from mmpt.nets.masking import TokenMask, scatter_visible
from mmpt.nets.positional import sincos_grid
from mmpt.nets.transformer import TransformerStack, init_vit_weights


class SharedMAEDecoder(nn.Module):
    """Shared ViT decoder with modality-specific projections and mask tokens.

    Args:
        modalities: ``name -> (encoder output size, target size)``, e.g.
            ``{"audio": (256, 320), "video": (768, 1536)}``.
        hidden_size, depth, num_heads, mlp_ratio, dropout: the shared blocks (paper: 512, 4 blocks).
        mask_token_modalities: the modalities decoded from visible tokens only, which need a mask token
            (None: all). A modality whose encoder sees every token (masked ones zeroed) must not get one:
            a parameter that never receives a gradient stalls DistributedDataParallel.
    """

    def __init__(
        self,
        modalities: Dict[str, Sequence[int]],
        hidden_size: int = 512,
        depth: int = 4,
        num_heads: int = 16,
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        mask_token_modalities: Optional[Sequence[str]] = None,
    ):
        super().__init__()
        if not modalities:
            raise ValueError("the MAE decoder needs at least one modality")
        self.hidden_size = hidden_size
        self.in_proj = nn.ModuleDict({m: nn.Linear(int(d_in), hidden_size) for m, (d_in, _) in modalities.items()})
        self.out_proj = nn.ModuleDict({m: nn.Linear(hidden_size, int(d_out)) for m, (_, d_out) in modalities.items()})
        tokens = list(modalities) if mask_token_modalities is None else list(mask_token_modalities)
        unknown = sorted(set(tokens) - set(modalities))
        if unknown:
            raise ValueError(f"mask_token_modalities {unknown} are not decoder modalities {sorted(modalities)}")
        self.mask_token = nn.ParameterDict({m: nn.Parameter(torch.zeros(hidden_size)) for m in tokens})
        self.blocks = TransformerStack(hidden_size, depth, num_heads, mlp_ratio, dropout)
        init_vit_weights(self)
        for token in self.mask_token.values():
            nn.init.normal_(token, std=0.02)

    def forward(
        self,
        modality: str,
        x: torch.Tensor,
        grid: Sequence[int],
        mask: Optional[TokenMask] = None,
        valid: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """Reconstruct every token of one modality.

        Args:
            modality: a key of ``modalities``.
            x: encoder output, either the visible tokens [B, V, D_enc] (then ``mask`` says where they go and
                the other positions get the mask token) or all tokens [B, N, D_enc] (``mask`` None).
            grid: token grid of the full sequence, N = prod(grid).
            mask: the encoder's :class:`TokenMask` for visible-only input.
            valid: bool [B, N], non-padded tokens (None: all valid); taken from ``mask`` when given.

        Returns:
            [B, N, target size] reconstruction of every position (padded positions are meaningless).
        """
        if modality not in self.in_proj:
            raise KeyError(f"the MAE decoder has no {modality!r} head (has {sorted(self.in_proj)})")
        h = self.in_proj[modality](x)
        if mask is not None:
            if modality not in self.mask_token:
                raise ValueError(f"the MAE decoder has no {modality!r} mask token for visible-only input "
                                 f"(mask_token_modalities: {sorted(self.mask_token)})")
            h = scatter_visible(h, mask, self.mask_token[modality])
            valid = mask.valid
        n = 1
        for g in grid:
            n *= int(g)
        if h.size(1) != n:
            raise ValueError(f"{modality}: {h.size(1)} tokens for a grid {tuple(grid)} of {n}")
        h = h + sincos_grid(grid, self.hidden_size, device=h.device).to(h.dtype).unsqueeze(0)
        h = self.blocks(h, valid)
        return self.out_proj[modality](h)
