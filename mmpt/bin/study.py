"""The study's per-seed driver (run_all.sh calls it): print the plan, or run it in the seed's workspace.

    python -m mmpt.bin.study plan --seed 1 [grid options]            # every step, with its command
    python -m mmpt.bin.study run --seed 1 --stage 2 --stop_stage 5   # run the steps of those stages
    python -m mmpt.bin.study export --seed 1 --to egs2/librispeech/asr1/results/study/seed1   # its bundle
    python -m mmpt.bin.study export --seed 1 --to ... --parts superb   # only its SUPERB scores (and logs)

The workspace of seed N is ``<exp_root>/seed<N>`` (default ``exp/run_all``); every step's time goes to
``<workspace>/timings.tsv``, and every ``run`` appends the commit it ran from to ``<workspace>/runs.tsv``.
``export`` copies the seed's results bundle (:mod:`mmpt.study.bundle`: what the report reads) elsewhere, e.g.
into the repository so that seeds run on several machines are reported together. Grid options are those
of run_all.sh (see ``--help``).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import List, Optional

from mmpt.study.executor import run_steps
from mmpt.study.grid import StudyGrid
from mmpt.study.plan import Schedule, describe, recipes_used, select, steps
from mmpt.study.workspace import make_workspace, recipe_env

logger = logging.getLogger("mmpt.study")
MAIN_ROOT = Path(__file__).resolve().parents[2]


def add_grid_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pt_corpora", default="lrs3")
    p.add_argument("--pt_methods", default="mae clr")
    p.add_argument("--mid_langs", default="it")
    p.add_argument("--mid_tasks", default="st")
    p.add_argument("--controls", default="positive domain")
    p.add_argument("--label_sets", default="10min 1h")
    p.add_argument("--conf_scale", default="cpu")
    p.add_argument("--extra_st_ctc", default="true", choices=("true", "false"))


def grid_from(args: argparse.Namespace) -> StudyGrid:
    return StudyGrid(pt_corpora=args.pt_corpora.split(), pt_methods=args.pt_methods.split(),
                     mid_langs=args.mid_langs.split(), mid_tasks=args.mid_tasks.split(),
                     controls=args.controls.split(), label_sets=args.label_sets.split(),
                     conf_scale=args.conf_scale, extra_st_ctc=args.extra_st_ctc == "true")


def parse_head_epochs(text: str) -> dict:
    out = {}
    for item in text.split():
        name, _, n = item.partition("=")
        if not n.isdigit():
            raise ValueError(f"--head_epochs: expected SET=EPOCHS, got {item!r}")
        out[name] = int(n)
    return out


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mmpt.bin.study", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=("plan", "run", "export"))
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--exp_root", type=Path, default=MAIN_ROOT / "exp" / "run_all")
    p.add_argument("--to", type=Path, default=None, help="export: the bundle directory of the seed")
    p.add_argument("--parts", default="asr st superb curves",
                   help="export: the kinds of result copied (the logs runs.tsv and timings.tsv are always merged)")
    p.add_argument("--stage", type=int, default=0)
    p.add_argument("--stop_stage", type=int, default=100)
    add_grid_options(p)
    p.add_argument("--pt_epochs", type=int, default=8)
    p.add_argument("--st_epochs", type=int, default=8)
    p.add_argument("--head_epochs", default="10min=60 1h=20", help="epochs of the heads per labelled subset")
    p.add_argument("--asr_nbpe", type=int, default=100)
    p.add_argument("--st_nbpe", type=int, default=300)
    p.add_argument("--nj", type=int, default=2)
    p.add_argument("--jobs", type=int, default=1, help="steps run at the same time (each with cores/jobs threads)")
    p.add_argument("--ngpu", type=int, default=0)
    p.add_argument("--pt_args", default="")
    p.add_argument("--st_args", default="")
    p.add_argument("--asr_args", default="")
    p.add_argument("--superb_tasks", default="ks ic pr sd")
    p.add_argument("--superb_args", default="")
    return p


def record_run(ws: Path, stage: int, stop_stage: int) -> None:
    """Append when, from which commit and which stages this run ran to ``<ws>/runs.tsv`` (the bundle's
    provenance: a seed may be run in parts, from several commits)."""
    from mmpt.report.environment import git_info

    git = git_info(MAIN_ROOT)
    commit = (git["hash"] or "unknown") + (" (with uncommitted changes)" if git["dirty"] == "yes" else "")
    with (ws / "runs.tsv").open("a") as f:
        f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}\t{commit}\tstages {stage}-{stop_stage}\n")


def export(ws: Path, dest: Optional[Path], parts: List[str]) -> int:
    from mmpt.data.errors import DataError
    from mmpt.study.bundle import export_bundle

    if dest is None:
        print("study: error: export needs --to DIR", file=sys.stderr)
        return 2
    try:
        files = export_bundle(ws, dest, parts)
    except (DataError, ValueError) as e:
        print(f"study: error: {e}", file=sys.stderr)
        return 1
    print(f"{dest}: {len(files)} files of {ws}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s (study) %(message)s", datefmt="%Y-%m-%dT%H:%M:%S")
    args = get_parser().parse_args(argv)
    ws = (args.exp_root / f"seed{args.seed}").resolve()
    if args.command == "export":  # the bundle holds whatever the seed scored, whatever its grid
        return export(ws, args.to, args.parts.split())
    try:
        grid = grid_from(args)
        sched = Schedule(seed=args.seed, pt_epochs=args.pt_epochs, st_epochs=args.st_epochs,
                         head_epochs=parse_head_epochs(args.head_epochs), asr_nbpe=args.asr_nbpe,
                         st_nbpe=args.st_nbpe, nj=args.nj, ngpu=args.ngpu, pt_args=args.pt_args,
                         st_args=args.st_args, asr_args=args.asr_args, superb_tasks=args.superb_tasks.split(),
                         superb_args=args.superb_args)
        for label_set in grid.label_sets:
            sched.epochs_of(label_set)
    except ValueError as e:
        print(f"study: error: {e}", file=sys.stderr)
        return 2
    todo = select(steps(grid, sched, ws), args.stage, args.stop_stage)
    if args.command == "plan":
        print(describe(todo, args.seed), end="")
        return 0
    make_workspace(MAIN_ROOT, ws, recipes_used(todo))
    env = recipe_env(MAIN_ROOT)
    record_run(ws, args.stage, args.stop_stage)
    try:
        rc, failed = run_steps(todo, ws, env, jobs=args.jobs, timings=ws / "timings.tsv")
    except ValueError as e:
        print(f"study: error: seed {args.seed}: {e}", file=sys.stderr)
        return 2
    if failed is not None:
        print(f"study: error: seed {args.seed}, stage {failed.stage}: '{failed.what}' failed (exit {rc}) in "
              f"{ws / failed.cwd}:\n    {failed.command()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
