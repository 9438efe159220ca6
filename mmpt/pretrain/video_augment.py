"""Video augmentation on the training device: the crop, resize and flip that
:class:`~mmpt.pretrain.av_preprocessor.AVPreprocessor` draws in the DataLoader workers.

The workers send uint8 windows [B, T, H, W, 3] (padded to the batch's largest H and W) with their crop
parameters [B, 5] = (top, left, height, width, flip); here, on whatever device the batch is on, each
clip's box is cut out, flipped, and resized to ``size`` x ``size`` (bilinear, anti-aliased when shrinking:
the same arithmetic as the CPU path, :func:`~mmpt.pretrain.av_preprocessor.resize_frames`). All T frames
of a clip go through one interpolation call; the boxes differ per clip, so clips are a loop over B.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F


def crop_resize_flip(
    video: torch.Tensor, crop: torch.Tensor, size: int, lengths: Optional[torch.Tensor] = None
) -> torch.Tensor:
    """uint8 (or float) [B, T, H, W, 3] + crop [B, 5] -> float32 [B, T, size, size, 3], pixel values 0-255.

    Clips whose length is 0 (``lengths``) or whose box is empty stay zero.
    """
    if video.dim() != 5 or video.size(-1) != 3:
        raise ValueError(f"expected video [B, T, H, W, 3], got {tuple(video.shape)}")
    if crop.shape != (video.size(0), 5):
        raise ValueError(f"expected crop parameters [{video.size(0)}, 5], got {tuple(crop.shape)}")
    b, t = video.shape[:2]
    out = torch.zeros(b, t, size, size, 3, dtype=torch.float32, device=video.device)
    params = crop.tolist()  # one small device->host copy for the whole batch
    n = lengths.tolist() if lengths is not None else [t] * b
    for i, (top, left, h, w, flip) in enumerate(params):
        if n[i] == 0 or h <= 0 or w <= 0:
            continue
        if top < 0 or left < 0 or top + h > video.size(2) or left + w > video.size(3):
            raise ValueError(f"crop box {params[i][:4]} of clip {i} is outside its frames {tuple(video.shape[2:4])}")
        x = video[i, : n[i], top : top + h, left : left + w]
        if flip:
            x = x.flip(2)
        x = x.permute(0, 3, 1, 2).float()
        if (h, w) != (size, size):
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
            x = x.clamp_(0.0, 255.0)
        out[i, : n[i]] = x.permute(0, 2, 3, 1)
    return out
