"""Non-speech action scenes for the embedded Kinetics-600-like corpus: a moving picture with the sound of
what moves, in sync.

    frames, audio = render_scene("bouncing ball", 10.0, fps=25, size=112, sr=16000, rng=rng)
    # frames: uint8 [ceil(10 * 25), 112, 112, 3]; audio: float32 [10 * 16000]

Every class derives its picture and its sound from one continuous-time state, so sound events fall on
the frames that show them: impacts when a ball touches the floor, a siren whose pitch follows the angle of
a rotating light, rain clicks for each drop that lands, an engine whose pitch follows the car's speed,
drum/cymbal hits when the sticks touch, claps when the hands meet, and so on. Colours, sizes, speeds,
positions and rhythms are drawn from ``rng`` per clip, so clips of one class differ; the same seed gives
the same clip. Frame ``i`` shows the instant ``i / fps``.
"""
from __future__ import annotations

import math
from typing import ClassVar, Optional

import numpy as np

from mmpt.synth import raster
from mmpt.synth.raster import pixel_grid

__all__ = ["SCENE_CLASSES", "render_scene", "make_scene", "Scene"]

Rgb = tuple[float, float, float]
_CHUNK_PIXELS = 300_000  # frames x H x W drawn at once


# --------------------------------------------------------------------------------------------------
# helpers: colours, textures, sounds
# --------------------------------------------------------------------------------------------------
def _colour(rng: np.random.Generator, lo: float = 0.1, hi: float = 0.9) -> np.ndarray:
    return rng.uniform(lo, hi, size=3).astype(np.float32)


def _bright(rng: np.random.Generator) -> np.ndarray:
    """A saturated colour: one channel high, one low."""
    c = rng.uniform(0.0, 1.0, size=3)
    order = rng.permutation(3)
    c[order[0]] = rng.uniform(0.8, 1.0)
    c[order[1]] = rng.uniform(0.0, 0.25)
    return c.astype(np.float32)


def _distinct(rng: np.random.Generator, others: list, lo: float = 0.1, hi: float = 0.9,
              min_dist: float = 0.3, tries: int = 30) -> np.ndarray:
    """A random colour at least ``min_dist`` (largest channel difference) from each of ``others``,
    so that moving things stand out from the background (the most distinct of ``tries`` draws)."""
    best, best_d = None, -1.0
    for _ in range(tries):
        c = _colour(rng, lo, hi)
        d = min(float(np.abs(c - np.asarray(o)).max()) for o in others)
        if d >= min_dist:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


def _shade(c: np.ndarray, f: float) -> np.ndarray:
    return np.clip(np.asarray(c, np.float32) * f, 0.0, 1.0)


def _gradient(ys: np.ndarray, xs: np.ndarray, top: np.ndarray, bottom: np.ndarray, y0: float,
              y1: float) -> np.ndarray:
    """Vertical gradient [H, W, 3] from ``top`` at row y0 to ``bottom`` at row y1."""
    w = np.clip((ys - y0) / max(y1 - y0, 1e-3), 0.0, 1.0)[..., None]
    img = (1.0 - w) * np.asarray(top, np.float32) + w * np.asarray(bottom, np.float32)
    return np.broadcast_to(img, (ys.shape[0], xs.shape[1], 3)).astype(np.float32)


def _texture(rng: np.random.Generator, ys: np.ndarray, xs: np.ndarray, amount: float) -> np.ndarray:
    """A faint random texture: a sum of gratings, multiplicative factor [H, W, 1] around 1."""
    t = np.zeros((ys.shape[0], xs.shape[1]), np.float32)
    for _ in range(4):
        f = rng.uniform(0.03, 0.25)
        a = rng.uniform(0, 2 * np.pi)
        t += np.sin(f * (np.cos(a) * xs + np.sin(a) * ys) + rng.uniform(0, 2 * np.pi))
    return (1.0 + amount * t / 4.0)[..., None]


def _smooth_noise(rng: np.random.Generator, t: np.ndarray, fmin: float, fmax: float, n: int = 3
                  ) -> np.ndarray:
    """Smooth random signal in [-1, 1]: a normalised sum of ``n`` slow sinusoids."""
    f = rng.uniform(fmin, fmax, size=n)
    ph = rng.uniform(0, 2 * np.pi, size=n)
    amp = rng.uniform(0.5, 1.0, size=n)
    x = np.sum(amp[:, None] * np.sin(2 * np.pi * f[:, None] * t[None, :] + ph[:, None]), axis=0)
    return (x / amp.sum()).astype(np.float64)


def _bandpass(x: np.ndarray, sr: int, lo: float, hi: float) -> np.ndarray:
    """Zero-phase band-pass by FFT masking with half-octave cosine skirts."""
    n = len(x)
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(n, 1.0 / sr)
    gain = np.ones_like(f)
    with np.errstate(divide="ignore"):
        lf = np.log2(np.maximum(f, 1e-3))
    if lo > 0:
        gain *= np.clip((lf - math.log2(lo) + 0.5) / 0.5, 0, 1)
    if hi < sr / 2:
        gain *= np.clip((math.log2(hi) + 0.5 - lf) / 0.5, 0, 1)
    return np.fft.irfft(spec * gain, n).astype(np.float32)


def _noise(rng: np.random.Generator, n: int, sr: int, lo: float = 0.0, hi: float = 8000.0
           ) -> np.ndarray:
    """Band-limited white noise with unit RMS."""
    x = _bandpass(rng.standard_normal(max(n, 2)), sr, lo, hi)[:n]
    return (x / (np.sqrt(np.mean(x ** 2)) + 1e-9)).astype(np.float32)


def _decay_env(n: int, sr: int, decay: float, attack: float = 0.0005) -> np.ndarray:
    """Envelope [n]: linear attack then exponential decay (time constant ``decay`` s)."""
    t = np.arange(n) / sr
    return (np.minimum(1.0, t / attack) * np.exp(-t / decay)).astype(np.float32)


def _modes(freqs, amps, decays, dur: float, sr: int) -> np.ndarray:
    """A struck object: sum of exponentially decaying sinusoids (start at phase 0, sharp onset)."""
    n = int(dur * sr)
    t = np.arange(n) / sr
    out = np.zeros(n, np.float64)
    for f, a, d in zip(freqs, amps, decays):
        if f < sr / 2:
            out += a * np.exp(-t / d) * np.sin(2 * np.pi * f * t)
    return (out * np.minimum(1.0, t / 0.0005)).astype(np.float32)


def _add(out: np.ndarray, sr: int, t: float, grain: np.ndarray, gain: float = 1.0) -> None:
    """Add ``grain`` to ``out`` starting at time ``t`` (s); parts outside ``out`` are dropped."""
    i = int(round(t * sr))
    a, b = max(i, 0), min(i + len(grain), len(out))
    if b > a:
        out[a:b] += gain * grain[a - i:b - i]


def _oscillator(freq: np.ndarray, sr: int, harmonics, phase0: float = 0.0) -> np.ndarray:
    """Harmonic tone following the per-sample frequency ``freq`` [N] (Hz); harmonics above Nyquist
    are dropped sample by sample."""
    phase = phase0 + 2 * np.pi * np.cumsum(freq) / sr
    out = np.zeros(len(freq), np.float64)
    for k, a in enumerate(harmonics, start=1):
        out += a * np.sin(k * phase) * (k * freq < 0.45 * sr)
    return out.astype(np.float32)


