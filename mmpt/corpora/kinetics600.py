"""Kinetics-600: the corpus layout -> Kaldi-style data directories.

The layout (https://github.com/cvdfoundation/kinetics-dataset; annotations from DeepMind) is::

    <root>/{train,validate,test}.csv          # label,youtube_id,time_start,time_end,split
    <root>/<split>/<label>/<youtube_id>_<time_start:06d>_<time_end:06d>.mp4      # ~10 s YouTube clips

Clips are looked up by file name anywhere below ``<root>/<split>/``, so label folders with spaces
(``playing guitar``), with underscores (``playing_guitar``, what common downloaders write) and flat split
folders (the CVDF archives) all work; a clip saved as ``<youtube_id>.mp4`` is found too. The csv may also
be ``<root>/annotations/<split>.csv`` or ``<root>/kinetics_600_<split>.csv``; its ``label`` column may be
absent or empty (the test set's labels were long held out): the label then comes from the clip's folder
when it sits in one, else the data directory has no ``utt2category``.

Each split becomes ``<out>/<split>`` (see :mod:`mmpt.corpora.av_clips`): ``wav.scp`` and ``video.scp``
(both the clip path; the ambient audio is decoded from the container and resampled to 16 kHz),
``utt2spk`` (the YouTube id: there are no speakers), ``utt2category`` (the label, spaces replaced by
``_`` so that it is one token), ``utt2dur``; utterance ids ``<youtube_id>_<start:06d>_<end:06d>``.

Clips listed in the csv but absent on disk (common: videos disappear from YouTube) are counted, logged and
listed in ``excluded.txt`` (``missing_clip``), as are malformed csv lines, duplicated rows, clips on disk
that the csv does not list (``not_in_csv``) and unreadable clips; clips without an audio track (also
common) go to ``<out>/<split>/video_only/``.

Without any csv (e.g. a folder of downloaded clips), ``--clips_dir DIR`` takes every mp4 below DIR: the
utterance id is the file name, the speaker its YouTube id (the first 11 characters of a
``<id>_<start>_<end>`` name, else the whole name), the category its folder when it sits in one.

Command line::

    python -m mmpt.corpora.kinetics600 --root $KINETICS600 --splits train validate test --out data
    python -m mmpt.corpora.kinetics600 --clips_dir my_clips --out data --name my_clips
"""
from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.av_clips import Clip, ClipsResult, Exclusion, find_files, has_space, prepare_clips
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

SPLITS = ("train", "validate", "test")
CSV_COLUMNS = ("label", "youtube_id", "time_start", "time_end", "split")
DOWNLOAD_URL = "https://github.com/cvdfoundation/kinetics-dataset"
CLIP_RE = re.compile(r"^(?P<yt>[A-Za-z0-9_-]{11})_(?P<start>\d+)_(?P<end>\d+)$")


def clip_name(youtube_id: str, start: int, end: int) -> str:
    """``<youtube_id>_<start:06d>_<end:06d>``: the clip's file stem and utterance id."""
    return f"{youtube_id}_{start:06d}_{end:06d}"


def label_folder(label: str) -> str:
    """The folder name of a label (spaces -> ``_``, quotes dropped), also used as the category token."""
    return "_".join(label.replace('"', "").split())


def find_corpus_root(root: Path, splits: Sequence[str] = SPLITS) -> Path:
    """``root`` itself, or ``root/kinetics600`` (or ``k600``) when pointed at the directory above."""
    return common.find_corpus_root(root, ("kinetics600", "kinetics-600", "k600"),
                                   lambda d: any((d / s).is_dir() or find_csv(d, s) for s in splits), "Kinetics-600")


def find_csv(root: Path, split: str) -> Optional[Path]:
    for cand in (root / f"{split}.csv", root / "annotations" / f"{split}.csv",
                 root / f"kinetics_600_{split}.csv", root / f"kinetics600_{split}.csv"):
        if cand.is_file():
            return cand
    return None


def _time(value: str) -> int:
    t = float(value)
    if t < 0 or t != int(t):
        raise ValueError(value)
    return int(t)


def read_csv(path: Path, exclusions: List[Exclusion]) -> List[Tuple[str, str, int, int]]:
    """Rows ``(label or "", youtube_id, start, end)`` of an annotation csv; bad lines go to exclusions.
    Raises DataError when the header lacks ``youtube_id``, ``time_start`` or ``time_end``."""
    try:
        content = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"unreadable ({e})") from None
    reader = csv.reader(content.splitlines())
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in ("youtube_id", "time_start", "time_end") if c not in header]
    if missing:
        raise DataError(path, f"the header lacks {', '.join(missing)} (expected {','.join(CSV_COLUMNS)}), "
                              f"got {','.join(header)!r}")
    col = {name: header.index(name) for name in header}
    rows = []
    for lineno, row in enumerate(reader, 2):
        if not any(c.strip() for c in row):
            continue
        try:
            if len(row) < len(header):
                raise ValueError("too few columns")
            yt = row[col["youtube_id"]].strip()
            if not yt or has_space(yt):
                raise ValueError("bad youtube_id")
            start, end = _time(row[col["time_start"]]), _time(row[col["time_end"]])
            if end <= start:
                raise ValueError("time_end <= time_start")
        except ValueError as e:
            exclusions.append(Exclusion("malformed_line", str(path), f"line {lineno}: {e}: {','.join(row)[:80]!r}"))
            continue
        label = row[col["label"]].strip() if "label" in col else ""
        rows.append((label, yt, start, end))
    return rows


