"""Action scenes: every class renders, clips differ, and sound and motion are in sync (measured from the
rendered pixels and the audio alone)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from mmpt.synth.scenes import SCENE_CLASSES, make_scene, render_scene

SR = 16000
FPS = 25


def onset_times(audio: np.ndarray, hop: float = 0.002, win: float = 0.01, rise: float = 10.0,
                rel: float = 0.01, min_gap: float = 0.15) -> np.ndarray:
    """Times (s) where the short-time energy jumps by ``rise`` over its minimum of the last 20 ms."""
    h, w = int(hop * SR), int(win * SR)
    cs = np.concatenate([[0.0], np.cumsum(audio.astype(np.float64) ** 2)])
    starts = np.arange(0, len(audio) - w, h)
    e = (cs[starts + w] - cs[starts]) / w
    back = int(0.02 / hop)
    prev = np.array([e[max(0, i - back):i].min() if i else 0.0 for i in range(len(e))])
    found: list[int] = []
    for i in np.flatnonzero((e > rel * e.max()) & (e > rise * (prev + 1e-12))):
        if not found or (i - found[-1]) * hop > min_gap:
            found.append(int(i))
    return np.asarray(found) * hop


def moving_mask(frames: np.ndarray, still: np.ndarray, threshold: int = 40) -> np.ndarray:
    """Pixels that differ from the scene's still background -> bool [T, H, W]."""
    bg = np.round(still * 255).astype(np.int16)
    return np.abs(frames.astype(np.int16) - bg).max(axis=-1) > threshold


def render_with_still(label: str, duration: float, size: int, seed: int):
    scene = make_scene(label, duration, size=size, rng=np.random.default_rng(seed))
    frames, audio = scene.render()
    return frames, audio, scene.static


def assert_events_match(audio_frames, pixel_frames, tol: int = 1):
    """Every sound onset lies within ``tol`` frames of a contact seen in the pixels, and vice versa."""
    a, p = np.asarray(audio_frames), np.asarray(pixel_frames)
    assert len(a) >= 3 and len(p) >= 3, (a, p)
    unmatched_audio = [f for f in a if np.abs(p - f).min() > tol]
    unmatched_pixels = [f for f in p if np.abs(a - f).min() > tol]
    assert not unmatched_audio and not unmatched_pixels, (a, p)


def test_at_least_ten_classes():
    assert len(SCENE_CLASSES) >= 10
    assert len(set(SCENE_CLASSES)) == len(SCENE_CLASSES)
    assert all(label == label.strip().lower() for label in SCENE_CLASSES)


@pytest.mark.parametrize("label", SCENE_CLASSES)
def test_every_class_renders(label):
    frames, audio = render_scene(label, 1.5, size=32, rng=np.random.default_rng(0))
    assert frames.dtype == np.uint8 and frames.shape == (math.ceil(1.5 * FPS), 32, 32, 3)
    assert audio.dtype == np.float32 and audio.shape == (int(1.5 * SR),)
    assert np.all(np.isfinite(audio)) and 0.2 < np.abs(audio).max() <= 1.0
    assert np.abs(np.diff(frames.astype(np.int16), axis=0)).max() > 30  # something moves


def test_durations_and_rates():
    frames, audio = render_scene("bouncing ball", 1.01, fps=30, size=24, sr=8000,
                                 rng=np.random.default_rng(0))
    assert frames.shape[0] == math.ceil(1.01 * 30) and audio.shape == (round(1.01 * 8000),)


def test_classes_and_clips_differ():
    firsts = {}
    for label in SCENE_CLASSES:
        frames, audio = render_scene(label, 1.0, size=32, rng=np.random.default_rng(3))
        firsts[label] = (frames, audio)
    labels = list(firsts)
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            fa, fb = firsts[labels[i]][0], firsts[labels[j]][0]
            assert np.abs(fa.astype(int) - fb.astype(int)).mean() > 5, (labels[i], labels[j])
    other, _ = render_scene("driving car", 1.0, size=32, rng=np.random.default_rng(4))
    assert np.abs(other.astype(int) - firsts["driving car"][0].astype(int)).mean() > 5


