"""Scoring every decoding of an experiment and its RESULTS.md."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mmpt.bin import score as score_cli
from mmpt.data.errors import DataError
from mmpt.scoring.results import score_experiment, write_results


@pytest.fixture
def exp(tmp_path: Path) -> Path:
    refs = tmp_path / "dump" / "test"
    refs.mkdir(parents=True)
    (refs / "text").write_text("u1 a b c d\nu2 x y\n")
    exp = tmp_path / "exp" / "asr_x"
    for tag, hyp in (("decode_greedy", "u1 a b c d\nu2 x\n"), ("decode_beam", "u1 a b c d\nu2 x y\n")):
        (exp / tag / "test").mkdir(parents=True)
        (exp / tag / "test" / "text").write_text(hyp)
        (exp / tag / "test" / "decode_stats.yaml").write_text(yaml.safe_dump({"rtf": 0.25}))
    (exp / "config.yaml").write_text(yaml.safe_dump({"encoder": "conformer", "encoder_conf": {"num_blocks": 2},
                                                     "freeze_param": ["encoder"], "token_list": ["a", "b"]}))
    return exp


def test_wer_results(exp: Path):
    rows = score_experiment(exp, exp.parents[1] / "dump", ["test", "absent"], "wer")
    assert [(r.decode, r.dataset) for r in rows] == [("decode_beam", "test"), ("decode_greedy", "test")]
    assert rows[1].numbers["err"] == pytest.approx(100 / 6) and rows[0].numbers["err"] == 0.0
    data = json.loads((exp / "decode_greedy/test/score_wer/result.json").read_text())
    assert data["wrd"] == 6 and data["rtf"] == 0.25 and data["metric"] == "wer"
    text = write_results(exp, rows, "wer").read_text()
    # CER: "x y" -> "x" is 2 deleted characters (a space counts) of 10
    assert data["cer"] == pytest.approx(20.0)
    assert "|decode_greedy/test|2|6|83.3|0.0|16.7|0.0|16.7|50.0|20.0|0.2500|" in text
    utt = (exp / "decode_greedy/test/score_wer/utt_errors.tsv").read_text().splitlines()
    assert utt == ["utt\tref_words\tword_errors\tref_chars\tchar_errors", "u1\t4\t0\t7\t0", "u2\t2\t1\t3\t2"]
    assert "frozen: `encoder`" in text and "espnet version" in text


def test_bleu_cli(exp: Path, capsys):
    assert score_cli.main(["--metric", "bleu", "--exp_dir", str(exp), "--ref_dir", str(exp.parents[1] / "dump"),
                           "--sets", "test"]) == 0
    assert "decode_beam/test: BLEU 100.00" in capsys.readouterr().out
    assert "### BLEU" in (exp / "RESULTS.md").read_text()
    with pytest.raises(DataError, match="no decoding of the sets"):
        score_experiment(exp, exp.parents[1] / "dump", ["absent"], "wer")
