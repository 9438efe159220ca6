"""--conf_scale cpu|paper: which training config every training step of the study's plan trains with.

Each step of ``mmpt.study.plan`` that trains (stages 3-5 of run_all.sh) is run in a throw-away checkout with
``--stage 99`` appended: pt.sh, st.sh and asr.sh then parse every option the plan gave them, resolve their
training config, log it and stop before doing any work (a dry run of the study's training steps)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mmpt.study.grid import StudyGrid
from mmpt.study.plan import Schedule, steps
from tests.recipes.conftest import REPO_ROOT, copy_recipe, run_script

STAGE_SCRIPT = {"pt1": "pt", "st1": "st", "asr1": "asr"}


def _logged_config(stderr: str) -> str:
    found = re.findall(r"\((?:pt|st|asr)\.sh:\d+:main\) Training config: (\S+)", stderr)
    assert len(found) == 1, stderr
    return found[0]


@pytest.mark.parametrize("scale", ["paper", "cpu"])
def test_every_training_step_of_the_plan_uses_the_scales_config(checkout: Path, venv: Path, scale: str):
    grid = StudyGrid(pt_methods=("mae",), label_sets=("10min",), conf_scale=scale)
    plan = [s for s in steps(grid, Schedule(seed=1, head_epochs={"10min": 2}), checkout)
            if 3 <= s.stage <= 5 and s.argv[0] == "./run.sh"]
    # MAE; the positive control; ST and ST+CTC en-it; the domain control; the arms' fine-tunings
    assert {s.cwd for s in plan} == {"egs2/lrs3/pt1", "egs2/lrs3/asr1", "egs2/must_c/st1", "egs2/must_c/pt1",
                                     "egs2/librispeech/asr1"}
    copied = {}
    for step in plan:
        assert step.argv[step.argv.index("--conf_scale") + 1] == scale, step.command()
        if step.cwd not in copied:
            copied[step.cwd] = copy_recipe(checkout, step.cwd)
        res = run_script([*step.argv, "--stage", "99"], cwd=copied[step.cwd])
        assert res.returncode == 0, step.command() + "\n" + res.stdout + res.stderr
        config = _logged_config(res.stderr)
        assert (REPO_ROOT / step.cwd / config).is_file(), config
        in_paper = config.startswith("conf/paper/")
        assert in_paper == (scale == "paper"), (step.what, config)


def test_a_missing_paper_config_is_named(checkout: Path):
    recipe = copy_recipe(checkout, "egs2/librispeech/asr1")
    (recipe / "conf" / "paper" / "train_asr_ctc_frozen.yaml").unlink()
    res = run_script(["run.sh", "--conf_scale", "paper", "--stage", "99"], cwd=recipe)
    assert res.returncode != 0
    assert "conf/paper/train_asr_ctc_frozen.yaml (the paper-scale config of conf/train_asr_ctc_frozen.yaml) " \
           "does not exist" in res.stderr
    res = run_script(["run.sh", "--conf_scale", "gpu", "--stage", "99"], cwd=recipe)
    assert res.returncode == 2 and "--conf_scale must be cpu or paper" in res.stderr


@pytest.mark.parametrize("scale_dir", ["", "paper/"])
def test_the_st_ctc_objective_is_the_st_config_plus_the_source_ctc(scale_dir: str):
    """Mid-training objectives are recipe configs: conf/train_st_ctc.yaml is conf/train_st.yaml with the
    source-side CTC (ESPnet's MuST-C weighting), at both scales."""
    conf = REPO_ROOT / "egs2/must_c/st1/conf" / scale_dir
    st = yaml.safe_load((conf / "train_st.yaml").read_text())
    st_ctc = yaml.safe_load((conf / "train_st_ctc.yaml").read_text())
    assert (st["model_conf"]["asr_weight"], st["model_conf"]["mtlalpha"]) == (0.0, 0.0)
    assert (st_ctc["model_conf"]["asr_weight"], st_ctc["model_conf"]["mtlalpha"]) == (0.3, 1.0)
    for cfg in (st, st_ctc):
        del cfg["model_conf"]["asr_weight"], cfg["model_conf"]["mtlalpha"]
    assert st_ctc == st
