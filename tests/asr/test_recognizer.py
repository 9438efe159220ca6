"""CTC best-path collapsing and paths stored in training configs."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.asr.recognizer import ctc_collapse, resolve_train_path
from mmpt.data.errors import DataError


@pytest.mark.parametrize("ids, expected", [
    ([1, 1, 0, 1, 2, 2], [1, 1, 2]),
    ([0, 0, 0], []),
    ([3, 0, 3, 3, 0, 0, 4], [3, 3, 4]),
    ([], []),
])
def test_ctc_collapse(ids, expected):
    assert ctc_collapse(ids) == expected


def test_ctc_collapse_other_blank():
    assert ctc_collapse([5, 5, 2, 5], blank=5) == [2]


def test_resolve_train_path(tmp_path: Path, monkeypatch):
    recipe = tmp_path / "recipe"
    exp = recipe / "exp" / "asr_x"
    exp.mkdir(parents=True)
    (recipe / "data" / "token_list").mkdir(parents=True)
    bpe = recipe / "data" / "token_list" / "bpe.model"
    bpe.write_text("x")
    config = exp / "config.yaml"
    config.write_text("{}")
    monkeypatch.chdir(tmp_path)  # not the recipe dir: relative paths resolve against it
    assert resolve_train_path("data/token_list/bpe.model", config) == str(bpe)
    bpe.unlink()
    (exp / "bpe.model").write_text("copy")  # the copy the training stage puts beside config.yaml
    assert resolve_train_path("data/token_list/bpe.model", config) == str(exp / "bpe.model")
    assert resolve_train_path(None, config) is None
    with pytest.raises(DataError, match="gone.model"):
        resolve_train_path("gone.model", config)
