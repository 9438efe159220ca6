"""The compressed clip store of pre-training: short-GOP H.264 clips written once, windows decoded on the fly.

Why (measured, see ``tools/benchmarks/bench_loader.py`` and the README): the model looks at 16 frames at
stride 4 inside the first 10 s of a clip, so a raw uint8 dump of every frame (~13.5 GB per hour of
224 px video) is read ~40x more than used and does not fit a real corpus. The store keeps, per clip,

- the frames the old dump kept (re-timed to ``fps``, resized like :func:`mmpt.data.video.read_video`),
  only the first ``max_seconds`` (10 s: what the 1000 kept fbank frames cover),
- as a video-only MP4 of H.264 (yuv420p, ``crf`` quality, a keyframe every ``gop_seconds``, ``moov`` at
  the front for one sequential read) with a fixed "P B B B" structure whose B-frames are not references
  (``bf=3``, no B-pyramid, no adaptive B placement) and x264's ``fastdecode`` tuning (no CABAC, no
  deblocking),
- with presentation timestamps ``k / fps`` for frame ``k``: frame indices are exact.

:func:`decode_window` opens a stored clip, seeks to the keyframe at or before the first wanted frame and
decodes up to the last one, skipping (``skip_frame=NONREF``, set per packet) every B-frame that is not
wanted: it decodes the reference frames of the span and the wanted frames only, and converts only the
wanted ones to RGB. Measured on 224 px clips, the non-reference B-frames and the fast-decode tuning
together nearly double the windows decoded per second for ~6 % more bytes than P-frames only with CABAC
(``tools/benchmarks/bench_loader.py``).

:func:`encode_clip` runs at dump time and is where bad sources are caught: an unreadable or corrupt
container, no video stream, no decodable frame, or a truncated file (its packets end before the duration
its header declares) raise :class:`~mmpt.data.errors.VideoReadError` with the reason, which the dump
records in ``excluded.txt``; every clip written is decoded back in full before it is listed, so training
never meets a bad clip.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Dict, Iterator, Mapping, Optional, Sequence, Tuple, Union

import av
import numpy as np

from mmpt.data.datadir import read_path_scp
from mmpt.data.errors import VideoReadError
from mmpt.data.video import _AV_ERRORS, _frames_at_fps, _open, _output_size, _reason, _to_rgb, _video_fps

PathLike = Union[str, Path]
Size = Union[int, Tuple[int, int], None]
SUFFIX = ".mp4"


@dataclass(frozen=True)
class StoreOptions:
    """How clips are re-encoded (every field changes the stored bytes, so all are fingerprinted)."""

    fps: float = 25.0
    size: Size = None  # an int: shorter side (aspect kept); (H, W); None: the source's size
    max_seconds: Optional[float] = 10.0  # keep the first N seconds (None: all)
    crf: int = 23  # x264 constant rate factor: 0 lossless ... 51 worst; 18-23 is visually near-transparent
    gop_seconds: float = 1.0  # a keyframe every N seconds: the most a seek decodes before the window
    preset: str = "medium"  # x264 speed/size trade-off at dump time (does not change decoding speed much)

    def max_frames(self) -> Optional[int]:
        return None if self.max_seconds is None else max(1, int(math.ceil(self.max_seconds * self.fps - 1e-9)))

    def gop(self) -> int:
        return max(1, int(round(self.gop_seconds * self.fps)))


@dataclass(frozen=True)
class StoredClip:
    """What :func:`encode_clip` wrote."""

    path: str
    num_frames: int
    height: int
    width: int

    @property
    def shape(self) -> Tuple[int, int, int, int]:
        return (self.num_frames, self.height, self.width, 3)


def _even(n: int) -> int:
    """yuv420p needs even sides: an odd side loses its last row/column (after the resize, so the pixels
    kept are exactly those of the old dump)."""
    return max(2, n - n % 2)


def _truncation(stream, container, last_end: Optional[float], native_fps: float) -> Optional[str]:
    """The reason a source looks truncated (its packets end well before the declared duration), else None."""
    declared = None
    if stream.duration is not None and stream.time_base is not None:
        declared = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        declared = container.duration / av.time_base
    if not declared or last_end is None:
        return None
    start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
    period = 1.0 / native_fps if native_fps > 0 else 0.04
    tolerance = max(0.1, 2 * period)
    if start + declared - last_end > tolerance:
        return (f"truncated: the header declares {declared:.2f} s of video but the packets end at "
                f"{last_end - start:.2f} s")
    return None


def encode_clip(src: PathLike, dst: PathLike, options: StoreOptions) -> StoredClip:
    """Re-encode the first ``options.max_seconds`` of ``src`` into the store at ``dst`` (atomically).

    Raises VideoReadError (naming ``src``) for an unreadable, corrupt or truncated source.
    """
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp" + SUFFIX)
    max_frames = options.max_frames()
    rate = Fraction(options.fps).limit_denominator(1001)
    written = 0
    hw: Optional[Tuple[int, int]] = None  # the resize (the old dump's frame size)
    stored_hw = (0, 0)  # even sides
    out = None
    try:
        with _open(src, "re-encode video") as c:
            if not c.streams.video:
                raise VideoReadError(src, "no video stream")
            v = c.streams.video[0]
            native = _video_fps(v)
            ends: list = []  # the latest packet end time seen (one element)
            stream = None
            frames = _frames_at_fps(_decoded(c, v, ends), options.fps, native)
            for frame in frames:
                if hw is None:
                    hw = _output_size(options.size, frame.width, frame.height)
                    stored_hw = (_even(hw[0]), _even(hw[1]))
                    out = av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
                    stream = _h264_stream(out, rate, stored_hw, options)
                rgb = _to_rgb(frame, hw)[: stored_hw[0], : stored_hw[1]]
                vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
                vf.pts, vf.time_base = written, 1 / rate
                for packet in stream.encode(vf):
                    out.mux(packet)
                written += 1
                if max_frames is not None and written >= max_frames:
                    break
            # The rest of the source is only demuxed (cheap): a truncated file ends early.
            for packet in c.demux(v):
                _note_end(packet, ends)
            if written == 0:
                raise VideoReadError(src, "no video frames could be decoded")
            reason = _truncation(v, c, ends[0] if ends else None, native)
            if reason:
                raise VideoReadError(src, reason)
            for packet in stream.encode():
                out.mux(packet)
        out.close()
        out = None
        _verify(tmp, written, src)
        os.replace(tmp, dst)
    except BaseException:
        if out is not None:
            try:
                out.close()
            except _AV_ERRORS:
                pass
        tmp.unlink(missing_ok=True)
        raise
    return StoredClip(str(dst), written, stored_hw[0], stored_hw[1])


def _note_end(packet, ends: list) -> None:
    """Keep in ``ends[0]`` the latest end time (s) of the packets seen."""
    if packet.pts is not None and packet.time_base is not None and packet.size:
        end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
        if not ends:
            ends.append(end)
        elif end > ends[0]:
            ends[0] = end


def _decoded(container, stream, ends: list) -> Iterator["av.VideoFrame"]:
    """Decoded frames, noting packet end times; a demuxing/decoding error propagates (``_open`` names the
    file)."""
    stream.thread_type = "AUTO"
    for packet in container.demux(stream):
        _note_end(packet, ends)
        for frame in packet.decode():
            yield frame
        if packet.size == 0:  # the flush packet at the end of the stream
            return


def _h264_stream(out, rate: Fraction, hw: Tuple[int, int], options: StoreOptions):
    stream = out.add_stream("libx264", rate=rate)
    stream.height, stream.width = hw
    stream.pix_fmt = "yuv420p"
    gop = str(options.gop())
    stream.options = {"crf": str(options.crf), "g": gop, "keyint_min": gop, "sc_threshold": "0",
                      "bf": "3", "b_pyramid": "none", "b-adapt": "0", "tune": "fastdecode",
                      "preset": options.preset, "threads": "1"}
    return stream


def _verify(path: Path, expected: int, src: PathLike) -> None:
    """Decode the written clip in full: it must hold exactly ``expected`` frames."""
    try:
        with av.open(str(path)) as c:
            n = sum(1 for _ in c.decode(c.streams.video[0]))
    except _AV_ERRORS as e:
        raise VideoReadError(src, f"the re-encoded clip does not decode ({_reason(e)})") from None
    if n != expected:
        raise VideoReadError(src, f"the re-encoded clip holds {n} frames, {expected} were written")


# --------------------------------------------------------------------------------------------- reading


def decode_window(
    path: PathLike, choose: Callable[[int], Sequence[int]], *, threads: int = 1
) -> np.ndarray:
    """Frames ``choose(num_frames)`` of a stored clip: uint8 [len(indices), H, W, 3].

    ``choose`` gets the clip's frame count and returns frame indices (ascending, repeats allowed, each in
    [0, num_frames)). Decoding starts at the keyframe at or before the first index and stops at the last.
    """
    path = str(path)
    try:
        with av.open(path) as c:
            v = c.streams.video[0]
            v.thread_type = "SLICE"  # frame threading would decouple skip_frame from the packet it is set for
            v.codec_context.thread_count = threads
            n = int(v.frames)
            if n <= 0:
                raise VideoReadError(path, "stored clip declares no frames")
            indices = [int(i) for i in choose(n)]
            if not indices or min(indices) < 0 or max(indices) >= n:
                raise ValueError(f"{path}: frame indices {indices} outside [0, {n})")
            first, last = min(indices), max(indices)
            wanted = set(indices)
            # frame k has pts k / fps: index = pts * time_base * fps
            scale = float(v.time_base) * float(v.average_rate)
            if first > 0:
                c.seek(int(first / scale), stream=v, backward=True, any_frame=False)
            cc = v.codec_context
            got: Dict[int, np.ndarray] = {}
            done = False
            for packet in c.demux(v):
                if packet.pts is not None:
                    # an unwanted frame that nothing references is not decoded at all
                    cc.skip_frame = "DEFAULT" if int(round(packet.pts * scale)) in wanted else "NONREF"
                else:
                    cc.skip_frame = "DEFAULT"  # the flush packet: deliver what is buffered
                for frame in packet.decode():
                    k = int(round(frame.pts * scale))
                    if k in wanted:
                        # threads=1: swscale's default (0, auto) starts a thread pool per frame, which cost
                        # ~5x the conversion itself; the pixels are the same
                        got[k] = frame.to_ndarray(format="rgb24", threads=1)
                    if k >= last:
                        done = True
                        break
                if done:
                    break
    except _AV_ERRORS as e:
        raise VideoReadError(path, f"cannot decode the stored clip ({_reason(e)})") from None
    missing = sorted(wanted - set(got))
    if missing:
        raise VideoReadError(path, f"stored clip lacks frame(s) {missing[:5]} of its declared {n}")
    return np.stack([got[i] for i in indices])


def read_stored_clip(path: PathLike) -> np.ndarray:
    """Every frame of a stored clip: uint8 [T, H, W, 3]."""
    return decode_window(path, lambda n: range(n))


class ClipScp(Mapping[str, str]):
    """``utt -> absolute path`` of a store's video.scp (relative paths are relative to the scp).

    espnet2's dataset hands these paths to the preprocessor, which decodes only the window it draws."""

    def __init__(self, scp_path: PathLike):
        self.scp_path = Path(scp_path)
        self.paths: Dict[str, str] = read_path_scp(self.scp_path)

    def __getitem__(self, key: str) -> str:
        return self.paths[key]

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)
