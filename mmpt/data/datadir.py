"""Kaldi-style data directories: read, write, validate, fix, subset, split, combine.

A data directory holds two-column text files keyed by utterance id (``text``, ``utt2spk``, ``video.scp``,
``utt2dur``, ...) or by recording id (``wav.scp`` when ``segments`` exists, ``reco2dur``), plus ``segments``
(``utt reco start end``) and ``spk2utt`` (derived from ``utt2spk``). Every file is sorted in byte order
(``LC_ALL=C``), ids are unique, and the files agree on the set of utterances.
"""
from __future__ import annotations

import logging
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from mmpt.data.errors import DataDirError, DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]

# Files keyed by recording id when ``segments`` exists (by utterance id otherwise).
RECORDING_FILES = ("wav.scp", "reco2dur", "reco2file_and_channel")
# Files that name a file on disk in their value (checked by ``validate(check_files=True)``).
PATH_FILES = ("wav.scp", "video.scp", "feats.scp")
# Files that are derived or structured and handled explicitly.
SPECIAL_FILES = ("segments", "spk2utt")
# Files that are not key-value tables and are carried along untouched.
IGNORED_FILES = ("feats_shape", "excluded.txt", "rttm", "feats_type", "feats_dim")


@dataclass(frozen=True)
class Segment:
    """One line of ``segments``: an utterance cut from a recording (seconds; ``end=-1`` means to the end)."""

    reco: str
    start: float
    end: float


@dataclass(frozen=True)
class Problem:
    """An inconsistency found by :meth:`DataDir.validate`."""

    file: str
    key: Optional[str]
    message: str

    def __str__(self) -> str:
        return f"{self.file}" + (f" [{self.key}]" if self.key else "") + f": {self.message}"


def _sort_key(key: str) -> bytes:
    # LC_ALL=C order is byte order of the UTF-8 encoding.
    return key.encode("utf-8")


def sorted_ids(ids: Iterable[str]) -> List[str]:
    """Ids in ``LC_ALL=C`` (byte) order."""
    return sorted(ids, key=_sort_key)


def read_kv(
    path: PathLike, *, allow_empty_value: bool = True, duplicates: Optional[List["Problem"]] = None
) -> Dict[str, str]:
    """Read a Kaldi two-column file: ``key<space>value``; the value is the rest of the line.

    A duplicated key raises DataDirError, unless a ``duplicates`` list is given: then the first line wins
    and the repeat is appended to it as a Problem. A key with no value reads as "" unless
    ``allow_empty_value`` is False.
    """
    path = Path(path)
    out: Dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\n").rstrip("\r")
                if not line.strip():
                    continue
                parts = line.split(maxsplit=1)
                key = parts[0]
                value = parts[1].strip() if len(parts) > 1 else ""
                if not value and not allow_empty_value:
                    raise DataDirError(path, f"line {lineno}: no value for {key!r}", key)
                if key in out:
                    if duplicates is None:
                        raise DataDirError(path, f"line {lineno}: duplicated id {key!r}", key)
                    duplicates.append(Problem(path.name, key, f"duplicated id (line {lineno}); kept the first"))
                    continue
                out[key] = value
    except FileNotFoundError:
        raise DataDirError(path, "file does not exist") from None
    except UnicodeDecodeError as e:
        raise DataDirError(path, f"not valid UTF-8 ({e.reason} at byte {e.start})") from None
    return out