# --------------------------------------------------------------------------------------------------
# scene base class
# --------------------------------------------------------------------------------------------------
class Scene:
    """One clip of one class. Subclasses sample their parameters in :meth:`setup`, paint the static
    picture in :meth:`background`, the moving things at times ``t`` in :meth:`draw`, and make the sound
    in :meth:`sound`. Only :meth:`setup`, :meth:`background` and :meth:`sound` may use ``rng`` (in
    that order, then :meth:`render` draws the loudness), so the picture does not depend on how frames
    are chunked."""

    label: ClassVar[str] = ""

    def __init__(self, rng: np.random.Generator, duration: float, size: int, fps: float, sr: int):
        self.rng = rng
        self.duration = float(duration)
        self.size = int(size)
        self.s = float(size)
        self.fps = float(fps)
        self.sr = int(sr)
        self.n_samples = int(round(duration * sr))
        self.ys, self.xs = pixel_grid(size, size)
        self.setup()
        self.static = np.ascontiguousarray(self.background(), dtype=np.float32)

    # to override -----------------------------------------------------------------------------------
    def setup(self) -> None:
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
        audio = audio + np.float32(0.003 * level) * _noise(self.rng, self.n_samples, self.sr, 50, 4000)
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
        return _gradient(self.ys, self.xs, top, bottom, 0.0, horizon)

    def ground(self, img: np.ndarray, y: float, near: np.ndarray, far: np.ndarray,
               texture: float = 0.08) -> np.ndarray:
        """``img`` with a textured ground from row ``y`` down (``far`` colour at y, ``near`` at the
        bottom); uses ``rng`` for the texture."""
        g = _gradient(self.ys, self.xs, far, near, y, self.s) * _texture(self.rng, self.ys, self.xs,
                                                                           texture)
        return np.where((self.ys >= y)[..., None], g, img).astype(np.float32)


_REGISTRY: dict[str, type[Scene]] = {}


def _register(cls: type[Scene]) -> type[Scene]:
    _REGISTRY[cls.label] = cls
    return cls


def _hit_profile(t: np.ndarray, hits: np.ndarray, rise: float) -> np.ndarray:
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


# --------------------------------------------------------------------------------------------------
# the classes
# --------------------------------------------------------------------------------------------------
@_register
class BouncingBall(Scene):
    """A ball bouncing on the floor; a thud at each contact, louder for faster impacts."""

    label = "bouncing ball"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.r = rng.uniform(0.045, 0.08) * s
        self.floor = rng.uniform(0.78, 0.9) * s
        self.g = rng.uniform(2.0, 3.5) * s
        e = rng.uniform(0.72, 0.88)
        hmax = self.floor - 2 * self.r - 2
        self.h0 = min(rng.uniform(0.35, 0.7) * s, hmax)
        vtop = math.sqrt(2 * self.g * hmax)
        v0 = math.sqrt(2 * self.g * self.h0)
        contacts, v_in, v_out = [], [], []
        t, v = math.sqrt(2 * self.h0 / self.g), v0
        while t < self.duration + 1.0:
            out = e * v
            if out < 0.45 * v0:  # someone throws it up again
                out = min(v0 * rng.uniform(0.8, 1.1), vtop)
            contacts.append(t)
            v_in.append(v)
            v_out.append(out)
            t += 2 * out / self.g
            v = out
        self.contacts, self.v_in, self.v_out = map(np.asarray, (contacts, v_in, v_out))
        self.x0 = rng.uniform(self.r, s - self.r)
        self.vx = rng.uniform(0.03, 0.25) * s * rng.choice([-1, 1])
        self.colour = _bright(rng)
        self.floor_colour = _distinct(rng, [self.colour], 0.3, 0.8)
        self.wall = _distinct(rng, [self.colour], 0.2, 0.9)
        self.f_ball = rng.uniform(150, 500)

    def height(self, t: np.ndarray) -> np.ndarray:
        """Height of the ball's bottom above the floor (px) at times ``t``."""
        k = np.searchsorted(self.contacts, t, side="right") - 1
        tau = t - self.contacts[np.clip(k, 0, None)]
        h = np.where(k < 0, self.h0 - 0.5 * self.g * t ** 2,
                     self.v_out[np.clip(k, 0, None)] * tau - 0.5 * self.g * tau ** 2)
        return np.maximum(h, 0.0)

    def x(self, t: np.ndarray) -> np.ndarray:
        span = self.s - 2 * self.r
        p = np.mod(self.x0 - self.r + self.vx * t, 2 * span)
        return self.r + np.where(p < span, p, 2 * span - p)

    def background(self) -> np.ndarray:
        img = self.sky(self.wall, _shade(self.wall, 0.8), self.floor)
        img = img * _texture(self.rng, self.ys, self.xs, 0.06)
        return self.ground(img, self.floor, self.floor_colour, _shade(self.floor_colour, 0.75))

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        h, x = self.height(t), self.x(t)
        hn = np.clip(h / (self.floor - 2 * self.r), 0, 1)
        ys, xs = self.ys, self.xs
        raster.paint(canvas, (0.4 - 0.25 * hn)[:, None, None] * raster.ellipse(
            xs, ys, x, self.floor + 0.1 * self.r, self.r * (1.2 - 0.5 * hn), 0.25 * self.r),
            (0.0, 0.0, 0.0))
        cy = self.floor - h - self.r
        raster.paint(canvas, raster.disc(xs, ys, x, cy, self.r), self.colour)
        raster.paint(canvas, 0.6 * raster.disc(xs, ys, x - 0.35 * self.r, cy - 0.35 * self.r,
                                               0.3 * self.r, soft=0.3 * self.r + 1),
                     np.minimum(self.colour + 0.5, 1.0))

    def sound(self) -> np.ndarray:
        out = np.zeros(self.n_samples, np.float32)
        v0 = self.v_in.max()
        for t, v in zip(self.contacts, self.v_in):
            if t >= self.duration:
                break
            f = self.f_ball * self.rng.uniform(0.95, 1.05)
            grain = _modes([f, 1.59 * f, 2.14 * f, 90.0], [1.0, 0.5, 0.3, 0.8],
                           [0.03, 0.02, 0.015, 0.04], 0.25, self.sr)
            grain += 0.5 * _noise(self.rng, len(grain), self.sr, 500, 6000) * _decay_env(
                len(grain), self.sr, 0.004)
            _add(out, self.sr, t, grain, (v / v0) ** 1.5)
        return out


@_register
class PoliceSiren(Scene):
    """A police car at night with a rotating beacon; the siren's pitch follows the beam's angle."""

    label = "police siren"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.f_rot = rng.uniform(0.5, 1.5) * rng.choice([-1, 1])
        self.phi0 = rng.uniform(0, 2 * np.pi)
        self.f_lo = rng.uniform(550, 750)
        self.f_hi = self.f_lo * rng.uniform(1.7, 2.2)
        self.street = rng.uniform(0.7, 0.82) * s
        self.car_x = rng.uniform(0.35, 0.65) * s
        self.car_w = rng.uniform(0.22, 0.3) * s
        self.car_y = self.street - 0.02 * s
        self.beacon = (self.car_x, self.car_y - 0.16 * s)
        self.body = _colour(rng, 0.75, 1.0)
        self.stripe = _colour(rng, 0.0, 0.4)

    def angle(self, t: np.ndarray) -> np.ndarray:
        """Direction of the red beam (radians) at times ``t``; the blue beam points the other way."""
        return self.phi0 + 2 * np.pi * self.f_rot * t

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(_colour(rng, 0.0, 0.12), _colour(rng, 0.05, 0.25), self.street)
        ys, xs = self.ys, self.xs
        x = 0.0
        while x < s:  # buildings with lit windows
            w = rng.uniform(0.12, 0.3) * s
            top = rng.uniform(0.2, 0.55) * s
            raster.paint(img, raster.box(xs, ys, x + w / 2, (top + self.street) / 2, w / 2 - 1,
                                         (self.street - top) / 2), _colour(rng, 0.05, 0.2))
            for _ in range(int(rng.integers(2, 7))):
                raster.paint(img, raster.box(xs, ys, x + rng.uniform(0.15, 0.85) * w,
                                             rng.uniform(top + 0.03 * s, self.street - 0.05 * s),
                                             0.015 * s, 0.02 * s), (0.9, 0.8, 0.4))
            x += w
        img = self.ground(img, self.street, _colour(rng, 0.1, 0.25), _colour(rng, 0.05, 0.15))
        cx, cy, w = self.car_x, self.car_y, self.car_w
        raster.paint(img, raster.box(xs, ys, cx, cy - 0.05 * s, w, 0.05 * s, radius=0.02 * s), self.body)
        raster.paint(img, raster.box(xs, ys, cx, cy - 0.11 * s, 0.55 * w, 0.04 * s, radius=0.02 * s),
                     self.body)
        raster.paint(img, raster.box(xs, ys, cx, cy - 0.11 * s, 0.45 * w, 0.025 * s), (0.1, 0.1, 0.15))
        raster.paint(img, raster.box(xs, ys, cx, cy - 0.05 * s, w, 0.012 * s), self.stripe)
        for side in (-1, 1):
            raster.paint(img, raster.disc(xs, ys, cx + side * 0.6 * w, cy, 0.04 * s), (0.05, 0.05, 0.05))
        bx, by = self.beacon
        raster.paint(img, raster.box(xs, ys, bx, by + 0.01 * s, 0.05 * s, 0.012 * s), (0.2, 0.2, 0.2))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        a = self.angle(t)
        bx, by = self.beacon
        facing = np.cos(a)  # > 0: red beam towards the viewer's right
        tint_r = (0.12 * np.clip(facing, 0, 1))[:, None, None, None]
        tint_b = (0.12 * np.clip(-facing, 0, 1))[:, None, None, None]
        canvas += tint_r * np.array([1.0, 0.1, 0.1], np.float32)
        canvas += tint_b * np.array([0.1, 0.2, 1.0], np.float32)
        np.minimum(canvas, 1.0, out=canvas)
        ys, xs = self.ys, self.xs
        raster.paint(canvas, 0.75 * raster.wedge(xs, ys, bx, by, a, 0.35, 0.9 * self.s),
                     (1.0, 0.15, 0.1))
        raster.paint(canvas, 0.75 * raster.wedge(xs, ys, bx, by, a + np.pi, 0.35, 0.9 * self.s),
                     (0.15, 0.3, 1.0))
        for side, col in ((-1, (1.0, 0.1, 0.1)), (1, (0.2, 0.3, 1.0))):
            raster.paint(canvas, raster.disc(xs, ys, bx + side * 0.025 * self.s, by, 0.02 * self.s), col)

    def sound(self) -> np.ndarray:
        a = self.angle(self.audio_t)
        freq = self.f_lo + (self.f_hi - self.f_lo) * (0.5 + 0.5 * np.sin(a))
        tone = _oscillator(freq, self.sr, [1.0, 0.0, 0.3, 0.0, 0.15])
        rumble = 0.1 * _noise(self.rng, self.n_samples, self.sr, 40, 300)
        return tone + rumble


