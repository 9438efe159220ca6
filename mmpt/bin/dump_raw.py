"""Raw-waveform dump of a Kaldi data dir for espnet2's ``sound`` loader (see :mod:`mmpt.data.raw_dump`).

    python -m mmpt.bin.dump_raw data/train_clean_100 dump/raw/train_clean_100

writes ``wav.scp`` (one whole 16 kHz mono file per utterance: the data dir's own where espnet2 can read it,
else a decoded WAV under ``<out>/data/``), ``utt2num_samples`` (espnet2's speech_shape), ``text``,
``utt2spk``, ``spk2utt`` and ``excluded.txt``. Re-running with unchanged inputs does nothing.
"""
from __future__ import annotations

import argparse
from typing import List, Optional

from mmpt.bin._jobs_cli import cli_main

PROG = "python -m mmpt.bin.dump_raw"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir", help="Kaldi data dir (wav.scp, optional segments, text, utt2spk)")
    p.add_argument("out_dir", help="dump dir, e.g. dump/raw/train_clean_100")
    p.add_argument("--fs", type=int, default=16000, help="sample rate of the dump (default: 16000)")
    return p


def _run(args: argparse.Namespace) -> int:
    from mmpt.data.raw_dump import dump_raw

    r = dump_raw(args.data_dir, args.out_dir, sample_rate=args.fs)
    state = "up to date" if r.up_to_date else "done"
    print(f"{r.out_dir}: {state}: {r.num_referenced + r.num_written} of {r.num_utts} utterances "
          f"({r.num_referenced} files used as they are, {r.num_written} written as WAV), "
          f"{r.num_excluded} excluded" + (" (see excluded.txt)" if r.num_excluded else ""))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return cli_main(PROG, get_parser, _run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
