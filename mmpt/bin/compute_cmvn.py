"""``mmpt-cmvn``: global CMVN statistics of feature dumps -> ESPnet ``feats_stats.npz``.

Example::

    mmpt-cmvn dump/fbank/train exp/asr_stats/train/feats_stats.npz
    mmpt-cmvn --nj 4 dump/fbank/a/feats.scp dump/fbank/b/feats.scp exp/stats/feats_stats.npz

Each input is a ``feats.scp`` or a dump dir holding one. The npz (count, sum, sum_square) is what
``espnet2.layers.global_mvn.GlobalMVN`` reads (``--normalize_conf stats_file=...``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.bin._jobs_cli import cli_main, positive_int

PROG = "mmpt-cmvn"


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", help="feats.scp files or dump dirs")
    parser.add_argument("output", help="output .npz (e.g. feats_stats.npz)")
    parser.add_argument("--nj", type=positive_int, default=1, help="local processes (default: %(default)s)")
    return parser


def _run(args: argparse.Namespace) -> int:
    from mmpt.features.cmvn import compute_cmvn_stats

    scps = [Path(p) / "feats.scp" if Path(p).is_dir() else Path(p) for p in args.inputs]
    stats = compute_cmvn_stats(scps, nj=args.nj)
    stats.save(args.output)
    print(f"{args.output}: {stats.count} frames, dim {stats.dim}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return cli_main(PROG, get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
