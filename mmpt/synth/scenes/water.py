"""Water: rain falling onto the ground and water poured into a glass."""
from __future__ import annotations

import math

import numpy as np

from mmpt.synth import raster
from mmpt.synth.scenes.base import Scene
from mmpt.synth.scenes.palette import bright_colour, distinct_colour, grating_texture, random_colour
from mmpt.synth.scenes.sounds import add_grain, band_noise, decay_envelope, struck_modes


class RainFalling(Scene, label="rain falling"):
    """Rain whose density drifts; each drop clicks when it lands, under a hiss that follows the density."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.drop_colour = random_colour(rng, 0.6, 0.9)

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
        return self.ground(img, self.horizon, random_colour(rng, 0.15, 0.4), random_colour(rng, 0.1, 0.3), 0.15)

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
            bank.append(struck_modes([f], [0.6], [0.003], 0.012, sr)
                        + 0.6 * band_noise(self.rng, n, sr, 1000, 7000) * decay_envelope(n, sr, 0.002))
        choice = self.rng.integers(len(bank), size=len(self.hit))
        gains = self.rng.uniform(0.2, 1.0, size=len(self.hit))
        for t, c, g in zip(self.hit, choice, gains):
            if 0 <= t < self.duration:
                add_grain(out, sr, t, bank[c], g)
        hiss = band_noise(self.rng, self.n_samples, sr, 800, 7000)
        out += 0.25 * hiss * np.sqrt(self.rate(self.audio_t) / self.rate_max).astype(np.float32)
        return out


class PouringWater(Scene, label="pouring water"):
    """Water poured into a glass in several pours; the gurgle rises in pitch as the glass fills."""

    def setup(self, rng: np.random.Generator, s: float) -> None:
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
        self.water = random_colour(rng, 0.3, 0.9) * np.array([0.5, 0.8, 1.0], np.float32)
        self.jug = bright_colour(rng)
        self.f_empty = rng.uniform(250, 450)

    def flow(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.q)

    def fill(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.t_grid, self.level)

    def background(self) -> np.ndarray:
        rng, s = self.rng, self.s
        movers = [self.jug, self.water]
        img = self.sky(distinct_colour(rng, movers, 0.4, 0.9), distinct_colour(rng, movers, 0.3, 0.8), s)
        img = img * grating_texture(rng, self.ys, self.xs, 0.08)
        return self.ground(img, self.glass_bottom, random_colour(rng, 0.3, 0.7), random_colour(rng, 0.2, 0.6))

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
        out = 0.15 * band_noise(self.rng, self.n_samples, sr, 200, 4000) * q.astype(np.float32)
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
            decay = decay_envelope(n, sr, self.rng.uniform(0.01, 0.03))
            grain = np.sin(2 * np.pi * np.cumsum(chirp) / sr) * decay
            add_grain(out, sr, b, grain.astype(np.float32), self.rng.uniform(0.2, 0.6))
        return out
