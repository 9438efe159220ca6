"""Pack the encoder of an espnet2 experiment for the next training stage (see mmpt.pack.layout).

    python -m mmpt.bin.pack_encoder --config exp/st_x/config.yaml [--model exp/st_x/valid.acc.ave.pth] \\
        --fbank_conf conf/fbank.yaml --out exp/st_x/packed

writes <out>/{model.pth, config.yaml, feats_stats.npz, fbank.yaml, packed_from.yaml}. --model defaults to
the preferred model file beside the config (valid.acc.ave.pth, valid.acc.best.pth, valid.loss.ave.pth, ...).

    python -m mmpt.bin.pack_encoder --config exp/pt_mae_cpu/config.yaml --random_init 0 --out exp/random_init/packed

packs the same encoder architecture, normalisation statistics and fbank options with random weights
(seed 0) instead of a trained model: the "no pre-training" baseline, e.g. for SUPERB.

    ... --recompute_bn_stats dump/fbank/train/feats.scp [--bn_utts 200]

re-estimates the encoder's batch-norm running statistics on up to --bn_utts unmasked utterances of those
features (mmpt.asr.bn_stats: exact statistics of the layers' inputs in eval mode, one utterance at a time)
and records the features and the shifts in packed_from.yaml.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from mmpt.data.errors import DataError
from mmpt.denormals import flush_denormals

PROG = "python -m mmpt.bin.pack_encoder"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="training config.yaml of the experiment")
    p.add_argument("--model", default="", help="model state dict (.pth); default: chosen beside --config")
    p.add_argument("--fbank_conf", default="",
                   help="fbank options of the features (default: fbank.yaml beside --config)")
    p.add_argument("--out", required=True, help="pack directory")
    p.add_argument("--encoder_only", action="store_true", help="keep only encoder.* and normalize.* tensors")
    p.add_argument("--random_init", type=int, default=None, metavar="SEED",
                   help="pack a randomly initialised encoder of --config (this seed) instead of --model")
    p.add_argument("--recompute_bn_stats", default="", metavar="FEATS_SCP",
                   help="re-estimate the encoder's batch-norm statistics on these (unlabelled) features")
    p.add_argument("--bn_utts", type=int, default=200,
                   help="utterances of --recompute_bn_stats used, spread over the list (default: 200)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    flush_denormals()
    from mmpt.pack.write import pack_encoder

    try:
        rec = pack_encoder(args.config, args.out, model=args.model or None, fbank_conf=args.fbank_conf or None,
                           encoder_only=args.encoder_only, random_init=args.random_init,
                           bn_feats=args.recompute_bn_stats or None, bn_utts=args.bn_utts)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    state = "up to date" if rec["up_to_date"] else "written"
    bn = rec.get("bn_stats_summary")
    if bn and bn.get("layers"):
        shift = max(layer["mean_abs_shift"] for layer in bn["layers"])
        var = max(layer["var_rel_change"] for layer in bn["layers"])
        out = bn.get("output_rel_change")
        print(f"{args.out}: batch-norm statistics of {len(bn['layers'])} layer(s) re-estimated on {bn['utts']} "
              f"utterances ({bn['frames']} frames): max |mean shift| {shift:.4f}, max |var change| "
              f"{100 * var:.1f} %" + (f", encoder output change {100 * out:.1f} %" if out is not None else ""))
    print(f"{args.out}: {state} (model {rec['model']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