def read_scp(path: PathLike, *, what: str = "scp file", line_form: str = "<key> <path>") -> List[Tuple[str, str]]:
    """``(key, value)`` of each ``key value`` line of an scp, in file order (blank lines skipped).
    Raises DataError naming the file (``what``) when it is missing or a line has no value (``line_form``
    is the expected form)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, f"{what} not found")
    entries = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split(maxsplit=1)
            if not parts:
                continue
            if len(parts) != 2:
                raise DataError(path, f"line {lineno}: expected '{line_form}'")
            entries.append((parts[0], parts[1].strip()))
    return entries


def read_feats_scp(path: PathLike) -> List[Tuple[str, str]]:
    """``(utt, ark:offset)`` of a Kaldi ``feats.scp``, in file order (:func:`read_scp`)."""
    return read_scp(path, what="feats.scp", line_form="<utt> <ark:offset>")


def read_path_scp(scp_path: PathLike) -> Dict[str, str]:
    """``key -> absolute path`` of an scp of ``key path`` lines (a relative path is relative to the scp).
    Raises DataError naming the scp when it is missing or a line has no path."""
    scp_path = Path(scp_path)
    paths = {}
    for key, value in read_scp(scp_path):
        path = Path(value)
        paths[key] = str(path if path.is_absolute() else scp_path.parent / path)
    return paths


def write_kv(path: PathLike, table: Dict[str, str]) -> None:
    """Write a two-column file sorted in ``LC_ALL=C`` order, atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for key in sorted_ids(table):
            value = table[key]
            f.write(f"{key} {value}\n" if value != "" else f"{key}\n")
    os.replace(tmp, path)


def _read_segments(path: Path, duplicates: Optional[List["Problem"]] = None) -> Dict[str, Segment]:
    out: Dict[str, Segment] = {}
    for key, value in read_kv(path, duplicates=duplicates).items():
        parts = value.split()
        if len(parts) != 3:
            raise DataDirError(path, f"expected 'utt reco start end', got {key} {value!r}", key)
        try:
            start, end = float(parts[1]), float(parts[2])
        except ValueError:
            raise DataDirError(path, f"start/end are not numbers: {value!r}", key) from None
        out[key] = Segment(parts[0], start, end)
    return out


def _format_time(t: float) -> str:
    return f"{t:.3f}".rstrip("0").rstrip(".") if t != -1 else "-1"


