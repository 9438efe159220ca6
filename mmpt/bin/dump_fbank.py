"""``mmpt-dump-fbank``: Kaldi fbank features of a data dir -> ark/scp dump dir.

Example::

    mmpt-dump-fbank --nj 4 --config conf/fbank.yaml data/train dump/fbank/train
    mmpt-dump-fbank --nj 64 --backend slurm --slurm_partition cpu data/train dump/fbank/train

Writes ``feats.scp``, ``feats_shape``, ``utt2num_frames``, ``excluded.txt`` and the data dir's files for
the utterances that were dumped. Re-running skips finished jobs.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from mmpt.bin._jobs_cli import add_job_arguments, cli_main, dump_summary, job_options

PROG = "mmpt-dump-fbank"


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", help="Kaldi data dir (wav.scp, optional segments)")
    parser.add_argument("out_dir", help="dump dir, e.g. dump/fbank/train")
    parser.add_argument("--config", default=None,
                        help="fbank options: yaml, or a Kaldi .conf (default: mmpt/conf/fbank.yaml)")
    add_job_arguments(parser)
    return parser


def _run(args: argparse.Namespace) -> int:
    from mmpt.features.fbank_dump import dump_fbank

    result = dump_fbank(args.data_dir, args.out_dir, config=args.config, **job_options(args))
    print(dump_summary(result.out_dir, result))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return cli_main(PROG, get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
