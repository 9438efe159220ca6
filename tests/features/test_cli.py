"""The thin entry points: mmpt-dump-fbank, mmpt-dump-video, mmpt-cmvn."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmpt.bin import compute_cmvn, dump_fbank, dump_video
from mmpt.features.cmvn import CmvnStats

from .conftest import write_wav_datadir


def test_dump_fbank_missing_data_dir(tmp_path: Path, capsys):
    assert dump_fbank.main([str(tmp_path / "absent"), str(tmp_path / "dump"), "--no_progress"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"mmpt-dump-fbank: error: {tmp_path / 'absent'}: data directory does not exist"]


def test_dump_video_missing_data_dir(tmp_path: Path, capsys):
    assert dump_video.main([str(tmp_path / "absent"), str(tmp_path / "dump")]) == 2
    err = capsys.readouterr().err
    assert "data directory does not exist" in err and "Traceback" not in err


def test_dump_fbank_bad_config_key(tmp_path: Path, capsys):
    data = write_wav_datadir(tmp_path, {"a-1": 1600})
    conf = tmp_path / "fbank.yaml"
    conf.write_text("num_mel_bin: 40\n")
    assert dump_fbank.main([str(data), str(tmp_path / "dump"), "--config", str(conf)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(conf) in err and "num_mel_bin" in err


def test_dump_then_cmvn(tmp_path: Path, capsys):
    data = write_wav_datadir(tmp_path, {"a-1": 1600, "a-2": 3200, "b-1": 4000})
    dump = tmp_path / "dump"
    assert dump_fbank.main([str(data), str(dump), "--nj", "2", "--no_progress"]) == 0
    assert "3 of 3 utterances, 0 excluded" in capsys.readouterr().out
    stats_file = tmp_path / "stats" / "feats_stats.npz"
    assert compute_cmvn.main([str(dump), str(stats_file)]) == 0
    stats = CmvnStats.load(stats_file)
    assert stats.count == 8 + 18 + 23 and stats.dim == 80
    assert np.isfinite(stats.std()).all()
    assert compute_cmvn.main([str(tmp_path / "nothing.scp"), str(stats_file)]) == 2
    assert "feats.scp not found" in capsys.readouterr().err


def test_bad_nj_is_an_argparse_error(tmp_path: Path, capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        dump_fbank.main([str(tmp_path), str(tmp_path / "d"), "--nj", "0"])
    assert exc.value.code == 2
