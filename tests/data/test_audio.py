"""mmpt.data.audio: reading wav.scp values (files, pipes, SPHERE), fixes, segments, errors, data dirs."""
from __future__ import annotations

import logging
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mmpt.data import audio
from mmpt.data.audio import (
    AudioInfo,
    decode_sphere_pcm,
    iter_utterances,
    load_audio,
    load_audio_info,
    parse_sphere_header,
    read_audio,
    write_wav,
)
from mmpt.data.datadir import DataDir, Segment
from mmpt.data.errors import AudioReadError, DataDirError


def sine(freq: float, sr: int, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(sr * seconds))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(wav: np.ndarray, sr: int) -> float:
    spec = np.abs(np.fft.rfft(wav * np.hanning(len(wav))))
    return float(np.fft.rfftfreq(len(wav), 1.0 / sr)[np.argmax(spec)])


# ----------------------------------------------------------------------------- files


def test_wav_round_trip(tmp_path):
    x = sine(440, 16000, 0.5)
    p = write_wav(tmp_path / "a.wav", x)
    y, info = read_audio(str(p))
    assert y.dtype == np.float32 and y.shape == x.shape
    assert np.max(np.abs(y - x)) <= 1.0 / 32768 + 1e-6
    assert info == AudioInfo(16000, 1, 8000, "WAV/PCM_16")
    assert info.fixes(16000) == []


def test_write_wav_clips_instead_of_wrapping(tmp_path):
    p = write_wav(tmp_path / "loud.wav", np.array([0.0, 1.5, -2.0], dtype=np.float32))
    assert np.allclose(load_audio(str(p)), [0.0, 32767 / 32768, -1.0], atol=1e-4)


def test_flac_round_trip(tmp_path):
    x = sine(300, 16000, 0.3)
    sf.write(tmp_path / "a.flac", x, 16000, subtype="PCM_16")
    y = load_audio(str(tmp_path / "a.flac"))
    assert np.max(np.abs(y - x)) <= 1.0 / 32768 + 1e-6


def test_real_librispeech_flac(realdata):
    flacs = sorted((realdata / "librispeech/LibriSpeech/test-clean").rglob("*.flac"))
    assert flacs, "no LibriSpeech flac in realdata"
    for f in flacs[:3]:
        info = load_audio_info(str(f))
        assert (info.sample_rate, info.channels) == (16000, 1)
        wav = load_audio(str(f))
        assert wav.shape == (sf.info(str(f)).frames,) == (info.num_samples,)
        assert 1.0 < info.duration < 40.0
        assert 0.01 < np.abs(wav).max() <= 1.0


@pytest.fixture(scope="module")
def an4_sph(tmp_path_factory, realdata) -> list:
    tarball = realdata / "mini_an4/downloads.tar.gz"
    if not tarball.is_file():
        pytest.skip(f"{tarball} not found")
    out = tmp_path_factory.mktemp("an4")
    with tarfile.open(tarball) as t:
        t.extractall(out, filter="data")
    files = sorted(out.rglob("*.sph"))
    assert len(files) == 8
    return files


def test_real_an4_sphere(an4_sph):
    for f in an4_sph:
        head = f.read_bytes()[:1024]
        hdr = parse_sphere_header(head, str(f))
        assert (hdr.sample_rate, hdr.channels, hdr.sample_n_bytes, hdr.byte_format, hdr.coding) == (
            16000, 1, 2, "01", "pcm")
        wav, info = read_audio(str(f))
        assert info.format.startswith("NIST")
        assert wav.shape == (hdr.sample_count,)
        assert 0.7 <= info.duration <= 3.0
        # The built-in SPHERE decoder agrees with libsndfile sample for sample.
        ours = decode_sphere_pcm(f.read_bytes()[hdr.header_size:], hdr)[:, 0]
        np.testing.assert_array_equal(ours, wav)


def test_sphere_fallback_reader_when_libsndfile_refuses(an4_sph, monkeypatch, caplog):
    f = str(an4_sph[0])
    expected = load_audio(f, start=0.1, end=0.5)

    def refuse(path, ctx):
        raise ctx.error("libsndfile says no")

    monkeypatch.setattr(audio, "_SoundFileSource", refuse)
    with caplog.at_level(logging.DEBUG, logger="mmpt.data.audio"):
        wav, info = read_audio(f, start=0.1, end=0.5)
    np.testing.assert_array_equal(wav, expected)
    assert info.format == "NIST/PCM_16"
    assert "built-in PCM reader" in caplog.text