def _index(split_dir: Path) -> Tuple[Dict[str, Path], Dict[str, int]]:
    """Clip file stem -> path below ``split_dir`` (the first in sorted order wins), and how often each
    stem occurs."""
    index: Dict[str, Path] = {}
    counts: Dict[str, int] = {}
    if split_dir.is_dir():
        for mp4 in find_files(split_dir, ".mp4"):
            counts[mp4.stem] = counts.get(mp4.stem, 0) + 1
            index.setdefault(mp4.stem, mp4)
    return index, counts


def _folder_label(path: Path, top: Path) -> Optional[str]:
    rel = path.relative_to(top).parts
    return label_folder(rel[-2]) if len(rel) >= 2 else None


def scan_split(root: Path, split: str) -> Tuple[List[Clip], List[Exclusion]]:
    """The clips of one split: csv rows matched with files on disk."""
    exclusions: List[Exclusion] = []
    split_dir = root / split
    csv_path = find_csv(root, split)
    if csv_path is None:
        raise DataError(root, f"no annotation csv for {split} ({split}.csv); use --clips_dir for clips "
                              "without annotations")
    rows = read_csv(csv_path, exclusions)
    index, counts = _index(split_dir)
    clips: List[Clip] = []
    used = set()
    seen: Dict[str, int] = {}
    for i, (label, yt, start, end) in enumerate(rows):
        utt = clip_name(yt, start, end)
        if utt in seen:
            exclusions.append(Exclusion("duplicate_id", str(csv_path), "clip listed twice; kept the first", utt))
            continue
        seen[utt] = i
        stem = utt if utt in index else (yt if yt in index else None)
        if stem is None:
            exclusions.append(Exclusion("missing_clip", str(split_dir / (label_folder(label) or ".") / f"{utt}.mp4"),
                                        f"listed in {csv_path.name} but not on disk", utt))
            continue
        if counts[stem] > 1:
            logger.warning("%s: %d files named %s.mp4; using %s", split, counts[stem], stem, index[stem])
        used.add(stem)
        path = index[stem]
        category = label_folder(label) if label else _folder_label(path, split_dir)
        clips.append(Clip(utt=utt, video=str(path.absolute()), spk=yt, category=category))
    for stem in sorted(set(index) - used):
        exclusions.append(Exclusion("not_in_csv", str(index[stem]), f"not listed in {csv_path.name}"))
    return clips, exclusions


def scan_clips_dir(clips_dir: Path) -> Tuple[List[Clip], List[Exclusion]]:
    """Every mp4 below ``clips_dir`` (no annotations)."""
    clips: List[Clip] = []
    exclusions: List[Exclusion] = []
    for mp4 in find_files(clips_dir, ".mp4"):
        if has_space(mp4.stem):
            exclusions.append(Exclusion("misplaced_file", str(mp4), "file name with white space"))
            continue
        m = CLIP_RE.match(mp4.stem)
        clips.append(Clip(utt=mp4.stem, video=str(mp4.absolute()), spk=m.group("yt") if m else mp4.stem,
                          category=_folder_label(mp4, clips_dir)))
    return clips, exclusions


def prepare(root: Path, splits: Sequence[str], out_root: Path, nj: int = 4) -> List[ClipsResult]:
    """Prepare every requested split that has an annotation csv under ``root``; others are reported and
    skipped. Raises DataError when none exists or a present split yields no clip."""
    names = ["validate" if s == "val" else s for s in dict.fromkeys(splits)]
    root = find_corpus_root(Path(root), names)
    present = common.present_splits(
        root, names, SPLITS, "Kinetics", lambda s: find_csv(root, s) is not None, lambda s: f"{root / s}.csv",
        f"get Kinetics-600 from {DOWNLOAD_URL} and point KINETICS600 (db.sh) at it", exists="has an annotation csv")
    results = []
    for s in present:
        clips, exclusions = scan_split(root, s)
        res = prepare_clips(f"kinetics600/{s}", clips, Path(out_root) / s, exclusions, nj=nj)
        logger.info("%s", res.summary())
        results.append(res)
    return results


def prepare_clips_dir(clips_dir: Path, out_dir: Path, nj: int = 4) -> ClipsResult:
    """``--clips_dir`` mode: every mp4 below ``clips_dir`` -> the data directory ``out_dir``."""
    if not Path(clips_dir).is_dir():
        raise DataError(clips_dir, "directory does not exist")
    clips, exclusions = scan_clips_dir(Path(clips_dir))
    res = prepare_clips(f"clips {clips_dir}", clips, out_dir, exclusions, nj=nj)
    logger.info("%s", res.summary())
    return res


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.corpora.kinetics600",
                                description="Parse the Kinetics-600 layout into Kaldi-style data directories.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--root", type=Path, help="the Kinetics-600 directory (holding <split>.csv and <split>/)")
    src.add_argument("--clips_dir", type=Path, help="a folder of clips without annotations")
    p.add_argument("--splits", nargs="+", default=list(SPLITS), help="splits to prepare (default: all)")
    p.add_argument("--out", type=Path, default=Path("data"), help="data directories go to <out>/<split>")
    p.add_argument("--name", default=None, help="--clips_dir: data directory name (default: the folder's name)")
    p.add_argument("--nj", type=int, default=4, help="threads probing the clips")
    return p


def _run(args: argparse.Namespace) -> None:
    """The command line's work: one clips folder, or the splits of the corpus."""
    if args.clips_dir is not None:
        prepare_clips_dir(args.clips_dir, args.out / (args.name or args.clips_dir.resolve().name), nj=args.nj)
    else:
        prepare(args.root, common.split_list(args.splits), args.out, nj=args.nj)


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
