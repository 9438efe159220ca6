"""Video clips with PyAV: probe, decode frames (fps conversion, resize, temporal sampling), extract audio.

All container work goes through PyAV (never the ffmpeg command line). Decoding errors become
:class:`~mmpt.data.errors.VideoReadError` naming the file; a clip without an audio track gives
:class:`~mmpt.data.errors.NoAudioStreamError` from :func:`extract_audio`.
"""
from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Tuple, Union

import av
import numpy as np

from mmpt.data.errors import NoAudioStreamError, VideoReadError
from mmpt.data.signal import resample

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]

# Every PyAV error derives from this (av >= 8); OSError covers I/O failures under the demuxer.
_AV_ERRORS: Tuple[type, ...] = (av.error.FFmpegError, OSError)


@dataclass(frozen=True)
class AudioStreamInfo:
    """The first audio stream of a container."""

    sample_rate: int
    channels: int
    duration: float  # seconds
    codec: str


@dataclass(frozen=True)
class VideoInfo:
    """What a clip holds (from the container headers, nothing decoded)."""

    path: str
    duration: float  # seconds
    fps: float  # average frame rate; 0.0 when the container does not say
    num_frames: int  # from the header, else estimated as round(duration * fps)
    width: int
    height: int
    video_codec: str
    has_audio: bool
    audio_sample_rate: Optional[int]
    audio_channels: Optional[int]
    audio_codec: Optional[str]


@contextlib.contextmanager
def _open(path: PathLike, what: str) -> Iterator["av.container.InputContainer"]:
    """``av.open`` with clear errors: missing/empty file, and any PyAV error while ``what`` runs."""
    p = Path(path)
    if not p.exists():
        raise VideoReadError(p, "file does not exist")
    if not p.is_file():
        raise VideoReadError(p, "not a regular file")
    if p.stat().st_size == 0:
        raise VideoReadError(p, "empty file (0 bytes)")
    try:
        container = av.open(str(p), mode="r")
    except _AV_ERRORS as e:
        raise VideoReadError(p, f"not a readable video/audio container ({_reason(e)})") from None
    try:
        with container:
            yield container
    except _AV_ERRORS as e:
        raise VideoReadError(p, f"corrupt data while trying to {what} ({_reason(e)})") from None


def _reason(e: Exception) -> str:
    return str(e).strip() or type(e).__name__


def _stream_duration(stream, container) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _audio_info(container) -> Optional[AudioStreamInfo]:
    if not container.streams.audio:
        return None
    a = container.streams.audio[0]
    cc = a.codec_context
    return AudioStreamInfo(
        sample_rate=int(cc.sample_rate or a.rate or 0),
        channels=int(cc.channels),
        duration=_stream_duration(a, container),
        codec=cc.name,
    )


def _video_fps(stream) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 0.0


def probe_video(path: PathLike) -> VideoInfo:
    """Duration, frame rate, frame count, size, codecs and audio format of a clip. Raises VideoReadError."""
    with _open(path, "probe") as c:
        if not c.streams.video:
            raise VideoReadError(path, "no video stream")
        v = c.streams.video[0]
        fps = _video_fps(v)
        duration = _stream_duration(v, c)
        num_frames = int(v.frames) if v.frames else int(round(duration * fps))
        a = _audio_info(c)
        return VideoInfo(
            path=str(path),
            duration=duration,
            fps=fps,
            num_frames=num_frames,
            width=int(v.codec_context.width),
            height=int(v.codec_context.height),
            video_codec=v.codec_context.name,
            has_audio=a is not None,
            audio_sample_rate=a.sample_rate if a else None,
            audio_channels=a.channels if a else None,
            audio_codec=a.codec if a else None,
        )


def probe_audio(path: PathLike) -> AudioStreamInfo:
    """Format of the first audio stream. Raises NoAudioStreamError when there is none."""
    with _open(path, "probe") as c:
        a = _audio_info(c)
    if a is None:
        raise NoAudioStreamError(path, "no audio track")
    return a


# --------------------------------------------------------------------------- frames


