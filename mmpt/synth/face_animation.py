"""Animation of the talking face (:mod:`mmpt.synth.face`): what moves in each video frame.

:func:`face_track` turns a waveform and its phone alignment into a :class:`FaceTrack`: the mouth opening
follows the audio envelope (frame RMS, normalised per clip and smoothed), the mouth shape follows the
phone being spoken (:data:`VISEMES` classes, chosen by :func:`viseme_of`), the eyes blink and the head
moves a little, all deterministic given ``rng``. Drawing the track is :func:`mmpt.synth.face.draw_face`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import numpy as np

__all__ = ["FaceTrack", "Viseme", "VISEMES", "viseme_of", "frame_rms", "face_track"]


# --------------------------------------------------------------------------------------------------
# visemes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Viseme:
    """Mouth shape of a class of phones.

    open_scale: multiplies the audio-driven opening (0 = lips closed); width: mouth width relative to the
    speaker's rest width; power: super-ellipse exponent of the lip opening (2 round, 3 flat and wide);
    teeth: how much of the upper teeth show; tuck: lower lip under the upper teeth (f, v);
    tongue: tongue tip visible between the teeth (th).
    """

    name: str
    open_scale: float
    width: float
    power: float = 2.0
    teeth: float = 0.0
    tuck: float = 0.0
    tongue: float = 0.0


VISEMES: dict[str, Viseme] = {v.name: v for v in (
    Viseme("sil", 0.0, 1.0, 2.0),
    Viseme("neutral", 0.7, 1.0, 2.2, teeth=0.3),
    Viseme("open", 1.0, 1.0, 2.0, teeth=0.35, tongue=0.3),
    Viseme("mid", 0.65, 0.98, 2.2, teeth=0.4, tongue=0.2),
    Viseme("spread", 0.42, 1.2, 3.0, teeth=1.0),
    Viseme("rounded", 0.55, 0.6, 2.0),
    Viseme("bilabial", 0.0, 0.95, 2.0),
    Viseme("labiodental", 0.12, 0.95, 2.5, teeth=1.0, tuck=1.0),
    Viseme("dental", 0.3, 0.95, 2.5, teeth=1.0, tongue=1.0),
    Viseme("alveolar", 0.3, 0.98, 2.6, teeth=0.9),
    Viseme("postalveolar", 0.35, 0.72, 2.2, teeth=0.9),
    Viseme("rhotic", 0.35, 0.7, 2.0, teeth=0.3),
    Viseme("velar", 0.5, 0.92, 2.2, teeth=0.4, tongue=0.4),
)}
_VISEME_NAMES = list(VISEMES)

_SILENCE = {"", "_", "sil", "sp", "pau", "<sil>", "h#", "sil_", "<eps>"}
# whole-symbol overrides (espeak-ng mnemonics after stripping stress/length marks)
_EXACT = {
    "tS": "postalveolar", "dZ": "postalveolar", "ts": "alveolar", "dz": "alveolar",
    "pf": "labiodental", "aU": "open", "aI": "open", "oU": "rounded", "@U": "rounded",
    "OI": "rounded", "3": "mid", "e@": "mid", "i@": "spread", "U@": "rounded",
}
_FIRST_CHAR = {
    **dict.fromkeys("aA&V", "open"),
    **dict.fromkeys("iIeEj", "spread"),
    **dict.fromkeys("@3", "mid"),
    **dict.fromkeys("uUoOQ0wWyY29", "rounded"),
    **dict.fromkeys("pbmB", "bilabial"),
    **dict.fromkeys("fvF", "labiodental"),
    **dict.fromkeys("TD", "dental"),
    **dict.fromkeys("tdnlszL", "alveolar"),
    **dict.fromkeys("SZcJ", "postalveolar"),
    **dict.fromkeys("rR", "rhotic"),
    **dict.fromkeys("kgNxhCGq?", "velar"),
}


def viseme_of(phone: str) -> str:
    """Viseme class name of an espeak-ng phoneme mnemonic (stress/length marks ignored).

    >>> viseme_of("'u:"), viseme_of("aI"), viseme_of("m"), viseme_of("tS"), viseme_of("_")
    ('rounded', 'open', 'bilabial', 'postalveolar', 'sil')
    """
    p = phone.strip()
    if p.lower() in _SILENCE or p.startswith("_"):
        return "sil"
    p = p.strip("'%,=^;!").replace(":", "").replace("#", "").replace("-", "")
    if not p:
        return "neutral"
    if p in _EXACT:
        return _EXACT[p]
    if p[:2] in _EXACT:
        return _EXACT[p[:2]]
    return _FIRST_CHAR.get(p[0], "neutral")


def _span(p: Any) -> tuple[str, float, float]:
    """A phone span given as a tuple or as an object with phone/start/end attributes."""
    if hasattr(p, "phone"):
        return str(p.phone), float(p.start), float(p.end)
    phone, start, end = p
    return str(phone), float(start), float(end)


# --------------------------------------------------------------------------------------------------
# animation track
# --------------------------------------------------------------------------------------------------
@dataclass
class FaceTrack:
    """Per-frame animation parameters (T frames at ``fps``).

    energy: frame RMS of the audio [T]; opening: mouth opening in [0, 1] (fraction of the speaker's
    largest opening) [T]; width, power, teeth, tuck, tongue: mouth shape [T] (see :class:`Viseme`);
    visemes: viseme class per frame; eye_open: [T] in [0, 1]; gaze: [T, 2] iris offset in eye radii;
    pose: [T, 3] head (dx, dy) in fractions of the frame size and rotation in radians.
    """

    fps: float
    energy: np.ndarray
    opening: np.ndarray
    width: np.ndarray
    power: np.ndarray
    teeth: np.ndarray
    tuck: np.ndarray
    tongue: np.ndarray
    visemes: list[str]
    eye_open: np.ndarray
    gaze: np.ndarray
    pose: np.ndarray

    def __len__(self) -> int:
        return int(self.opening.shape[0])


def frame_rms(wav: np.ndarray, sr: int, fps: float, n_frames: int) -> np.ndarray:
    """RMS of ``wav`` [N] in a window of two video frames centred on each frame -> float32 [n_frames]."""
    hop = sr / fps
    sq = np.concatenate([[0.0], np.cumsum(np.asarray(wav, dtype=np.float64) ** 2)])
    centres = (np.arange(n_frames) + 0.5) * hop
    a = np.clip(np.round(centres - hop), 0, len(wav)).astype(np.int64)
    b = np.clip(np.round(centres + hop), 0, len(wav)).astype(np.int64)
    energy = (sq[b] - sq[a]) / np.maximum(b - a, 1)
    return np.sqrt(np.maximum(energy, 0.0)).astype(np.float32)


def _smooth(x: np.ndarray, kernel: Sequence[float] = (0.25, 0.5, 0.25)) -> np.ndarray:
    """Convolution along frames with edge padding (same length)."""
    if len(x) == 0:
        return x
    k = np.asarray(kernel, dtype=np.float32)
    r = len(k) // 2
    padded = np.pad(x, (r, r), mode="edge")
    return np.convolve(padded, k, mode="valid").astype(np.float32)


def _smooth_noise(rng: np.random.Generator, t: np.ndarray, std: float, fmin: float, fmax: float,
                  n: int = 3) -> np.ndarray:
    """A smooth random signal: sum of ``n`` sinusoids with random frequency/phase, total std ``std``."""
    f = rng.uniform(fmin, fmax, size=n)
    phase = rng.uniform(0, 2 * math.pi, size=n)
    amp = rng.uniform(0.5, 1.0, size=n)
    amp *= std * math.sqrt(2.0) / math.sqrt(float(np.sum(amp ** 2)))
    return np.sum(amp[:, None] * np.sin(2 * math.pi * f[:, None] * t[None, :] + phase[:, None]),
                  axis=0).astype(np.float32)


def face_track(wav: np.ndarray, sr: int, phones: Iterable[Any] = (), *, fps: float = 25.0,
               rng: np.random.Generator, n_frames: Optional[int] = None) -> FaceTrack:
    """Animation parameters for ``wav`` [N] at ``sr`` Hz with its phone alignment.

    T = ``n_frames`` or ``ceil(N / sr * fps)``. Frames inside a phone span take its viseme; frames outside
    every span keep a neutral shape (so the opening still follows the sound); silence phones ("_",
    "sil", "sp", "pau") close the mouth.
    """
    wav = np.asarray(wav)
    if wav.ndim != 1:
        raise ValueError(f"face_track: expected a mono waveform [N], got shape {wav.shape}")
    if sr <= 0 or fps <= 0:
        raise ValueError(f"face_track: sample rate and fps must be positive, got sr={sr} fps={fps}")
    T = int(math.ceil(len(wav) / sr * fps - 1e-9)) if n_frames is None else int(n_frames)
    t = ((np.arange(T) + 0.5) / fps).astype(np.float32)

    energy = frame_rms(wav, sr, fps, T)
    active = energy[energy > 1e-4]
    ref = float(np.percentile(active, 90)) if active.size else 1.0
    env = np.clip(energy / ref, 0.0, 1.0)
    env = np.clip((env - 0.06) / 0.94, 0.0, 1.0) ** 0.8  # gate out room noise, lift soft syllables
    env = _smooth(env.astype(np.float32))

    # viseme per frame from the phone whose span holds the frame centre
    vis_idx = np.full(T, _VISEME_NAMES.index("neutral"), dtype=np.int64)
    spans = sorted((_span(p) for p in phones), key=lambda s: s[1])
    if spans:
        starts = np.array([s[1] for s in spans])
        ends = np.array([s[2] for s in spans])
        codes = np.array([_VISEME_NAMES.index(viseme_of(s[0])) for s in spans])
        j = np.searchsorted(starts, t, side="right") - 1
        inside = (j >= 0) & (t < ends[np.clip(j, 0, None)])
        vis_idx[inside] = codes[j[inside]]
    table = np.array([[VISEMES[n].open_scale, VISEMES[n].width, VISEMES[n].power, VISEMES[n].teeth,
                       VISEMES[n].tuck, VISEMES[n].tongue] for n in _VISEME_NAMES], dtype=np.float32)
    shape = table[vis_idx]  # [T, 6]
    # coarticulation: each shape parameter blends a little into the neighbouring frames
    shape = np.stack([_smooth(shape[:, i]) for i in range(shape.shape[1])], axis=1) if T else shape
    opening = np.clip(env * shape[:, 0], 0.0, 1.0)

    # blinks every 1.5-5.5 s: fast closing, slower opening
    blink = np.zeros(T, dtype=np.float32)
    tb = rng.uniform(0.3, 3.0)
    duration = T / fps
    while tb < duration + 0.5:
        d = t - tb
        sigma = np.where(d < 0, 0.04, 0.08)
        blink = np.maximum(blink, np.exp(-0.5 * (d / sigma) ** 2).astype(np.float32))
        tb += rng.uniform(1.5, 5.5)
    eye_open = (1.0 - 0.97 * blink).astype(np.float32)

    gaze = np.stack([_smooth_noise(rng, t, 0.15, 0.05, 0.3), _smooth_noise(rng, t, 0.08, 0.05, 0.3)],
                    axis=1)
    nod = 0.004 * env  # a slight nod with the speech
    pose = np.stack([_smooth_noise(rng, t, 0.010, 0.05, 0.5),
                     _smooth_noise(rng, t, 0.008, 0.05, 0.5) + nod,
                     _smooth_noise(rng, t, 0.03, 0.05, 0.4)], axis=1).astype(np.float32)
    return FaceTrack(fps=float(fps), energy=energy, opening=opening.astype(np.float32),
                     width=shape[:, 1].copy(), power=shape[:, 2].copy(), teeth=shape[:, 3].copy(),
                     tuck=shape[:, 4].copy(), tongue=shape[:, 5].copy(),
                     visemes=[_VISEME_NAMES[i] for i in vis_idx], eye_open=eye_open, gaze=gaze,
                     pose=pose)
