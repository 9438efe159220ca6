"""Audio reading for Kaldi ``wav.scp`` values: float32 mono waveforms at a target sample rate.

A ``wav.scp`` value (a *spec*) is one of

* a path to any file libsndfile reads (WAV, FLAC, OGG, NIST SPHERE, ...); SPHERE files that libsndfile
  rejects are decoded by a small header parser here (PCM only; shorten-compressed files are refused
  with a hint to use ``sph2pipe``);
* a Kaldi pipe ``"cmd args |"``: run through the shell, its stdout read as an audio file;
* a video or audio container path (``.mp4``, ``.mkv``, ``.mpg``, ``.m4a``, ...): its audio track is decoded
  with PyAV (:func:`mmpt.data.video.extract_audio`).

Inputs at another sample rate are resampled (:func:`mmpt.data.signal.resample`) and multi-channel inputs
are down-mixed by averaging the channels. Both fixes are logged at DEBUG; :func:`read_audio` also returns
an :class:`AudioInfo` describing the source, whose :meth:`AudioInfo.fixes` lists them.

Every failure is an :class:`~mmpt.data.errors.AudioReadError` naming the file (or the command).
"""
from __future__ import annotations

import io
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Literal, Optional, Tuple, Union

import numpy as np
import soundfile as sf

from mmpt.data.errors import AudioReadError, DataError
from mmpt.data.signal import resample, to_mono  # noqa: F401 (part of this module's interface)

if TYPE_CHECKING:  # pragma: no cover
    from mmpt.data.datadir import DataDir

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]

# Files whose audio track is decoded with PyAV rather than libsndfile.
CONTAINER_EXTENSIONS = frozenset(
    {".mp4", ".m4a", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".ts", ".aac"}
)
# A segment may end this far (seconds) past the end of its recording; it is then clipped with a warning.
END_TOLERANCE_S = 0.1

SPHERE_MAGIC = b"NIST_1A"


@dataclass(frozen=True)
class AudioInfo:
    """What the source holds, before any fix: sample rate, channels, samples per channel, format."""

    sample_rate: int
    channels: int
    num_samples: int
    format: str

    @property
    def duration(self) -> float:
        """Seconds."""
        return self.num_samples / self.sample_rate if self.sample_rate else 0.0

    def fixes(self, target_sr: int) -> List[str]:
        """The fixes :func:`load_audio` applies to reach mono ``target_sr`` (empty when none)."""
        out = []
        if self.channels > 1:
            out.append(f"down-mixed {self.channels} channels to mono")
        if self.sample_rate != target_sr:
            out.append(f"resampled {self.sample_rate} Hz to {target_sr} Hz")
        return out


# --------------------------------------------------------------------------- public helpers


def is_pipe(spec: str) -> bool:
    """True for a Kaldi pipe spec ``"cmd args |"``."""
    return spec.rstrip().endswith("|")


def write_wav(path: PathLike, wav: np.ndarray, sr: int = 16000, subtype: str = "PCM_16") -> Path:
    """Write [T] or [T, C] float audio in [-1, 1] (clipped) as a WAV file (PCM16 by default)."""
    wav = np.asarray(wav, dtype=np.float32)
    peak = float(np.max(np.abs(wav))) if wav.size else 0.0
    if peak > 1.0 and subtype.startswith("PCM"):
        # libsndfile wraps around instead of clipping when converting float to integer PCM.
        logger.debug("write_wav %s: clipping peak %.3f to 1.0", path, peak)
        wav = np.clip(wav, -1.0, 1.0)
    sf.write(str(path), wav, sr, subtype=subtype)
    return Path(path)


# --------------------------------------------------------------------------- error context


@dataclass(frozen=True)
class _Ctx:
    """Names a source in errors: ``where`` (e.g. a wav.scp) and ``key`` when given, else the file itself."""

    name: str
    where: Optional[str] = None
    key: Optional[str] = None

    def error(self, problem: str) -> AudioReadError:
        if self.where is None:
            return AudioReadError(self.name, problem, self.key)
        return AudioReadError(self.where, f"{self.name}: {problem}", self.key)


