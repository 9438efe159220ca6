"""Libri2Mix (speaker diarization, SUPERB SD) -> the Kaldi-style data directories s3prl's diarization reads.

The layout (https://github.com/JorisCos/LibriMix, as generated for SUPERB SD by s3prl's LibriMix fork)::

    Libri2Mix/wav16k/max/{train-100,dev,test}/{mix_both,mix_clean,s1,s2,noise}/<mixture_ID>.wav
    Libri2Mix/wav16k/max/metadata/mixture_<split>_mix_both.csv
        mixture_ID,mixture_path,source_1_path,source_2_path,noise_path,length      # length in samples
    <mixture_ID> = <source 1 utterance>_<source 2 utterance>, e.g. 3536-8226-0026_1673-143397-0009

Who speaks when comes from an RTTM (``SPEAKER <file> 1 <start> <dur> <NA> <NA> <speaker> <NA> <NA>``):

1. ``metadata/mixture_<split>_mix_both.rttm`` beside the csv: mixture-level activity (``<file>`` is the
   mixture_ID), as written by the embedded corpus, whose sources start at random offsets; else
2. the per-source-utterance RTTMs of s3prl's recipe, ``<rttm_dir>/{train_clean_100,dev_clean,test_clean}.rttm``
   (``<file>`` is ``<chapter>-<utterance>``), in which both sources start at 0 s of the mixture (``max`` mode
   pads the shorter one at the end), so their times are mixture times.

Each split becomes ``<out>/{train,dev,test}`` holding exactly what
``s3prl.downstream.diarization.dataset.KaldiData`` reads: ``wav.scp`` (mixture -> absolute mix_both path),
``segments`` (one speech region per line), ``utt2spk``, ``spk2utt``, ``reco2dur`` (from the wav header), and
``rttm`` (the reference for scoring). Segment ids are ``<speaker>_<mixture>_<start ms>_<end ms>``.

Bad input: a malformed csv row or RTTM line, a missing or unreadable mixture, a mixture without activity, a
region past the end of its mixture (by more than 0.1 s; less is clipped) are excluded, counted, logged and
listed in ``excluded.txt``.

Command line::

    python -m mmpt.corpora.librimix --root $LIBRIMIX --out data [--rttm_dir $LIBRIMIX/metadata/LibriSpeech]
"""
from __future__ import annotations

import argparse
import csv
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

# LibriMix split -> (data directory name, LibriSpeech split of its sources as named in s3prl's RTTMs)
SPLITS: Dict[str, Tuple[str, str]] = {
    "train-100": ("train", "train_clean_100"),
    "dev": ("dev", "dev_clean"),
    "test": ("test", "test_clean"),
}
CSV_COLUMNS = ("mixture_ID", "mixture_path", "source_1_path", "source_2_path", "noise_path", "length")
SAMPLE_RATE = 16000
END_TOLERANCE_S = 0.1


@dataclass(frozen=True)
class Turn:
    """One speech region: speaker, start and end (seconds)."""

    speaker: str
    start: float
    end: float


@dataclass
class SplitResult(common.ExclusionCounts):
    split: str
    out_dir: Path
    num_mixtures: int
    num_segments: int
    num_speakers: int
    exclusions: List[Exclusion] = field(default_factory=list)


def find_libri2mix(root: Path) -> Path:
    """The ``Libri2Mix`` directory: ``root`` itself or ``root/Libri2Mix``."""
    found = common.find_corpus_root(Path(root), ("Libri2Mix",), lambda d: (d / "wav16k").is_dir(), "Libri2Mix")
    if (found / "wav16k").is_dir():
        return found
    raise DataError(root, "no Libri2Mix/wav16k here; generate Libri2Mix (s3prl's LibriMix fork, 16 kHz, max)")