def test_deterministic_given_seed():
    a = render_scene("playing drums", 2.0, size=32, rng=np.random.default_rng(11))
    b = render_scene("playing drums", 2.0, size=32, rng=np.random.default_rng(11))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_unknown_class_is_reported():
    with pytest.raises(ValueError, match="unknown scene class 'juggling'.*bouncing ball"):
        render_scene("juggling", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="duration"):
        render_scene("clapping", 0.0, rng=np.random.default_rng(0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ball_impacts_sound_when_it_touches_the_floor(seed):
    duration, size = 6.0, 64
    frames, audio, still = render_with_still("bouncing ball", duration, size, seed)
    mask = moving_mask(frames, still)
    rows = np.arange(size)
    top = np.array([rows[m.any(axis=1)].min() for m in mask])  # top of the ball (its shadow is lower)
    contacts = [i for i in range(2, len(top) - 2)
                if top[i] == top[i - 2:i + 3].max() and top[i] > top[i + 1]
                and top[i] - min(top[i - 2], top[i + 2]) >= 2]  # lowest point of a V
    onsets = onset_times(audio)
    inside = (onsets > 0.1) & (onsets < duration - 0.1)
    audio_frames = np.round(onsets[inside] * FPS).astype(int)
    contacts = [c for c in contacts if 0.1 * FPS < c < (duration - 0.1) * FPS]
    assert_events_match(audio_frames, contacts)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hand_claps_sound_when_the_hands_meet(seed):
    duration, size = 6.0, 64
    frames, audio, still = render_with_still("clapping", duration, size, seed)
    mask = moving_mask(frames, still)
    gap = np.zeros(len(frames))
    for i, m in enumerate(mask):  # empty columns between the two hands, in the top band of the arms
        ys, xs = np.nonzero(m)
        cols = np.unique(xs[ys < ys.min() + 0.1 * size])
        gap[i] = max(int(np.diff(cols).max()) - 1, 0) if len(cols) > 1 else 0
    meet = [i for i in range(1, len(gap) - 1)
            if gap[i] < gap[i - 1] and gap[i] <= gap[i + 1] and gap[i] < 0.5 * gap.max()]
    onsets = onset_times(audio)
    inside = (onsets > 0.1) & (onsets < duration - 0.1)
    meet = [c for c in meet if 0.1 * FPS < c < (duration - 0.1) * FPS]
    assert_events_match(np.round(onsets[inside] * FPS).astype(int), meet)


def dominant_pitch(audio: np.ndarray, t: float, lo: float = 15.0, hi: float = 200.0) -> float:
    """Frequency (Hz) of the strongest spectral peak in [lo, hi] in a 0.25 s window at ``t``."""
    c, w = int(t * SR), int(0.25 * SR)
    seg = audio[max(0, c - w // 2):c + w // 2]
    spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), 1 << 16))
    f = np.fft.rfftfreq(1 << 16, 1.0 / SR)
    band = (f > lo) & (f < hi)
    return float(f[band][np.argmax(spec[band])])


@pytest.mark.parametrize("seed", [0, 1])
def test_engine_pitch_follows_car_speed(seed):
    duration, size = 8.0, 96
    frames, audio, still = render_with_still("driving car", duration, size, seed)
    mask = moving_mask(frames, still)
    cols = np.arange(size)
    x = np.full(len(frames), np.nan)
    for i, m in enumerate(mask):
        seen = m.any(axis=0)
        if seen.any() and not seen[0] and not seen[-1]:  # car fully in view
            x[i] = (m.sum(axis=0) * cols).sum() / m.sum()
    speed = np.abs(x[4:] - x[:-4]) * FPS / 4
    ok = np.isfinite(speed) & (speed < size * FPS / 8)  # drop the wrap-around jumps
    idx = np.arange(2, len(frames) - 2)[ok]
    assert len(idx) > 30
    pitch = [dominant_pitch(audio, i / FPS) for i in idx]
    r = np.corrcoef(speed[ok], pitch)[0, 1]
    assert r > 0.9, r


@pytest.mark.parametrize("seed", [0, 1])
def test_rain_sound_follows_drop_density(seed):
    duration, size = 8.0, 64
    frames, audio, still = render_with_still("rain falling", duration, size, seed)
    drops = moving_mask(frames, still, threshold=20).sum(axis=(1, 2))
    hop = SR // FPS
    n = len(audio) // hop
    rms = np.sqrt((audio[:n * hop].reshape(n, hop) ** 2).mean(axis=1))
    r = np.corrcoef(drops[:n], rms)[0, 1]
    assert r > 0.7, r


def test_scene_package_layout():
    """The scenes package: small modules importing each other without cycles, every class registered by
    its header under its label."""
    import ast
    import graphlib
    from pathlib import Path

    import mmpt.synth.scenes as scenes
    from mmpt.synth.scenes.base import REGISTRY, Scene

    graph = {}
    for path in Path(scenes.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 600, path.name
        imports = [node.module or "" for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ImportFrom)]
        graph[path.stem] = {m.rsplit(".", 1)[-1] for m in imports if m.startswith("mmpt.synth.scenes.")}
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
    assert SCENE_CLASSES == sorted(REGISTRY) and len(SCENE_CLASSES) == 12
    assert all(issubclass(cls, Scene) and cls.label == label for label, cls in REGISTRY.items())
    assert all(getattr(scenes, name) is not None for name in scenes.__all__)
