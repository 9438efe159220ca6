"""LRS3-TED: the original corpus layout -> Kaldi-style data directories.

The layout (https://www.robots.ox.ac.uk/~vgg/data/lip_reading/lrs3.html) is::

    <root>/{pretrain,trainval,test}/<video_id>/<NNNNN>.mp4      # 25 fps face track + 16 kHz audio
    <root>/{pretrain,trainval,test}/<video_id>/<NNNNN>.txt      # transcript and word timings

where ``<video_id>`` is the 11-character YouTube id of one TED talk (one speaker), and the txt reads::

    Text:  SO I WANT TO TELL YOU A STORY
    Conf:  4

    WORD START END ASDSCORE
    SO 0.22 0.41 5.1
    ...

Each split becomes ``<out>/<split>`` (see :mod:`mmpt.corpora.av_clips`): ``wav.scp`` and ``video.scp``
(both the mp4 path: the audio is decoded from the container), ``text`` (the ``Text:`` line, as in the
corpus), ``utt2spk`` (the video id), ``utt2dur``, utterance ids ``<video_id>_<NNNNN>``.

Clips without a txt (e.g. the public LRS3 test samples of other projects, which ship only the mp4): when no
clip of a split has one, the data directory has no ``text`` file and serves pre-training; when some do,
the clips without one are excluded with a count (``no_transcript``). A txt without its mp4
(``missing_video``), a txt without a ``Text:`` line (``malformed_txt``) or with an empty text
(``empty_transcript``), a file outside ``<video_id>/`` (``misplaced_file``) and unreadable clips are
excluded, counted, logged and listed in ``excluded.txt``. Clips without an audio track go to
``<out>/<split>/video_only/``. Names that are not the usual 11-character id / 5-digit clip number (e.g.
re-packaged clips) are accepted as long as they hold no white space.

Command line::

    python -m mmpt.corpora.lrs3 --root $LRS3 --splits pretrain trainval test --out data
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.av_clips import Clip, ClipsResult, Exclusion, find_files, has_space, prepare_clips
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

SPLITS = ("pretrain", "trainval", "test")
DOWNLOAD_URL = "https://www.robots.ox.ac.uk/~vgg/data/lip_reading/lrs3.html"
VIDEO_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
CLIP_RE = re.compile(r"^\d{5}$")
WORD_HEADER = ("WORD", "START", "END", "ASDSCORE")


@dataclass(frozen=True)
class Word:
    """One line of the word table: times in seconds from the start of the clip."""

    word: str
    start: float
    end: float
    score: float


@dataclass
class Transcript:
    """The content of an LRS3 ``<NNNNN>.txt``."""

    text: str
    conf: Optional[str] = None
    words: List[Word] = field(default_factory=list)

    def format(self) -> str:
        """The file content in the corpus's own format (two spaces after ``Text:``/``Conf:``)."""
        lines = [f"Text:  {self.text}", f"Conf:  {self.conf if self.conf is not None else 0}"]
        if self.words:
            lines += ["", " ".join(WORD_HEADER)]
            lines += [f"{w.word} {w.start:.2f} {w.end:.2f} {w.score:.1f}" for w in self.words]
        return "\n".join(lines) + "\n"


