"""What the comparison tables share: relative improvements, ``NAME=VALUE`` row options, writing the table."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from mmpt.data.errors import DataError


def relative_improvement(baseline: float, value: float) -> float:
    """(baseline - value) / baseline x 100 (an error rate that fell); NaN for a zero baseline."""
    return (baseline - value) / baseline * 100.0 if baseline > 0 else math.nan


def named_rows(parser: argparse.ArgumentParser, option: str, specs: Sequence[str], value: str) -> List[Tuple[str, str]]:
    """``(name, value)`` of each ``NAME=VALUE`` given to ``option``; a parser error for any other form."""
    rows = []
    for spec in specs:
        if "=" not in spec:
            parser.error(f"{option} {spec!r}: expected NAME={value}")
        name, v = spec.split("=", 1)
        rows.append((name, v))
    return rows


def emit_table(prog: str, make: Callable[[], str], out: Optional[Path]) -> int:
    """Print the table ``make`` builds (and write it to ``out``); exit status 2 with one line on stderr when
    it cannot be built."""
    try:
        table = make()
    except (DataError, ValueError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    print(table, end="")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table)
    return 0
