"""SUPERB scoring: KS/IC accuracy, PR PER and SD DER on hand-made outputs, and RESULTS.md."""
from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
import torch

from mmpt.data.errors import DataError
from mmpt.superb import scoring


def _write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines))


# ----------------------------------------------------------------------------------------------- KS / IC / PR
def test_ks_accuracy(tmp_path):
    _write(tmp_path / "test_predict.txt", ["yes-a.wav yes", "no-b.wav _unknown_", "_silence_-1.wav _silence_",
                                           "up-c.wav up"])
    _write(tmp_path / "test_truth.txt", ["yes-a.wav yes", "no-b.wav no", "_silence_-1.wav _silence_", "up-c.wav up"])
    _write(tmp_path / "log.log", ["test at step 0: 0.75"])
    s = scoring.score_ks(tmp_path)
    assert (s.value, s.count, s.details["correct"]) == (0.75, 4, 3)
    assert s.details["per_class_accuracy"] == {"_silence_": 1.0, "no": 0.0, "up": 1.0, "yes": 1.0}
    assert s.details["s3prl_logged"] == 0.75


def test_ks_mismatched_files(tmp_path):
    _write(tmp_path / "test_predict.txt", ["a yes", "b no"])
    _write(tmp_path / "test_truth.txt", ["b no", "a yes"])
    with pytest.raises(DataError, match="line 1"):
        scoring.score_ks(tmp_path)
    _write(tmp_path / "test_truth.txt", ["a yes"])
    with pytest.raises(DataError, match="2 predictions but 1 references"):
        scoring.score_ks(tmp_path)
    with pytest.raises(DataError, match="stage 3"):
        scoring.score_ks(tmp_path / "nothing")


def test_ic_accuracy(tmp_path):
    _write(tmp_path / "test_predict.csv", ["u1,activate,lights,kitchen", "u2,increase,volume,none",
                                           "u3,change language,Korean,none"])
    _write(tmp_path / "test_truth.csv", ["u1,activate,lights,kitchen", "u2,increase,heat,none",
                                         "u3,change language,Korean,none"])
    s = scoring.score_ic(tmp_path)
    assert s.value == pytest.approx(2 / 3) and s.count == 3
    assert s.details["slot_accuracy"] == {"action": 1.0, "object": pytest.approx(2 / 3), "location": 1.0}


def test_pr_per(tmp_path):
    _write(tmp_path / "test-ref.ark", ["u1 h @ l oU", "u2 w 3: l d"])
    _write(tmp_path / "test-hyp.ark", ["u2 w 3: d d z", "u1 "])  # other order; an empty hypothesis
    s = scoring.score_pr(tmp_path)
    # u1: 4 deletions; u2: 1 substitution (l->d) + 1 insertion (z) over 8 reference phones
    assert s.details == {"phones": 8, "substitutions": 1, "deletions": 4, "insertions": 1}
    assert s.value == pytest.approx(6 / 8) and s.count == 2
    _write(tmp_path / "test-hyp.ark", ["u1 h"])
    with pytest.raises(DataError, match="utterances differ"):
        scoring.score_pr(tmp_path)


# ----------------------------------------------------------------------------------------------------- SD
def test_der_confusion_and_collar():
    ref = {"r": [("A", 0.0, 10.0), ("B", 10.0, 20.0)]}
    hyp = {"r": [("x", 0.0, 12.0), ("y", 12.0, 20.0)]}
    out = scoring.der(ref, hyp, {"r": 20.0})
    assert out["der"] == pytest.approx(0.1)
    assert (out["total"], out["confusion"], out["missed"], out["false_alarm"]) == pytest.approx((20, 2, 0, 0))
    # md-eval collar 0.25: 0.25 s each side of 0, 10, 20 is not scored -> 19 s of speech, 1.75 s confused
    out = scoring.der(ref, hyp, {"r": 20.0}, collar=0.25)
    assert out["total"] == pytest.approx(19.0)
    assert out["der"] == pytest.approx(1.75 / 19.0)


