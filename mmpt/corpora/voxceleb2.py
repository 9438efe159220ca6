"""VoxCeleb2: the original corpus layout -> Kaldi-style data directories.

The layout (https://www.robots.ox.ac.uk/~vgg/data/voxceleb/vox2.html, the ``vox2_dev_mp4`` /
``vox2_test_mp4`` archives) is::

    <root>/{dev,test}/mp4/id<NNNNN>/<video_id>/<NNNNN>.mp4     # 25 fps face track with its audio
    <root>/vox2_meta.csv                                        # identity list (optional)

``<root>/<split>/id<NNNNN>/...`` (archives unpacked without the ``mp4/`` level) is accepted too. The meta
file's header is ``VoxCeleb2 ID ,VGGFace2 ID ,Gender ,Set `` (a space before each comma, as in the file
distributed with the corpus; a UTF-8 byte-order mark and any spacing are tolerated); it is only used to
check that each speaker sits in the split the file names (mismatches and unknown speakers are logged and
counted, never excluded). VoxCeleb2 has no transcripts.

Each split becomes ``<out>/<split>`` (see :mod:`mmpt.corpora.av_clips`): ``wav.scp`` and ``video.scp``
(both the mp4 path), ``utt2spk`` (the identity ``id<NNNNN>``), ``utt2dur``; utterance ids are
``<id>_<video_id>_<NNNNN>``. Misplaced files, unreadable clips and clips without audio (``video_only/``)
are counted, logged and listed in ``excluded.txt``.

Command line::

    python -m mmpt.corpora.voxceleb2 --root $VOXCELEB2 --splits dev test --out data
"""
from __future__ import annotations

import argparse
import csv
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.av_clips import Clip, ClipsResult, Exclusion, find_files, has_space, prepare_clips
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

SPLITS = ("dev", "test")
META_FILE = "vox2_meta.csv"
META_HEADER = ("VoxCeleb2 ID", "VGGFace2 ID", "Gender", "Set")
DOWNLOAD_URL = "https://www.robots.ox.ac.uk/~vgg/data/voxceleb/vox2.html"
SPEAKER_RE = re.compile(r"^id\d{5}$")


@dataclass(frozen=True)
class Identity:
    """One row of ``vox2_meta.csv``."""

    speaker: str
    vggface2: str
    gender: str
    split: str


