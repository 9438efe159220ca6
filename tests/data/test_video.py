"""mmpt.data.video: probing, frame decoding (fps, resize, sampling), audio extraction, errors, real clips."""
from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from mmpt.data.audio import load_audio, read_audio
from mmpt.data.errors import AudioReadError, NoAudioStreamError, VideoReadError
from mmpt.data.video import extract_audio, probe_audio, probe_video, read_video

W, H = 64, 48
BITS = 8  # frame i shows i in binary: BITS vertical stripes, white for 1, black for 0


def encode_index(i: int) -> np.ndarray:
    img = np.zeros((H, W, 3), dtype=np.uint8)
    stripe = W // BITS
    for b in range(BITS):
        if (i >> b) & 1:
            img[:, b * stripe : (b + 1) * stripe] = 255
    return img


def decode_index(frame: np.ndarray) -> int:
    """Read the stripes back at their centres (robust to compression and resizing)."""
    h, w = frame.shape[:2]
    row = frame[h // 2].mean(axis=-1)
    return sum(1 << b for b in range(BITS) if row[int((b + 0.5) * w / BITS)] > 128)


def make_clip(path: Path, *, n_frames: int, fps: int, audio_sr: int | None = 16000, codec: str = "libx264") -> Path:
    """Write a clip whose frame i shows ``encode_index(i)``, with an optional 440 Hz mono AAC track."""
    with av.open(str(path), "w") as c:
        vs = c.add_stream(codec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = W, H, "yuv420p"
        if codec == "libx264":
            vs.options = {"crf": "1", "preset": "ultrafast"}
        else:
            vs.bit_rate = 20_000_000  # near-lossless, so that the gray levels survive
        aus = None
        if audio_sr:
            aus = c.add_stream("aac", rate=audio_sr, layout="mono")
        for i in range(n_frames):
            img = encode_index(i)
            for pkt in vs.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pkt)
        for pkt in vs.encode(None):
            c.mux(pkt)
        if aus is not None:
            n = int(round(n_frames / fps * audio_sr))
            wav = (0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / audio_sr)).astype(np.float32)
            for s in range(0, n, 1024):
                chunk = wav[s : s + 1024][None, :]
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                frame.sample_rate = audio_sr
                frame.pts = s
                frame.time_base = Fraction(1, audio_sr)
                for pkt in aus.encode(frame):
                    c.mux(pkt)
            for pkt in aus.encode(None):
                c.mux(pkt)
    return path


def frame_ids(frames: np.ndarray) -> list:
    """The encoded index of each frame."""
    return [decode_index(f) for f in frames]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """2 s at 30 fps (60 frames), H.264 + AAC 16 kHz."""
    return make_clip(tmp_path_factory.mktemp("v") / "av.mp4", n_frames=60, fps=30)


@pytest.fixture(scope="module")
def silent_clip(tmp_path_factory) -> Path:
    """1 s at 25 fps, mpeg4 video only."""
    return make_clip(tmp_path_factory.mktemp("v") / "mute.mp4", n_frames=25, fps=25, audio_sr=None, codec="mpeg4")


# ----------------------------------------------------------------------------- synthetic clips


def test_probe(clip, silent_clip):
    i = probe_video(clip)
    assert (i.width, i.height, i.fps, i.num_frames) == (W, H, 30.0, 60)
    assert abs(i.duration - 2.0) < 0.05
    assert i.video_codec == "h264" and i.has_audio
    assert (i.audio_sample_rate, i.audio_channels, i.audio_codec) == (16000, 1, "aac")
    m = probe_video(silent_clip)
    assert not m.has_audio and m.audio_sample_rate is None and m.video_codec == "mpeg4"


def test_read_all_frames(clip):
    v = read_video(clip)
    assert v.shape == (60, H, W, 3) and v.dtype == np.uint8
    assert frame_ids(v) == list(range(60))


