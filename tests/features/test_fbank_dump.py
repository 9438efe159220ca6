from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.data.audio import load_audio
from mmpt.data.datadir import DataDir, read_kv, write_kv
from mmpt.data.errors import DataDirError
from mmpt.features.ark import load_scp
from mmpt.features.fbank import FbankConfig, compute_fbank
from mmpt.features.fbank_dump import dump_fbank

from .conftest import LENGTHS, mtimes, write_wav_datadir

GOOD = {u: n for u, n in LENGTHS.items() if n >= 400}


def test_dump_outputs_agree_with_the_audio(wav_datadir: Path, tmp_path: Path):
    out = tmp_path / "dump"
    result = dump_fbank(wav_datadir, out, nj=1, progress=False)
    assert (result.num_utts, result.num_done, result.num_excluded) == (8, 6, 2)
    assert not result.up_to_date

    feats_scp = read_kv(out / "feats.scp")
    assert list(feats_scp) == sorted(GOOD)
    shapes = read_kv(out / "feats_shape")
    frames = read_kv(out / "utt2num_frames")
    feats = load_scp(out / "feats.scp")
    for utt, n in GOOD.items():
        expected = 1 + (n - 400) // 160
        assert shapes[utt] == f"{expected},80" and frames[utt] == str(expected)
        wav = load_audio(str(wav_datadir.parent / "wav" / f"{utt}.wav"))
        np.testing.assert_array_equal(feats[utt], compute_fbank(wav, FbankConfig()))

    excluded = read_kv(out / "excluded.txt")
    assert set(excluded) == {"spk3-corrupt", "spk3-missing"}
    assert "does not exist" in excluded["spk3-missing"] and "nope.wav" in excluded["spk3-missing"]
    assert "corrupt.wav" in excluded["spk3-corrupt"]
    assert [tuple(x) for x in result.excluded] == sorted(excluded.items())

    # the dump dir is a valid data dir restricted to the dumped utterances
    d = DataDir.load(out)
    assert d.utt_ids() == sorted(GOOD) and set(d.text) == set(GOOD)
    assert set(d.spk2utt()) == {"spk1", "spk2"}
    assert d.validate(check_files=True) == []


def test_too_short_audio_is_excluded_with_the_reason(tmp_path: Path):
    data = write_wav_datadir(tmp_path, {"a-ok": 1600, "a-short": 300})
    result = dump_fbank(data, tmp_path / "dump", progress=False)
    assert result.num_done == 1
    assert result.excluded == [
        ("a-short", "a-short: audio too short: 300 samples < one 25 ms frame (400 samples at 16000 Hz)")]


def test_parallel_dump_equals_serial_and_reruns_are_no_ops(wav_datadir: Path, tmp_path: Path):
    serial = dump_fbank(wav_datadir, tmp_path / "nj1", nj=1, progress=False)
    parallel = dump_fbank(wav_datadir, tmp_path / "nj2", nj=2, progress=False)
    assert serial.excluded and [u for u, _ in serial.excluded] == [u for u, _ in parallel.excluded]
    a, b = load_scp(tmp_path / "nj1" / "feats.scp"), load_scp(tmp_path / "nj2" / "feats.scp")
    assert list(a) == list(b)
    for utt in a:
        assert a[utt].tobytes() == b[utt].tobytes()
    assert len(set(read_kv(tmp_path / "nj2" / "feats.scp").values())) == 6
    assert (tmp_path / "nj2" / "data" / "feats.2.ark").is_file()
    for name in ("feats_shape", "utt2num_frames", "text", "utt2spk", "spk2utt", "wav.scp"):
        assert (tmp_path / "nj1" / name).read_text() == (tmp_path / "nj2" / name).read_text(), name

    out = tmp_path / "nj2"
    watched = [out / "feats.scp", out / "data" / "feats.1.ark", out / "data" / "feats.2.ark",
               out / "log" / "fbank.1.done", out / "log" / "fbank.2.done"]
    before = mtimes(watched)
    again = dump_fbank(wav_datadir, out, nj=2, progress=False)
    assert again.up_to_date and again.num_done == 6 and again.num_excluded == 2
    assert mtimes(watched) == before

    # a job that did not finish (no marker) is redone, the finished one is skipped
    (out / "log" / "fbank.2.done").unlink()
    (out / ".done").unlink()
    redo = dump_fbank(wav_datadir, out, nj=2, progress=False)
    assert not redo.up_to_date
    after = mtimes(watched)
    assert after[str(out / "data" / "feats.1.ark")] == before[str(out / "data" / "feats.1.ark")]
    assert after[str(out / "data" / "feats.2.ark")] != before[str(out / "data" / "feats.2.ark")]
    c = load_scp(out / "feats.scp")
    assert all(a[u].tobytes() == c[u].tobytes() for u in a)


