"""Embedded LibriSpeech: synthetic read speech in the real corpus's layout (parsed by mmpt.corpora.librispeech).

Layout (under ``<out>/librispeech``), as in https://www.openslr.org/12::

    LibriSpeech/<split>/<reader>/<chapter>/<reader>-<chapter>-<NNNN>.flac     # 16 kHz mono FLAC
    LibriSpeech/<split>/<reader>/<chapter>/<reader>-<chapter>.trans.txt       # "<utt-id> <UPPER TEXT>", sorted
    LibriSpeech/SPEAKERS.TXT  CHAPTERS.TXT  README.TXT                          # ";" comment headers, "|" columns

Splits: ``train-clean-100``, ``dev-clean``, ``dev-other``, ``test-clean``, ``test-other``. Speakers
(:func:`mmpt.synth.voices.speaker_pool`): train-clean-100 from the ``train`` pool, dev-clean from the first
``dev`` speakers and dev-other from the next ones (same seen accents and variants, other speakers: the pool
has only 8 voice pairs, so dev-other differs from dev-clean by speaker and by degradation, not by accent),
test-clean from ``test``, test-other from ``test_other`` (unseen accents and voices). Readers get
LibriSpeech-like numeric ids (:func:`reader_id`), shared with the embedded LibriMix.

Text: 1-3 grammar sentences per utterance (preset ``sentences_per_utt``), transcribed with ``normalize_en``;
every split draws from :func:`mmpt.synth.grammar.generate_splits`, so no sentence of a test or dev split
appears in any other split. Audio: the sentences spoken with short pauses; *-clean gets a faint noise floor
(35-50 dB SNR), *-other reverberation (RT60 0.3-0.9 s) and noise at 5-15 dB SNR.

Preset keys (section ``librispeech``): utterances per split (``train-clean-100`` ...), ``speakers`` (per
split), ``sentences_per_utt`` ([min, max]), ``chapters_per_speaker`` (1-3).
"""
from __future__ import annotations

import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from mmpt.synth.writer import CorpusWriter, Item, Preset, atomic_path, item_rng, stable_seed, write_text_atomic

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
SPLITS = ("train-clean-100", "dev-clean", "dev-other", "test-clean", "test-other")
# Order in which sentence sets are drawn (test first: they are never excluded by another split).
_TEXT_ORDER = ("test-clean", "test-other", "dev-clean", "dev-other", "train-clean-100")
_POOL_ORDER = ("train", "dev", "test", "test_other")

# Reader / chapter numbers: fixed permutations, so a speaker has the same reader id in every corpus and run.
_READERS = random.Random("mmpt-librispeech-readers").sample(range(14, 9999), 4 * 1000)
_CHAPTERS = random.Random("mmpt-librispeech-chapters").sample(range(1000, 400000), 4 * 1000 * 4)


def reader_id(speaker) -> int:
    """LibriSpeech-style reader number of an English pool speaker (unique over all pools)."""
    split_ix = _POOL_ORDER.index(speaker.split)
    k = int(speaker.id[3:]) % 1000
    return _READERS[split_ix * 1000 + k]


def chapter_id(speaker, index: int) -> int:
    """The ``index``-th (0..3) chapter number of a speaker (unique over all speakers)."""
    split_ix = _POOL_ORDER.index(speaker.split)
    k = int(speaker.id[3:]) % 1000
    return _CHAPTERS[(split_ix * 1000 + k) * 4 + index]


# ------------------------------------------------------------------------------------ shared rendering
@dataclass
class Spoken:
    """Sentences read one after the other: ``wav`` float32 [T] at 16 kHz and, per sentence, the
    (start, end) seconds of its speech (first phone start to last phone end)."""

    wav: np.ndarray
    spans: List[Tuple[float, float]]


