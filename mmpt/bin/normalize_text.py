"""Rewrite the transcripts of Kaldi data directories in LibriSpeech's form (mmpt.text.normalize).

    python -m mmpt.bin.normalize_text data/train data/valid data/test
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from mmpt.data.errors import DataError

PROG = "python -m mmpt.bin.normalize_text"


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dirs", nargs="+", help="data directories whose text file is rewritten")
    args = p.parse_args(argv)
    from mmpt.text.normalize import normalize_data_dir

    for d in args.data_dirs:
        try:
            kept, removed = normalize_data_dir(d)
        except DataError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 1
        removed_note = f", {len(removed)} empty ones removed" if removed else ""
        print(f"{d}: {kept} transcripts in LibriSpeech's form{removed_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