def read_transcript(path: Path) -> Transcript:
    """Parse an LRS3 txt. Raises DataError (naming the file) when it is unreadable or has no ``Text:`` line;
    a malformed word table raises too (its lines must be ``WORD START END [SCORE]``)."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise DataError(path, f"not valid UTF-8 ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise DataError(path, f"unreadable ({e.strerror})") from None
    text: Optional[str] = None
    conf: Optional[str] = None
    words: List[Word] = []
    in_table = False
    for lineno, line in enumerate(content.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if in_table:
            parts = s.split()
            try:
                if len(parts) not in (3, 4):
                    raise ValueError
                words.append(Word(parts[0], float(parts[1]), float(parts[2]),
                                  float(parts[3]) if len(parts) == 4 else 0.0))
            except ValueError:
                raise DataError(path, f"line {lineno}: expected 'WORD START END ASDSCORE', got {s[:80]!r}") from None
        elif s.startswith("Text:"):
            text = " ".join(s[len("Text:"):].split())
        elif s.startswith("Conf:"):
            conf = s[len("Conf:"):].strip()
        elif s.split()[:3] == list(WORD_HEADER[:3]):
            in_table = True
    if text is None:
        raise DataError(path, "no 'Text:' line")
    return Transcript(text, conf, words)


def find_corpus_root(root: Path, splits: Sequence[str] = SPLITS) -> Path:
    """``root`` itself, or ``root/lrs3`` / ``root/LRS3`` when the user pointed at the directory above it."""
    return common.find_corpus_root(root, ("lrs3", "LRS3"), lambda d: any((d / s).is_dir() for s in splits), "LRS3")


def scan_split(split_dir: Path) -> Tuple[List[Clip], List[Exclusion]]:
    """The clips of one split directory and what was excluded while reading the layout."""
    exclusions: List[Exclusion] = []
    clips: List[Clip] = []
    mp4s: Dict[Tuple[str, str], Path] = {}
    nonstandard = 0
    for mp4 in find_files(split_dir, ".mp4"):
        rel = mp4.relative_to(split_dir).parts
        if len(rel) != 2 or has_space(rel[0]) or has_space(mp4.stem):
            exclusions.append(Exclusion("misplaced_file", str(mp4), "expected <video_id>/<clip>.mp4 (no spaces)"))
            continue
        if not (VIDEO_ID_RE.match(rel[0]) and CLIP_RE.match(mp4.stem)):
            nonstandard += 1
        mp4s[(rel[0], mp4.stem)] = mp4
    if nonstandard:
        logger.info("%s: %d clips are not named <11-char video id>/<5 digits>.mp4; kept under their own names",
                    split_dir, nonstandard)
    txts: Dict[Tuple[str, str], Path] = {}
    for txt in find_files(split_dir, ".txt"):
        rel = txt.relative_to(split_dir).parts
        if len(rel) != 2:
            exclusions.append(Exclusion("misplaced_file", str(txt), "expected <video_id>/<clip>.txt"))
            continue
        if (rel[0], txt.stem) not in mp4s:
            exclusions.append(Exclusion("missing_video", str(txt), f"no {txt.with_suffix('.mp4').name} beside it"))
            continue
        txts[(rel[0], txt.stem)] = txt
    for (vid, clip), mp4 in sorted(mp4s.items()):
        utt = f"{vid}_{clip}"
        text: Optional[str] = None
        txt = txts.get((vid, clip))
        if txt is not None:
            try:
                text = read_transcript(txt).text
            except DataError as e:
                exclusions.append(Exclusion("malformed_txt", e.where, e.problem, utt))
                continue
            if not text:
                exclusions.append(Exclusion("empty_transcript", str(txt), "empty 'Text:' line", utt))
                continue
        clips.append(Clip(utt=utt, video=str(mp4.absolute()), spk=vid, text=text))
    return clips, exclusions


def prepare_split(split_dir: Path, out_dir: Path, nj: int = 4) -> ClipsResult:
    """Parse ``split_dir`` and write the data directory ``out_dir``. Raises DataError when no clip is left."""
    clips, exclusions = scan_split(split_dir)
    return prepare_clips(f"lrs3/{split_dir.name}", clips, out_dir, exclusions, nj=nj, expect_text=True)


def prepare(root: Path, splits: Sequence[str], out_root: Path, nj: int = 4) -> List[ClipsResult]:
    """Prepare every requested split present under ``root``; absent splits are reported and skipped.
    Raises DataError when none exists or a present split yields no clip."""
    root = find_corpus_root(Path(root), list(dict.fromkeys(splits)))
    present = common.present_splits(
        root, splits, SPLITS, "LRS3", lambda s: (root / s).is_dir(), lambda s: f"directory {root / s}",
        f"get LRS3 from {DOWNLOAD_URL} and point LRS3 (db.sh) at the directory holding them")
    results = []
    for s in present:
        res = prepare_split(root / s, Path(out_root) / s, nj=nj)
        logger.info("%s", res.summary())
        results.append(res)
    return results


def get_parser() -> argparse.ArgumentParser:
    p = common.corpus_parser("mmpt.corpora.lrs3", "Parse the LRS3 corpus layout into Kaldi-style data directories.",
                             "the LRS3 directory (holding pretrain/ trainval/ test/)", SPLITS)
    p.add_argument("--nj", type=int, default=4, help="threads probing the clips")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, lambda args: prepare(args.root, common.split_list(args.splits), args.out,
                                                           nj=args.nj), argv)


if __name__ == "__main__":
    sys.exit(main())