@dataclass
class DataDir:
    """An in-memory Kaldi data directory. Tables map id -> value; ``None`` means the file is absent."""

    wav_scp: Optional[Dict[str, str]] = None
    text: Optional[Dict[str, str]] = None
    utt2spk: Optional[Dict[str, str]] = None
    segments: Optional[Dict[str, Segment]] = None
    video_scp: Optional[Dict[str, str]] = None
    extra: Dict[str, Dict[str, str]] = field(default_factory=dict)
    path: Optional[Path] = None
    # Problems met while reading (duplicated ids), reported again by validate().
    load_problems: List[Problem] = field(default_factory=list)

    # ------------------------------------------------------------------ I/O
    @classmethod
    def load(cls, path: PathLike) -> "DataDir":
        """Read every two-column file of ``path``. Raises DataDirError if it is not a data directory."""
        path = Path(path)
        if not path.is_dir():
            raise DataDirError(path, "data directory does not exist")
        d = cls(path=path)
        found = False
        for f in sorted(path.iterdir()):
            if not f.is_file() or f.name.startswith(".") or f.name.endswith((".tmp", ".log")):
                continue
            if f.name in IGNORED_FILES or f.name == "spk2utt":
                continue
            found = True
            dup = d.load_problems
            if f.name == "segments":
                d.segments = _read_segments(f, dup)
            elif f.name == "wav.scp":
                d.wav_scp = read_kv(f, duplicates=dup)
            elif f.name == "text":
                d.text = read_kv(f, duplicates=dup)
            elif f.name == "utt2spk":
                d.utt2spk = read_kv(f, duplicates=dup)
            elif f.name == "video.scp":
                d.video_scp = read_kv(f, duplicates=dup)
            else:
                try:
                    d.extra[f.name] = read_kv(f, duplicates=dup)
                except DataDirError as e:
                    logger.warning("ignoring %s: %s", f, e.problem)
        for p in d.load_problems:
            logger.warning("%s: %s", path / p.file, f"[{p.key}] {p.message}")
        if not found and not (path / "spk2utt").exists():
            raise DataDirError(path, "no Kaldi data files (wav.scp, text, utt2spk, ...) in this directory")
        return d

    def write(self, path: Optional[PathLike] = None) -> Path:
        """Write every table (sorted) and derive ``spk2utt``; files of absent tables are removed."""
        path = Path(path) if path is not None else self.path
        if path is None:
            raise ValueError("DataDir.write needs a path")
        path.mkdir(parents=True, exist_ok=True)
        for name, table in self._tables().items():
            if table is None:
                if (path / name).exists():
                    (path / name).unlink()
                continue
            write_kv(path / name, table)
        if self.segments is not None:
            write_kv(
                path / "segments",
                {u: f"{s.reco} {_format_time(s.start)} {_format_time(s.end)}" for u, s in self.segments.items()},
            )
        elif (path / "segments").exists():
            (path / "segments").unlink()
        if self.utt2spk is not None:
            write_kv(path / "spk2utt", {s: " ".join(u) for s, u in self.spk2utt().items()})
        elif (path / "spk2utt").exists():
            (path / "spk2utt").unlink()
        self.path = path
        return path

    def _tables(self) -> Dict[str, Optional[Dict[str, str]]]:
        tables: Dict[str, Optional[Dict[str, str]]] = {
            "wav.scp": self.wav_scp,
            "text": self.text,
            "utt2spk": self.utt2spk,
            "video.scp": self.video_scp,
        }
        tables.update(self.extra)
        return tables

    # ------------------------------------------------------------- queries
    def spk2utt(self) -> Dict[str, List[str]]:
        """Speaker -> sorted utterance ids, derived from ``utt2spk``."""
        out: Dict[str, List[str]] = {}
        for utt in sorted_ids(self.utt2spk or {}):
            out.setdefault(self.utt2spk[utt], []).append(utt)
        return out

    def utt_ids(self) -> List[str]:
        """The utterance ids, sorted: from ``segments`` if present, else the first utterance-keyed table."""
        if self.segments is not None:
            return sorted_ids(self.segments)
        for _, table in self._utt_tables():
            if table is not None:
                return sorted_ids(table)
        return []

    def utt_source(self) -> str:
        """The file that :meth:`utt_ids` takes the utterance list from."""
        if self.segments is not None:
            return "segments"
        return next((name for name, table in self._utt_tables() if table is not None), "<none>")

    def all_utt_ids(self) -> List[str]:
        """Every utterance id any utterance-keyed file (or ``segments``) names, sorted."""
        ids = set(self.segments or {})
        for _, table in self._utt_tables():
            ids.update(table or {})
        return sorted_ids(ids)

    def _utt_tables(self) -> List[Tuple[str, Optional[Dict[str, str]]]]:
        """Tables keyed by utterance id."""
        out = []
        for name, table in self._tables().items():
            if self.segments is not None and name in RECORDING_FILES:
                continue
            out.append((name, table))
        return out

    def _reco_tables(self) -> List[Tuple[str, Dict[str, str]]]:
        if self.segments is None:
            return []
        return [(n, t) for n, t in self._tables().items() if n in RECORDING_FILES and t is not None]

    def __len__(self) -> int:
        return len(self.utt_ids())

    def audio_spec(self, utt: str) -> Tuple[str, float, Optional[float]]:
        """(wav.scp value, start, end) of an utterance, resolving ``segments``."""
        if self.wav_scp is None:
            raise DataDirError(self.path or "<data dir>", "no wav.scp")
        if self.segments is not None:
            seg = self.segments[utt]
            return self.wav_scp[seg.reco], seg.start, (None if seg.end < 0 else seg.end)
        return self.wav_scp[utt], 0.0, None

    # ----------------------------------------------------------- validation
    def validate(self, check_files: bool = True, spk_sort: bool = True) -> List[Problem]:
        """All inconsistencies, as Kaldi's ``utils/validate_data_dir.sh`` finds them where espnet2 cares:
        ids that some table lacks, segments pointing at unknown recordings, empty transcripts, missing
        files (when ``check_files``), bad segment times, unsorted / duplicated ids and empty lines in the
        files on disk, ``utt2spk`` lines that are not ``utt spk``, a ``spk2utt`` on disk that disagrees
        with ``utt2spk``, and (``spk_sort``, Kaldi's default; ``--no-spk-sort`` turns it off) speaker ids
        that are not a prefix of their utterance ids: Kaldi sorts ``spk2utt`` and splits data by speaker
        relying on both sort orders agreeing.
        """
        problems: List[Problem] = []
        utts = set(self.utt_ids())
        if not utts:
            problems.append(Problem(str(self.path or "<data dir>"), None, "no utterances"))
        ref = self.utt_source()
        for name, table in self._utt_tables():
            if table is None:
                continue
            for key in sorted_ids(set(table) - utts):
                problems.append(Problem(name, key, f"id not in the utterance list ({ref} lacks it)"))
            for key in sorted_ids(utts - set(table)):
                problems.append(Problem(name, key, f"utterance missing from this file (it is in {ref})"))
        if self.segments is not None:
            recos = set(self.wav_scp or {})
            for utt, seg in self.segments.items():
                if seg.reco not in recos:
                    problems.append(Problem("segments", utt, f"recording {seg.reco!r} not in wav.scp"))
                if seg.start < 0 or (seg.end != -1 and seg.end <= seg.start):
                    problems.append(Problem("segments", utt, f"bad times start={seg.start} end={seg.end}"))
            for name, table in self._reco_tables():
                used = {s.reco for s in self.segments.values()}
                for key in sorted_ids(set(table) - used):
                    problems.append(Problem(name, key, "recording not used by any segment"))
        if self.text is not None:
            for utt, value in self.text.items():
                if not value.strip():
                    problems.append(Problem("text", utt, "empty transcript"))
        if self.utt2spk is not None:
            for utt, spk in self.utt2spk.items():
                if not spk:
                    problems.append(Problem("utt2spk", utt, "no speaker"))
                elif len(spk.split()) > 1:
                    problems.append(Problem("utt2spk", utt, f"expected 'utt spk', got {len(spk.split()) + 1} fields"))
            if spk_sort:
                problems.extend(_speaker_prefix_problems(self.utt2spk))
            if self.path is not None and (self.path / "spk2utt").is_file():
                problems.extend(_spk2utt_problems(self.path / "spk2utt", self.spk2utt()))
        if check_files:
            for name in PATH_FILES:
                table = self._tables().get(name)
                for key, value in (table or {}).items():
                    target = _scp_target(value)
                    if target is not None and not Path(target).exists():
                        problems.append(Problem(name, key, f"file does not exist: {target}"))
        problems.extend(self.load_problems)
        if self.path is not None:
            problems.extend(_check_on_disk_order(self.path))
        return problems

    def fix(self) -> Tuple["DataDir", List[Problem]]:
        """A copy without the inconsistent entries, and the list of what was changed and why.

        Utterances that any table lacks, with an empty transcript, a missing file, bad segment times or an
        unknown recording are dropped everywhere; unused recordings are dropped from recording tables;
        duplicated lines keep the first (listed too); writing the result sorts every file.
        """
        problems = [  # speaker ids that are no prefix cannot be fixed by dropping utterances
            p
            for p in self.validate(check_files=True, spk_sort=False)
            if p.key is not None and p not in self.load_problems
        ]
        bad_utts = set()
        bad_recos = set()
        utts = set(self.utt_ids())
        for p in problems:
            if p.file in RECORDING_FILES and self.segments is not None:
                bad_recos.add(p.key)
            else:
                bad_utts.add(p.key)
        # A missing recording file takes every segment of that recording with it.
        if self.segments is not None:
            for utt, seg in self.segments.items():
                if seg.reco in bad_recos:
                    bad_utts.add(utt)
        keep = sorted_ids(utts - bad_utts)
        fixed = self.subset(keep)
        dropped = [p for p in problems if p.key in bad_utts or p.key in bad_recos]
        return fixed, dropped + list(self.load_problems)

    # ---------------------------------------------------------- selections
    def subset(self, utt_ids: Iterable[str]) -> "DataDir":
        """A new DataDir restricted to ``utt_ids`` (and the recordings they use)."""
        keep = set(utt_ids)

        def sub(table: Optional[Dict[str, str]], keys: set) -> Optional[Dict[str, str]]:
            return None if table is None else {k: v for k, v in table.items() if k in keys}

        segments = None if self.segments is None else {u: s for u, s in self.segments.items() if u in keep}
        recos = keep if segments is None else {s.reco for s in segments.values()}
        out = DataDir(
            wav_scp=sub(self.wav_scp, recos),
            text=sub(self.text, keep),
            utt2spk=sub(self.utt2spk, keep),
            segments=segments,
            video_scp=sub(self.video_scp, keep),
        )
        for name, table in self.extra.items():
            is_reco = self.segments is not None and name in RECORDING_FILES
            out.extra[name] = sub(table, recos if is_reco else keep)
        return out

    def first(self, n: int) -> "DataDir":
        """The first ``n`` utterances in sorted order."""
        return self.subset(self.utt_ids()[:n])

    def random_subset(self, n: int, seed: int = 0) -> "DataDir":
        """``n`` utterances drawn at random (deterministic for a seed)."""
        ids = self.utt_ids()
        return self.subset(random.Random(seed).sample(ids, min(n, len(ids))))

    def split(self, n: int, out_root: Optional[PathLike] = None, by_speaker: bool = False) -> List["DataDir"]:
        """Split into ``n`` contiguous parts written to ``<out_root or dir>/split<n>/<1..n>``.

        ``by_speaker`` keeps each speaker's utterances in one part (Kaldi's ``split_data.sh`` default).
        Parts may be empty when there are fewer utterances (or speakers) than ``n``; they are still written
        so that job ``i`` always finds ``split<n>/<i>``.
        """
        if n < 1:
            raise ValueError(f"split: n must be >= 1, got {n}")
        if out_root is None:
            if self.path is None:
                raise ValueError("split needs out_root for a DataDir that was not loaded from disk")
            out_root = self.path
        base = Path(out_root) / f"split{n}"
        if by_speaker and self.utt2spk:
            groups = [utts for _, utts in sorted(self.spk2utt().items(), key=lambda kv: _sort_key(kv[0]))]
        else:
            groups = [[u] for u in self.utt_ids()]
        parts: List[List[str]] = []
        total = len(groups)
        for i in range(n):
            lo, hi = (i * total) // n, ((i + 1) * total) // n
            parts.append([u for g in groups[lo:hi] for u in g])
        out = []
        for i, utts in enumerate(parts, 1):
            part = self.subset(utts)
            part.write(base / str(i))
            out.append(part)
        return out

    @staticmethod
    def combine(dirs: Sequence["DataDir"]) -> "DataDir":
        """Union of data directories; an id present in two of them with different values is an error."""
        out = DataDir()
        names = set()
        for d in dirs:
            names.update(n for n, t in d._tables().items() if t is not None)
        have_segments = any(d.segments is not None for d in dirs)
        if have_segments and not all(d.segments is not None for d in dirs):
            raise DataDirError(
                ", ".join(str(d.path) for d in dirs), "cannot combine directories with and without segments"
            )
        merged: Dict[str, Dict[str, str]] = {n: {} for n in names}
        segments: Dict[str, Segment] = {}
        for d in dirs:
            for name, table in d._tables().items():
                if table is None:
                    continue
                for k, v in table.items():
                    if merged[name].get(k, v) != v:
                        raise DataDirError(d.path or "<data dir>", f"{name}: id {k!r} differs between inputs", k)
                    merged[name][k] = v
            for u, s in (d.segments or {}).items():
                if segments.get(u, s) != s:
                    raise DataDirError(d.path or "<data dir>", f"segments: id {u!r} differs between inputs", u)
                segments[u] = s
        out.wav_scp = merged.pop("wav.scp", None)
        out.text = merged.pop("text", None)
        out.utt2spk = merged.pop("utt2spk", None)
        out.video_scp = merged.pop("video.scp", None)
        out.extra = merged
        out.segments = segments if have_segments else None
        return out


