"""Kaldi data directories: read/write, validation, fixing, subsets, splits, combination."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.data.datadir import DataDir, Segment, read_kv, write_kv
from mmpt.data.errors import DataDirError


def _make(root: Path, n: int = 6, with_audio: bool = True) -> Path:
    """A consistent data dir with ``n`` utterances over 3 speakers; audio files are empty placeholders
    (validation only checks that they exist)."""
    d = root / "data"
    d.mkdir(parents=True)
    wav, text, u2s = {}, {}, {}
    for i in range(n):
        spk = f"spk{i % 3}"
        utt = f"{spk}-utt{i:02d}"
        f = root / f"{utt}.wav"
        if with_audio:
            f.write_bytes(b"")
        wav[utt] = str(f)
        text[utt] = f"WORD{i} TEXT"
        u2s[utt] = spk
    DataDir(wav_scp=wav, text=text, utt2spk=u2s).write(d)
    return d


def test_round_trip_sorted_and_spk2utt(tmp_path):
    d = _make(tmp_path)
    loaded = DataDir.load(d)
    assert loaded.utt_ids() == sorted(loaded.utt_ids(), key=lambda s: s.encode())
    assert len(loaded) == 6
    spk2utt = read_kv(d / "spk2utt")
    assert spk2utt["spk0"].split() == ["spk0-utt00", "spk0-utt03"]
    assert loaded.validate() == []


def test_write_kv_uses_byte_order(tmp_path):
    write_kv(tmp_path / "f", {"b": "1", "B": "2", "a_1": "3", "a-1": "4"})
    keys = [line.split()[0] for line in (tmp_path / "f").read_text().splitlines()]
    assert keys == ["B", "a-1", "a_1", "b"]  # C locale: upper case first, '-' < '_'


def test_missing_dir_is_a_clear_error(tmp_path):
    with pytest.raises(DataDirError, match="does not exist"):
        DataDir.load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataDirError, match="no Kaldi data files"):
        DataDir.load(tmp_path / "empty")


def test_validate_reports_each_inconsistency(tmp_path):
    d = _make(tmp_path)
    with open(d / "text", "a") as f:
        f.write("zzz-only-in-text HELLO\n")
    text = read_kv(d / "text")
    text["spk1-utt01"] = ""
    write_kv(d / "text", text)
    Path(read_kv(d / "wav.scp")["spk2-utt02"]).unlink()
    problems = {(p.file, p.key): p.message for p in DataDir.load(d).validate()}
    assert "id not in the utterance list" in problems[("text", "zzz-only-in-text")]
    assert problems[("text", "spk1-utt01")] == "empty transcript"
    assert problems[("wav.scp", "spk2-utt02")].startswith("file does not exist")


def test_unsorted_and_duplicated_files_are_reported_and_fixed(tmp_path):
    d = _make(tmp_path)
    lines = (d / "text").read_text().splitlines()
    (d / "text").write_text("\n".join(reversed(lines + [lines[0].split()[0] + " OTHER"])) + "\n")
    loaded = DataDir.load(d)
    msgs = [str(p) for p in loaded.validate()]
    assert any("not sorted" in m for m in msgs)
    assert any("duplicated" in m for m in msgs)
    fixed, changes = loaded.fix()
    assert any("duplicated" in str(p) for p in changes)
    fixed.write(tmp_path / "fixed")
    assert DataDir.load(tmp_path / "fixed").validate() == []
    assert len(fixed) == 6


def test_fix_drops_bad_entries_and_lists_them(tmp_path):
    d = _make(tmp_path)
    text = read_kv(d / "text")
    del text["spk0-utt00"]
    text["spk1-utt04"] = " "
    write_kv(d / "text", text)
    fixed, dropped = DataDir.load(d).fix()
    assert sorted(p.key for p in dropped) == ["spk0-utt00", "spk1-utt04"]
    assert "spk0-utt00" not in fixed.utt_ids() and "spk1-utt04" not in fixed.utt_ids()
    assert len(fixed) == 4
    fixed.write(tmp_path / "out")
    assert DataDir.load(tmp_path / "out").validate() == []


def test_segments_are_resolved_and_checked(tmp_path):
    rec = tmp_path / "talk.wav"
    rec.write_bytes(b"")
    d = DataDir(
        wav_scp={"talk1": str(rec), "unused": str(rec)},
        segments={"talk1-000": Segment("talk1", 0.0, 1.5), "talk1-001": Segment("talk1", 1.5, 1.0),
                  "talk2-000": Segment("talk2", 0.0, 2.0)},
        text={"talk1-000": "A", "talk1-001": "B", "talk2-000": "C"},
        utt2spk={"talk1-000": "s1", "talk1-001": "s1", "talk2-000": "s2"},
    )
    d.write(tmp_path / "d")
    loaded = DataDir.load(tmp_path / "d")
    assert loaded.segments["talk1-000"] == Segment("talk1", 0.0, 1.5)
    assert loaded.audio_spec("talk1-000") == (str(rec), 0.0, 1.5)
    problems = {(p.file, p.key): p.message for p in loaded.validate()}
    assert "bad times" in problems[("segments", "talk1-001")]
    assert "not in wav.scp" in problems[("segments", "talk2-000")]
    assert "not used" in problems[("wav.scp", "unused")]
    fixed, _ = loaded.fix()
    assert fixed.utt_ids() == ["talk1-000"]
    assert set(fixed.wav_scp) == {"talk1"}


def test_subset_split_combine(tmp_path):
    d = DataDir.load(_make(tmp_path, n=10))
    assert d.first(3).utt_ids() == d.utt_ids()[:3]
    r1, r2 = d.random_subset(4, seed=3), d.random_subset(4, seed=3)
    assert r1.utt_ids() == r2.utt_ids() and len(r1) == 4

    parts = d.split(3)
    assert [len(p) for p in parts] == [3, 3, 4]
    assert (tmp_path / "data" / "split3" / "3" / "wav.scp").exists()
    back = DataDir.combine([DataDir.load(tmp_path / "data" / "split3" / str(i)) for i in (1, 2, 3)])
    assert back.utt_ids() == d.utt_ids() and back.text == d.text

    by_spk = d.split(2, out_root=tmp_path / "s", by_speaker=True)
    spk_sets = [set(p.utt2spk.values()) for p in by_spk]
    assert not (spk_sets[0] & spk_sets[1])

    many = d.split(12, out_root=tmp_path / "m")
    assert sum(len(p) for p in many) == 10 and (tmp_path / "m" / "split12" / "12").is_dir()


def test_combine_conflict_is_an_error(tmp_path):
    a = DataDir(text={"u1": "A"}, utt2spk={"u1": "s"})
    b = DataDir(text={"u1": "B"}, utt2spk={"u1": "s"})
    with pytest.raises(DataDirError, match="differs"):
        DataDir.combine([a, b])


def test_rewrite_is_stable(tmp_path):
    d = _make(tmp_path)
    before = {f.name: f.read_bytes() for f in d.iterdir()}
    DataDir.load(d).write(d)
    assert {f.name: f.read_bytes() for f in d.iterdir()} == before


def test_cli(tmp_path, capsys):
    from mmpt.bin.datadir import main

    d = _make(tmp_path, n=8)
    assert main(["validate", str(d)]) == 0
    text = read_kv(d / "text")
    text["spk0-utt00"] = ""
    write_kv(d / "text", text)
    assert main(["validate", str(d)]) == 1
    assert "empty transcript" in capsys.readouterr().out
    assert main(["fix", str(d), str(tmp_path / "fixed")]) == 0
    out = capsys.readouterr().out
    assert "dropped" in out and "kept 7 of 8" in out
    assert main(["subset", "--first", "2", str(tmp_path / "fixed"), str(tmp_path / "sub")]) == 0
    assert len(DataDir.load(tmp_path / "sub")) == 2
    assert main(["split", "--nj", "2", str(tmp_path / "fixed")]) == 0
    assert main(["combine", str(tmp_path / "comb"), str(tmp_path / "fixed/split2/1"),
                 str(tmp_path / "fixed/split2/2")]) == 0
    assert DataDir.load(tmp_path / "comb").text == DataDir.load(tmp_path / "fixed").text
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


# ------------------------------------------------------------- Kaldi validate_data_dir.sh checks
def test_speaker_id_must_prefix_the_utterance_id(tmp_path, capsys):
    from mmpt.bin.datadir import main

    d = _make(tmp_path, n=4)
    u2s = read_kv(d / "utt2spk")
    u2s["spk0-utt00"] = "zed"  # sorts after spk1 by speaker, before it by utterance
    DataDir(wav_scp=read_kv(d / "wav.scp"), text=read_kv(d / "text"), utt2spk=u2s).write(d)
    problems = [str(p) for p in DataDir.load(d).validate()]
    assert problems == ["utt2spk [spk0-utt00]: speaker id 'zed' is not a prefix of the utterance id "
                        "(make speaker ids prefixes of utterance ids, or pass --no-spk-sort)"]
    assert main(["validate", str(d)]) == 1
    assert "not a prefix" in capsys.readouterr().out
    assert main(["validate", "--no-spk-sort", str(d)]) == 0
    assert DataDir.load(d).validate(spk_sort=False) == []
    # fix cannot repair ids: it keeps every utterance and says what is still wrong
    assert main(["fix", str(d), str(tmp_path / "fixed")]) == 1
    assert "kept 4 of 4" in capsys.readouterr().out
    assert main(["fix", "--no-spk-sort", str(d), str(tmp_path / "fixed2")]) == 0


def test_empty_lines_spk2utt_and_field_counts(tmp_path):
    d = _make(tmp_path, n=4)
    (d / "text").write_text((d / "text").read_text().replace("\n", "\n\n", 1))
    (d / "spk2utt").write_text("spk0 spk0-utt00\nspk1 spk1-utt01\nspk2 spk2-utt02\n")  # spk0-utt03 is missing
    problems = [str(p) for p in DataDir.load(d).validate()]
    assert "text: 1 empty line(s), the first at line 2" in problems
    assert any(p.startswith("spk2utt: does not match utt2spk (1 speaker(s) differ, e.g. 'spk0')") for p in problems)
    fixed, _ = DataDir.load(d).fix()
    fixed.write(tmp_path / "fixed")
    assert DataDir.load(tmp_path / "fixed").validate() == []  # rewritten: no empty line, spk2utt derived

    d2 = _make(tmp_path / "b", n=2)
    (d2 / "utt2spk").write_text("spk0-utt00 spk0 extra\nspk1-utt01 spk1\n")
    assert "utt2spk [spk0-utt00]: expected 'utt spk', got 3 fields" in [str(p) for p in DataDir.load(d2).validate()]


def test_kaldi_speaker_sort_order(tmp_path):
    """Prefixes alone can still disagree in order ('a' < 'a-' but 'a-x' > 'a.y'): Kaldi's own check."""
    d = DataDir(text={"a-x": "X", "a.y": "Y"}, utt2spk={"a-x": "a-", "a.y": "a"})
    assert [p.message.split(" (")[0] for p in d.validate(check_files=False)] == [
        "not in sorted order when sorted first on the speaker id"]
