#!/usr/bin/env python
"""Generation throughput of the embedded corpus, per corpus, on one core.

    tools/venv/bin/python tools/benchmarks/bench_synth.py                       # tiny + 12 items of mini
    tools/venv/bin/python tools/benchmarks/bench_synth.py --sample-preset small --sample 6 --only lrs3

For every corpus of :mod:`mmpt.synth.registry` (or ``--only``):

* ``--preset`` (default ``tiny``): the whole corpus is planned, rendered item by item in this process and
  finalized, as ``mmpt-synth --nj 1`` does;
* ``--sample-preset`` (default ``mini``; ``none`` to skip): ``--sample`` items spread evenly over that
  preset's plan are rendered (no finalize), to see the rate at the sizes the recipes use.

Each row gives the items, the seconds of (audio-visual) data they hold, the wall and CPU time (this
process plus its children, e.g. espeak-ng), and the throughput as seconds of data per second of wall time
and per CPU second. Torch runs single-threaded and, unless ``--no-pin``, the process is pinned to one CPU
(the encoders' threads share it), so the wall-time rate is per core; on a loaded machine the CPU-time rate
is the steadier figure. A corpus whose writer cannot run (not installed, espeak-ng missing) gets a row
saying why.
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from mmpt.synth.presets import PRESET_NAMES, get_preset  # noqa: E402
from mmpt.synth.registry import corpus_names, get_writer  # noqa: E402
from mmpt.synth.writer import Item  # noqa: E402


@dataclass
class Row:
    corpus: str
    what: str
    items: int = 0
    seconds: float = 0.0
    wall: float = 0.0
    cpu: float = 0.0
    mbytes: float = 0.0
    error: Optional[str] = None


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _size_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6


def _render(writer, items: Sequence[Item], root: Path, finalize: bool, all_items: Sequence[Item]) -> Row:
    root.mkdir(parents=True, exist_ok=True)
    c0, t0 = _cpu(), time.perf_counter()
    seconds = 0.0
    for it in items:
        seconds += float(writer.render(it, root))
    if finalize:
        writer.finalize(all_items, root)
    return Row(writer.name, "", len(items), seconds, time.perf_counter() - t0, _cpu() - c0, _size_mb(root))


def bench_corpus(name: str, preset: str, sample_preset: Optional[str], sample: int, seed: int,
                 out: Path) -> List[Row]:
    rows: List[Row] = []
    try:
        writer = get_writer(name)
    except Exception as e:  # a writer that is not there yet, or a missing dependency
        return [Row(name, preset, error=f"{type(e).__name__}: {e}")]
    for what, p, n in ((preset, preset, None), (f"{sample_preset} x{sample}", sample_preset, sample)):
        if p is None:
            continue
        try:
            items = writer.plan(get_preset(p), seed)
            if n is None:
                row = _render(writer, items, out / p / name, True, items)
            else:
                pick = sorted({int(round(i)) for i in np.linspace(0, len(items) - 1, min(n, len(items)))})
                row = _render(writer, [items[i] for i in pick], out / f"{p}-sample" / name, False, items)
        except Exception as e:
            logging.exception("%s (%s) failed", name, what)
            rows.append(Row(name, what, error=f"{type(e).__name__}: {e}"))
            continue
        row.what = what
        rows.append(row)
    return rows


def format_table(rows: Sequence[Row]) -> str:
    head = f"{'corpus':<24} {'preset':<12} {'items':>6} {'data s':>9} {'wall s':>8} {'cpu s':>8} " \
           f"{'data/wall':>10} {'data/cpu':>9} {'MB':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        if r.error:
            lines.append(f"{r.corpus:<24} {r.what:<12} not run: {r.error[:90]}")
            continue
        rate_w = r.seconds / r.wall if r.wall > 0 else float("nan")
        rate_c = r.seconds / r.cpu if r.cpu > 0 else float("nan")
        lines.append(f"{r.corpus:<24} {r.what:<12} {r.items:>6} {r.seconds:>9.1f} {r.wall:>8.2f} {r.cpu:>8.2f} "
                     f"{rate_w:>10.1f} {rate_c:>9.1f} {r.mbytes:>8.2f}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="tiny", choices=PRESET_NAMES, help="preset generated in full")
    p.add_argument("--sample-preset", default="mini", choices=PRESET_NAMES + ("none",),
                   help="preset sampled for the larger figures ('none' to skip)")
    p.add_argument("--sample", type=int, default=12, help="items rendered from --sample-preset")
    p.add_argument("--only", nargs="+", choices=corpus_names(), metavar="CORPUS")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=None, help="keep the output here (default: a temporary dir)")
    p.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    import torch

    torch.set_num_threads(1)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
    sample_preset = None if args.sample_preset == "none" else args.sample_preset
    rows: List[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_synth.") as tmp:
        out = args.out or Path(tmp)
        for name in args.only or corpus_names():
            new = bench_corpus(name, args.preset, sample_preset, args.sample, args.seed, out)
            rows.extend(new)
            for r in new:
                print(format_table([r]).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"Embedded corpus generation throughput, one process{' pinned to one CPU' if not args.no_pin else ''} "
          f"(seconds of audio(-visual) data per second)")
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
