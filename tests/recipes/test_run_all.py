"""run_all.sh: the grid options and the tables it writes from the recipes' scores (stages 6-7 on the scores
of a throw-away checkout; the stages that train are covered by the recipe tests)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mmpt.superb.scoring import EVAL_DIR, METRICS, RESULT_JSON, TaskScore
from tests.recipes.conftest import REPO_ROOT, run_script


@pytest.fixture
def repo(checkout: Path) -> Path:
    shutil.copy(REPO_ROOT / "run_all.sh", checkout / "run_all.sh")
    return checkout


def _asr_scores(asr_exp: Path, tag: str, clean: float, other: float) -> None:
    for test_set, wer in (("test_clean", clean), ("test_other", other)):
        d = asr_exp / f"asr_{tag}" / "decode_asr_greedy_valid.loss.ave" / test_set / "score_wer"
        d.mkdir(parents=True)
        (d / "result.json").write_text(json.dumps({"metric": "wer", "err": wer}))


def _superb_score(expdir: Path, tag: str, task: str, value: float) -> None:
    d = expdir / tag / task / EVAL_DIR
    d.mkdir(parents=True)
    (d / RESULT_JSON).write_text(TaskScore(task, METRICS[task], value, 10).to_json())


def test_table_1_rows_follow_the_grid(repo: Path, venv: Path, tmp_path: Path):
    asr_exp = repo / "egs2" / "librispeech" / "asr1" / "exp"
    _asr_scores(asr_exp, "scratch", 40.0, 80.0)
    for i, tag in enumerate(("lrs3_mae", "lrs3_mae_it", "lrs3_mae_nl", "kinetics600_mae", "kinetics600_mae_it",
                             "kinetics600_mae_nl")):
        _asr_scores(asr_exp, tag, 30.0 + i, 60.0 + i)
    res = run_script(["run_all.sh", "--stage", "6", "--stop_stage", "6", "--db", str(tmp_path / "db"),
                      "--pt_corpora", "lrs3 kinetics600", "--mid_langs", "it nl", "--mid_tasks", "st"], cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = (repo / "exp" / "run_all" / "RESULTS.md").read_text().splitlines()
    assert [line.split(" | ")[0] for line in lines[2:]] == [
        "| no pre-training", "| MAE (LRS3)", "| MAE (LRS3) + ST en-it", "| MAE (LRS3) + ST en-nl",
        "| MAE (K600)", "| MAE (K600) + ST en-it", "| MAE (K600) + ST en-nl"]
    assert lines[3] == "| MAE (LRS3) | 30.00 | 60.00 | +25.00% | +25.00% |"

    # The default mid-training objectives: translation alone, and translation + source CTC.
    _asr_scores(asr_exp, "lrs3_mae_it_srcctc", 20.0, 40.0)
    res = run_script(["run_all.sh", "--stage", "6", "--stop_stage", "6", "--db", str(tmp_path / "db")], cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = (repo / "exp" / "run_all" / "RESULTS.md").read_text().splitlines()
    assert [line.split(" | ")[0] for line in lines[2:]] == [
        "| no pre-training", "| MAE (LRS3)", "| MAE (LRS3) + ST en-it", "| MAE (LRS3) + ST+CTC en-it"]
    assert lines[5] == "| MAE (LRS3) + ST+CTC en-it | 20.00 | 40.00 | +50.00% | +50.00% |"


def test_superb_table_rows_follow_the_grid(repo: Path, venv: Path, tmp_path: Path):
    expdir = repo / "egs2" / "superb" / "superb1" / "exp"
    for tag, value in (("lrs3_random_init_cpu", 0.5), ("lrs3_pt_clr_cpu", 0.6), ("must_c_st_lrs3_clr_de", 0.75),
                       ("must_c_st_lrs3_clr_de_srcctc", 0.8)):
        _superb_score(expdir, tag, "ks", value)
    res = run_script(["run_all.sh", "--stage", "8", "--db", str(tmp_path / "db"), "--pt_methods", "clr",
                      "--mid_langs", "de", "--superb_tasks", "ks"], cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = (repo / "exp" / "run_all" / "SUPERB.md").read_text().splitlines()
    assert lines[2:] == ["| no pre-training | 50.00 | - |", "| CLR (LRS3) | 60.00 | +20.00% |",
                         "| CLR (LRS3) + ST en-de | 75.00 | +50.00% |",
                         "| CLR (LRS3) + ST+CTC en-de | 80.00 | +60.00% |"]
    res = run_script(["run_all.sh", "--stage", "8", "--db", str(tmp_path / "db"), "--superb_tasks", "ks"], cwd=repo)
    assert res.returncode != 0 and "no score for ks" in res.stderr  # MAE was not run


@pytest.mark.parametrize("args, message", [
    (["--pt_methods", "mae byol"], "'byol' is not one of"),
    (["--pt_corpora", ""], "--pt_corpora is empty"),
    (["--mid_langs", "fr"], "'fr' is not one of"),
    (["--mid_tasks", "st asr"], "'asr' is not one of"),
    (["--grid", "all"], "--grid must be paper"),
    (["--conf_scale", "big"], "--conf_scale must be cpu or paper"),
])
def test_bad_grid_options(repo: Path, tmp_path: Path, args, message):
    res = run_script(["run_all.sh", "--stage", "6", "--db", str(tmp_path / "db"), *args], cwd=repo)
    assert res.returncode == 2 and message in res.stdout + res.stderr
