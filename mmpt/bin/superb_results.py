"""Score SUPERB evaluations and write RESULTS.md (stage 4 of egs2/TEMPLATE/superb1/superb.sh).

    python -m mmpt.bin.superb_results score --task ks --eval_dir exp/<tag>/ks/evaluate_test \\
        --checkpoint exp/<tag>/ks/dev-best.ckpt --upstream <upstream .pth>
    python -m mmpt.bin.superb_results score --task sd --eval_dir exp/<tag>/sd/evaluate_test \\
        --data_dir data/sd/test [--collar 0.25]
    python -m mmpt.bin.superb_results table --expdir exp [--out exp/RESULTS.md]

See :mod:`mmpt.superb.scoring` for what each task's score is and how it is computed.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.data.errors import DataError
from mmpt.superb.scoring import TASKS, score_task, write_results

logger = logging.getLogger(__name__)


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.bin.superb_results", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score one evaluation directory -> result.json, result.txt")
    s.add_argument("--task", required=True, choices=TASKS)
    s.add_argument("--eval_dir", required=True, type=Path, help="s3prl's expdir of the test evaluation")
    s.add_argument("--checkpoint", type=Path, help="the s3prl checkpoint evaluated (for its step)")
    s.add_argument("--upstream", help="the upstream checkpoint (shown in RESULTS.md)")
    s.add_argument("--data_dir", type=Path, help="SD: the test data directory (rttm, reco2dur)")
    s.add_argument("--collar", type=float, default=0.0,
                   help="SD: seconds not scored on each side of reference boundaries (md-eval -c; default 0)")
    t = sub.add_parser("table", help="RESULTS.md from every <expdir>/<tag>/<task>/evaluate_test/result.json")
    t.add_argument("--expdir", required=True, type=Path)
    t.add_argument("--out", type=Path, help="default: <expdir>/RESULTS.md")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s (%(module)s:%(lineno)d) %(levelname)s: %(message)s")
    try:
        if args.command == "score":
            score_task(args.task, args.eval_dir, args.checkpoint, args.upstream, args.data_dir, args.collar)
        else:
            out = write_results(args.expdir, args.out)
            print(out.read_text(encoding="utf-8"))
    except DataError as exc:
        logger.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
