"""LibriSpeech: the original corpus layout -> Kaldi-style data directories.

The layout (https://www.openslr.org/12) is::

    LibriSpeech/<split>/<reader>/<chapter>/<reader>-<chapter>-<utt>.flac
    LibriSpeech/<split>/<reader>/<chapter>/<reader>-<chapter>.trans.txt   # "<utt-id> <TEXT>" per line

Each split becomes ``<out>/<split with - replaced by _>`` holding ``wav.scp`` (absolute flac paths),
``text`` (upper case, as in the corpus), ``utt2spk`` / ``spk2utt`` (speaker = reader id, which already
prefixes every utterance id), ``utt2dur`` (seconds, from the flac header) and, when something was left
out, ``excluded.txt`` (one line per excluded file or transcript line, with the reason).

Bad input never stops the run and is never dropped silently: a transcript line whose flac is missing, a
flac without a transcript line, an empty transcript, a malformed or duplicated transcript line, a
misplaced file and unreadable audio are each excluded, counted, logged with the file name and listed in
``excluded.txt``. Re-running on the same corpus rewrites nothing (files are replaced only when their
content changes).

Command line::

    python -m mmpt.corpora.librispeech --root $LIBRISPEECH/LibriSpeech \
        --splits train-clean-100 dev-clean test-clean --out data
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion, audio_duration, find_files, log_exclusions, run_cli, split_list, sync_dir
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

SPLITS = (
    "dev-clean",
    "dev-other",
    "test-clean",
    "test-other",
    "train-clean-100",
    "train-clean-360",
    "train-other-500",
)
DOWNLOAD_URL = "https://www.openslr.org/12"

_UTT_RE = re.compile(r"^(\d+)-(\d+)-(\d+)$")
_TRANS_RE = re.compile(r"^(\d+)-(\d+)\.trans\.txt$")
# Exclusion categories: missing_flac | no_transcript | empty_transcript | malformed_line | duplicate_id |
# misplaced_file | unreadable_audio


@dataclass
class SplitResult(common.ExclusionCounts):
    """What :func:`prepare_split` produced for one split."""

    split: str
    out_dir: Path
    num_utts: int
    num_speakers: int
    duration: float  # seconds; 0.0 when durations were not read
    exclusions: List[Exclusion] = field(default_factory=list)
    changed: List[str] = field(default_factory=list)  # files of out_dir that were (re)written


def split_dir_name(split: str) -> str:
    """``train-clean-100`` -> ``train_clean_100`` (the data directory name)."""
    return split.replace("-", "_")


def normalize_split(name: str) -> str:
    """Accept both the corpus name (``test-clean``) and the data dir name (``test_clean``)."""
    return name.strip().replace("_", "-")


def find_corpus_root(root: Path, splits: Sequence[str] = SPLITS) -> Path:
    """``root`` itself, or ``root/LibriSpeech`` when the user pointed at the directory above it."""
    return common.find_corpus_root(root, ("LibriSpeech",), lambda d: any((d / s).is_dir() for s in splits),
                                   "LibriSpeech")


# --------------------------------------------------------------------------------------------- scanning
def _read_transcripts(
    trans: Path, reader: str, chapter: str, exclusions: List[Exclusion]
) -> Dict[str, Tuple[str, int]]:
    """utt-id -> (text, line number) of one ``<reader>-<chapter>.trans.txt``; bad lines go to exclusions."""
    out: Dict[str, Tuple[str, int]] = {}
    try:
        # newline=None: "\n", "\r\n" and a missing final newline all read the same.
        content = trans.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        exclusions.append(
            Exclusion("malformed_line", str(trans), f"not valid UTF-8 ({e.reason} at byte {e.start}); file skipped")
        )
        return out
    except OSError as e:
        exclusions.append(Exclusion("malformed_line", str(trans), f"unreadable ({e.strerror}); file skipped"))
        return out
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        utt = parts[0]
        m = _UTT_RE.match(utt)
        if m is None or m.group(1) != reader or m.group(2) != chapter:
            exclusions.append(
                Exclusion(
                    "malformed_line",
                    str(trans),
                    f"line {lineno}: expected '{reader}-{chapter}-<number> <TEXT>', got {line.strip()[:80]!r}",
                )
            )
            continue
        text = " ".join(parts[1].split()) if len(parts) > 1 else ""
        if not text:
            exclusions.append(Exclusion("empty_transcript", str(trans), f"line {lineno}: empty transcript", utt))
            continue
        if utt in out:
            exclusions.append(
                Exclusion(
                    "duplicate_id",
                    str(trans),
                    f"line {lineno}: {utt} already on line {out[utt][1]}; kept the first",
                    utt,
                )
            )
            continue
        out[utt] = (text, lineno)
    return out


def _find(top: Path, suffix: str) -> List[Path]:
    """Files under ``top`` whose name ends with ``suffix`` (case-sensitive, hidden files included)."""
    return find_files(top, suffix, ignore_case=False, skip_hidden=False)


def scan_split(
    split_dir: Path, read_durations: bool = True, nj: int = 4, speaker: str = "reader"
) -> Tuple[Dict[str, Dict[str, str]], List[Exclusion]]:
    """Parse one split directory.

    Returns the tables ``{"wav.scp", "text", "utt2spk", "utt2dur"?}`` (utt-id -> value) and the list
    of exclusions. ``speaker`` is ``reader`` (the reader id) or ``chapter`` (``<reader>-<chapter>``,
    Kaldi's convention).
    """
    if speaker not in ("reader", "chapter"):
        raise ValueError(f"speaker must be 'reader' or 'chapter', got {speaker!r}")
    exclusions: List[Exclusion] = []
    transcripts: Dict[str, Tuple[str, Path]] = {}  # utt -> (text, trans.txt)
    flacs: Dict[str, Path] = {}

    for trans in _find(split_dir, ".trans.txt"):
        rel = trans.relative_to(split_dir).parts
        m = _TRANS_RE.match(trans.name)
        if m is None or len(rel) != 3 or rel[0] != m.group(1) or rel[1] != m.group(2):
            exclusions.append(
                Exclusion(
                    "misplaced_file",
                    str(trans),
                    "expected <reader>/<chapter>/<reader>-<chapter>.trans.txt; file skipped",
                )
            )
            continue
        for utt, (text, _) in _read_transcripts(trans, m.group(1), m.group(2), exclusions).items():
            transcripts[utt] = (text, trans)

    for flac in _find(split_dir, ".flac"):
        rel = flac.relative_to(split_dir).parts
        m = _UTT_RE.match(flac.stem)
        if m is None or len(rel) != 3 or rel[0] != m.group(1) or rel[1] != m.group(2):
            exclusions.append(
                Exclusion("misplaced_file", str(flac), "expected <reader>/<chapter>/<reader>-<chapter>-<n>.flac")
            )
            continue
        flacs[flac.stem] = flac

    for utt in sorted(set(transcripts) - set(flacs)):
        trans = transcripts.pop(utt)[1]
        flac = trans.parent / f"{utt}.flac"
        exclusions.append(Exclusion("missing_flac", str(trans), f"transcript of {utt} but {flac} is missing", utt))
    # An utterance whose transcript line was already excluded (empty) is not reported a second time.
    excluded_lines = {e.key for e in exclusions if e.category == "empty_transcript"}
    for utt in sorted(set(flacs) - set(transcripts)):
        if utt in excluded_lines:
            del flacs[utt]
            continue
        reader, chapter, _ = utt.split("-")
        exclusions.append(
            Exclusion(
                "no_transcript",
                str(flacs.pop(utt)),
                f"no line for {utt} in {reader}-{chapter}.trans.txt",
                utt,
            )
        )

    utts = sorted(transcripts)
    durations: Dict[str, str] = {}
    if read_durations and utts:

        def probe(utt: str) -> Tuple[str, Optional[float], Optional[DataError]]:
            try:
                return utt, audio_duration(str(flacs[utt])), None
            except DataError as e:
                return utt, None, e

        with ThreadPoolExecutor(max_workers=max(1, nj)) as pool:
            for utt, dur, err in pool.map(probe, utts):
                if err is not None:
                    exclusions.append(Exclusion("unreadable_audio", err.where, err.problem, utt))
                    del transcripts[utt]
                else:
                    durations[utt] = f"{dur:.4f}".rstrip("0").rstrip(".")
        utts = sorted(transcripts)

    tables: Dict[str, Dict[str, str]] = {
        "wav.scp": {u: os.path.abspath(flacs[u]) for u in utts},
        "text": {u: transcripts[u][0] for u in utts},
        "utt2spk": {u: (u.split("-")[0] if speaker == "reader" else u.rsplit("-", 1)[0]) for u in utts},
    }
    if read_durations:
        tables["utt2dur"] = durations
    return tables, exclusions


# -------------------------------------------------------------------------------------------- writing
_OWNED_FILES = ("wav.scp", "text", "utt2spk", "spk2utt", "utt2dur", "excluded.txt")


def prepare_split(
    split_dir: Path,
    out_dir: Path,
    read_durations: bool = True,
    nj: int = 4,
    speaker: str = "reader",
) -> SplitResult:
    """Parse ``split_dir`` and write the data directory ``out_dir``. Raises DataError when no utterance
    is left (the data directory is then not written)."""
    from mmpt.data.datadir import DataDir  # lazily: keeps ``--help`` fast

    split = split_dir.name
    tables, exclusions = scan_split(split_dir, read_durations=read_durations, nj=nj, speaker=speaker)
    log_exclusions(split, exclusions, out_dir)
    if not tables["text"]:
        raise DataError(split_dir, f"no usable utterance ({len(exclusions)} excluded)")

    d = DataDir(wav_scp=tables["wav.scp"], text=tables["text"], utt2spk=tables["utt2spk"])
    if "utt2dur" in tables:
        d.extra["utt2dur"] = tables["utt2dur"]
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.", dir=out_dir.parent) as tmp:
        d.write(Path(tmp))
        common.write_exclusions(Path(tmp), exclusions)
        changed = sync_dir(Path(tmp), out_dir, _OWNED_FILES)
    for stale in sorted(out_dir.glob("split*")):
        # split<n>/ of an older version of this data would silently feed stale lists to parallel jobs.
        if changed and stale.is_dir():
            shutil.rmtree(stale)
    duration = sum(float(v) for v in tables.get("utt2dur", {}).values())
    return SplitResult(
        split=split,
        out_dir=out_dir,
        num_utts=len(tables["text"]),
        num_speakers=len(set(tables["utt2spk"].values())),
        duration=duration,
        exclusions=exclusions,
        changed=changed,
    )


def prepare(
    root: Path,
    splits: Sequence[str],
    out_root: Path,
    read_durations: bool = True,
    nj: int = 4,
    speaker: str = "reader",
) -> List[SplitResult]:
    """Prepare every requested split present under ``root``; absent splits are reported and skipped.

    Raises DataError when none of the requested splits exists, or when a present split yields no
    utterance.
    """
    names = [normalize_split(s) for s in splits]
    root = find_corpus_root(Path(root), names)
    present = common.present_splits(
        root, names, SPLITS, "LibriSpeech", lambda s: (root / s).is_dir(), lambda s: f"directory {root / s}",
        f"download LibriSpeech from {DOWNLOAD_URL} and point LIBRISPEECH (db.sh) at the directory holding "
        "LibriSpeech/")
    results = []
    for s in present:
        res = prepare_split(root / s, Path(out_root) / split_dir_name(s), read_durations, nj, speaker)
        state = f"updated {', '.join(res.changed)}" if res.changed else "unchanged"
        hours = ""
        if read_durations:
            hours = f", {res.duration / 3600:.2f} h" if res.duration >= 360 else f", {res.duration:.1f} s"
        excl = res.excluded_summary()
        logger.info(
            "%s -> %s: %d utterances, %d speakers%s; excluded: %s (%s)",
            s, res.out_dir, res.num_utts, res.num_speakers, hours, excl, state,
        )
        results.append(res)
    total_excl = sum(len(r.exclusions) for r in results)
    logger.info(
        "LibriSpeech summary: %d split(s) prepared, %d absent, %d utterances, %d excluded%s",
        len(results),
        len(dict.fromkeys(names)) - len(present),
        sum(r.num_utts for r in results),
        total_excl,
        " (see excluded.txt in the data directories)" if total_excl else "",
    )
    return results


def get_parser() -> argparse.ArgumentParser:
    p = common.corpus_parser("mmpt.corpora.librispeech",
                             "Parse the LibriSpeech corpus layout into Kaldi-style data directories.",
                             "the LibriSpeech/ directory (holding <split>/)", SPLITS,
                             splits_help="splits to prepare, as test-clean or test_clean (spaces or commas); absent "
                             "ones are skipped (default: all)")
    p.add_argument("--speaker", choices=("reader", "chapter"), default="reader",
                   help="speaker id: the reader, or <reader>-<chapter> as in Kaldi")
    p.add_argument("--no-utt2dur", dest="utt2dur", action="store_false",
                   help="do not read flac headers for utt2dur (and do not check that the audio opens)")
    p.add_argument("--nj", type=int, default=4, help="threads reading flac headers")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_cli(get_parser, lambda args: prepare(args.root, split_list(args.splits), args.out,
                                                    read_durations=args.utt2dur, nj=args.nj, speaker=args.speaker),
                   argv)


if __name__ == "__main__":
    sys.exit(main())
