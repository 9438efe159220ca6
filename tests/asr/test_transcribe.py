"""Long audio is cut at quiet frames into pieces of bounded length."""
from __future__ import annotations

import numpy as np
import pytest

from mmpt.asr.transcribe import split_points


def test_short_audio_is_one_piece():
    assert split_points(np.ones(16000), 16000, 30.0) == [0, 16000]


def test_cuts_are_bounded_and_at_silence():
    sr = 1000
    rng = np.random.default_rng(0)
    wav = rng.normal(size=25 * sr).astype(np.float32)
    wav[8600:8700] = 0.0  # a pause in the last quarter of the first 10 s window
    points = split_points(wav, sr, 10.0)
    assert points[0] == 0 and points[-1] == len(wav)
    assert all(0 < b - a <= 10 * sr for a, b in zip(points[:-1], points[1:]))
    assert 8600 <= points[1] < 8700
    with pytest.raises(ValueError):
        split_points(wav, sr, 0.0)
