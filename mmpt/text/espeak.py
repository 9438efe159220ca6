"""The espeak-ng wrapper: text to 16 kHz speech and to espeak-ng's own phone labels, with their timings.

Used by the embedded corpus' speech (:mod:`mmpt.synth`) and by the SUPERB phone lexicon
(:mod:`mmpt.superb.lexicon`).

Route: libespeak-ng through ctypes (no CLI). ``espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, options=1)``
enables ``espeakEVENT_PHONEME`` events; the synth callback receives the 22050 Hz int16 samples and the
events, each carrying the phoneme mnemonic and the ``sample`` index where it starts (checked to be sample
accurate: pause phonemes cover exactly the silent stretches). A phone ends where the next phoneme event
(phone or pause) starts. Phone labels are espeak-ng's ASCII phoneme mnemonics (``h @ l oU``), pauses and
language-switch markers removed; ``phone_inventory(lang)`` lists them from espeak-ng's phoneme tables.

Determinism: libespeak-ng keeps wave-generator state in C statics (pitch flutter phase, wave phase, ...)
that carry over from one synthesis to the next and cannot be reset, so the same text would not give the
same samples twice in one process. Every synthesis therefore runs in a forked child of a process that
has initialised espeak-ng but never synthesised: each child starts from the same state, and results are
identical across calls, processes and worker counts. The fork costs ~5-15 ms per utterance.

espeak-ng is not thread-safe: calls are serialised by a lock; processes each initialise their own copy.
"""
from __future__ import annotations

import bisect
import ctypes
import ctypes.util
import logging
import math
import os
import pickle
import struct
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from mmpt.synth.voices import ACCENTS, Speaker

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
INSTALL_HINT = "espeak-ng not found: apt-get install espeak-ng"
LIBRARY_NAMES = ("libespeak-ng.so.1", "libespeak-ng.so")

# speak_lib.h (espeak-ng 1.51)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_OPTION_PHONEME_EVENTS = 1
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_PHONEME = 0, 1, 7
_PARAM_RATE, _PARAM_PITCH, _PARAM_RANGE = 1, 3, 4
# phoneme.h: phVOWEL=2 .. phNASAL=8 are sounding phones; 0 pause, 1 stress, 9 virtual are not.
_PHONE_TYPES = frozenset(range(2, 9))

SILENCE_LEVEL = 1e-3  # |sample| below this (about -60 dBFS) counts as silence when trimming


class EspeakError(RuntimeError):
    """espeak-ng failed or was given something it cannot speak."""


class EspeakNotFoundError(EspeakError):
    """The espeak-ng library is not installed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HINT + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class PhoneSpan:
    """One phone; times in seconds on the returned waveform's timeline."""

    phone: str
    start: float
    end: float


@dataclass(frozen=True)
class WordSpan:
    """One word of the input text (as espeak-ng split it) and the span of its phones, in seconds."""

    word: str
    start: float
    end: float


@dataclass
class Utterance:
    """``wav``: float32 mono [T] at ``sample_rate``; ``phones``/``words`` ordered and within [0, T/sr]."""

    text: str
    speaker: Speaker | None
    wav: np.ndarray
    sample_rate: int
    phones: list[PhoneSpan] = field(default_factory=list)
    words: list[WordSpan] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.wav) / self.sample_rate

    @property
    def phone_sequence(self) -> list[str]:
        return [p.phone for p in self.phones]


# ---------------------------------------------------------------------------------------------- ctypes
class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p),
                ("identifier", ctypes.c_char_p), ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte),
                ("variant", ctypes.c_ubyte), ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int),
                ("spare", ctypes.c_void_p)]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.POINTER(_Event))


@dataclass
class _Raw:
    """What one espeak_Synth call produced: int16 samples at ``rate`` and (type, sample, text_pos,
    length, phoneme) for every WORD and PHONEME event, in order."""

    rate: int
    samples: np.ndarray
    events: list[tuple[int, int, int, int, str]]


def find_espeak_library() -> str | None:
    """Name or path of libespeak-ng that ctypes can load, or None."""
    for name in LIBRARY_NAMES:
        try:
            ctypes.CDLL(name)
            return name
        except OSError:
            continue
    return ctypes.util.find_library("espeak-ng")