@_register
class RainFalling(Scene):
    """Rain whose density drifts; each drop clicks when it lands, under a hiss that follows the density."""

    label = "rain falling"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.rate_max = rng.uniform(60, 200)
        self.f_rate = rng.uniform(0.08, 0.25)
        self.ph_rate = rng.uniform(0, 2 * np.pi)
        self.horizon = rng.uniform(0.6, 0.8) * s
        self.wind = rng.uniform(-0.3, 0.3) * s
        lead = 1.0
        n = rng.poisson(self.rate_max * (self.duration + lead))
        spawn = np.sort(rng.uniform(-lead, self.duration, size=n))
        keep = rng.random(n) < self.rate(spawn) / self.rate_max
        spawn = spawn[keep]
        n = len(spawn)
        self.spawn = spawn
        self.vy = rng.uniform(1.6, 2.4, size=n) * s
        self.x0 = rng.uniform(-0.2 * s, 1.2 * s, size=n)
        self.length = rng.uniform(0.04, 0.08, size=n) * s
        self.land = rng.uniform(self.horizon, s - 1, size=n)
        self.hit = spawn + (self.land + self.length) / self.vy
        self.max_fall = float((self.hit - spawn).max()) if n else 0.0
        self.drop_colour = _colour(rng, 0.6, 0.9)

    def rate(self, t: np.ndarray) -> np.ndarray:
        """Drops per second at time ``t``."""
        return self.rate_max * (0.15 + 0.85 * (0.5 + 0.5 * np.sin(2 * np.pi * self.f_rate * t
                                                                   + self.ph_rate)))

    def background(self) -> np.ndarray:
        rng = self.rng
        grey = rng.uniform(0.3, 0.6)
        img = self.sky(np.full(3, grey, np.float32) * rng.uniform(0.9, 1.1, 3).astype(np.float32),
                       np.full(3, grey * 1.2, np.float32), self.horizon)
        img = np.clip(img, 0, 1)
        return self.ground(img, self.horizon, _colour(rng, 0.15, 0.4), _colour(rng, 0.1, 0.3), 0.15)

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        H = W = self.size
        lo = np.searchsorted(self.spawn, t - self.max_fall)
        hi = np.searchsorted(self.spawn, t, side="right")
        steps = np.arange(int(math.ceil(self.length.max() if len(self.length) else 1)) + 1)
        col = self.drop_colour
        for f in range(len(t)):
            idx = np.arange(lo[f], hi[f])
            if idx.size == 0:
                continue
            dt = t[f] - self.spawn[idx]
            falling = dt < (self.hit[idx] - self.spawn[idx])
            d = idx[falling]
            dt = dt[falling]
            if d.size:
                head_y = -self.length[d] + self.vy[d] * dt
                head_x = self.x0[d] + self.wind * dt
                norm = np.hypot(self.vy[d], self.wind)
                ux, uy = self.wind / norm, self.vy[d] / norm
                k = steps[None, :]
                on = k <= self.length[d][:, None]
                px = np.round(head_x[:, None] - ux[:, None] * k).astype(np.int64)
                py = np.round(head_y[:, None] - uy[:, None] * k).astype(np.int64)
                ok = on & (px >= 0) & (px < W) & (py >= 0) & (py < H)
                px, py = px[ok], py[ok]
                canvas[f, py, px] = 0.45 * canvas[f, py, px] + 0.55 * col
            # splashes for 0.1 s after landing
            landed = idx[(t[f] >= self.hit[idx]) & (t[f] < self.hit[idx] + 0.1)]
            if landed.size:
                sx = self.x0[landed] + self.wind * (self.hit[landed] - self.spawn[landed])
                sy = np.round(self.land[landed]).astype(np.int64)
                for off in (-2, -1, 0, 1, 2):
                    px = np.round(sx + off).astype(np.int64)
                    py = sy - (abs(off) < 2)
                    ok = (px >= 0) & (px < W) & (py >= 0) & (py < H)
                    canvas[f, py[ok], px[ok]] = 0.5 * canvas[f, py[ok], px[ok]] + 0.5 * col

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        bank = []
        for _ in range(8):
            n = int(0.012 * sr)
            f = self.rng.uniform(1500, 5000)
            bank.append(_modes([f], [0.6], [0.003], 0.012, sr)
                        + 0.6 * _noise(self.rng, n, sr, 1000, 7000) * _decay_env(n, sr, 0.002))
        choice = self.rng.integers(len(bank), size=len(self.hit))
        gains = self.rng.uniform(0.2, 1.0, size=len(self.hit))
        for t, c, g in zip(self.hit, choice, gains):
            if 0 <= t < self.duration:
                _add(out, sr, t, bank[c], g)
        hiss = _noise(self.rng, self.n_samples, sr, 800, 7000)
        out += 0.25 * hiss * np.sqrt(self.rate(self.audio_t) / self.rate_max).astype(np.float32)
        return out


