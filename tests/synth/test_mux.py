"""mp4 writer: round trip through PyAV, video-only clips, reproducible bytes, clear errors."""
from __future__ import annotations

import av
import numpy as np
import pytest

from mmpt.synth.mux import write_av_mp4

SR = 16000
FPS = 25


def moving_frames(n: int = 50, h: int = 48, w: int = 64) -> np.ndarray:
    """A bright square moving over a gradient -> uint8 [n, h, w, 3]."""
    ys, xs = np.mgrid[0:h, 0:w]
    frames = np.empty((n, h, w, 3), np.uint8)
    for i in range(n):
        img = np.stack([xs * 255 // w, ys * 255 // h, np.full_like(xs, 80)], axis=-1)
        x0 = (2 * i) % (w - 10)
        img[10:20, x0:x0 + 10] = (250, 250, 40)
        frames[i] = img
    return frames


def clicks(duration: float, at: list[float]) -> np.ndarray:
    """Quiet tone with short loud clicks at the given times (s)."""
    t = np.arange(int(duration * SR)) / SR
    audio = 0.05 * np.sin(2 * np.pi * 300 * t)
    for c in at:
        i = int(c * SR)
        audio[i:i + 40] = 0.9
    return audio.astype(np.float32)


def decode(path):
    with av.open(str(path)) as c:
        info = {"video": [(s.codec_context.name, s.average_rate, s.width, s.height) for s in c.streams.video],
                "audio": [(s.codec_context.name, s.sample_rate, s.channels) for s in c.streams.audio]}
        frames = np.stack([f.to_ndarray(format="rgb24") for f in c.decode(video=0)])
    audio = None
    if info["audio"]:
        with av.open(str(path)) as c:
            audio = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    return info, frames, audio


def test_round_trip(tmp_path):
    frames = moving_frames(50)
    audio = clicks(2.0, [0.5, 1.3])
    path = write_av_mp4(tmp_path / "clip.mp4", frames, FPS, audio, SR)
    info, decoded, pcm = decode(path)
    assert info["video"] == [("h264", FPS, 64, 48)]
    assert info["audio"] == [("aac", SR, 1)]
    assert decoded.shape == frames.shape
    assert np.abs(decoded.astype(int) - frames.astype(int)).mean() < 6  # lossy, but the same picture
    assert abs(len(pcm) / SR - len(frames) / FPS) < 0.1  # audio lasts as long as the video
    # the clicks are where they were put: the encoder delay is compensated (no A/V offset)
    env = np.abs(pcm)
    for c in (0.5, 1.3):
        window = env[int((c - 0.1) * SR):int((c + 0.1) * SR)]
        peak = (np.argmax(window) + int((c - 0.1) * SR)) / SR
        assert abs(peak - c) < 0.005, (c, peak)


def test_video_only_clip_has_no_audio_stream(tmp_path):
    path = write_av_mp4(tmp_path / "silent.mp4", moving_frames(10), FPS, None)
    info, decoded, pcm = decode(path)
    assert info["audio"] == [] and pcm is None
    assert len(decoded) == 10


def test_same_bytes_twice(tmp_path):
    frames, audio = moving_frames(30), clicks(1.2, [0.4])
    a = write_av_mp4(tmp_path / "a.mp4", frames, FPS, audio, SR).read_bytes()
    b = write_av_mp4(tmp_path / "b.mp4", frames, FPS, audio, SR).read_bytes()
    assert a == b
    c = write_av_mp4(tmp_path / "c.mp4", frames[::-1].copy(), FPS, audio, SR).read_bytes()
    assert a != c


def test_other_frame_rate(tmp_path):
    path = write_av_mp4(tmp_path / "30.mp4", moving_frames(15), 30, clicks(0.5, []), SR)
    info, decoded, _ = decode(path)
    assert info["video"][0][1] == 30 and len(decoded) == 15


def test_bad_input_is_reported_and_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="even width and height"):
        write_av_mp4(tmp_path / "odd.mp4", np.zeros((3, 15, 16, 3), np.uint8), FPS)
    with pytest.raises(ValueError, match="uint8"):
        write_av_mp4(tmp_path / "f.mp4", np.zeros((3, 16, 16, 3), np.float32), FPS)
    with pytest.raises(ValueError, match="mono"):
        write_av_mp4(tmp_path / "st.mp4", np.zeros((3, 16, 16, 3), np.uint8), FPS, np.zeros((2, 100)))
    with pytest.raises(ValueError, match="NaN"):
        write_av_mp4(tmp_path / "nan.mp4", np.zeros((3, 16, 16, 3), np.uint8), FPS,
                     np.full(100, np.nan, np.float32))
    assert list(tmp_path.iterdir()) == []
