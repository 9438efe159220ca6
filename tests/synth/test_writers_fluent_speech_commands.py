"""Embedded Fluent Speech Commands (tiny): parsed with utt2intent; intents, phrasings, speakers, determinism."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mmpt.corpora import fluent_speech_commands as fsc
from mmpt.data.datadir import DataDir
from mmpt.synth.presets import get_preset
from mmpt.synth.writers.fluent_speech_commands import INTENTS, phrasings
from tests.synth.conftest_audio import generate, mtimes, tree_hashes

sf = pytest.importorskip("soundfile")
SPLITS = ("train", "valid", "test")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak):
    out = tmp_path_factory.mktemp("fsc")
    report = generate("fluent_speech_commands", out)
    data = tmp_path_factory.mktemp("fsc_data")
    fsc.prepare(out / "fluent_speech_commands", data)
    return out, report, {s: DataDir.load(data / s) for s in SPLITS}


def test_parsed_back(corpus):
    out, _, dirs = corpus
    sizes = get_preset("tiny").sizes["fluent_speech_commands"]
    labels = {fsc.intent_label(*i): i for i in INTENTS}
    for split, d in dirs.items():
        assert d.validate() == [], split
        assert len(d) == sizes[split]
        for utt, intent in d.extra["utt2intent"].items():
            assert d.text[utt] in phrasings(*labels[intent])
            assert utt.startswith(d.utt2spk[utt] + "_")
            info = sf.info(d.wav_scp[utt])
            assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
            assert 0.5 < info.frames / 16000 < 6.0
    # s3prl's IC takes its label set from train: valid/test intents must all occur there.
    train = set(dirs["train"].extra["utt2intent"].values())
    assert len(train) == min(sizes["train"], len(INTENTS))
    for split in ("valid", "test"):
        assert set(dirs[split].extra["utt2intent"].values()) <= train
    with open(out / "fluent_speech_commands/fluent_speech_commands_dataset/data/train_data.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["", "path", "speakerId", "transcription", "action", "object", "location"]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(sizes["train"])]
    assert all(r[1].startswith("wavs/speakers/") and len(r[2]) == 16 for r in rows[1:])


def test_speakers_disjoint(corpus):
    _, _, dirs = corpus
    spk = {s: set(d.utt2spk.values()) for s, d in dirs.items()}
    assert not spk["train"] & spk["valid"] and not spk["train"] & spk["test"] and not spk["valid"] & spk["test"]


def test_every_intent_has_phrasings():
    assert len(INTENTS) == 31 and len(set(INTENTS)) == 31
    for intent in INTENTS:
        ps = phrasings(*intent)
        assert len(ps) >= 4 and len(set(ps)) == len(ps)
        if intent[1] in ("lamp", "music", "newspaper", "juice", "socks", "shoes", "Chinese", "German"):
            assert all(intent[1].lower() in p.lower() for p in ps)
        if intent[2] != "none":
            assert all(intent[2] in p.lower() for p in ps)


def test_deterministic_and_resumable(corpus, tmp_path: Path):
    out, _, _ = corpus
    root = out / "fluent_speech_commands"
    before, stamps = tree_hashes(root), mtimes(root)
    again = generate("fluent_speech_commands", out)
    assert again.rendered == 0 and tree_hashes(root) == before
    assert all(mtimes(root)[k] == v for k, v in stamps.items() if k.endswith(".wav"))
    generate("fluent_speech_commands", tmp_path, nj=2)
    assert tree_hashes(tmp_path / "fluent_speech_commands") == before