@_register
class DrivingCar(Scene):
    """A car driving past, speeding up and slowing down; the engine's pitch follows its speed."""

    label = "driving car"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.road = rng.uniform(0.7, 0.85) * s
        self.length = rng.uniform(0.3, 0.45) * s
        self.v_mean = rng.uniform(0.3, 0.6) * s
        self.dir = rng.choice([-1, 1])
        tg = self.fine_grid()
        v = self.v_mean * (1.0 + 0.75 * _smooth_noise(rng, tg, 0.12, 0.4))  # speeding up, braking
        self.t_grid = tg
        self.v_grid = np.maximum(v, 0.15 * self.v_mean)
        self.p_grid = np.concatenate([[0.0], np.cumsum(self.v_grid[:-1]) * (tg[1] - tg[0])])
        self.p0 = rng.uniform(0, s + self.length)
        self.v_max = float(self.v_grid.max())
        self.body = _bright(rng)
        self.f_idle = rng.uniform(28, 40)
        self.f_top = rng.uniform(90, 130)

    def speed(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.v_grid)

    def x(self, t: np.ndarray) -> np.ndarray:
        """Centre of the car (px); it re-enters on the other side after leaving the frame."""
        p = np.interp(t, self.t_grid, self.p_grid) + self.p0
        x = np.mod(p, self.s + self.length) - self.length / 2
        return x if self.dir > 0 else self.s - x

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(_distinct(rng, [self.body], 0.4, 0.9), _distinct(rng, [self.body], 0.6, 1.0),
                       self.road - 0.1 * s)
        ys, xs = self.ys, self.xs
        for _ in range(3):  # hills
            hill = raster.ellipse(xs, ys, rng.uniform(0, s), self.road, rng.uniform(0.3, 0.6) * s,
                                  rng.uniform(0.1, 0.3) * s)
            raster.paint(img, hill, _colour(rng, 0.1, 0.5))
        for _ in range(int(rng.integers(1, 4))):  # trees
            tx = rng.uniform(0, s)
            raster.paint(img, raster.box(xs, ys, tx, self.road - 0.12 * s, 0.015 * s, 0.08 * s),
                         (0.35, 0.22, 0.1))
            raster.paint(img, raster.disc(xs, ys, tx, self.road - 0.22 * s, rng.uniform(0.05, 0.09) * s),
                         _colour(rng, 0.05, 0.5) * np.array([0.5, 1.0, 0.5], np.float32))
        img = self.ground(img, self.road - 0.06 * s, (0.3, 0.3, 0.32), (0.2, 0.2, 0.22), 0.05)
        img = np.asarray(img, np.float32)
        for k in range(8):  # lane dashes
            raster.paint(img, raster.box(xs, ys, (k + 0.5) * s / 8, self.road + 0.06 * s, 0.025 * s,
                                         0.005 * s), (0.9, 0.9, 0.8))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        L = self.length
        x = self.x(t)
        p = np.interp(t, self.t_grid, self.p_grid)
        y = self.road
        ys, xs = self.ys, self.xs
        rw = 0.09 * L
        raster.paint(canvas, raster.box(xs, ys, x, y - 0.1 * L, L / 2, 0.1 * L, radius=0.05 * L),
                     self.body)
        cab_x = x - self.dir * 0.05 * L
        raster.paint(canvas, raster.box(xs, ys, cab_x, y - 0.25 * L, 0.27 * L, 0.08 * L,
                                        radius=0.04 * L), self.body)
        raster.paint(canvas, raster.box(xs, ys, cab_x, y - 0.25 * L, 0.22 * L, 0.055 * L),
                     (0.7, 0.85, 0.95))
        raster.paint(canvas, raster.disc(xs, ys, x + self.dir * 0.47 * L, y - 0.13 * L, 0.025 * L),
                     (1.0, 0.95, 0.6))
        ang = -self.dir * p / rw
        for wx in (-0.3, 0.3):
            cx = x + wx * L
            raster.paint(canvas, raster.disc(xs, ys, cx, y, rw), (0.05, 0.05, 0.05))
            raster.paint(canvas, raster.disc(xs, ys, cx, y, 0.5 * rw), (0.6, 0.6, 0.6))
            for k in range(2):
                a = ang + k * np.pi / 2
                ex, ey = 0.5 * rw * np.cos(a), 0.5 * rw * np.sin(a)
                spoke = raster.segment(xs, ys, cx - ex, y - ey, cx + ex, y + ey, 0.08 * rw + 0.3)
                raster.paint(canvas, spoke, (0.25, 0.25, 0.25))

    def sound(self) -> np.ndarray:
        v = self.speed(self.audio_t) / self.v_max
        freq = self.f_idle + (self.f_top - self.f_idle) * v
        engine = _oscillator(freq, self.sr, [1.0, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07, 0.05])
        road = _noise(self.rng, self.n_samples, self.sr, 300, 2500)
        return engine * (0.5 + 0.5 * v).astype(np.float32) + 0.15 * road * v.astype(np.float32)


@_register
class PlayingDrums(Scene):
    """A drum and a cymbal played with two sticks to a random rhythm; each touch is a hit."""

    label = "playing drums"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        step = 30.0 / rng.uniform(80, 150)  # eighth notes
        t0 = rng.uniform(0.1, 0.6)
        grid = t0 + step * np.arange(int((self.duration + 1) / step) + 1)
        rest = np.zeros(len(grid), bool)
        i = 8
        while i < len(grid):  # occasional rests of one or two bars, never in the first
            if rng.random() < 0.08:
                rest[i:i + int(rng.integers(8, 17))] = True
                i += 16
            i += 8
        pattern_d = rng.random(8) < 0.6
        pattern_d[0] = True
        pattern_c = rng.random(8) < 0.45
        k = np.arange(len(grid)) % 8
        jitter = rng.normal(0, 0.004, size=len(grid))
        self.drum_hits = (grid + jitter)[pattern_d[k] & ~rest]
        self.cym_hits = (grid + jitter)[pattern_c[k] & ~rest]
        self.drum = (rng.uniform(0.3, 0.45) * s, rng.uniform(0.65, 0.75) * s)
        self.drum_r = rng.uniform(0.14, 0.2) * s
        self.cym = (rng.uniform(0.7, 0.8) * s, rng.uniform(0.4, 0.5) * s)
        self.cym_r = rng.uniform(0.12, 0.16) * s
        self.shell = _bright(rng)
        self.f_drum = rng.uniform(90, 180)
        self.lift = rng.uniform(0.12, 0.2) * s

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        sticks = [np.array([0.75, 0.55, 0.3]), np.array([0.85, 0.7, 0.25])]
        img = self.sky(_distinct(rng, sticks, 0.2, 0.8), _distinct(rng, sticks, 0.1, 0.6), 0.7 * s)
        img = img * _texture(rng, self.ys, self.xs, 0.08)
        img = self.ground(img, 0.7 * s, _colour(rng, 0.2, 0.6), _colour(rng, 0.1, 0.4))
        ys, xs = self.ys, self.xs
        dx, dy = self.drum
        raster.paint(img, raster.box(xs, ys, dx, dy + 0.1 * s, self.drum_r, 0.1 * s), self.shell)
        raster.paint(img, raster.ellipse(xs, ys, dx, dy + 0.2 * s, self.drum_r, 0.3 * self.drum_r),
                     self.shell)
        cx, cy = self.cym
        raster.paint(img, raster.segment(xs, ys, cx, cy, cx, s, 0.008 * s + 0.3), (0.5, 0.5, 0.5))
        return img

    def tip_gap(self, t: np.ndarray, hits: np.ndarray) -> np.ndarray:
        return _hit_profile(t, hits, 0.15) * self.lift

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        dx, dy = self.drum
        cx, cy = self.cym
        ring_d = np.exp(-np.clip(t[:, None] - self.drum_hits[None], 0, None) / 0.08)
        flash = np.where(t[:, None] >= self.drum_hits[None], ring_d, 0).max(axis=1) if len(
            self.drum_hits) else np.zeros(len(t))
        head = np.clip(0.85 + 0.15 * flash, 0, 1)[:, None] * np.array([0.95, 0.92, 0.85], np.float32)
        raster.paint(canvas, raster.ellipse(xs, ys, dx, dy, self.drum_r, 0.3 * self.drum_r), head)
        since = t[:, None] - self.cym_hits[None]
        wob = np.where(since >= 0, np.exp(-since / 0.3) * np.sin(2 * np.pi * 5 * since), 0)
        tilt = 0.25 * (wob.sum(axis=1) if len(self.cym_hits) else np.zeros(len(t)))
        raster.paint(canvas, raster.ellipse(xs, ys, cx, cy, self.cym_r, 0.12 * self.cym_r, angle=tilt),
                     (0.85, 0.7, 0.25))
        # sticks: the tip comes down onto the drum head / cymbal at each hit
        for hits, (tx, ty), hand in ((self.drum_hits, (dx - 0.2 * self.drum_r, dy), (0.12 * s, 0.45 * s)),
                                     (self.cym_hits, (cx - 0.4 * self.cym_r, cy - 0.02 * s),
                                      (0.55 * s, 0.2 * s))):
            gap = self.tip_gap(t, hits)
            raster.paint(canvas, raster.segment(xs, ys, hand[0], hand[1] - 0.3 * gap, tx, ty - gap,
                                                0.012 * s + 0.4), (0.75, 0.55, 0.3))
            raster.paint(canvas, raster.disc(xs, ys, hand[0], hand[1] - 0.3 * gap, 0.035 * s),
                         (0.85, 0.65, 0.5))

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        n = int(0.5 * sr)
        tt = np.arange(n) / sr
        f = self.f_drum * (1 + 0.6 * np.exp(-tt / 0.02))
        drum = (np.sin(2 * np.pi * np.cumsum(f) / sr) * _decay_env(n, sr, 0.18)
                + 0.4 * _noise(self.rng, n, sr, 200, 4000) * _decay_env(n, sr, 0.02)).astype(np.float32)
        cym = _noise(self.rng, int(1.2 * sr), sr, 3000, 7900) * _decay_env(int(1.2 * sr), sr, 0.35)
        for t in self.drum_hits:
            if t < self.duration:
                _add(out, sr, t, drum, self.rng.uniform(0.7, 1.0))
        for t in self.cym_hits:
            if t < self.duration:
                _add(out, sr, t, cym, 0.5 * self.rng.uniform(0.6, 1.0))
        return out


