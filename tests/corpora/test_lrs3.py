"""LRS3 layout -> Kaldi data dirs: the real samples, and a generated layout with every kind of bad input."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import lrs3
from mmpt.corpora.av_clips import VIDEO_ONLY_DIR
from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError
from mmpt.data.video import probe_video

mux = pytest.importorskip("mmpt.synth.mux")

SPECTRE_CLIPS = {"0Fi83BHQsMA_00002": 1.64, "OzA6jRYjVQs_00004": 1.08, "PbgB2TaYhio_00007": 1.4,
                 "QoT0S2vu9m4_00002": 2.2}


def _mp4(path: Path, seconds: float = 0.4, audio: bool = True, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 255, size=(int(seconds * 25), 32, 32, 3), dtype=np.uint8)
    wav = (0.1 * rng.standard_normal(int(seconds * 16000))).astype(np.float32) if audio else None
    return mux.write_av_mp4(path, frames, 25, wav, 16000, preset="ultrafast")


def _excluded(d: Path) -> dict:
    out: dict = {}
    for line in (d / "excluded.txt").read_text().splitlines():
        cat, file, key, _ = line.split("\t")
        out.setdefault(cat, []).append(key if key != "-" else Path(file).name)
    return out


def test_real_spectre_clips_without_transcripts(realdata: Path, tmp_path: Path):
    (res,) = lrs3.prepare(realdata / "av" / "lrs3_test_spectre", ["test"], tmp_path)
    d = DataDir.load(tmp_path / "test")
    assert d.validate() == []
    assert d.text is None and not res.has_text  # no .txt upstream: no text file, kept for pre-training
    assert d.utt_ids() == sorted(SPECTRE_CLIPS)
    assert d.utt2spk == {u: u.split("_")[0] for u in SPECTRE_CLIPS}
    assert d.wav_scp == d.video_scp
    for utt, dur in SPECTRE_CLIPS.items():
        assert float(d.extra["utt2dur"][utt]) == pytest.approx(dur, abs=0.01)
    wav = load_audio(d.wav_scp["OzA6jRYjVQs_00004"])
    assert wav.dtype == np.float32 and len(wav) == pytest.approx(1.08 * 16000, abs=0.05 * 16000)


def test_real_grid_clips_with_lrs3_txt(realdata: Path, tmp_path: Path):
    root = realdata / "av" / "grid_lipnet" / "lrs3_style"
    (res,) = lrs3.prepare(root, ["test", "pretrain"], tmp_path)  # pretrain absent: skipped
    d = DataDir.load(tmp_path / "test")
    assert d.validate() == []
    assert res.num_utts == 11 and res.num_speakers == 1
    assert d.text["grid_swwp2s"] == "SET WHITE WITH P TWO SOON"
    assert d.text["grid_bbaf2n"] == "BIN BLUE AT F TWO NOW"
    tr = lrs3.read_transcript(root / "test" / "grid" / "swwp2s.txt")
    assert tr.conf == "3" and [w.word for w in tr.words] == "SET WHITE WITH P TWO SOON".split()
    assert (tr.words[0].start, tr.words[-1].end) == (0.49, 2.21)
    assert not (tmp_path / "pretrain").exists()


@pytest.fixture
def fake_lrs3(tmp_path: Path) -> Path:
    """trainval with 2 good clips and one case of every bad input; pretrain without any txt."""
    root = tmp_path / "lrs3"
    tv = root / "trainval"
    for vid, clip, text in (("AbCdEfGhIj0", "00001", "HELLO WORLD"), ("AbCdEfGhIj0", "00002", "IT'S ME")):
        _mp4(tv / vid / f"{clip}.mp4")
        (tv / vid / f"{clip}.txt").write_text(lrs3.Transcript(text, "4", [lrs3.Word("HELLO", 0.1, 0.3, 5.0)]).format())
    _mp4(tv / "Zz_-9876543" / "00001.mp4")                               # no txt while others have one
    (tv / "Zz_-9876543" / "00009.txt").write_text("Text:  ORPHAN\n")      # txt without its mp4
    _mp4(tv / "Zz_-9876543" / "00002.mp4")
    (tv / "Zz_-9876543" / "00002.txt").write_text("Conf:  3\n")            # no Text: line
    _mp4(tv / "Zz_-9876543" / "00003.mp4")
    (tv / "Zz_-9876543" / "00003.txt").write_text("Text:   \nConf:  3\n")  # empty text
    _mp4(tv / "Zz_-9876543" / "00004.mp4", audio=False)                    # video only
    (tv / "Zz_-9876543" / "00004.txt").write_text("Text:  SILENT FILM\n")
    (tv / "Zz_-9876543" / "00005.mp4").write_bytes(b"not an mp4 at all")   # unreadable
    (tv / "Zz_-9876543" / "00005.txt").write_text("Text:  BROKEN\n")
    _mp4(tv / "loose.mp4")                                                 # misplaced
    _mp4(root / "pretrain" / "Pq1Pq1Pq1Pq" / "00001.mp4")
    return root


def test_bad_input_is_counted_and_listed(fake_lrs3: Path, tmp_path: Path, caplog):
    caplog.set_level(logging.WARNING)
    out = tmp_path / "data"
    res = {r.out_dir.name: r for r in lrs3.prepare(fake_lrs3.parent, ["trainval", "pretrain"], out)}
    tv = DataDir.load(out / "trainval")
    assert tv.validate() == []
    assert tv.text == {"AbCdEfGhIj0_00001": "HELLO WORLD", "AbCdEfGhIj0_00002": "IT'S ME"}
    assert res["trainval"].counts() == {"no_transcript": 1, "missing_video": 1, "malformed_txt": 1,
                                        "empty_transcript": 1, "no_audio": 1, "unreadable_video": 1,
                                        "misplaced_file": 1}
    ex = _excluded(out / "trainval")
    assert ex["no_audio"] == ["Zz_-9876543_00004"] and ex["no_transcript"] == ["Zz_-9876543_00001"]
    assert "00005.mp4" in caplog.text and "unreadable_video" in caplog.text
    vo = DataDir.load(out / "trainval" / VIDEO_ONLY_DIR)
    assert vo.validate() == [] and vo.wav_scp is None
    assert vo.text == {"Zz_-9876543_00004": "SILENT FILM"}
    assert not probe_video(vo.video_scp["Zz_-9876543_00004"]).has_audio
    pt = DataDir.load(out / "pretrain")
    assert pt.validate() == [] and pt.text is None and pt.utt_ids() == ["Pq1Pq1Pq1Pq_00001"]

    # re-running rewrites nothing
    again = {r.out_dir.name: r for r in lrs3.prepare(fake_lrs3, ["trainval", "pretrain"], out)}
    assert again["trainval"].changed == [] and again["pretrain"].changed == []


def test_no_split_is_an_error(tmp_path: Path):
    with pytest.raises(DataError, match="none of the requested splits"):
        lrs3.prepare(tmp_path, ["test"], tmp_path / "data")
    assert lrs3.main(["--root", str(tmp_path), "--out", str(tmp_path / "data")]) == 1


def test_transcript_round_trip(tmp_path: Path):
    tr = lrs3.Transcript("A B", "5", [lrs3.Word("A", 0.0, 0.25, 6.1), lrs3.Word("B", 0.25, 0.5, 4.0)])
    p = tmp_path / "x.txt"
    p.write_text(tr.format())
    assert p.read_text().startswith("Text:  A B\nConf:  5\n\nWORD START END ASDSCORE\nA 0.00 0.25 6.1\n")
    assert lrs3.read_transcript(p) == tr
    p.write_text("Text:  A\n\nWORD START END ASDSCORE\nA zero 1\n")
    with pytest.raises(DataError, match="line 4"):
        lrs3.read_transcript(p)
