"""Talking-face renderer for the embedded LRS3 / VoxCeleb2-like corpora.

A cartoon face whose lips follow the speech: the mouth *opening* follows the audio envelope (frame RMS,
normalised per clip and smoothed) and the mouth *shape* follows the phone being spoken (viseme classes:
rounded, open, spread, bilabial closure, lower lip under the teeth, ...). The head moves a few pixels
(smooth translation and rotation) and the eyes blink, both deterministic given ``rng``.

Two steps, so that the animation parameters can be inspected:

    track = face_track(wav, sr, phones, fps=25, rng=rng)       # FaceTrack: opening [T], pose [T, 3], ...
    frames = draw_face(track, appearance, size=96)             # uint8 [T, 96, 96, 3]

:func:`render_talking_face` does both. ``phones`` are ``(phone, start, end)`` tuples (seconds) or
objects with ``.phone``, ``.start``, ``.end`` attributes; phone symbols are espeak-ng mnemonics
("a", "aI", "@", "u:", "p", "m", "f", "T", "s", ...), anything unknown falls back to a neutral shape.
Rendering is vectorised over frames: a static head layer is drawn once per (appearance, size), only the
mouth and eye regions are redrawn per frame, and the head is moved by one bilinear warp.

This module holds the appearance and the drawing; the animation (:class:`FaceTrack`, the visemes,
:func:`face_track`, :func:`frame_rms`) lives in :mod:`mmpt.synth.face_animation` and is re-exported here.
"""
from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import numpy as np

from mmpt.synth import raster
from mmpt.synth.face_animation import VISEMES, FaceTrack, Viseme, face_track, frame_rms, viseme_of
from mmpt.synth.raster import pixel_grid

__all__ = [
    "FaceAppearance", "FaceTrack", "Viseme", "VISEMES", "viseme_of", "frame_rms", "face_track",
    "draw_face", "render_talking_face", "mouth_region", "MOUTH_INTERIOR",
]

Rgb = tuple[float, float, float]

#: colour of the inside of the mouth (dark red); tests and analyses detect the opening by it
MOUTH_INTERIOR: Rgb = (0.35, 0.03, 0.08)
_TEETH: Rgb = (0.93, 0.92, 0.87)
_TONGUE: Rgb = (0.78, 0.33, 0.38)
_EYE_WHITE: Rgb = (0.95, 0.95, 0.93)
_LASH: Rgb = (0.10, 0.07, 0.07)
_CHUNK_PIXELS = 300_000  # pixels (frames x H x W) drawn at once: keeps the work arrays in cache


# --------------------------------------------------------------------------------------------------
# appearance
# --------------------------------------------------------------------------------------------------
_SKINS: list[Rgb] = [(0.98, 0.87, 0.77), (0.94, 0.78, 0.64), (0.87, 0.68, 0.52), (0.76, 0.56, 0.40),
                     (0.62, 0.43, 0.30), (0.47, 0.32, 0.22), (0.36, 0.24, 0.17)]
_HAIRS: list[Rgb] = [(0.08, 0.06, 0.05), (0.25, 0.15, 0.08), (0.45, 0.30, 0.15), (0.80, 0.65, 0.35),
                     (0.60, 0.25, 0.10), (0.65, 0.65, 0.65), (0.90, 0.90, 0.88)]
_HAIR_STYLES = ("short", "long", "curly", "bald", "bun")
_PATTERNS = ("plain", "stripes", "bokeh", "panels")


def _jitter(rng: np.random.Generator, rgb: Rgb, amount: float) -> Rgb:
    return tuple(float(np.clip(c + rng.uniform(-amount, amount), 0.0, 1.0)) for c in rgb)  # type: ignore


def _random_colour(rng: np.random.Generator, lo: float = 0.1, hi: float = 0.9) -> Rgb:
    return tuple(float(c) for c in rng.uniform(lo, hi, size=3))  # type: ignore


