"""Run N independent jobs (one per part of a split data dir) locally or on Slurm, resumably.

Each job is a picklable top-level function called with keyword arguments. The runner

* skips a job whose marker ``<outdir>/log/<name>.<i>.done`` holds the same fingerprint (a hash of the job's
  inputs and config) and whose declared outputs exist; a job without a valid marker is (re)done;
* logs each job to ``<outdir>/log/<name>.<i>.log``;
* runs local jobs in one process each (``torch.set_num_threads(1)``), or submits them to Slurm through
  ``submitit`` (``backend="slurm"``);
* shows progress with tqdm (work items reported by the jobs through :func:`tick`).

A job that raises fails the run with :class:`JobFailedError` naming the job and its log, after the other
jobs have finished (their markers are kept, so a re-run redoes only the failed ones).
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from tqdm import tqdm

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
BACKENDS = ("local", "slurm")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JobFailedError(RuntimeError):
    """One or more jobs failed; the message names each job and its log file."""


@dataclass
class SlurmOptions:
    """Slurm resources per job (submitit parameters)."""

    partition: Optional[str] = None
    time_min: int = 60
    mem_gb: float = 4.0
    cpus_per_task: int = 1
    account: Optional[str] = None
    qos: Optional[str] = None
    constraint: Optional[str] = None
    array_parallelism: int = 256
    extra: Dict[str, Any] = field(default_factory=dict)  # any other sbatch option, e.g. {"exclude": "n1"}

    def executor_parameters(self, name: str) -> Dict[str, Any]:
        """Keyword arguments of ``submitit.AutoExecutor.update_parameters``."""
        params: Dict[str, Any] = {
            "name": name,
            "timeout_min": int(self.time_min),
            "mem_gb": float(self.mem_gb),
            "cpus_per_task": int(self.cpus_per_task),
            "nodes": 1,
            "tasks_per_node": 1,
            "slurm_array_parallelism": int(self.array_parallelism),
        }
        for key in ("partition", "account", "qos", "constraint"):
            value = getattr(self, key)
            if value:
                params[f"slurm_{key}"] = value
        for key, value in self.extra.items():
            params[key if key.startswith("slurm_") else f"slurm_{key}"] = value
        return params


@dataclass
class Job:
    """One unit of work: ``fn(**kwargs)`` returns a JSON-serialisable summary."""

    index: int  # 1-based
    fn: Callable[..., Any]
    kwargs: Dict[str, Any]
    fingerprint: str
    outputs: List[Path] = field(default_factory=list)  # must exist for a marker to count
    size: int = 0  # work items, for the progress bar


def fingerprint(*parts: Any) -> str:
    """sha256 of the JSON form of ``parts`` (paths and other objects through ``str``)."""
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def log_path(outdir: PathLike, name: str, index: int) -> Path:
    return Path(outdir) / "log" / f"{name}.{index}.log"


def done_path(outdir: PathLike, name: str, index: int) -> Path:
    return Path(outdir) / "log" / f"{name}.{index}.done"


def read_marker(path: PathLike) -> Optional[Dict[str, Any]]:
    """The content of a ``.done`` marker, or None when absent or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            marker = json.load(f)
        return marker if isinstance(marker, dict) else None
    except (OSError, ValueError):
        return None


def write_marker(path: PathLike, fp: str, result: Any) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"fingerprint": fp, "result": result, "finished": time.time()}, f)
    os.replace(tmp, path)


def is_done(job: Job, outdir: PathLike, name: str) -> bool:
    marker = read_marker(done_path(outdir, name, job.index))
    return (
        marker is not None
        and marker.get("fingerprint") == job.fingerprint
        and all(Path(p).exists() for p in job.outputs)
    )


# --------------------------------------------------------------------------------------- progress
_counter: Any = None  # multiprocessing.Value in local worker processes
_callback: Optional[Callable[[int], None]] = None  # tqdm.update when a job runs in this process


def tick(n: int = 1) -> None:
    """Report ``n`` finished work items to the progress bar (a no-op on Slurm)."""
    if _counter is not None:
        with _counter.get_lock():
            _counter.value += n
    elif _callback is not None:
        _callback(n)


def _init_worker(counter: Any) -> None:
    global _counter
    _counter = counter
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)