@_register
class HammeringNail(Scene):
    """A hammer driving nails into a plank: a metallic clank at each strike, the nail sinks."""

    label = "hammering nail"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        gaps = rng.uniform(0.45, 1.0, size=int(self.duration / 0.45) + 3)
        self.hits = rng.uniform(0.3, 0.8) + np.concatenate([[0.0], np.cumsum(gaps)])
        self.per_nail = int(rng.integers(4, 8))
        self.plank_y = rng.uniform(0.65, 0.75) * s
        self.nail_x = rng.uniform(0.3, 0.5) * s
        self.nail_h0 = rng.uniform(0.12, 0.18) * s
        self.arm = rng.uniform(0.3, 0.4) * s
        self.theta_up = rng.uniform(0.8, 1.2)
        self.head = _colour(rng, 0.2, 0.5)
        self.handle = _colour(rng, 0.4, 0.8) * np.array([1.0, 0.8, 0.5], np.float32)
        self.wood = _colour(rng, 0.45, 0.8) * np.array([1.0, 0.75, 0.45], np.float32)
        self.f_clank = rng.uniform(900, 1800)

    def nail_height(self, t: np.ndarray) -> np.ndarray:
        n = np.searchsorted(self.hits, t, side="right")  # strikes so far
        done = n % self.per_nail  # a fresh nail after per_nail strikes
        return self.nail_h0 * (1.0 - done / self.per_nail) + 0.01 * self.s

    def theta(self, t: np.ndarray) -> np.ndarray:
        """Hammer angle above horizontal: 0 on the nail at each strike, raised in between."""
        k = np.searchsorted(self.hits, t, side="right")
        prev = np.where(k > 0, self.hits[np.clip(k - 1, 0, None)], self.hits[0] - 1.0)
        nxt = self.hits[np.clip(k, 0, len(self.hits) - 1)]
        top = prev + 0.55 * (nxt - prev)
        up = self.theta_up * np.sin(0.5 * np.pi * np.clip((t - prev) / np.maximum(top - prev, 1e-6), 0, 1))
        down = self.theta_up * (1.0 - np.clip((t - top) / np.maximum(nxt - top, 1e-6), 0, 1) ** 2)
        return np.where(t < top, up, down)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [self.head, self.handle]
        img = self.sky(_distinct(rng, movers, 0.3, 0.8), _distinct(rng, movers, 0.2, 0.7), s) * _texture(
            rng, self.ys, self.xs, 0.1)
        raster.paint(img, raster.box(self.xs, self.ys, 0.5 * s, self.plank_y + 0.06 * s, 0.55 * s,
                                     0.06 * s), self.wood)
        img *= _texture(rng, self.ys, self.xs, 0.05)
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        nh = self.nail_height(t)
        top = self.plank_y - nh
        raster.paint(canvas, raster.box(xs, ys, self.nail_x, self.plank_y - nh / 2, 0.006 * s + 0.3,
                                        nh / 2), (0.6, 0.6, 0.65))
        raster.paint(canvas, raster.box(xs, ys, self.nail_x, top, 0.02 * s, 0.006 * s + 0.3),
                     (0.5, 0.5, 0.55))
        th = self.theta(t)
        hh = 0.06 * s  # half-length of the hammer head (its face meets the nail head)
        pivot_x = self.nail_x + self.arm
        pivot_y = top - hh
        hx = pivot_x - self.arm * np.cos(th)
        hy = pivot_y - self.arm * np.sin(th)
        raster.paint(canvas, raster.segment(xs, ys, pivot_x + 0.08 * s, pivot_y + 0.02 * s, hx, hy,
                                            0.012 * s + 0.3), self.handle)
        raster.paint(canvas, raster.box(xs, ys, hx, hy, 0.035 * s, hh, angle=th), self.head)
        raster.paint(canvas, raster.disc(xs, ys, pivot_x + 0.08 * s, pivot_y + 0.02 * s, 0.04 * s),
                     (0.85, 0.65, 0.5))
        raster.paint(canvas, raster.segment(xs, ys, pivot_x + 0.08 * s, pivot_y + 0.02 * s, 1.2 * s,
                                            pivot_y + 0.3 * s, 0.04 * s), (0.3, 0.35, 0.6))

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        for i, t in enumerate(self.hits):
            if t >= self.duration:
                break
            f = self.f_clank * (1 + 0.04 * (i % self.per_nail))
            grain = _modes([f, 2.32 * f, 4.25 * f, 160.0], [1.0, 0.6, 0.3, 0.7],
                           [0.12, 0.06, 0.03, 0.05], 0.5, sr)
            grain += 0.4 * _noise(self.rng, len(grain), sr, 1000, 7000) * _decay_env(len(grain), sr, 0.003)
            _add(out, sr, t, grain, self.rng.uniform(0.7, 1.0))
        return out


@_register
class Clapping(Scene):
    """Two hands clapping in bursts; a clap sound each time they meet."""

    label = "clapping"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        claps = []
        t = rng.uniform(0.2, 1.0)
        while t < self.duration + 1:
            period = rng.uniform(0.28, 0.55)
            for _ in range(int(rng.integers(4, 13))):
                claps.append(t)
                t += period * rng.uniform(0.93, 1.07)
            t += rng.uniform(0.5, 1.5)
        self.claps = np.asarray(claps)
        self.hand_y = rng.uniform(0.4, 0.55) * s
        self.spread = rng.uniform(0.18, 0.3) * s  # largest gap between the palms
        self.skin = _shade(_colour(rng, 0.55, 1.0) * np.array([1.0, 0.8, 0.65], np.float32), 1.0)
        self.sleeve = _distinct(rng, [self.skin], 0.05, 0.9)
        self.centre = rng.uniform(0.45, 0.55) * s

    def gap(self, t: np.ndarray) -> np.ndarray:
        return _hit_profile(t, self.claps, 0.2) * self.spread

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        wall = _distinct(rng, [self.skin, self.sleeve], min_dist=0.4)
        img = self.sky(wall, _shade(wall, 0.9), s) * _texture(rng, self.ys, self.xs, 0.08)
        raster.paint(img, raster.ellipse(self.xs, self.ys, 0.5 * s, 1.05 * s, 0.4 * s, 0.25 * s),
                     self.sleeve)
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        g = self.gap(t)
        hw, hh, line = 0.055 * s, 0.11 * s, max(0.012 * self.s, 0.7)
        for side in (-1, 1):
            hx = self.centre + side * (g / 2 + hw)
            raster.paint(canvas, raster.segment(xs, ys, self.centre + side * 0.3 * s, 1.0 * s,
                                                hx + side * hw, self.hand_y + 0.12 * s, 0.05 * s),
                         self.sleeve)
            raster.paint(canvas, raster.ellipse(xs, ys, hx, self.hand_y, hw, hh, angle=side * 0.1),
                         _shade(self.skin, 0.55))  # outline
            raster.paint(canvas, raster.ellipse(xs, ys, hx, self.hand_y, hw - line, hh - line,
                                                angle=side * 0.1), self.skin)
            raster.paint(canvas, raster.ellipse(xs, ys, hx + side * 0.4 * hw, self.hand_y + 0.02 * s,
                                                0.35 * hw, 0.05 * s), _shade(self.skin, 0.85))

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        n = int(0.15 * sr)
        for t in self.claps:
            if t < self.duration:
                body = _noise(self.rng, n, sr, self.rng.uniform(600, 1200), self.rng.uniform(2500, 4500))
                grain = body * (_decay_env(n, sr, self.rng.uniform(0.008, 0.015))
                                + 0.08 * _decay_env(n, sr, 0.06))
                _add(out, sr, t, grain, self.rng.uniform(0.6, 1.0))
        return out


