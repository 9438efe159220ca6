"""Sound building blocks of the scenes: band-limited noise, struck modes, tones, envelopes."""
from __future__ import annotations

import math

import numpy as np


def smooth_noise(rng: np.random.Generator, t: np.ndarray, fmin: float, fmax: float, n: int = 3) -> np.ndarray:
    """Smooth random signal in [-1, 1]: a normalised sum of ``n`` slow sinusoids."""
    f = rng.uniform(fmin, fmax, size=n)
    ph = rng.uniform(0, 2 * np.pi, size=n)
    amp = rng.uniform(0.5, 1.0, size=n)
    x = np.sum(amp[:, None] * np.sin(2 * np.pi * f[:, None] * t[None, :] + ph[:, None]), axis=0)
    return (x / amp.sum()).astype(np.float64)


def bandpass(x: np.ndarray, sr: int, lo: float, hi: float) -> np.ndarray:
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


def band_noise(rng: np.random.Generator, n: int, sr: int, lo: float = 0.0, hi: float = 8000.0) -> np.ndarray:
    """Band-limited white noise with unit RMS."""
    x = bandpass(rng.standard_normal(max(n, 2)), sr, lo, hi)[:n]
    return (x / (np.sqrt(np.mean(x ** 2)) + 1e-9)).astype(np.float32)


def decay_envelope(n: int, sr: int, decay: float, attack: float = 0.0005) -> np.ndarray:
    """Envelope [n]: linear attack then exponential decay (time constant ``decay`` s)."""
    t = np.arange(n) / sr
    return (np.minimum(1.0, t / attack) * np.exp(-t / decay)).astype(np.float32)


def struck_modes(freqs, amps, decays, dur: float, sr: int) -> np.ndarray:
    """A struck object: sum of exponentially decaying sinusoids (start at phase 0, sharp onset)."""
    n = int(dur * sr)
    t = np.arange(n) / sr
    out = np.zeros(n, np.float64)
    for f, a, d in zip(freqs, amps, decays):
        if f < sr / 2:
            out += a * np.exp(-t / d) * np.sin(2 * np.pi * f * t)
    return (out * np.minimum(1.0, t / 0.0005)).astype(np.float32)


def add_grain(out: np.ndarray, sr: int, t: float, grain: np.ndarray, gain: float = 1.0) -> None:
    """Add ``grain`` to ``out`` starting at time ``t`` (s); parts outside ``out`` are dropped."""
    i = int(round(t * sr))
    a, b = max(i, 0), min(i + len(grain), len(out))
    if b > a:
        out[a:b] += gain * grain[a - i:b - i]


def oscillator(freq: np.ndarray, sr: int, harmonics, phase0: float = 0.0) -> np.ndarray:
    """Harmonic tone following the per-sample frequency ``freq`` [N] (Hz); harmonics above Nyquist
    are dropped sample by sample."""
    phase = phase0 + 2 * np.pi * np.cumsum(freq) / sr
    out = np.zeros(len(freq), np.float64)
    for k, a in enumerate(harmonics, start=1):
        out += a * np.sin(k * phase) * (k * freq < 0.45 * sr)
    return out.astype(np.float32)
