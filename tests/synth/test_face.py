"""Talking-face renderer: shapes, per-speaker appearance, lips in sync with the audio (measured from pixels)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from mmpt.synth.face import (
    MOUTH_INTERIOR,
    FaceAppearance,
    draw_face,
    face_track,
    mouth_region,
    render_talking_face,
    viseme_of,
)

SR = 16000
FPS = 25


def speech_like(duration: float = 4.0, seed: int = 0) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """A speech-like test signal and a matching fake phone alignment.

    Amplitude-modulated harmonic signal (f0 ~120 Hz, syllables at 3-5 Hz, slow loudness changes) with two
    pauses. Like real speech, vowels sit on the loud part of each syllable and consonants in the quieter
    part between syllables; the pauses are silence phones "_".
    """
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration * SR)) / SR
    rate, phi = rng.uniform(3.0, 5.0), rng.uniform(0, 2 * np.pi)
    syll = np.sin(2 * np.pi * rate * t + phi)
    env = (0.15 + 0.85 * np.clip(syll, 0, None) ** 1.5) * (0.5 + 0.5 * np.sin(2 * np.pi * 0.4 * t) ** 2)
    pauses = [(1.2, 1.7), (2.8, 3.2)]
    for a, b in pauses:
        env[(t >= a) & (t < b)] = 0.0
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    wav = 0.3 * env * sum(np.sin(k * phase) / k for k in range(1, 8))
    vowels, consonants = ["a", "u:", "i:", "O", "aI", "@", "e", "oU"], ["m", "f", "s", "t", "p", "k", "l"]
    half = 1.0 / (2 * rate)
    start = -phi / (2 * np.pi * rate)  # an upward zero crossing of the syllable sine (t <= 0)
    phones: list[tuple[str, float, float]] = []
    k = 0
    while start + k * half < duration:
        a, b = start + k * half, start + (k + 1) * half
        if k % 2 == 0:  # loud half: consonant onset, vowel nucleus
            spans = [(consonants[int(rng.integers(len(consonants)))], a, a + 0.2 * half),
                     (vowels[int(rng.integers(len(vowels)))], a + 0.2 * half, b - 0.1 * half),
                     (consonants[int(rng.integers(len(consonants)))], b - 0.1 * half, b)]
        else:
            spans = [(consonants[int(rng.integers(len(consonants)))], a, b)]
        for ph, x, y in spans:
            for p0, p1 in pauses:  # cut the pauses out
                if x < p1 and y > p0:
                    if x < p0:
                        phones.append((ph, max(x, 0.0), p0))
                    x = max(x, p1)
            if y > x and y > 0:
                phones.append((ph, max(x, 0.0), min(y, duration)))
        k += 1
    phones += [("_", a, b) for a, b in pauses]
    phones.sort(key=lambda p: p[1])
    return wav.astype(np.float32), phones


def interior_pixels(frames: np.ndarray, appearance: FaceAppearance, size: int) -> np.ndarray:
    """Per-frame count of mouth-interior (dark red) pixels in the mouth region -> [T]."""
    y0, y1, x0, x1 = mouth_region(appearance, size)
    region = frames[:, y0:y1, x0:x1].astype(np.int16)
    ref = np.round(np.asarray(MOUTH_INTERIOR) * 255).astype(np.int16)
    return (np.abs(region - ref).max(axis=-1) < 15).sum(axis=(1, 2))


def test_shapes_and_dtype():
    wav, phones = speech_like(1.03)
    a = FaceAppearance.from_speaker("spk1")
    frames = render_talking_face(wav, SR, phones, a, fps=FPS, size=48, rng=np.random.default_rng(0))
    assert frames.dtype == np.uint8
    assert frames.shape == (math.ceil(1.03 * FPS), 48, 48, 3)
    empty = render_talking_face(np.zeros(0, np.float32), SR, [], a, size=32, rng=np.random.default_rng(0))
    assert empty.shape == (0, 32, 32, 3)


def test_appearance_fixed_per_speaker_and_different_across_speakers():
    assert FaceAppearance.from_speaker("spk1") == FaceAppearance.from_speaker("spk1")
    assert FaceAppearance.from_speaker("spk1", seed=1) != FaceAppearance.from_speaker("spk1")
    faces = [FaceAppearance.from_speaker(f"spk{i}") for i in range(6)]
    assert len(set(faces)) == 6
    silence = np.zeros(SR // 5, np.float32)
    stills = [render_talking_face(silence, SR, [], a, size=64, rng=np.random.default_rng(0))[0] for a in faces]
    for i in range(len(stills)):
        for j in range(i + 1, len(stills)):
            assert np.abs(stills[i].astype(int) - stills[j].astype(int)).mean() > 10


@pytest.mark.parametrize("size", [96, 112])
def test_mouth_opening_measured_from_pixels_follows_audio_energy(size):
    rs = []
    for seed in range(4):
        wav, phones = speech_like(4.0, seed)
        a = FaceAppearance.from_speaker(f"speaker{seed}")
        track = face_track(wav, SR, phones, fps=FPS, rng=np.random.default_rng(seed))
        frames = draw_face(track, a, size)
        opening_px = interior_pixels(frames, a, size)
        r_energy = np.corrcoef(opening_px, track.energy)[0, 1]
        r_track = np.corrcoef(opening_px, track.opening)[0, 1]
        assert r_track > 0.8, (seed, r_track)  # the pixels show the opening the track asked for
        rs.append(r_energy)
    assert min(rs) > 0.55, rs  # Pearson r of the opening seen in the pixels with the frame RMS


def test_mouth_closed_during_silence():
    wav, phones = speech_like(4.0, 1)
    a = FaceAppearance.from_speaker("quiet")
    track = face_track(wav, SR, phones, fps=FPS, rng=np.random.default_rng(0))
    frames = draw_face(track, a, 96)
    px = interior_pixels(frames, a, 96)
    # frames whose 2-frame analysis window lies inside a pause (1.2-1.7 s, 2.8-3.2 s)
    centres = (np.arange(len(frames)) + 0.5) / FPS
    silent = ((centres > 1.2 + 0.1) & (centres < 1.7 - 0.1)) | ((centres > 2.8 + 0.1) & (centres < 3.2 - 0.1))
    assert silent.sum() >= 10
    assert np.all(track.opening[silent] == 0)
    assert np.all(px[silent] == 0)
    assert px[~silent].max() > 20


def test_mouth_shape_follows_phone():
    t = np.arange(2 * SR) / SR
    tone = (0.3 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)  # steady voicing
    a = FaceAppearance.from_speaker("shape")
    measured = {}
    for phone in ("u:", "i:", "a", "m", "f"):
        track = face_track(tone, SR, [(phone, 0.0, 2.0)], fps=FPS, rng=np.random.default_rng(0))
        frames = draw_face(track, a, 96)
        y0, y1, x0, x1 = mouth_region(a, 96)
        ref = np.round(np.asarray(MOUTH_INTERIOR) * 255)
        mask = np.abs(frames[20:30, y0:y1, x0:x1].astype(int) - ref).max(-1) < 15
        measured[phone] = (mask.any(axis=1).sum(axis=-1).mean(), mask.any(axis=2).sum(axis=-1).mean())
    width = {p: w for p, (w, h) in measured.items()}
    height = {p: h for p, (w, h) in measured.items()}
    assert width["u:"] < 0.7 * width["i:"]          # rounded: narrow; spread: wide
    assert height["a"] > 1.5 * height["i:"]          # open vowel: tall
    assert width["m"] == 0                           # bilabial closure
    assert height["f"] <= 1.0 < height["i:"]         # lower lip under the teeth: at most a slit


def test_viseme_mapping_of_espeak_mnemonics():
    assert viseme_of("'u:") == "rounded"
    assert viseme_of("aI") == "open"
    assert viseme_of("i:") == "spread"
    assert viseme_of("p") == viseme_of("b") == viseme_of("m") == "bilabial"
    assert viseme_of("f") == viseme_of("v") == "labiodental"
    assert viseme_of("T") == viseme_of("D") == "dental"
    assert viseme_of("tS") == viseme_of("S") == "postalveolar"
    assert viseme_of("s") == "alveolar"
    assert viseme_of("@") == "mid"
    assert viseme_of("_") == viseme_of("sil") == "sil"
    assert viseme_of("§") == "neutral"  # unknown symbols fall back


def test_blinks_and_small_smooth_head_motion():
    wav, phones = speech_like(8.0, 2)
    track = face_track(wav, SR, phones, fps=FPS, rng=np.random.default_rng(3))
    assert track.eye_open.min() < 0.2 and np.median(track.eye_open) > 0.95
    blink = int(np.argmin(track.eye_open))
    a = FaceAppearance.from_speaker("blinker")
    frames = draw_face(track, a, 96)
    assert np.abs(frames[blink].astype(int) - frames[max(blink - 4, 0)].astype(int)).max() > 100
    shift = np.abs(track.pose[:, :2]).max() * 96
    assert 0.3 < shift < 6  # moves, by a few pixels
    assert np.abs(np.diff(track.pose[:, :2], axis=0)).max() * 96 < 1.0  # smoothly
    assert np.abs(track.pose[:, 2]).max() < 0.15  # radians


def test_deterministic_given_rng():
    wav, phones = speech_like(2.0, 4)
    a = FaceAppearance.from_speaker("same")
    f1 = render_talking_face(wav, SR, phones, a, size=64, rng=np.random.default_rng(7))
    f2 = render_talking_face(wav, SR, phones, a, size=64, rng=np.random.default_rng(7))
    f3 = render_talking_face(wav, SR, phones, a, size=64, rng=np.random.default_rng(8))
    assert np.array_equal(f1, f2)
    assert not np.array_equal(f1, f3)


def test_phone_spans_as_objects():
    @dataclass
    class PhoneSpan:
        phone: str
        start: float
        end: float

    wav, phones = speech_like(1.0, 5)
    t1 = face_track(wav, SR, phones, rng=np.random.default_rng(0))
    t2 = face_track(wav, SR, [PhoneSpan(*p) for p in phones], rng=np.random.default_rng(0))
    assert t1.visemes == t2.visemes
    assert np.array_equal(t1.opening, t2.opening)


def test_bad_input_is_reported():
    a = FaceAppearance.from_speaker("x")
    with pytest.raises(ValueError, match="mono"):
        render_talking_face(np.zeros((2, 100), np.float32), SR, [], a, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="size"):
        render_talking_face(np.zeros(100, np.float32), SR, [], a, size=8, rng=np.random.default_rng(0))