@dataclass(frozen=True)
class FaceAppearance:
    """How one speaker looks; fixed per speaker. Lengths are fractions of the frame size, colours RGB in
    [0, 1]. Build it with :meth:`from_speaker` (deterministic from the speaker id) or :meth:`sample`."""

    skin: Rgb
    face_cy: float       # face centre height
    face_ax: float       # face half-width
    face_ay: float       # face half-height
    taper: float         # narrowing of the chin (0 = ellipse)
    eye_dx: float        # half the distance between the eyes
    eye_dy: float        # eye height relative to the face centre (negative = above)
    eye_ax: float        # eye half-width
    eye_ratio: float     # eye half-height / half-width
    iris: Rgb
    brow_tilt: float     # radians
    brow_thickness: float
    hair: Rgb
    hair_style: str
    hairline: float      # hairline height as a fraction of face_ay above the centre
    lips: Rgb
    mouth_dy: float      # mouth height relative to the face centre
    mouth_w: float       # mouth half-width at rest
    mouth_open: float    # largest half-height of the opening
    lip_t: float         # lip thickness
    nose_len: float
    glasses: Optional[Rgb]
    beard: bool
    background: Rgb
    background2: Rgb
    pattern: str
    pattern_seed: int
    shirt: Rgb

    @classmethod
    def sample(cls, rng: np.random.Generator) -> "FaceAppearance":
        """A random appearance drawn from ``rng``."""
        skin = _jitter(rng, _SKINS[rng.integers(len(_SKINS))], 0.03)
        hair = _jitter(rng, _HAIRS[rng.integers(len(_HAIRS))], 0.04)
        lips = tuple(float(np.clip(c * f, 0, 1)) for c, f in zip(skin, rng.uniform(
            [0.75, 0.45, 0.50], [0.90, 0.62, 0.68])))
        bg = _random_colour(rng, 0.15, 0.85)
        return cls(
            skin=skin,
            face_cy=float(rng.uniform(0.44, 0.50)),
            face_ax=float(rng.uniform(0.24, 0.30)),
            face_ay=float(rng.uniform(0.32, 0.37)),
            taper=float(rng.uniform(0.0, 0.3)),
            eye_dx=float(rng.uniform(0.095, 0.12)),
            eye_dy=float(rng.uniform(-0.09, -0.06)),
            eye_ax=float(rng.uniform(0.038, 0.05)),
            eye_ratio=float(rng.uniform(0.45, 0.65)),
            iris=_random_colour(rng, 0.1, 0.6),
            brow_tilt=float(rng.uniform(-0.25, 0.15)),
            brow_thickness=float(rng.uniform(0.007, 0.014)),
            hair=hair,
            hair_style=_HAIR_STYLES[rng.integers(len(_HAIR_STYLES))],
            hairline=float(rng.uniform(0.45, 0.7)),
            lips=lips,  # type: ignore[arg-type]
            mouth_dy=float(rng.uniform(0.17, 0.2)),
            mouth_w=float(rng.uniform(0.08, 0.10)),
            mouth_open=float(rng.uniform(0.05, 0.062)),
            lip_t=float(rng.uniform(0.012, 0.017)),
            nose_len=float(rng.uniform(0.06, 0.09)),
            glasses=_random_colour(rng, 0.0, 0.5) if rng.random() < 0.25 else None,
            beard=bool(rng.random() < 0.2),
            background=bg,
            background2=_jitter(rng, bg, 0.25),
            pattern=_PATTERNS[rng.integers(len(_PATTERNS))],
            pattern_seed=int(rng.integers(2 ** 31)),
            shirt=_random_colour(rng, 0.05, 0.9),
        )

    @classmethod
    def from_speaker(cls, speaker: str, seed: int = 0) -> "FaceAppearance":
        """The appearance of ``speaker``: the same id and seed always give the same face."""
        digest = hashlib.sha256(f"mmpt-face:{seed}:{speaker}".encode()).digest()
        return cls.sample(np.random.default_rng(int.from_bytes(digest[:8], "little")))