def _sphere_bytes(fields: dict, body: bytes) -> bytes:
    lines = ["NIST_1A", "   1024"]
    for k, v in fields.items():
        if isinstance(v, int):
            lines.append(f"{k} -i {v}")
        else:
            lines.append(f"{k} -s{len(v)} {v}")
    lines.append("end_head")
    head = ("\n".join(lines) + "\n").encode()
    return head + b" " * (1024 - len(head)) + body


def test_sphere_big_endian_stereo(tmp_path):
    ints = np.array([[1000, -2000], [3000, 4000], [-32768, 32767]], dtype=">i2")
    data = _sphere_bytes(
        {"sample_count": 3, "sample_rate": 8000, "channel_count": 2, "sample_n_bytes": 2,
         "sample_byte_format": "10", "sample_coding": "pcm"},
        ints.tobytes(),
    )
    hdr = parse_sphere_header(data[:1024])
    assert (hdr.channels, hdr.byte_format, hdr.sample_count) == (2, "10", 3)
    np.testing.assert_allclose(decode_sphere_pcm(data[1024:], hdr), ints.astype(np.float32) / 32768)
    # Through load_audio (via a pipe, so the bytes path is used): down-mixed, at its own rate.
    p = tmp_path / "be.sph"
    p.write_bytes(data)
    wav = load_audio(f"cat {p} |", target_sr=8000)
    np.testing.assert_allclose(wav, ints.astype(np.float32).mean(axis=1) / 32768, atol=1e-6)


def test_sphere_shorten_is_refused_with_a_hint(tmp_path):
    p = tmp_path / "sw.sph"
    p.write_bytes(_sphere_bytes(
        {"sample_count": 100, "sample_rate": 8000, "channel_count": 1, "sample_n_bytes": 2,
         "sample_byte_format": "01", "sample_coding": "pcm,embedded-shorten-v2.00"},
        b"\x00" * 64,
    ))
    with pytest.raises(AudioReadError, match="shorten") as e:
        load_audio(str(p))
    assert str(p) in str(e.value) and "sph2pipe" in str(e.value)


# ----------------------------------------------------------------------------- fixes


@pytest.mark.parametrize("sr,freq", [(8000, 1000.0), (44100, 3000.0), (48000, 5000.0)])
def test_resampled_to_16k_keeps_length_and_pitch(tmp_path, sr, freq, caplog):
    x = sine(freq, sr, 1.0)
    sf.write(tmp_path / "x.wav", x, sr, subtype="FLOAT")
    with caplog.at_level(logging.DEBUG, logger="mmpt.data.audio"):
        y, info = read_audio(str(tmp_path / "x.wav"), target_sr=16000)
    assert abs(len(y) - 16000) <= 1
    assert abs(peak_hz(y, 16000) - freq) <= 2.0
    assert info.sample_rate == sr and info.fixes(16000) == [f"resampled {sr} Hz to 16000 Hz"]
    assert "resampled" in caplog.text
    # No aliasing of the content: the resampled sine keeps its amplitude away from the edges.
    assert abs(np.abs(y[1000:-1000]).max() - 0.5) < 0.01


def test_stereo_is_averaged(tmp_path, caplog):
    left, right = sine(440, 16000, 0.5), sine(1000, 16000, 0.5, amp=0.2)
    sf.write(tmp_path / "st.wav", np.stack([left, right], axis=1), 16000, subtype="FLOAT")
    info = load_audio_info(str(tmp_path / "st.wav"))
    assert (info.channels, info.num_samples) == (2, 8000)
    assert info.fixes(16000) == ["down-mixed 2 channels to mono"]
    with caplog.at_level(logging.DEBUG, logger="mmpt.data.audio"):
        y = load_audio(str(tmp_path / "st.wav"))
    np.testing.assert_allclose(y, (left + right) / 2, atol=1e-6)
    assert "down-mixed" in caplog.text


# ----------------------------------------------------------------------------- pipes


def test_cat_pipe(tmp_path):
    x = sine(440, 16000, 0.25)
    p = write_wav(tmp_path / "a.wav", x)
    np.testing.assert_array_equal(load_audio(f"cat {p} |"), load_audio(str(p)))


def test_sox_pipe_with_resampling(tmp_path):
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed")
    x = sine(1000, 16000, 0.5)
    p = write_wav(tmp_path / "a.wav", x)
    np.testing.assert_array_equal(load_audio(f"sox {p} -t wav - |"), load_audio(str(p)))
    # sox converts to 8 kHz; load_audio brings it back to 16 kHz.
    y, info = read_audio(f"sox {p} -r 8000 -t wav - |")
    assert info.sample_rate == 8000 and abs(len(y) - 8000) <= 2
    assert abs(peak_hz(y, 16000) - 1000) <= 2.0