# ------------------------------------------------------------------------------------ one job
def run_job(
    fn: Callable[..., Any], kwargs: Dict[str, Any], log_file: str, done_file: str, fp: str
) -> Dict[str, Any]:
    """Run one job with its log file and marker; never raises (the error comes back in the dict)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    Path(log_file).parent.mkdir(parents=True, exist_ok=True)
    Path(done_file).unlink(missing_ok=True)
    handler = logging.FileHandler(log_file, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    pkg_logger = logging.getLogger("mmpt")
    old_level, old_propagate = pkg_logger.level, pkg_logger.propagate
    pkg_logger.addHandler(handler)
    pkg_logger.setLevel(logging.INFO)
    pkg_logger.propagate = False  # job messages go to the job's log only; the runner reports a summary
    start = time.time()
    try:
        logger.info("start %s(%s)", getattr(fn, "__name__", fn), json.dumps(kwargs, default=str))
        result = fn(**kwargs)
        logger.info("done in %.1f s: %s", time.time() - start, json.dumps(result, default=str))
        write_marker(done_file, fp, result)
        return {"ok": True, "result": result}
    except Exception as exc:  # reported to the caller with the log's name; the traceback is in the log
        logger.error("job failed:\n%s", traceback.format_exc())
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        pkg_logger.removeHandler(handler)
        pkg_logger.setLevel(old_level)
        pkg_logger.propagate = old_propagate
        handler.close()
        torch.set_num_threads(threads)


# ------------------------------------------------------------------------------------- runner
def run_jobs(
    jobs: Sequence[Job],
    outdir: PathLike,
    name: str,
    *,
    backend: str = "local",
    slurm: Optional[SlurmOptions] = None,
    cluster: Optional[str] = None,
    max_workers: Optional[int] = None,
    progress: bool = True,
) -> List[Any]:
    """Run the jobs that are not done yet; return every job's result (from its marker when skipped).

    Args:
        backend: "local" (one process per job, at most ``max_workers`` at a time, default all; a single
            job runs in this process) or "slurm" (submitit).
        cluster: submitit cluster for ``backend="slurm"``: "slurm" by default; "local" or "debug" run the
            same submission path without Slurm (tests).
    Raises:
        JobFailedError naming the failed jobs and their logs.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    (Path(outdir) / "log").mkdir(parents=True, exist_ok=True)
    todo = [j for j in jobs if not is_done(j, outdir, name)]
    skipped = len(jobs) - len(todo)
    if skipped:
        logger.info("%s: %d of %d jobs already done, skipped", name, skipped, len(jobs))
    outcomes: Dict[int, Dict[str, Any]] = {}
    if todo:
        if backend == "slurm":
            outcomes = _run_submitit(todo, outdir, name, slurm or SlurmOptions(), cluster or "slurm", progress)
        else:
            outcomes = _run_local(todo, outdir, name, max_workers, progress)
    failed = [(j, outcomes[j.index]["error"]) for j in todo if not outcomes[j.index]["ok"]]
    if failed:
        lines = [f"job {j.index}/{len(jobs)} failed ({err}); see {log_path(outdir, name, j.index)}"
                 for j, err in failed]
        raise JobFailedError(f"{name}: " + "; ".join(lines))
    results = []
    for job in jobs:
        if job.index in outcomes:
            results.append(outcomes[job.index]["result"])
        else:
            results.append((read_marker(done_path(outdir, name, job.index)) or {}).get("result"))
    return results


def _args(job: Job, outdir: PathLike, name: str) -> tuple:
    return (
        job.fn,
        job.kwargs,
        str(log_path(outdir, name, job.index)),
        str(done_path(outdir, name, job.index)),
        job.fingerprint,
    )


def _run_local(
    todo: Sequence[Job], outdir: PathLike, name: str, max_workers: Optional[int], progress: bool
) -> Dict[int, Dict[str, Any]]:
    global _callback
    total = sum(j.size for j in todo)
    bar = tqdm(total=total, desc=name, unit="utt", disable=not progress, leave=False)
    outcomes: Dict[int, Dict[str, Any]] = {}
    try:
        if len(todo) == 1 or max_workers == 1:
            _callback = bar.update
            try:
                for job in todo:
                    outcomes[job.index] = run_job(*_args(job, outdir, name))
            finally:
                _callback = None
            return outcomes
        # forkserver: workers start from a clean process (no inherited threads), which is fork-safe for
        # torch/OpenMP and much cheaper than spawn since the server is started once per session.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["torch", "torchaudio", "mmpt.features.jobs"])
        counter = ctx.Value("q", 0)
        workers = min(len(todo), max_workers or len(todo))
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(counter,)) as pool:
            futures: Dict[Future, Job] = {pool.submit(run_job, *_args(j, outdir, name)): j for j in todo}
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in finished:
                    job = futures[fut]
                    try:
                        outcomes[job.index] = fut.result()
                    except Exception as exc:  # the worker process died (killed, out of memory)
                        outcomes[job.index] = {"ok": False, "error": f"worker process died: {exc}"}
                bar.n = min(counter.value, total) if total else 0
                bar.refresh()
        return outcomes
    finally:
        bar.close()


def make_executor(folder: PathLike, name: str, slurm: SlurmOptions, cluster: str = "slurm") -> Any:
    """A ``submitit.AutoExecutor`` for ``cluster`` with ``slurm``'s parameters."""
    import submitit

    try:
        executor = submitit.AutoExecutor(folder=str(folder), cluster=cluster)
    except RuntimeError as exc:  # "Could not detect srun": not on a Slurm cluster
        raise JobFailedError(f"{name}: cannot submit to {cluster}: {exc}") from None
    executor.update_parameters(**slurm.executor_parameters(name))
    return executor


def _run_submitit(
    todo: Sequence[Job], outdir: PathLike, name: str, slurm: SlurmOptions, cluster: str, progress: bool
) -> Dict[int, Dict[str, Any]]:
    executor = make_executor(Path(outdir) / "log" / "submitit", name, slurm, cluster)
    args = [_args(j, outdir, name) for j in todo]
    submitted = executor.map_array(run_job, *zip(*args))
    logger.info("%s: submitted %d jobs to %s (%s)", name, len(submitted), cluster, submitted[0].job_id)
    outcomes: Dict[int, Dict[str, Any]] = {}
    for job, handle in tqdm(list(zip(todo, submitted)), desc=name, unit="job", disable=not progress, leave=False):
        try:
            outcomes[job.index] = handle.result()
        except Exception as exc:  # cancelled, timed out, node failure: submitit's own log says more
            outcomes[job.index] = {"ok": False, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    return outcomes
