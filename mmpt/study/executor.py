"""Running a seed's steps, one after another or several at once (``--jobs``).

The models of the study are small, so one training cannot use many CPU cores (MAE pre-training: x1.65
from a second torch thread, CLR x1.42; ``tools/benchmarks/bench_pretrain.py --threads``); on a box with more
cores than that, independent steps side by side should finish sooner (not measured; on 2 cores the gain
was within ~10 %: README, "The study"). With ``jobs > 1`` every step gets ``OMP_NUM_THREADS = cores // jobs``
(unless the caller set it) and its own log under ``<workspace>/logs/``; the order between steps comes from
:class:`mmpt.study.plan.Step` (``needs``/``makes``, recipe directory, stage), so that a step starts only
when what it reads is finished, and two steps that write the same data (a recipe's data preparation, the
cached outputs of a frozen encoder) never run at the same time.
"""
from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Set, TextIO, Tuple

from mmpt.study.plan import Step

logger = logging.getLogger("mmpt.study")


def _made_by(need: str, made: str) -> bool:
    return need == made or need.startswith(made.rstrip("/") + "/")


def dependencies(steps: Sequence[Step]) -> List[Set[int]]:
    """For each step, the indices of the earlier steps it waits for.

    A step waits for (1) the steps that make what it needs (a need that no step of ``steps`` makes was made
    by an earlier run) and (2) the earlier steps of its recipe directory when both have a lock, except a step
    of the same stage when both are ``any_order``.
    """
    deps: List[Set[int]] = []
    for i, s in enumerate(steps):
        d = {j for j, t in enumerate(steps) if j != i and any(_made_by(n, m) for n in s.needs for m in t.makes)}
        d |= {j for j, t in enumerate(steps[:i]) if t.cwd == s.cwd and t.lock is not None and s.lock is not None
              and not (t.any_order and s.any_order and t.stage == s.stage)}
        deps.append(d)
    return deps


def _log_name(index: int, step: Step) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", step.what).strip("_")[:60]
    return f"{index:02d}_stage{step.stage}_{slug}.log"


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "".join(path.read_text(errors="replace").splitlines(keepends=True)[-n:])
    except OSError:
        return ""


def run_steps(steps: Sequence[Step], ws: Path, env: Mapping[str, str], jobs: int = 1,
              timings: Optional[Path] = None, cores: Optional[int] = None) -> Tuple[int, Optional[Step]]:
    """Run ``steps`` in the workspace ``ws``, at most ``jobs`` at a time; (exit status, the failed step).

    After a failure no new step starts; the running ones finish (their work stays resumable). Every step's
    wall time and exit status is appended to ``timings`` (``stage\\twhat\\tseconds\\trc``).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    deps = dependencies(steps)
    for s in steps:  # what no planned step makes must be on disk already, or the step would fail midway
        for need in s.needs:
            if not any(_made_by(need, m) for t in steps for m in t.makes) and not (ws / need).exists():
                raise ValueError(f"'{s.what}' needs {ws / need}, which is missing and made by no step of this "
                                 f"run: run its stage first")
    env = dict(env)
    if jobs > 1:
        threads = str(max(1, (cores or os.cpu_count() or 1) // jobs))
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, threads)
    log_dir = ws / "logs"
    pending: List[int] = list(range(len(steps)))
    running: Dict[int, Tuple[subprocess.Popen, float, Optional[TextIO]]] = {}
    done: Set[int] = set()
    failed: Optional[int] = None
    rc_failed = 0

    def can_start(i: int) -> bool:
        s = steps[i]
        return deps[i] <= done and not (s.lock is not None and any(steps[j].lock == s.lock for j in running))

    def start(i: int) -> None:
        s = steps[i]
        argv = [sys.executable, *s.argv[1:]] if s.argv[0] == "python" else s.argv
        out: Optional[TextIO] = None
        if jobs > 1:
            log_dir.mkdir(parents=True, exist_ok=True)
            out = (log_dir / _log_name(i + 1, s)).open("w")
        logger.info("step %d/%d, stage %d: %s%s\n    %s", i + 1, len(steps), s.stage, s.what,
                    f" (log: {out.name})" if out else "", s.command())
        # its own process group, so that stopping the runner stops the whole step (run.sh and its python)
        proc = subprocess.Popen(argv, cwd=ws / s.cwd, env=env, stdout=out, stderr=subprocess.STDOUT if out else None,
                                start_new_session=True)
        running[i] = (proc, time.time(), out)

    def finish(i: int, rc: int) -> None:
        nonlocal failed, rc_failed
        proc, t0, out = running.pop(i)
        if out:
            out.close()
        if timings is not None:
            with timings.open("a") as f:
                f.write(f"{steps[i].stage}\t{steps[i].what}\t{time.time() - t0:.1f}\t{rc}\n")
        if rc == 0:
            done.add(i)
            if jobs > 1:
                logger.info("step %d/%d finished in %.0f s: %s", i + 1, len(steps), time.time() - t0, steps[i].what)
        elif failed is None:
            failed, rc_failed = i, rc
            if out:
                sys.stderr.write(f"--- the last lines of {out.name} ---\n{_tail(Path(out.name))}")

    def on_term(signum, frame):  # so that the steps' process groups are stopped too (below)
        raise SystemExit(128 + signum)

    old_term = signal.signal(signal.SIGTERM, on_term)
    try:
        while pending or running:
            if failed is None:
                for i in [i for i in pending if can_start(i)]:
                    if len(running) >= jobs:
                        break
                    if can_start(i):
                        pending.remove(i)
                        start(i)
            if not running:
                if failed is None and pending:
                    raise RuntimeError(f"steps {[p + 1 for p in pending]} can never start")
                break
            for i, (proc, _, _) in list(running.items()):
                rc = proc.poll()
                if rc is not None:
                    finish(i, rc)
            time.sleep(0.2)
    except BaseException:
        for proc, _, _ in running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        raise
    finally:
        signal.signal(signal.SIGTERM, old_term)
    return (0, None) if failed is None else (rc_failed, steps[failed])
