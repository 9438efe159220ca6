"""The inputs s3prl's SUPERB downstreams read, made from validated Kaldi data directories (recipe stage 1).

s3prl reads KS and IC from the corpora's own layouts, not from Kaldi data directories. The recipe first
parses each corpus with :mod:`mmpt.corpora` (bad files excluded, counted, listed in ``excluded.txt``), then
builds what s3prl reads from the data directories, so that s3prl sees exactly the validated utterances:

* KS (:func:`prepare_ks`): ``<out>/speech_commands_v0.01/<word>/<file>.wav`` and ``_background_noise_/``
  (symlinks to the kept clips and noise files of ``train`` and ``valid``), ``validation_list.txt`` (the
  ``valid`` clips), an empty ``testing_list.txt`` (the testing-list clips are not part of the view: SUPERB
  tests on the separate test archive); ``<out>/speech_commands_test_set_v0.01/<label>/<file>.wav`` from
  ``test`` (the test archive, or the testing-list clips when the corpus has no test archive; other words
  as ``_unknown_/<word>_<file>.wav``, as in the archive). s3prl splits train / valid by the corpus's own
  speaker-hash rule, which is also how the lists were made (and how ``mmpt.corpora.speech_commands``
  splits when they are absent), so both agree.
* IC (:func:`prepare_ic`): ``<out>/data/{train,valid,test}_data.csv``, the rows of the corpus's csv
  whose utterance the data directory kept, with absolute wav paths. Valid / test rows whose action, object
  or location never occurs in train are excluded (s3prl's label set comes from train only).
* PR (:func:`prepare_pr`): ``<out>/csv/{train,dev,test}.csv`` (:func:`mmpt.superb.libriphone.write_split_csv`),
  ``<out>/lexicon.txt`` (espeak-ng, :mod:`mmpt.superb.lexicon`) and ``<out>/phones.txt``.
* SD reads the Kaldi data directories of :mod:`mmpt.corpora.librimix` directly: nothing to build.

Re-running rewrites nothing that is up to date (symlinks and files are compared first).

Command line::

    python -m mmpt.superb.prepare ks --data data/ks --out data/ks/s3prl
    python -m mmpt.superb.prepare ic --root $FLUENT_SPEECH_COMMANDS --data data/ic --out data/ic/s3prl
    python -m mmpt.superb.prepare pr --train data/pr/train_clean_100 --dev data/pr/dev_clean \\
        --test data/pr/test_clean --out data/pr [--lang en] [--nj 2]
"""
from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

from mmpt.data.errors import DataError
from mmpt.data.files import write_if_changed

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
KS_MAIN, KS_TEST = "speech_commands_v0.01", "speech_commands_test_set_v0.01"
BACKGROUND = "_background_noise_"
UNKNOWN, SILENCE = "_unknown_", "_silence_"
IC_SPLITS = ("train", "valid", "test")
IC_SLOTS = ("action", "object", "location")
PR_SPLITS = ("train", "dev", "test")


@dataclass
class ViewResult:
    """What one preparation wrote: counts per part, and the excluded entries (file, reason)."""

    out: Path
    counts: Dict[str, int] = field(default_factory=dict)
    excluded: List[Tuple[str, str]] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ helpers
def _sync_links(root: Path, links: Dict[str, Path]) -> int:
    """Make ``root`` hold exactly ``links`` (relative name -> absolute target) as symlinks; returns how many
    links were created or changed. Other symlinks under ``root`` are removed; regular files are an error."""
    changed = 0
    root.mkdir(parents=True, exist_ok=True)
    for rel, target in links.items():
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            if Path(os.readlink(link)) == target:
                continue
            link.unlink()
        elif link.exists():
            raise DataError(link, "exists and is not a symlink: remove it (this directory is generated)")
        link.symlink_to(target)
        changed += 1
    wanted = {root / rel for rel in links}
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_symlink() and path not in wanted:
            path.unlink()
            changed += 1
        elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
    return changed


def _load(data_dir: Path):
    from mmpt.data.datadir import DataDir

    return DataDir.load(data_dir)


def _reco_paths(d, data_dir: Path) -> Dict[str, Path]:
    """utterance -> absolute path of its audio file (through ``segments`` when present)."""
    out = {}
    for utt in d.utt_ids():
        reco = d.segments[utt].reco if d.segments else utt
        wav = (d.wav_scp or {}).get(reco)
        if wav is None or wav.rstrip().endswith("|"):
            raise DataError(Path(data_dir) / "wav.scp", "missing or piped entry; s3prl reads audio files", key=reco)
        out[utt] = Path(wav).absolute()
    return out


