"""mmpt.data.raw_dump (python -m mmpt.bin.dump_raw): one whole 16 kHz mono file per utterance for espnet2's
``sound`` loader, the data dir's own where possible, exclusions named and counted, resumable."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mmpt.bin import dump_raw as cli
from mmpt.data.datadir import read_kv
from mmpt.data.errors import DataDirError
from mmpt.data.raw_dump import dump_raw


def _tone(sr: int, seconds: float, channels: int = 1) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    wav = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.stack([wav] * channels, axis=1) if channels > 1 else wav


def _data_dir(root: Path, wav_scp: dict, segments: str = "") -> Path:
    d = root / "data"
    d.mkdir()
    utts = sorted(wav_scp) if not segments else [line.split()[0] for line in segments.splitlines()]
    (d / "wav.scp").write_text("".join(f"{k} {v}\n" for k, v in sorted(wav_scp.items())))
    (d / "text").write_text("".join(f"{u} HELLO {u.upper()}\n" for u in utts))
    (d / "utt2spk").write_text("".join(f"{u} {u.split('-')[0]}\n" for u in utts))
    if segments:
        (d / "segments").write_text(segments)
    return d


def test_files_kept_or_written(tmp_path: Path, caplog):
    sf.write(tmp_path / "a.flac", _tone(16000, 1.0), 16000)        # readable as is
    sf.write(tmp_path / "b.wav", _tone(8000, 0.5, channels=2), 8000)  # other rate, stereo
    (tmp_path / "c.flac").write_bytes(b"not audio")                  # unreadable
    data = _data_dir(tmp_path, {"s1-a": tmp_path / "a.flac", "s1-b": tmp_path / "b.wav",
                                "s2-c": tmp_path / "c.flac"})
    out = tmp_path / "dump"

    result = dump_raw(data, out)
    assert (result.num_utts, result.num_referenced, result.num_written, result.num_excluded) == (3, 1, 1, 1)
    wav_scp = read_kv(out / "wav.scp")
    assert wav_scp == {"s1-a": str((tmp_path / "a.flac").resolve()), "s1-b": str((out / "data/s1-b.wav").resolve())}
    wav, sr = sf.read(wav_scp["s1-b"])
    assert sr == 16000 and wav.ndim == 1 and len(wav) == 8000
    assert read_kv(out / "utt2num_samples") == {"s1-a": "16000", "s1-b": "8000"}
    assert set(read_kv(out / "text")) == set(read_kv(out / "utt2spk")) == {"s1-a", "s1-b"}
    excluded = read_kv(out / "excluded.txt")
    assert list(excluded) == ["s2-c"] and "c.flac" in excluded["s2-c"]
    assert "1 of 3 utterances excluded" in caplog.text

    again = dump_raw(data, out)
    assert again.up_to_date and (again.num_referenced, again.num_written, again.num_excluded) == (1, 1, 1)


def test_segments_are_cut(tmp_path: Path):
    sf.write(tmp_path / "rec.wav", _tone(16000, 2.0), 16000)
    data = _data_dir(tmp_path, {"rec": tmp_path / "rec.wav"},
                     segments="s1-x rec 0.00 0.50\ns1-y rec 1.00 1.75\n")
    result = dump_raw(data, tmp_path / "dump")
    assert (result.num_referenced, result.num_written) == (0, 2)
    assert read_kv(tmp_path / "dump/utt2num_samples") == {"s1-x": "8000", "s1-y": "12000"}
    assert not (tmp_path / "dump/segments").exists()


def test_nothing_readable_is_an_error(tmp_path: Path, capsys):
    data = _data_dir(tmp_path, {"s1-a": tmp_path / "missing.flac"})
    with pytest.raises(DataDirError, match="none of its 1 utterances has readable audio"):
        dump_raw(data, tmp_path / "dump")
    assert cli.main([str(data), str(tmp_path / "dump")]) == 2
    assert "readable audio" in capsys.readouterr().err
    assert "missing.flac: file does not exist" in (tmp_path / "dump/excluded.txt").read_text()
