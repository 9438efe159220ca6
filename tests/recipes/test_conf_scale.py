"""--conf_scale cpu|paper: which training config each stage of run_all.sh trains with.

run_all.sh runs in a throw-away checkout whose recipes are real copies, except that each recipe's run.sh
hands its stage script ``--stage 99``: pt.sh, st.sh and asr.sh then parse every option run_all.sh gave them,
resolve their training config, log it and stop before doing any work (a dry run of stages 3-5)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.recipes.conftest import REPO_ROOT, copy_recipe, run_script

RECIPES = {"pt": "egs2/lrs3/pt1", "st": "egs2/must_c/st1", "asr": "egs2/librispeech/asr1"}


@pytest.fixture
def dry_checkout(checkout: Path) -> Path:
    shutil.copy(REPO_ROOT / "run_all.sh", checkout / "run_all.sh")
    for rel in RECIPES.values():
        run_sh = copy_recipe(checkout, rel) / "run.sh"
        text = run_sh.read_text()
        assert text.rstrip().endswith('"$@"')
        run_sh.write_text(text.rstrip() + " --stage 99\n")
    return checkout


def _configs(stderr: str) -> dict:
    """{script: [training configs it logged]}"""
    found: dict = {}
    for script, config in re.findall(r"\((pt|st|asr)\.sh:\d+:main\) Training config: (\S+)", stderr):
        found.setdefault(script, []).append(config)
    return found


@pytest.mark.parametrize("scale, expected", [
    ("paper", {"pt": ["conf/paper/mae.yaml"], "st": ["conf/paper/train_st.yaml"] * 2,
               "asr": ["conf/paper/train_asr_ctc_frozen.yaml"] * 4}),
    ("cpu", {"pt": ["conf/cpu/mae.yaml"], "st": ["conf/train_st.yaml"] * 2,
             "asr": ["conf/train_asr_ctc_frozen.yaml"] * 4}),
])
def test_every_stage_trains_with_the_scales_config(dry_checkout: Path, tmp_path: Path, scale, expected):
    res = run_script(["run_all.sh", "--stage", "3", "--stop_stage", "5", "--conf_scale", scale,
                      "--db", str(tmp_path / "db")], cwd=dry_checkout)
    assert res.returncode == 0, res.stdout + res.stderr
    # MAE on LRS3; ST and ST+CTC en-it; ASR: the scratch baseline, on the pre-trained encoder and on the
    # two mid-trained ones
    assert _configs(res.stderr) == expected
    for script, configs in expected.items():
        assert (REPO_ROOT / RECIPES[script] / configs[0]).is_file()


def test_a_missing_paper_config_is_named(checkout: Path):
    recipe = copy_recipe(checkout, RECIPES["asr"])
    (recipe / "conf" / "paper" / "train_asr_ctc_frozen.yaml").unlink()
    res = run_script(["run.sh", "--conf_scale", "paper", "--stage", "99"], cwd=recipe)
    assert res.returncode != 0
    assert "conf/paper/train_asr_ctc_frozen.yaml (the paper-scale config of conf/train_asr_ctc_frozen.yaml) " \
           "does not exist" in res.stderr
    res = run_script(["run.sh", "--conf_scale", "gpu", "--stage", "99"], cwd=recipe)
    assert res.returncode == 2 and "--conf_scale must be cpu or paper" in res.stderr