def _scp_target(value: str) -> Optional[str]:
    """The file an scp value refers to, or None for a pipe (``cmd |``)."""
    value = value.strip()
    if value.endswith("|"):
        return None
    # kaldiio-style ``file.ark:offset`` and ``file.ark:offset[slice]``
    if ".ark:" in value:
        return value.split(".ark:", 1)[0] + ".ark"
    return value


def _check_on_disk_order(path: Path) -> List[Problem]:
    """Files on disk must be sorted and free of duplicated keys (in-memory tables cannot show this)."""
    problems = []
    for f in sorted(path.iterdir()):
        if not f.is_file() or f.name in IGNORED_FILES or f.name.startswith(".") or f.name.endswith(".tmp"):
            continue
        keys = []
        empty = []
        try:
            with open(f, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        keys.append(line.split(maxsplit=1)[0])
                    else:
                        empty.append(lineno)
        except (UnicodeDecodeError, OSError) as e:
            problems.append(Problem(f.name, None, f"unreadable: {e}"))
            continue
        if empty:
            problems.append(Problem(f.name, None, f"{len(empty)} empty line(s), the first at line {empty[0]}"))
        if keys != sorted(keys, key=_sort_key):
            problems.append(Problem(f.name, None, "not sorted in LC_ALL=C order"))
        if len(set(keys)) != len(keys):
            problems.append(Problem(f.name, None, "duplicated ids"))
    return problems


# At most this many offending utterances are listed one by one; the rest are counted.
MAX_LISTED = 10


def _speaker_prefix_problems(utt2spk: Dict[str, str]) -> List[Problem]:
    """Utterances whose speaker id is not a prefix of the utterance id, and Kaldi's own check: ``utt2spk``
    sorted on the speaker id must be in the same order as sorted on the utterance id."""
    bad = [u for u in sorted_ids(utt2spk) if utt2spk[u] and not u.startswith(utt2spk[u])]
    hint = "make speaker ids prefixes of utterance ids, or pass --no-spk-sort"
    problems = [Problem("utt2spk", u, f"speaker id {utt2spk[u]!r} is not a prefix of the utterance id ({hint})")
                for u in bad[:MAX_LISTED]]
    if len(bad) > MAX_LISTED:
        problems.append(Problem("utt2spk", None, f"{len(bad) - MAX_LISTED} more utterances whose speaker id is "
                                "not a prefix of the utterance id"))
    by_utt = sorted_ids(utt2spk)
    by_spk = sorted(by_utt, key=lambda u: (_sort_key(utt2spk[u]), _sort_key(u)))
    if not bad and by_spk != by_utt:
        first = next(a for a, b in zip(by_utt, by_spk) if a != b)
        problems.append(Problem("utt2spk", first, "not in sorted order when sorted first on the speaker id "
                                f"(as Kaldi's spk2utt is); {hint}"))
    return problems


def _spk2utt_problems(path: Path, expected: Dict[str, List[str]]) -> List[Problem]:
    """A ``spk2utt`` on disk that is not the one ``utt2spk`` gives."""
    try:
        on_disk = {k: v.split() for k, v in read_kv(path, duplicates=[]).items()}
    except DataDirError as e:
        return [Problem("spk2utt", None, e.problem)]
    if on_disk == expected:
        return []
    diff = sorted_ids(set(on_disk) ^ set(expected) | {s for s in on_disk if on_disk[s] != expected.get(s)})
    return [Problem("spk2utt", None, f"does not match utt2spk ({len(diff)} speaker(s) differ, e.g. {diff[0]!r}); "
                    "'mmpt-datadir fix' rewrites it")]


def copy_data_dir(src: PathLike, dst: PathLike) -> Path:
    """Copy every file of a data directory (not its ``split*`` sub-directories)."""
    src, dst = Path(src), Path(dst)
    if not src.is_dir():
        raise DataDirError(src, "data directory does not exist")
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            shutil.copy2(f, dst / f.name)
    return dst
