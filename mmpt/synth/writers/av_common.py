"""What the audio-visual writers (LRS3, VoxCeleb2, Kinetics-600) share: YouTube-like ids, the x264
settings, and one talking-face clip (speech -> animated face -> mp4).

A talking face is animated from the clean speech waveform (mouth opening from its energy, mouth shape
from its phone alignment, see :mod:`mmpt.synth.face`); the mp4 carries that waveform or a degraded copy
of it (e.g. with background noise), so the lips stay in sync with the speech the listener hears.
"""
from __future__ import annotations

import base64
import hashlib
import math
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from mmpt.synth.writer import Preset

SR = 16000
# x264 settings of the embedded corpus, overridable per preset. Presets from "veryfast" on (macroblock-tree
# rate control with lookahead) gave different bytes for the same frames from one call to the next on this
# FFmpeg/x264 build; "ultrafast" and "superfast" are reproducible (checked by the writer tests).
DEFAULT_X264_PRESET = "superfast"
DEFAULT_CRF = 26


def youtube_id(*parts: Any) -> str:
    """An 11-character YouTube-like id ([A-Za-z0-9_-], base64url of a hash), stable for the given parts."""
    digest = hashlib.sha256("\x1f".join(["youtube-id", *map(str, parts)]).encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()[:11]


def unique_youtube_ids(n: int, *parts: Any) -> List[str]:
    """``n`` distinct ids for ``parts`` (a clash, vanishingly rare, takes the next index)."""
    out: List[str] = []
    seen = set()
    i = 0
    while len(out) < n:
        vid = youtube_id(*parts, i)
        i += 1
        if vid not in seen:
            seen.add(vid)
            out.append(vid)
    return out


def encoder_options(preset: Preset, corpus: str) -> dict:
    """``crf``/``preset`` keyword arguments for :func:`mmpt.synth.mux.write_av_mp4`."""
    return {"crf": int(preset.get(corpus, "crf", DEFAULT_CRF)),
            "preset": str(preset.get(corpus, "x264_preset", DEFAULT_X264_PRESET))}


def video_frames(seconds: float, fps: float) -> int:
    """Number of frames that cover ``seconds`` at ``fps`` (what the face and scene renderers draw)."""
    return int(math.ceil(seconds * fps - 1e-9))


def pad_to_frames(wav: np.ndarray, fps: float, sr: int = SR) -> np.ndarray:
    """Zero-pad ``wav`` [N] to a whole number of video frames, so audio and video end together."""
    n = int(round(video_frames(len(wav) / sr, fps) * sr / fps))
    return np.pad(wav, (0, max(0, n - len(wav)))).astype(np.float32)


def normalize_peak(wav: np.ndarray, peak: float) -> np.ndarray:
    """``wav`` [N] scaled so that max |x| = ``peak`` (silence is returned unchanged), float32 [N]."""
    m = float(np.max(np.abs(wav))) if wav.size else 0.0
    return (wav * (peak / m)).astype(np.float32) if m > 0 else wav.astype(np.float32)


def render_talking_clip(path: Path, wav: np.ndarray, phones: Iterable[Any], appearance: Any, *, fps: float,
                        size: int, rng: np.random.Generator, encoder: dict,
                        audio: Optional[np.ndarray] = None) -> Any:
    """Animate ``appearance`` on the speech ``wav`` [N] (16 kHz, padded with :func:`pad_to_frames`) and
    write the mp4 (H.264 + AAC mono 16 kHz) at ``path`` with ``audio`` [N] (default: ``wav``; e.g. the
    speech plus background noise, while the lips follow the clean speech). Returns the
    :class:`~mmpt.synth.face_animation.FaceTrack` that was drawn (mouth opening per frame, ...)."""
    from mmpt.synth.face import draw_face
    from mmpt.synth.face_animation import face_track
    from mmpt.synth.mux import write_av_mp4

    track = face_track(wav, SR, list(phones), fps=fps, rng=rng)
    frames = draw_face(track, appearance, size=size)
    write_av_mp4(path, frames, fps, wav if audio is None else audio, SR, **encoder)
    return track


def word_times(norm_text: str, words: Sequence[Any], phones: Sequence[Any]
               ) -> Tuple[List[Tuple[str, float, float]], bool]:
    """Times of the words of ``norm_text`` (the normalised transcript) -> ([(WORD, start, end)], exact).

    ``words`` are the synthesiser's word spans (``.word``, ``.start``, ``.end``; espeak-ng's word
    boundaries). Each span's word is normalised on its own; when the results spell ``norm_text`` the
    spans are used (a span that normalises to several words, e.g. a number, is shared between them in
    proportion to their length) and ``exact`` is True. Otherwise the speech between the first and the
    last phone is shared among the words in proportion to their length + 1 (``exact`` False).
    """
    from mmpt.synth.grammar import normalize_en

    target = norm_text.split()
    out: List[Tuple[str, float, float]] = []
    for w in words:
        parts = normalize_en(str(w.word)).split()
        out.extend(_share(parts, float(w.start), float(w.end)))
    if [w for w, _, _ in out] == target and target:
        return out, True
    if phones:
        start, end = float(phones[0].start), float(phones[-1].end)
    elif words:
        start, end = float(words[0].start), float(words[-1].end)
    else:
        start, end = 0.0, 0.0
    return _share(target, start, end), False


def _share(words: Sequence[str], start: float, end: float) -> List[Tuple[str, float, float]]:
    """Split [start, end] among ``words`` in proportion to len(word) + 1."""
    weights = np.array([len(w) + 1.0 for w in words])
    if not len(words):
        return []
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    return [(w, float(edges[i]), float(edges[i + 1])) for i, w in enumerate(words)]


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equal-length vectors; 0 when either is constant or too short."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    if len(a) < 3 or a.std() < 1e-9 or b.std() < 1e-9:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def sync_scores(track: Any, spans: Sequence[Tuple[float, float]]) -> List[float]:
    """An audio-visual sync score per time span ``(start, end)`` (seconds), in the 0-10 range of LRS3's
    ASDSCORE: 5 + 5 x the correlation of the drawn mouth opening with the audio envelope over the span's
    frames (widened to at least 5 frames). Real LRS3 uses SyncNet's confidence; this plays the same role
    (high when lips and sound agree)."""
    T = len(track)
    out = []
    for start, end in spans:
        f0 = int(math.floor(start * track.fps))
        f1 = int(math.ceil(end * track.fps))
        if f1 - f0 < 5:
            mid = (f0 + f1) // 2
            f0, f1 = mid - 2, mid + 3
        f0, f1 = max(0, f0), min(T, f1)
        r = correlation(track.opening[f0:f1], track.energy[f0:f1])
        out.append(round(float(np.clip(5.0 + 5.0 * r, 0.0, 10.0)), 1))
    return out
