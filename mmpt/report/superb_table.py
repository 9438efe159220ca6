"""SUPERB comparison: one row per upstream, one column per task, and the relative improvement over a baseline
(the paper's Figure 2 reports these relative improvements).

    python -m mmpt.report.superb_table --expdir egs2/superb/superb1/exp --baseline "no pre-training" \
        --upstream "no pre-training=lrs3_random_init_cpu" --upstream "MAE (LRS3)=lrs3_pt_mae_cpu" \
        --tasks ks ic pr sd --out exp/run_all/SUPERB.md

The scores are read from ``<expdir>/<tag>/<task>/evaluate_test/result.json`` (stage 4 of superb.sh).
Relative improvement, in %: (value - baseline) / baseline for accuracies (KS, IC), and
(baseline - value) / baseline for error rates (PR PER, SD DER), so that higher is better for every task.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.data.errors import DataError
from mmpt.report.table import emit_table, named_rows, relative_improvement
from mmpt.superb.scoring import METRICS, TASKS, TaskScore, load_scores

HIGHER_IS_BETTER = {"accuracy"}


def task_improvement(task: str, baseline: float, value: float) -> float:
    """Relative improvement (%) of ``value`` over ``baseline`` for ``task``; higher is better."""
    if METRICS[task] in HIGHER_IS_BETTER:
        return (value - baseline) / baseline * 100.0 if baseline > 0 else math.nan
    return relative_improvement(baseline, value)


def collect(expdir: Path, upstreams: Sequence[Tuple[str, str]], tasks: Sequence[str]) -> Dict[str, Dict[str, float]]:
    """name -> task -> score (a fraction) for the upstream tags of ``upstreams`` ((name, tag) pairs)."""
    scores = load_scores(expdir)
    out: Dict[str, Dict[str, float]] = {}
    for name, tag in upstreams:
        by_task: Dict[str, TaskScore] = {s.task: s for s in scores.get(tag, [])}
        missing = [t for t in tasks if t not in by_task]
        if missing:
            raise DataError(expdir / tag, f"no score for {', '.join(missing)} (run superb.sh up to stage 4 "
                            f"with --upstream_tag {tag})")
        out[name] = {t: by_task[t].value for t in tasks}
    return out


def format_table(results: Dict[str, Dict[str, float]], tasks: Sequence[str], baseline: Optional[str]) -> str:
    """A Markdown table: each task's score in %, then the relative improvement over ``baseline``."""
    if baseline is not None and baseline not in results:
        raise ValueError(f"baseline {baseline!r} is not one of the upstreams")
    head = ["upstream"] + [f"{t.upper()} {METRICS[t]}" for t in tasks]
    if baseline is not None:
        head += [f"rel. impr. {t.upper()}" for t in tasks]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in results.items():
        cells = [name] + [f"{100 * row[t]:.2f}" for t in tasks]
        if baseline is not None:
            base = results[baseline]
            cells += ["-" if name == baseline else f"{task_improvement(t, base[t], row[t]):+.2f}%" for t in tasks]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mmpt.report.superb_table", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--expdir", required=True, type=Path, help="the SUPERB recipe's experiment directory")
    p.add_argument("--upstream", action="append", required=True, metavar="NAME=TAG",
                   help="a row: its name and the upstream tag (directory under --expdir)")
    p.add_argument("--baseline", help="NAME of the baseline row")
    p.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    p.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = p.parse_args(argv)
    upstreams = named_rows(p, "--upstream", args.upstream, "TAG")
    return emit_table("superb_table", lambda: format_table(collect(args.expdir, upstreams, args.tasks), args.tasks,
                                                           args.baseline), args.out)


if __name__ == "__main__":
    sys.exit(main())
