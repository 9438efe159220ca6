"""Video encoder: space-time tubelet embedding, positional embedding and ViT blocks (paper section 3.4).

Clips [B, T, H, W, 3] are cut into a regular grid of ``tubelet_size x patch_size x patch_size`` (T, H, W)
tubelets (16x16x2 in the paper), each flattened and linearly embedded by a ``Conv3d`` whose stride equals
its kernel, plus a space-time positional embedding. Two ways through the same ViT blocks:

- :meth:`VideoViT.forward_masked` (MAE): a random ``mask_ratio`` of the tubelets is masked; either only the
  visible ones are encoded (``visible_only``, as in VideoMAE / Feichtenhofer et al. 2022) or the masked
  ones are replaced by zeros before the positional embedding and everything is encoded.
- :meth:`VideoViT.forward_frames` (CLR): the spatial tubelets of each time step are reduced to one
  embedding (their mean) *before* the blocks, which then run over the T' time steps only.
"""
from __future__ import annotations

from typing import Tuple

import torch
from torch import nn

from mmpt.nets.masking import TokenMask, gather_visible, random_token_mask
from mmpt.nets.positional import sincos_grid
from mmpt.nets.transformer import TransformerStack, init_vit_weights


class TubeletEmbedding(nn.Module):
    """Linear embedding of non-overlapping space-time tubelets: [B, T, H, W, C] -> [B, T', H', W', D]."""

    def __init__(self, embed_dim: int, patch_size: int = 16, tubelet_size: int = 2, in_channels: int = 3):
        super().__init__()
        self.patch_size = patch_size
        self.tubelet_size = tubelet_size
        kernel = (tubelet_size, patch_size, patch_size)
        self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=kernel, stride=kernel)

    def grid(self, num_frames: int, height: int, width: int) -> Tuple[int, int, int]:
        """Token grid (T', H', W') of a clip; the sizes must be multiples of the tubelet."""
        if num_frames % self.tubelet_size or height % self.patch_size or width % self.patch_size:
            raise ValueError(
                f"clip of {num_frames}x{height}x{width} (TxHxW) is not a multiple of the "
                f"{self.tubelet_size}x{self.patch_size}x{self.patch_size} tubelet"
            )
        return num_frames // self.tubelet_size, height // self.patch_size, width // self.patch_size

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        """video: float [B, T, H, W, C] (normalised pixels) -> [B, T', H', W', D]."""
        self.grid(video.size(1), video.size(2), video.size(3))
        x = self.proj(video.permute(0, 4, 1, 2, 3))  # [B, D, T', H', W']
        return x.permute(0, 2, 3, 4, 1)


class VideoViT(nn.Module):
    """Tubelet embedding + space-time positional embedding + ``depth`` ViT blocks of width ``embed_dim``.

    Args:
        image_size: clip height = width the model is built for (224 in the paper).
        num_frames: frames per clip (16 in the paper).
        patch_size, tubelet_size: tubelet of ``tubelet_size`` frames x ``patch_size`` x ``patch_size`` pixels.
        embed_dim, depth, num_heads, mlp_ratio, dropout: the ViT (paper: 768, 12 blocks, 12 heads).
        pos_embed: ``"sincos"`` (fixed, works for any clip size that is a multiple of the tubelet) or
            ``"learned"`` (a parameter for the (num_frames, image_size, image_size) grid).
    """

    def __init__(
        self,
        image_size: int = 224,
        num_frames: int = 16,
        patch_size: int = 16,
        tubelet_size: int = 2,
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        pos_embed: str = "sincos",
    ):
        super().__init__()
        if pos_embed not in ("sincos", "learned"):
            raise ValueError(f"pos_embed must be 'sincos' or 'learned', got {pos_embed!r}")
        self.image_size = image_size
        self.num_frames = num_frames
        self.embed_dim = embed_dim
        self.pos_embed_type = pos_embed
        self.patch_embed = TubeletEmbedding(embed_dim, patch_size, tubelet_size)
        self.default_grid = self.patch_embed.grid(num_frames, image_size, image_size)
        num_tokens = self.default_grid[0] * self.default_grid[1] * self.default_grid[2]
        if pos_embed == "learned":
            self.pos_embed = nn.Parameter(torch.zeros(1, num_tokens, embed_dim))
            nn.init.trunc_normal_(self.pos_embed, std=0.02)
        else:
            self.register_parameter("pos_embed", None)
        self.blocks = TransformerStack(embed_dim, depth, num_heads, mlp_ratio, dropout)
        init_vit_weights(self.blocks)
        w = self.patch_embed.proj.weight
        nn.init.xavier_uniform_(w.view(w.size(0), -1))  # as a linear layer over flattened tubelets
        nn.init.zeros_(self.patch_embed.proj.bias)

    def output_size(self) -> int:
        return self.embed_dim

    def grid(self, video: torch.Tensor) -> Tuple[int, int, int]:
        """Token grid (T', H', W') of ``video`` [B, T, H, W, 3]."""
        return self.patch_embed.grid(video.size(1), video.size(2), video.size(3))

    def _positions(self, grid: Tuple[int, int, int], device: torch.device) -> torch.Tensor:
        """Positional embedding [1, T'*H'*W', D] for ``grid``."""
        if self.pos_embed is None:
            return sincos_grid(grid, self.embed_dim, device=device).unsqueeze(0)
        if tuple(grid) != self.default_grid:
            raise ValueError(
                f"learned positional embeddings are built for a {self.default_grid} token grid "
                f"({self.num_frames} frames of {self.image_size}x{self.image_size}), got {tuple(grid)}"
            )
        return self.pos_embed

    def embed(self, video: torch.Tensor) -> Tuple[torch.Tensor, Tuple[int, int, int]]:
        """Tubelet embeddings without positions: [B, T, H, W, 3] -> ([B, T'*H'*W', D], grid)."""
        x = self.patch_embed(video)
        grid = tuple(x.shape[1:4])
        return x.flatten(1, 3), grid

    def forward_masked(
        self, video: torch.Tensor, mask_ratio: float, visible_only: bool = True
    ) -> Tuple[torch.Tensor, TokenMask, Tuple[int, int, int]]:
        """MAE encoding of ``video`` float [B, T, H, W, 3] (normalised pixels).

        Returns:
            encoded: [B, V, D] (visible tokens, ``visible_only``) or [B, N, D] (all N = T'H'W' tokens,
                masked ones zeroed before the positional embedding).
            mask: the :class:`TokenMask` drawn over the N tokens.
            grid: (T', H', W').
        """
        x, grid = self.embed(video)  # [B, N, D]
        valid = torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
        mask = random_token_mask(valid, mask_ratio)
        if not visible_only:
            x = x * (~mask.masked).unsqueeze(-1).to(x.dtype)
        x = x + self._positions(grid, x.device).to(x.dtype)
        if visible_only:
            x = gather_visible(x, mask)
            return self.blocks(x, mask.keep_valid), mask, grid
        return self.blocks(x), mask, grid

    def forward_frames(self, video: torch.Tensor) -> torch.Tensor:
        """CLR encoding: each time step's spatial tubelets are averaged into one token before the blocks.

        video: float [B, T, H, W, 3] -> [B, T', D].
        """
        x, grid = self.embed(video)
        # positions first: the spatial mean keeps each time step's temporal part of the embedding
        x = x + self._positions(grid, x.device).to(x.dtype)
        t, h, w = grid
        x = x.view(x.size(0), t, h * w, -1).mean(dim=2)  # [B, T', D]
        return self.blocks(x)
