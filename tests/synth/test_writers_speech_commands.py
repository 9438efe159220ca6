"""Embedded Speech Commands (tiny): parsed into the 12 SUPERB KS classes; lists agree with the corpus's split
rule; clip format; determinism."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import speech_commands as sc
from mmpt.data.datadir import DataDir
from mmpt.synth.presets import get_preset
from mmpt.synth.writers.speech_commands import BACKGROUNDS, WORDS
from tests.synth.conftest_audio import generate, mtimes, tree_hashes

sf = pytest.importorskip("soundfile")
MAIN = "speech_commands/speech_commands_v0.01"
TEST = "speech_commands/speech_commands_test_set_v0.01"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, espeak):
    out = tmp_path_factory.mktemp("speech_commands")
    report = generate("speech_commands", out)
    data = tmp_path_factory.mktemp("speech_commands_data")
    sc.prepare(out / "speech_commands", data)
    return out, report, {n: DataDir.load(data / n) for n in ("train", "valid", "test")}


def test_parsed_back(corpus):
    out, _, dirs = corpus
    sizes = get_preset("tiny").sizes["speech_commands"]
    for name, d in dirs.items():
        assert d.validate() == [], name
        assert set(d.text.values()) <= set(sc.CLASSES)
        assert not (d.path / "excluded.txt").exists()
    test = Counter(dirs["test"].text.values())
    assert test == Counter({**{w: sizes["test_per_word"] for w in sc.COMMANDS},
                            "_unknown_": sizes["test_unknown"], "_silence_": sizes["test_silence"]})
    # Every clip of the main archive is in train, valid or the testing list; words map to 12 classes.
    main_clips = sorted((out / MAIN).glob("[a-z]*/*.wav"))
    assert len(main_clips) == 10 * sizes["per_word"] + sizes["unknown_words"] * sizes["per_unknown_word"]
    testing = (out / MAIN / "testing_list.txt").read_text().split()
    words = {**dirs["train"].extra["utt2word"], **dirs["valid"].extra["utt2word"]}
    assert sum(w != "_silence_" for w in words.values()) + len(testing) == len(main_clips)
    for d in (dirs["train"], dirs["valid"]):
        for utt, word in d.extra["utt2word"].items():
            assert d.text[utt] == (word if word in sc.COMMANDS or word == "_silence_" else "_unknown_")
    assert set(words.values()) <= set(WORDS[:10 + sizes["unknown_words"]]) | {"_silence_"}
    # _silence_ windows of the six background files: 5 s each in tiny -> 5 windows, 1 to valid.
    assert Counter(dirs["valid"].text.values())["_silence_"] == len(BACKGROUNDS)
    assert Counter(dirs["train"].text.values())["_silence_"] == 4 * len(BACKGROUNDS)


def test_lists_follow_the_hash_rule_and_speakers_disjoint(corpus):
    out, _, dirs = corpus
    for name, which in (("validation_list.txt", "validation"), ("testing_list.txt", "testing")):
        for rel in (out / MAIN / name).read_text().split():
            assert sc.which_set(rel) == which, rel
    for wav in (out / MAIN).glob("[a-z]*/*.wav"):
        rel = f"{wav.parent.name}/{wav.name}"
        listed = rel in (out / MAIN / "validation_list.txt").read_text().split() + (
            out / MAIN / "testing_list.txt").read_text().split()
        assert listed == (sc.which_set(wav.name) != "training")
    spk = {n: set(d.utt2spk.values()) - {"silence"} for n, d in dirs.items()}
    assert spk["train"] and not spk["train"] & spk["valid"] and not spk["train"] & spk["test"]
    for h in spk["train"] | spk["valid"] | spk["test"]:
        assert len(h) == 8 and int(h, 16) >= 0


def test_clip_format(corpus):
    out, _, _ = corpus
    for wav in list((out / MAIN).glob("[a-z]*/*.wav")) + list((out / TEST).glob("*/*.wav")):
        info = sf.info(str(wav))
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
        assert 0.2 <= info.frames / 16000 <= 1.0
        x, _ = sf.read(str(wav), dtype="float32")
        assert 0.001 < np.max(np.abs(x)) <= 1.0
    for name in BACKGROUNDS:
        info = sf.info(str(out / MAIN / "_background_noise_" / f"{name}.wav"))
        assert info.frames == 5 * 16000


def test_deterministic_and_resumable(corpus, tmp_path: Path):
    out, _, _ = corpus
    root = out / "speech_commands"
    before, stamps = tree_hashes(root), mtimes(root)
    again = generate("speech_commands", out)
    assert again.rendered == 0 and tree_hashes(root) == before
    assert all(mtimes(root)[k] == v for k, v in stamps.items() if k.endswith(".wav"))
    generate("speech_commands", tmp_path, nj=2)
    assert tree_hashes(tmp_path / "speech_commands") == before
