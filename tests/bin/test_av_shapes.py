"""python -m mmpt.bin.av_shapes: the shape files of the clips present in both dumps."""
from __future__ import annotations

from pathlib import Path

from mmpt.bin import av_shapes


def _write(path: Path, rows: dict) -> Path:
    path.write_text("".join(f"{k} {v}\n" for k, v in rows.items()))
    return path


def test_clips_in_both_dumps(tmp_path: Path, capsys, caplog):
    speech = _write(tmp_path / "feats_shape", {"a": "10,80", "b": "12,80", "c": "9,80"})
    video = _write(tmp_path / "video_shape", {"b": "3,3,88,88", "a": "2,3,88,88"})
    out = tmp_path / "out"
    assert av_shapes.main([str(speech), str(video), str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: 2 clips with audio and video (written: speech_shape video_shape)"
    assert (out / "speech_shape").read_text() == "a 10,80\nb 12,80\n"
    assert (out / "video_shape").read_text() == "a 2,3,88,88\nb 3,3,88,88\n"
    assert "1 clip(s) of" in caplog.text
    assert av_shapes.main([str(speech), str(video), str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith("(up to date)")


def test_audio_alone_drops_the_video_shapes(tmp_path: Path, capsys):
    speech = _write(tmp_path / "feats_shape", {"b": "12,80", "a": "10,80"})
    out = tmp_path / "out"
    out.mkdir()
    (out / "video_shape").write_text("stale\n")
    assert av_shapes.main([str(speech), "", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: 2 utterances with audio (written: speech_shape)"
    assert (out / "speech_shape").read_text() == "a 10,80\nb 12,80\n" and not (out / "video_shape").exists()


def test_no_common_clip(tmp_path: Path, capsys):
    speech = _write(tmp_path / "feats_shape", {"a": "10,80"})
    video = _write(tmp_path / "video_shape", {"b": "2,3,88,88"})
    assert av_shapes.main([str(speech), str(video), str(tmp_path / "out")]) == 1
    assert "have no utterance in common" in capsys.readouterr().err


def test_missing_or_damaged_shape_file_is_an_error_naming_it(tmp_path: Path, capsys):
    speech = _write(tmp_path / "feats_shape", {"a": "10,80"})
    missing = tmp_path / "video_shape"
    assert av_shapes.main([str(speech), str(missing), str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and "does not exist" in err
    (tmp_path / "dup_shape").write_text("a 10,80\na 11,80\n")
    assert av_shapes.main([str(tmp_path / "dup_shape"), "", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "dup_shape" in err and "duplicated id" in err
    assert not (tmp_path / "out" / "speech_shape").exists()
