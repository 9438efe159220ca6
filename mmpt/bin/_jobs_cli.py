"""Command-line pieces shared by the entry points: jobs, backend and Slurm resources of the dumps, the
summary line of a dump, and the ``main()`` of a plain or a sub-command entry point."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from mmpt.data.errors import DataError
from mmpt.features.jobs import BACKENDS, JobFailedError, SlurmOptions


def positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return n


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("jobs")
    g.add_argument("--nj", type=positive_int, default=1, help="number of parallel jobs (default: %(default)s)")
    g.add_argument("--backend", choices=BACKENDS, default="local",
                   help="local processes or Slurm through submitit (default: %(default)s)")
    g.add_argument("--slurm_partition", default=None)
    g.add_argument("--slurm_time", type=int, default=60, help="minutes per job (default: %(default)s)")
    g.add_argument("--slurm_mem", type=float, default=4.0, help="GB per job (default: %(default)s)")
    g.add_argument("--slurm_account", default=None)
    g.add_argument("--slurm_qos", default=None)
    g.add_argument("--slurm_extra", default="{}",
                   help='other sbatch options as JSON, e.g. \'{"constraint": "avx2"}\'')
    g.add_argument("--no_progress", action="store_true", help="no progress bar")


def slurm_options(args: argparse.Namespace) -> SlurmOptions:
    try:
        extra = json.loads(args.slurm_extra)
    except ValueError as exc:
        raise DataError("--slurm_extra", f"not valid JSON: {exc}") from None
    if not isinstance(extra, dict):
        raise DataError("--slurm_extra", "expected a JSON object")
    return SlurmOptions(
        partition=args.slurm_partition,
        time_min=args.slurm_time,
        mem_gb=args.slurm_mem,
        account=args.slurm_account,
        qos=args.slurm_qos,
        extra=extra,
    )


def job_options(args: argparse.Namespace) -> Dict[str, Any]:
    """The ``nj``, ``backend``, ``slurm`` and ``progress`` arguments of a dump, from :func:`add_job_arguments`'
    options."""
    return {"nj": args.nj, "backend": args.backend, "slurm": slurm_options(args), "progress": not args.no_progress}


def dump_summary(out_dir: Union[str, Path], result: Any, unit: str = "utterances") -> str:
    """One line on a finished dump: ``<out>: done: 3 of 4 utterances, 1 excluded (see <out>/excluded.txt)``."""
    state = "up to date" if result.up_to_date else "done"
    return (f"{out_dir}: {state}: {result.num_done} of {result.num_utts} {unit}, {result.num_excluded} excluded"
            + (f" (see {Path(out_dir) / 'excluded.txt'})" if result.num_excluded else ""))


def run_cli(prog: str, fn: Callable[[], int]) -> int:
    """Run ``fn``; bad input or a failed job -> one line on stderr and exit status 2 (no traceback)."""
    try:
        return fn()
    except (DataError, JobFailedError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; re-run the same command to resume", file=sys.stderr)
        return 130


def cli_main(prog: str, get_parser: Callable[[], argparse.ArgumentParser], run: Callable[[argparse.Namespace], int],
             argv: Optional[List[str]] = None) -> int:
    """The ``main()`` of an entry point: log at INFO, parse ``argv``, then ``run(args)`` under :func:`run_cli`."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    return run_cli(prog, lambda: run(args))


def run_subcommand(prog: str, get_parser: Callable[[], argparse.ArgumentParser], argv: Optional[List[str]] = None,
                   *, status: int = 1) -> int:
    """The ``main()`` of an entry point with sub-commands (each sets ``func`` and ``command``): log at INFO,
    parse ``argv``, ``args.func(args)``; bad input -> one line on stderr and exit status ``status``."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return status


def parse_size(value: str) -> Optional[object]:
    """``224`` (shorter side) or ``224x224`` / ``224,224`` (H x W)."""
    parts = value.replace("x", ",").split(",")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {value!r}") from None
    if len(nums) == 1:
        return nums[0]
    if len(nums) == 2:
        return tuple(nums)
    raise argparse.ArgumentTypeError(f"expected N or HxW, got {value!r}")


__all__: List[str] = ["add_job_arguments", "cli_main", "dump_summary", "job_options", "slurm_options", "run_cli",
                      "positive_int", "parse_size", "run_subcommand"]
