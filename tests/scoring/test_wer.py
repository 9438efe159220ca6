"""WER with jiwer on hand-made hypotheses: totals, alignments, missing/extra utterances, result.txt."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.scoring.wer import format_alignment, score_wer, wer_table, write_result

REFS = {"u1": "a b c d", "u2": "x y z", "u3": "p q"}


def test_counts_on_known_strings(caplog):
    hyps = {"u1": "a c c d e", "u2": "x z", "zz": "extra"}
    res = score_wer(REFS, hyps, where="hyp.txt")
    by_utt = {u.utt: u for u in res.utts}
    # u1: b->c substituted, e inserted; u2: y deleted; u3: no hypothesis -> 2 deletions
    u1 = by_utt["u1"]
    assert (u1.hits, u1.substitutions, u1.deletions, u1.insertions) == (3, 1, 0, 1)
    assert (by_utt["u2"].hits, by_utt["u2"].deletions) == (2, 1)
    assert (by_utt["u3"].hits, by_utt["u3"].deletions) == (0, 2)
    assert res.missing == ["u3"] and res.extra == ["zz"]
    assert res.ref_words == 9 and res.errors == 5
    assert res.wer == pytest.approx(100 * 5 / 9)
    assert res.sentence_errors == 3 and res.ser == pytest.approx(100.0)
    assert "1 of 3 reference utterances have no hypothesis" in caplog.text and "hyp.txt" in caplog.text
    t = wer_table(res)
    assert t["snt"] == 3 and t["wrd"] == 9
    assert t["sub"] == pytest.approx(100 / 9) and t["del"] == pytest.approx(300 / 9)
    assert t["ins"] == pytest.approx(100 / 9) and t["corr"] == pytest.approx(500 / 9)


def test_alignment_lines():
    res = score_wer({"u1": "a bb c d"}, {"u1": "a c c d eee"})
    text = format_alignment(res.utts[0])
    assert text.splitlines() == [
        "id: (u1)",
        "Scores: (#C #S #D #I) 3 1 0 1",
        "REF:  a bb c d ***",
        "HYP:  a c  c d eee",
        "Eval:   S      I",
    ]


def test_perfect_and_empty():
    assert score_wer({"u": "a b"}, {"u": "a b"}).wer == 0.0
    res = score_wer({"u": "a b"}, {"u": ""})
    assert res.wer == 100.0 and res.deletions == 2 and res.missing == []
    assert score_wer({}, {}).wer == 0.0


def test_result_file(tmp_path: Path):
    res = score_wer(REFS, {"u1": "a b c d", "u2": "x y"})
    path = write_result(res, tmp_path / "score_wer", ref_file="ref", hyp_file="hyp")
    text = path.read_text()
    assert "%WER 33.33 [ 3 / 9, 0 ins, 3 del, 0 sub ]" in text
    assert "%SER 66.67 [ 2 / 3 ]" in text
    assert "Missing hypotheses: u3" in text
    assert text.count("id: (") == 3 and "REF file: ref" in text


def test_char_errors_count_spaces_and_missing_hypotheses():
    from mmpt.scoring.wer import char_errors

    got = char_errors({"a": "HELLO  WORLD", "b": "A B", "c": ""}, {"a": "HELO WORLD", "c": "X"})
    assert got == {"a": (1, 11), "b": (3, 3), "c": (1, 0)}
