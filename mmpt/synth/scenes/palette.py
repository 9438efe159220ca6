"""Colours and static textures of the scenes' pictures, drawn from the clip's ``rng``."""
from __future__ import annotations

import numpy as np


def random_colour(rng: np.random.Generator, lo: float = 0.1, hi: float = 0.9) -> np.ndarray:
    """A uniform random colour, each channel in [lo, hi]."""
    return rng.uniform(lo, hi, size=3).astype(np.float32)


def bright_colour(rng: np.random.Generator) -> np.ndarray:
    """A saturated colour: one channel high, one low."""
    c = rng.uniform(0.0, 1.0, size=3)
    order = rng.permutation(3)
    c[order[0]] = rng.uniform(0.8, 1.0)
    c[order[1]] = rng.uniform(0.0, 0.25)
    return c.astype(np.float32)


def distinct_colour(rng: np.random.Generator, others: list, lo: float = 0.1, hi: float = 0.9,
                    min_dist: float = 0.3, tries: int = 30) -> np.ndarray:
    """A random colour at least ``min_dist`` (largest channel difference) from each of ``others``,
    so that moving things stand out from the background (the most distinct of ``tries`` draws)."""
    best, best_d = None, -1.0
    for _ in range(tries):
        c = random_colour(rng, lo, hi)
        d = min(float(np.abs(c - np.asarray(o)).max()) for o in others)
        if d >= min_dist:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


def shade(c: np.ndarray, f: float) -> np.ndarray:
    """``c`` darkened (f < 1) or brightened (f > 1), clipped to [0, 1]."""
    return np.clip(np.asarray(c, np.float32) * f, 0.0, 1.0)


def gradient(ys: np.ndarray, xs: np.ndarray, top: np.ndarray, bottom: np.ndarray, y0: float, y1: float
             ) -> np.ndarray:
    """Vertical gradient [H, W, 3] from ``top`` at row y0 to ``bottom`` at row y1."""
    w = np.clip((ys - y0) / max(y1 - y0, 1e-3), 0.0, 1.0)[..., None]
    img = (1.0 - w) * np.asarray(top, np.float32) + w * np.asarray(bottom, np.float32)
    return np.broadcast_to(img, (ys.shape[0], xs.shape[1], 3)).astype(np.float32)


def grating_texture(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, amount: float) -> np.ndarray:
    """A faint random texture: a sum of gratings, multiplicative factor [H, W, 1] around 1."""
    t = np.zeros((ys.shape[0], xs.shape[1]), np.float32)
    for _ in range(4):
        f = rng.uniform(0.03, 0.25)
        a = rng.uniform(0, 2 * np.pi)
        t += np.sin(f * (np.cos(a) * xs + np.sin(a) * ys) + rng.uniform(0, 2 * np.pi))
    return (1.0 + amount * t / 4.0)[..., None]
