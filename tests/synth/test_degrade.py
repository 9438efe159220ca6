"""Noise at an exact SNR, noise colours, synthetic reverberation."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import welch

from mmpt.synth.degrade import (
    NOISE_RMS,
    NOISES,
    add_noise,
    avoid_clipping,
    babble_noise,
    brown_noise,
    cafe_noise,
    colored_noise,
    fit_length,
    pink_noise,
    reverberate,
    schroeder_rt60,
    snr_db,
    synthetic_rir,
    white_noise,
)

SR = 16000


def speechlike(n: int, rng: np.random.Generator) -> np.ndarray:
    """Amplitude-modulated harmonic signal with pauses, float32 [n]."""
    t = np.arange(n) / SR
    x = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 3 * t), 0, None) * (rng.uniform(0.5, 1.0))
    return (0.2 * x * envelope).astype(np.float32)


@pytest.mark.parametrize("kind", sorted(NOISES))
@pytest.mark.parametrize("target", [-5.0, 0.0, 10.0, 20.0])
@pytest.mark.parametrize("noise_len", [8000, 48000])  # looped and cropped
def test_add_noise_exact_snr(kind, target, noise_len):
    rng = np.random.default_rng(1)
    clean = speechlike(32000, rng)
    noise = NOISES[kind](noise_len, rng)
    noisy = add_noise(clean, noise, target, rng)
    assert noisy.dtype == np.float32 and noisy.shape == clean.shape
    assert np.all(np.isfinite(noisy)) and np.abs(noisy).max() <= 1.0
    assert abs(snr_db(clean, noisy.astype(np.float64) - clean) - target) < 0.1


def test_add_noise_avoids_clipping_and_keeps_snr():
    rng = np.random.default_rng(2)
    clean = 0.95 * np.sign(np.sin(np.linspace(0, 200, 16000))).astype(np.float32)
    noisy = add_noise(clean, white_noise(16000, rng), 0.0, rng)
    assert np.abs(noisy).max() <= 0.99 + 1e-6
    # the mixture was scaled as a whole: the clean part's gain is the projection, the rest is noise
    g = float(np.dot(noisy, clean) / np.dot(clean, clean))
    assert 0.1 < g < 0.99
    assert abs(snr_db(g * clean, noisy - g * clean) - 0.0) < 0.3


def test_add_noise_is_deterministic():
    clean = speechlike(16000, np.random.default_rng(0))
    noise = pink_noise(40000, np.random.default_rng(0))
    a = add_noise(clean, noise, 5.0, np.random.default_rng(7))
    b = add_noise(clean, noise, 5.0, np.random.default_rng(7))
    c = add_noise(clean, noise, 5.0, np.random.default_rng(8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_add_noise_rejects_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="silent"):
        add_noise(np.zeros(100), white_noise(100, rng), 5.0, rng)
    with pytest.raises(ValueError, match="mono"):
        add_noise(np.ones((2, 100)), white_noise(100, rng), 5.0, rng)
    with pytest.raises(ValueError, match="NaN"):
        add_noise(np.full(100, np.nan), white_noise(100, rng), 5.0, rng)
    with pytest.raises(ValueError, match="silent noise"):
        add_noise(np.ones(100), np.zeros(50), 5.0, rng)


@pytest.mark.parametrize("fn,slope", [(white_noise, 0.0), (pink_noise, -1.0), (brown_noise, -2.0)])
def test_noise_colours(fn, slope):
    x = fn(SR * 4, np.random.default_rng(3))
    assert x.dtype == np.float32 and np.sqrt(np.mean(x.astype(np.float64) ** 2)) == pytest.approx(NOISE_RMS)
    f, p = welch(x, fs=SR, nperseg=4096)
    band = (f > 50) & (f < 5000)
    fitted = np.polyfit(np.log10(f[band]), np.log10(p[band]), 1)[0]
    assert abs(fitted - slope) < 0.25


def test_babble_and_cafe():
    rng = np.random.default_rng(4)
    sources = [speechlike(n, rng) for n in (12000, 20000, 30000)]
    for noise in (babble_noise(24000, sources, rng), cafe_noise(24000, rng, SR, sources),
                  cafe_noise(24000, rng, SR)):
        assert noise.shape == (24000,) and np.all(np.isfinite(noise))
        assert np.sqrt(np.mean(noise.astype(np.float64) ** 2)) == pytest.approx(NOISE_RMS, rel=1e-4)
    a = cafe_noise(8000, np.random.default_rng(5), SR, sources)
    assert np.array_equal(a, cafe_noise(8000, np.random.default_rng(5), SR, sources))
    with pytest.raises(ValueError, match="source"):
        babble_noise(100, [], rng)


def test_fit_length_loops_and_crops():
    rng = np.random.default_rng(6)
    x = np.arange(10, dtype=np.float64) + 1
    looped = fit_length(x, 25, rng)
    assert looped.shape == (25,) and set(looped) == set(x)
    assert np.array_equal(np.diff(looped) % 10, np.ones(24))  # contiguous, wrapping
    crop = fit_length(x, 4, rng)
    assert crop.shape == (4,) and np.all(np.diff(crop) == 1)


@pytest.mark.parametrize("rt60", [0.3, 0.6, 1.0])
def test_rir_decays_at_rt60(rt60):
    rir = synthetic_rir(rt60, np.random.default_rng(0), SR)
    assert rir[0] == 1.0 and np.all(np.isfinite(rir))
    assert schroeder_rt60(rir, SR) == pytest.approx(rt60, rel=0.1)


def test_reverb_adds_a_decaying_tail():
    rng = np.random.default_rng(9)
    burst = np.zeros(SR, np.float32)
    burst[:int(0.3 * SR)] = white_noise(int(0.3 * SR), rng) * 3
    end = int(0.3 * SR)

    def tail_energy(x):
        return float(np.sum(x[end + 800:end + 4800].astype(np.float64) ** 2))

    assert tail_energy(burst) == 0.0
    short = reverberate(burst, 0.2, np.random.default_rng(1), SR)
    long = reverberate(burst, 0.8, np.random.default_rng(1), SR)
    for y in (short, long):
        assert y.shape == burst.shape and y.dtype == np.float32
        assert np.all(np.isfinite(y)) and np.abs(y).max() <= 1.0
    assert tail_energy(long) > 3 * tail_energy(short) > 0
    # the tail decays: later windows hold less energy than earlier ones
    w = [np.sum(long[end + k * 1600:end + (k + 1) * 1600].astype(np.float64) ** 2) for k in range(4)]
    assert w[0] > w[1] > w[2] > w[3]
    assert np.array_equal(long, reverberate(burst, 0.8, np.random.default_rng(1), SR))


def test_reverb_keeps_level_and_rejects_bad_rt60():
    rng = np.random.default_rng(10)
    x = speechlike(SR, rng)
    y = reverberate(x, 0.5, rng, SR)
    assert np.sqrt(np.mean(y.astype(np.float64) ** 2)) == pytest.approx(
        np.sqrt(np.mean(x.astype(np.float64) ** 2)), rel=0.05)
    with pytest.raises(ValueError, match="rt60"):
        reverberate(x, 0.0, rng, SR)


def test_avoid_clipping_only_scales_down():
    x = np.array([0.5, -2.0, 1.0])
    assert np.abs(avoid_clipping(x)).max() == pytest.approx(0.99)
    small = np.array([0.1, -0.2], np.float32)
    assert np.array_equal(avoid_clipping(small), small)


def test_colored_noise_short_input():
    assert colored_noise(1, np.random.default_rng(0), 1.0).shape == (1,)