def _ctx_for(spec: str, where: Optional[str], key: Optional[str]) -> _Ctx:
    if is_pipe(spec):
        return _Ctx(f"command '{_pipe_command(spec)}'", where, key)
    return _Ctx(spec.strip(), where, key)


def _pipe_command(spec: str) -> str:
    return spec.rstrip()[:-1].strip()


# --------------------------------------------------------------------------- NIST SPHERE


@dataclass(frozen=True)
class SphereHeader:
    """The fields of a NIST SPHERE header that decoding needs."""

    header_size: int
    sample_rate: int
    channels: int
    sample_count: int  # per channel; -1 when the header does not say
    sample_n_bytes: int
    byte_format: str  # "01" little-endian, "10" big-endian, "1" single byte
    coding: str


def parse_sphere_header(head: bytes, name: str = "<sphere>") -> SphereHeader:
    """Parse a NIST SPHERE header (``NIST_1A``, header size, ``key -type value`` lines, ``end_head``)."""
    ctx = _Ctx(name)
    if not head.startswith(SPHERE_MAGIC):
        raise ctx.error("not a NIST SPHERE file (no NIST_1A magic)")
    lines = head.split(b"\n")
    try:
        header_size = int(lines[1].strip())
    except (IndexError, ValueError):
        raise ctx.error("NIST SPHERE header size is not a number") from None
    fields = {}
    for raw in lines[2:]:
        line = raw.decode("ascii", errors="replace").strip()
        if line == "end_head":
            break
        parts = line.split(None, 2)
        if len(parts) < 3 or not parts[1].startswith("-"):
            continue
        key, typ, value = parts
        if typ.startswith("-s"):
            try:
                value = value[: int(typ[2:])]
            except ValueError:
                pass
        fields[key] = value.strip()
    else:
        raise ctx.error("NIST SPHERE header has no end_head")

    def num(key: str, default: Optional[int]) -> int:
        if key not in fields:
            if default is None:
                raise ctx.error(f"NIST SPHERE header lacks {key}")
            return default
        try:
            return int(float(fields[key]))
        except ValueError:
            raise ctx.error(f"NIST SPHERE {key} is not a number: {fields[key]!r}") from None

    n_bytes = num("sample_n_bytes", 2)
    return SphereHeader(
        header_size=header_size,
        sample_rate=num("sample_rate", None),
        channels=num("channel_count", 1),
        sample_count=num("sample_count", -1),
        sample_n_bytes=n_bytes,
        byte_format=fields.get("sample_byte_format", "01" if n_bytes > 1 else "1"),
        coding=fields.get("sample_coding", "pcm").lower(),
    )


def _check_sphere_supported(hdr: SphereHeader, ctx: _Ctx) -> None:
    if "shorten" in hdr.coding:
        raise ctx.error(
            f"shorten-compressed NIST SPHERE (sample_coding={hdr.coding}) is not supported; "
            "decompress it in wav.scp with a pipe, e.g. 'sph2pipe -f wav <file> |'"
        )
    if hdr.coding != "pcm":
        raise ctx.error(f"unsupported NIST SPHERE sample_coding {hdr.coding!r} (only pcm)")
    if hdr.sample_n_bytes not in (1, 2, 4):
        raise ctx.error(f"unsupported NIST SPHERE sample_n_bytes {hdr.sample_n_bytes}")
    if hdr.sample_n_bytes > 1 and hdr.byte_format not in ("01", "10"):
        raise ctx.error(f"unsupported NIST SPHERE sample_byte_format {hdr.byte_format!r}")
    if hdr.channels < 1 or hdr.sample_rate < 1:
        raise ctx.error(f"bad NIST SPHERE header (channel_count={hdr.channels}, sample_rate={hdr.sample_rate})")


def _sphere_dtype(hdr: SphereHeader) -> np.dtype:
    if hdr.sample_n_bytes == 1:
        return np.dtype(np.int8)
    order = "<" if hdr.byte_format == "01" else ">"
    return np.dtype(f"{order}i{hdr.sample_n_bytes}")


