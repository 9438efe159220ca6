"""run_all.sh: option checking, the per-seed plan, and the report over two seeds from the recipes' scores
(stages 6 and 8 on fabricated per-utterance scores; the stages that train are covered by the recipe tests)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mmpt.study.grid import StudyGrid
from mmpt.study.plan import superb_tag
from mmpt.superb.scoring import EVAL_DIR, METRICS, RESULT_JSON, TaskScore
from tests.recipes.conftest import REPO_ROOT, run_script

LEVEL = {"scratch": 6, "random": 8, "pt": 5, "mt": 4, "dom": 5, "pos": 2}  # errors per 10 words


@pytest.fixture
def repo(checkout: Path) -> Path:
    shutil.copy(REPO_ROOT / "run_all.sh", checkout / "run_all.sh")
    return checkout


def _scores(exp_root: Path, grid: StudyGrid, seeds=(1, 2)) -> None:
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for label_set, head, arm in grid.fine_tunings():
            for s in ("test_clean", "test_other"):
                d = exp_root / f"seed{seed}" / grid.asr_exp(label_set, arm.tag, head) / \
                    "decode_asr_greedy_valid.loss.ave" / s / "score_wer"
                d.mkdir(parents=True)
                errs = LEVEL[arm.kind] + rng.integers(-1, 2, size=30)
                (d / "utt_errors.tsv").write_text(
                    "utt\tref_words\tword_errors\tref_chars\tchar_errors\n"
                    + "".join(f"{s}-u{i}\t10\t{e}\t40\t{2 * e}\n" for i, e in enumerate(errs)))
        expdir = exp_root / f"seed{seed}" / "egs2/superb/superb1/exp"
        for key, value in (("random", 0.3), ("pt/lrs3/mae", 0.5), ("mt/lrs3/mae/it/st", 0.55)):
            d = expdir / superb_tag(grid.arm(key)) / "ks" / EVAL_DIR
            d.mkdir(parents=True)
            (d / RESULT_JSON).write_text(TaskScore("ks", METRICS["ks"], value, 10).to_json())


def test_report_over_two_seeds(repo: Path, venv: Path, tmp_path: Path):
    grid = StudyGrid(label_sets=("10min",))
    _scores(repo / "exp" / "run_all", grid)
    opts = ["--seeds", "1 2", "--label_sets", "10min", "--head_epochs", "10min=60", "--superb_tasks", "ks",
            "--n_resamples", "500", "--db", str(tmp_path / "db")]
    for stage in ("6", "8"):  # the report without, then with SUPERB (stage 7 would train)
        res = run_script(["run_all.sh", "--stage", stage, "--stop_stage", stage, *opts], cwd=repo)
        assert res.returncode == 0, res.stdout + res.stderr
    out = repo / "exp" / "run_all"
    text = (out / "RESULTS.md").read_text()
    header = next(line for line in text.splitlines() if line.startswith("| id |"))
    for column in ("rel. impr.", "95% CI", "| p |", "Holm p", "seed t-test p", "verdict"):
        assert column in header
    rows = {line.split(" | ")[0][2:]: line for line in text.splitlines() if line.startswith("| H")}
    assert set(rows) == {"H1a", "H1b", "H2", "H3a", "H3b", "H3c"}
    assert "| holds |" in rows["H1a"] and "| 2 |" in rows["H1a"]  # two seeds
    assert "seeds: 1 2" in text and "--seeds 1 2" in text
    assert (out / "figure3.png").stat().st_size > 0 and (out / "figure2.png").stat().st_size > 0
    assert "![Figure 2](figure2.png)" in text


def test_plan_names_every_arm_and_stage(venv: Path):
    res = subprocess.run([sys.executable, "-m", "mmpt.bin.study", "plan", "--seed", "3"], capture_output=True,
                         text=True, cwd=REPO_ROOT)
    assert res.returncode == 0, res.stderr
    plan = res.stdout
    assert "--duration 10min --seed 3" in plan and "--duration 1h --seed 3" in plan
    assert "--pt_method mae" in plan and "--pt_method clr" in plan and "--random_init 3" in plan
    assert "--st_tag lrs3_mae_it " in plan and "--st_tag lrs3_clr_it " in plan and "--use_src_text true" in plan
    assert plan.count("--asr_tag scratch ") == 2 and "--encoder_layers all" in plan
    assert "--max_epoch 60 --seed 3" in plan and "--max_epoch 20 --seed 3" in plan


@pytest.mark.parametrize("args, message", [
    (["--pt_methods", "mae byol"], "'byol' is not one of"),
    (["--pt_corpora", ""], "--pt_corpora is empty"),
    (["--mid_langs", "fr"], "'fr' is not one of"),
    (["--mid_tasks", "st asr"], "'asr' is not one of"),
    (["--grid", "all"], "--grid must be paper"),
    (["--conf_scale", "big"], "--conf_scale must be cpu or paper"),
    (["--seeds", "1 x"], "--seeds takes non-negative integers"),
    (["--label_sets", "10min 2h"], "no head epochs for the labelled subset '2h'"),
])
def test_bad_grid_options(repo: Path, venv: Path, tmp_path: Path, args, message):
    res = run_script(["run_all.sh", "--stage", "6", "--db", str(tmp_path / "db"), *args], cwd=repo)
    assert res.returncode == 2 and message in res.stdout + res.stderr
