"""Speaker-balanced duration subsets, nested for a seed (Libri-light style)."""
from pathlib import Path

import pytest

from mmpt.bin import datadir as datadir_cli
from mmpt.data.datadir import DataDir
from mmpt.data.duration_subset import balanced_order, duration_subset, nested_subsets, parse_duration
from mmpt.data.errors import DataError


def _data(tmp_path: Path) -> DataDir:
    d = tmp_path / "train"
    d.mkdir()
    utts = [f"spk{s}-utt{u}" for s in range(4) for u in range(5)]
    (d / "wav.scp").write_text("".join(f"{u} /x/{u}.flac\n" for u in utts))
    (d / "text").write_text("".join(f"{u} A B\n" for u in utts))
    (d / "utt2spk").write_text("".join(f"{u} {u.split('-')[0]}\n" for u in utts))
    (d / "utt2dur").write_text("".join(f"{u} 10.0\n" for u in utts))
    return DataDir.load(d)


def test_parse_duration():
    assert parse_duration("600") == 600 and parse_duration("10min") == 600
    assert parse_duration("1h") == 3600 and parse_duration("90s") == 90


def test_order_is_round_robin_over_speakers(tmp_path):
    d = _data(tmp_path)
    order = balanced_order(d.utt2spk, seed=3)
    assert sorted(order) == sorted(d.utt_ids())
    first_round = {u.split("-")[0] for u in order[:4]}
    assert first_round == {"spk0", "spk1", "spk2", "spk3"}
    assert order == balanced_order(d.utt2spk, seed=3) and order != balanced_order(d.utt2spk, seed=4)


def test_subsets_are_nested_balanced_and_long_enough(tmp_path):
    d = _data(tmp_path)
    subs = nested_subsets(d, [35.0, 120.0], seed=1)
    small, big = subs[35.0], subs[120.0]
    assert len(small) == 4 and len(big) == 12  # shortest prefixes reaching 35 s and 120 s of 10 s utterances
    assert set(small) <= set(big)
    assert len({u.split("-")[0] for u in small}) == 4  # one per speaker before any speaker's second
    with pytest.raises(DataError, match="less than"):
        duration_subset(d, 1000.0, seed=1)


def test_cli_writes_the_subset(tmp_path):
    _data(tmp_path)
    out = tmp_path / "train_40s"
    assert datadir_cli.main(["subset", "--duration", "40s", "--seed", "2", str(tmp_path / "train"), str(out)]) == 0
    sub = DataDir.load(out)
    assert len(sub) == 4 and set(sub.extra["utt2dur"]) == set(sub.utt_ids())
