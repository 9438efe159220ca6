"""Libri2Mix layout -> s3prl diarization data dirs: mixture RTTM, s3prl per-source RTTM, bad input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.corpora import librimix
from mmpt.data.datadir import DataDir
from mmpt.data.errors import DataError

sf = pytest.importorskip("soundfile")

MIX1 = "3536-8226-0026_1673-143397-0009"
MIX2 = "19-198-0001_26-495-0004"
HEADER = "mixture_ID,mixture_path,source_1_path,source_2_path,noise_path,length\n"


def _wav(path: Path, seconds: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = int(16000 * seconds)
    sf.write(str(path), np.zeros(n, np.float32), 16000, subtype="PCM_16")
    return n


def _layout(tmp_path: Path, elsewhere: str = "/old/machine/storage") -> Path:
    """Libri2Mix with a csv whose paths point at another machine, as the real csvs do."""
    max_dir = tmp_path / "Libri2Mix" / "wav16k" / "max"
    rows = []
    for mix, secs in ((MIX1, 4.0), (MIX2, 3.0)):
        n = _wav(max_dir / "dev" / "mix_both" / f"{mix}.wav", secs)
        base = f"{elsewhere}/Libri2Mix/wav16k/max/dev"
        rows.append(f"{mix},{base}/mix_both/{mix}.wav,{base}/s1/{mix}.wav,{base}/s2/{mix}.wav,"
                    f"{base}/noise/{mix}.wav,{n}")
    meta = max_dir / "metadata"
    meta.mkdir(parents=True)
    (meta / "mixture_dev_mix_both.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def test_mixture_rttm(tmp_path: Path):
    root = _layout(tmp_path)
    meta = root / "Libri2Mix" / "wav16k" / "max" / "metadata"
    (meta / "mixture_dev_mix_both.rttm").write_text(
        f"SPEAKER {MIX1} 1 0.250 1.500 <NA> <NA> 3536 <NA> <NA>\n"
        f"SPEAKER {MIX1} 1 1.000 2.950 <NA> <NA> 1673 <NA> <NA>\n"
        f"SPEAKER {MIX2} 1 0.000 1.000 <NA> <NA> 19 <NA> <NA>\n"
        f"SPEAKER {MIX2} 1 0.500 2.000 <NA> <NA> 26 <NA> <NA>\n"
        f"SPEAKER {MIX2} 1 2.600 0.500 <NA> <NA> 26 <NA> <NA>\n",  # ends 0.1 s late: clipped
        encoding="utf-8")
    (res,) = librimix.prepare(root, tmp_path / "data", ["dev"])
    d = DataDir.load(tmp_path / "data" / "dev")
    assert d.validate() == [] and res.exclusions == []
    assert d.wav_scp[MIX1] == str((root / "Libri2Mix/wav16k/max/dev/mix_both" / f"{MIX1}.wav").resolve())
    assert d.extra["reco2dur"] == {MIX1: "4", MIX2: "3"}
    seg = d.segments[f"1673_{MIX1}_0001000_0003950"]
    assert (seg.reco, seg.start, seg.end) == (MIX1, 1.0, 3.95)
    assert d.segments[f"26_{MIX2}_0002600_0003000"].end == 3.0
    assert d.utt2spk[f"3536_{MIX1}_0000250_0001750"] == "3536"
    assert set(d.spk2utt()) == {"3536", "1673", "19", "26"}
    rttm = (tmp_path / "data" / "dev" / "rttm").read_text().splitlines()
    assert rttm[0] == f"SPEAKER {MIX2} 1 0.000 1.000 <NA> <NA> 19 <NA> <NA>"
    assert len(rttm) == 5 and all(len(x.split()) == 10 for x in rttm)


def test_s3prl_source_rttm(tmp_path: Path):
    """s3prl's recipe: per-source-utterance RTTMs keyed <chapter>-<utt>, sources starting at 0 s."""
    root = _layout(tmp_path)
    rttm_dir = root / "metadata" / "LibriSpeech"
    rttm_dir.mkdir(parents=True)
    (rttm_dir / "dev_clean.rttm").write_text(
        "SPEAKER 8226-0026 1 0.10 1.20 <NA> <NA> 3536 <NA> <NA>\n"
        "SPEAKER 8226-0026 1 1.80 1.00 <NA> <NA> 3536 <NA> <NA>\n"
        "SPEAKER 143397-0009 1 0.30 2.00 <NA> <NA> 1673 <NA> <NA>\n"
        "SPEAKER 198-0001 1 0.00 9.00 <NA> <NA> 19 <NA> <NA>\n"   # outside MIX2 (3 s)
        "SPEAKER 495-0004 1 0.20 nan? <NA> <NA> 26 <NA> <NA>\n",  # malformed
        encoding="utf-8")
    (res,) = librimix.prepare(root, tmp_path / "data", ["dev"])
    d = DataDir.load(tmp_path / "data" / "dev")
    assert d.validate() == []
    assert sorted(d.segments) == [f"1673_{MIX1}_0000300_0002300", f"3536_{MIX1}_0000100_0001300",
                                  f"3536_{MIX1}_0001800_0002800"]
    assert res.counts() == {"malformed_rttm": 1, "outside_wav": 1, "no_activity": 1}
    assert MIX2 in (tmp_path / "data" / "dev" / "excluded.txt").read_text()


def test_errors(tmp_path: Path):
    root = _layout(tmp_path)
    with pytest.raises(DataError, match="no activity RTTM"):
        librimix.prepare(root, tmp_path / "data", ["dev"])
    with pytest.raises(DataError, match="mixture_test_mix_both.csv"):
        librimix.prepare(root, tmp_path / "data", ["test"])
    assert librimix.main(["--root", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d")]) == 1
