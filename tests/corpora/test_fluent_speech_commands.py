"""Fluent Speech Commands csv layout -> Kaldi data dirs with utt2intent; bad rows are counted and named."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import fluent_speech_commands as fsc
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

sf = pytest.importorskip("soundfile")


def _wav(path: Path, seconds: float = 0.5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros(int(16000 * seconds), np.float32), 16000, subtype="PCM_16")


HEADER = ",path,speakerId,transcription,action,object,location\n"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    ds = tmp_path / "fluent_speech_commands_dataset"
    spk = "wavs/speakers"
    for s, u in (("2BqVo8kVB2Skwgyb", "0a3129c0-4474-11e9-a9a5-5dbec3b8816a"),
                 ("2BqVo8kVB2Skwgyb", "0ee42a80-4474-11e9-a9a5-5dbec3b8816a"),
                 ("xRQE5VD7rRHVdyvM", "1a9ad1e0-4474-11e9-b9a3-cb4c0cd3a9e5")):
        _wav(ds / spk / s / f"{u}.wav")
    (ds / spk / "xRQE5VD7rRHVdyvM" / "broken.wav").write_bytes(b"nope")
    data = ds / "data"
    data.mkdir()
    rows = [
        "0,wavs/speakers/2BqVo8kVB2Skwgyb/0a3129c0-4474-11e9-a9a5-5dbec3b8816a.wav,2BqVo8kVB2Skwgyb,"
        "Change language,change language,none,none",
        '1,wavs/speakers/2BqVo8kVB2Skwgyb/0ee42a80-4474-11e9-a9a5-5dbec3b8816a.wav,2BqVo8kVB2Skwgyb,'
        '"Turn on the lights, in the kitchen",activate,lights,kitchen',
        "2,wavs/speakers/xRQE5VD7rRHVdyvM/missing.wav,xRQE5VD7rRHVdyvM,Lights on,activate,lights,none",
        "3,wavs/speakers/xRQE5VD7rRHVdyvM/broken.wav,xRQE5VD7rRHVdyvM,Lights off,deactivate,lights,none",
        "4,wavs/speakers/xRQE5VD7rRHVdyvM/1a9ad1e0-4474-11e9-b9a3-cb4c0cd3a9e5.wav,xRQE5VD7rRHVdyvM,,"
        "activate,music,none",
        "5,too,few,columns",
    ]
    (data / "train_data.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    (data / "valid_data.csv").write_text(HEADER + rows[0] + "\n", encoding="utf-8")
    (data / "test_data.csv").write_text(HEADER + rows[1] + "\n", encoding="utf-8")
    return tmp_path


def test_prepare(dataset: Path, tmp_path: Path):
    results = {r.split: r for r in fsc.prepare(dataset, tmp_path / "data")}
    train = DataDir.load(tmp_path / "data" / "train")
    assert train.validate() == []
    u1 = "2BqVo8kVB2Skwgyb_0a3129c0-4474-11e9-a9a5-5dbec3b8816a"
    u2 = "2BqVo8kVB2Skwgyb_0ee42a80-4474-11e9-a9a5-5dbec3b8816a"
    assert train.text == {u1: "Change language", u2: "Turn on the lights, in the kitchen"}
    assert train.extra["utt2intent"] == {u1: "change_language_none_none", u2: "activate_lights_kitchen"}
    assert train.utt2spk == {u1: "2BqVo8kVB2Skwgyb", u2: "2BqVo8kVB2Skwgyb"}
    assert train.extra["utt2dur"][u1] == "0.5"
    assert results["train"].counts() == {"bad_wav": 2, "empty_text": 1, "malformed_row": 1}
    excluded = (tmp_path / "data" / "train" / "excluded.txt").read_text()
    assert "missing.wav" in excluded and "broken.wav" in excluded and "train_data.csv:7" in excluded
    assert DataDir.load(tmp_path / "data" / "test").text == {u2: "Turn on the lights, in the kitchen"}


def test_bad_header_and_missing_csv(dataset: Path, tmp_path: Path):
    csv = dataset / "fluent_speech_commands_dataset" / "data" / "valid_data.csv"
    csv.write_text("path,speakerId,transcription\n", encoding="utf-8")
    with pytest.raises(DataError, match="valid_data.csv"):
        fsc.prepare(dataset, tmp_path / "data", ["valid"])
    csv.unlink()
    assert fsc.main(["--root", str(dataset), "--splits", "valid", "--out", str(tmp_path / "d")]) == 1


def test_intent_label():
    assert fsc.intent_label("change language", "Chinese", "none") == "change_language_Chinese_none"