def speak(texts: Sequence[str], speaker, rng: np.random.Generator, pause: Tuple[float, float] = (0.25, 0.6),
          lead: Tuple[float, float] = (0.15, 0.4), tail: Tuple[float, float] = (0.15, 0.4)) -> Spoken:
    """Synthesise ``texts`` with ``speaker``, separated by pauses drawn from ``rng`` (seconds)."""
    from mmpt.text.espeak import synthesize

    parts: List[np.ndarray] = [np.zeros(int(rng.uniform(*lead) * SAMPLE_RATE), np.float32)]
    spans = []
    t = len(parts[0])
    for i, text in enumerate(texts):
        if i:
            gap = np.zeros(int(rng.uniform(*pause) * SAMPLE_RATE), np.float32)
            parts.append(gap)
            t += len(gap)
        utt = synthesize(text, speaker, pad=0.0)
        start = utt.phones[0].start if utt.phones else 0.0
        end = utt.phones[-1].end if utt.phones else utt.duration
        spans.append((t / SAMPLE_RATE + start, t / SAMPLE_RATE + end))
        parts.append(utt.wav)
        t += len(utt.wav)
    parts.append(np.zeros(int(rng.uniform(*tail) * SAMPLE_RATE), np.float32))
    return Spoken(np.concatenate(parts).astype(np.float32), spans)


