"""MAE reconstruction targets: what the decoder output of each token is compared with.

- Audio: sub-sampled token t stands for the ``k`` input frames ``[k t, k t + k)`` (k = 4 for conv2d), so its
  target is those frames of the *normalised* fbank (GlobalMVN output) stacked: k * 80 = 320 values.
- Video: each 2x16x16 tubelet's pixels, 2*16*16*3 = 1536 values, ordered (t, h, w, channel). With
  ``norm="patch"`` (VideoMAE's default, Tong et al. 2022) every tubelet is normalised per channel to zero
  mean and unit variance over its own pixels; with ``norm="global"`` the target is the model's input
  normalisation (pixels / 255 minus the ImageNet mean, over the ImageNet std).
"""
from __future__ import annotations

import torch


def audio_frame_targets(feats: torch.Tensor, num_tokens: int, factor: int) -> torch.Tensor:
    """Stack ``factor`` frames per token: feats [B, L, F] -> [B, num_tokens, factor * F].

    ``num_tokens * factor`` must not exceed L (true for every espnet conv2d sub-sampling).
    """
    b, length, dim = feats.shape
    if num_tokens * factor > length:
        raise ValueError(f"{num_tokens} tokens x {factor} frames exceed the {length} input frames")
    return feats[:, : num_tokens * factor].reshape(b, num_tokens, factor * dim)


def patchify_video(video: torch.Tensor, patch_size: int, tubelet_size: int) -> torch.Tensor:
    """Cut [B, T, H, W, C] into tubelets -> [B, T'*H'*W', tubelet_size*patch_size*patch_size*C].

    Token order is row-major over (T', H', W'), the same as the video encoder's tokens.
    """
    b, t, h, w, c = video.shape
    x = video.reshape(b, t // tubelet_size, tubelet_size, h // patch_size, patch_size, w // patch_size, patch_size, c)
    x = x.permute(0, 1, 3, 5, 2, 4, 6, 7)  # [B, T', H', W', pt, p, p, C]
    return x.reshape(b, (t // tubelet_size) * (h // patch_size) * (w // patch_size), -1)


def video_patch_targets(
    video01: torch.Tensor,
    patch_size: int,
    tubelet_size: int,
    norm: str = "patch",
    mean: torch.Tensor | None = None,
    std: torch.Tensor | None = None,
) -> torch.Tensor:
    """Targets [B, N, tubelet_size * patch_size**2 * 3] from pixels ``video01`` [B, T, H, W, 3] in [0, 1].

    Args:
        norm: ``"patch"`` (per tubelet and channel), ``"global"`` ((x - mean) / std with the given [3]
            tensors) or ``"none"`` (pixels in [0, 1]).
    """
    if norm == "global":
        if mean is None or std is None:
            raise ValueError("norm='global' needs mean and std")
        video01 = (video01 - mean) / std
    patches = patchify_video(video01, patch_size, tubelet_size)
    if norm == "patch":
        b, n, _ = patches.shape
        c = video01.size(-1)
        per_channel = patches.view(b, n, -1, c)
        mu = per_channel.mean(dim=2, keepdim=True)
        var = per_channel.var(dim=2, keepdim=True, unbiased=True)
        patches = ((per_channel - mu) / (var + 1e-6).sqrt()).view(b, n, -1)
    elif norm not in ("global", "none"):
        raise ValueError(f"video target norm must be 'patch', 'global' or 'none', got {norm!r}")
    return patches
