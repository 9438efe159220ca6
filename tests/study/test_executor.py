"""The executor: the order of the study's steps when several run at once, and running them."""
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from mmpt.study.executor import dependencies, run_steps
from mmpt.study.grid import StudyGrid
from mmpt.study.plan import Schedule, Step, steps


def _index(all_steps: List[Step], prefix: str) -> int:
    hits = [i for i, s in enumerate(all_steps) if s.what.startswith(prefix)]
    assert len(hits) == 1, (prefix, [all_steps[i].what for i in hits])
    return hits[0]


def test_study_plan_dependencies(tmp_path: Path):
    grid = StudyGrid()
    plan = steps(grid, Schedule(seed=1), tmp_path)
    deps = dependencies(plan)
    mae, clr = _index(plan, "mae pre-training"), _index(plan, "clr pre-training")
    rnd, pos = _index(plan, "the random encoder"), _index(plan, "positive control")
    st_mae = _index(plan, "en-it mid-training (st) of MAE")
    st_clr = _index(plan, "en-it mid-training (st) of CLR")
    dom = _index(plan, "domain control")
    ft_mt = _index(plan, "CTC fine-tuning on 10min, last head: MAE (LRS3) + ST en-it")
    ft_scratch = _index(plan, "CTC fine-tuning on 10min, last head: no pre-training")
    ft_pos = _index(plan, "CTC fine-tuning on 1h, last head: CTC on LRS3")
    data = [i for i, s in enumerate(plan) if s.stage == 2]
    assert mae not in deps[clr] and clr not in deps[mae]  # same recipe, any order (never at once: one lock)
    assert deps[rnd] == {mae} and not deps[pos]
    assert mae in deps[st_mae] and clr in deps[st_clr] and mae not in deps[st_clr] and st_mae not in deps[st_clr]
    assert deps[dom] == {mae}
    assert set(data) <= deps[ft_scratch] and st_mae in deps[ft_mt] and pos in deps[ft_pos]
    assert ft_scratch not in deps[ft_mt] and not any(plan[j].stage == 5 for j in deps[ft_pos])
    sb_prep = _index(plan, "SUPERB data preparation")
    sb = [i for i, s in enumerate(plan) if s.what.startswith("SUPERB on")]
    assert all(sb_prep in deps[i] for i in sb)
    # Figure 2's pair first, the random reference last
    assert [plan[i].what for i in sb] == ["SUPERB on MAE (LRS3)", "SUPERB on MAE (LRS3) + ST en-it",
                                          "SUPERB on random encoder (frozen)"]
    assert st_mae in deps[sb[1]] and rnd in deps[sb[2]]
    for i, d in enumerate(deps):
        assert all(j < i for j in d)  # what a step waits for comes earlier in the plan


def _fake(tmp_path: Path, name: str, cwd: str, stage: int = 3, sleep: float = 0.3, rc: int = 0,
          **kw) -> Step:
    (tmp_path / cwd).mkdir(parents=True, exist_ok=True)
    log = tmp_path / "events"
    cmd = f"echo start {name} >> {log}; sleep {sleep}; echo end {name} >> {log}; exit {rc}"
    return Step(stage, name, cwd, ["sh", "-c", cmd], **kw)


def _intervals(tmp_path: Path) -> Dict[str, Tuple[int, int]]:
    events = (tmp_path / "events").read_text().split("\n")[:-1]
    out: Dict[str, List[int]] = {}
    for k, line in enumerate(events):
        out.setdefault(line.split()[1], []).append(k)
    return {n: (v[0], v[1]) for n, v in out.items()}


