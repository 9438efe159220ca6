"""Table 1 from scored experiments: WER lookup and relative improvement."""
import json
import math

import pytest

from mmpt.report.asr_table import main
from mmpt.report.table import relative_improvement


def _exp(root, name, wers):
    for s, w in wers.items():
        d = root / name / "decode_asr_greedy_valid.loss.ave" / s / "score_wer"
        d.mkdir(parents=True)
        (d / "result.json").write_text(json.dumps({"metric": "wer", "err": w}))
    return root / name


def test_relative_improvement():
    assert relative_improvement(10.0, 7.5) == pytest.approx(25.0)
    assert relative_improvement(10.0, 12.0) == pytest.approx(-20.0)
    assert math.isnan(relative_improvement(0.0, 1.0))


def test_table(tmp_path, capsys):
    a = _exp(tmp_path, "scratch", {"test_clean": 40.0, "test_other": 60.0})
    b = _exp(tmp_path, "mae", {"test_clean": 30.0, "test_other": 57.0})
    out = tmp_path / "t.md"
    assert main(["--exp", f"scratch={a}", "--exp", f"MAE={b}", "--baseline", "scratch", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "| MAE | 30.00 | 57.00 | +25.00% | +5.00% |" in text
    assert out.read_text() == text


def test_missing_scores_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "e").mkdir()
    assert main(["--exp", f"x={tmp_path / 'e'}"]) == 2
    assert "scoring stage" in capsys.readouterr().err
