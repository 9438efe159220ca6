"""Outputs of a frozen pre-trained encoder for every utterance of fbank dumps (mmpt.features.encoded_dump).

    python -m mmpt.bin.dump_encoded --pretrained_encoder ../../lrs3/pt1/exp/pt_mae_cpu/packed \\
        --layers last --out_root dump/encoded --fbank_conf conf/fbank.yaml --nj 4 \\
        dump/fbank/train_clean_100 dump/fbank/dev_clean dump/fbank/test_clean

writes <out_root>/<pack fingerprint>_<layers>/<set>/{feats.scp, feats_shape, text, excluded.txt, ...} for
each fbank dump <set> and <out_root>/<fingerprint>_<layers>/encoded.yaml (pack, L, D). --layers last: the
encoder output [T', D]; all: the input layer's and every layer's output, concatenated [T', L * D], for the
learnable weighted sum of layers (encoder: layer_sum). Re-running skips what is done.
``--root_file F`` writes that directory's path into F (for the stages that read the dump later).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.bin._jobs_cli import add_job_arguments, cli_main, dump_summary, job_options
from mmpt.denormals import flush_denormals

PROG = "python -m mmpt.bin.dump_encoded"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("feats_dirs", nargs="*", help="fbank dump dirs (feats.scp), e.g. dump/fbank/train")
    p.add_argument("--pretrained_encoder", required=True, help="pack / espnet2 exp dir / .pth / config.yaml")
    p.add_argument("--layers", choices=["last", "all"], default="last")
    p.add_argument("--out_root", required=True, help="e.g. dump/encoded")
    p.add_argument("--fbank_conf", default="", help="the features' fbank options, checked against the pack's")
    p.add_argument("--max_frames", type=int, default=0, help="exclude longer utterances (0: no limit)")
    p.add_argument("--root_file", default="", help="also write the output directory's path into this file")
    add_job_arguments(p)
    return p


def _run(args: argparse.Namespace) -> int:
    from mmpt.asr.train_config import fbank_differences
    from mmpt.data.errors import DataError
    from mmpt.features.encoded_dump import dump_encoded, encoded_meta, encoded_root, write_meta
    from mmpt.pack.read import load_pretrained

    meta = encoded_meta(args.pretrained_encoder, args.layers)
    root = encoded_root(meta, args.out_root)
    pack_fbank = load_pretrained(args.pretrained_encoder).fbank_conf
    if args.fbank_conf and pack_fbank is not None:
        diff = fbank_differences(args.fbank_conf, pack_fbank)
        if diff:
            raise DataError(args.fbank_conf, "the features differ from those the pre-trained encoder was "
                            f"trained on ({pack_fbank}): " + "; ".join(diff))
    write_meta(meta, root)
    if args.root_file:
        Path(args.root_file).parent.mkdir(parents=True, exist_ok=True)
        Path(args.root_file).write_text(f"{root}\n", encoding="utf-8")
    for feats_dir in args.feats_dirs:
        out = root / Path(feats_dir).name
        res = dump_encoded(args.pretrained_encoder, feats_dir, out, layers=args.layers,
                           max_frames=args.max_frames, fingerprint=meta["fingerprint"], **job_options(args))
        print(dump_summary(out, res))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    flush_denormals()
    return cli_main(PROG, get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
