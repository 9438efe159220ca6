"""``mmpt-synth``: write the embedded corpus in the real corpora's on-disk layouts.

    mmpt-synth --out db --preset mini --seed 0                 # every corpus
    mmpt-synth --out db --preset tiny --only librispeech must_c

Output: ``<out>/<corpus>/...`` in each corpus's own layout (e.g. ``<out>/librispeech/LibriSpeech/...``).
Generation is parallel (``--nj``), deterministic for a seed and preset (same bytes twice, whatever
``--nj``), resumable (finished items are skipped), and shows progress.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.synth.presets import PRESET_NAMES, get_preset
from mmpt.synth.registry import corpus_names, get_writer
from mmpt.synth.writer import run_writer


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mmpt-synth", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="output directory")
    p.add_argument("--preset", default="mini", choices=PRESET_NAMES)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", nargs="+", choices=corpus_names(), metavar="CORPUS",
                   help=f"corpora to write (default: all of {', '.join(corpus_names())})")
    p.add_argument("--nj", type=int, default=os.cpu_count() or 1, help="worker processes")
    p.add_argument("--no-progress", action="store_true")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    from mmpt.text.espeak import EspeakNotFoundError

    preset = get_preset(args.preset)
    try:
        for name in args.only or corpus_names():
            report = run_writer(get_writer(name), args.out, preset, args.seed, nj=args.nj,
                                progress=not args.no_progress)
            print(report)
    except EspeakNotFoundError as e:
        print(f"mmpt-synth: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
