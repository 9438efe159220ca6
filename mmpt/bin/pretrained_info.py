"""What the recipes need to know about a pre-trained encoder (scripts/utils/stages.sh).

    python -m mmpt.bin.pretrained_info fingerprint <pack | espnet2 exp dir | .pth>
        the sha256 of its weights and of its feature statistics (one per line): the training
        fingerprints change when a pack is rewritten in place
    python -m mmpt.bin.pretrained_info model_file <exp dir>
        the preferred model file of an experiment directory
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

PROG = "python -m mmpt.bin.pretrained_info"


def fingerprint(path: str) -> List[str]:
    """sha256 of the model file and (when there is one) the statistics file of the encoder at ``path``."""
    from mmpt.pack.layout import sha256_file
    from mmpt.pack.read import load_pretrained

    p = load_pretrained(path)
    sums = [sha256_file(p.model_path)]
    if p.stats_file:
        sums.append(sha256_file(p.stats_file))
    return sums


def model_file(exp: str) -> str:
    """The model file of the experiment directory ``exp`` that a recipe uses when none is named."""
    from mmpt.pack.layout import find_model_file

    return str(find_model_file(exp))


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("fingerprint", help="sha256 of the weights and statistics").add_argument("path")
    sub.add_parser("model_file", help="the preferred model file of an experiment").add_argument("exp")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    from mmpt.data.errors import DataError

    try:
        lines = fingerprint(args.path) if args.command == "fingerprint" else [model_file(args.exp)]
    except DataError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
