"""What every corpus module shares: the exclusion record, the directory sync, audio durations, finding the
corpus root, file search and the command-line runner. Each corpus module keeps only its layout parsing.
"""
from __future__ import annotations

import argparse
import logging
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s (%(module)s:%(lineno)d) %(levelname)s: %(message)s"


@dataclass(frozen=True)
class Exclusion:
    """Something left out of a data directory: the file it concerns, the reason, a category (e.g.
    ``missing_flac``, ``empty_transcript``, ``malformed_line``, ``duplicate_id``, ``unreadable_audio``)."""

    category: str
    file: str
    message: str
    key: Optional[str] = None

    def __str__(self) -> str:
        return f"{self.file}" + (f" [{self.key}]" if self.key else "") + f": {self.message}"


EXCLUDED_FILE = "excluded.txt"
# How many exclusions of one data directory are logged one by one; all of them go to excluded.txt.
MAX_LOGGED = 50


class ExclusionCounts:
    """Mixin of a result that holds ``exclusions``: how many of each category, and that as one line."""

    exclusions: List[Exclusion]

    def counts(self) -> Dict[str, int]:
        return dict(Counter(e.category for e in self.exclusions))

    def excluded_summary(self) -> str:
        """``2 missing_flac, 1 unreadable_audio`` (categories in order), or ``none``."""
        return ", ".join(f"{n} {c}" for c, n in sorted(self.counts().items())) or "none"


def log_exclusions(name: str, exclusions: Sequence[Exclusion], out_dir: Path, max_logged: int = MAX_LOGGED) -> None:
    """Log the first ``max_logged`` exclusions of the data directory ``name`` one by one, then their count."""
    for i, e in enumerate(exclusions):
        if i < max_logged:
            logger.warning("%s: excluded (%s): %s", name, e.category, e)
        else:
            logger.warning("%s: %d more exclusions, see %s", name, len(exclusions) - i, out_dir / EXCLUDED_FILE)
            break


def write_exclusions(out_dir: Path, exclusions: Sequence[Exclusion]) -> None:
    """``out_dir/excluded.txt``: one line ``<category> TAB <file> TAB <key or -> TAB <message>`` per
    exclusion; the file is removed when there is none (a re-run that excludes nothing leaves no stale list)."""
    path = out_dir / EXCLUDED_FILE
    if exclusions:
        with open(path, "w", encoding="utf-8") as f:
            for e in exclusions:
                f.write(f"{e.category}\t{e.file}\t{e.key or '-'}\t{e.message}\n")
    elif path.exists():
        path.unlink()


def sync_dir(new: Path, out_dir: Path, names: Iterable[str]) -> List[str]:
    """Move the files ``names`` from ``new`` into ``out_dir`` where their bytes differ; remove the ones
    ``new`` lacks. Returns the names that changed. Other files of ``out_dir`` are left alone, so re-running
    a preparation that finds the same corpus rewrites nothing."""
    changed = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        src, dst = new / name, out_dir / name
        if src.exists():
            if dst.exists() and dst.read_bytes() == src.read_bytes():
                continue
            os.replace(src, dst)
            changed.append(name)
        elif dst.exists():
            dst.unlink()
            changed.append(name)
    return changed


def audio_info(path: Path | str) -> Tuple[float, int, int]:
    """(seconds, sample rate, channels) from the audio file's header.

    Raises:
        DataError: the file does not open as audio, or has no sample.
    """
    import soundfile  # lazily: the corpus modules import without audio libraries

    try:
        info = soundfile.info(str(path))
    except Exception as e:  # soundfile raises RuntimeError/LibsndfileError/TypeError for bad files
        raise DataError(path, f"unreadable audio ({e})") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise DataError(path, "empty audio (0 samples)")
    return info.frames / info.samplerate, info.samplerate, info.channels


def audio_duration(path: Path | str) -> float:
    """Seconds of audio from the file's header (see :func:`audio_info`)."""
    return audio_info(path)[0]