def test_failing_pipe_names_command_and_stderr():
    spec = "sh -c 'echo first >&2; echo boom: bad input >&2; exit 3' |"
    with pytest.raises(AudioReadError) as e:
        load_audio(spec, where="data/x/wav.scp", key="rec1")
    msg = str(e.value)
    assert "echo boom" in msg and "status 3" in msg and "boom: bad input" in msg
    assert msg.startswith("data/x/wav.scp [rec1]: ")


def test_empty_pipe_output():
    with pytest.raises(AudioReadError, match="wrote nothing"):
        load_audio("true |")


def test_pipe_output_not_audio():
    with pytest.raises(AudioReadError, match="not readable audio"):
        load_audio("echo hello |")


# ----------------------------------------------------------------------------- segments


@pytest.fixture()
def ramp_wav(tmp_path) -> tuple:
    # Distinct integer samples so that a cut can be checked exactly.
    ints = (np.arange(32000) % 30000 - 15000).astype(np.int16)
    p = tmp_path / "ramp.wav"
    sf.write(p, ints, 16000, subtype="PCM_16")
    return str(p), ints.astype(np.float32) / 32768


def test_segment_cut_at_right_samples(ramp_wav):
    path, x = ramp_wav
    np.testing.assert_array_equal(load_audio(path, start=0.5, end=1.25), x[8000:20000])
    np.testing.assert_array_equal(load_audio(path, start=1.5), x[24000:])
    np.testing.assert_array_equal(load_audio(path, start=1.5, end=-1), x[24000:])
    # A pipe (decoded in memory) cuts at the same samples.
    np.testing.assert_array_equal(load_audio(f"cat {path} |", start=0.5, end=1.25), x[8000:20000])


def test_segment_end_slightly_past_end_is_clipped(ramp_wav, caplog):
    path, x = ramp_wav
    with caplog.at_level(logging.WARNING, logger="mmpt.data.audio"):
        y = load_audio(path, start=1.0, end=2.05)
    np.testing.assert_array_equal(y, x[16000:])
    assert "clipped" in caplog.text


@pytest.mark.parametrize(
    "start,end,match",
    [(1.0, 2.5, "after the end"), (2.5, None, "starts at"), (1.0, 0.5, "empty segment"), (-0.1, 1.0, "negative")],
)
def test_segment_outside_file(ramp_wav, start, end, match):
    path, _ = ramp_wav
    with pytest.raises(AudioReadError, match=match) as e:
        load_audio(path, start=start, end=end)
    assert path in str(e.value)


# ----------------------------------------------------------------------------- errors


def test_missing_file(tmp_path):
    p = str(tmp_path / "nope.wav")
    with pytest.raises(AudioReadError, match="does not exist") as e:
        load_audio(p)
    assert p in str(e.value)


def test_corrupt_file(tmp_path):
    p = tmp_path / "garbage.wav"
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(AudioReadError, match="unreadable") as e:
        load_audio(str(p))
    assert str(p) in str(e.value)


def test_zero_byte_file(tmp_path):
    p = tmp_path / "empty.flac"
    p.write_bytes(b"")
    with pytest.raises(AudioReadError, match="empty file") as e:
        load_audio(str(p))
    assert str(p) in str(e.value)


def test_zero_sample_wav(tmp_path):
    p = tmp_path / "nosamples.wav"
    sf.write(p, np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(AudioReadError, match="zero-length") as e:
        load_audio(str(p))
    assert str(p) in str(e.value)


def test_truncated_wav(tmp_path):
    """libsndfile quietly shrinks a cut WAV's frame count; the header's data size gives it away."""
    p = write_wav(tmp_path / "t.wav", sine(440, 16000, 2.0))
    p.write_bytes(p.read_bytes()[: 44 + 2 * 8000])  # the header still promises 2 s; 0.5 s are left
    assert sf.info(str(p)).frames == 8000  # what libsndfile makes of it
    with pytest.raises(AudioReadError, match=r"truncated audio: the WAV header promises 32000 samples "
                                             r"\(2.000 s\), the file holds 8000 \(0.500 s\)") as e:
        load_audio(str(p))
    assert str(p) in str(e.value)


def test_truncated_flac(tmp_path):
    p = tmp_path / "t.flac"
    sf.write(str(p), sine(440, 16000, 2.0), 16000)
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 4])
    with pytest.raises(AudioReadError, match="truncated or corrupt audio: the FLAC header promises 32000") as e:
        load_audio(str(p))
    assert str(p) in str(e.value)