# --------------------------------------------------------------------------------------------------- KS
def prepare_ks(data: PathLike, out: PathLike) -> ViewResult:
    """s3prl's Speech Commands trees under ``out`` from ``<data>/{train,valid,test}`` (see the module doc)."""
    data, out = Path(data), Path(out)
    main: Dict[str, Path] = {}
    valid_list: List[str] = []
    counts: Counter = Counter()
    for split in ("train", "valid"):
        d = _load(data / split)
        words = d.extra.get("utt2word")
        if words is None:
            raise DataError(data / split / "utt2word", "missing: prepare the data with mmpt.corpora.speech_commands")
        paths = _reco_paths(d, data / split)
        for utt, path in paths.items():
            word = words.get(utt)
            if word is None:
                raise DataError(data / split / "utt2word", "no word for this utterance", key=utt)
            if word == SILENCE or (d.text or {}).get(utt) == SILENCE:
                rel = f"{BACKGROUND}/{path.name}"
            else:
                rel = f"{word}/{path.name}"
                if split == "valid" and rel not in main:
                    valid_list.append(rel)
            if main.setdefault(rel, path) != path:
                raise DataError(path, f"two files would be {rel} in the KS view (the other: {main[rel]})", key=utt)
        counts[f"{split}_utterances"] = len(paths)
    test: Dict[str, Path] = {}
    d = _load(data / "test")
    words = d.extra.get("utt2word") or {}
    for utt, path in _reco_paths(d, data / "test").items():
        label = (d.text or {}).get(utt)
        if label is None:
            raise DataError(data / "test" / "text", "no label for this utterance", key=utt)
        name = path.name
        word = words.get(utt, label)
        if label == UNKNOWN and not name.startswith(f"{word}_"):
            name = f"{word}_{name}"  # the test archive's naming of other words
        rel = f"{label}/{name}"
        if test.setdefault(rel, path) != path:
            raise DataError(path, f"two files would be {rel} in the KS test view (the other: {test[rel]})", key=utt)
    counts["test_utterances"] = len(test)
    main_root, test_root = out / KS_MAIN, out / KS_TEST
    changed = _sync_links(main_root, main) + _sync_links(test_root, test)
    changed += write_if_changed(main_root / "validation_list.txt", "".join(f"{r}\n" for r in sorted(valid_list)))
    changed += write_if_changed(main_root / "testing_list.txt", "")
    counts["clips"] = sum(1 for rel in main if not rel.startswith(BACKGROUND))
    counts["background_files"] = sum(1 for rel in main if rel.startswith(BACKGROUND))
    logger.info("KS view %s: %d clips (%d in validation_list.txt), %d noise files, %d test files; %s", out,
                counts["clips"], len(valid_list), counts["background_files"], len(test),
                f"{changed} entries updated" if changed else "up to date")
    return ViewResult(out, dict(counts))


# --------------------------------------------------------------------------------------------------- IC
def _fsc_rows(dataset: Path, split: str) -> Tuple[List[str], List[List[str]]]:
    csv_path = dataset / "data" / f"{split}_data.csv"
    if not csv_path.is_file():
        raise DataError(csv_path, "file does not exist")
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise DataError(csv_path, "empty csv")
    return rows[0], rows[1:]


def prepare_ic(root: PathLike, data: PathLike, out: PathLike) -> ViewResult:
    """``<out>/data/{train,valid,test}_data.csv`` for s3prl's fluent_commands (``file_path: <out>``)."""
    from mmpt.corpora.fluent_speech_commands import COLUMNS, find_dataset_root

    dataset = find_dataset_root(Path(root))
    data, out = Path(data), Path(out)
    result = ViewResult(out)
    seen_values: Dict[str, Set[str]] = {}
    for split in IC_SPLITS:
        d = _load(data / split)
        kept = {utt: Path(p).absolute() for utt, p in (d.wav_scp or {}).items()}
        header, rows = _fsc_rows(dataset, split)
        if [h.strip() for h in header[1:]] != list(COLUMNS[1:]):
            raise DataError(dataset / "data" / f"{split}_data.csv", f"header {header} is not {','.join(COLUMNS)}")
        lines = [",".join(COLUMNS)]
        emitted: Set[str] = set()
        unseen = 0
        for row in rows:
            if len(row) != len(COLUMNS):
                continue  # excluded by the corpus parser (listed in its excluded.txt)
            _, rel, spk, trans, action, obj, loc = (c.strip() for c in row)
            utt = f"{spk}_{Path(rel).stem}"
            wav = (dataset / rel).absolute()
            if utt not in kept or utt in emitted or Path(os.path.realpath(wav)) != Path(os.path.realpath(kept[utt])):
                continue
            values = dict(zip(IC_SLOTS, (action, obj, loc)))
            if split == "train":
                for slot, value in values.items():
                    seen_values.setdefault(slot, set()).add(value)
            else:
                missing = [f"{s}={v!r}" for s, v in values.items() if v not in seen_values.get(s, set())]
                if missing:
                    unseen += 1
                    result.excluded.append((str(wav), f"{split}: {', '.join(missing)} not in train"))
                    continue
            emitted.add(utt)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(
                [len(lines) - 1, str(wav), spk, trans, action, obj, loc])
            lines.append(buf.getvalue())
        if len(emitted) != len(kept) - unseen:
            lost = sorted(set(kept) - emitted)[:5]
            raise DataError(data / split / "wav.scp", f"{len(kept) - len(emitted) - unseen} utterance(s) not found "
                            f"in {dataset}/data/{split}_data.csv (e.g. {', '.join(lost)}): was the data directory "
                            "made from another corpus?")
        if unseen:
            logger.warning("IC %s: %d utterance(s) excluded, their slot values never occur in train (s3prl "
                           "cannot label them), e.g. %s", split, unseen, result.excluded[-1][1])
        if not emitted:
            raise DataError(data / split, "no utterance left for s3prl")
        write_if_changed(out / "data" / f"{split}_data.csv", "\n".join(lines) + "\n")
        result.counts[split] = len(emitted)
    logger.info("IC view %s: %s", out, ", ".join(f"{s} {n}" for s, n in result.counts.items()))
    return result


