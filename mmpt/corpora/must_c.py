"""MuST-C (v1, English -> X): the original corpus layout -> Kaldi-style data directories.

The layout (https://ict.fbk.eu/must-c/) of one direction is::

    en-<tgt>/data/<split>/wav/ted_<talk>.wav        # whole TED talks, 16 kHz mono
    en-<tgt>/data/<split>/txt/<split>.yaml          # one entry per segment, in order:
        - {duration: 3.500000, offset: 16.080000, rW: 9, uW: 0, speaker_id: spk.767, wav: ted_767.wav}
    en-<tgt>/data/<split>/txt/<split>.en            # one English line per segment (true case, punctuation)
    en-<tgt>/data/<split>/txt/<split>.<tgt>         # one target line per segment

Each split becomes ``<out>/<split>.en-<tgt>`` (ESPnet's naming) holding

* ``wav.scp`` (recording ``ted_<talk>`` -> absolute path of the talk), ``reco2dur``;
* ``segments`` (``ted_<talk>_<start ms>_<end ms> ted_<talk> <start> <end>``, from offset/duration);
* ``utt2spk`` / ``spk2utt`` (one speaker per talk, ``ted_<talk>``: every utterance id starts with it);
* ``text.tc.<lang>`` (true case, as in the corpus), ``text.lc.<lang>`` (lower case) and
  ``text.lc.rm.<lang>`` (lower case, punctuation and noise marks such as ``(Laughter)`` removed) for
  ``en`` and ``<tgt>``, as in ESPnet's MuST-C recipes; ``text`` is ``text.tc.<tgt>`` (the ST target).

Bad input: a yaml whose entry count differs from a text file's line count cannot be aligned and raises
:class:`~mmpt.data.errors.DataError` naming both files; a malformed yaml entry, a talk wav that is missing
or unreadable, a segment outside its wav (more than 0.1 s past the end; less is clipped), an empty
transcript (either side, or the English after punctuation removal) and a duplicated segment are
excluded, counted, logged and listed in ``excluded.txt`` of the data directory.

Command line::

    python -m mmpt.corpora.must_c --root $MUSTC --tgt_lang de --splits train dev tst-COMMON --out data
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion
from mmpt.data.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from mmpt.data.datadir import DataDir

logger = logging.getLogger(__name__)

SPLITS = ("train", "dev", "tst-COMMON", "tst-HE")
TGT_LANGS = ("de", "es", "fr", "it", "nl", "pt", "ro", "ru")
DOWNLOAD_URL = "https://ict.fbk.eu/must-c/"
# A segment may end this far past the end of its talk; it is then clipped.
END_TOLERANCE_S = 0.1

# "- {duration: 3.5, offset: 16.08, rW: 9, uW: 0, speaker_id: spk.767, wav: ted_767.wav}"
_ENTRY_RE = re.compile(r"^-\s*\{(.*)\}\s*$")
_TALK_RE = re.compile(r"^ted_(\d+)$")
# Noise and event marks of TED transcripts: "(Laughter)", "(Applause)", "[music]".
_MARK_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class YamlSegment:
    """One entry of ``<split>.yaml``: seconds, speaker and talk file."""

    offset: float
    duration: float
    speaker_id: str
    wav: str


@dataclass
class SplitResult(common.ExclusionCounts):
    """What :func:`prepare_split` produced for one split."""

    split: str
    out_dir: Path
    num_utts: int
    num_talks: int
    duration: float  # seconds of segments
    exclusions: List[Exclusion] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ text
def true_case(text: str) -> str:
    """The corpus text with whitespace normalised (``text.tc``)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def lower_case(text: str) -> str:
    """``text.lc``: lower-cased true-case text."""
    return true_case(text).lower()


def lower_case_no_punct(text: str) -> str:
    """``text.lc.rm``: lower case, noise marks and punctuation removed; apostrophes inside words and
    hyphens between letters stay (``don't``, ``well-known``)."""
    text = _MARK_RE.sub(" ", lower_case(text))
    text = text.replace("’", "'").replace("‘", "'")
    out = []
    for i, ch in enumerate(text):
        if ch.isalnum() or ch.isspace():
            out.append(ch)
        elif ch in "'-" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(ch)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


