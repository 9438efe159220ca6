"""Degradations for the "other" conditions: additive noise at an exact SNR and synthetic reverberation.

All functions take and return float32 mono arrays [T] and draw randomness only from the numpy
``Generator`` they are given, so a seeded generator gives identical outputs. Outputs are finite and,
after ``avoid_clipping``, within [-1, 1].
"""
from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

NOISE_RMS = 0.1  # level of the generated noises (-20 dBFS); add_noise rescales anyway
PEAK = 0.99


def _as_mono(wav: np.ndarray, name: str) -> np.ndarray:
    x = np.asarray(wav, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name}: expected a non-empty mono waveform [T], got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: waveform has NaN or infinite samples")
    return x


def _power(x: np.ndarray) -> float:
    return float(np.mean(np.square(x, dtype=np.float64)))


def _to_rms(x: np.ndarray, rms: float = NOISE_RMS) -> np.ndarray:
    p = _power(x)
    return (x * (rms / np.sqrt(p)) if p > 0 else x).astype(np.float32)


def avoid_clipping(wav: np.ndarray, peak: float = PEAK) -> np.ndarray:
    """Scale the whole signal down (never up) so that max |x| <= peak; float32 [T]."""
    x = np.asarray(wav, dtype=np.float64)
    m = float(np.max(np.abs(x))) if x.size else 0.0
    return (x * (peak / m) if m > peak else x).astype(np.float32)


def snr_db(clean: np.ndarray, noise: np.ndarray) -> float:
    """10 log10(P_clean / P_noise), powers as mean squares over the whole signals."""
    return 10.0 * np.log10(_power(np.asarray(clean)) / _power(np.asarray(noise)))