# --------------------------------------------------------------------------------------------------- PR
def prepare_pr(splits: Dict[str, PathLike], out: PathLike, lang: str = "en", nj: int = 1) -> ViewResult:
    """``<out>/csv/{train,dev,test}.csv``, ``<out>/lexicon.txt`` and ``<out>/phones.txt`` from data dirs.

    Args:
        splits: ``train`` / ``dev`` / ``test`` -> Kaldi data directory (wav.scp of plain files, text).
    """
    from mmpt.superb.lexicon import build_lexicon
    from mmpt.superb.libriphone import write_phone_vocab, write_split_csv

    missing = [s for s in PR_SPLITS if s not in splits]
    if missing:
        raise ValueError(f"PR needs data directories for {', '.join(missing)}")
    out = Path(out)
    result = ViewResult(out)
    for name in PR_SPLITS:
        target = out / "csv" / f"{name}.csv"
        tmp = target.with_name(target.name + ".new")
        result.counts[name] = write_split_csv(splits[name], tmp)
        if target.is_file() and target.read_bytes() == tmp.read_bytes():
            tmp.unlink()
        else:
            tmp.replace(target)
    lex = build_lexicon([Path(splits[s]) / "text" for s in PR_SPLITS], out / "lexicon.txt", lang=lang, nj=nj)
    phones_file = out / "phones.txt"
    before = phones_file.read_bytes() if phones_file.is_file() else None
    tmp = out / "phones.txt.new"
    phones = write_phone_vocab([lex.path], tmp)
    if before == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(phones_file)
    result.counts.update(words=lex.num_words, phones=len(phones))
    logger.info("PR %s: %s", out, ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return result


# ------------------------------------------------------------------------------------------------- CLI
def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.superb.prepare", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="task", required=True)
    ks = sub.add_parser("ks", help="Speech Commands trees for s3prl's speech_commands")
    ks.add_argument("--data", required=True, type=Path, help="holds train/ valid/ test/ (mmpt.corpora.speech_commands)")
    ks.add_argument("--out", required=True, type=Path)
    ic = sub.add_parser("ic", help="Fluent Speech Commands csvs for s3prl's fluent_commands")
    ic.add_argument("--root", required=True, type=Path, help="fluent_speech_commands_dataset/ or its parent")
    ic.add_argument("--data", required=True, type=Path,
                    help="holds train/ valid/ test/ (mmpt.corpora.fluent_speech_commands)")
    ic.add_argument("--out", required=True, type=Path)
    pr = sub.add_parser("pr", help="csvs, espeak-ng lexicon and phone list for s3prl's ctc (libriphone)")
    for name in PR_SPLITS:
        pr.add_argument(f"--{name}", required=True, type=Path, help=f"Kaldi data directory of the {name} split")
    pr.add_argument("--out", required=True, type=Path)
    pr.add_argument("--lang", default="en", help="espeak-ng language or voice (default: %(default)s)")
    pr.add_argument("--nj", type=int, default=1, help="espeak-ng worker processes")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    from mmpt.corpora.common import run_cli

    def run(args: argparse.Namespace) -> None:
        if args.task == "ks":
            prepare_ks(args.data, args.out)
        elif args.task == "ic":
            prepare_ic(args.root, args.data, args.out)
        else:
            prepare_pr({s: getattr(args, s) for s in PR_SPLITS}, args.out, args.lang, args.nj)

    return run_cli(get_parser, run, argv)

if __name__ == "__main__":
    sys.exit(main())
