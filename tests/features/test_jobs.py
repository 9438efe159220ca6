from __future__ import annotations

import os
from pathlib import Path

import pytest

from mmpt.features import jobs
from mmpt.features.jobs import Job, JobFailedError, SlurmOptions, run_jobs


def record_job(calls: str, value: int, fail: bool = False) -> dict:
    """Appends ``value`` to ``calls`` (to count runs), reports the torch threads it saw."""
    import torch

    with open(calls, "a") as f:
        f.write(f"{value}\n")
    jobs.tick()
    if fail:
        raise ValueError(f"boom {value}")
    return {"value": value, "threads": torch.get_num_threads(), "pid": os.getpid()}


def _jobs(tmp_path: Path, n: int, fail=(), fp="v1") -> list:
    return [
        Job(i, record_job, {"calls": str(tmp_path / "calls.txt"), "value": i, "fail": i in fail},
            jobs.fingerprint(fp, i), size=1)
        for i in range(1, n + 1)
    ]


def _calls(tmp_path: Path) -> list:
    path = tmp_path / "calls.txt"
    return sorted(int(x) for x in path.read_text().split()) if path.exists() else []


def test_local_processes_single_threaded_and_resumable(tmp_path: Path):
    results = run_jobs(_jobs(tmp_path, 2), tmp_path, "t", progress=False)
    assert [r["value"] for r in results] == [1, 2]
    assert all(r["threads"] == 1 for r in results)
    # in worker processes (a pool of two: under load one worker may take both jobs)
    assert all(r["pid"] != os.getpid() for r in results)
    assert (tmp_path / "log" / "t.1.done").is_file() and (tmp_path / "log" / "t.2.log").is_file()
    assert "done in" in (tmp_path / "log" / "t.2.log").read_text()
    assert _calls(tmp_path) == [1, 2]

    # finished jobs are skipped, their results come from the markers
    again = run_jobs(_jobs(tmp_path, 2), tmp_path, "t", progress=False)
    assert [r["value"] for r in again] == [1, 2]
    assert _calls(tmp_path) == [1, 2]

    # a job without marker (interrupted) is redone; a changed fingerprint redoes all
    (tmp_path / "log" / "t.2.done").unlink()
    run_jobs(_jobs(tmp_path, 2), tmp_path, "t", progress=False)
    assert _calls(tmp_path) == [1, 2, 2]
    run_jobs(_jobs(tmp_path, 2, fp="v2"), tmp_path, "t", progress=False)
    assert _calls(tmp_path) == [1, 1, 2, 2, 2]


def test_single_job_runs_in_process_and_restores_threads(tmp_path: Path):
    import torch

    before = torch.get_num_threads()
    (result,) = run_jobs(_jobs(tmp_path, 1), tmp_path, "one", progress=False)
    assert result["pid"] == os.getpid() and result["threads"] == 1
    assert torch.get_num_threads() == before


def test_missing_outputs_make_a_job_run_again(tmp_path: Path):
    job = _jobs(tmp_path, 1)[0]
    job.outputs = [tmp_path / "out.bin"]
    run_jobs([job], tmp_path, "o", progress=False)
    run_jobs([job], tmp_path, "o", progress=False)
    assert _calls(tmp_path) == [1, 1]
    (tmp_path / "out.bin").write_bytes(b"x")
    run_jobs([job], tmp_path, "o", progress=False)
    assert _calls(tmp_path) == [1, 1]


def test_failed_job_names_its_log_and_keeps_the_others(tmp_path: Path):
    with pytest.raises(JobFailedError) as err:
        run_jobs(_jobs(tmp_path, 2, fail={2}), tmp_path, "f", progress=False)
    msg = str(err.value)
    assert "job 2/2 failed (ValueError: boom 2)" in msg and str(tmp_path / "log" / "f.2.log") in msg
    assert "Traceback" in (tmp_path / "log" / "f.2.log").read_text()
    assert (tmp_path / "log" / "f.1.done").exists() and not (tmp_path / "log" / "f.2.done").exists()
    run_jobs(_jobs(tmp_path, 2), tmp_path, "f", progress=False)  # the re-run redoes job 2 only
    assert _calls(tmp_path) == [1, 2, 2]


def test_unknown_backend(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown backend"):
        run_jobs(_jobs(tmp_path, 1), tmp_path, "x", backend="sge")


def test_slurm_executor_parameters(tmp_path: Path, monkeypatch):
    import submitit
    from submitit.slurm.slurm import SlurmExecutor

    monkeypatch.setattr(SlurmExecutor, "affinity", staticmethod(lambda: 1))  # pretend srun exists
    opts = SlurmOptions(partition="cpu", time_min=30, mem_gb=8, account="speech", extra={"exclude": "n01"})
    executor = jobs.make_executor(tmp_path / "sub", "fbank", opts, cluster="slurm")
    assert isinstance(executor, submitit.AutoExecutor) and executor.cluster == "slurm"
    params = executor._executor.parameters
    assert params["partition"] == "cpu" and params["time"] == 30 and params["mem"] == "8GB"
    assert params["account"] == "speech" and params["exclude"] == "n01"
    assert params["cpus_per_task"] == 1 and params["job_name"] == "fbank"
    assert params["array_parallelism"] == 256
    sbatch = executor._executor._make_submission_file_text("python -c pass", "uid")
    assert "#SBATCH --partition=cpu" in sbatch and "#SBATCH --time=30" in sbatch


def test_slurm_without_srun_is_a_clear_error(tmp_path: Path, monkeypatch):
    from submitit.slurm.slurm import SlurmExecutor

    monkeypatch.setattr(SlurmExecutor, "affinity", staticmethod(lambda: -1))
    with pytest.raises(JobFailedError, match="cannot submit to slurm"):
        run_jobs(_jobs(tmp_path, 1), tmp_path, "s", backend="slurm", progress=False)


def test_submitit_path_runs_jobs(tmp_path: Path):
    # The same submission path as Slurm (AutoExecutor, parameters, map_array), on submitit's debug cluster.
    results = run_jobs(_jobs(tmp_path, 2), tmp_path, "d", backend="slurm", cluster="debug",
                       slurm=SlurmOptions(partition="cpu"), progress=False)
    assert [r["value"] for r in results] == [1, 2]
    assert (tmp_path / "log" / "d.2.done").exists()
    run_jobs(_jobs(tmp_path, 2), tmp_path, "d", backend="slurm", cluster="debug", progress=False)
    assert _calls(tmp_path) == [1, 2]