# --------------------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Geometry:
    """Pixel geometry of a face at one frame size."""

    s: float
    cx: float
    cy: float
    fax: float
    fay: float
    ex: tuple[float, float]
    ey: float
    eax: float
    eay: float
    mx: float
    my: float
    mw: float
    hmax: float
    lip: float
    pivot: tuple[float, float]

    @classmethod
    def of(cls, a: FaceAppearance, size: int) -> "_Geometry":
        s = float(size)
        cx, cy = 0.5 * s, a.face_cy * s
        fax, fay = a.face_ax * s, a.face_ay * s
        eax = a.eye_ax * s
        return cls(s=s, cx=cx, cy=cy, fax=fax, fay=fay,
                   ex=(cx - a.eye_dx * s, cx + a.eye_dx * s), ey=cy + a.eye_dy * s,
                   eax=eax, eay=eax * a.eye_ratio, mx=cx, my=cy + a.mouth_dy * s,
                   mw=a.mouth_w * s, hmax=a.mouth_open * s, lip=a.lip_t * s,
                   pivot=(cx, cy + 0.9 * fay))


def _over(layer: np.ndarray, alpha: np.ndarray, colour: Any) -> None:
    """Paint ``colour`` ([3] or planar [3, ...]) with coverage ``alpha`` [...] onto a premultiplied,
    channel-planar RGBA ``layer`` [4, ...] in place."""
    col = np.asarray(colour, dtype=np.float32)
    if col.ndim == 1:
        col = col.reshape((3,) + (1,) * (layer.ndim - 1))
    keep = 1.0 - alpha
    layer *= keep
    layer[:3] += alpha * col
    layer[3] += alpha


def _scaled(rgb: Rgb, f: float) -> np.ndarray:
    return np.clip(np.asarray(rgb, dtype=np.float32) * f, 0.0, 1.0)


def _face_coverage(xs: np.ndarray, ys: np.ndarray, a: FaceAppearance, g: _Geometry) -> np.ndarray:
    """Egg-shaped face: an ellipse whose lower half narrows by ``taper`` towards the chin."""
    v = (ys - g.cy) / g.fay
    narrowing = 1.0 - a.taper * np.clip(v, 0.0, 1.0) ** 2
    return raster.ellipse((xs - g.cx) / narrowing + g.cx, ys, g.cx, g.cy, g.fax, g.fay)


