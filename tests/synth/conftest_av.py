"""Helpers shared by the audio-visual writer tests (LRS3, VoxCeleb2, Kinetics-600)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np


def file_hashes(root: Path) -> dict:
    """relative path -> sha256 of every file below ``root``."""
    return {str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(root.rglob("*")) if f.is_file()}


def mouth_opening(frames: np.ndarray, appearance) -> np.ndarray:
    """Pixels of the open mouth (interior or tongue) per frame, measured on decoded frames uint8 [T, H, W, 3]
    -> float [T]: each pixel of the mouth window goes to the nearest colour of the face's palette (mouth
    interior, tongue, skin, lips, teeth, hair, shaded skin, lip seam)."""
    from mmpt.synth.face import MOUTH_INTERIOR, mouth_region

    y0, y1, x0, x1 = mouth_region(appearance, frames.shape[1])
    window = frames[:, y0:y1, x0:x1].astype(np.float32) / 255.0
    skin, lips = np.array(appearance.skin), np.array(appearance.lips)
    palette = np.array([MOUTH_INTERIOR, (0.78, 0.33, 0.38), skin, lips, (0.93, 0.92, 0.87), appearance.hair,
                        0.8 * skin, 0.45 * lips])
    nearest = ((window[..., None, :] - palette) ** 2).sum(-1).argmin(-1)
    return (nearest <= 1).sum(axis=(1, 2)).astype(np.float64)