@_register
class FlappingWings(Scene):
    """A bird flying across the sky, flapping and gliding; a whoosh on every downstroke."""

    label = "flapping wings"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        tg = self.fine_grid()
        on = np.zeros(len(tg))
        t, flapping = 0.0, True
        while t < tg[-1]:  # flapping and gliding episodes
            d = rng.uniform(1.5, 4.0) if flapping else rng.uniform(0.6, 1.5)
            on[(tg >= t) & (tg < t + d)] = 1.0 if flapping else 0.0
            t += d
            flapping = not flapping
        k = np.exp(-0.5 * (np.arange(-200, 201) / 80.0) ** 2)
        on = np.convolve(np.pad(on, 200, mode="edge"), k / k.sum(), mode="valid")
        f_flap = rng.uniform(2.5, 5.0)
        self.t_grid = tg
        self.phase = 2 * np.pi * np.cumsum(f_flap * on) * (tg[1] - tg[0])
        self.on = on
        self.amp = rng.uniform(0.7, 1.0)
        self.glide = rng.uniform(0.0, 0.3)
        self.wing = rng.uniform(0.12, 0.18) * s
        self.vx = rng.uniform(0.08, 0.2) * s * rng.choice([-1, 1])
        self.x0 = rng.uniform(0, s)
        self.y0 = rng.uniform(0.3, 0.6) * s
        self.bird = _colour(rng, 0.0, 0.5)

    def angle(self, t: np.ndarray) -> np.ndarray:
        """Wing angle above horizontal (radians)."""
        return self.glide + self.amp * np.interp(t, self.t_grid, self.on) * np.sin(
            np.interp(t, self.t_grid, self.phase))

    def position(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = 2 * self.wing
        x = np.mod(self.x0 + self.vx * t + m, self.s + 2 * m) - m
        y = self.y0 + 0.05 * self.s * np.sin(2 * np.pi * 0.2 * t) - 0.02 * self.s * np.sin(self.angle(t))
        return x, y

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(np.array([0.3, 0.5, 0.9], np.float32) * rng.uniform(0.7, 1.1),
                       np.array([0.7, 0.85, 1.0], np.float32) * rng.uniform(0.8, 1.0), s)
        img = np.clip(img, 0, 1)
        for _ in range(int(rng.integers(2, 6))):
            cx, cy = rng.uniform(0, s), rng.uniform(0, 0.8 * s)
            for _ in range(4):
                raster.paint(img, 0.8 * raster.disc(self.xs, self.ys, cx + rng.uniform(-0.1, 0.1) * s,
                                                    cy + rng.uniform(-0.03, 0.03) * s,
                                                    rng.uniform(0.04, 0.08) * s, soft=0.02 * s),
                             (0.97, 0.97, 0.97))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        x, y = self.position(t)
        a = self.angle(t)
        for side in (-1, 1):
            mx = x + side * 0.55 * self.wing * np.cos(a)
            my = y - 0.55 * self.wing * np.sin(a)
            raster.paint(canvas, raster.segment(xs, ys, x, y, mx, my, 0.03 * s), self.bird)
            tip_x = x + side * self.wing * np.cos(0.6 * a)
            tip_y = y - self.wing * np.sin(a) - 0.3 * self.wing * np.sin(0.5 * a)
            raster.paint(canvas, raster.segment(xs, ys, mx, my, tip_x, tip_y, 0.018 * s), self.bird)
        raster.paint(canvas, raster.ellipse(xs, ys, x, y, 0.06 * s, 0.03 * s), self.bird)
        head_x = x + np.sign(self.vx) * 0.06 * s
        raster.paint(canvas, raster.disc(xs, ys, head_x, y - 0.015 * s, 0.025 * s), self.bird)
        raster.paint(canvas, raster.box(xs, ys, head_x + np.sign(self.vx) * 0.03 * s, y - 0.012 * s,
                                        0.015 * s, 0.006 * s + 0.3), (0.95, 0.7, 0.1))

    def sound(self) -> np.ndarray:
        t = self.audio_t
        a = self.angle(t)
        speed = np.maximum(0.0, -np.gradient(a, 1.0 / self.sr))  # downstroke angular speed
        env = speed / (speed.max() + 1e-9)
        whoosh = _noise(self.rng, self.n_samples, self.sr, 150, 1800)
        wind = 0.03 * _noise(self.rng, self.n_samples, self.sr, 50, 400)
        return (whoosh * env ** 1.5).astype(np.float32) + wind


@_register
class RingingBell(Scene):
    """A swinging bell; the clapper strikes it at both ends of the swing."""

    label = "ringing bell"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.f_swing = rng.uniform(0.5, 0.9)
        self.theta_max = rng.uniform(0.3, 0.5)
        self.phi = rng.uniform(0, 2 * np.pi)
        k0 = math.ceil((self.phi - np.pi / 2) / np.pi)
        k = np.arange(k0, k0 + int(2 * self.f_swing * (self.duration + 1)) + 2)
        # extremes of theta_max * sin(2 pi f t + phi): 2 pi f t + phi = pi/2 + k pi
        strikes = (np.pi / 2 + k * np.pi - self.phi) / (2 * np.pi * self.f_swing)
        self.strikes = strikes[strikes > 0]
        self.pivot = (rng.uniform(0.4, 0.6) * s, rng.uniform(0.12, 0.2) * s)
        self.bell_len = rng.uniform(0.35, 0.45) * s
        self.metal = _colour(rng, 0.5, 0.9) * np.array([1.0, 0.85, 0.4], np.float32)
        self.f0 = rng.uniform(350, 800)

    def theta(self, t: np.ndarray) -> np.ndarray:
        return self.theta_max * np.sin(2 * np.pi * self.f_swing * t + self.phi)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(_distinct(rng, [self.metal], 0.3, 0.9), _distinct(rng, [self.metal], 0.2, 0.7), s)
        img = img * _texture(rng, self.ys, self.xs, 0.1)
        px, py = self.pivot
        raster.paint(img, raster.box(self.xs, self.ys, px, py - 0.03 * s, 0.4 * s, 0.03 * s),
                     (0.35, 0.22, 0.12))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        th = self.theta(t)
        px, py = self.pivot
        L = self.bell_len
        sn, cs = np.sin(th), np.cos(th)

        def at(d: float, side: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
            """Point ``d`` px down the bell's axis and ``side`` px across it."""
            return px + d * sn + side * cs, py + d * cs - side * sn

        # clapper hangs straight down; the swinging rim meets it at the extremes
        raster.paint(canvas, raster.segment(xs, ys, px, py, px, py + 0.85 * L, 0.01 * s + 0.3),
                     (0.2, 0.2, 0.2))
        raster.paint(canvas, raster.disc(xs, ys, px, py + 0.85 * L, 0.05 * s), (0.25, 0.25, 0.25))
        cx, cy = at(0.35 * L)
        raster.paint(canvas, raster.ellipse(xs, ys, cx, cy, 0.22 * L, 0.3 * L, angle=-th), self.metal)
        cx, cy = at(0.6 * L)
        raster.paint(canvas, raster.box(xs, ys, cx, cy, 0.3 * L, 0.25 * L, angle=-th), self.metal)
        cx, cy = at(0.85 * L)
        raster.paint(canvas, raster.ellipse(xs, ys, cx, cy, 0.42 * L, 0.07 * L, angle=-th),
                     _shade(self.metal, 0.8))
        # the bell body covers the clapper; show the clapper ball below the rim
        bx, by = at(0.85 * L)
        raster.paint(canvas, raster.disc(xs, ys, px, py + 0.95 * L, 0.045 * s), (0.25, 0.25, 0.25))
        raster.paint(canvas, raster.disc(xs, ys, px, py, 0.03 * s), (0.3, 0.3, 0.3))

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        ratios = [0.5, 1.0, 1.2, 1.5, 2.0, 2.5, 2.67, 3.0]
        amps = [0.6, 1.0, 0.7, 0.4, 0.5, 0.25, 0.2, 0.15]
        decays = [2.0, 1.5, 1.0, 0.8, 0.6, 0.4, 0.35, 0.3]
        bell = _modes([r * self.f0 for r in ratios], amps, decays, 3.0, sr)
        bell += 0.3 * _noise(self.rng, len(bell), sr, 1000, 7000) * _decay_env(len(bell), sr, 0.003)
        for t in self.strikes:
            if t < self.duration:
                _add(out, sr, t, bell, self.rng.uniform(0.6, 1.0))
        return out


@_register
class PlayingPingPong(Scene):
    """A table-tennis rally seen from the side: a click for each paddle hit and each table bounce."""

    label = "playing ping pong"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        self.table_y = rng.uniform(0.6, 0.7) * s
        self.x_left, self.x_right = 0.1 * s, 0.9 * s
        self.r = max(0.018 * s, 1.5)
        self.g = rng.uniform(1.2, 2.0) * s
        times, xs, ys, kinds = [], [], [], []  # key points of the ball's path
        t, left = rng.uniform(0.2, 0.5), bool(rng.random() < 0.5)
        y = self.table_y - rng.uniform(0.08, 0.25) * s
        while t < self.duration + 1:
            x_from, x_to = (self.x_left, self.x_right) if left else (self.x_right, self.x_left)
            d = rng.uniform(0.55, 0.9)
            frac = rng.uniform(0.6, 0.8)
            times += [t, t + frac * d]
            xs += [x_from, x_from + frac * (x_to - x_from)]
            ys += [y, self.table_y - self.r]
            kinds += ["paddle", "table"]
            t += d
            y = self.table_y - rng.uniform(0.08, 0.25) * s
            left = not left
        self.times, self.px, self.py = np.asarray(times), np.asarray(xs), np.asarray(ys)
        self.kinds = kinds
        self.paddle_l, self.paddle_r = _bright(rng), _bright(rng)
        self.ball = np.array([1.0, 0.6, 0.1], np.float32) if rng.random() < 0.5 else np.ones(3, np.float32)
        self.f_hit = rng.uniform(1200, 2000)

    def ball_pos(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ball centre: straight in x between key points, a parabola in y under gravity."""
        k = np.clip(np.searchsorted(self.times, t, side="right") - 1, 0, len(self.times) - 2)
        t0, t1 = self.times[k], self.times[k + 1]
        T = t1 - t0
        tau = np.clip(t - t0, 0, None)
        x = self.px[k] + (self.px[k + 1] - self.px[k]) * np.clip(tau / T, 0, 1)
        vy = (self.py[k + 1] - self.py[k] - 0.5 * self.g * T ** 2) / T
        y = self.py[k] + vy * tau + 0.5 * self.g * tau ** 2
        before = t < self.times[0]
        return np.where(before, self.px[0], x), np.where(before, self.py[0], y)

    def paddle_y(self, t: np.ndarray, left: bool) -> np.ndarray:
        hit_x = self.x_left if left else self.x_right
        sel = [i for i, k in enumerate(self.kinds) if k == "paddle" and self.px[i] == hit_x]
        if not sel:
            return np.full(len(t), self.table_y - 0.15 * self.s)
        return np.interp(t, self.times[sel], self.py[sel])

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [self.paddle_l, self.paddle_r, self.ball]
        img = self.sky(_distinct(rng, movers, 0.2, 0.8), _distinct(rng, movers, 0.1, 0.6), s)
        img = self.ground(img, 0.85 * s, _colour(rng, 0.2, 0.5), _colour(rng, 0.1, 0.4))
        ys, xs = self.ys, self.xs
        top = _colour(rng, 0.0, 0.4) * np.array([0.3, 1.0, 1.0], np.float32)
        raster.paint(img, raster.box(xs, ys, 0.5 * s, self.table_y + 0.015 * s, 0.32 * s, 0.015 * s), top)
        for lx in (0.22, 0.78):
            raster.paint(img, raster.box(xs, ys, lx * s, (self.table_y + 0.85 * s) / 2, 0.01 * s,
                                         (0.85 * s - self.table_y) / 2), (0.2, 0.2, 0.2))
        raster.paint(img, raster.box(xs, ys, 0.5 * s, self.table_y - 0.04 * s, 0.004 * s + 0.3, 0.04 * s),
                     (0.9, 0.9, 0.9))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        bx, by = self.ball_pos(t)
        for left, col in ((True, self.paddle_l), (False, self.paddle_r)):
            x = (self.x_left - self.r - 0.03 * s) if left else (self.x_right + self.r + 0.03 * s)
            y = self.paddle_y(t, left)
            raster.paint(canvas, raster.segment(xs, ys, x, y + 0.04 * s, x + (-1 if left else 1) * 0.02 * s,
                                                y + 0.1 * s, 0.012 * s), (0.45, 0.3, 0.15))
            raster.paint(canvas, raster.ellipse(xs, ys, x, y, 0.02 * s, 0.055 * s), col)
        raster.paint(canvas, raster.disc(xs, ys, bx, by, self.r), self.ball)

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        for t, kind in zip(self.times, self.kinds):
            if t >= self.duration:
                break
            f = self.f_hit if kind == "paddle" else 1.6 * self.f_hit
            grain = _modes([f, 0.45 * f, 2.3 * f], [1.0, 0.6, 0.3], [0.012, 0.02, 0.006], 0.08, sr)
            grain += 0.3 * _noise(self.rng, len(grain), sr, 2000, 7000) * _decay_env(len(grain), sr, 0.002)
            _add(out, sr, t, grain, self.rng.uniform(0.6, 1.0) * (1.0 if kind == "paddle" else 0.7))
        return out


@_register
class PouringWater(Scene):
    """Water poured into a glass in several pours; the gurgle rises in pitch as the glass fills."""

    label = "pouring water"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        tg = self.fine_grid()
        q = np.zeros(len(tg))
        t, pouring = rng.uniform(0.2, 1.0), True
        while t < tg[-1]:
            d = rng.uniform(1.5, 3.5) if pouring else rng.uniform(0.5, 1.5)
            if pouring:
                q[(tg >= t) & (tg < t + d)] = rng.uniform(0.6, 1.0)
            t += d
            pouring = not pouring
        k = np.exp(-0.5 * (np.arange(-100, 101) / 40.0) ** 2)
        q = np.convolve(np.pad(q, 100, mode="edge"), k / k.sum(), mode="valid")
        total = q[tg < self.duration].sum() * (tg[1] - tg[0])
        level = np.cumsum(q) * (tg[1] - tg[0]) * rng.uniform(0.7, 0.92) / max(total, 1e-6)
        q = np.where(level >= 0.95, 0.0, q)  # stop at the brim
        self.t_grid, self.q, self.level = tg, q, np.minimum(level, 0.95)
        self.glass_x = rng.uniform(0.5, 0.65) * s
        self.glass_bottom = rng.uniform(0.8, 0.9) * s
        self.glass_h = rng.uniform(0.3, 0.4) * s
        self.glass_w = rng.uniform(0.08, 0.12) * s
        self.water = _colour(rng, 0.3, 0.9) * np.array([0.5, 0.8, 1.0], np.float32)
        self.jug = _bright(rng)
        self.f_empty = rng.uniform(250, 450)

    def flow(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.q)

    def fill(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.level)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [self.jug, self.water]
        img = self.sky(_distinct(rng, movers, 0.4, 0.9), _distinct(rng, movers, 0.3, 0.8), s)
        img = img * _texture(rng, self.ys, self.xs, 0.08)
        return self.ground(img, self.glass_bottom, _colour(rng, 0.3, 0.7), _colour(rng, 0.2, 0.6))

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        q, lv = self.flow(t), self.fill(t)
        gx, gb, gh, gw = self.glass_x, self.glass_bottom, self.glass_h, self.glass_w
        surface = gb - lv * gh
        water = raster.box(xs, ys, gx, (surface + gb) / 2, gw, np.maximum((gb - surface) / 2, 0.01))
        raster.paint(canvas, 0.75 * water, self.water)
        raster.paint(canvas, raster.box(xs, ys, gx, surface, gw, 0.004 * s + 0.3),
                     np.minimum(self.water + 0.3, 1))
        # glass walls
        for side in (-1, 1):
            wall = raster.segment(xs, ys, gx + side * gw, gb, gx + side * gw, gb - gh, 0.006 * s + 0.3)
            raster.paint(canvas, wall, (0.85, 0.9, 0.95))
        raster.paint(canvas, raster.segment(xs, ys, gx - gw, gb, gx + gw, gb, 0.008 * s + 0.3),
                     (0.85, 0.9, 0.95))
        # jug tilts with the flow; the stream runs from the spout to the water
        tilt = 0.3 + 0.9 * np.clip(q, 0, 1)
        spout_x, spout_y = gx - 0.3 * gw, gb - gh - 0.12 * s
        jx = spout_x - 0.12 * s * np.cos(tilt)  # the jug's axis points down to the spout
        jy = spout_y - 0.12 * s * np.sin(tilt)
        raster.paint(canvas, raster.box(xs, ys, jx, jy, 0.12 * s, 0.07 * s, angle=tilt, radius=0.02 * s),
                     self.jug)
        width = 0.012 * s * np.clip(q, 0, 1)
        raster.paint(canvas, (q > 0.02)[:, None, None] * 0.8 * raster.segment(
            xs, ys, spout_x, spout_y, spout_x + 0.01 * s, surface, width + 0.2), self.water)

    def sound(self) -> np.ndarray:
        sr = self.sr
        t = self.audio_t
        q = self.flow(t)
        out = 0.15 * _noise(self.rng, self.n_samples, sr, 200, 4000) * q.astype(np.float32)
        # bubbles: rate follows the flow, pitch follows the level (shorter air column above the water)
        dt = self.t_grid[1] - self.t_grid[0]
        births = self.t_grid[self.rng.random(len(self.t_grid)) < 120.0 * self.q * dt]
        n = int(0.05 * sr)
        tt = np.arange(n) / sr
        for b in births:
            if b >= self.duration:
                break
            f = self.f_empty / (1.0 - 0.8 * float(np.interp(b, self.t_grid, self.level)))
            f *= self.rng.uniform(0.9, 1.2)
            chirp = f * (1 + 0.3 * tt / tt[-1])
            decay = _decay_env(n, sr, self.rng.uniform(0.01, 0.03))
            grain = np.sin(2 * np.pi * np.cumsum(chirp) / sr) * decay
            _add(out, sr, b, grain.astype(np.float32), self.rng.uniform(0.2, 0.6))
        return out


@_register
class SawingWood(Scene):
    """A hand saw cutting a plank; the rasp follows the saw's speed, louder on the push stroke."""

    label = "sawing wood"

    def setup(self) -> None:
        rng, s = self.rng, self.s
        tg = self.fine_grid()
        f = rng.uniform(0.8, 1.8) * (1 + 0.25 * _smooth_noise(rng, tg, 0.05, 0.2))
        self.t_grid = tg
        self.phase = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.cumsum(f) * (tg[1] - tg[0])
        self.amp = rng.uniform(0.08, 0.14) * s
        self.stroke = self.amp * np.sin(self.phase)
        self.vel = np.gradient(self.stroke, tg)
        self.cut_x = rng.uniform(0.22, 0.38) * s
        self.plank_y = rng.uniform(0.55, 0.65) * s
        self.alpha = rng.uniform(0.3, 0.55)
        self.wood = _colour(rng, 0.5, 0.85) * np.array([1.0, 0.78, 0.5], np.float32)
        self.handle = _bright(rng)
        self.tooth_pitch = rng.uniform(0.004, 0.008) * s

    def offset(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.stroke)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [np.array([0.75, 0.77, 0.8]), self.handle]
        img = self.sky(_distinct(rng, movers, 0.3, 0.9), _distinct(rng, movers, 0.2, 0.8), s)
        img = img * _texture(rng, self.ys, self.xs, 0.1)
        ys, xs = self.ys, self.xs
        raster.paint(img, raster.box(xs, ys, 0.5 * s, self.plank_y + 0.04 * s, 0.6 * s, 0.04 * s),
                     self.wood)
        for lx in (0.25, 0.75):
            raster.paint(img, raster.box(xs, ys, lx * s, (self.plank_y + s) / 2 + 0.04 * s, 0.02 * s,
                                         (s - self.plank_y) / 2), _shade(self.wood, 0.6))
        return img

    def draw(self, canvas: np.ndarray, t: np.ndarray) -> None:
        s, ys, xs = self.s, self.ys, self.xs
        off = self.offset(t)
        depth = 0.03 * s * np.clip(t / max(self.duration, 1e-3), 0, 1)
        ca, sa = math.cos(self.alpha), math.sin(self.alpha)
        # blade centre moves along its own axis (pointing down-left into the cut)
        bx = self.cut_x + (0.25 * s + off) * ca
        by = self.plank_y + depth - (0.25 * s + off) * sa
        a = -self.alpha
        raster.paint(canvas, raster.box(xs, ys, bx, by, 0.25 * s, 0.035 * s, angle=a), (0.75, 0.77, 0.8))
        tx, ty = bx + 0.035 * s * sa, by + 0.035 * s * ca
        raster.paint(canvas, raster.box(xs, ys, tx, ty, 0.25 * s, 0.006 * s + 0.3, angle=a),
                     (0.35, 0.35, 0.4))
        hx, hy = bx + 0.27 * s * ca, by - 0.27 * s * sa
        raster.paint(canvas, raster.box(xs, ys, hx, hy, 0.05 * s, 0.05 * s, angle=a, radius=0.02 * s),
                     self.handle)
        raster.paint(canvas, raster.disc(xs, ys, hx + 0.02 * s, hy - 0.01 * s, 0.045 * s),
                     (0.85, 0.65, 0.5))

    def sound(self) -> np.ndarray:
        sr = self.sr
        t = self.audio_t
        v = np.interp(t, self.t_grid, self.vel)
        speed = np.abs(v) / (np.abs(self.vel).max() + 1e-9)
        push = np.where(v < 0, 1.0, 0.6)  # the cutting stroke (towards the plank) is louder
        teeth_phase = 2 * np.pi * np.cumsum(np.abs(v) / self.tooth_pitch) / sr
        rasp = 0.6 + 0.4 * np.sign(np.sin(teeth_phase))
        noise = _noise(self.rng, self.n_samples, sr, 1200, 6000)
        return (noise * speed * push * rasp).astype(np.float32)


#: the action classes (Kinetics-like label strings)
SCENE_CLASSES: list[str] = sorted(_REGISTRY)


def make_scene(label: str, duration: float = 10.0, *, fps: float = 25.0, size: int = 224,
               sr: int = 16000, rng: np.random.Generator) -> Scene:
    """The :class:`Scene` of class ``label`` with its parameters drawn from ``rng`` (nothing rendered
    yet; ``scene.static`` is its still background). Raises ValueError for an unknown label (the message
    lists :data:`SCENE_CLASSES`) or a non-positive duration/size/rate."""
    if label not in _REGISTRY:
        raise ValueError(f"unknown scene class {label!r}; known: {', '.join(SCENE_CLASSES)}")
    if duration <= 0 or size < 16 or fps <= 0 or sr <= 0:
        raise ValueError(f"scene {label!r}: need duration > 0, size >= 16, fps > 0, sr > 0; "
                         f"got duration={duration}, size={size}, fps={fps}, sr={sr}")
    return _REGISTRY[label](rng, duration, size, fps, sr)


def render_scene(label: str, duration: float = 10.0, *, fps: float = 25.0, size: int = 224,
                 sr: int = 16000, rng: np.random.Generator, peak: Optional[float] = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """One clip of class ``label`` -> (frames uint8 [ceil(duration * fps), size, size, 3],
    audio float32 [round(duration * sr)]); same as ``make_scene(...).render(peak)``."""
    return make_scene(label, duration, fps=fps, size=size, sr=sr, rng=rng).render(peak)
