"""Top-level values of a training config as espnet2 command-line options.

    python -m mmpt.bin.config_options <config.yaml> --keys batch_type batch_size accum_grad max_epoch
        --batch_type sorted --batch_size 8 --accum_grad 1 --max_epoch 30

Keys the config does not set (or sets to null) are left out. egs2/must_c/pt1/run.sh trains with the
batching and epochs of the mid-training's config this way.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

PROG = "python -m mmpt.bin.config_options"


def config_options(path: str, keys: Sequence[str]) -> str:
    """``--<key> <value>`` for every key of ``keys`` that the YAML config ``path`` sets, in that order."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: not a readable YAML config ({exc})") from None
    if not isinstance(cfg, dict):
        raise ValueError(f"{path}: expected a YAML mapping of training options")
    return " ".join(f"--{k} {cfg[k]}" for k in keys if cfg.get(k) is not None)


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", help="a YAML training config")
    p.add_argument("--keys", nargs="+", required=True, help="top-level keys to turn into options")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    try:
        print(config_options(args.config, args.keys))
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