def _output_size(size: Union[int, Tuple[int, int], None], width: int, height: int) -> Tuple[int, int]:
    """(H, W) of the output frames. An int sets the shorter side and keeps the aspect ratio."""
    if size is None:
        return height, width
    if isinstance(size, int):
        if size < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        if height <= width:
            return size, max(1, int(round(width * size / height)))
        return max(1, int(round(height * size / width))), size
    h, w = size
    if h < 1 or w < 1:
        raise ValueError(f"size must be positive, got {size}")
    return int(h), int(w)


def _frames_at_fps(frames: Iterator["av.VideoFrame"], fps: float, native_fps: float) -> Iterator["av.VideoFrame"]:
    """Re-time a decoded frame sequence to ``fps``: output frame k is the input frame nearest in time to
    ``t0 + k / fps`` (t0 = first frame's time; ties go to the earlier frame); frames are dropped or repeated as
    needed. The last input frame lasts one native frame period, so a 2 s clip at 30 fps gives 50 frames at 25 fps.
    """
    period = 1.0 / native_fps if native_fps > 0 else None
    prev = prev_t = t0 = None
    k = 0
    for f in frames:
        t = f.time
        if t is None:  # no timestamp: assume a constant frame rate
            t = 0.0 if prev_t is None else prev_t + (period or 1.0 / fps)
        if t0 is None:
            t0 = t
        while prev is not None:
            target = t0 + k / fps
            if t < target:
                break
            # A tie (up to rounding) goes to the earlier frame, the one on screen at that instant.
            yield prev if (target - prev_t) <= (t - target) + 1e-6 else f
            k += 1
        if prev_t is not None and period is None:
            period = t - prev_t
        prev, prev_t = f, t
    if prev is None:
        return
    end = prev_t + (period or 1.0 / fps)
    while t0 + k / fps < end - 1e-6:
        yield prev
        k += 1


def read_video(
    path: PathLike,
    *,
    fps: Optional[float] = None,
    size: Union[int, Tuple[int, int], None] = None,
    num_frames: Optional[int] = None,
    stride: int = 1,
    start_frame: int = 0,
) -> np.ndarray:
    """Decode RGB frames: uint8 [T, H, W, 3].

    ``fps``: re-time the clip to this frame rate first (nearest frame by timestamp). ``size``: an int sets
    the shorter side (aspect ratio kept), a tuple is the exact (H, W); bilinear scaling by swscale.
    Sampling, on the (re-timed) frame sequence: frames ``start_frame + j * stride`` for ``j < num_frames``
    (all remaining frames at that stride when ``num_frames`` is None). When the clip is too short, the
    missing frames repeat the clip's last frame (logged at DEBUG). Decoding stops as soon as the last
    needed frame is reached; only sampled frames are converted to RGB.
    """
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if start_frame < 0:
        raise ValueError(f"start_frame must be >= 0, got {start_frame}")
    if num_frames is not None and num_frames < 1:
        raise ValueError(f"num_frames must be >= 1, got {num_frames}")
    if fps is not None and not fps > 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    last_needed = start_frame + (num_frames - 1) * stride if num_frames is not None else math.inf

    with _open(path, "decode video") as c:
        if not c.streams.video:
            raise VideoReadError(path, "no video stream")
        v = c.streams.video[0]
        v.thread_type = "AUTO"
        counter = _Counter(c.decode(v))
        seq: Iterator = iter(counter)
        if fps is not None:
            seq = _frames_at_fps(seq, fps, _video_fps(v))
        out: List[np.ndarray] = []
        hw: Optional[Tuple[int, int]] = None
        last = None
        n_seq = 0
        for i, frame in enumerate(seq):
            n_seq = i + 1
            last = frame
            if hw is None:
                hw = _output_size(size, frame.width, frame.height)
            if i >= start_frame and (i - start_frame) % stride == 0:
                out.append(_to_rgb(frame, hw))
            if i >= last_needed:
                break
        if last is None:
            raise VideoReadError(path, "no video frames could be decoded")
        if counter.exhausted:
            check_complete(path, counter.count, counter.last_time, v, c)
        if num_frames is None:
            if not out:
                raise VideoReadError(path, f"start_frame {start_frame} is past the last frame ({n_seq} frames)")
        elif len(out) < num_frames:
            logger.debug(
                "%s: %d frames, wanted %d from frame %d at stride %d; repeating the last frame %d times",
                path, n_seq, num_frames, start_frame, stride, num_frames - len(out),
            )
            # The clip's last frame, which may not be a sampled one.
            pad = _to_rgb(last, hw)
            out.extend([pad] * (num_frames - len(out)))
    return np.stack(out)


