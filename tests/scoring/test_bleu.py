"""BLEU/chrF with sacrebleu on hand-made translations."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from mmpt.scoring.bleu import score_bleu, write_result


def test_identical_is_100():
    res = score_bleu({"a": "Der Hund schläft ."}, {"a": "Der Hund schläft ."})
    assert res.bleu == pytest.approx(100.0) and res.chrf == pytest.approx(100.0)
    assert "case:mixed" in res.bleu_signature and "tok:13a" in res.bleu_signature


def test_brevity_penalty_by_hand():
    # every n-gram of the hypothesis matches (precisions 1); only the brevity penalty exp(1 - 5/4) remains
    res = score_bleu({"a": "a b c d e"}, {"a": "a b c d"})
    assert res.bleu == pytest.approx(100 * math.exp(1 - 5 / 4), abs=1e-3)


def test_case_and_missing(caplog):
    refs = {"a": "Guten Morgen Welt heute", "b": "Hallo"}
    upper = score_bleu(refs, {"a": "guten morgen welt heute", "b": "hallo"})
    lower = score_bleu(refs, {"a": "guten morgen welt heute", "b": "hallo"}, lowercase=True)
    assert upper.bleu < lower.bleu == pytest.approx(100.0)  # true-cased BLEU punishes the case errors
    res = score_bleu(refs, {"a": "Guten Morgen Welt heute", "x": "y"}, where="hyp")
    assert res.missing == ["b"] and res.extra == ["x"] and res.bleu < 100.0
    assert "have no hypothesis" in caplog.text


def test_result_file(tmp_path: Path):
    res = score_bleu({"a": "a b c d e", "b": "x y"}, {"a": "a b c d", "b": "x y"})
    text = write_result(res, tmp_path / "score_bleu").read_text()
    assert text.startswith("BLEU = ") and "BLEU signature: nrefs:1" in text
    assert text.count("id: (") == 2 and "sentence BLEU: 100.00" in text