def test_two_jobs_respect_order_and_exclusion(tmp_path: Path):
    plan = [_fake(tmp_path, "data", "a", stage=2),
            _fake(tmp_path, "mae", "a", makes=("a/exp/mae",), any_order=True),
            _fake(tmp_path, "clr", "a", makes=("a/exp/clr",), any_order=True),
            _fake(tmp_path, "pos", "b", makes=("b/exp/pos",)),
            _fake(tmp_path, "st_mae", "c", stage=4, needs=("a/exp/mae",), any_order=True),
            _fake(tmp_path, "random", "a", needs=("a/exp/mae",), lock=None),
            _fake(tmp_path, "ft_a", "a", stage=5, any_order=True, lock="a: x"),
            _fake(tmp_path, "ft_b", "a", stage=5, any_order=True, lock="a: y"),
            _fake(tmp_path, "ft_c", "a", stage=5, any_order=True, lock="a: x")]
    rc, failed = run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=2, timings=tmp_path / "t.tsv")
    assert (rc, failed) == (0, None)
    iv = _intervals(tmp_path)
    overlap = lambda x, y: iv[x][0] < iv[y][1] and iv[y][0] < iv[x][1]  # noqa: E731
    assert iv["data"][1] < min(iv["mae"][0], iv["clr"][0])
    assert not overlap("mae", "clr")  # one recipe directory: never at once
    assert overlap("pos", "data") or overlap("pos", "mae")  # another recipe directory: side by side
    assert iv["mae"][1] < iv["st_mae"][0] and iv["mae"][1] < iv["random"][0]
    assert max(iv["mae"][1], iv["clr"][1]) < min(iv[f][0] for f in ("ft_a", "ft_b", "ft_c"))
    assert overlap("ft_a", "ft_b") or overlap("ft_b", "ft_c")  # two locks: side by side
    assert not overlap("ft_a", "ft_c")  # one lock (a frozen encoder's cache): one after the other
    assert len((tmp_path / "t.tsv").read_text().splitlines()) == 9
    assert len(list((tmp_path / "logs").glob("*.log"))) == 9
    assert max(sum(iv[n][0] <= k < iv[n][1] for n in iv) for k in range(18)) <= 2  # never more than 2 at once


def test_a_failure_stops_new_steps_and_names_the_step(tmp_path: Path, capsys):
    plan = [_fake(tmp_path, "ok", "a"), _fake(tmp_path, "bad", "b", rc=3, sleep=0.0),
            _fake(tmp_path, "after", "b", stage=4), _fake(tmp_path, "other", "c", stage=4)]
    rc, failed = run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=2)
    assert rc == 3 and failed is plan[1]
    iv = _intervals(tmp_path)
    assert "after" not in iv and "ok" in iv  # the running step finished; nothing new started
    assert "--- the last lines of" in capsys.readouterr().err


def test_one_job_runs_in_plan_order(tmp_path: Path):
    plan = [_fake(tmp_path, n, "a", sleep=0.0, any_order=True) for n in ("x", "y", "z")]
    assert run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=1) == (0, None)
    assert [line.split()[1] for line in (tmp_path / "events").read_text().split("\n")[::2] if line] == ["x", "y", "z"]
    assert not (tmp_path / "logs").exists()


def test_fine_tunings_lock_per_frozen_encoder_cache(tmp_path: Path):
    plan = [s for s in steps(StudyGrid(), Schedule(seed=1), tmp_path) if s.stage == 5]
    locks = {s.what: s.lock for s in plan}
    mae_10 = locks["CTC fine-tuning on 10min, last head: MAE (LRS3)"]
    assert mae_10 == locks["CTC fine-tuning on 1h, last head: MAE (LRS3)"]  # one cache: serialised
    assert mae_10 != locks["CTC fine-tuning on 10min, wsum head: MAE (LRS3)"]
    assert mae_10 != locks["CTC fine-tuning on 10min, last head: CLR (LRS3)"]
    scratch = [lk for w, lk in locks.items() if "no pre-training" in w]
    assert len(set(scratch)) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_terminating_the_runner_stops_its_steps(tmp_path: Path, jobs: int):
    import subprocess
    import sys
    import time

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
from pathlib import Path
from mmpt.study.executor import run_steps
from mmpt.study.plan import Step
steps = [Step(3, n, n, ["sh", "-c", f"echo $$ > {tmp_path}/pid_{{n}}; exec sleep 60"]) for n in ("a", "b")]
run_steps(steps, Path({str(tmp_path)!r}), {{"PATH": "/usr/bin:/bin"}}, jobs={jobs})
"""
    runner = subprocess.Popen([sys.executable, "-c", script])
    pids = [tmp_path / "pid_a", tmp_path / "pid_b"][:jobs]  # one job: b waits for a
    for _ in range(200):
        if all(p.is_file() and p.read_text().strip() for p in pids):
            break
        time.sleep(0.05)
    runner.terminate()
    assert runner.wait(timeout=20) == 128 + 15
    time.sleep(0.5)
    for p in pids:
        pid = int(p.read_text())
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_a_missing_input_that_no_step_makes_is_an_error_before_anything_runs(tmp_path: Path):
    plan = [_fake(tmp_path, "ok", "a"), _fake(tmp_path, "ft", "b", stage=5, needs=("c/exp/pack",))]
    with pytest.raises(ValueError, match="c/exp/pack, which is missing"):
        run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=2)
    assert not (tmp_path / "events").exists()
    (tmp_path / "c/exp/pack").mkdir(parents=True)  # made by an earlier run: fine
    assert run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=2) == (0, None)
    with pytest.raises(ValueError, match="at least 1"):
        run_steps(plan, tmp_path, {"PATH": "/usr/bin:/bin"}, jobs=0)
