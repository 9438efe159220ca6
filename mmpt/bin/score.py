"""Score the decodings of an experiment (WER or BLEU) and write its RESULTS.md.

    python -m mmpt.bin.score --metric wer --exp_dir exp/asr_x --ref_dir dump/fbank --sets "test_clean test_other"
    python -m mmpt.bin.score --metric bleu --exp_dir exp/st_x --ref_dir dump/fbank --sets "dev.en-de tst-COMMON.en-de"

Scores <exp_dir>/decode_*/<set>/text against <ref_dir>/<set>/<ref_name>; writes
<exp_dir>/decode_*/<set>/score_<metric>/result.txt (totals + per-utterance alignment or sentence BLEU)
and <exp_dir>/RESULTS.md.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from mmpt.data.errors import DataError

PROG = "python -m mmpt.bin.score"


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--metric", choices=["wer", "bleu"], required=True)
    p.add_argument("--exp_dir", required=True)
    p.add_argument("--ref_dir", required=True, help="directory holding <set>/<ref_name>")
    p.add_argument("--sets", required=True, help="set names, space separated")
    p.add_argument("--ref_name", default="text")
    p.add_argument("--results", default="", help="RESULTS.md path (default <exp_dir>/RESULTS.md)")
    args = p.parse_args(argv)
    from mmpt.scoring.results import score_experiment, write_results

    try:
        rows = score_experiment(args.exp_dir, args.ref_dir, args.sets.split(), args.metric, args.ref_name)
        path = write_results(args.exp_dir, rows, args.metric, args.results or None)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    for r in rows:
        if args.metric == "wer":
            print(f"{r.decode}/{r.dataset}: WER {r.numbers['err']:.2f} ({r.numbers['wrd']} words) -> {r.result_file}")
        else:
            print(f"{r.decode}/{r.dataset}: BLEU {r.numbers['bleu']:.2f} chrF {r.numbers['chrf']:.2f} "
                  f"-> {r.result_file}")
    print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