def test_der_miss_false_alarm_overlap_and_aggregation():
    ref = {"a": [("A", 0.0, 4.0)], "b": [("A", 0.0, 6.0), ("B", 4.0, 10.0)], "c": [("C", 1.0, 3.0)]}
    hyp = {"a": [("x", 1.0, 5.0)], "b": [("x", 0.0, 10.0)]}  # nothing for c: all missed
    durs = {"a": 6.0, "b": 10.0, "c": 3.0}
    # a: 1 s missed + 1 s false alarm over 4 s; b: one hypothesis speaker for an overlap: 2 s missed in
    # [4, 6], 4 s confused (whichever speaker x maps to) over 12 s; c: 2 s missed
    assert scoring.der({"a": ref["a"]}, {"a": hyp["a"]}, {"a": 6.0})["der"] == pytest.approx(0.5)
    assert scoring.der({"b": ref["b"]}, {"b": hyp["b"]}, {"b": 10.0})["der"] == pytest.approx(0.5)
    out = scoring.der(ref, hyp, durs)
    assert (out["total"], out["missed"], out["false_alarm"], out["confusion"]) == pytest.approx((18, 5, 1, 4))
    assert out["der"] == pytest.approx(10 / 18)


def test_der_scores_only_inside_the_recording():
    ref = {"r": [("A", 0.0, 2.0)]}
    assert scoring.der(ref, {"r": [("x", 0.0, 5.0)]}, {"r": 2.0})["der"] == pytest.approx(0.0)


def test_predictions_to_turns_threshold_and_median():
    probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.1], [0.9, 0.6], [0.9, 0.6], [0.1, 0.1]])
    turns = scoring.predictions_to_turns(probs, 0.5, 1, 0.01)
    assert turns == [("spk0", 0.0, 0.02), ("spk0", pytest.approx(0.03), pytest.approx(0.05)),
                     ("spk1", pytest.approx(0.03), pytest.approx(0.05))]
    assert scoring.predictions_to_turns(probs, 0.5, 3, 0.01)[0] == ("spk0", 0.0, pytest.approx(0.05))
    assert scoring.predictions_to_turns(probs, 0.7, 1, 0.01) == [("spk0", 0.0, 0.02),
                                                                ("spk0", pytest.approx(0.03), pytest.approx(0.05))]


def test_rttm_round_trip_and_errors(tmp_path):
    turns = {"m2": [("s1", 0.5, 1.25)], "m1": [("s2", 1.0, 2.0), ("s1", 0.0, 1.5)]}
    scoring.write_rttm(turns, tmp_path / "x.rttm")
    back = scoring.read_rttm(tmp_path / "x.rttm")
    assert back == {"m1": [("s1", 0.0, 1.5), ("s2", 1.0, 2.0)], "m2": [("s1", 0.5, 1.25)]}
    _write(tmp_path / "bad.rttm", ["SPEAKER m1 1 0.0 abc <NA> <NA> s1 <NA> <NA>"])
    with pytest.raises(DataError, match="line 1"):
        scoring.read_rttm(tmp_path / "bad.rttm")


def _sd_setup(tmp_path, recordings):
    """data dir with rttm / reco2dur, eval dir with s3prl-style predictions (10 ms frames)."""
    import h5py

    data, eval_dir = tmp_path / "data", tmp_path / "eval"
    ref_lines, durs = [], []
    for rec, (dur, turns, probs) in recordings.items():
        durs.append(f"{rec} {dur}")
        ref_lines += [f"SPEAKER {rec} 1 {s:.2f} {e - s:.2f} <NA> <NA> {spk} <NA> <NA>" for spk, s, e in turns]
        if probs is not None:
            (eval_dir / "scoring" / "predictions").mkdir(parents=True, exist_ok=True)
            with h5py.File(eval_dir / "scoring" / "predictions" / f"{rec}.h5", "w") as f:
                f.create_dataset("T_hat", data=probs)
    _write(data / "rttm", ref_lines)
    _write(data / "reco2dur", durs)
    _write(eval_dir / "frame_shift", ["160"])
    return data, eval_dir


