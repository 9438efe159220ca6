"""Ball games: a ball bouncing on the floor and a ping-pong rally, each bounce heard when it lands."""
from __future__ import annotations

import math

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene
from mmpt.synth.scenes.palette import bright_colour, distinct_colour, grating_texture, random_colour, shade
from mmpt.synth.scenes.sounds import add_grain, band_noise, decay_envelope, struck_modes


class BouncingBall(Scene, label="bouncing ball"):
    """A ball bouncing on the floor; a thud at each contact, louder for faster impacts."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.colour = bright_colour(rng)
        self.floor_colour = distinct_colour(rng, [self.colour], 0.3, 0.8)
        self.wall = distinct_colour(rng, [self.colour], 0.2, 0.9)
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
        img = self.sky(self.wall, shade(self.wall, 0.8), self.floor)
        img = img * grating_texture(self.rng, self.ys, self.xs, 0.06)
        return self.ground(img, self.floor, self.floor_colour, shade(self.floor_colour, 0.75))

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
            grain = struck_modes([f, 1.59 * f, 2.14 * f, 90.0], [1.0, 0.5, 0.3, 0.8],
                                 [0.03, 0.02, 0.015, 0.04], 0.25, self.sr)
            grain += 0.5 * band_noise(self.rng, len(grain), self.sr, 500, 6000) * decay_envelope(
                len(grain), self.sr, 0.004)
            add_grain(out, self.sr, t, grain, (v / v0) ** 1.5)
        return out


class PlayingPingPong(Scene, label="playing ping pong"):
    """A table-tennis rally seen from the side: a click for each paddle hit and each table bounce."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.paddle_l, self.paddle_r = bright_colour(rng), bright_colour(rng)
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
        img = self.sky(distinct_colour(rng, movers, 0.2, 0.8), distinct_colour(rng, movers, 0.1, 0.6), s)
        img = self.ground(img, 0.85 * s, random_colour(rng, 0.2, 0.5), random_colour(rng, 0.1, 0.4))
        ys, xs = self.ys, self.xs
        top = random_colour(rng, 0.0, 0.4) * np.array([0.3, 1.0, 1.0], np.float32)
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
            grain = struck_modes([f, 0.45 * f, 2.3 * f], [1.0, 0.6, 0.3], [0.012, 0.02, 0.006], 0.08, sr)
            grain += 0.3 * band_noise(self.rng, len(grain), sr, 2000, 7000) * decay_envelope(len(grain), sr, 0.002)
            add_grain(out, sr, t, grain, self.rng.uniform(0.6, 1.0) * (1.0 if kind == "paddle" else 0.7))
        return out
