"""mmpt.st.learning_curve: the model after E epochs, the reporter's values, the baseline comparison."""
from __future__ import annotations

import datetime

import numpy as np
import pytest
import torch

from mmpt.pack.load import ModelFileError
from mmpt.st.learning_curve import average_snapshots, best_epochs, compare_to_baseline, most_frequent, reporter_values


def _checkpoint(tmp_path, accs):
    stats = {e: {"train": {"loss": np.float64(10.0 - e), "acc": np.float64(a - 0.01)},
                 "valid": {"loss": np.float64(9.0 - e), "acc": np.float64(a)},
                 "time": {"train": datetime.timedelta(seconds=60)}}
             for e, a in enumerate(accs, start=1)}
    torch.save({"model": {"w": torch.zeros(1)}, "reporter": {"epoch": len(accs), "stats": stats},
                "optimizers": [], "schedulers": []}, tmp_path / "checkpoint.pth")


def test_reporter_values_reads_numpy_scalars_safely(tmp_path):
    _checkpoint(tmp_path, [0.1, 0.3, 0.2])
    assert reporter_values(tmp_path) == pytest.approx({1: 0.1, 2: 0.3, 3: 0.2})
    assert reporter_values(tmp_path, "train", "loss") == pytest.approx({1: 9.0, 2: 8.0, 3: 7.0})
    with pytest.raises(ModelFileError, match="no valid.bleu"):
        reporter_values(tmp_path, "valid", "bleu")


def test_reporter_values_refuses_code(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("ran",))

    torch.save({"reporter": {"stats": {1: {"valid": {"acc": Payload()}}}}}, tmp_path / "checkpoint.pth")
    with pytest.raises(ModelFileError, match="refused"):
        reporter_values(tmp_path)


def test_best_epochs_only_looks_up_to_e():
    values = {1: 0.1, 2: 0.5, 3: 0.3, 4: 0.9, 5: 0.3}
    assert best_epochs(values, 3, 2) == [2, 3]
    assert best_epochs(values, 5, 3) == [4, 2, 3]  # 3 and 5 tie: the earlier first
    assert best_epochs(values, 5, 2, mode="min") == [1, 3]
    with pytest.raises(ValueError, match="epoch"):
        best_epochs(values, 6, 3)


def test_average_snapshots_as_espnet(tmp_path):
    for e, v in ((1, 1.0), (2, 2.0), (3, 6.0)):
        state = {"w": torch.full((2,), v), "bn.num_batches_tracked": torch.tensor(10 * e)}
        torch.save(state, tmp_path / f"{e}epoch.pth")
    avg = average_snapshots(tmp_path, [1, 3])
    assert torch.equal(avg["w"], torch.full((2,), 3.5))
    assert int(avg["bn.num_batches_tracked"]) == 40  # integers accumulated, as espnet2's average_nbest_models
    with pytest.raises(ModelFileError, match="keep_nbest_models"):
        average_snapshots(tmp_path, [1, 4])


def test_compare_to_baseline():
    refs = {f"u{i}": f"questa è la frase numero {i} del corpus di prova" for i in range(40)}
    assert most_frequent({"a": "x y", "b": "z", "c": "x y"}) == "x y"
    good = compare_to_baseline(refs, dict(refs), "una frase qualunque", n_samples=200)
    assert good.bleu > 90 and good.passes()
    same = compare_to_baseline(refs, {u: "una frase qualunque" for u in refs}, "una frase qualunque", n_samples=200)
    assert same.bleu == pytest.approx(same.base_bleu) and not same.passes()
    empty = compare_to_baseline(refs, {}, refs["u0"], n_samples=200)  # no hypotheses: scored as empty
    assert empty.bleu == 0.0 and not empty.passes()