def test_score_sd_grid(tmp_path):
    # 2 s recording: A speaks 0-1 s, B 1-2 s; the prediction is right plus 0.5 s of padding frames past the
    # end (s3prl pads the last chunk), which must not count
    probs = np.zeros((250, 2))
    probs[:100, 0] = 0.8
    probs[100:200, 1] = 0.65
    probs[200:, :] = 0.9
    data, eval_dir = _sd_setup(tmp_path, {"mix1": (2.0, [("A", 0.0, 1.0), ("B", 1.0, 2.0)], probs)})
    s = scoring.score_sd(eval_dir, data)
    assert s.value == pytest.approx(0.0) and s.count == 1
    assert len(s.details["grid"]) == 10 and s.details["frame_shift"] == 160
    by_th = {(g["threshold"], g["median"]): g["der"] for g in s.details["grid"]}
    assert by_th[(0.7, 1)] == pytest.approx(0.5)  # B (0.65) is lost above 0.65
    assert (eval_dir / "scoring" / "hyp_0.5_11.rttm").is_file()
    assert s.details["best"]["threshold"] <= 0.6


def test_score_sd_missing_and_unknown_predictions(tmp_path):
    probs = np.zeros((100, 2))
    probs[:, 0] = 0.9
    recs = {"m1": (1.0, [("A", 0.0, 1.0)], probs), "m2": (1.0, [("B", 0.0, 1.0)], None)}
    data, eval_dir = _sd_setup(tmp_path, recs)
    s = scoring.score_sd(eval_dir, data)
    assert s.value == pytest.approx(0.5) and s.details["recordings_without_prediction"] == ["m2"]
    (tmp_path / "data" / "reco2dur").write_text("m2 1.0\n")
    with pytest.raises(DataError, match="not in"):
        scoring.score_sd(eval_dir, data)


# -------------------------------------------------------------------------------------------------- results
def test_checkpoint_step_and_results(tmp_path):
    ckpt = tmp_path / "dev-best.ckpt"
    torch.save({"Step": 1200, "Args": argparse.Namespace(expdir="x"), "Config": {"runner": {}},
                "Downstream": {"w": torch.zeros(2)}}, ckpt)
    assert scoring.checkpoint_step(ckpt) == 1200
    (tmp_path / "junk.ckpt").write_bytes(b"not a checkpoint")
    assert scoring.checkpoint_step(tmp_path / "junk.ckpt") is None

    ks = tmp_path / "exp" / "pt_mae" / "ks" / scoring.EVAL_DIR
    _write(ks / "test_predict.txt", ["a yes", "b no"])
    _write(ks / "test_truth.txt", ["a yes", "b yes"])
    s = scoring.score_task("ks", ks, checkpoint=ckpt, upstream="/x/valid.loss.ave.pth")
    assert json.loads((ks / "result.json").read_text())["value"] == 0.5
    assert "KS test accuracy: 50.00 %" in (ks / "result.txt").read_text()
    assert s.step == 1200
    pr = tmp_path / "exp" / "asr_ls" / "pr" / scoring.EVAL_DIR
    _write(pr / "test-ref.ark", ["u1 a b c d"])
    _write(pr / "test-hyp.ark", ["u1 a b c"])
    scoring.score_task("pr", pr)
    out = scoring.write_results(tmp_path / "exp")
    text = out.read_text()
    assert out == tmp_path / "exp" / "RESULTS.md"
    assert "## pt_mae" in text and "## asr_ls" in text and "`/x/valid.loss.ave.pth`" in text
    assert "| KS (keyword spotting) | accuracy | 50.00 | 1200 | 2 | dev-best.ckpt |" in text
    assert "| PR (phone recognition) | PER | 25.00 | - | 1 | - | 4 phones |" in text
    with pytest.raises(ValueError, match="test data directory"):
        scoring.score_task("sd", pr)
    with pytest.raises(DataError, match="stage 4"):
        scoring.write_results(tmp_path / "empty")