def test_truncated_audio_is_excluded_from_the_fbank_dump(tmp_path):
    from mmpt.features.fbank_dump import dump_fbank

    whole = write_wav(tmp_path / "spk-a.wav", sine(440, 16000, 2.0))
    cut = write_wav(tmp_path / "spk-b.wav", sine(440, 16000, 2.0))
    cut.write_bytes(cut.read_bytes()[: 44 + 2 * 8000])
    d = tmp_path / "data"
    DataDir(wav_scp={"spk-a": str(whole), "spk-b": str(cut)}, utt2spk={"spk-a": "spk", "spk-b": "spk"}).write(d)
    result = dump_fbank(d, tmp_path / "dump", progress=False)
    assert (result.num_done, result.num_excluded) == (1, 1)
    assert "truncated audio" in dict(result.excluded)["spk-b"]


def test_where_and_key_name_the_origin(tmp_path):
    p = str(tmp_path / "nope.wav")
    with pytest.raises(AudioReadError) as e:
        load_audio(p, where="data/train/wav.scp", key="utt7")
    assert (e.value.where, e.value.key) == ("data/train/wav.scp", "utt7")
    assert p in str(e.value)


# ----------------------------------------------------------------------------- data dirs


def _write_datadir(root: Path, wav_scp: dict, segments: dict = None) -> Path:
    d = DataDir(wav_scp=wav_scp, segments=segments)
    d.write(root)
    return root


def test_iter_utterances_skip_mode_counts_failures(tmp_path, caplog):
    good = write_wav(tmp_path / "good.wav", sine(440, 8000, 0.5), sr=8000)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF not really a wav file")
    d = _write_datadir(tmp_path / "data", {"u1": str(good), "u2": str(bad), "u3": str(tmp_path / "missing.wav")})

    failures: list = []
    with caplog.at_level(logging.WARNING, logger="mmpt.data.audio"):
        out = list(iter_utterances(d, on_error="skip", failures=failures))
    assert [u for u, _ in out] == ["u1"] and len(out[0][1]) == 8000
    assert [u for u, _ in failures] == ["u2", "u3"]
    assert str(bad) in failures[0][1] and "does not exist" in failures[1][1]
    assert "skipped 2 of 3" in caplog.text

    with pytest.raises(AudioReadError, match="u2"):
        list(iter_utterances(d))


def test_iter_utterances_segments_read_each_recording_once(tmp_path, ramp_wav, monkeypatch):
    path, x = ramp_wav
    segs = {
        "r1-a": Segment("r1", 0.0, 0.5),
        "r1-b": Segment("r1", 0.5, 1.25),
        "r1-c": Segment("r1", 1.25, -1),
        "r2-a": Segment("r2", 0.0, 0.1),
        "r3-a": Segment("r3", 0.0, 0.1),  # r3 is not in wav.scp
        "r4-a": Segment("r4", 0.0, 9.0),  # past the end
    }
    d = DataDir.load(_write_datadir(tmp_path / "data", {"r1": path, "r2": f"cat {path} |", "r4": path}, segs))

    opened = []
    real_open = audio._open_source

    def counting_open(spec, ctx, target_sr):
        opened.append(spec)
        return real_open(spec, ctx, target_sr)

    monkeypatch.setattr(audio, "_open_source", counting_open)
    failures: list = []
    out = dict(iter_utterances(d, on_error="skip", failures=failures))
    assert opened == [path, f"cat {path} |", path]
    np.testing.assert_array_equal(out["r1-a"], x[:8000])
    np.testing.assert_array_equal(out["r1-b"], x[8000:20000])
    np.testing.assert_array_equal(out["r1-c"], x[20000:])
    np.testing.assert_array_equal(out["r2-a"], x[:1600])
    for utt, _ in failures:
        assert utt not in out
    assert [u for u, _ in failures] == ["r3-a", "r4-a"]
    assert "not in wav.scp" in failures[0][1] and "after the end" in failures[1][1]

    with pytest.raises(DataDirError, match="r3"):
        list(iter_utterances(d))


def test_iter_utterances_resamples(tmp_path):
    p = write_wav(tmp_path / "a.wav", sine(440, 44100, 0.5), sr=44100)
    d = _write_datadir(tmp_path / "data", {"u1": str(p)})
    [(utt, wav)] = list(iter_utterances(str(d), target_sr=16000))
    assert utt == "u1" and abs(len(wav) - 8000) <= 1
