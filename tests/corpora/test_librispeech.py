"""LibriSpeech layout -> Kaldi data dirs, on the real samples and on a generated layout with bad input."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import librispeech
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

sf = pytest.importorskip("soundfile")

REAL_TEST_CLEAN = {
    "1089-134686-0000": "HE HOPED THERE WOULD BE STEW FOR DINNER TURNIPS AND CARROTS AND BRUISED POTATOES AND FAT "
    "MUTTON PIECES TO BE LADLED OUT IN THICK PEPPERED FLOUR FATTENED SAUCE",
    "1089-134686-0001": "STUFF IT INTO YOU HIS BELLY COUNSELLED HIM",
    "1089-134691-0000": "HE COULD WAIT NO LONGER",
    "1089-134691-0001": "FOR A FULL HOUR HE HAD PACED UP AND DOWN WAITING BUT HE COULD WAIT NO LONGER",
    "1995-1837-0001": "IT WAS THE FIRST GREAT SORROW OF HIS LIFE IT WAS NOT SO MUCH THE LOSS OF THE COTTON ITSELF "
    "BUT THE FANTASY THE HOPES THE DREAMS BUILT AROUND IT",
    "61-70968-0000": "HE BEGAN A CONFUSED COMPLAINT AGAINST THE WIZARD WHO HAD VANISHED BEHIND THE CURTAIN ON THE LEFT",
    "61-70968-0001": "GIVE NOT SO EARNEST A MIND TO THESE MUMMERIES CHILD",
    "61-70968-0002": "A GOLDEN FORTUNE AND A HAPPY LIFE",
}


def _mtimes(d: Path) -> dict:
    return {f.name: f.stat().st_mtime_ns for f in d.iterdir() if f.is_file()}


def test_real_test_clean(realdata: Path, tmp_path: Path):
    root = realdata / "librispeech" / "LibriSpeech"
    results = librispeech.prepare(root, ["test-clean", "dev_clean"], tmp_path)
    assert [r.split for r in results] == ["test-clean", "dev-clean"]
    d = DataDir.load(tmp_path / "test_clean")
    assert d.text == REAL_TEST_CLEAN
    assert d.utt2spk == {u: u.split("-")[0] for u in REAL_TEST_CLEAN}
    assert set(d.spk2utt()) == {"1089", "61", "1995"}
    for utt, path in d.wav_scp.items():
        assert Path(path).is_absolute() and Path(path).is_file()
        assert Path(path).name == f"{utt}.flac"
    durs = {u: float(v) for u, v in d.extra["utt2dur"].items()}
    assert sum(durs.values()) == pytest.approx(41.4, abs=0.1)
    assert d.validate() == []
    assert not (tmp_path / "test_clean" / "excluded.txt").exists()
    assert DataDir.load(tmp_path / "dev_clean").utt_ids() == ["2412-153948-0000"]


def test_real_idempotent(realdata: Path, tmp_path: Path):
    root = realdata / "librispeech" / "LibriSpeech"
    librispeech.prepare(root, ["test-clean"], tmp_path)
    out = tmp_path / "test_clean"
    before = {f: (out / f).read_bytes() for f in _mtimes(out)}
    stamps = _mtimes(out)
    (results,) = librispeech.prepare(root, ["test-clean"], tmp_path)
    assert results.changed == []
    assert _mtimes(out) == stamps
    assert {f: (out / f).read_bytes() for f in _mtimes(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test_clean"]  # no temporary left behind


# ------------------------------------------------------------------------------ generated layout
def _flac(path: Path, seconds: float = 0.25, seed: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(seed).uniform(-0.3, 0.3, int(16000 * seconds)).astype(np.float32)
    sf.write(str(path), x, 16000, format="FLAC", subtype="PCM_16")


def _trans(path: Path, lines: list[str], final_newline: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""), encoding="utf-8")


@pytest.fixture
def fake_corpus(tmp_path: Path) -> Path:
    """A LibriSpeech/test-clean layout with 3 good utterances and one case of every bad input."""
    split = tmp_path / "LibriSpeech" / "test-clean"
    ch = split / "100" / "2000"
    for i in range(5):
        _flac(ch / f"100-2000-000{i}.flac", seed=i)
    _trans(
        ch / "100-2000.trans.txt",
        [
            "100-2000-0000 HELLO   WORLD",  # good (spaces collapsed)
            "100-2000-0001 A SECOND LINE\r",  # good (CRLF)
            "100-2000-0002",  # empty transcript
            "100-2000-0009 NO AUDIO FOR ME",  # flac missing
            "this line is garbage",  # malformed
            "100-2000-0000 AGAIN",  # duplicated id
            "",  # blank lines are ignored
        ],
    )
    # 100-2000-0003 and -0004 have no transcript line.
    ch2 = split / "7" / "8"
    _flac(ch2 / "7-8-0001.flac", seed=9)
    _flac(ch2 / "7-8-0002.flac", seed=10)
    (ch2 / "7-8-0003.flac").write_bytes(b"this is not a flac file")  # unreadable audio
    _trans(
        ch2 / "7-8.trans.txt",
        ["7-8-0001 LAST ONE", "7-8-0003 BROKEN AUDIO", "7-8-0002 NO FINAL NEWLINE"],
        final_newline=False,
    )
    _flac(split / "100" / "100-2000-0042.flac")  # misplaced
    return tmp_path / "LibriSpeech"


def test_bad_inputs_are_counted_and_named(fake_corpus: Path, tmp_path: Path, caplog):
    out = tmp_path / "data"
    with caplog.at_level(logging.WARNING, logger="mmpt.corpora.librispeech"):
        (res,) = librispeech.prepare(fake_corpus, ["test-clean"], out)
    d = DataDir.load(out / "test_clean")
    assert d.text == {
        "100-2000-0000": "HELLO WORLD",
        "100-2000-0001": "A SECOND LINE",
        "7-8-0001": "LAST ONE",
        "7-8-0002": "NO FINAL NEWLINE",
    }
    assert d.utt2spk == {"100-2000-0000": "100", "100-2000-0001": "100", "7-8-0001": "7", "7-8-0002": "7"}
    assert d.validate() == []
    assert res.counts() == {
        "empty_transcript": 1,
        "missing_flac": 1,
        "malformed_line": 1,
        "duplicate_id": 1,
        "no_transcript": 2,
        "unreadable_audio": 1,
        "misplaced_file": 1,
    }
    trans = str(fake_corpus / "test-clean" / "100" / "2000" / "100-2000.trans.txt")
    by_cat = {}
    for e in res.exclusions:
        by_cat.setdefault(e.category, []).append(e)
    assert by_cat["empty_transcript"][0].file == trans and "line 3" in by_cat["empty_transcript"][0].message
    assert by_cat["missing_flac"][0].file == trans and "100-2000-0009.flac" in by_cat["missing_flac"][0].message
    assert by_cat["malformed_line"][0].file == trans and "line 5" in by_cat["malformed_line"][0].message
    assert by_cat["duplicate_id"][0].key == "100-2000-0000"
    assert sorted(Path(e.file).name for e in by_cat["no_transcript"]) == ["100-2000-0003.flac", "100-2000-0004.flac"]
    assert by_cat["unreadable_audio"][0].file.endswith("7-8-0003.flac")
    assert by_cat["misplaced_file"][0].file.endswith("100/100-2000-0042.flac")
    # Every exclusion is logged with the file it concerns, and listed in excluded.txt.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for e in res.exclusions:
        assert any(e.file in w and e.category in w for w in warnings), e
    listed = (out / "test_clean" / "excluded.txt").read_text().splitlines()
    assert len(listed) == 8 and all(line.split("\t")[1] for line in listed)


def test_without_durations_keeps_unreadable_audio(fake_corpus: Path, tmp_path: Path):
    (res,) = librispeech.prepare(fake_corpus, ["test_clean"], tmp_path, read_durations=False)
    d = DataDir.load(tmp_path / "test_clean")
    assert "7-8-0003" in d.text and "utt2dur" not in d.extra
    assert "unreadable_audio" not in res.counts()


def test_chapter_speakers(fake_corpus: Path, tmp_path: Path):
    librispeech.prepare(fake_corpus, ["test-clean"], tmp_path, speaker="chapter")
    d = DataDir.load(tmp_path / "test_clean")
    assert set(d.utt2spk.values()) == {"100-2000", "7-8"}
    assert d.validate() == []


def test_changed_corpus_rewrites_only_what_changed(fake_corpus: Path, tmp_path: Path):
    librispeech.prepare(fake_corpus, ["test-clean"], tmp_path)
    out = tmp_path / "test_clean"
    (out / "split2").mkdir()  # stale job lists of an older version must go
    _trans(fake_corpus / "test-clean" / "7" / "8" / "7-8.trans.txt", ["7-8-0001 LAST ONE CHANGED", "7-8-0002 X"])
    (res,) = librispeech.prepare(fake_corpus, ["test-clean"], tmp_path)
    assert "text" in res.changed and "wav.scp" not in res.changed
    assert DataDir.load(out).text["7-8-0001"] == "LAST ONE CHANGED"
    assert not (out / "split2").exists()


def test_absent_splits(fake_corpus: Path, tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING, logger="mmpt.corpora.librispeech"):
        res = librispeech.prepare(fake_corpus, ["test-other", "test-clean"], tmp_path)
    assert [r.split for r in res] == ["test-clean"]
    assert any("test-other" in r.getMessage() and "absent" in r.getMessage() for r in caplog.records)
    with pytest.raises(DataError, match="none of the requested splits"):
        librispeech.prepare(fake_corpus, ["train-clean-100", "dev-other"], tmp_path)


def test_split_without_usable_utterance(tmp_path: Path):
    split = tmp_path / "LibriSpeech" / "dev-clean"
    _trans(split / "1" / "2" / "1-2.trans.txt", ["1-2-0001 AUDIO IS MISSING"])
    with pytest.raises(DataError, match="no usable utterance"):
        librispeech.prepare(tmp_path / "LibriSpeech", ["dev-clean"], tmp_path / "data")
    assert not (tmp_path / "data" / "dev_clean").exists()


def test_cli(fake_corpus: Path, tmp_path: Path, capsys):
    # The root above LibriSpeech/ is accepted too; the exit code tells success from "nothing there".
    assert librispeech.main(["--root", str(fake_corpus.parent), "--splits", "test-clean dev-clean",
                             "--out", str(tmp_path / "d")]) == 0
    assert (tmp_path / "d" / "test_clean" / "wav.scp").is_file()
    assert librispeech.main(["--root", str(fake_corpus), "--splits", "dev-other", "--out", str(tmp_path / "e")]) == 1


def test_symlinked_directories(tmp_path: Path):
    """Corpora assembled from links (a reader directory that is a symlink) are read through."""
    elsewhere = tmp_path / "store" / "5"
    _flac(elsewhere / "6" / "5-6-0000.flac")
    _trans(elsewhere / "6" / "5-6.trans.txt", ["5-6-0000 LINKED"])
    split = tmp_path / "LibriSpeech" / "dev-clean"
    split.mkdir(parents=True)
    (split / "5").symlink_to(elsewhere)
    librispeech.prepare(tmp_path / "LibriSpeech", ["dev-clean"], tmp_path / "data")
    d = DataDir.load(tmp_path / "data" / "dev_clean")
    assert d.text == {"5-6-0000": "LINKED"}
    assert d.wav_scp["5-6-0000"] == str(split / "5" / "6" / "5-6-0000.flac")
