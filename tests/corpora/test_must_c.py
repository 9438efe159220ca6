"""MuST-C layout -> Kaldi data dirs: cutting, text variants, and every kind of bad input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import must_c
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

sf = pytest.importorskip("soundfile")
SR = 16000


def _talk(path: Path, seconds: float, seed: int) -> np.ndarray:
    """A talk whose every sample differs (so cuts can be compared exactly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(seed).uniform(-0.5, 0.5, int(SR * seconds)).astype(np.float32)
    sf.write(str(path), x, SR, subtype="PCM_16")
    return sf.read(str(path), dtype="float32")[0]


def _split(root: Path, split: str, entries: list, en: list, de: list) -> Path:
    txt = root / "en-de" / "data" / split / "txt"
    txt.mkdir(parents=True, exist_ok=True)
    (txt / f"{split}.yaml").write_text("".join(f"- {e}\n" for e in entries), encoding="utf-8")
    (txt / f"{split}.en").write_text("".join(x + "\n" for x in en), encoding="utf-8")
    (txt / f"{split}.de").write_text("".join(x + "\n" for x in de), encoding="utf-8")
    return txt


def _entry(offset: float, duration: float, talk: int) -> str:
    return (f"{{duration: {duration:.6f}, offset: {offset:.6f}, rW: 3, uW: 0, speaker_id: spk.{talk}, "
            f"wav: ted_{talk}.wav}}")


@pytest.fixture
def corpus(tmp_path: Path):
    root = tmp_path / "must_c"
    wav = root / "en-de" / "data" / "dev" / "wav"
    audio = {767: _talk(wav / "ted_767.wav", 6.0, 0), 12: _talk(wav / "ted_12.wav", 3.0, 1)}
    _split(
        root,
        "dev",
        [_entry(0.5, 1.25, 767), _entry(2.0, 2.0, 767), _entry(1.0, 1.5, 12), _entry(5.5, 0.55, 767)],
        ["Hello, world!", "(Laughter) It's a well-known \"fact\".", "Third one.", "Past the end, barely."],
        ["Hallo, Welt!", "Es ist eine bekannte Tatsache.", "Der dritte.", "Knapp danach."],
    )
    return root, audio


def test_segments_texts_and_cuts(corpus, tmp_path: Path):
    root, audio = corpus
    (res,) = must_c.prepare(root, "de", ["dev"], tmp_path / "data")
    out = tmp_path / "data" / "dev.en-de"
    d = DataDir.load(out)
    assert d.validate() == []
    assert res.exclusions == [] and res.num_talks == 2
    ids = d.utt_ids()
    assert ids == ["ted_00012_0001000_0002500", "ted_00767_0000500_0001750", "ted_00767_0002000_0004000",
                   "ted_00767_0005500_0006000"]
    assert d.extra["text.tc.en"]["ted_00767_0002000_0004000"] == "(Laughter) It's a well-known \"fact\"."
    assert d.extra["text.lc.rm.en"]["ted_00767_0002000_0004000"] == "it's a well-known fact"
    assert d.extra["text.lc.en"]["ted_00767_0000500_0001750"] == "hello, world!"
    assert d.extra["text.tc.de"]["ted_00012_0001000_0002500"] == "Der dritte."
    assert d.text == d.extra["text.tc.de"]
    assert d.utt2spk["ted_00012_0001000_0002500"] == "ted_00012"
    # The last segment ends 0.05 s after its talk: clipped to the end.
    assert d.segments["ted_00767_0005500_0006000"].end == pytest.approx(6.0)
    for utt in ids:
        spec, start, end = d.audio_spec(utt)
        talk = 767 if "00767" in utt else 12
        cut = load_audio(spec, start=start, end=end)
        ref = audio[talk][int(round(start * SR)):int(round(end * SR))]
        np.testing.assert_array_equal(cut, ref)
    assert d.extra["reco2dur"] == {"ted_00012": "3", "ted_00767": "6"}


def test_line_count_mismatch_is_an_error(corpus, tmp_path: Path):
    root, _ = corpus
    de = root / "en-de" / "data" / "dev" / "txt" / "dev.de"
    de.write_text("only one line\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        must_c.prepare(root, "de", ["dev"], tmp_path / "data")
    assert "dev.de" in str(e.value) and "1 lines but" in str(e.value)


def test_bad_segments_are_counted_and_named(tmp_path: Path):
    root = tmp_path / "must_c"
    wav = root / "en-de" / "data" / "tst-COMMON" / "wav"
    _talk(wav / "ted_1.wav", 4.0, 0)
    (wav / "ted_3.wav").write_bytes(b"not audio")
    _split(
        root,
        "tst-COMMON",
        [_entry(0.0, 1.0, 1), _entry(3.5, 1.0, 1), _entry(1.0, 1.0, 2), _entry(1.0, 1.0, 1), "{offset: 1}",
         _entry(2.0, 1.0, 3), _entry(0.0, 1.0, 1)],
        ["Good.", "Too long.", "No wav.", "(Applause)", "Malformed.", "Broken wav.", "Same times."],
        ["Gut.", "Zu lang.", "Kein wav.", "(Applaus)", "Kaputt.", "Kaputt.", "Gleiche Zeit."],
    )
    (res,) = must_c.prepare(root, "de", ["tst-COMMON"], tmp_path / "data")
    d = DataDir.load(tmp_path / "data" / "tst-COMMON.en-de")
    assert d.utt_ids() == ["ted_00001_0000000_0001000"] and d.validate() == []
    assert res.counts() == {"outside_wav": 1, "bad_wav": 4, "empty_text": 1, "malformed_entry": 1,
                            "duplicate_id": 1}
    excluded = (tmp_path / "data" / "tst-COMMON.en-de" / "excluded.txt").read_text()
    assert "ted_2.wav" in excluded and "file does not exist" in excluded
    assert "ted_3.wav" in excluded and "unreadable audio" in excluded
    assert "tst-COMMON.yaml:4" in excluded  # the empty English line, by its yaml entry


def test_cli_and_missing_direction(corpus, tmp_path: Path):
    root, _ = corpus
    assert must_c.main(["--root", str(root), "--tgt_lang", "de", "--splits", "dev", "train",
                        "--out", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / "dev.en-de" / "text.lc.rm.de").is_file()
    assert not (tmp_path / "d" / "train.en-de").exists()
    assert must_c.main(["--root", str(root), "--tgt_lang", "it", "--out", str(tmp_path / "d")]) == 1


def test_text_normalisation():
    assert must_c.lower_case_no_punct("Don't stop — it's “fine”, (Laughter) OK?") == "don't stop it's fine ok"
    assert must_c.lower_case_no_punct("'quoted' - dash") == "quoted dash"
    assert must_c.true_case("  Two   spaces ") == "Two spaces"