def noise_of(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise ``kind`` (a key of ``degrade.NOISES`` or ``cafe``), float32 [n]."""
    from mmpt.synth import degrade

    if kind == "cafe":
        return degrade.cafe_noise(n, rng)
    return degrade.NOISES[kind](n, rng)


def degrade_other(wav: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The "other" condition: reverberation (RT60 0.3-0.9 s), then noise at 5-15 dB SNR."""
    from mmpt.synth import degrade

    y = degrade.reverberate(wav, float(rng.uniform(0.3, 0.9)), rng)
    kind = str(rng.choice(["white", "pink", "brown", "cafe"]))
    return degrade.add_noise(y, noise_of(kind, len(y), rng), float(rng.uniform(5.0, 15.0)), rng)


def noise_floor(wav: np.ndarray, rng: np.random.Generator, snr: Tuple[float, float] = (35.0, 50.0)) -> np.ndarray:
    """A faint recording noise floor (pink or brown noise at ``snr`` dB)."""
    from mmpt.synth import degrade

    kind = str(rng.choice(["pink", "brown"]))
    return degrade.add_noise(wav, noise_of(kind, len(wav), rng), float(rng.uniform(*snr)), rng)


def set_peak(wav: np.ndarray, rng: np.random.Generator, lo: float = 0.3, hi: float = 0.9) -> np.ndarray:
    """Scale to a random peak level in [lo, hi] (recording levels vary)."""
    peak = float(np.max(np.abs(wav))) if wav.size else 0.0
    return (wav * (rng.uniform(lo, hi) / peak)).astype(np.float32) if peak > 0 else wav


def write_audio(path: Path, wav: np.ndarray, fmt: str = "WAV") -> None:
    """Write 16 kHz PCM16 ``fmt`` (WAV or FLAC) atomically."""
    import soundfile as sf

    with atomic_path(path) as tmp:
        sf.write(str(tmp), np.clip(wav, -1.0, 1.0), SAMPLE_RATE, format=fmt, subtype="PCM_16")


# ------------------------------------------------------------------------------------------- writer
class LibriSpeechWriter(CorpusWriter):
    """The LibriSpeech layout: one item per utterance (a flac); transcripts and tables in finalize."""

    name = "librispeech"

    def plan(self, preset: Preset, seed: int) -> List[Item]:
        from mmpt.synth.grammar import generate_splits
        from mmpt.synth.voices import speaker_pool

        sizes = {s: int(preset.get(self.name, s, 0)) for s in SPLITS}
        n_spk = preset.get(self.name, "speakers", {})
        lo, hi = preset.get(self.name, "sentences_per_utt", [1, 3])
        chapters = min(3, int(preset.get(self.name, "chapters_per_speaker", 2)))  # slot 3 is LibriMix's
        rng = random.Random(stable_seed(self.name, "plan", seed))
        per_utt = {s: [rng.randint(lo, hi) for _ in range(sizes[s])] for s in SPLITS}
        texts = generate_splits(stable_seed(self.name, "text", seed),
                                {s: sum(per_utt[s]) for s in _TEXT_ORDER})
        n_dev = int(n_spk.get("dev-clean", 2))
        pools = {
            "train-clean-100": speaker_pool("train", int(n_spk.get("train-clean-100", 4))),
            "dev-clean": speaker_pool("dev", n_dev),
            "dev-other": speaker_pool("dev", n_dev + int(n_spk.get("dev-other", 2)))[n_dev:],
            "test-clean": speaker_pool("test", int(n_spk.get("test-clean", 2))),
            "test-other": speaker_pool("test_other", int(n_spk.get("test-other", 2))),
        }
        items = []
        for split in SPLITS:
            speakers = list(pools[split])
            rng.shuffle(speakers)
            counters: Dict[Tuple[int, int], int] = defaultdict(int)
            sent = iter(texts[split])
            for i, k in enumerate(per_utt[split]):
                spk = speakers[i % len(speakers)]
                reader = reader_id(spk)
                chapter = chapter_id(spk, (i // len(speakers)) % chapters)
                n = counters[(reader, chapter)]
                counters[(reader, chapter)] += 1
                utt = f"{reader}-{chapter}-{n:04d}"
                sentences = [next(sent) for _ in range(k)]
                rel = f"LibriSpeech/{split}/{reader}/{chapter}/{utt}.flac"
                items.append(Item(
                    key=f"{split}/{utt}", outputs=(rel,), seed=stable_seed(self.name, seed, split, utt),
                    params={"split": split, "utt": utt, "speaker": spk, "reader": reader, "chapter": chapter,
                            "texts": [s.en for s in sentences],
                            "transcript": " ".join(s.en_norm for s in sentences),
                            "other": split.endswith("-other")},
                ))
        return items

    def render(self, item: Item, root: Path) -> float:
        rng = item_rng(item)
        spoken = speak(item.params["texts"], item.params["speaker"], rng)
        wav = degrade_other(spoken.wav, rng) if item.params["other"] else noise_floor(spoken.wav, rng)
        wav = set_peak(wav, rng)
        write_audio(root / item.outputs[0], wav, "FLAC")
        return len(wav) / SAMPLE_RATE

    def finalize(self, items: Sequence[Item], root: Path) -> None:
        import soundfile as sf

        corpus = root / "LibriSpeech"
        by_chapter: Dict[Path, List[str]] = defaultdict(list)
        minutes: Dict[Tuple[str, int], float] = defaultdict(float)  # (split, reader) -> minutes
        ch_minutes: Dict[Tuple[str, int, int], float] = defaultdict(float)
        genders: Dict[int, str] = {}
        for it in items:
            p = it.params
            flac = root / it.outputs[0]
            by_chapter[flac.parent / f"{p['reader']}-{p['chapter']}.trans.txt"].append(f"{p['utt']} {p['transcript']}")
            mins = sf.info(str(flac)).frames / SAMPLE_RATE / 60.0
            minutes[(p["split"], p["reader"])] += mins
            ch_minutes[(p["split"], p["reader"], p["chapter"])] += mins
            genders[p["reader"]] = p["speaker"].gender.upper()
        for path, lines in by_chapter.items():
            write_text_atomic(path, "".join(line + "\n" for line in sorted(lines)))
        speakers = [
            "; Embedded (synthetic) LibriSpeech written by mmpt-synth: espeak-ng voices, not real readers.\n",
            "; Some fields may contain whitespace: split on '|' only.\n",
            ";ID  |SEX| SUBSET           |MINUTES| NAME\n",
        ]
        for (split, reader), mins in sorted(minutes.items(), key=lambda x: (x[0][1], x[0][0])):
            speakers.append(f"{reader:<5}| {genders[reader]} | {split:<17}| {mins:5.2f} | Synthetic Reader {reader}\n")
        write_text_atomic(corpus / "SPEAKERS.TXT", "".join(speakers))
        chapters = [
            "; Embedded (synthetic) LibriSpeech written by mmpt-synth: sentences of mmpt's text grammar.\n",
            ";ID      |READER|MINUTES| SUBSET           | PROJ.|BOOK ID| CH. TITLE            | PROJECT TITLE\n",
        ]
        for (split, reader, chapter), mins in sorted(ch_minutes.items(), key=lambda x: x[0][2]):
            chapters.append(f"{chapter:<9}| {reader:<5}| {mins:5.2f} | {split:<17}| 0    | 0      "
                            f"| Chapter {chapter:<12} | Synthetic Readings\n")
        write_text_atomic(corpus / "CHAPTERS.TXT", "".join(chapters))
        write_text_atomic(corpus / "README.TXT",
                          "Embedded LibriSpeech (synthetic), in the layout of https://www.openslr.org/12.\n"
                          "Speech: espeak-ng voices (mmpt.synth.voices); text: mmpt.synth.grammar.\n"
                          "*-other: unseen voices (test-other), reverberation and noise at 5-15 dB SNR.\n")
