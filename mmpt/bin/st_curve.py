"""The learning curve of an ST experiment: the model after E epochs, for each E, translates the --set(s) and is
scored against always emitting the most frequent training translation (paired bootstrap, sacrebleu).

    python -m mmpt.bin.st_curve --exp_dir exp/st_x --epochs 8 16 24 --feats_dir dump/fbank \\
        --train_set train.en-it --set dev.en-it --set tst-COMMON.en-it

The training must have kept every epoch's snapshot (``--keep_nbest_models`` >= its epochs). The model after
E epochs is the recipe's: the average of the --nbest snapshots with the best validation accuracy among epochs
1..E (``mmpt.st.learning_curve``). Writes <out>/ep<E>.pth, <out>/ep<E>/<set>/text (``mmpt.bin.decode``),
<out>/curve.tsv and <out>/curve.md (default out: <exp_dir>/curve); E "passes" on a set when BLEU and chrF
are both above the baseline's with p < --alpha. Re-running reuses the models and decodings already made.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.data.errors import DataError

PROG = "python -m mmpt.bin.st_curve"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exp_dir", required=True, type=Path, help="espnet2 ST experiment (config.yaml, <N>epoch.pth)")
    p.add_argument("--epochs", required=True, type=int, nargs="+", help="epoch counts E of the curve")
    p.add_argument("--feats_dir", required=True, type=Path, help="holds <set>/feats.scp and <set>/text")
    p.add_argument("--train_set", required=True, help="<feats_dir>/<train_set>/text gives the baseline sentence")
    p.add_argument("--set", dest="sets", action="append", required=True, help="set to translate (repeatable)")
    p.add_argument("--nbest", type=int, default=3, help="snapshots averaged (the config's keep_nbest_models)")
    p.add_argument("--decode_config", default="", help="yaml of mmpt.bin.decode (e.g. conf/decode_st.yaml)")
    p.add_argument("--beam_size", type=int, default=None, help="overrides the decode config's")
    p.add_argument("--maxlenratio", type=float, default=None, help="overrides the decode config's")
    p.add_argument("--n_samples", type=int, default=1000, help="bootstrap resamples")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--out", type=Path, default=None, help="default <exp_dir>/curve")
    return p


def _snapshot_stamp(exp_dir: Path, epochs: List[int]) -> List[str]:
    """epoch:size:mtime of each snapshot ([] when one is missing): an averaged model is reused only while its
    snapshots are the same files (a training run again writes new ones)."""
    files = [exp_dir / f"{e}epoch.pth" for e in epochs]
    if not all(f.is_file() for f in files):
        return []
    return [f"{e}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for e, f in zip(epochs, files)]


def run(args: argparse.Namespace) -> List[str]:
    """Every row of the curve (tsv lines, header first)."""
    import torch

    from mmpt.bin import decode
    from mmpt.data.datadir import read_kv
    from mmpt.data.files import write_if_changed
    from mmpt.st.learning_curve import (
        average_snapshots,
        best_epochs,
        compare_to_baseline,
        most_frequent,
        reporter_values,
    )

    out = args.out or args.exp_dir / "curve"
    out.mkdir(parents=True, exist_ok=True)
    values = reporter_values(args.exp_dir)
    baseline = most_frequent(read_kv(args.feats_dir / args.train_set / "text"))
    rows = ["epochs\tset\tsnapshots\tbleu\tchrf\tbaseline_bleu\tbaseline_chrf\tp_bleu\tp_chrf\tpasses"]
    md = [f"# Learning curve of {args.exp_dir}", "",
          f"Model after E epochs: the average of the {args.nbest} snapshots with the best validation accuracy "
          f"among epochs 1..E. Baseline: every sentence translated as the most frequent training translation "
          f"({baseline!r}). p: sacrebleu's paired bootstrap ({args.n_samples} resamples); passes: BLEU and "
          f"chrF both above the baseline with p < {args.alpha}.", "",
          "| E | set | snapshots | BLEU | chrF | baseline BLEU | baseline chrF | p (BLEU) | p (chrF) | passes |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    signature = ""
    for e in args.epochs:
        snaps = best_epochs(values, e, args.nbest)
        model = out / f"ep{e}.pth"
        tag = out / f"ep{e}.snapshots"
        stamp = _snapshot_stamp(args.exp_dir, snaps)
        if not (stamp and model.is_file() and tag.is_file() and tag.read_text().split() == stamp):
            tmp = model.with_suffix(".pth.tmp")
            torch.save(average_snapshots(args.exp_dir, snaps), tmp)
            tmp.replace(model)
            tag.write_text(" ".join(stamp) + "\n")
        argv = ["--task", "st", "--train_config", str(args.exp_dir / "config.yaml"), "--model_file", str(model)]
        if args.decode_config:
            argv += ["--decode_config", args.decode_config]
        for opt in ("beam_size", "maxlenratio"):
            if getattr(args, opt) is not None:
                argv += [f"--{opt}", str(getattr(args, opt))]
        for s in args.sets:
            argv += ["--set", f"{args.feats_dir / s / 'feats.scp'}={out / f'ep{e}' / s}"]
        if decode.main(argv) != 0:
            raise DataError(args.exp_dir, f"decoding with {model} failed (see above)")
        for s in args.sets:
            refs = read_kv(args.feats_dir / s / "text")
            hyps = read_kv(out / f"ep{e}" / s / "text")
            c = compare_to_baseline(refs, hyps, baseline, args.n_samples)
            signature = c.signature
            ok = "yes" if c.passes(args.alpha) else "no"
            snap_s = ",".join(map(str, snaps))
            rows.append(f"{e}\t{s}\t{snap_s}\t{c.bleu:.2f}\t{c.chrf:.2f}\t{c.base_bleu:.2f}\t{c.base_chrf:.2f}\t"
                        f"{c.p_bleu:.4f}\t{c.p_chrf:.4f}\t{ok}")
            md.append(f"| {e} | {s} | {snap_s} | {c.bleu:.2f} | {c.chrf:.2f} | {c.base_bleu:.2f} | "
                      f"{c.base_chrf:.2f} | {c.p_bleu:.4f} | {c.p_chrf:.4f} | {ok} |")
            print(f"E={e} {s}: BLEU {c.bleu:.2f} chrF {c.chrf:.2f} (baseline {c.base_bleu:.2f} / {c.base_chrf:.2f};"
                  f" p {c.p_bleu:.4f} / {c.p_chrf:.4f}) passes: {ok}", flush=True)
    md += ["", f"sacrebleu: {signature}", ""]
    write_if_changed(out / "curve.tsv", "\n".join(rows) + "\n")
    write_if_changed(out / "curve.md", "\n".join(md))
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    try:
        run(args)
    except (DataError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out or args.exp_dir / 'curve'}/curve.md: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
