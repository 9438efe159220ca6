"""Speech Commands -> SUPERB KS data dirs: the real samples, the lists, silence windows, bad input."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import speech_commands as sc
from mmpt.data.datadir import DataDir

sf = pytest.importorskip("soundfile")


def _rule(name: str) -> str:
    """The corpus README's split rule, written out independently of the module under test."""
    h = int(hashlib.sha1(re.sub(r"_nohash_.*$", "", name).encode()).hexdigest(), 16)
    pct = (h % 2**27) * (100.0 / (2**27 - 1))
    return "validation" if pct < 10 else "testing" if pct < 20 else "training"


def test_real_samples(realdata: Path, tmp_path: Path):
    root = realdata / "speech_commands"
    results = sc.prepare(root, tmp_path)
    dirs = {r.name: DataDir.load(tmp_path / r.name) for r in results}
    for d in dirs.values():
        assert d.validate() == []
    test = dirs["test"]
    assert test.text == {
        "0c40e715_stop_nohash_0": "stop",
        "0c40e715_stop_nohash_1": "stop",
        "48a8a69d_bird_nohash_0": "_unknown_",
        "8ec6dab6_bird_nohash_0": "_unknown_",
        "silence_test_27_0000": "_silence_",
        "silence_test_5_0000": "_silence_",
    }
    assert test.extra["utt2word"]["48a8a69d_bird_nohash_0"] == "bird"
    assert test.utt2spk["0c40e715_stop_nohash_1"] == "0c40e715"
    # Main archive: no lists in the samples, so the split follows the speaker-hash rule.
    main = root / "speech_commands_v0.01"
    expected = {"training": {}, "validation": {}}
    for wav in sorted(main.glob("[a-z]*/*.wav")):
        which = _rule(wav.name)
        if which != "testing":
            word = wav.parent.name
            expected[which][f"{wav.name.split('_')[0]}_{word}_nohash_{wav.stem.rsplit('_', 1)[1]}"] = (
                "yes" if word == "yes" else "_unknown_")
    for name, which in (("train", "training"), ("valid", "validation")):
        words = {u: t for u, t in dirs[name].text.items() if t != "_silence_"}
        assert words == expected[which]
    assert set(dirs["train"].text.values()) >= {"yes", "_unknown_", "_silence_"}
    # Silence: 1 s windows of the 95.18 s noise file, every 10th to valid.
    sil_train = [u for u, t in dirs["train"].text.items() if t == "_silence_"]
    sil_valid = [u for u, t in dirs["valid"].text.items() if t == "_silence_"]
    assert len(sil_train) == 85 and len(sil_valid) == 10
    seg = dirs["valid"].segments["silence_doing_the_dishes_0090"]
    assert (seg.reco, seg.start, seg.end) == ("doing_the_dishes", 90.0, 91.0)


def _clip(path: Path, seconds: float = 1.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros(int(16000 * seconds), np.float32), 16000, subtype="PCM_16")


def test_lists_and_bad_input(tmp_path: Path):
    main = tmp_path / "speech_commands_v0.01"
    for rel in ("yes/aaaa0001_nohash_0.wav", "yes/bbbb0002_nohash_0.wav", "no/cccc0003_nohash_1.wav",
                "cat/aaaa0001_nohash_0.wav", "go/dddd0004_nohash_0.wav"):
        _clip(main / rel)
    _clip(main / "go" / "not-a-clip.wav")
    (main / "up").mkdir()
    (main / "up" / "eeee0005_nohash_0.wav").write_bytes(b"RIFF garbage")
    _clip(main / "_background_noise_" / "white noise.wav", 12.5)
    _clip(main / "_background_noise_" / "tiny.wav", 0.5)
    (main / "validation_list.txt").write_text("yes/bbbb0002_nohash_0.wav\nyes/gone_nohash_0.wav\n")
    (main / "testing_list.txt").write_text("no/cccc0003_nohash_1.wav\n")
    results = {r.name: r for r in sc.prepare(tmp_path, tmp_path / "data")}
    train = DataDir.load(tmp_path / "data" / "train")
    valid = DataDir.load(tmp_path / "data" / "valid")
    test = DataDir.load(tmp_path / "data" / "test")
    for d in (train, valid, test):
        assert d.validate() == []
    assert {u: t for u, t in train.text.items() if t != "_silence_"} == {
        "aaaa0001_yes_nohash_0": "yes", "aaaa0001_cat_nohash_0": "_unknown_", "dddd0004_go_nohash_0": "go"}
    assert {u: t for u, t in valid.text.items() if t != "_silence_"} == {"bbbb0002_yes_nohash_0": "yes"}
    # No test archive: the testing list is used.
    assert test.text == {"cccc0003_no_nohash_1": "no"}
    # 12 windows of "white noise.wav": 0 and 10 to valid; the recording id has no space.
    assert sorted(u for u, t in valid.text.items() if t == "_silence_") == [
        "silence_white_noise_0000", "silence_white_noise_0010"]
    assert sum(t == "_silence_" for t in train.text.values()) == 10
    cats = sorted(e.category for e in results["train"].exclusions)
    assert cats == ["bad_name", "missing_file", "short_noise", "unreadable_audio"]
    excluded = (tmp_path / "data" / "train" / "excluded.txt").read_text()
    assert "eeee0005_nohash_0.wav" in excluded and "gone_nohash_0.wav" in excluded