def fit_length(noise: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random crop of ``noise`` of length n, looping it (from a random offset) when it is shorter."""
    x = _as_mono(noise, "noise")
    offset = int(rng.integers(0, len(x)))
    if len(x) >= n:
        offset = int(rng.integers(0, len(x) - n + 1))
        return x[offset:offset + n]
    return np.resize(np.roll(x, -offset), n)


def add_noise(wav: np.ndarray, noise: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """``wav`` + ``noise`` scaled to ``snr_db`` dB SNR (mean-square powers over the whole clip);
    the noise is cropped/looped to len(wav) at a random offset, the mixture scaled down if it clips.
    float32 [T]."""
    x = _as_mono(wav, "wav")
    n = fit_length(noise, len(x), rng)
    p_signal, p_noise = _power(x), _power(n)
    if p_signal == 0:
        raise ValueError("wav: silent signal, the SNR is undefined")
    if p_noise == 0:
        raise ValueError("noise: silent noise, the SNR is undefined")
    gain = np.sqrt(p_signal / (p_noise * 10.0 ** (snr_db / 10.0)))
    return avoid_clipping(x + gain * n)


# ---------------------------------------------------------------------------------------------- noises
def white_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian white noise, float32 [n] at NOISE_RMS."""
    return _to_rms(rng.standard_normal(n))


def colored_noise(n: int, rng: np.random.Generator, exponent: float) -> np.ndarray:
    """Noise with power spectrum ~ 1/f**exponent (1: pink, 2: brown), float32 [n] at NOISE_RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    f[0] = f[1] if n > 1 else 1.0  # no infinite DC gain
    x = np.fft.irfft(spectrum / f ** (exponent / 2.0), n)
    return _to_rms(x - x.mean())


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    return colored_noise(n, rng, 1.0)


def brown_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    return colored_noise(n, rng, 2.0)


def babble_noise(n: int, sources: list[np.ndarray], rng: np.random.Generator,
                 n_talkers: int = 6) -> np.ndarray:
    """Sum of ``n_talkers`` speech waveforms (drawn from ``sources``, e.g. other synthesised
    utterances) at random offsets, each at equal power; float32 [n] at NOISE_RMS."""
    if not sources:
        raise ValueError("babble_noise needs at least one speech source")
    mix = np.zeros(n)
    for _ in range(n_talkers):
        src = fit_length(sources[int(rng.integers(len(sources)))], n, rng)
        p = _power(src)
        if p > 0:
            mix += src / np.sqrt(p)
    return _to_rms(mix)


def cafe_noise(n: int, rng: np.random.Generator, sample_rate: int = 16000,
               sources: list[np.ndarray] | None = None) -> np.ndarray:
    """A cafe-like ambience: pink background, babble when speech ``sources`` are given, and short
    decaying tonal "clinks" (2-6 kHz, 5-15 ms decay) at random times; float32 [n] at NOISE_RMS."""
    mix = pink_noise(n, rng).astype(np.float64)
    if sources:
        mix += 1.5 * babble_noise(n, sources, rng)
    n_clinks = rng.poisson(max(n / sample_rate, 0.0) * 1.5)
    t = np.arange(int(0.1 * sample_rate)) / sample_rate
    for _ in range(n_clinks):
        freq, decay = rng.uniform(2000, 6000), rng.uniform(0.005, 0.015)
        clink = np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi)) * np.exp(-t / decay)
        at = int(rng.integers(0, n))
        seg = clink[:n - at] * rng.uniform(0.2, 0.6)
        mix[at:at + len(seg)] += seg
    return _to_rms(mix)


NOISES = {"white": white_noise, "pink": pink_noise, "brown": brown_noise}


# --------------------------------------------------------------------------------------------- reverb
def synthetic_rir(rt60: float, rng: np.random.Generator, sample_rate: int = 16000,
                  predelay: float = 0.0) -> np.ndarray:
    """Room impulse response float32 [L]: a direct path of 1 (after ``predelay`` s), a few early
    reflections (2-40 ms) and a Gaussian tail whose envelope falls by 60 dB in ``rt60`` seconds;
    L covers the decay down to -60 dB."""
    if rt60 <= 0:
        raise ValueError(f"rt60 must be > 0 seconds, got {rt60}")
    n = int(np.ceil(rt60 * sample_rate)) + 1
    t = np.arange(n) / sample_rate
    envelope = np.exp(-3.0 * np.log(10.0) * t / rt60)  # amplitude -60 dB at t = rt60
    h = rng.standard_normal(n) * envelope
    h[0] = 0.0
    # reverberant energy grows with rt60: equal to the direct path's at 0.3 s (0 dB direct-to-reverb)
    h *= np.sqrt((rt60 / 0.3) / np.sum(h ** 2))
    for _ in range(int(rng.integers(3, 7))):
        at = int(rng.uniform(0.002, 0.04) * sample_rate)
        if at < n:
            h[at] += rng.uniform(0.2, 0.6) * rng.choice([-1.0, 1.0]) * envelope[at]
    h[0] = 1.0
    d = int(round(predelay * sample_rate))
    return np.concatenate([np.zeros(d), h]).astype(np.float32)


def reverberate(wav: np.ndarray, rt60: float, rng: np.random.Generator,
                sample_rate: int = 16000) -> np.ndarray:
    """Convolve with ``synthetic_rir(rt60)`` (FFT); keeps the input length T, so timings made for
    ``wav`` stay valid (the tail past the end is cut), rescales to the input's RMS and avoids
    clipping. float32 [T]."""
    x = _as_mono(wav, "wav")
    h = synthetic_rir(rt60, rng, sample_rate).astype(np.float64)
    y = fftconvolve(x, h)[:len(x)]
    p_in, p_out = _power(x), _power(y)
    if p_out > 0:
        y *= np.sqrt(p_in / p_out)
    return avoid_clipping(y)


def schroeder_rt60(rir: np.ndarray, sample_rate: int = 16000) -> float:
    """RT60 estimated from an impulse response: Schroeder backward integration, line fit to the
    -5..-25 dB range of the decay curve, extrapolated to -60 dB."""
    energy = np.cumsum(np.square(np.asarray(rir, np.float64))[::-1])[::-1]
    curve = 10.0 * np.log10(energy / energy[0] + 1e-300)
    idx = np.flatnonzero((curve <= -5.0) & (curve >= -25.0))
    if idx.size < 2:
        raise ValueError("impulse response too short to estimate its decay")
    slope, _ = np.polyfit(idx / sample_rate, curve[idx], 1)
    return float(-60.0 / slope)