def test_fps_conversion_30_to_25(clip):
    v = read_video(clip, fps=25)
    assert v.shape[0] == 50
    # Output frame k shows the input frame nearest to k/25 s, i.e. round(1.2 k).
    assert frame_ids(v) == [int(round(k * 30 / 25)) for k in range(50)]


def test_fps_upsampling_repeats_frames(silent_clip):
    v = read_video(silent_clip, fps=50)
    assert v.shape[0] == 50
    assert frame_ids(v) == [k // 2 for k in range(50)]


def test_num_frames_stride_start(clip):
    v = read_video(clip, num_frames=5, stride=3, start_frame=4)
    assert frame_ids(v) == [4, 7, 10, 13, 16]
    # Sampling applies after fps conversion: frames 2, 6, 10 of the 25 fps sequence.
    v = read_video(clip, fps=25, num_frames=3, stride=4, start_frame=2)
    assert frame_ids(v) == [int(round(k * 1.2)) for k in (2, 6, 10)]
    # num_frames=None: every stride-th frame to the end.
    assert frame_ids(read_video(clip, stride=20, start_frame=5)) == [5, 25, 45]


def test_short_clip_repeats_last_frame(clip, caplog):
    with caplog.at_level(logging.DEBUG, logger="mmpt.data.video"):
        v = read_video(clip, num_frames=10, stride=8)
    assert frame_ids(v) == [0, 8, 16, 24, 32, 40, 48, 56, 59, 59]
    assert "repeating the last frame 2 times" in caplog.text
    # Starting past the end: every frame is the last one.
    assert frame_ids(read_video(clip, num_frames=2, start_frame=100)) == [59, 59]
    with pytest.raises(VideoReadError, match="past the last frame"):
        read_video(clip, start_frame=100)


def test_resize(clip):
    v = read_video(clip, size=32, num_frames=2)
    assert v.shape == (2, 32, 43, 3)  # shorter side 48 -> 32, aspect kept (64 * 32 / 48 = 42.7)
    v = read_video(clip, size=(20, 30), num_frames=2, start_frame=10)
    assert v.shape == (2, 20, 30, 3)
    assert frame_ids(v) == [10, 11]


def test_bad_arguments(clip):
    for kwargs in ({"stride": 0}, {"num_frames": 0}, {"start_frame": -1}, {"fps": 0}):
        with pytest.raises(ValueError):
            read_video(clip, **kwargs)


def test_extract_audio(clip):
    wav = extract_audio(clip)
    assert wav.dtype == np.float32 and wav.ndim == 1
    assert abs(len(wav) - 2.0 * 16000) < 0.1 * 16000
    spec = np.abs(np.fft.rfft(wav[2000:30000]))
    assert abs(np.fft.rfftfreq(28000, 1 / 16000)[np.argmax(spec)] - 440) < 2
    assert abs(len(extract_audio(clip, target_sr=8000)) - 2.0 * 8000) < 0.1 * 8000


def test_load_audio_reads_container_audio(clip):
    wav, info = read_audio(str(clip))
    np.testing.assert_array_equal(wav, extract_audio(clip))
    assert (info.sample_rate, info.channels) == (16000, 1) and info.format == "container/aac"
    part = load_audio(str(clip), start=0.5, end=1.0)
    np.testing.assert_array_equal(part, wav[8000:16000])


def test_no_audio_stream(silent_clip):
    with pytest.raises(NoAudioStreamError, match="no audio track") as e:
        extract_audio(silent_clip)
    assert str(silent_clip) in str(e.value)
    with pytest.raises(NoAudioStreamError):
        probe_audio(silent_clip)
    with pytest.raises(AudioReadError, match="no audio track") as e:
        load_audio(str(silent_clip))
    assert str(silent_clip) in str(e.value)


def test_missing_and_corrupt_files(tmp_path):
    missing = tmp_path / "missing.mp4"
    for fn in (probe_video, read_video, extract_audio):
        with pytest.raises(VideoReadError, match="does not exist") as e:
            fn(missing)
        assert str(missing) in str(e.value)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    for fn in (probe_video, read_video, extract_audio):
        with pytest.raises(VideoReadError) as e:
            fn(junk)
        assert str(junk) in str(e.value)
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    with pytest.raises(VideoReadError, match="empty file"):
        read_video(empty)


def test_truncated_clip(clip, tmp_path):
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    # The moov atom of a PyAV mp4 is at the end: cutting it makes the file unreadable.
    with pytest.raises(VideoReadError) as e:
        read_video(cut)
    assert str(cut) in str(e.value)


# ----------------------------------------------------------------------------- real clips


def _real(realdata: Path, pattern: str) -> list:
    files = sorted((realdata / "av").glob(pattern))
    if not files:
        pytest.skip(f"no {pattern} under {realdata / 'av'}")
    return files


@pytest.mark.parametrize(
    "pattern,codec,audio_sr,size",
    [
        ("lrs3_test_spectre/test/*/*.mp4", "mpeg4", 16000, (224, 224)),
        ("grid_lipnet/original/*.mpg", "mpeg1video", 44100, (288, 360)),
        ("grid_lipnet/lrs3_style/test/grid/*.mp4", "h264", 16000, (288, 360)),
        ("kinetics400_torchvision/*.mp4", "h264", None, (256, 340)),
    ],
)
def test_real_clips(realdata, pattern, codec, audio_sr, size):
    files = _real(realdata, pattern)[:3]
    for f in files:
        info = probe_video(f)
        assert info.video_codec == codec and (info.height, info.width) == size and info.has_audio
        if audio_sr is not None:
            assert info.audio_sample_rate == audio_sr
        else:
            assert info.audio_sample_rate in (44100, 48000)
        v = read_video(f, fps=25, size=112, num_frames=8, stride=2)
        assert v.shape[0] == 8 and v.shape[1] == 112 and v.shape[-1] == 3 and v.dtype == np.uint8
        assert v.std() > 5  # real picture content, not a flat frame
        wav = extract_audio(f)
        # 16 kHz after extraction: the length matches the audio track's duration.
        assert abs(len(wav) / 16000 - info.duration) < 0.1, (f, len(wav), info.duration)
        assert np.abs(wav).max() > 0.01


def test_real_mpeg1_all_frames_and_stereo_downmix(realdata):
    f = _real(realdata, "grid_lipnet/original/*.mpg")[0]
    info = probe_video(f)
    assert (info.audio_channels, info.audio_sample_rate, info.audio_codec) == (2, 44100, "mp2")
    v = read_video(f)
    assert v.shape == (75, 288, 360, 3)
    wav, ainfo = read_audio(str(f))
    assert ainfo.fixes(16000) == ["down-mixed 2 channels to mono", "resampled 44100 Hz to 16000 Hz"]
    assert abs(len(wav) - 2.95 * 16000) < 0.05 * 16000


def test_real_kinetics_30_to_25_fps(realdata):
    f = _real(realdata, "kinetics400_torchvision/R6llTwEh07w.mp4")[0]
    info = probe_video(f)
    assert info.fps == 30.0
    v = read_video(f, fps=25, size=(64, 64))
    assert abs(v.shape[0] - info.duration * 25) <= 1


@pytest.mark.parametrize("size", [None, (64, 80)])
def test_real_clips_pixels_are_pyavs_default_conversion(realdata, size):
    """read_video converts (and scales) on one swscale thread for speed: the bytes equal PyAV's default."""
    clips = _real(realdata, "lrs3_test_spectre/test/*/*.mp4")[:1] + _real(realdata, "kinetics400_torchvision/*.mp4")[:1]
    for f in clips:
        with av.open(str(f)) as c:
            frames = [fr for _, fr in zip(range(3), c.decode(video=0))]
        if size is None:
            want = [fr.to_ndarray(format="rgb24") for fr in frames]
        else:
            want = [fr.reformat(width=size[1], height=size[0], format="rgb24", interpolation="BILINEAR").to_ndarray()
                    for fr in frames]
        np.testing.assert_array_equal(read_video(f, size=size, num_frames=3), np.stack(want))