def decode_sphere_pcm(raw: bytes, hdr: SphereHeader) -> np.ndarray:
    """Raw interleaved PCM of a SPHERE body -> [T, C] float32 in [-1, 1)."""
    dtype = _sphere_dtype(hdr)
    frame = hdr.sample_n_bytes * hdr.channels
    usable = len(raw) - len(raw) % frame
    ints = np.frombuffer(raw[:usable], dtype=dtype).reshape(-1, hdr.channels)
    return (ints.astype(np.float32) / float(2 ** (8 * hdr.sample_n_bytes - 1))).astype(np.float32)


# --------------------------------------------------------------------------- sources


class _Source:
    """Decoded or decodable audio: ``read(s0, s1)`` -> [s1 - s0, C] float32 at ``sr``."""

    info: AudioInfo
    sr: int
    num_samples: int
    mono: bool = False  # already down-mixed (container audio)

    def read(self, s0: int, s1: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def in_memory(self) -> "_Source":
        return self


class _ArraySource(_Source):
    def __init__(self, data: np.ndarray, sr: int, info: AudioInfo, mono: bool = False):
        self.data = data if data.ndim == 2 else data[:, None]
        self.sr, self.info, self.mono = sr, info, mono
        self.num_samples = self.data.shape[0]

    def read(self, s0: int, s1: int) -> np.ndarray:
        return self.data[s0:s1]


class _SoundFileSource(_Source):
    """A file libsndfile opens; ``read`` seeks, so a segment of a long recording reads only that part."""

    def __init__(self, path: str, ctx: _Ctx):
        self.path, self.ctx = path, ctx
        try:
            i = sf.info(path)
        except (sf.LibsndfileError, RuntimeError, OSError) as e:
            raise ctx.error(f"unreadable or unsupported audio file ({_sf_reason(e)})") from None
        self.sr, self.num_samples = int(i.samplerate), int(i.frames)
        self.info = AudioInfo(self.sr, int(i.channels), self.num_samples, f"{i.format}/{i.subtype}")
        if i.format in ("WAV", "WAVEX"):
            # libsndfile quietly shrinks the frame count of a cut WAV to what the file holds
            promised = wav_header_frames(path)
            if promised is not None and promised > self.num_samples:
                raise ctx.error(
                    f"truncated audio: the WAV header promises {promised} samples ({promised / self.sr:.3f} s), "
                    f"the file holds {self.num_samples} ({self.num_samples / self.sr:.3f} s)"
                )

    def read(self, s0: int, s1: int) -> np.ndarray:
        try:
            data, _ = sf.read(self.path, start=s0, stop=s1, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, OSError) as e:
            if self.info.format.startswith("FLAC"):  # a cut FLAC keeps its STREAMINFO count, decoding fails
                raise self.ctx.error(
                    f"truncated or corrupt audio: the FLAC header promises {self.num_samples} samples "
                    f"({self.num_samples / self.sr:.3f} s), decoding failed ({_sf_reason(e)})"
                ) from None
            raise self.ctx.error(f"corrupt audio data ({_sf_reason(e)})") from None
        if data.shape[0] < s1 - s0:
            raise self.ctx.error(
                f"truncated audio: header says {self.num_samples} samples, read stopped at {s0 + data.shape[0]}"
            )
        return data

    def in_memory(self) -> _Source:
        return _ArraySource(self.read(0, self.num_samples), self.sr, self.info)


class _SphereSource(_Source):
    """A PCM NIST SPHERE file read by the parser above (used when libsndfile refuses it)."""

    def __init__(self, path: str, hdr: SphereHeader, ctx: _Ctx):
        self.path, self.hdr, self.ctx = path, hdr, ctx
        frame = hdr.sample_n_bytes * hdr.channels
        body = Path(path).stat().st_size - hdr.header_size
        if body < 0:
            raise ctx.error("NIST SPHERE file is shorter than its header")
        n = body // frame
        if hdr.sample_count >= 0 and hdr.sample_count != n:
            if hdr.sample_count > n:
                raise ctx.error(f"truncated NIST SPHERE file: header says {hdr.sample_count} samples, file has {n}")
            n = hdr.sample_count
        self.sr, self.num_samples = hdr.sample_rate, n
        self.info = AudioInfo(hdr.sample_rate, hdr.channels, n, f"NIST/PCM_{8 * hdr.sample_n_bytes}")

    def read(self, s0: int, s1: int) -> np.ndarray:
        frame = self.hdr.sample_n_bytes * self.hdr.channels
        with open(self.path, "rb") as f:
            f.seek(self.hdr.header_size + s0 * frame)
            raw = f.read((s1 - s0) * frame)
        return decode_sphere_pcm(raw, self.hdr)


def wav_header_frames(path: PathLike) -> Optional[int]:
    """Sample frames that a RIFF/WAVE header's ``data`` chunk promises (its size / block align), or None
    when the header does not say (streamed WAV with size 0 or 0xFFFFFFFF, RF64, no fmt chunk)."""
    import struct

    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        block_align = None
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                return None
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"fmt ":
                fmt = f.read(size + (size & 1))
                if len(fmt) < 14:
                    return None
                block_align = struct.unpack("<H", fmt[12:14])[0]
            elif cid == b"data":
                if not block_align or size in (0, 0xFFFFFFFF):
                    return None
                return size // block_align
            else:
                f.seek(size + (size & 1), 1)


def _sf_reason(e: Exception) -> str:
    msg = str(e).strip().splitlines()
    return msg[-1] if msg else type(e).__name__


def _decode_bytes(data: bytes, ctx: _Ctx) -> _Source:
    """Audio file bytes (a pipe's stdout) -> in-memory source."""
    try:
        with sf.SoundFile(io.BytesIO(data)) as f:
            wav = f.read(dtype="float32", always_2d=True)
            info = AudioInfo(int(f.samplerate), int(f.channels), wav.shape[0], f"{f.format}/{f.subtype}")
        return _ArraySource(wav, info.sample_rate, info)
    except (sf.LibsndfileError, RuntimeError, OSError) as e:
        reason = _sf_reason(e)
    if data.startswith(SPHERE_MAGIC):
        hdr = parse_sphere_header(data[:4096], ctx.name)
        _check_sphere_supported(hdr, ctx)
        wav = decode_sphere_pcm(data[hdr.header_size :], hdr)
        if hdr.sample_count >= 0:
            wav = wav[: hdr.sample_count]
        info = AudioInfo(hdr.sample_rate, hdr.channels, wav.shape[0], f"NIST/PCM_{8 * hdr.sample_n_bytes}")
        return _ArraySource(wav, hdr.sample_rate, info)
    raise ctx.error(f"output is not readable audio ({reason})")


def _run_pipe(spec: str, ctx: _Ctx) -> bytes:
    cmd = _pipe_command(spec)
    try:
        proc = subprocess.run(cmd, shell=True, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        raise ctx.error(f"cannot run: {e}") from None
    err_lines = [ln for ln in proc.stderr.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    last = err_lines[-1].strip() if err_lines else "(no stderr)"
    if proc.returncode != 0:
        raise ctx.error(f"exited with status {proc.returncode}: {last}")
    if not proc.stdout:
        raise ctx.error(f"wrote nothing to stdout: {last}")
    return proc.stdout


def _container_source(path: str, target_sr: int, ctx: _Ctx) -> _Source:
    from mmpt.data.errors import VideoReadError
    from mmpt.data.video import extract_audio, probe_audio

    try:
        a = probe_audio(path)
        wav = extract_audio(path, target_sr=target_sr)
    except VideoReadError as e:
        raise ctx.error(e.problem) from e
    info = AudioInfo(a.sample_rate, a.channels, int(round(a.duration * a.sample_rate)), f"container/{a.codec}")
    return _ArraySource(wav, target_sr, info, mono=True)


def _open_source(spec: str, ctx: _Ctx, target_sr: int) -> _Source:
    if not spec or not spec.strip():
        raise ctx.error("empty audio spec")
    if is_pipe(spec):
        return _decode_bytes(_run_pipe(spec, ctx), ctx)
    path = Path(spec.strip())
    if not path.exists():
        raise ctx.error("file does not exist")
    if not path.is_file():
        raise ctx.error("not a regular file")
    if path.stat().st_size == 0:
        raise ctx.error("empty file (0 bytes)")
    if path.suffix.lower() in CONTAINER_EXTENSIONS:
        return _container_source(str(path), target_sr, ctx)
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(SPHERE_MAGIC):
        hdr = parse_sphere_header(head, ctx.name)
        _check_sphere_supported(hdr, ctx)
        try:
            return _SoundFileSource(str(path), ctx)
        except AudioReadError:
            logger.debug("%s: libsndfile refused the SPHERE file, using the built-in PCM reader", path)
            return _SphereSource(str(path), hdr, ctx)
    return _SoundFileSource(str(path), ctx)


# --------------------------------------------------------------------------- cutting and fixing


def _sample_range(src: _Source, start: float, end: Optional[float], ctx: _Ctx) -> Tuple[int, int]:
    """Seconds -> sample indices [s0, s1) of ``src``; ``end`` None or -1 (Kaldi) means the end of the file."""
    sr, n = src.sr, src.num_samples
    dur = n / sr
    if end is not None and end == -1:
        end = None
    if start < 0:
        raise ctx.error(f"segment start {start} s is negative")
    if end is not None and end <= start:
        raise ctx.error(f"empty segment: end {end} s <= start {start} s")
    s0 = int(round(start * sr))
    if s0 >= n and n > 0:
        raise ctx.error(f"segment starts at {start} s, after the end of the audio ({dur:.3f} s)")
    if end is None:
        return s0, n
    s1 = int(round(end * sr))
    if s1 > n:
        if end - dur > END_TOLERANCE_S:
            raise ctx.error(f"segment ends at {end} s, {end - dur:.3f} s after the end of the audio ({dur:.3f} s)")
        logger.warning("%s: segment end %.3f s is past the end of the audio (%.3f s); clipped", ctx.name, end, dur)
        s1 = n
    return s0, s1


def _extract(
    src: _Source, start: float, end: Optional[float], target_sr: int, ctx: _Ctx
) -> np.ndarray:
    if src.num_samples == 0:
        raise ctx.error("zero-length audio (0 samples)")
    s0, s1 = _sample_range(src, start, end, ctx)
    wav = to_mono(src.read(s0, s1))
    if wav.shape[0] == 0:
        raise ctx.error("zero-length audio (0 samples)")
    fixes = src.info.fixes(target_sr)
    if fixes:
        logger.debug("%s: %s", ctx.name, "; ".join(fixes))
    wav = resample(wav, src.sr, target_sr)
    if wav.shape[0] == 0:
        raise ctx.error("zero-length audio after resampling")
    return np.ascontiguousarray(wav, dtype=np.float32)


# --------------------------------------------------------------------------- public readers


def read_audio(
    spec: str,
    *,
    start: float = 0.0,
    end: Optional[float] = None,
    target_sr: int = 16000,
    where: Optional[str] = None,
    key: Optional[str] = None,
) -> Tuple[np.ndarray, AudioInfo]:
    """Like :func:`load_audio`, and also return the :class:`AudioInfo` of the source (before fixes)."""
    ctx = _ctx_for(spec, where, key)
    src = _open_source(spec, ctx, target_sr)
    return _extract(src, start, end, target_sr, ctx), src.info


def load_audio(
    spec: str,
    *,
    start: float = 0.0,
    end: Optional[float] = None,
    target_sr: int = 16000,
    where: Optional[str] = None,
    key: Optional[str] = None,
) -> np.ndarray:
    """Read a ``wav.scp`` value as float32 mono [T] at ``target_sr``.

    ``start``/``end`` (seconds) cut a segment; ``end`` None or -1 means the end of the file. An end up to
    0.1 s past the end of the file is clipped with a warning; further is an error. ``where``/``key`` name
    the origin (e.g. ``"data/train/wav.scp"``, the recording id) in errors, which then also name the file.
    Raises AudioReadError (missing, unreadable, corrupt, empty, unsupported, segment outside the file).
    """
    return read_audio(spec, start=start, end=end, target_sr=target_sr, where=where, key=key)[0]


def load_audio_info(spec: str, *, where: Optional[str] = None, key: Optional[str] = None) -> AudioInfo:
    """Sample rate, channels, length and format of a ``wav.scp`` value, from the header where possible.

    Files are not decoded (containers are probed, not decoded); a pipe has to be run.
    """
    ctx = _ctx_for(spec, where, key)
    if not is_pipe(spec):
        path = Path(spec.strip())
        if path.suffix.lower() in CONTAINER_EXTENSIONS and path.is_file() and path.stat().st_size > 0:
            from mmpt.data.errors import VideoReadError
            from mmpt.data.video import probe_audio

            try:
                a = probe_audio(str(path))
            except VideoReadError as e:
                raise ctx.error(e.problem) from e
            return AudioInfo(a.sample_rate, a.channels, int(round(a.duration * a.sample_rate)), f"container/{a.codec}")
    return _open_source(spec, ctx, target_sr=0).info


def iter_utterances(
    datadir: Union["DataDir", PathLike],
    target_sr: int = 16000,
    *,
    on_error: Literal["raise", "skip"] = "raise",
    failures: Optional[List[Tuple[str, str]]] = None,
) -> Iterator[Tuple[str, np.ndarray]]:
    """Yield ``(utt_id, wav)`` (float32 mono [T] at ``target_sr``) in sorted utterance order.

    With ``segments``, each utterance is cut from its recording; the last decoded recording is kept, so
    consecutive segments of one recording read it once. ``on_error="skip"`` logs a warning for a bad
    utterance, appends ``(utt_id, message)`` to ``failures`` (when given) and goes on; a summary with the
    count is logged at the end. ``on_error="raise"`` raises the AudioReadError / DataDirError.
    """
    from mmpt.data.datadir import DataDir
    from mmpt.data.errors import DataDirError

    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    d = datadir if isinstance(datadir, DataDir) else DataDir.load(datadir)
    root = Path(d.path) if d.path is not None else Path("<data dir>")
    wav_scp_name = str(root / "wav.scp")
    if d.wav_scp is None:
        raise DataDirError(root, "no wav.scp")
    wav_scp = d.wav_scp
    n_total = n_failed = 0
    cached: Tuple[Optional[str], Optional[_Source], Optional[AudioReadError]] = (None, None, None)

    for utt in d.utt_ids():
        n_total += 1
        try:
            if d.segments is not None:
                seg = d.segments[utt]
                if seg.reco not in wav_scp:
                    raise DataDirError(root / "segments", f"recording {seg.reco!r} is not in wav.scp", utt)
                spec = wav_scp[seg.reco]
                ctx = _ctx_for(spec, wav_scp_name, seg.reco)
                if cached[0] != seg.reco:
                    try:
                        cached = (seg.reco, _open_source(spec, ctx, target_sr).in_memory(), None)
                    except AudioReadError as e:
                        cached = (seg.reco, None, e)
                if cached[2] is not None:
                    raise cached[2]
                seg_ctx = _Ctx(ctx.name, wav_scp_name, f"{seg.reco} / {utt}")
                wav = _extract(cached[1], seg.start, seg.end, target_sr, seg_ctx)
            else:
                if utt not in wav_scp:
                    raise DataDirError(wav_scp_name, "utterance is not in wav.scp", utt)
                wav = load_audio(wav_scp[utt], target_sr=target_sr, where=wav_scp_name, key=utt)
        except DataError as e:
            if on_error == "raise":
                raise
            n_failed += 1
            logger.warning("skipping utterance %s: %s", utt, e)
            if failures is not None:
                failures.append((utt, str(e)))
            continue
        yield utt, wav
    if n_failed:
        logger.warning("%s: skipped %d of %d utterances (unreadable audio)", root, n_failed, n_total)
