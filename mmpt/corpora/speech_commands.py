"""Google Speech Commands (v0.01 / v0.02) -> Kaldi-style data directories for SUPERB keyword spotting.

The layout (https://arxiv.org/abs/1804.03209) is::

    speech_commands_v0.01/<word>/<speaker hash>_nohash_<n>.wav   # <= 1 s, 16 kHz, PCM16
    speech_commands_v0.01/_background_noise_/*.wav               # long noise recordings
    speech_commands_v0.01/validation_list.txt                    # "<word>/<file>.wav" per line
    speech_commands_v0.01/testing_list.txt
    speech_commands_test_set_v0.01/<label>/*.wav                 # the separate test set, 12 labels:
                                                                 # 10 words, _unknown_, _silence_

SUPERB KS has 12 classes: ``yes no up down left right on off stop go``, ``_unknown_`` (every other word) and
``_silence_``. Three data directories are written to ``<out>/{train,valid,test}``:

* ``train`` / ``valid``: the word clips of the main archive, split by ``validation_list.txt`` and
  ``testing_list.txt`` (the clips listed in the testing list are left out, as SUPERB does, since the separate
  test set is used). When the lists are absent the split is recomputed with the corpus's own rule (sha1 of the
  speaker hash, 10 % validation, 10 % testing), which is how the lists were made and what s3prl does.
  ``_silence_`` utterances are 1 s windows cut from ``_background_noise_`` (hop 1 s): every 10th window of a
  file (index 0, 10, ...) goes to ``valid``, the others to ``train``.
* ``test``: the separate test archive (labels are its folder names); when it is absent the clips of
  ``testing_list.txt`` are used instead, with a warning (no ``_silence_`` then).

Files: ``wav.scp`` (recording -> absolute path), ``segments`` (every utterance; word clips span their whole
file), ``text`` (the 12-class label), ``utt2word`` (the spoken word, or ``_silence_``), ``utt2spk`` (the
speaker hash; ``silence`` for noise windows), ``reco2dur``. Utterance ids: ``<hash>_<word>_nohash_<n>`` and
``silence_<noise file>_<window>``. Bad input (unreadable or empty audio, a file name not of the form
``<hash>_nohash_<n>.wav``, a list entry without a file, a noise file shorter than 1 s) is excluded, counted,
logged and listed in ``excluded.txt``.

Command line::

    python -m mmpt.corpora.speech_commands --root $SPEECH_COMMANDS --out data
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

COMMANDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")
UNKNOWN, SILENCE = "_unknown_", "_silence_"
CLASSES = COMMANDS + (UNKNOWN, SILENCE)
BACKGROUND = "_background_noise_"
DOWNLOAD_URL = "http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz"
SAMPLE_RATE = 16000
# The constant of the corpus's split rule (README of the corpus, tensorflow's input_data.which_set).
MAX_NUM_WAVS_PER_CLASS = 2**27 - 1
VALID_PERCENT, TEST_PERCENT = 10.0, 10.0
SILENCE_VALID_EVERY = 10

_CLIP_RE = re.compile(r"^([0-9a-f]+)_nohash_(\d+)\.wav$")
_TEST_UNKNOWN_RE = re.compile(r"^([a-z]+)_([0-9a-f]+)_nohash_(\d+)\.wav$")


@dataclass
class SplitResult:
    """What was written for one data directory."""

    name: str
    out_dir: Path
    num_utts: int
    labels: Dict[str, int]  # label -> count
    exclusions: List[Exclusion] = field(default_factory=list)


def label_of(word: str) -> str:
    """The 12-class SUPERB label of a word (or of a test-set folder name)."""
    if word in COMMANDS or word in (UNKNOWN, SILENCE):
        return word
    return UNKNOWN


def which_set(filename: str, valid_percent: float = VALID_PERCENT, test_percent: float = TEST_PERCENT) -> str:
    """``training`` / ``validation`` / ``testing`` of a clip by its speaker hash: the corpus's own rule
    (every clip of a speaker falls in the same set)."""
    speaker = re.sub(r"_nohash_.*$", "", Path(filename).name)
    h = int(hashlib.sha1(speaker.encode("utf-8")).hexdigest(), 16)
    percent = (h % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS)
    if percent < valid_percent:
        return "validation"
    if percent < valid_percent + test_percent:
        return "testing"
    return "training"


def find_roots(root: Path, version: str = "v0.01") -> Tuple[Path, Optional[Path]]:
    """(main archive dir, test archive dir or None) from ``root``: either the directory holding
    ``speech_commands_<version>/`` or the main archive directory itself."""
    root = Path(root)
    main_name, test_name = f"speech_commands_{version}", f"speech_commands_test_set_{version}"
    if (root / main_name).is_dir():
        main = root / main_name
    elif any((root / w).is_dir() for w in COMMANDS) or (root / BACKGROUND).is_dir():
        main = root
    else:
        raise DataError(root, f"neither {main_name}/ nor word folders here; download {DOWNLOAD_URL}")
    test = next((c for c in (main.parent / test_name, root / test_name) if c.is_dir()), None)
    return main, test


# ----------------------------------------------------------------------------------------- audio
def _info(path: Path) -> Tuple[float, int]:
    """(seconds, sample rate); DataError when unreadable or empty."""
    return common.audio_info(path)[:2]


class _Tables:
    """The tables of one data directory being built."""

    def __init__(self) -> None:
        self.wav: Dict[str, str] = {}
        self.dur: Dict[str, str] = {}
        self.seg: Dict[str, Tuple[str, float, float]] = {}
        self.text: Dict[str, str] = {}
        self.word: Dict[str, str] = {}
        self.spk: Dict[str, str] = {}
        self.exclusions: List[Exclusion] = []

    def add_clip(self, path: Path, word: str, label: str, hash_: str, n: str) -> None:
        utt = f"{hash_}_{word}_nohash_{n}"
        if utt in self.seg:
            self.exclusions.append(Exclusion("duplicate_id", str(path), f"{utt} already taken; kept the first", utt))
            return
        try:
            dur, sr = _info(path)
        except DataError as e:
            self.exclusions.append(Exclusion("unreadable_audio", e.where, e.problem, utt))
            return
        if sr != SAMPLE_RATE:
            logger.warning("%s: %d Hz; it is resampled when read", path, sr)
        self.wav[utt] = str(path.resolve())
        self.dur[utt] = common.fmt_seconds(dur, 4)
        self.seg[utt] = (utt, 0.0, dur)
        self.text[utt], self.word[utt], self.spk[utt] = label, word, hash_

    def add_silence_file(self, path: Path, reco: str, windows: Optional[Sequence[int]] = None) -> None:
        """1 s windows (hop 1 s) of a noise file; ``windows`` picks some of them (all by default)."""
        try:
            dur, _ = _info(path)
        except DataError as e:
            self.exclusions.append(Exclusion("unreadable_audio", e.where, e.problem, reco))
            return
        n = int(dur)  # whole seconds
        if n < 1:
            self.exclusions.append(Exclusion("short_noise", str(path), f"{dur:.3f} s, shorter than 1 s", reco))
            return
        picked = [k for k in (range(n) if windows is None else windows) if k < n]
        for k in picked:
            utt = f"silence_{reco}_{k:04d}"
            self.seg[utt] = (reco, float(k), float(k + 1))
            self.text[utt], self.word[utt], self.spk[utt] = SILENCE, SILENCE, "silence"
        if picked:
            self.wav[reco] = str(path.resolve())
            self.dur[reco] = common.fmt_seconds(dur, 4)

    def write(self, name: str, out_dir: Path) -> SplitResult:
        from mmpt.data.datadir import DataDir, Segment

        common.log_exclusions(name, self.exclusions, out_dir)
        if not self.seg:
            raise DataError(out_dir, f"no usable utterance for {name} ({len(self.exclusions)} excluded)")
        d = DataDir(wav_scp=self.wav, text=self.text, utt2spk=self.spk,
                    segments={u: Segment(*v) for u, v in self.seg.items()})
        d.extra["reco2dur"] = self.dur
        d.extra["utt2word"] = self.word
        d.write(out_dir)
        common.write_exclusions(out_dir, self.exclusions)
        return SplitResult(name, out_dir, len(self.seg), dict(Counter(self.text.values())), self.exclusions)


# ----------------------------------------------------------------------------------------- scans
def _read_list(path: Path, main: Path, exclusions: List[Exclusion]) -> Optional[set]:
    """Relative paths of a validation/testing list (None when the list is absent)."""
    if not path.is_file():
        return None
    out = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        rel = line.strip()
        if not rel:
            continue
        if not (main / rel).is_file():
            exclusions.append(Exclusion("missing_file", str(path), f"line {lineno}: {rel} does not exist"))
            continue
        out.add(rel)
    return out


def _word_clips(main: Path, exclusions: List[Exclusion]) -> List[Tuple[str, Path, str, str]]:
    """(word, path, hash, n) of every clip of the main archive, sorted."""
    out = []
    for word_dir in sorted(p for p in main.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        for wav in sorted(word_dir.glob("*.wav")):
            m = _CLIP_RE.match(wav.name)
            if m is None:
                exclusions.append(Exclusion("bad_name", str(wav), "expected <speaker hash>_nohash_<n>.wav"))
                continue
            out.append((word_dir.name, wav, m.group(1), m.group(2)))
    return out


def prepare(root: Path, out_root: Path, version: str = "v0.01", test_root: Optional[Path] = None
            ) -> List[SplitResult]:
    """Write ``<out_root>/{train,valid,test}``. Raises DataError when the corpus is not found or a data
    directory would be empty."""
    main, test = find_roots(root, version)
    if test_root is not None:
        test = Path(test_root)
    train, valid, testing = _Tables(), _Tables(), _Tables()
    lists_excl: List[Exclusion] = []
    valid_list = _read_list(main / "validation_list.txt", main, lists_excl)
    test_list = _read_list(main / "testing_list.txt", main, lists_excl)
    train.exclusions.extend(lists_excl)
    if valid_list is None or test_list is None:
        logger.warning("%s: validation_list.txt / testing_list.txt missing; the split is recomputed from the "
                       "speaker hashes (the corpus's own rule)", main)
    clips = _word_clips(main, train.exclusions)
    for word, wav, h, n in clips:
        rel = f"{word}/{wav.name}"
        if valid_list is not None and test_list is not None:
            which = "validation" if rel in valid_list else "testing" if rel in test_list else "training"
        else:
            which = which_set(wav.name)
        if which == "training":
            train.add_clip(wav, word, label_of(word), h, n)
        elif which == "validation":
            valid.add_clip(wav, word, label_of(word), h, n)
        else:
            testing.add_clip(wav, word, label_of(word), h, n)

    bg = main / BACKGROUND
    noises = sorted(bg.glob("*.wav")) if bg.is_dir() else []
    if not noises:
        logger.warning("%s: no background noise files; train/valid have no %s class", bg, SILENCE)
    for noise in noises:
        import soundfile

        try:
            n_win = int(soundfile.info(str(noise)).frames // SAMPLE_RATE)
        except Exception:
            n_win = 0  # add_silence_file reports it
        reco = re.sub(r"[^A-Za-z0-9_-]", "_", noise.stem)
        if n_win == 0:
            train.add_silence_file(noise, reco)  # unreadable or shorter than 1 s: reported once, in train
            continue
        train.add_silence_file(noise, reco, [k for k in range(n_win) if k % SILENCE_VALID_EVERY])
        valid.add_silence_file(noise, reco, [k for k in range(n_win) if k % SILENCE_VALID_EVERY == 0])

    if test is not None and test.is_dir():
        test_tables = _Tables()
        for label_dir in sorted(p for p in test.iterdir() if p.is_dir()):
            label = label_dir.name
            if label not in CLASSES:
                test_tables.exclusions.append(Exclusion("bad_label", str(label_dir), f"{label!r} is not one of "
                                                                                    f"{', '.join(CLASSES)}"))
                continue
            for wav in sorted(label_dir.glob("*.wav")):
                if label == SILENCE:
                    test_tables.add_silence_file(wav, re.sub(r"[^A-Za-z0-9_-]", "_", f"test_{wav.stem}"), [0])
                    continue
                m = _TEST_UNKNOWN_RE.match(wav.name) if label == UNKNOWN else _CLIP_RE.match(wav.name)
                if m is None:
                    want = "<word>_<hash>_nohash_<n>.wav" if label == UNKNOWN else "<hash>_nohash_<n>.wav"
                    test_tables.exclusions.append(Exclusion("bad_name", str(wav), f"expected {want}"))
                    continue
                word, h, n = (m.group(1), m.group(2), m.group(3)) if label == UNKNOWN else (label, *m.groups())
                test_tables.add_clip(wav, word, label, h, n)
    else:
        logger.warning("no test archive speech_commands_test_set_%s next to %s: test uses testing_list.txt "
                       "(no %s class)", version, main, SILENCE)
        test_tables = testing
    out_root = Path(out_root)
    results = [train.write("train", out_root / "train"), valid.write("valid", out_root / "valid"),
               test_tables.write("test", out_root / "test")]
    for r in results:
        logger.info("%s -> %s: %d utterances (%s); %d excluded", r.name, r.out_dir, r.num_utts,
                    ", ".join(f"{k} {v}" for k, v in sorted(r.labels.items())), len(r.exclusions))
    return results


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.corpora.speech_commands",
                                description="Parse Speech Commands into SUPERB KS data directories.")
    p.add_argument("--root", required=True, type=Path,
                   help="directory holding speech_commands_<version>/ (and speech_commands_test_set_<version>/)")
    p.add_argument("--version", default="v0.01", choices=("v0.01", "v0.02"))
    p.add_argument("--test_root", type=Path, default=None, help="the test archive, if not beside the main one")
    p.add_argument("--out", type=Path, default=Path("data"))
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, lambda args: prepare(args.root, args.out, args.version, args.test_root), argv)


if __name__ == "__main__":
    sys.exit(main())
