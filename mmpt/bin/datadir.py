"""``mmpt-datadir``: validate, fix, subset, split and combine Kaldi-style data directories.

Examples::

    mmpt-datadir validate data/train            # exit 1 and one line per problem if inconsistent
    mmpt-datadir validate --no-spk-sort data/x  # speaker ids need not prefix the utterance ids
    mmpt-datadir fix data/train                 # drop inconsistent entries in place, list what was dropped
    mmpt-datadir fix data/train data/train_fix  # ... or into another directory
    mmpt-datadir subset --first 100 data/train data/train_100
    mmpt-datadir subset --random 100 --seed 1 data/train data/train_r100
    mmpt-datadir subset --utt-list ids.txt data/train data/train_sel
    mmpt-datadir subset --duration 10min --seed 1 data/train data/train_10min   # speaker-balanced, nested:
    mmpt-datadir subset --duration 1h --seed 1 data/train data/train_1h         # 10min of seed 1 is in 1h
    mmpt-datadir split --nj 4 data/train        # data/train/split4/{1..4}
    mmpt-datadir combine data/all data/a data/b
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

logger = logging.getLogger("mmpt-datadir")


def _validate(args: argparse.Namespace) -> int:
    d = DataDir.load(args.data_dir)
    problems = d.validate(check_files=not args.no_check_files, spk_sort=not args.no_spk_sort)
    for p in problems:
        print(f"{args.data_dir}/{p}")
    if problems:
        print(f"{args.data_dir}: {len(problems)} problem(s); run 'mmpt-datadir fix' to drop them", file=sys.stderr)
        return 1
    print(f"{args.data_dir}: OK ({len(d)} utterances)")
    return 0


def _fix(args: argparse.Namespace) -> int:
    d = DataDir.load(args.data_dir)
    fixed, dropped = d.fix()
    out = Path(args.out_dir or args.data_dir)
    fixed.write(out)
    for p in dropped:
        print(f"dropped {args.data_dir}/{p}")
    print(f"{out}: kept {len(fixed)} of {len(d)} utterances; {len(dropped)} problem(s) fixed")
    remaining = DataDir.load(out).validate(spk_sort=not args.no_spk_sort)
    for p in remaining:
        print(f"still wrong: {out}/{p}", file=sys.stderr)
    return 1 if remaining else 0


def _subset(args: argparse.Namespace) -> int:
    d = DataDir.load(args.data_dir)
    if args.first is not None:
        sub = d.first(args.first)
    elif args.random is not None:
        sub = d.random_subset(args.random, seed=args.seed)
    elif args.duration is not None:
        from mmpt.data.duration_subset import duration_subset, parse_duration

        sub = d.subset(duration_subset(d, parse_duration(args.duration), args.seed, where=args.data_dir))
    else:
        try:
            ids = [line.split()[0] for line in Path(args.utt_list).read_text().splitlines() if line.strip()]
        except FileNotFoundError:
            raise DataError(args.utt_list, "utterance list does not exist") from None
        unknown = sorted(set(ids) - set(d.utt_ids()))
        if unknown:
            logger.warning("%s: %d id(s) not in %s, e.g. %s", args.utt_list, len(unknown), args.data_dir, unknown[0])
        sub = d.subset(ids)
    sub.write(args.out_dir)
    print(f"{args.out_dir}: {len(sub)} utterances")
    return 0


def _split(args: argparse.Namespace) -> int:
    d = DataDir.load(args.data_dir)
    parts = d.split(args.nj, by_speaker=args.per_spk)
    print(f"{args.data_dir}/split{args.nj}: " + " ".join(str(len(p)) for p in parts))
    return 0


def _combine(args: argparse.Namespace) -> int:
    dirs = [DataDir.load(p) for p in args.src_dirs]
    out = DataDir.combine(dirs)
    out.write(args.out_dir)
    print(f"{args.out_dir}: {len(out)} utterances from {len(dirs)} directories")
    return 0


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mmpt-datadir", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check sorting, ids and referenced files")
    p.add_argument("data_dir")
    p.add_argument("--no-check-files", action="store_true", help="do not check that referenced files exist")
    p.add_argument("--no-spk-sort", action="store_true",
                   help="allow speaker ids that are not a prefix of the utterance ids (Kaldi's --no-spk-sort)")
    p.set_defaults(func=_validate)

    p = sub.add_parser("fix", help="drop inconsistent entries, printing what was dropped and why")
    p.add_argument("data_dir")
    p.add_argument("out_dir", nargs="?", help="default: fix in place")
    p.add_argument("--no-spk-sort", action="store_true", help="as for validate")
    p.set_defaults(func=_fix)

    p = sub.add_parser("subset", help="a subset by count, random draw or id list")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--first", type=int)
    g.add_argument("--random", type=int)
    g.add_argument("--utt-list")
    g.add_argument("--duration", help="total duration (600, 600s, 10min, 1h): speaker-balanced, nested for a seed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("data_dir")
    p.add_argument("out_dir")
    p.set_defaults(func=_subset)

    p = sub.add_parser("split", help="split into N parts under <data_dir>/splitN/")
    p.add_argument("--nj", type=int, required=True)
    p.add_argument("--per-spk", action="store_true", help="keep each speaker in one part")
    p.add_argument("data_dir")
    p.set_defaults(func=_split)

    p = sub.add_parser("combine", help="union of data directories")
    p.add_argument("out_dir")
    p.add_argument("src_dirs", nargs="+")
    p.set_defaults(func=_combine)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    from mmpt.bin._jobs_cli import run_subcommand

    return run_subcommand("mmpt-datadir", get_parser, argv, status=2)

if __name__ == "__main__":
    sys.exit(main())