def read_meta(path: Path) -> Dict[str, Identity]:
    """``vox2_meta.csv`` -> speaker id -> Identity. Raises DataError for a file that is not that table."""
    try:
        content = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"unreadable ({e})") from None
    rows = list(csv.reader(content.splitlines()))
    if not rows or [c.strip() for c in rows[0]][:4] != list(META_HEADER):
        got = ",".join(rows[0]) if rows else "an empty file"
        raise DataError(path, f"expected the header {' ,'.join(META_HEADER)} , got {got!r}")
    out: Dict[str, Identity] = {}
    for lineno, row in enumerate(rows[1:], 2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 4 or not SPEAKER_RE.match(cells[0]):
            raise DataError(path, f"line {lineno}: expected 'id<NNNNN> ,<VGGFace2 id> ,<m|f> ,<dev|test>', "
                                  f"got {','.join(row)[:80]!r}")
        out[cells[0]] = Identity(cells[0], cells[1], cells[2], cells[3])
    return out


def find_corpus_root(root: Path, splits: Sequence[str] = SPLITS) -> Path:
    """``root`` itself, or ``root/voxceleb2`` / ``root/VoxCeleb2`` when pointed at the directory above."""
    return common.find_corpus_root(root, ("voxceleb2", "VoxCeleb2", "vox2"),
                                   lambda d: any((d / s).is_dir() for s in splits), "VoxCeleb2")


def split_clip_dir(root: Path, split: str) -> Path:
    """``<root>/<split>/mp4`` when it exists, else ``<root>/<split>``."""
    d = root / split
    return d / "mp4" if (d / "mp4").is_dir() else d


def scan_split(clip_dir: Path) -> Tuple[List[Clip], List[Exclusion]]:
    """The clips under ``<split>/mp4`` and the files that do not fit the layout."""
    clips: List[Clip] = []
    exclusions: List[Exclusion] = []
    for mp4 in find_files(clip_dir, ".mp4"):
        rel = mp4.relative_to(clip_dir).parts
        if len(rel) != 3 or any(has_space(p) for p in rel):
            exclusions.append(Exclusion("misplaced_file", str(mp4), "expected id<NNNNN>/<video_id>/<NNNNN>.mp4"))
            continue
        spk, vid = rel[0], rel[1]
        if not SPEAKER_RE.match(spk):
            exclusions.append(Exclusion("misplaced_file", str(mp4), f"speaker folder {spk!r} is not id<NNNNN>"))
            continue
        clips.append(Clip(utt=f"{spk}_{vid}_{mp4.stem}", video=str(mp4.absolute()), spk=spk))
    return clips, exclusions


def check_meta(split: str, clips: Sequence[Clip], meta: Dict[str, Identity]) -> Tuple[int, int]:
    """Log speakers missing from the meta file or listed under another split; returns both counts."""
    speakers = sorted({c.spk for c in clips})
    unknown = [s for s in speakers if s not in meta]
    moved = [s for s in speakers if s in meta and meta[s].split.lower() != split.lower()]
    if unknown:
        logger.warning("%s: %d speakers are not in %s (e.g. %s)", split, len(unknown), META_FILE,
                       " ".join(unknown[:5]))
    if moved:
        logger.warning("%s: %d speakers are listed under another set in %s (e.g. %s: %s)", split, len(moved),
                       META_FILE, moved[0], meta[moved[0]].split)
    return len(unknown), len(moved)


def find_meta(root: Path) -> Optional[Path]:
    for cand in (root / META_FILE, root.parent / META_FILE, root / "meta" / META_FILE):
        if cand.is_file():
            return cand
    return None


def prepare(root: Path, splits: Sequence[str], out_root: Path, meta: Optional[Path] = None,
            nj: int = 4) -> List[ClipsResult]:
    """Prepare every requested split present under ``root``; absent splits are reported and skipped.
    Raises DataError when none exists, when a present split yields no clip, or for a bad meta file."""
    root = find_corpus_root(Path(root), list(dict.fromkeys(splits)))
    present = common.present_splits(
        root, splits, SPLITS, "VoxCeleb2", lambda s: (root / s).is_dir(), lambda s: f"directory {root / s}",
        f"get VoxCeleb2 from {DOWNLOAD_URL} and point VOXCELEB2 (db.sh) at the directory holding dev/ test/")
    meta_path = meta if meta is not None else find_meta(root)
    identities = read_meta(meta_path) if meta_path is not None else None
    if identities is None:
        logger.info("no %s found: speakers are not checked against the identity list", META_FILE)
    results = []
    for s in present:
        clips, exclusions = scan_split(split_clip_dir(root, s))
        if identities is not None:
            check_meta(s, clips, identities)
        res = prepare_clips(f"voxceleb2/{s}", clips, Path(out_root) / s, exclusions, nj=nj)
        logger.info("%s", res.summary())
        results.append(res)
    return results


def get_parser() -> argparse.ArgumentParser:
    p = common.corpus_parser("mmpt.corpora.voxceleb2",
                             "Parse the VoxCeleb2 corpus layout into Kaldi-style data directories.",
                             "the VoxCeleb2 directory (holding dev/ test/)", SPLITS,
                             splits_help="splits to prepare (default: dev test)")
    p.add_argument("--meta", type=Path, default=None,
                   help=f"identity list (default: {META_FILE} in the root or the directory above)")
    p.add_argument("--nj", type=int, default=4, help="threads probing the clips")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, lambda args: prepare(args.root, common.split_list(args.splits), args.out,
                                                           meta=args.meta, nj=args.nj), argv)


if __name__ == "__main__":
    sys.exit(main())
