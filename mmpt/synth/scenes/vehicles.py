"""Vehicles: a police car with its rotating light and siren, a car driving past with its engine."""
from __future__ import annotations

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene
from mmpt.synth.scenes.palette import bright_colour, distinct_colour, random_colour
from mmpt.synth.scenes.sounds import band_noise, oscillator, smooth_noise


class PoliceSiren(Scene, label="police siren"):
    """A police car at night with a rotating beacon; the siren's pitch follows the beam's angle."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
        self.f_rot = rng.uniform(0.5, 1.5) * rng.choice([-1, 1])
        self.phi0 = rng.uniform(0, 2 * np.pi)
        self.f_lo = rng.uniform(550, 750)
        self.f_hi = self.f_lo * rng.uniform(1.7, 2.2)
        self.street = rng.uniform(0.7, 0.82) * s
        self.car_x = rng.uniform(0.35, 0.65) * s
        self.car_w = rng.uniform(0.22, 0.3) * s
        self.car_y = self.street - 0.02 * s
        self.beacon = (self.car_x, self.car_y - 0.16 * s)
        self.body = random_colour(rng, 0.75, 1.0)
        self.stripe = random_colour(rng, 0.0, 0.4)

    def angle(self, t: np.ndarray) -> np.ndarray:
        """Direction of the red beam (radians) at times ``t``; the blue beam points the other way."""
        return self.phi0 + 2 * np.pi * self.f_rot * t

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(random_colour(rng, 0.0, 0.12), random_colour(rng, 0.05, 0.25), self.street)
        ys, xs = self.ys, self.xs
        x = 0.0
        while x < s:  # buildings with lit windows
            w = rng.uniform(0.12, 0.3) * s
            top = rng.uniform(0.2, 0.55) * s
            raster.paint(img, raster.box(xs, ys, x + w / 2, (top + self.street) / 2, w / 2 - 1,
                                         (self.street - top) / 2), random_colour(rng, 0.05, 0.2))
            for _ in range(int(rng.integers(2, 7))):
                raster.paint(img, raster.box(xs, ys, x + rng.uniform(0.15, 0.85) * w,
                                             rng.uniform(top + 0.03 * s, self.street - 0.05 * s),
                                             0.015 * s, 0.02 * s), (0.9, 0.8, 0.4))
            x += w
        img = self.ground(img, self.street, random_colour(rng, 0.1, 0.25), random_colour(rng, 0.05, 0.15))
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
        tone = oscillator(freq, self.sr, [1.0, 0.0, 0.3, 0.0, 0.15])
        rumble = 0.1 * band_noise(self.rng, self.n_samples, self.sr, 40, 300)
        return tone + rumble


class DrivingCar(Scene, label="driving car"):
    """A car driving past, speeding up and slowing down; the engine's pitch follows its speed."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
        self.road = rng.uniform(0.7, 0.85) * s
        self.length = rng.uniform(0.3, 0.45) * s
        self.v_mean = rng.uniform(0.3, 0.6) * s
        self.dir = rng.choice([-1, 1])
        tg = self.fine_grid()
        v = self.v_mean * (1.0 + 0.75 * smooth_noise(rng, tg, 0.12, 0.4))  # speeding up, braking
        self.t_grid = tg
        self.v_grid = np.maximum(v, 0.15 * self.v_mean)
        self.p_grid = np.concatenate([[0.0], np.cumsum(self.v_grid[:-1]) * (tg[1] - tg[0])])
        self.p0 = rng.uniform(0, s + self.length)
        self.v_max = float(self.v_grid.max())
        self.body = bright_colour(rng)
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
        img = self.sky(distinct_colour(rng, [self.body], 0.4, 0.9), distinct_colour(rng, [self.body], 0.6, 1.0),
                       self.road - 0.1 * s)
        ys, xs = self.ys, self.xs
        for _ in range(3):  # hills
            hill = raster.ellipse(xs, ys, rng.uniform(0, s), self.road, rng.uniform(0.3, 0.6) * s,
                                  rng.uniform(0.1, 0.3) * s)
            raster.paint(img, hill, random_colour(rng, 0.1, 0.5))
        for _ in range(int(rng.integers(1, 4))):  # trees
            tx = rng.uniform(0, s)
            raster.paint(img, raster.box(xs, ys, tx, self.road - 0.12 * s, 0.015 * s, 0.08 * s),
                         (0.35, 0.22, 0.1))
            raster.paint(img, raster.disc(xs, ys, tx, self.road - 0.22 * s, rng.uniform(0.05, 0.09) * s),
                         random_colour(rng, 0.05, 0.5) * np.array([0.5, 1.0, 0.5], np.float32))
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
        engine = oscillator(freq, self.sr, [1.0, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07, 0.05])
        road = band_noise(self.rng, self.n_samples, self.sr, 300, 2500)
        return engine * (0.5 + 0.5 * v).astype(np.float32) + 0.15 * road * v.astype(np.float32)
