"""The helpers every corpus module shares (mmpt.corpora.common)."""
from __future__ import annotations

import argparse
import importlib
import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion
from mmpt.data.errors import DataError

CORPORA = ("av_clips", "fluent_speech_commands", "kinetics600", "librimix", "librispeech", "lrs3", "must_c",
           "speech_commands", "voxceleb2")


@pytest.mark.parametrize("name", CORPORA)
def test_every_corpus_module_uses_the_shared_helpers(name):
    module = importlib.import_module(f"mmpt.corpora.{name}")
    if hasattr(module, "Exclusion"):
        assert module.Exclusion is Exclusion
    for copied in ("_sync_dir", "_duration", "_flac_duration", "_MAX_LOGGED", "_fmt_seconds", "_fmt"):
        assert not hasattr(module, copied), f"{name}.{copied}"
    for shared in ("sync_dir", "log_exclusions", "write_exclusions", "find_files", "run_cli"):
        assert getattr(module, shared, getattr(common, shared)) is getattr(common, shared), f"{name}.{shared}"


def test_sync_dir_moves_only_what_changed_and_removes_what_is_gone(tmp_path):
    out, new = tmp_path / "out", tmp_path / "new"
    out.mkdir()
    new.mkdir()
    for name, text in (("same", "a\n"), ("changed", "old\n"), ("gone", "x\n"), ("other", "kept\n")):
        (out / name).write_text(text)
    (new / "same").write_text("a\n")
    (new / "changed").write_text("new\n")
    (new / "added").write_text("b\n")
    same_inode = (out / "same").stat().st_ino
    changed = common.sync_dir(new, out, ["same", "changed", "added", "gone"])
    assert changed == ["changed", "added", "gone"]
    assert (out / "same").stat().st_ino == same_inode  # untouched
    assert (out / "changed").read_text() == "new\n" and (out / "added").read_text() == "b\n"
    assert not (out / "gone").exists() and (out / "other").read_text() == "kept\n"  # not owned: left alone
    assert common.sync_dir(new, out, ["same"]) == []


def test_exclusions_are_written_and_logged_with_a_cap(tmp_path, caplog):
    excl = [Exclusion("empty_transcript", f"/c/{i}.txt", "line 1: empty transcript", key=f"u{i}") for i in range(4)]
    excl.append(Exclusion("missing_flac", "/c/a.trans.txt", "no audio"))
    common.write_exclusions(tmp_path, excl)
    lines = (tmp_path / "excluded.txt").read_text().splitlines()
    assert lines[0] == "empty_transcript\t/c/0.txt\tu0\tline 1: empty transcript"
    assert lines[-1] == "missing_flac\t/c/a.trans.txt\t-\tno audio" and len(lines) == 5
    assert str(excl[0]) == "/c/0.txt [u0]: line 1: empty transcript"
    with caplog.at_level(logging.WARNING, logger="mmpt.corpora.common"):
        common.log_exclusions("train", excl, tmp_path, max_logged=2)
    messages = [r.getMessage() for r in caplog.records]
    assert messages[:2] == [f"train: excluded (empty_transcript): {excl[i]}" for i in range(2)]
    assert messages[2] == f"train: 3 more exclusions, see {tmp_path / 'excluded.txt'}" and len(messages) == 3
    common.write_exclusions(tmp_path, [])  # a re-run without exclusions leaves no stale list
    assert not (tmp_path / "excluded.txt").exists()


def test_audio_info_reads_the_header_and_names_a_bad_file(tmp_path):
    sf.write(tmp_path / "a.wav", np.zeros((8000, 2), dtype=np.float32), 16000)
    assert common.audio_info(tmp_path / "a.wav") == (0.5, 16000, 2)
    assert common.audio_duration(str(tmp_path / "a.wav")) == 0.5
    (tmp_path / "bad.wav").write_bytes(b"not audio")
    with pytest.raises(DataError, match="bad.wav.*unreadable audio"):
        common.audio_info(tmp_path / "bad.wav")
    sf.write(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(DataError, match="empty audio"):
        common.audio_duration(tmp_path / "empty.wav")


def test_find_corpus_root_and_small_formatters(tmp_path):
    (tmp_path / "LRS3" / "test").mkdir(parents=True)
    has_test = lambda d: (d / "test").is_dir()  # noqa: E731
    assert common.find_corpus_root(tmp_path, ("lrs3", "LRS3"), has_test, "LRS3") == tmp_path / "LRS3"
    assert common.find_corpus_root(tmp_path / "LRS3", ("lrs3",), has_test, "LRS3") == tmp_path / "LRS3"
    assert common.find_corpus_root(tmp_path, ("x",), has_test, "LRS3") == tmp_path  # the caller says what is missing
    assert [common.fmt_seconds(x) for x in (1.5, 2.0, 0.0, 0.12345)] == ["1.5", "2", "0", "0.123"]
    assert common.fmt_seconds(0.12345, 4) == "0.1235"
    assert common.split_list(["a b", "c,d", " e "]) == ["a", "b", "c", "d", "e"]


def test_run_cli_turns_a_data_error_into_status_1_naming_the_file(tmp_path, caplog):
    def get_parser() -> argparse.ArgumentParser:
        p = argparse.ArgumentParser()
        p.add_argument("--root", type=Path, required=True)
        return p

    def run(args: argparse.Namespace) -> None:
        if not args.root.exists():
            raise DataError(args.root, "does not exist")

    assert common.run_cli(get_parser, run, ["--root", str(tmp_path)]) == 0
    with caplog.at_level(logging.ERROR):
        assert common.run_cli(get_parser, run, ["--root", str(tmp_path / "nowhere")]) == 1
    assert f"{tmp_path / 'nowhere'}" in caplog.text and "does not exist" in caplog.text
