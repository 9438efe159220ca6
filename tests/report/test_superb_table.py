"""The SUPERB comparison table: scores per upstream and relative improvements (higher is better)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mmpt.report import superb_table
from mmpt.superb.scoring import EVAL_DIR, METRICS, RESULT_JSON, TaskScore


def _score(expdir: Path, tag: str, task: str, value: float) -> None:
    d = expdir / tag / task / EVAL_DIR
    d.mkdir(parents=True)
    (d / RESULT_JSON).write_text(TaskScore(task, METRICS[task], value, 10).to_json())


def test_table_and_relative_improvement(tmp_path: Path, capsys):
    exp = tmp_path / "exp"
    for task, base, new in (("ks", 0.40, 0.60), ("ic", 0.20, 0.10), ("pr", 0.50, 0.40), ("sd", 0.20, 0.25)):
        _score(exp, "random", task, base)
        _score(exp, "mae", task, new)
    out = tmp_path / "SUPERB.md"
    assert superb_table.main(["--expdir", str(exp), "--baseline", "none", "--upstream", "none=random",
                              "--upstream", "MAE=mae", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == ("| upstream | KS accuracy | IC accuracy | PR PER | SD DER | rel. impr. KS | rel. impr. IC "
                        "| rel. impr. PR | rel. impr. SD |")
    assert lines[2] == "| none | 40.00 | 20.00 | 50.00 | 20.00 | - | - | - | - |"
    # accuracy up 50% and down 50%; PER down by a fifth (better), DER up by a quarter (worse)
    assert lines[3] == "| MAE | 60.00 | 10.00 | 40.00 | 25.00 | +50.00% | -50.00% | +20.00% | -25.00% |"
    assert capsys.readouterr().out == out.read_text()


def test_missing_scores_and_bad_arguments(tmp_path: Path, capsys):
    exp = tmp_path / "exp"
    _score(exp, "mae", "ks", 0.5)
    assert superb_table.main(["--expdir", str(exp), "--upstream", "MAE=mae", "--tasks", "ks"]) == 0
    assert superb_table.main(["--expdir", str(exp), "--upstream", "MAE=mae", "--tasks", "ks", "ic"]) == 2
    assert "no score for ic" in capsys.readouterr().err
    assert superb_table.main(["--expdir", str(exp), "--upstream", "MAE=mae", "--tasks", "ks",
                              "--baseline", "other"]) == 2
    assert "baseline 'other'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        superb_table.main(["--expdir", str(exp), "--upstream", "mae"])
    assert json.loads((exp / "mae" / "ks" / EVAL_DIR / RESULT_JSON).read_text())["value"] == 0.5
