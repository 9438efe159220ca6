"""The s3prl inputs of KS / IC / PR built from Kaldi data directories (mmpt.superb.prepare)."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mmpt.data.errors import DataError
from mmpt.superb import prepare


def _wav(path: Path, seconds: float = 1.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), np.zeros(int(16000 * seconds), np.float32), 16000, subtype="PCM_16")
    return path


def _links(root: Path) -> dict:
    return {str(p.relative_to(root)): Path(os.readlink(p)) for p in root.rglob("*") if p.is_symlink()}


# ------------------------------------------------------------------------------------------------------- KS
@pytest.fixture
def speech_commands(tmp_path):
    """A Speech Commands v0.01 corpus without lists and without test archive, parsed into data/ks."""
    from mmpt.corpora.speech_commands import prepare as parse
    from mmpt.corpora.speech_commands import which_set

    main = tmp_path / "corpus" / "speech_commands_v0.01"
    hashes = {}
    for i in range(200):  # a speaker hash of each set
        h = f"{i:08x}"
        hashes.setdefault(which_set(f"{h}_nohash_0.wav"), h)
        if len(hashes) == 3:
            break
    for word in ("yes", "bed"):
        for h in hashes.values():
            _wav(main / word / f"{h}_nohash_0.wav")
    _wav(main / "_background_noise_" / "white_noise.wav", 12.0)
    (main / "bed" / "bad_name.wav").write_bytes(b"")  # excluded by the parser
    parse(tmp_path / "corpus", tmp_path / "data" / "ks")
    return main, hashes


def test_ks_view_from_testing_list_clips(speech_commands, tmp_path):
    main, hashes = speech_commands
    res = prepare.prepare_ks(tmp_path / "data" / "ks", tmp_path / "view")
    links = _links(tmp_path / "view")
    tr, va, te = hashes["training"], hashes["validation"], hashes["testing"]
    assert set(links) == {
        f"speech_commands_v0.01/{w}/{h}_nohash_0.wav" for w in ("yes", "bed") for h in (tr, va)
    } | {"speech_commands_v0.01/_background_noise_/white_noise.wav",
         f"speech_commands_test_set_v0.01/yes/{te}_nohash_0.wav",
         f"speech_commands_test_set_v0.01/_unknown_/bed_{te}_nohash_0.wav"}  # the test archive's naming
    assert links[f"speech_commands_v0.01/yes/{tr}_nohash_0.wav"] == (main / "yes" / f"{tr}_nohash_0.wav").absolute()
    view = tmp_path / "view" / "speech_commands_v0.01"
    assert (view / "validation_list.txt").read_text() == f"bed/{va}_nohash_0.wav\nyes/{va}_nohash_0.wav\n"
    assert (view / "testing_list.txt").read_text() == ""
    assert res.counts["clips"] == 4 and res.counts["background_files"] == 1

    # idempotent; and a clip gone from the data directory disappears from the view
    stamp = (view / "validation_list.txt").stat().st_mtime_ns
    prepare.prepare_ks(tmp_path / "data" / "ks", tmp_path / "view")
    assert _links(tmp_path / "view") == links and (view / "validation_list.txt").stat().st_mtime_ns == stamp
    os.remove(main / "yes" / f"{tr}_nohash_0.wav")
    from mmpt.corpora.speech_commands import prepare as parse

    parse(tmp_path / "corpus", tmp_path / "data" / "ks")
    prepare.prepare_ks(tmp_path / "data" / "ks", tmp_path / "view")
    assert f"speech_commands_v0.01/yes/{tr}_nohash_0.wav" not in _links(tmp_path / "view")


def test_ks_view_refuses_regular_files(speech_commands, tmp_path):
    _, hashes = speech_commands
    _wav(tmp_path / "view" / "speech_commands_v0.01" / "yes" / f"{hashes['training']}_nohash_0.wav")
    with pytest.raises(DataError, match="not a symlink"):
        prepare.prepare_ks(tmp_path / "data" / "ks", tmp_path / "view")


# ------------------------------------------------------------------------------------------------------- IC
def _fsc(tmp_path: Path, rows: dict) -> Path:
    dataset = tmp_path / "fsc" / "fluent_speech_commands_dataset"
    for split, items in rows.items():
        (dataset / "data").mkdir(parents=True, exist_ok=True)
        with open(dataset / "data" / f"{split}_data.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["", "path", "speakerId", "transcription", "action", "object", "location"])
            for i, (spk, name, text, a, o, loc) in enumerate(items):
                rel = f"wavs/speakers/{spk}/{name}.wav"
                if name != "missing":
                    _wav(dataset / rel, 1.5)
                w.writerow([i, rel, spk, text, a, o, loc])
    return dataset


def test_ic_view(tmp_path):
    from mmpt.corpora.fluent_speech_commands import prepare as parse

    dataset = _fsc(tmp_path, {
        "train": [("s1", "u1", "Lights on", "activate", "lights", "none"),
                  ("s1", "u2", "Bring me my shoes, please", "bring", "shoes", "none"),
                  ("s2", "missing", "Volume up", "increase", "volume", "none")],
        "valid": [("s3", "u3", "Lights on", "activate", "lights", "none")],
        "test": [("s4", "u4", "Shoes", "bring", "shoes", "none"),
                 ("s4", "u5", "Heat up", "increase", "heat", "kitchen")],  # never in train: excluded
    })
    parse(dataset.parent, tmp_path / "data")
    res = prepare.prepare_ic(dataset.parent, tmp_path / "data", tmp_path / "view")
    assert res.counts == {"train": 2, "valid": 1, "test": 1}
    assert len(res.excluded) == 1
    assert "object='heat'" in res.excluded[0][1] and "location='kitchen'" in res.excluded[0][1]

    import pandas as pd  # s3prl reads the csvs with pandas

    train = pd.read_csv(tmp_path / "view" / "data" / "train_data.csv")
    assert list(train.columns[1:]) == ["path", "speakerId", "transcription", "action", "object", "location"]
    assert train.loc[1, "transcription"] == "Bring me my shoes, please"
    assert Path(train.loc[0, "path"]).is_absolute() and Path(train.loc[0, "path"]).is_file()
    assert os.path.join("/anything", train.loc[0, "path"]) == train.loc[0, "path"]  # s3prl joins file_path
    test = pd.read_csv(tmp_path / "view" / "data" / "test_data.csv")
    assert list(test["object"]) == ["shoes"]


def test_ic_view_from_another_corpus(tmp_path):
    from mmpt.corpora.fluent_speech_commands import prepare as parse

    rows = {s: [("s1", f"{s}1", "Lights on", "activate", "lights", "none")] for s in ("train", "valid", "test")}
    dataset = _fsc(tmp_path, rows)
    parse(dataset.parent, tmp_path / "data")
    (dataset / "data" / "valid_data.csv").write_text(",path,speakerId,transcription,action,object,location\n")
    with pytest.raises(DataError, match="not found in"):
        prepare.prepare_ic(dataset.parent, tmp_path / "data", tmp_path / "view")


# ------------------------------------------------------------------------------------------------------- PR
def test_pr_files(tmp_path, espeak):
    from mmpt.data.datadir import DataDir
    from mmpt.superb.libriphone import read_lexicon

    splits = {}
    for name, text in (("train", "HELLO WORLD"), ("dev", "THE WORLD"), ("test", "HELLO THERE")):
        wav = _wav(tmp_path / "audio" / f"{name}.wav")
        DataDir(wav_scp={f"u_{name}": str(wav)}, text={f"u_{name}": text}, utt2spk={f"u_{name}": "s"}).write(
            tmp_path / "data" / name)
        splits[name] = tmp_path / "data" / name
    res = prepare.prepare_pr(splits, tmp_path / "pr")
    assert res.counts["words"] == 4 and res.counts["train"] == 1
    lexicon = read_lexicon([tmp_path / "pr" / "lexicon.txt"])
    assert sorted(lexicon) == ["HELLO", "THE", "THERE", "WORLD"]
    phones = (tmp_path / "pr" / "phones.txt").read_text().split()
    assert phones == sorted({p for pron in lexicon.values() for p in pron})
    rows = list(csv.DictReader(open(tmp_path / "pr" / "csv" / "test.csv")))
    assert rows == [{"wav_path": str((tmp_path / "audio" / "test.wav").resolve()), "transcription": "HELLO THERE"}]
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "pr").rglob("*") if p.is_file()}
    prepare.prepare_pr(splits, tmp_path / "pr")  # nothing rewritten
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "pr").rglob("*") if p.is_file()} == stamps
    with pytest.raises(ValueError, match="dev"):
        prepare.prepare_pr({"train": splits["train"], "test": splits["test"]}, tmp_path / "pr")