class _Counter:
    """Counts the frames of a decode iterator and notes whether it ran to its end."""

    def __init__(self, frames: Iterator["av.VideoFrame"]):
        self.frames, self.count, self.exhausted, self.last_time = frames, 0, False, None

    def __iter__(self) -> Iterator["av.VideoFrame"]:
        for f in self.frames:
            self.count += 1
            self.last_time = f.time
            yield f
        self.exhausted = True


def check_complete(path: PathLike, decoded: int, last_time: Optional[float], stream, container) -> None:
    """VideoReadError when a stream decoded to its end holds fewer frames than its header promises (the
    frame count, else the duration at the frame rate): a file cut short, e.g. an mp4 whose index sits at
    the front. A frame or 2 % of slack covers encoders' rounding."""
    promised = int(stream.frames or 0)
    fps = _video_fps(stream)
    if promised <= 0 and fps > 0:
        duration = _stream_duration(stream, container)
        promised = int(round(duration * fps)) if duration > 0 else 0
    if promised > 0 and decoded < promised - max(1, int(0.02 * promised)):
        seen = f" (to {last_time:.2f} s)" if last_time is not None else ""
        raise VideoReadError(path, f"truncated video: the header promises {promised} frames, only {decoded} "
                             f"could be decoded{seen}")


def _to_rgb(frame: "av.VideoFrame", hw: Tuple[int, int]) -> np.ndarray:
    h, w = hw
    if (frame.height, frame.width) == (h, w):
        rgb = frame.to_ndarray(format="rgb24", threads=1)  # no per-frame swscale thread pool
    else:
        rgb = frame.reformat(width=w, height=h, format="rgb24", interpolation="BILINEAR", threads=1).to_ndarray()
    # to_ndarray() may return a view on PyAV's frame buffer: own the pixels.
    return np.array(rgb, dtype=np.uint8, copy=True)


# --------------------------------------------------------------------------- audio


def extract_audio(path: PathLike, target_sr: int = 16000) -> np.ndarray:
    """Decode the first audio track: float32 mono [T] at ``target_sr``.

    Channels are averaged and the result resampled with :func:`mmpt.data.signal.resample`.
    Raises NoAudioStreamError for a clip without audio, VideoReadError for unreadable data.
    """
    with _open(path, "decode audio") as c:
        if not c.streams.audio:
            raise NoAudioStreamError(path, "no audio track")
        a = c.streams.audio[0]
        info = _audio_info(c)
        # Convert every frame to float planar, keeping rate and layout: to_ndarray() is then [C, n].
        resampler = av.AudioResampler(format="fltp")
        chunks: List[np.ndarray] = []
        sr = None
        for frame in c.decode(a):
            sr = sr or frame.sample_rate
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray())
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray())
    if not chunks or sr is None:
        raise VideoReadError(path, "the audio track has no decodable samples")
    wav = np.concatenate(chunks, axis=1)
    if wav.shape[1] == 0:
        raise VideoReadError(path, "the audio track has no decodable samples")
    promised = info.duration if info is not None else 0.0
    got = wav.shape[1] / sr
    if promised > 0 and got < promised - max(0.1, 0.02 * promised):  # slack: codec priming and padding
        raise VideoReadError(path, f"truncated audio track: the header promises {promised:.3f} s, only "
                             f"{got:.3f} s could be decoded")
    mono = wav.mean(axis=0, dtype=np.float32) if wav.shape[0] > 1 else wav[0].astype(np.float32)
    if wav.shape[0] > 1:
        logger.debug("%s: down-mixed %d audio channels to mono", path, wav.shape[0])
    if sr != target_sr:
        logger.debug("%s: resampled audio %d Hz to %d Hz", path, sr, target_sr)
    return np.ascontiguousarray(resample(mono, sr, target_sr), dtype=np.float32)
