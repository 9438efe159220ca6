"""Write rendered clips as mp4 (H.264 video + AAC mono audio) with PyAV.

    write_av_mp4("clip.mp4", frames, fps=25, audio=wav, sr=16000)   # frames: uint8 [T, H, W, 3]
    write_av_mp4("silent.mp4", frames, fps=25, audio=None)          # a clip without an audio stream

The same input always gives the same bytes: x264 runs single-threaded with a fast preset, both encoders
and the muxer run in bit-exact mode (no library version strings, no creation time), so re-running a corpus
stage reproduces its files exactly on the same PyAV/FFmpeg build. Presets from "veryfast" up were seen to
give different bytes from one call to the next under load (x264's lookahead), so they are refused unless
``reproducible=False``.
"""
from __future__ import annotations

import logging
import os
from fractions import Fraction
from pathlib import Path
from typing import Optional, Union

import av
import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["write_av_mp4", "AAC_FRAME_SIZE"]

#: x264 presets whose output was bit-identical across calls and processes in our checks
REPRODUCIBLE_PRESETS = ("ultrafast", "superfast")
#: samples per AAC frame (the encoder's frame_size)
AAC_FRAME_SIZE = 1024


def _check_frames(path: Path, frames: np.ndarray) -> np.ndarray:
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"{path}: frames must be uint8 [T, H, W, 3], got shape {frames.shape}")
    if frames.dtype != np.uint8:
        raise ValueError(f"{path}: frames must be uint8, got {frames.dtype}")
    t, h, w, _ = frames.shape
    if t == 0:
        raise ValueError(f"{path}: no frames to write")
    if h % 2 or w % 2:
        raise ValueError(f"{path}: H.264 yuv420p needs an even width and height, got {w}x{h}")
    return frames


def _check_audio(path: Path, audio: np.ndarray, sr: int) -> np.ndarray:
    audio = np.asarray(audio)
    if audio.ndim != 1:
        raise ValueError(f"{path}: audio must be mono float [N], got shape {audio.shape}")
    if audio.size == 0:
        raise ValueError(f"{path}: audio is empty (pass audio=None for a video-only clip)")
    if sr <= 0:
        raise ValueError(f"{path}: sample rate must be positive, got {sr}")
    audio = audio.astype(np.float32)
    if not np.all(np.isfinite(audio)):
        raise ValueError(f"{path}: audio holds NaN or infinite samples")
    peak = float(np.max(np.abs(audio)))
    if peak > 1.0:
        logger.warning("%s: audio peak %.3f > 1.0 is clipped", path, peak)
        audio = np.clip(audio, -1.0, 1.0)
    return audio


def write_av_mp4(path: Union[str, Path], frames: np.ndarray, fps: Union[float, Fraction],
                 audio: Optional[np.ndarray] = None, sr: int = 16000, *, crf: int = 23,
                 preset: str = "superfast", audio_bitrate: int = 48000, reproducible: bool = True) -> Path:
    """Encode ``frames`` (uint8 [T, H, W, 3], RGB, even H and W) at ``fps`` and, unless ``audio`` is None,
    ``audio`` (float [N] in [-1, 1] at ``sr`` Hz) into an mp4 at ``path``.

    Video: libx264, yuv420p, constant rate factor ``crf`` with x264 ``preset``. Audio: FFmpeg's AAC
    encoder, mono, ``audio_bitrate`` bit/s, at ``sr``. The file is written next to ``path`` and renamed
    into place, so an interrupted run never leaves a truncated clip. Returns ``path``.
    """
    path = Path(path)
    if reproducible and preset not in REPRODUCIBLE_PRESETS:
        raise ValueError(f"{path}: x264 preset {preset!r} is not bit-reproducible; use one of "
                         f"{', '.join(REPRODUCIBLE_PRESETS)} or reproducible=False")
    frames = _check_frames(path, frames)
    if audio is not None:
        audio = _check_audio(path, audio, sr)
    rate = Fraction(fps).limit_denominator(1001)
    if rate <= 0:
        raise ValueError(f"{path}: fps must be positive, got {fps}")
    _, h, w, _ = frames.shape
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with av.open(str(tmp), mode="w", format="mp4", options={"fflags": "+bitexact"}) as out:
            video = out.add_stream("libx264", rate=rate)
            video.width, video.height, video.pix_fmt = w, h, "yuv420p"
            video.time_base = 1 / rate
            video.codec_context.thread_count = 1  # multi-threaded x264 is not bit-reproducible
            video.codec_context.flags |= av.codec.context.Flags.bitexact
            video.options = {"crf": str(crf), "preset": preset}
            astream = None
            if audio is not None:
                astream = out.add_stream("aac", rate=sr, layout="mono")
                astream.format = "fltp"
                astream.bit_rate = audio_bitrate
                astream.time_base = Fraction(1, sr)
                astream.codec_context.flags |= av.codec.context.Flags.bitexact
            next_sample = 0  # audio is encoded alongside the video so the muxer interleaves them

            def encode_audio(until: int) -> None:
                nonlocal next_sample
                while astream is not None and next_sample < min(until, len(audio)):
                    # AAC frames hold 1024 samples; the encoder accepts a shorter last frame
                    chunk = audio[None, next_sample:next_sample + AAC_FRAME_SIZE]
                    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp",
                                                       layout="mono")
                    frame.sample_rate = sr
                    frame.pts = next_sample
                    frame.time_base = Fraction(1, sr)
                    out.mux(astream.encode(frame))
                    next_sample += chunk.shape[1]

            for i, rgb in enumerate(frames):
                encode_audio(int((i + 1) * sr / rate))
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = i
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
            if astream is not None:
                encode_audio(len(audio))
                out.mux(astream.encode(None))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
