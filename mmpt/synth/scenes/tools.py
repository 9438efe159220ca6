"""Hand tools: a hammer driving a nail, a saw cutting wood."""
from __future__ import annotations

import math

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene
from mmpt.synth.scenes.palette import bright_colour, distinct_colour, grating_texture, random_colour, shade
from mmpt.synth.scenes.sounds import add_grain, band_noise, decay_envelope, smooth_noise, struck_modes


class HammeringNail(Scene, label="hammering nail"):
    """A hammer driving nails into a plank: a metallic clank at each strike, the nail sinks."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
        gaps = rng.uniform(0.45, 1.0, size=int(self.duration / 0.45) + 3)
        self.hits = rng.uniform(0.3, 0.8) + np.concatenate([[0.0], np.cumsum(gaps)])
        self.per_nail = int(rng.integers(4, 8))
        self.plank_y = rng.uniform(0.65, 0.75) * s
        self.nail_x = rng.uniform(0.3, 0.5) * s
        self.nail_h0 = rng.uniform(0.12, 0.18) * s
        self.arm = rng.uniform(0.3, 0.4) * s
        self.theta_up = rng.uniform(0.8, 1.2)
        self.head = random_colour(rng, 0.2, 0.5)
        self.handle = random_colour(rng, 0.4, 0.8) * np.array([1.0, 0.8, 0.5], np.float32)
        self.wood = random_colour(rng, 0.45, 0.8) * np.array([1.0, 0.75, 0.45], np.float32)
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
        img = self.sky(distinct_colour(rng, movers, 0.3, 0.8), distinct_colour(rng, movers, 0.2, 0.7), s)
        img = img * grating_texture(rng, self.ys, self.xs, 0.1)
        raster.paint(img, raster.box(self.xs, self.ys, 0.5 * s, self.plank_y + 0.06 * s, 0.55 * s,
                                     0.06 * s), self.wood)
        img *= grating_texture(rng, self.ys, self.xs, 0.05)
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
            grain = struck_modes([f, 2.32 * f, 4.25 * f, 160.0], [1.0, 0.6, 0.3, 0.7],
                                 [0.12, 0.06, 0.03, 0.05], 0.5, sr)
            grain += 0.4 * band_noise(self.rng, len(grain), sr, 1000, 7000) * decay_envelope(len(grain), sr, 0.003)
            add_grain(out, sr, t, grain, self.rng.uniform(0.7, 1.0))
        return out


class SawingWood(Scene, label="sawing wood"):
    """A hand saw cutting a plank; the rasp follows the saw's speed, louder on the push stroke."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
        tg = self.fine_grid()
        f = rng.uniform(0.8, 1.8) * (1 + 0.25 * smooth_noise(rng, tg, 0.05, 0.2))
        self.t_grid = tg
        self.phase = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.cumsum(f) * (tg[1] - tg[0])
        self.amp = rng.uniform(0.08, 0.14) * s
        self.stroke = self.amp * np.sin(self.phase)
        self.vel = np.gradient(self.stroke, tg)
        self.cut_x = rng.uniform(0.22, 0.38) * s
        self.plank_y = rng.uniform(0.55, 0.65) * s
        self.alpha = rng.uniform(0.3, 0.55)
        self.wood = random_colour(rng, 0.5, 0.85) * np.array([1.0, 0.78, 0.5], np.float32)
        self.handle = bright_colour(rng)
        self.tooth_pitch = rng.uniform(0.004, 0.008) * s

    def offset(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.stroke)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [np.array([0.75, 0.77, 0.8]), self.handle]
        img = self.sky(distinct_colour(rng, movers, 0.3, 0.9), distinct_colour(rng, movers, 0.2, 0.8), s)
        img = img * grating_texture(rng, self.ys, self.xs, 0.1)
        ys, xs = self.ys, self.xs
        raster.paint(img, raster.box(xs, ys, 0.5 * s, self.plank_y + 0.04 * s, 0.6 * s, 0.04 * s),
                     self.wood)
        for lx in (0.25, 0.75):
            raster.paint(img, raster.box(xs, ys, lx * s, (self.plank_y + s) / 2 + 0.04 * s, 0.02 * s,
                                         (s - self.plank_y) / 2), shade(self.wood, 0.6))
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
        noise = band_noise(self.rng, self.n_samples, sr, 1200, 6000)
        return (noise * speed * push * rasp).astype(np.float32)
