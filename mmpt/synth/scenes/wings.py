"""A bird flapping its wings."""
from __future__ import annotations

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene
from mmpt.synth.scenes.palette import random_colour
from mmpt.synth.scenes.sounds import band_noise


class FlappingWings(Scene, label="flapping wings"):
    """A bird flying across the sky, flapping and gliding; a whoosh on every downstroke."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.bird = random_colour(rng, 0.0, 0.5)

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
        whoosh = band_noise(self.rng, self.n_samples, self.sr, 150, 1800)
        wind = 0.03 * band_noise(self.rng, self.n_samples, self.sr, 50, 400)
        return (whoosh * env ** 1.5).astype(np.float32) + wind
