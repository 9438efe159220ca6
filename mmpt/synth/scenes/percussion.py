"""Struck and clapped things: drums and cymbal, clapping hands, a swinging bell."""
from __future__ import annotations

import math

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene, hit_profile
from mmpt.synth.scenes.palette import bright_colour, distinct_colour, grating_texture, random_colour, shade
from mmpt.synth.scenes.sounds import add_grain, band_noise, decay_envelope, struck_modes


class PlayingDrums(Scene, label="playing drums"):
    """A drum and a cymbal played with two sticks to a random rhythm; each touch is a hit."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.shell = bright_colour(rng)
        self.f_drum = rng.uniform(90, 180)
        self.lift = rng.uniform(0.12, 0.2) * s

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        sticks = [np.array([0.75, 0.55, 0.3]), np.array([0.85, 0.7, 0.25])]
        img = self.sky(distinct_colour(rng, sticks, 0.2, 0.8), distinct_colour(rng, sticks, 0.1, 0.6), 0.7 * s)
        img = img * grating_texture(rng, self.ys, self.xs, 0.08)
        img = self.ground(img, 0.7 * s, random_colour(rng, 0.2, 0.6), random_colour(rng, 0.1, 0.4))
        ys, xs = self.ys, self.xs
        dx, dy = self.drum
        raster.paint(img, raster.box(xs, ys, dx, dy + 0.1 * s, self.drum_r, 0.1 * s), self.shell)
        raster.paint(img, raster.ellipse(xs, ys, dx, dy + 0.2 * s, self.drum_r, 0.3 * self.drum_r),
                     self.shell)
        cx, cy = self.cym
        raster.paint(img, raster.segment(xs, ys, cx, cy, cx, s, 0.008 * s + 0.3), (0.5, 0.5, 0.5))
        return img

    def tip_gap(self, t: np.ndarray, hits: np.ndarray) -> np.ndarray:
        return hit_profile(t, hits, 0.15) * self.lift

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
        drum = (np.sin(2 * np.pi * np.cumsum(f) / sr) * decay_envelope(n, sr, 0.18)
                + 0.4 * band_noise(self.rng, n, sr, 200, 4000) * decay_envelope(n, sr, 0.02)).astype(np.float32)
        cym = band_noise(self.rng, int(1.2 * sr), sr, 3000, 7900) * decay_envelope(int(1.2 * sr), sr, 0.35)
        for t in self.drum_hits:
            if t < self.duration:
                add_grain(out, sr, t, drum, self.rng.uniform(0.7, 1.0))
        for t in self.cym_hits:
            if t < self.duration:
                add_grain(out, sr, t, cym, 0.5 * self.rng.uniform(0.6, 1.0))
        return out


class Clapping(Scene, label="clapping"):
    """Two hands clapping in bursts; a clap sound each time they meet."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.skin = shade(random_colour(rng, 0.55, 1.0) * np.array([1.0, 0.8, 0.65], np.float32), 1.0)
        self.sleeve = distinct_colour(rng, [self.skin], 0.05, 0.9)
        self.centre = rng.uniform(0.45, 0.55) * s

    def gap(self, t: np.ndarray) -> np.ndarray:
        return hit_profile(t, self.claps, 0.2) * self.spread

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        wall = distinct_colour(rng, [self.skin, self.sleeve], min_dist=0.4)
        img = self.sky(wall, shade(wall, 0.9), s) * grating_texture(rng, self.ys, self.xs, 0.08)
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
                         shade(self.skin, 0.55))  # outline
            raster.paint(canvas, raster.ellipse(xs, ys, hx, self.hand_y, hw - line, hh - line,
                                                angle=side * 0.1), self.skin)
            raster.paint(canvas, raster.ellipse(xs, ys, hx + side * 0.4 * hw, self.hand_y + 0.02 * s,
                                                0.35 * hw, 0.05 * s), shade(self.skin, 0.85))

    def sound(self) -> np.ndarray:
        sr = self.sr
        out = np.zeros(self.n_samples, np.float32)
        n = int(0.15 * sr)
        for t in self.claps:
            if t < self.duration:
                body = band_noise(self.rng, n, sr, self.rng.uniform(600, 1200), self.rng.uniform(2500, 4500))
                grain = body * (decay_envelope(n, sr, self.rng.uniform(0.008, 0.015))
                                + 0.08 * decay_envelope(n, sr, 0.06))
                add_grain(out, sr, t, grain, self.rng.uniform(0.6, 1.0))
        return out


class RingingBell(Scene, label="ringing bell"):
    """A swinging bell; the clapper strikes it at both ends of the swing."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.metal = random_colour(rng, 0.5, 0.9) * np.array([1.0, 0.85, 0.4], np.float32)
        self.f0 = rng.uniform(350, 800)

    def theta(self, t: np.ndarray) -> np.ndarray:
        return self.theta_max * np.sin(2 * np.pi * self.f_swing * t + self.phi)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        img = self.sky(distinct_colour(rng, [self.metal], 0.3, 0.9), distinct_colour(rng, [self.metal], 0.2, 0.7), s)
        img = img * grating_texture(rng, self.ys, self.xs, 0.1)
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
                     shade(self.metal, 0.8))
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
        bell = struck_modes([r * self.f0 for r in ratios], amps, decays, 3.0, sr)
        bell += 0.3 * band_noise(self.rng, len(bell), sr, 1000, 7000) * decay_envelope(len(bell), sr, 0.003)
        for t in self.strikes:
            if t < self.duration:
                add_grain(out, sr, t, bell, self.rng.uniform(0.6, 1.0))
        return out
