"""Fluent Speech Commands -> Kaldi-style data directories for SUPERB intent classification.

The layout (https://fluent.ai/fluent-speech-commands-a-dataset-for-spoken-language-understanding-research/)::

    fluent_speech_commands_dataset/wavs/speakers/<speakerId>/<uuid>.wav     # 16 kHz mono
    fluent_speech_commands_dataset/data/{train,valid,test}_data.csv
        ,path,speakerId,transcription,action,object,location
        0,wavs/speakers/2BqVo8kVB2Skwgyb/0a3129c0-4474-11e9-a9a5-5dbec3b8816a.wav,2BqVo8kVB2Skwgyb,
          Change language,change language,none,none

Each csv becomes ``<out>/{train,valid,test}`` with ``wav.scp``, ``text`` (the transcription as written),
``utt2spk`` (speakerId), ``utt2intent`` (``<action>_<object>_<location>``, spaces replaced by ``_``, e.g.
``change_language_none_none``, as in ESPnet's fsc recipe) and ``utt2dur``. Utterance ids are
``<speakerId>_<wav stem>``. A malformed row, a missing or unreadable wav, an empty transcription or slot and
a duplicated wav are excluded, counted, logged and listed in ``excluded.txt``.

Command line::

    python -m mmpt.corpora.fluent_speech_commands --root $FSC --out data
"""
from __future__ import annotations

import argparse
import csv
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

SPLITS = ("train", "valid", "test")
COLUMNS = ("", "path", "speakerId", "transcription", "action", "object", "location")
SLOTS = ("action", "object", "location")
DATASET_DIR = "fluent_speech_commands_dataset"


@dataclass
class SplitResult(common.ExclusionCounts):
    split: str
    out_dir: Path
    num_utts: int
    num_speakers: int
    num_intents: int
    exclusions: List[Exclusion] = field(default_factory=list)


def intent_label(action: str, obj: str, location: str) -> str:
    """``change language`` / ``none`` / ``none`` -> ``change_language_none_none``."""
    return "_".join(v.strip().replace(" ", "_") for v in (action, obj, location))


def find_dataset_root(root: Path) -> Path:
    """``root`` itself or ``root/fluent_speech_commands_dataset`` (the directory holding ``data/``)."""
    found = common.find_corpus_root(Path(root), (DATASET_DIR,), lambda d: (d / "data").is_dir(), "dataset")
    if (found / "data").is_dir():
        return found
    raise DataError(root, f"no data/ directory here nor in {DATASET_DIR}/; download Fluent Speech Commands "
                          "and point FSC (db.sh) at the directory holding it")


def scan_split(dataset: Path, split: str):
    """(tables, exclusions) of ``data/<split>_data.csv``; tables: wav.scp, text, utt2spk, utt2intent,
    utt2dur (by utterance)."""
    csv_path = dataset / "data" / f"{split}_data.csv"
    if not csv_path.is_file():
        raise DataError(csv_path, "file does not exist")
    exclusions: List[Exclusion] = []
    tables: Dict[str, Dict[str, str]] = {k: {} for k in ("wav.scp", "text", "utt2spk", "utt2intent", "utt2dur")}
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[1:]] != list(COLUMNS[1:]):
            raise DataError(csv_path, f"header {header} is not {','.join(COLUMNS)}")
        for lineno, row in enumerate(reader, 2):
            if not any(c.strip() for c in row):
                continue
            where = f"{csv_path}:{lineno}"
            if len(row) != len(COLUMNS):
                exclusions.append(Exclusion("malformed_row", where, f"{len(row)} columns, expected {len(COLUMNS)}"))
                continue
            _, rel, spk, trans, action, obj, loc = (c.strip() for c in row)
            wav = dataset / rel
            utt = f"{spk}_{Path(rel).stem}"
            if not rel or not spk:
                exclusions.append(Exclusion("malformed_row", where, "empty path or speakerId"))
                continue
            if not " ".join(trans.split()):
                exclusions.append(Exclusion("empty_text", where, "empty transcription", utt))
                continue
            if not all((action, obj, loc)):
                exclusions.append(Exclusion("empty_slot", where, "empty action, object or location", utt))
                continue
            if utt in tables["wav.scp"]:
                exclusions.append(Exclusion("duplicate_id", where, f"{rel} listed again; kept the first", utt))
                continue
            try:
                if not wav.is_file():
                    raise DataError(wav, "file does not exist")
                dur = common.audio_duration(wav)
            except DataError as e:
                exclusions.append(Exclusion("bad_wav", e.where, f"{e.problem} (row {lineno} of {csv_path.name})",
                                            utt))
                continue
            tables["wav.scp"][utt] = str(wav.resolve())
            tables["text"][utt] = " ".join(trans.split())
            tables["utt2spk"][utt] = spk
            tables["utt2intent"][utt] = intent_label(action, obj, loc)
            tables["utt2dur"][utt] = f"{dur:.4f}".rstrip("0").rstrip(".")
    return tables, exclusions


def prepare_split(dataset: Path, split: str, out_dir: Path) -> SplitResult:
    from mmpt.data.datadir import DataDir

    tables, exclusions = scan_split(dataset, split)
    common.log_exclusions(split, exclusions, out_dir)
    if not tables["text"]:
        raise DataError(dataset / "data" / f"{split}_data.csv", f"no usable row ({len(exclusions)} excluded)")
    d = DataDir(wav_scp=tables["wav.scp"], text=tables["text"], utt2spk=tables["utt2spk"])
    d.extra["utt2intent"] = tables["utt2intent"]
    d.extra["utt2dur"] = tables["utt2dur"]
    d.write(out_dir)
    common.write_exclusions(out_dir, exclusions)
    return SplitResult(split, out_dir, len(tables["text"]), len(set(tables["utt2spk"].values())),
                       len(set(tables["utt2intent"].values())), exclusions)


def prepare(root: Path, out_root: Path, splits: Sequence[str] = SPLITS) -> List[SplitResult]:
    """Write ``<out_root>/<split>`` for each split. Raises DataError on a missing csv or an empty split."""
    dataset = find_dataset_root(root)
    results = []
    for s in splits:
        res = prepare_split(dataset, s, Path(out_root) / s)
        excl = res.excluded_summary()
        logger.info("%s -> %s: %d utterances, %d speakers, %d intents; excluded: %s", s, res.out_dir,
                    res.num_utts, res.num_speakers, res.num_intents, excl)
        results.append(res)
    return results


def get_parser() -> argparse.ArgumentParser:
    return common.corpus_parser("mmpt.corpora.fluent_speech_commands",
                                "Parse Fluent Speech Commands into Kaldi-style data directories.",
                                f"{DATASET_DIR}/ or the directory holding it", SPLITS, choices=True, splits_help=None,
                                out_help=None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    return common.run_cli(get_parser, lambda args: prepare(args.root, args.out, args.splits), argv)


if __name__ == "__main__":
    sys.exit(main())