def read_rttm(path: Path, exclusions: List[Exclusion]) -> Dict[str, List[Turn]]:
    """file id -> its turns, in file order; malformed lines are exclusions."""
    out: Dict[str, List[Turn]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith(";"):
            continue
        try:
            if parts[0] != "SPEAKER" or len(parts) < 8:
                raise ValueError("expected 'SPEAKER <file> <chan> <start> <dur> <NA> <NA> <speaker> ...'")
            start, dur = float(parts[3]), float(parts[4])
            if start < 0 or dur <= 0:
                raise ValueError(f"start {start} / duration {dur} out of range")
        except ValueError as e:
            exclusions.append(Exclusion("malformed_rttm", f"{path}:{lineno}", str(e)))
            continue
        out.setdefault(parts[1], []).append(Turn(parts[7], start, start + dur))
    return out


def _local_path(value: str, libri2mix: Path) -> Path:
    """A csv path re-rooted onto this ``Libri2Mix`` (the csv holds the paths of the machine that made it)."""
    p = Path(value)
    parts = p.parts
    if "Libri2Mix" in parts:
        i = len(parts) - 1 - parts[::-1].index("Libri2Mix")
        return libri2mix.joinpath(*parts[i + 1:])
    return p if p.is_absolute() else libri2mix / p


def _ms(t: float) -> str:
    return f"{int(round(t * 1000)):07d}"


def scan_split(libri2mix: Path, split: str, rttm_dir: Optional[Path] = None
               ) -> Tuple[Dict[str, str], Dict[str, float], Dict[str, List[Turn]], List[Exclusion]]:
    """(mixture -> wav path, mixture -> seconds, mixture -> turns, exclusions) of one split."""
    meta = libri2mix / "wav16k" / "max" / "metadata"
    csv_path = meta / f"mixture_{split}_mix_both.csv"
    if not csv_path.is_file():
        raise DataError(csv_path, "file does not exist")
    exclusions: List[Exclusion] = []
    mix_rttm = meta / f"mixture_{split}_mix_both.rttm"
    src_rttm = Path(rttm_dir) / f"{SPLITS[split][1]}.rttm" if rttm_dir is not None else None
    if mix_rttm.is_file():
        activity, per_source = read_rttm(mix_rttm, exclusions), False
    elif src_rttm is not None and src_rttm.is_file():
        activity, per_source = read_rttm(src_rttm, exclusions), True
        logger.info("%s: activity from the per-source RTTM %s (sources start at 0 s)", split, src_rttm)
    else:
        raise DataError(mix_rttm, "no activity RTTM (neither this file nor "
                                  f"{src_rttm or '<rttm_dir>/' + SPLITS[split][1] + '.rttm'})")

    wavs: Dict[str, str] = {}
    durs: Dict[str, float] = {}
    turns: Dict[str, List[Turn]] = {}
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != CSV_COLUMNS:
            raise DataError(csv_path, f"header {header} is not {','.join(CSV_COLUMNS)}")
        for lineno, row in enumerate(reader, 2):
            if not row:
                continue
            where = f"{csv_path}:{lineno}"
            if len(row) != len(CSV_COLUMNS):
                exclusions.append(Exclusion("malformed_row", where, f"{len(row)} columns, expected 6"))
                continue
            mix_id, mix_path = row[0].strip(), _local_path(row[1].strip(), libri2mix)
            if mix_id in wavs:
                exclusions.append(Exclusion("duplicate_id", where, "mixture listed again; kept the first", mix_id))
                continue
            try:
                if not mix_path.is_file():
                    raise DataError(mix_path, "file does not exist")
                dur = common.audio_duration(mix_path)
            except DataError as e:
                exclusions.append(Exclusion("bad_wav", e.where, e.problem, mix_id))
                continue
            if per_source:
                mix_turns = []
                for src in mix_id.split("_"):
                    spk, _, reco = src.partition("-")
                    mix_turns += [Turn(spk, t.start, t.end) for t in activity.get(reco, [])]
            else:
                mix_turns = list(activity.get(mix_id, []))
            kept = []
            for t in mix_turns:
                if t.start >= dur or t.end - dur > END_TOLERANCE_S + 1e-6:
                    exclusions.append(Exclusion("outside_wav", where, f"turn {t.start:.3f}-{t.end:.3f} s of "
                                                                      f"{t.speaker} is outside {dur:.3f} s", mix_id))
                    continue
                kept.append(Turn(t.speaker, t.start, min(t.end, dur)))
            if not kept:
                exclusions.append(Exclusion("no_activity", where, "no speech region in the RTTM", mix_id))
                continue
            wavs[mix_id], durs[mix_id], turns[mix_id] = str(mix_path.resolve()), dur, kept
    return wavs, durs, turns, exclusions


def prepare_split(libri2mix: Path, split: str, out_dir: Path, rttm_dir: Optional[Path] = None) -> SplitResult:
    from mmpt.data.datadir import DataDir, Segment

    wavs, durs, turns, exclusions = scan_split(libri2mix, split, rttm_dir)
    common.log_exclusions(split, exclusions, out_dir)
    if not wavs:
        raise DataError(libri2mix / "wav16k" / "max" / split, f"no usable mixture ({len(exclusions)} excluded)")
    segments: Dict[str, Segment] = {}
    utt2spk: Dict[str, str] = {}
    rttm_lines: List[Tuple[str, float, str]] = []
    for mix_id in sorted(turns):
        for t in turns[mix_id]:
            seg_id = f"{t.speaker}_{mix_id}_{_ms(t.start)}_{_ms(t.end)}"
            if seg_id in segments:
                continue  # the same region twice in the RTTM
            segments[seg_id] = Segment(mix_id, round(t.start, 3), round(t.end, 3))
            utt2spk[seg_id] = t.speaker
            rttm_lines.append((mix_id, t.start, f"SPEAKER {mix_id} 1 {t.start:.3f} {t.end - t.start:.3f} "
                                                f"<NA> <NA> {t.speaker} <NA> <NA>"))
    d = DataDir(wav_scp=wavs, utt2spk=utt2spk, segments=segments)
    d.extra["reco2dur"] = {m: common.fmt_seconds(v) for m, v in durs.items()}
    d.write(out_dir)
    rttm = "".join(line + "\n" for _, _, line in sorted(rttm_lines, key=lambda x: (x[0], x[1], x[2])))
    (out_dir / "rttm").write_text(rttm, encoding="utf-8")
    common.write_exclusions(out_dir, exclusions)
    return SplitResult(split, out_dir, len(wavs), len(segments), len(set(utt2spk.values())), exclusions)


def prepare(root: Path, out_root: Path, splits: Sequence[str] = tuple(SPLITS),
            rttm_dir: Optional[Path] = None) -> List[SplitResult]:
    """Write ``<out_root>/{train,dev,test}``. ``rttm_dir`` holds s3prl's per-source RTTMs (default:
    ``<root>/metadata/LibriSpeech`` when it exists)."""
    libri2mix = find_libri2mix(root)
    if rttm_dir is None:
        for cand in (Path(root) / "metadata" / "LibriSpeech", libri2mix.parent / "metadata" / "LibriSpeech"):
            if cand.is_dir():
                rttm_dir = cand
                break
    results = []
    for s in splits:
        if s not in SPLITS:
            raise DataError(libri2mix, f"unknown split {s!r}; choose from {', '.join(SPLITS)}")
        res = prepare_split(libri2mix, s, Path(out_root) / SPLITS[s][0], rttm_dir)
        excl = res.excluded_summary()
        logger.info("%s -> %s: %d mixtures, %d segments, %d speakers; excluded: %s", s, res.out_dir,
                    res.num_mixtures, res.num_segments, res.num_speakers, excl)
        results.append(res)
    return results


def get_parser() -> argparse.ArgumentParser:
    p = common.corpus_parser("mmpt.corpora.librimix", "Parse Libri2Mix into s3prl diarization data directories.",
                             "Libri2Mix/ or the directory holding it", list(SPLITS), choices=True, splits_help=None,
                             out_help=None)
    p.add_argument("--rttm_dir", type=Path, default=None,
                   help="s3prl's per-source RTTMs (used when the mixture-level RTTM is absent)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, lambda args: prepare(args.root, args.out, args.splits, args.rttm_dir), argv)


if __name__ == "__main__":
    sys.exit(main())
