"""Table 1: WER of each ASR experiment on each test set, and its relative improvement over a baseline.

    python -m mmpt.report.asr_table --baseline scratch \
        --exp scratch=egs2/librispeech/asr1/exp/asr_scratch \
        --exp "MAE (LRS3)=egs2/librispeech/asr1/exp/asr_lrs3_mae" \
        --sets test_clean test_other --decode decode_asr_greedy --out RESULTS.md

The numbers are read from ``<exp>/<decode>*/<set>/score_wer/result.json`` (written by the recipe's
scoring stage). Relative improvement = (WER_baseline - WER) / WER_baseline x 100, as in the paper.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.data.errors import DataError
from mmpt.report.table import emit_table, named_rows, relative_improvement


@dataclass
class ExpResult:
    name: str
    exp_dir: Path
    wer: Dict[str, float]  # test set -> WER (%)


def read_wer(exp_dir: Path, test_set: str, decode: str) -> float:
    """WER (%) of ``test_set`` decoded by the first ``<decode>*`` directory of ``exp_dir``."""
    hits = sorted(exp_dir.glob(f"{decode}*/{test_set}/score_wer/result.json"))
    if not hits:
        raise DataError(exp_dir, f"no {decode}*/{test_set}/score_wer/result.json: was the scoring stage run?")
    return float(json.loads(hits[0].read_text())["err"])


def collect(exps: Sequence[Tuple[str, Path]], sets: Sequence[str], decode: str) -> List[ExpResult]:
    return [ExpResult(name, Path(d), {s: read_wer(Path(d), s, decode) for s in sets}) for name, d in exps]


def format_table(results: Sequence[ExpResult], sets: Sequence[str], baseline: Optional[str]) -> str:
    """A Markdown table: WER per set, and relative improvement over ``baseline`` per set."""
    base = next((r for r in results if r.name == baseline), None)
    if baseline is not None and base is None:
        raise ValueError(f"baseline {baseline!r} is not one of the experiments")
    head = ["model"] + [f"WER {s}" for s in sets]
    if base is not None:
        head += [f"rel. impr. {s}" for s in sets]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.name] + [f"{r.wer[s]:.2f}" for s in sets]
        if base is not None:
            cells += ["-" if r is base else f"{relative_improvement(base.wer[s], r.wer[s]):+.2f}%" for s in sets]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exp", action="append", required=True, metavar="NAME=DIR", help="an experiment")
    p.add_argument("--baseline", help="NAME of the baseline row")
    p.add_argument("--sets", nargs="+", default=["test_clean", "test_other"])
    p.add_argument("--decode", default="decode_asr_greedy", help="decode directory prefix")
    p.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = p.parse_args(argv)
    exps = [(name, Path(d)) for name, d in named_rows(p, "--exp", args.exp, "DIR")]
    return emit_table("asr_table", lambda: format_table(collect(exps, args.sets, args.decode), args.sets,
                                                        args.baseline), args.out)


if __name__ == "__main__":
    sys.exit(main())