def test_changed_inputs_or_config_redo_the_dump(tmp_path: Path):
    data = write_wav_datadir(tmp_path, {"a-1": 1600, "a-2": 3200, "b-1": 4800})
    out = tmp_path / "dump"
    dump_fbank(data, out, nj=2, progress=False)
    conf = tmp_path / "fbank.yaml"
    conf.write_text("num_mel_bins: 40\n")
    r = dump_fbank(data, out, nj=2, config=conf, progress=False)
    assert not r.up_to_date
    assert set(read_kv(out / "feats_shape").values()) == {"8,40", "18,40", "28,40"}
    # a new transcript alone refreshes the copied files
    text = read_kv(data / "text")
    text["a-1"] = "NEW WORDS"
    write_kv(data / "text", text)
    r = dump_fbank(data, out, nj=2, config=conf, progress=False)
    assert not r.up_to_date and read_kv(out / "text")["a-1"] == "NEW WORDS"
    # fewer jobs: no stale part of the earlier run is left
    dump_fbank(data, out, nj=1, config=conf, progress=False)
    assert sorted(p.name for p in (out / "data").iterdir() if ".2." in p.name) == []
    assert not (out / "log" / "fbank.2.done").exists()


def test_segments_are_cut_from_their_recording(tmp_path: Path):
    data = write_wav_datadir(tmp_path, {"rec1": 32000})
    write_kv(data / "segments", {"spk-a": "rec1 0.0 0.5", "spk-b": "rec1 0.5 1.75"})
    write_kv(data / "text", {"spk-a": "A", "spk-b": "B"})
    write_kv(data / "utt2spk", {"spk-a": "spk", "spk-b": "spk"})
    dump_fbank(data, tmp_path / "dump", nj=2, progress=False)
    assert read_kv(tmp_path / "dump" / "utt2num_frames") == {"spk-a": str(1 + (8000 - 400) // 160),
                                                            "spk-b": str(1 + (20000 - 400) // 160)}
    assert read_kv(tmp_path / "dump" / "segments")["spk-b"] == "rec1 0.5 1.75"


def test_missing_or_useless_data_dirs(tmp_path: Path):
    with pytest.raises(DataDirError, match="does not exist"):
        dump_fbank(tmp_path / "absent", tmp_path / "dump", progress=False)
    data = write_wav_datadir(tmp_path, {}, extra={"x-1": str(tmp_path / "nope.wav")})
    with pytest.raises(DataDirError, match="all 1 utterances failed"):
        dump_fbank(data, tmp_path / "dump", progress=False)
    assert "nope.wav" in (tmp_path / "dump" / "excluded.txt").read_text()


def test_real_librispeech_dump(realdata: Path, tmp_path: Path):
    import soundfile as sf

    root = realdata / "librispeech" / "LibriSpeech" / "test-clean"
    flacs = sorted(root.glob("*/*/*.flac"))[:3]
    data = tmp_path / "data"
    data.mkdir()
    write_kv(data / "wav.scp", {f.stem: str(f) for f in flacs})
    write_kv(data / "utt2spk", {f.stem: f.stem.split("-")[0] for f in flacs})
    dump_fbank(data, tmp_path / "dump", nj=1, progress=False)
    frames = read_kv(tmp_path / "dump" / "utt2num_frames")
    assert frames == {f.stem: str(1 + (sf.info(str(f)).frames - 400) // 160) for f in flacs}


@pytest.mark.parametrize("nj", [1, 2])
def test_cli_counts_every_utterance_it_does_not_dump(tmp_path: Path, capsys, nj):
    """An utterance that text lists but wav.scp lacks is excluded and counted, never silently dropped; a
    data dir with file-level problems is refused, as the recipes' validation refuses it."""
    from mmpt.bin.dump_fbank import main

    data = write_wav_datadir(tmp_path, {"spk1-a": 4000, "spk1-b": 4000, "spk2-a": 4000})
    text = read_kv(data / "text")
    write_kv(data / "text", {**text, "spk2-b": "ONLY IN TEXT"})
    out = tmp_path / "dump"
    assert main([str(data), str(out), "--nj", str(nj), "--no_progress"]) == 0
    assert "done: 3 of 4 utterances, 1 excluded" in capsys.readouterr().out
    excluded = read_kv(out / "excluded.txt")
    assert list(excluded) == ["spk2-b"] and "text [spk2-b]: id not in the utterance list (wav.scp lacks it)" in \
        excluded["spk2-b"]
    assert DataDir.load(out).validate() == [] and len(DataDir.load(out)) == 3

    (data / "utt2spk").write_text("spk2-a spk2\nspk1-a spk1\nspk1-b spk1\n\n")
    assert main([str(data), str(tmp_path / "dump2"), "--no_progress"]) == 2
    err = capsys.readouterr().err
    assert "utt2spk: not sorted in LC_ALL=C order" in err and "utt2spk: 1 empty line(s)" in err
    assert "mmpt-datadir fix" in err