@functools.lru_cache(maxsize=32)
def _static_layers(a: FaceAppearance, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(background+body RGB [H, W, 3], head and glasses as planar premultiplied RGBA [4, H, W])."""
    g = _Geometry.of(a, size)
    s = g.s
    ys, xs = pixel_grid(size, size)
    prng = np.random.default_rng(a.pattern_seed)

    # background: vertical gradient plus a pattern
    bg = np.empty((size, size, 3), dtype=np.float32)
    w = (ys / s)[..., None]
    bg[:] = (1 - w) * np.asarray(a.background, np.float32) + w * _scaled(a.background, 0.8)
    c2 = np.asarray(a.background2, np.float32)
    if a.pattern == "stripes":
        period = prng.uniform(0.08, 0.2) * s
        raster.paint(bg, np.broadcast_to(0.25 * (0.5 + 0.5 * np.sin(2 * np.pi * xs / period)),
                                         (size, size)), c2)
    elif a.pattern == "bokeh":
        for _ in range(8):
            raster.paint(bg, 0.5 * raster.disc(xs, ys, prng.uniform(0, s), prng.uniform(0, s),
                                               prng.uniform(0.04, 0.12) * s, soft=0.05 * s),
                         _jitter(prng, a.background2, 0.2))
    elif a.pattern == "panels":
        for _ in range(5):
            raster.paint(bg, raster.box(xs, ys, prng.uniform(0, s), prng.uniform(0, 0.6 * s),
                                        prng.uniform(0.05, 0.2) * s, prng.uniform(0.05, 0.2) * s),
                         _jitter(prng, a.background2, 0.15))
    # body: shoulders and neck do not move with the head
    raster.paint(bg, raster.ellipse(xs, ys, g.cx, 1.1 * s, 0.44 * s, 0.26 * s), a.shirt)
    raster.paint(bg, raster.box(xs, ys, g.cx, g.cy + g.fay + 0.08 * s, 0.075 * s, 0.17 * s,
                                radius=0.03 * s), _scaled(a.skin, 0.8))
    raster.paint(bg, 0.5 * raster.ellipse(xs, ys, g.cx, g.cy + g.fay, 0.08 * s, 0.05 * s,
                                          soft=0.02 * s), _scaled(a.skin, 0.55))  # chin shadow

    head = np.zeros((4, size, size), dtype=np.float32)  # planar premultiplied RGBA
    hair = np.asarray(a.hair, np.float32)
    if a.hair_style == "long":
        _over(head, raster.ellipse(xs, ys, g.cx, g.cy + 0.25 * g.fay, 1.28 * g.fax, 1.2 * g.fay),
              _scaled(a.hair, 0.85))
    elif a.hair_style == "curly":
        _over(head, raster.ellipse(xs, ys, g.cx, g.cy - 0.25 * g.fay, 1.32 * g.fax, 0.95 * g.fay),
              hair)
        for k in range(12):  # bumps around the top
            ang = np.pi * (1.0 + k / 11.0)
            _over(head, raster.disc(xs, ys, g.cx + 1.25 * g.fax * np.cos(ang),
                                    g.cy - 0.25 * g.fay + 0.9 * g.fay * np.sin(ang), 0.1 * s), hair)
    elif a.hair_style == "bun":
        _over(head, raster.disc(xs, ys, g.cx, g.cy - 1.05 * g.fay, 0.09 * s), hair)
    # ears
    for side in (-1, 1):
        _over(head, raster.ellipse(xs, ys, g.cx + side * 0.97 * g.fax, g.ey + 0.05 * s, 0.035 * s,
                                   0.065 * s), _scaled(a.skin, 0.9))
    # face with a soft radial shading
    face = _face_coverage(xs, ys, a, g)
    k2 = ((xs - g.cx) / g.fax) ** 2 + ((ys - g.cy) / g.fay) ** 2
    shade = (1.06 - 0.16 * np.clip(k2, 0, 1))[None] * np.asarray(a.skin, np.float32)[:, None, None]
    _over(head, face, np.clip(shade, 0, 1))
    # hair on top: a cap above a hairline that drops towards the temples
    if a.hair_style != "bald":
        hairline = g.cy - a.hairline * g.fay + 0.6 * g.fay * np.clip(np.abs(xs - g.cx) / g.fax, 0, 1) ** 4
        cap = raster.ellipse(xs, ys, g.cx, g.cy - 0.1 * g.fay, 1.07 * g.fax, 1.0 * g.fay)
        _over(head, np.minimum(cap, raster.coverage(ys - hairline)), hair)
    else:
        for side in (-1, 1):
            _over(head, 0.8 * np.minimum(face, raster.ellipse(xs, ys, g.cx + side * 0.95 * g.fax,
                                                              g.ey, 0.05 * s, 0.08 * s)), hair)
    # brows
    for side, ex in zip((-1, 1), g.ex):
        _over(head, raster.ellipse(xs, ys, ex, g.ey - 1.9 * g.eay - 0.012 * s, 1.15 * g.eax,
                                   a.brow_thickness * s, angle=side * a.brow_tilt),
              _scaled(a.hair, 0.7))
    # nose: shaded ridge, tip and nostrils
    nose_tip = g.ey + (a.nose_len + 0.05) * s
    _over(head, 0.35 * raster.ellipse(xs, ys, g.cx + 0.01 * s, 0.5 * (g.ey + nose_tip), 0.016 * s,
                                      0.5 * (nose_tip - g.ey)), _scaled(a.skin, 0.75))
    _over(head, 0.5 * raster.ellipse(xs, ys, g.cx, nose_tip, 0.03 * s, 0.018 * s),
          _scaled(a.skin, 0.85))
    for side in (-1, 1):
        _over(head, 0.8 * raster.ellipse(xs, ys, g.cx + side * 0.014 * s, nose_tip + 0.01 * s,
                                         0.008 * s, 0.005 * s), _scaled(a.skin, 0.4))
    # eye sockets
    for ex in g.ex:
        _over(head, 0.25 * raster.ellipse(xs, ys, ex, g.ey, 1.3 * g.eax, 1.5 * g.eay + 0.01 * s,
                                          soft=0.02 * s), _scaled(a.skin, 0.7))
    if a.beard:
        beard = np.minimum(face, raster.coverage(g.my - 0.02 * s - ys, soft=0.02 * s))
        _over(head, 0.9 * beard, hair)
        _over(head, raster.ellipse(xs, ys, g.mx, g.my - g.lip - 0.01 * s, 1.15 * g.mw, 0.014 * s),
              hair)

    glasses = np.zeros((4, size, size), dtype=np.float32)
    if a.glasses is not None:
        for ex in g.ex:
            rx, ry = 1.55 * g.eax, 1.25 * g.eax
            _over(glasses, 0.12 * raster.ellipse(xs, ys, ex, g.ey, rx, ry), (0.8, 0.9, 1.0))
            _over(glasses, raster.ring(xs, ys, ex, g.ey, rx, ry, width=max(1.0, 0.012 * s)),
                  a.glasses)
        _over(glasses, raster.segment(xs, ys, g.ex[0] + 1.5 * g.eax, g.ey - 0.2 * g.eay,
                                      g.ex[1] - 1.5 * g.eax, g.ey - 0.2 * g.eay, 0.006 * s),
              a.glasses)
    for arr in (bg, head, glasses):
        arr.setflags(write=False)
    return bg, head, glasses


def _box(x0: float, x1: float, y0: float, y1: float, size: int) -> tuple[int, int, int, int]:
    """Integer window [y0:y1, x0:x1] clipped to the frame."""
    return (max(0, int(math.floor(y0))), min(size, int(math.ceil(y1))),
            max(0, int(math.floor(x0))), min(size, int(math.ceil(x1))))


def mouth_region(appearance: FaceAppearance, size: int, margin: float = 0.04
                 ) -> tuple[int, int, int, int]:
    """``(y0, y1, x0, x1)`` of a window holding the mouth in every frame (head motion included)."""
    g = _Geometry.of(appearance, size)
    m = margin * size
    return _box(g.mx - 1.3 * g.mw - g.lip - m, g.mx + 1.3 * g.mw + g.lip + m,
                g.my - 0.65 * g.hmax - g.lip - m, g.my + 1.35 * g.hmax + g.lip + m, size)


def _draw_mouth(layer: np.ndarray, tr: FaceTrack, sl: slice, a: FaceAppearance, g: _Geometry,
                size: int) -> None:
    """Lips, mouth interior, teeth and tongue for frames ``sl`` into the head layers [4, n, H, W]."""
    y0, y1, x0, x1 = _box(g.mx - 1.3 * g.mw - g.lip - 2, g.mx + 1.3 * g.mw + g.lip + 2,
                          g.my - 0.65 * g.hmax - 1.2 * g.lip - 2, g.my + 1.35 * g.hmax + g.lip + 2,
                          size)
    ys, xs = pixel_grid(y1 - y0, x1 - x0, y0, x0)
    win = layer[:, :, y0:y1, x0:x1]
    h = tr.opening[sl] * g.hmax                 # inner half-height [n]
    w = tr.width[sl] * g.mw                     # inner half-width [n]
    yc = g.my + 0.35 * h                        # the jaw drops: the opening grows mostly downwards
    power = tr.power[sl]
    _over(win, raster.ellipse(xs, ys, g.mx, yc, w + 0.3 * g.lip, h + g.lip, power=power), a.lips)
    inner = raster.ellipse(xs, ys, g.mx, yc, 0.92 * w, h, power=power)
    _over(win, inner, MOUTH_INTERIOR)
    hv = raster.per_frame(h)
    top = raster.per_frame(yc) - hv
    tongue = raster.per_frame(np.maximum(tr.tongue[sl], 0.25))
    _over(win, inner * tongue * raster.ellipse(xs, ys, g.mx, yc + 0.75 * h, 0.6 * w,
                                               0.55 * h + 0.5), _TONGUE)
    teeth_h = raster.per_frame(tr.teeth[sl]) * np.minimum(0.45 * hv, 0.22 * g.hmax + 0.5)
    _over(win, inner * raster.coverage(ys - (top + teeth_h)), _TEETH)
    # lips closed: a dark seam; f/v: the upper teeth rest on the lower lip
    seam = raster.per_frame(np.clip(1.0 - h / 1.5, 0.0, 1.0)) * 0.7
    _over(win, seam * raster.ellipse(xs, ys, g.mx, g.my, 0.85 * w, 0.6), _scaled(a.lips, 0.45))
    tuck = raster.per_frame(tr.tuck[sl])
    _over(win, tuck * raster.box(xs, ys, g.mx, g.my + 0.2 * g.lip, 0.55 * w, 0.3 * g.lip + 0.5),
          _TEETH)


def _draw_eyes(layer: np.ndarray, tr: FaceTrack, sl: slice, a: FaceAppearance, g: _Geometry,
               size: int) -> None:
    """Eye whites, irises, pupils and lash lines for frames ``sl`` (blinks close them)."""
    eay = np.maximum(tr.eye_open[sl] * g.eay, 0.3)
    ir = 0.55 * g.eay / a.eye_ratio * 0.75
    lw = max(1.0, 0.012 * g.s)
    for ex in g.ex:
        y0, y1, x0, x1 = _box(ex - g.eax - 3, ex + g.eax + 3, g.ey - g.eay - 3, g.ey + g.eay + 3, size)
        ys, xs = pixel_grid(y1 - y0, x1 - x0, y0, x0)
        win = layer[:, :, y0:y1, x0:x1]
        white = raster.ellipse(xs, ys, ex, g.ey, g.eax, eay)
        _over(win, white, _EYE_WHITE)
        gx = ex + tr.gaze[sl, 0] * (g.eax - ir)
        gy = g.ey + tr.gaze[sl, 1] * g.eay
        _over(win, white * raster.disc(xs, ys, gx, gy, ir), a.iris)
        _over(win, white * raster.disc(xs, ys, gx, gy, 0.45 * ir), (0.03, 0.03, 0.03))
        lash = raster.ring(xs, ys, ex, g.ey, g.eax, eay, width=lw)
        _over(win, lash * (ys < g.ey + 0.3 * raster.per_frame(eay)), _LASH)


def _warp_composite(bg: np.ndarray, head: np.ndarray, pose: np.ndarray, g: _Geometry,
                    window: tuple[int, int, int, int]) -> np.ndarray:
    """Move the planar head layers [4, n, H, W] by ``pose`` [n, 3] (bilinear) and put them over
    ``bg`` [H, W, 3] -> float [n, H, W, 3]. Only ``window`` (y0, y1, x0, x1) can hold the moved head."""
    _, n, H, W = head.shape
    y0, y1, x0, x1 = window
    out = np.empty((n, H, W, 3), dtype=np.float32)
    out[:] = bg
    ys, xs = pixel_grid(y1 - y0, x1 - x0, y0, x0)
    px, py = g.pivot
    c = raster.per_frame(np.cos(pose[:, 2]))
    s = raster.per_frame(np.sin(pose[:, 2]))
    u = xs - px - raster.per_frame(pose[:, 0] * g.s)
    v = ys - py - raster.per_frame(pose[:, 1] * g.s)
    sx = c * u + s * v + (px - 0.5)  # source position in pixel-index units
    sy = -s * u + c * v + (py - 0.5)
    ix = np.clip(np.floor(sx), 0, W - 2)
    iy = np.clip(np.floor(sy), 0, H - 2)
    fx = np.clip(sx - ix, 0.0, 1.0)
    fy = np.clip(sy - iy, 0.0, 1.0)
    idx = (np.arange(n, dtype=np.int32) * (H * W))[:, None, None] + (iy.astype(np.int32) * W
                                                                      + ix.astype(np.int32))
    planes = head.reshape(4, -1)
    sampled = []
    for ch in range(4):
        p = planes[ch]
        p00 = np.take(p, idx)
        p01 = np.take(p, idx + 1)
        p10 = np.take(p, idx + W)
        p11 = np.take(p, idx + W + 1)
        top = p00 + fx * (p01 - p00)
        sampled.append(top + fy * (p10 + fx * (p11 - p10) - top))
    keep = 1.0 - sampled[3]
    win = out[:, y0:y1, x0:x1]
    for ch in range(3):
        win[..., ch] = win[..., ch] * keep + sampled[ch]
    return out


def _head_window(head: np.ndarray, pose: np.ndarray, g: _Geometry) -> tuple[int, int, int, int]:
    """Window (y0, y1, x0, x1) that holds the head layer [4, H, W] under every pose in ``pose``."""
    size = head.shape[-1]
    rows = np.flatnonzero(head[3].max(axis=1) > 1e-3)
    cols = np.flatnonzero(head[3].max(axis=0) > 1e-3)
    if rows.size == 0:
        return 0, 0, 0, 0
    if len(pose) == 0:
        return 0, 0, 0, 0
    reach = max(abs(rows[0] - g.pivot[1]), abs(rows[-1] + 1 - g.pivot[1]),
                abs(cols[0] - g.pivot[0]), abs(cols[-1] + 1 - g.pivot[0]))
    m = (float(np.abs(pose[:, :2]).max()) * g.s + float(np.abs(pose[:, 2]).max()) * reach * 1.5 + 2)
    return _box(cols[0] - m, cols[-1] + 1 + m, rows[0] - m, rows[-1] + 1 + m, size)


def draw_face(track: FaceTrack, appearance: FaceAppearance, size: int = 224) -> np.ndarray:
    """Frames of ``appearance`` animated by ``track`` -> uint8 [T, size, size, 3]."""
    if size < 16:
        raise ValueError(f"draw_face: size must be >= 16 pixels, got {size}")
    g = _Geometry.of(appearance, size)
    bg, head0, glasses = _static_layers(appearance, size)
    T = len(track)
    out = np.empty((T, size, size, 3), dtype=np.uint8)
    window = _head_window(head0, track.pose, g)
    gy0 = max(0, int(g.ey - 2.0 * g.eax) - 1)
    gy1 = min(size, int(g.ey + 2.0 * g.eax) + 2)
    chunk = max(1, _CHUNK_PIXELS // (size * size))
    for start in range(0, T, chunk):
        sl = slice(start, min(T, start + chunk))
        n = sl.stop - sl.start
        head = np.repeat(head0[:, None], n, axis=1)
        _draw_eyes(head, track, sl, appearance, g, size)
        _draw_mouth(head, track, sl, appearance, g, size)
        if appearance.glasses is not None:
            band = head[:, :, gy0:gy1]
            band *= 1.0 - glasses[3:4, None, gy0:gy1]
            band += glasses[:, None, gy0:gy1]
        out[sl] = raster.to_uint8(_warp_composite(bg, head, track.pose[sl], g, window))
    return out


def render_talking_face(wav: np.ndarray, sr: int, phones: Iterable[Any], appearance: FaceAppearance,
                        *, fps: float = 25.0, size: int = 224, rng: np.random.Generator
                        ) -> np.ndarray:
    """A talking face for ``wav`` [N] -> uint8 [ceil(N / sr * fps), size, size, 3].

    Same as ``draw_face(face_track(wav, sr, phones, fps=fps, rng=rng), appearance, size)``; call those
    two to get the per-frame mouth opening that was drawn.
    """
    return draw_face(face_track(wav, sr, phones, fps=fps, rng=rng), appearance, size)