def fmt_seconds(x: float, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals, trailing zeros dropped (``1.5``, ``2``, ``0``)."""
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") or "0"


def find_files(top: Path, suffix: str, ignore_case: bool = True, skip_hidden: bool = True) -> List[Path]:
    """Files under ``top`` whose name ends with ``suffix``, sorted; symlinked directories are followed
    (corpora are often assembled from links)."""
    found = []
    if ignore_case:
        suffix = suffix.lower()
    for dirpath, _, files in os.walk(top, followlinks=True):
        for f in files:
            if (f.lower() if ignore_case else f).endswith(suffix) and not (skip_hidden and f.startswith(".")):
                found.append(Path(dirpath) / f)
    return sorted(found)


def present_splits(root: Path, splits: Iterable[str], known: Sequence[str], corpus: str,
                   has_split: Callable[[str], bool], missing: Callable[[str], str], how_to_get: str,
                   exists: str = "exists") -> List[str]:
    """Those of ``splits`` (in order, repeats dropped) that ``has_split`` finds under ``root``. Names outside
    ``known`` are logged as non-standard, absent splits as skipped (``missing(split)``: what is not there).
    Raises DataError naming ``root`` when none is present (``how_to_get``: where to get the corpus and how
    to point the recipe at it)."""
    names = list(dict.fromkeys(splits))
    unknown = [s for s in names if s not in known]
    if unknown:
        logger.warning("not a standard %s split: %s (known: %s)", corpus, " ".join(unknown), " ".join(known))
    present = [s for s in names if has_split(s)]
    for s in names:
        if s not in present:
            logger.warning("split %s is absent (no %s): skipped", s, missing(s))
    if not present:
        raise DataError(root, f"none of the requested splits ({' '.join(names)}) {exists}; {how_to_get}")
    return present


def find_corpus_root(root: Path, inner_names: Sequence[str], has_layout: Callable[[Path], bool], corpus: str) -> Path:
    """``root`` itself when ``has_layout(root)``, else the first ``root/<inner>`` that has it (the user
    pointed at the directory above the corpus), else ``root`` (the caller then reports what is missing)."""
    if has_layout(root):
        return root
    for name in inner_names:
        inner = root / name
        if inner.is_dir() and has_layout(inner):
            logger.info("using %s (the %s directory inside %s)", inner, corpus, root)
            return inner
    return root


def split_list(items: Sequence[str]) -> List[str]:
    """Command-line split names given with spaces or commas (``--splits "a b" c,d``) as one list."""
    return [s for item in items for s in item.replace(",", " ").split()]


def corpus_parser(module: str, description: str, root_help: str, splits: Sequence[str], *, choices: bool = False,
                  splits_help: Optional[str] = "splits to prepare (default: all)",
                  out_help: Optional[str] = "data directories go to <out>/<split>") -> argparse.ArgumentParser:
    """The parser of ``python -m <module>`` with the options every corpus module has: ``--root`` (required),
    ``--splits`` (default: all of ``splits``; only those with ``choices``) and ``--out`` (default ``data``)."""
    p = argparse.ArgumentParser(prog=f"python -m {module}", description=description)
    p.add_argument("--root", required=True, type=Path, help=root_help)
    p.add_argument("--splits", nargs="+", default=list(splits), choices=list(splits) if choices else None,
                   help=splits_help)
    p.add_argument("--out", type=Path, default=Path("data"), help=out_help)
    return p


def run_cli(get_parser: Callable[[], argparse.ArgumentParser], run: Callable[[argparse.Namespace], Any],
            argv: Optional[Sequence[str]] = None) -> int:
    """The ``main()`` of a corpus module: parse ``argv``, log at INFO, ``run(args)``; a :class:`DataError`
    (a missing or unusable corpus file) is logged, naming the file, and gives exit status 1."""
    args = get_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        run(args)
    except DataError as e:
        logging.getLogger(run.__module__).error("%s", e)
        return 1
    return 0