class _Espeak:
    """One initialised libespeak-ng per process; synthesis happens in forked children only."""

    def __init__(self) -> None:
        name = find_espeak_library()
        if name is None:
            raise EspeakNotFoundError("libespeak-ng.so.1 cannot be loaded")
        try:
            lib = ctypes.CDLL(name)
        except OSError as err:
            raise EspeakNotFoundError(str(err)) from err
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_GetCurrentVoice.argtypes = []
        lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_Voice)
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _OPTION_PHONEME_EVENTS)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed ({rate}): is espeak-ng-data installed? "
                              "(apt-get install espeak-ng)")
        data_path = ctypes.c_char_p()
        self.version = lib.espeak_Info(ctypes.byref(data_path)).decode()
        self.data_path = Path(data_path.value.decode()) if data_path.value else None
        self.lib = lib
        self.rate = rate
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, int, int, str]] = []
        self._callback = _SynthCallback(self._on_audio)  # kept referenced: C holds the pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._libc = ctypes.CDLL(None)
        self.pid = os.getpid()
        logger.debug("libespeak-ng %s initialised at %d Hz, data %s", self.version, rate, self.data_path)

    def _on_audio(self, wav, n, events) -> int:
        if n > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, 2 * n))
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type in (_EVENT_WORD, _EVENT_PHONEME):
                name = ev.id.string.decode("utf-8", "replace") if ev.type == _EVENT_PHONEME else ""
                self._events.append((ev.type, ev.sample, ev.text_position, ev.length, name))
            i += 1
        return 0

    def _synth_here(self, text: str, voice: str, variant: str | None,
                    params: dict[int, int]) -> tuple[bytes, list]:
        """Synthesise in this process (a forked child)."""
        self._chunks.clear()
        self._events.clear()
        self._libc.srand(0)  # the Klatt and breath noise sources draw from libc rand()
        name = f"{voice}+{variant}" if variant else voice
        if self.lib.espeak_SetVoiceByName(name.encode()) != 0:
            raise EspeakError(f"espeak-ng has no voice {voice!r} (see espeak-ng --voices)")
        ident = self.lib.espeak_GetCurrentVoice().contents.identifier or b""
        if variant and not ident.decode().endswith(f"+{variant}"):
            raise EspeakError(f"espeak-ng has no voice variant {variant!r} "
                              "(see espeak-ng --voices=variant)")
        for key, value in params.items():
            self.lib.espeak_SetParameter(key, value, 0)
        encoded = text.encode("utf-8")
        status = self.lib.espeak_Synth(encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0,
                                       _CHARS_UTF8, None, None)
        if status != 0:
            raise EspeakError(f"espeak_Synth failed with status {status} for text {text!r}")
        return b"".join(self._chunks), list(self._events)

    def synth(self, text: str, voice: str, variant: str | None, params: dict[int, int]) -> _Raw:
        if not hasattr(os, "fork"):  # not deterministic across calls, see the module docstring
            audio, events = self._synth_here(text, voice, variant, params)
            return _Raw(self.rate, np.frombuffer(audio, np.int16), events)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never returns
            try:
                os.close(read_fd)
                try:
                    payload = ("ok", self._synth_here(text, voice, variant, params))
                except BaseException as err:  # reported to the parent, which raises
                    payload = ("error", str(err) if isinstance(err, EspeakError)
                               else f"{type(err).__name__}: {err}")
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
            finally:
                os._exit(0)
        os.close(write_fd)
        try:
            with os.fdopen(read_fd, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if not data:
            raise EspeakError(f"espeak-ng worker died (wait status {status}) on text {text!r}")
        kind, payload = pickle.loads(data)
        if kind != "ok":
            raise EspeakError(payload)
        audio, events = payload
        return _Raw(self.rate, np.frombuffer(audio, np.int16), events)


_ENGINE: _Espeak | None = None
_LOCK = threading.Lock()


def _engine() -> _Espeak:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Espeak()
    return _ENGINE


def espeak_version() -> str:
    """Version of the loaded libespeak-ng; raises EspeakNotFoundError when missing."""
    with _LOCK:
        return _engine().version


# ------------------------------------------------------------------------------------ phoneme tables
@dataclass(frozen=True)
class _PhonemeTable:
    name: str
    parent: int | None  # index of the table it includes
    phonemes: dict[str, int]  # mnemonic -> phoneme type


@lru_cache(maxsize=4)
def _read_phoneme_tables(path: Path) -> tuple[_PhonemeTable, ...]:
    """Parse espeak-ng-data/phontab: n_tables, then per table (n, includes, pad, name[32],
    n x PHONEME_TAB{mnemonic u32, flags u32, program u16, code u8, type u8, 4 x u8})."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise EspeakError(f"{path}: cannot read espeak-ng phoneme tables: {err}") from err
    tables = []
    pos = 4
    try:
        for _ in range(data[0]):
            n, includes = data[pos], data[pos + 1]
            name = data[pos + 4:pos + 36].split(b"\0")[0].decode("ascii")
            pos += 36
            phonemes = {}
            for _ in range(n):
                mnemonic, _flags, _program, _code, ptype = struct.unpack_from("<IIHBB", data, pos)
                pos += 16
                text = mnemonic.to_bytes(4, "little").rstrip(b"\0").decode("utf-8", "replace")
                if text:
                    phonemes[text] = ptype
            tables.append(_PhonemeTable(name, includes - 1 if includes else None, phonemes))
    except (IndexError, struct.error, UnicodeDecodeError) as err:
        raise EspeakError(f"{path}: unexpected phoneme table layout ({err})") from err
    if pos != len(data):
        raise EspeakError(f"{path}: unexpected phoneme table layout ({pos} of {len(data)} bytes read)")
    return tuple(tables)


def _tables() -> tuple[_PhonemeTable, ...]:
    with _LOCK:
        eng = _engine()
    if eng.data_path is None:
        raise EspeakError("libespeak-ng did not report its data directory")
    return _read_phoneme_tables(eng.data_path / "phontab")


@lru_cache(maxsize=1)
def _phone_names() -> frozenset[str]:
    """Mnemonics that are a sounding phone in at least one table (event names are filtered by it)."""
    return frozenset(m for t in _tables() for m, ptype in t.phonemes.items() if ptype in _PHONE_TYPES)


def phone_inventory(lang: str = "en") -> list[str]:
    """Sorted phone mnemonics of a language: its tables (``en``, ``en-us``, ``en-sc``...) and the base
    tables they include. A superset of what ``phonemize`` can return for that language's voices."""
    tables = _tables()
    chosen: set[int] = set()
    for ix, table in enumerate(tables):
        if table.name == lang or table.name.startswith(lang + "-"):
            while ix is not None and ix not in chosen:
                chosen.add(ix)
                ix = tables[ix].parent
    if not chosen:
        raise EspeakError(f"espeak-ng has no phoneme table for language {lang!r}")
    return sorted({m for ix in chosen for m, ptype in tables[ix].phonemes.items()
                   if ptype in _PHONE_TYPES})


# ------------------------------------------------------------------------------------------ synthesis
def _voice_args(speaker_or_lang: Speaker | str) -> tuple[str, str | None, dict[int, int]]:
    if isinstance(speaker_or_lang, Speaker):
        s = speaker_or_lang
        return s.voice, s.variant, {_PARAM_RATE: s.speed, _PARAM_PITCH: s.pitch,
                                    _PARAM_RANGE: s.pitch_range}
    if speaker_or_lang in ACCENTS:  # a language: its first seen accent, default prosody
        return ACCENTS[speaker_or_lang][0][0], None, {}
    return speaker_or_lang, None, {}  # an espeak-ng voice name such as "en-gb-scotland"


def _render(text: str, speaker_or_lang: Speaker | str) -> _Raw:
    if not text or not text.strip():
        raise ValueError("cannot synthesise empty text")
    voice, variant, params = _voice_args(speaker_or_lang)
    with _LOCK:
        return _engine().synth(text, voice, variant, params)


def _phone_segments(raw: _Raw, text: str) -> list[tuple[str, float, float, int]]:
    """(phone, start, end, text_position) in samples of ``raw``; ordered, non-overlapping, end > start.

    A phone ends where the next phoneme event starts. espeak-ng sometimes emits two phones at the same
    sample (e.g. a post-vocalic /l/ merged into its neighbour); such a run shares its span equally.
    """
    names = _phone_names()
    phonemes = [(s, tp, name) for etype, s, tp, _, name in raw.events if etype == _EVENT_PHONEME]
    total = len(raw.samples)
    kept = []  # (name, start, natural end, text position)
    for i, (start, tp, name) in enumerate(phonemes):
        if name in names:
            end = phonemes[i + 1][0] if i + 1 < len(phonemes) else total
            kept.append((name, start, max(end, start), tp))
    if not kept:
        raise EspeakError(f"espeak-ng produced no phones for text {text!r}")
    out = []
    i = 0
    while i < len(kept):
        j = i
        while j + 1 < len(kept) and kept[j + 1][1] == kept[i][1]:
            j += 1
        start = kept[i][1]
        end = max(k[2] for k in kept[i:j + 1])
        if end <= start:  # zero-length run: extend to the next phone (over a silent pause) or by 1 sample
            end = kept[j + 1][1] if j + 1 < len(kept) else start + 1
            end = max(end, start + 1)
        step = (end - start) / (j - i + 1)
        for k in range(i, j + 1):
            out.append((kept[k][0], start + (k - i) * step, start + (k - i + 1) * step, kept[k][3]))
        i = j + 1
    return out


def _word_segments(raw: _Raw, text: str, phones: list[tuple[str, float, float, int]]
                   ) -> list[tuple[str, float, float]]:
    """Words from WORD events (1-based character position + length in ``text``); each phone goes to
    the last word starting at or before its own text position."""
    words = [(tp, length) for etype, _, tp, length, _ in raw.events if etype == _EVENT_WORD and length > 0]
    spans: dict[int, list[float]] = {}
    starts = [tp for tp, _ in words]
    for _, start, end, tp in phones:
        k = bisect.bisect_right(starts, tp) - 1
        if k < 0:
            continue
        span = spans.setdefault(k, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
    return [(text[words[k][0] - 1:words[k][0] - 1 + words[k][1]].strip(), s, e)
            for k, (s, e) in sorted(spans.items())]


def synthesize(text: str, speaker: Speaker, *, sample_rate: int = SAMPLE_RATE,
               pad: float = 0.15) -> Utterance:
    """Speak ``text`` with ``speaker``: float32 mono [T] at ``sample_rate`` with ``pad`` seconds of
    silence before the first and after the last sound, plus phone and word spans on that timeline.

    Raises EspeakNotFoundError if espeak-ng is missing, EspeakError if it fails, ValueError on empty text.
    """
    if pad < 0:
        raise ValueError(f"pad must be >= 0, got {pad}")
    raw = _render(text, speaker)
    phones = _phone_segments(raw, text)
    words = _word_segments(raw, text, phones)

    x = raw.samples.astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(x) > SILENCE_LEVEL)
    lo = int(math.floor(phones[0][1]))
    hi = int(math.ceil(phones[-1][2]))
    if loud.size:
        lo, hi = min(lo, int(loud[0])), max(hi, int(loud[-1]) + 1)
    content = x[lo:hi]
    if len(content) < hi - lo:  # a phone stretched past the audio end (see _phone_segments)
        content = np.pad(content, (0, hi - lo - len(content)))
    if sample_rate != raw.rate:
        g = math.gcd(sample_rate, raw.rate)
        content = resample_poly(content, sample_rate // g, raw.rate // g)
    n_pad = int(round(pad * sample_rate))
    wav = np.concatenate([np.zeros(n_pad), content, np.zeros(n_pad)]).astype(np.float32)
    duration = len(wav) / sample_rate
    offset = n_pad / sample_rate

    def seconds(s: float) -> float:
        return min(max(offset + (s - lo) / raw.rate, 0.0), duration)

    return Utterance(
        text=text, speaker=speaker, wav=wav, sample_rate=sample_rate,
        phones=[PhoneSpan(name, seconds(s), seconds(e)) for name, s, e, _ in phones],
        words=[WordSpan(w, seconds(s), seconds(e)) for w, s, e in words],
    )


def phonemize(text: str, speaker_or_lang: Speaker | str = "en") -> list[str]:
    """espeak-ng phone mnemonics of ``text``, exactly those ``synthesize`` times for the same speaker.

    ``speaker_or_lang``: a Speaker, a language code of ``voices.LANGS`` (its first seen accent, e.g.
    ``en`` -> ``en-us``) or an espeak-ng voice name. Variant, pitch and speed do not change the
    phones; the accent does.
    """
    raw = _render(text, speaker_or_lang)
    return [name for name, *_ in _phone_segments(raw, text)]
