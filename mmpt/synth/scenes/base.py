"""The scene abstraction: :class:`Scene` (one clip: its state, picture and sound), the class registry
and the constructors by label."""
from __future__ import annotations

import math
from typing import Any, ClassVar, Optional

import numpy as np

from mmpt.synth import raster
from mmpt.synth.raster import pixel_grid
from mmpt.synth.scenes.palette import gradient, grating_texture
from mmpt.synth.scenes.sounds import band_noise

_CHUNK_PIXELS = 300_000  # frames x H x W drawn at once

#: scene class by label; a subclass declared with ``class X(Scene, label="..."):`` is added to it
REGISTRY: dict[str, type[Scene]] = {}


class Scene:
    """One clip of one class. Subclasses sample their parameters in :meth:`setup`, paint the static
    picture in :meth:`background`, the moving things at times ``t`` in :meth:`draw`, and make the sound
    in :meth:`sound`. Only :meth:`setup`, :meth:`background` and :meth:`sound` may use ``rng`` (in
    that order, then :meth:`render` draws the loudness), so the picture does not depend on how frames
    are chunked. A subclass names its class label in its header, ``class X(Scene, label="...")``, which
    registers it for :func:`make_scene`."""

    label: ClassVar[str] = ""

    def __init_subclass__(cls, label: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if label:
            cls.label = label
            REGISTRY[label] = cls

    def __init__(self, rng: np.random.Generator, duration: float, size: int, fps: float, sr: int):
        self.rng = rng
        self.duration = float(duration)
        self.size = int(size)
        self.s = float(size)
        self.fps = float(fps)
        self.sr = int(sr)
        self.n_samples = int(round(duration * sr))
        self.ys, self.xs = pixel_grid(size, size)
        self.setup(rng, self.s)
        self.static = np.ascontiguousarray(self.background(), dtype=np.float32)

    # to override -----------------------------------------------------------------------------------
    def setup(self, rng: np.random.Generator, s: float) -> None:
        """Draw the clip's parameters from ``rng`` (``s``: the frame size in pixels, as a float)."""
        raise NotImplementedError

    def background(self) -> np.ndarray:
        """Static picture float32 [H, W, 3] in [0, 1]."""
        raise NotImplementedError

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        """Paint the moving things at times ``t`` [n] onto ``canvas`` float32 [n, H, W, 3]."""
        raise NotImplementedError

    def sound(self) -> np.ndarray:
        """float32 [n_samples] (any scale; render_scene normalises)."""
        raise NotImplementedError

    # shared ----------------------------------------------------------------------------------------
    def render(self, peak: Optional[float] = None) -> tuple[np.ndarray, np.ndarray]:
        """(frames uint8 [ceil(duration * fps), size, size, 3], audio float32 [round(duration * sr)]).

        The audio is scaled to the peak level ``peak`` (drawn from ``rng`` in [0.3, 0.9] when None), plus a
        faint room tone.
        """
        audio = np.asarray(self.sound(), dtype=np.float32)[:self.n_samples]
        level = float(self.rng.uniform(0.3, 0.9)) if peak is None else float(peak)
        m = float(np.max(np.abs(audio))) if audio.size else 0.0
        if m > 0:
            audio = audio * np.float32(level / m)
        # faint room tone, about 50 dB under the peak, so no clip is digitally silent
        audio = audio + np.float32(0.003 * level) * band_noise(self.rng, self.n_samples, self.sr, 50, 4000)
        n_frames = int(math.ceil(self.duration * self.fps - 1e-9))
        frames = np.empty((n_frames, self.size, self.size, 3), dtype=np.uint8)
        chunk = max(1, _CHUNK_PIXELS // (self.size * self.size))
        for start in range(0, n_frames, chunk):
            t = np.arange(start, min(n_frames, start + chunk)) / self.fps
            canvas = np.repeat(self.static[None], len(t), axis=0)
            self.draw(canvas, t)
            frames[start:start + len(t)] = raster.to_uint8(canvas)
        return frames, audio.astype(np.float32)

    @property
    def audio_t(self) -> np.ndarray:
        """Sample times [N] (s)."""
        return np.arange(self.n_samples) / self.sr

    def fine_grid(self, rate: float = 1000.0) -> np.ndarray:
        """Times every 1/rate s covering the clip (and a little beyond), for integrating motion."""
        return np.arange(0.0, self.duration + 1.0, 1.0 / rate)

    def sky(self, top: np.ndarray, bottom: np.ndarray, horizon: float) -> np.ndarray:
        """Vertical gradient [H, W, 3] from ``top`` (row 0) to ``bottom`` (row ``horizon``)."""
        return gradient(self.ys, self.xs, top, bottom, 0.0, horizon)

    def ground(self, img: np.ndarray, y: float, near: np.ndarray, far: np.ndarray,
               texture: float = 0.08) -> np.ndarray:
        """``img`` with a textured ground from row ``y`` down (``far`` colour at y, ``near`` at the
        bottom); uses ``rng`` for the texture."""
        g = gradient(self.ys, self.xs, far, near, y, self.s) * grating_texture(
            self.rng, self.ys, self.xs, texture)
        return np.where((self.ys >= y)[..., None], g, img).astype(np.float32)


def hit_profile(t: np.ndarray, hits: np.ndarray, rise: float) -> np.ndarray:
    """Distance in [0, 1] of a striker from its target at times ``t``: 0 at each (sorted) hit time,
    back to 1 within ``rise`` s or half the interval between the surrounding hits, 1 far from any hit."""
    if len(hits) == 0:
        return np.ones_like(t)
    k = np.searchsorted(hits, t)
    has_prev, has_next = k > 0, k < len(hits)
    prev = hits[np.clip(k - 1, 0, len(hits) - 1)]
    nxt = hits[np.clip(k, 0, len(hits) - 1)]
    d = np.minimum(np.where(has_prev, t - prev, np.inf), np.where(has_next, nxt - t, np.inf))
    span = np.minimum(rise, np.where(has_prev & has_next, 0.5 * (nxt - prev), np.inf))
    return np.clip(d / np.maximum(span, 1e-3), 0.0, 1.0) ** 0.8


def make_scene(label: str, duration: float = 10.0, *, fps: float = 25.0, size: int = 224,
               sr: int = 16000, rng: np.random.Generator) -> Scene:
    """The :class:`Scene` of class ``label`` with its parameters drawn from ``rng`` (nothing rendered
    yet; ``scene.static`` is its still background). Raises ValueError for an unknown label (the message
    lists :data:`SCENE_CLASSES`) or a non-positive duration/size/rate."""
    if label not in REGISTRY:
        raise ValueError(f"unknown scene class {label!r}; known: {', '.join(sorted(REGISTRY))}")
    if duration <= 0 or size < 16 or fps <= 0 or sr <= 0:
        raise ValueError(f"scene {label!r}: need duration > 0, size >= 16, fps > 0, sr > 0; "
                         f"got duration={duration}, size={size}, fps={fps}, sr={sr}")
    return REGISTRY[label](rng, duration, size, fps, sr)


def render_scene(label: str, duration: float = 10.0, *, fps: float = 25.0, size: int = 224,
                 sr: int = 16000, rng: np.random.Generator, peak: Optional[float] = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """One clip of class ``label`` -> (frames uint8 [ceil(duration * fps), size, size, 3],
    audio float32 [round(duration * sr)]); same as ``make_scene(...).render(peak)``."""
    return make_scene(label, duration, fps=fps, size=size, sr=sr, rng=rng).render(peak)