# ------------------------------------------------------------------------------------------ yaml
def _parse_scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _parse_entry(line: str) -> Optional[Dict[str, str]]:
    """A flow mapping on one line, read without PyYAML (fast on the 250k-line train yaml); None when the
    line is not of that simple form (the caller falls back to PyYAML)."""
    m = _ENTRY_RE.match(line)
    if m is None:
        return None
    out: Dict[str, str] = {}
    for part in m.group(1).split(","):
        if ":" not in part:
            return None
        k, v = part.split(":", 1)
        out[k.strip()] = _parse_scalar(v)
    return out


def read_yaml(path: Path, exclusions: List[Exclusion]) -> List[Optional[YamlSegment]]:
    """The entries of ``<split>.yaml`` in order; a malformed entry is None (and an exclusion)."""
    import yaml

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"unreadable ({e})") from None
    raw: List[Tuple[int, object]] = []
    if all(_parse_entry(ln) is not None for ln in lines if ln.strip()):
        raw = [(i, _parse_entry(ln)) for i, ln in enumerate(lines, 1) if ln.strip()]
    else:  # block style or anything unusual: the real YAML parser
        try:
            loaded = yaml.load("\n".join(lines), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as e:
            raise DataError(path, f"not valid YAML ({e})") from None
        if not isinstance(loaded, list):
            raise DataError(path, "expected a YAML list of segments")
        raw = [(i, x) for i, x in enumerate(loaded, 1)]
    out: List[Optional[YamlSegment]] = []
    for lineno, entry in raw:
        try:
            if not isinstance(entry, dict):
                raise ValueError("not a mapping")
            seg = YamlSegment(float(entry["offset"]), float(entry["duration"]), str(entry["speaker_id"]),
                              str(entry["wav"]))
            if seg.duration <= 0 or seg.offset < 0:
                raise ValueError(f"offset {seg.offset} / duration {seg.duration} out of range")
        except (KeyError, ValueError, TypeError) as e:
            msg = f"missing key {e}" if isinstance(e, KeyError) else str(e)
            exclusions.append(Exclusion("malformed_entry", str(path), f"entry {lineno}: {msg}"))
            out.append(None)
            continue
        out.append(seg)
    return out


def _read_lines(path: Path) -> List[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataError(path, "file does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(path, f"unreadable ({e})") from None


# ----------------------------------------------------------------------------------------- paths
def find_direction_root(root: Path, tgt_lang: str) -> Path:
    """The ``en-<tgt>`` directory: ``root`` itself, ``root/en-<tgt>`` or ``root/MUSTC_v1.0/en-<tgt>``."""
    pair = f"en-{tgt_lang}"
    for cand in (root, root / pair, root / "MUSTC_v1.0" / pair, root / "must_c" / pair):
        if (cand / "data").is_dir() and (cand.name == pair or cand == root):
            return cand
    raise DataError(root, f"no {pair}/data directory here; download MuST-C {pair} from {DOWNLOAD_URL} "
                          f"and point MUSTC (db.sh) at the directory holding {pair}/")


def recording_id(wav_name: str) -> str:
    """``ted_767.wav`` -> ``ted_00767`` (zero-padded, so that byte order follows the talk number)."""
    stem = Path(wav_name).stem
    m = _TALK_RE.match(stem)
    return f"ted_{int(m.group(1)):05d}" if m else stem


def utterance_id(reco: str, start: float, end: float) -> str:
    """``ted_00767_0016080_0019580``: recording, start and end in milliseconds."""
    return f"{reco}_{int(round(start * 1000)):07d}_{int(round(end * 1000)):07d}"


def _wav_duration(path: Path) -> float:
    """Seconds of a talk's wav; a rate or channel count other than 16 kHz mono is logged (the reader
    resamples / down-mixes it)."""
    seconds, rate, channels = common.audio_info(path)
    if rate != 16000 or channels != 1:
        logger.warning("%s: %d Hz, %d channel(s); it is resampled/down-mixed when read", path, rate, channels)
    return seconds


# ----------------------------------------------------------------------------------------- split
def scan_split(direction: Path, split: str, tgt_lang: str) -> Tuple[Dict[str, Dict[str, str]], List[Exclusion]]:
    """Parse one split of one direction: the data directory tables and the exclusions.

    Tables: ``wav.scp``, ``reco2dur`` (by recording), ``segments`` (utt -> "reco start end"),
    ``utt2spk``, ``text.tc.en``, ``text.tc.<tgt>`` (by utterance).
    """
    txt = direction / "data" / split / "txt"
    wav_dir = direction / "data" / split / "wav"
    yaml_path, en_path, tgt_path = txt / f"{split}.yaml", txt / f"{split}.en", txt / f"{split}.{tgt_lang}"
    exclusions: List[Exclusion] = []
    if not yaml_path.is_file():
        raise DataError(yaml_path, "file does not exist")
    entries = read_yaml(yaml_path, exclusions)
    en_lines, tgt_lines = _read_lines(en_path), _read_lines(tgt_path)
    for path, lines in ((en_path, en_lines), (tgt_path, tgt_lines)):
        if len(lines) != len(entries):
            raise DataError(path, f"{len(lines)} lines but {yaml_path} has {len(entries)} segments; "
                                  "they cannot be aligned")

    durations: Dict[str, Optional[float]] = {}  # wav name -> seconds (None: missing/unreadable)
    tables: Dict[str, Dict[str, str]] = {k: {} for k in ("wav.scp", "reco2dur", "segments", "utt2spk",
                                                          "text.tc.en", f"text.tc.{tgt_lang}")}
    for i, (seg, en, tgt) in enumerate(zip(entries, en_lines, tgt_lines), 1):
        if seg is None:
            continue
        where = f"{yaml_path}:{i}"
        if seg.wav not in durations:
            wav = wav_dir / seg.wav
            try:
                if not wav.is_file():
                    raise DataError(wav, "file does not exist")
                durations[seg.wav] = _wav_duration(wav)
            except DataError as e:
                exclusions.append(Exclusion("bad_wav", e.where, f"{e.problem}; its segments are excluded"))
                durations[seg.wav] = None
        dur = durations[seg.wav]
        reco = recording_id(seg.wav)
        start, end = seg.offset, seg.offset + seg.duration
        if dur is None:
            exclusions.append(Exclusion("bad_wav", where, f"segment of unusable {seg.wav}", reco))
            continue
        if start >= dur or end - dur > END_TOLERANCE_S + 1e-6:
            exclusions.append(Exclusion("outside_wav", where, f"segment {start:.3f}-{end:.3f} s is outside "
                                                              f"{seg.wav} ({dur:.3f} s)", reco))
            continue
        end = min(end, dur)
        utt = utterance_id(reco, start, end)
        en_tc, tgt_tc = true_case(en), true_case(tgt)
        if not en_tc or not tgt_tc or not lower_case_no_punct(en_tc):
            which = f"{en_path.name} line {i}" if not lower_case_no_punct(en_tc) else f"{tgt_path.name} line {i}"
            exclusions.append(Exclusion("empty_text", where, f"empty transcript ({which})", utt))
            continue
        if utt in tables["segments"]:
            exclusions.append(Exclusion("duplicate_id", where, "same talk and times as an earlier segment; "
                                                               "kept the first", utt))
            continue
        tables["wav.scp"][reco] = str((wav_dir / seg.wav).resolve())
        tables["reco2dur"][reco] = common.fmt_seconds(dur)
        tables["segments"][utt] = f"{reco} {common.fmt_seconds(start)} {common.fmt_seconds(end)}"
        # One speaker per talk: MuST-C's speaker_id is spk.<talk>; the recording id keeps utt ids prefixed.
        tables["utt2spk"][utt] = reco
        tables["text.tc.en"][utt] = en_tc
        tables[f"text.tc.{tgt_lang}"][utt] = tgt_tc
    return tables, exclusions


def prepare_split(direction: Path, split: str, tgt_lang: str, out_dir: Path) -> SplitResult:
    """Parse one split and write ``out_dir``. Raises DataError when no segment is usable."""
    from mmpt.data.datadir import DataDir, Segment

    tables, exclusions = scan_split(direction, split, tgt_lang)
    common.log_exclusions(split, exclusions, out_dir)
    if not tables["segments"]:
        raise DataError(direction / "data" / split, f"no usable segment ({len(exclusions)} excluded)")
    segments = {}
    for utt, v in tables["segments"].items():
        reco, s, e = v.split()
        segments[utt] = Segment(reco, float(s), float(e))
    d = DataDir(wav_scp=tables["wav.scp"], utt2spk=tables["utt2spk"], segments=segments,
                text=dict(tables[f"text.tc.{tgt_lang}"]))
    d.extra["reco2dur"] = tables["reco2dur"]
    for lang in ("en", tgt_lang):
        tc = tables[f"text.tc.{lang}"]
        d.extra[f"text.tc.{lang}"] = tc
        d.extra[f"text.lc.{lang}"] = {u: lower_case(t) for u, t in tc.items()}
        # The target side may lose every word after removal (rare); keep a placeholder-free line anyway.
        d.extra[f"text.lc.rm.{lang}"] = {u: lower_case_no_punct(t) or lower_case(t) for u, t in tc.items()}
    _write(d, out_dir, exclusions)
    duration = sum(s.end - s.start for s in segments.values())
    return SplitResult(split, out_dir, len(segments), len(tables["wav.scp"]), duration, exclusions)


def _write(d: "DataDir", out_dir: Path, exclusions: Sequence[Exclusion]) -> None:
    """Write the data directory; ``excluded.txt`` lists the exclusions (removed when there are none)."""
    import shutil

    d.write(out_dir)
    common.write_exclusions(out_dir, exclusions)
    for stale in sorted(out_dir.glob("split*")):
        if stale.is_dir():  # split<n>/ of an older version would feed stale lists to parallel jobs
            shutil.rmtree(stale)


def data_dir_name(split: str, tgt_lang: str) -> str:
    """``train`` + ``de`` -> ``train.en-de`` (ESPnet's MuST-C naming)."""
    return f"{split}.en-{tgt_lang}"


def prepare(root: Path, tgt_lang: str, splits: Sequence[str], out_root: Path) -> List[SplitResult]:
    """Prepare the requested splits of ``en-<tgt_lang>``; absent splits are reported and skipped.

    Raises DataError when the direction or every requested split is missing.
    """
    direction = find_direction_root(Path(root), tgt_lang)
    present = [s for s in dict.fromkeys(splits) if (direction / "data" / s).is_dir()]
    for s in dict.fromkeys(splits):
        if s not in present:
            logger.warning("split %s is absent (no directory %s): skipped", s, direction / "data" / s)
    if not present:
        raise DataError(direction / "data", f"none of the requested splits ({' '.join(splits)}) exists")
    results = []
    for s in present:
        res = prepare_split(direction, s, tgt_lang, Path(out_root) / data_dir_name(s, tgt_lang))
        excl = res.excluded_summary()
        dur = f"{res.duration / 3600:.2f} h" if res.duration >= 360 else f"{res.duration:.1f} s"
        logger.info("en-%s %s -> %s: %d segments, %d talks, %s; excluded: %s", tgt_lang, s, res.out_dir,
                    res.num_utts, res.num_talks, dur, excl)
        results.append(res)
    return results


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.corpora.must_c",
                                description="Parse the MuST-C layout into Kaldi-style data directories.")
    p.add_argument("--root", required=True, type=Path,
                   help="the directory holding en-<tgt>/ (or en-<tgt>/ itself)")
    p.add_argument("--tgt_lang", required=True, help=f"target language ({', '.join(TGT_LANGS)})")
    p.add_argument("--splits", nargs="+", default=["train", "dev", "tst-COMMON"])
    p.add_argument("--out", type=Path, default=Path("data"), help="data directories go to <out>/<split>.en-<tgt>")
    return p


def _run(args: argparse.Namespace) -> None:
    """The command line's work: the splits of one direction."""
    if args.tgt_lang not in TGT_LANGS:
        logger.warning("en-%s is not a MuST-C v1 direction (known: %s)", args.tgt_lang, " ".join(TGT_LANGS))
    prepare(args.root, args.tgt_lang, args.splits, args.out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
