"""Vectorised anti-aliased 2-D drawing with numpy, shared by the face and scene renderers.

Every primitive returns a *coverage* array ``alpha`` in ``[0, 1]`` computed from an (approximate)
signed distance to the shape's outline, so edges are anti-aliased over about one pixel. Shape
parameters may be scalars or per-frame arrays of shape ``[T]``; pixel coordinates come from
:func:`pixel_grid`, so one call draws the shape in all ``T`` frames at once:

    ys, xs = pixel_grid(h, w)                           # [H, 1], [1, W]
    a = disc(xs, ys, cx=x_of_t, cy=y_of_t, r=5.0)        # [T, H, W]
    paint(canvas, a, (1.0, 0.2, 0.1))                   # canvas: float32 [T, H, W, 3] in [0, 1]

Coordinates are in pixels with pixel centres at integer + 0.5; angles in radians, counter-clockwise
on screen means negative (image y grows downwards), as with any image-space rotation.
"""
from __future__ import annotations

from typing import Union

import numpy as np

ArrayLike = Union[float, np.ndarray]
Colour = Union[tuple[float, float, float], np.ndarray]

_EPS = 1e-6
_MIN_AXIS = 1e-2  # pixels; thinner ellipses cover (almost) nothing anyway


def pixel_grid(h: int, w: int, y0: int = 0, x0: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates ``ys [h, 1]`` and ``xs [1, w]`` (float32) of a window at ``(y0, x0)``."""
    ys = (np.arange(y0, y0 + h, dtype=np.float32) + 0.5)[:, None]
    xs = (np.arange(x0, x0 + w, dtype=np.float32) + 0.5)[None, :]
    return ys, xs


def per_frame(v: ArrayLike) -> np.ndarray:
    """Scalar -> float32 scalar array; ``[T]`` -> ``[T, 1, 1]`` so it broadcasts against ``[T, H, W]``."""
    a = np.asarray(v, dtype=np.float32)
    if a.ndim == 1:
        return a[:, None, None]
    return a


def coverage(sdf: np.ndarray, soft: float = 1.0) -> np.ndarray:
    """Signed distance (pixels, negative inside) -> coverage in [0, 1], ramp ``soft`` pixels wide."""
    return np.clip(0.5 - sdf / soft, 0.0, 1.0)


def _rotate(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, angle: ArrayLike
            ) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates relative to ``(cx, cy)`` in a frame rotated by ``angle``."""
    u = xs - per_frame(cx)
    v = ys - per_frame(cy)
    if np.all(np.asarray(angle) == 0):
        return u, v
    c = np.cos(per_frame(angle))
    s = np.sin(per_frame(angle))
    return c * u + s * v, -s * u + c * v


def ellipse_sdf(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, ax: ArrayLike,
                ay: ArrayLike, angle: ArrayLike = 0.0, power: ArrayLike = 2.0) -> np.ndarray:
    """Approximate signed distance to a (super-)ellipse ``|u/ax|^p + |v/ay|^p = 1``.

    First-order distance ``(k - 1) / |grad k|`` with ``k`` the normalised radius, exact on the outline,
    which is all the anti-aliasing needs. ``power > 2`` gives boxier shapes (spread lips).
    """
    u, v = _rotate(xs, ys, cx, cy, angle)
    ax = np.maximum(per_frame(ax), _MIN_AXIS)
    ay = np.maximum(per_frame(ay), _MIN_AXIS)
    p = per_frame(power)
    if np.all(np.asarray(power) == 2.0):
        nu, nv = u / ax, v / ay
        k = np.sqrt(nu * nu + nv * nv)
        # |grad k| = |(nu/ax, nv/ay)| / k; at the centre it is 0 and the distance -inf (inside)
        g = np.sqrt((nu / ax) ** 2 + (nv / ay) ** 2) / np.maximum(k, _EPS)
        return (k - 1.0) / np.maximum(g, _EPS)
    au, av = np.abs(u) / ax, np.abs(v) / ay
    k = np.maximum((au ** p + av ** p) ** (1.0 / p), _EPS)
    # grad of k = ((au/k)^(p-1)/ax, (av/k)^(p-1)/ay); au/k, av/k <= 1 so nothing overflows
    gu = (au / k) ** (p - 1.0) / ax
    gv = (av / k) ** (p - 1.0) / ay
    return (k - 1.0) / np.maximum(np.sqrt(gu * gu + gv * gv), _EPS)


def ellipse(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, ax: ArrayLike,
            ay: ArrayLike, angle: ArrayLike = 0.0, power: ArrayLike = 2.0, soft: float = 1.0
            ) -> np.ndarray:
    """Coverage of a filled (super-)ellipse with half-axes ``ax, ay`` (pixels)."""
    return coverage(ellipse_sdf(xs, ys, cx, cy, ax, ay, angle, power), soft)


def disc(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, r: ArrayLike,
         soft: float = 1.0) -> np.ndarray:
    """Coverage of a filled circle."""
    u = xs - per_frame(cx)
    v = ys - per_frame(cy)
    return coverage(np.sqrt(u * u + v * v) - per_frame(r), soft)


def ring(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, ax: ArrayLike,
         ay: ArrayLike, width: ArrayLike, angle: ArrayLike = 0.0, soft: float = 1.0) -> np.ndarray:
    """Coverage of an elliptic outline ``width`` pixels thick (centred on the outline)."""
    d = ellipse_sdf(xs, ys, cx, cy, ax, ay, angle)
    return coverage(np.abs(d) - 0.5 * per_frame(width), soft)


def box(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, hw: ArrayLike,
        hh: ArrayLike, angle: ArrayLike = 0.0, radius: ArrayLike = 0.0, soft: float = 1.0
        ) -> np.ndarray:
    """Coverage of a (rotated, optionally round-cornered) rectangle with half-sizes ``hw, hh``."""
    u, v = _rotate(xs, ys, cx, cy, angle)
    r = per_frame(radius)
    qx = np.abs(u) - (per_frame(hw) - r)
    qy = np.abs(v) - (per_frame(hh) - r)
    outside = np.sqrt(np.maximum(qx, 0.0) ** 2 + np.maximum(qy, 0.0) ** 2)
    inside = np.minimum(np.maximum(qx, qy), 0.0)
    return coverage(outside + inside - r, soft)


def segment(xs: np.ndarray, ys: np.ndarray, x0: ArrayLike, y0: ArrayLike, x1: ArrayLike,
            y1: ArrayLike, r: ArrayLike, soft: float = 1.0) -> np.ndarray:
    """Coverage of a capsule: the segment ``(x0, y0)-(x1, y1)`` thickened to radius ``r``."""
    x0, y0, x1, y1 = per_frame(x0), per_frame(y0), per_frame(x1), per_frame(y1)
    dx, dy = x1 - x0, y1 - y0
    px, py = xs - x0, ys - y0
    t = np.clip((px * dx + py * dy) / np.maximum(dx * dx + dy * dy, _EPS), 0.0, 1.0)
    ex, ey = px - t * dx, py - t * dy
    return coverage(np.sqrt(ex * ex + ey * ey) - per_frame(r), soft)


def wedge(xs: np.ndarray, ys: np.ndarray, cx: ArrayLike, cy: ArrayLike, angle: ArrayLike,
          half_width: float, length: ArrayLike) -> np.ndarray:
    """Soft coverage of a light beam: a circular sector around direction ``angle`` (radians),
    fading with the angular distance over ``half_width`` and with the distance over ``length``."""
    u = xs - per_frame(cx)
    v = ys - per_frame(cy)
    theta = np.arctan2(v, u)
    diff = np.angle(np.exp(1j * (theta - per_frame(angle)))).astype(np.float32)
    ang = np.clip(1.0 - np.abs(diff) / half_width, 0.0, 1.0)
    rad = np.clip(1.0 - np.sqrt(u * u + v * v) / per_frame(length), 0.0, 1.0)
    return ang * rad


def paint(canvas: np.ndarray, alpha: np.ndarray, colour: Colour) -> None:
    """In place: ``canvas = canvas * (1 - alpha) + alpha * colour``.

    canvas: float32 [..., H, W, 3]; alpha broadcastable to [..., H, W]; colour [3] or per frame [T, 3].
    """
    col = np.asarray(colour, dtype=np.float32)
    if col.ndim == 2:  # per-frame colour [T, 3] -> [T, 1, 1, 3]
        col = col[:, None, None, :]
    alpha = np.broadcast_to(alpha, canvas.shape[:-1])
    # blend only inside the bounding box of the covered pixels: most shapes are small
    flat = alpha.reshape((-1,) + alpha.shape[-2:]) > 0
    rows = np.flatnonzero(flat.any(axis=(0, 2)))
    if rows.size == 0:
        return
    cols = np.flatnonzero(flat[:, rows[0]:rows[-1] + 1].any(axis=(0, 1)))
    win = (Ellipsis, slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    a = alpha[win][..., None]
    sub = canvas[win + (slice(None),)]
    sub *= 1.0 - a
    sub += a * col


def to_uint8(canvas: np.ndarray) -> np.ndarray:
    """float [..., 3] in [0, 1] -> uint8, rounded and clipped."""
    return np.clip(canvas * 255.0 + 0.5, 0, 255).astype(np.uint8)
