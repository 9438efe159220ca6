from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torchaudio.compliance import kaldi

from mmpt.data.errors import AudioReadError, DataError
from mmpt.features.fbank import DEFAULT_CONFIG_PATH, FbankConfig, compute_fbank

from .conftest import speech_like


def test_default_config_matches_torchaudio_kaldi_fbank():
    wav = speech_like(16000, 0)
    ours = compute_fbank(wav, FbankConfig())
    ref = kaldi.fbank(
        torch.from_numpy(wav * 32768.0).unsqueeze(0),
        num_mel_bins=80, frame_length=25.0, frame_shift=10.0, dither=0.0, energy_floor=0.0,
        sample_frequency=16000.0,
    ).numpy()
    assert ours.dtype == np.float32
    assert ours.shape == (1 + (16000 - 400) // 160, 80)
    np.testing.assert_array_equal(ours, ref)


def test_non_default_options_are_passed_through():
    wav = speech_like(8000, 1)
    cfg = FbankConfig(num_mel_bins=40, use_energy=True, window_type="hamming", low_freq=60.0,
                      high_freq=-400.0, preemphasis_coefficient=0.9, snip_edges=False)
    ours = compute_fbank(torch.from_numpy(wav), cfg)
    ref = kaldi.fbank(
        torch.from_numpy(wav * 32768.0).unsqueeze(0), num_mel_bins=40, use_energy=True, window_type="hamming",
        low_freq=60.0, high_freq=-400.0, preemphasis_coefficient=0.9, snip_edges=False, dither=0.0,
        energy_floor=0.0,
    ).numpy()
    assert ours.shape == (cfg.num_frames(8000), 41)
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("n", [400, 401, 559, 560, 16000, 12345])
def test_frame_count_with_snip_edges(n):
    assert compute_fbank(speech_like(n, 2)).shape[0] == 1 + (n - 400) // 160 == FbankConfig().num_frames(n)


def test_audio_shorter_than_a_frame_names_the_utterance():
    with pytest.raises(AudioReadError, match=r"utt-short.*too short: 399 samples"):
        compute_fbank(np.zeros(399, np.float32), utt="utt-short")


def test_bad_waveforms_are_rejected():
    with pytest.raises(AudioReadError, match="mono"):
        compute_fbank(np.zeros((2, 1000), np.float32), utt="u")
    bad = np.zeros(1000, np.float32)
    bad[10] = np.nan
    with pytest.raises(AudioReadError, match="NaN"):
        compute_fbank(bad, utt="u")


def test_packaged_yaml_is_the_default_config():
    assert DEFAULT_CONFIG_PATH.is_file()
    assert FbankConfig.from_file(DEFAULT_CONFIG_PATH) == FbankConfig()
    assert FbankConfig.load(None) == FbankConfig()


def test_yaml_with_kaldi_spellings(tmp_path: Path):
    conf = tmp_path / "fbank.yaml"
    conf.write_text("num-mel-bins: 40\nframe_shift: 12.5\nuse_energy: true\nwindow_type: hanning\n")
    cfg = FbankConfig.load(conf)
    assert (cfg.num_mel_bins, cfg.frame_shift, cfg.use_energy, cfg.window_type) == (40, 12.5, True, "hanning")
    assert cfg.dither == 0.0  # unspecified options keep the defaults


def test_unknown_yaml_key_names_the_file_and_the_key(tmp_path: Path):
    conf = tmp_path / "fbank.yaml"
    conf.write_text("num_mel_bins: 80\nnum_mel_bin: 40\n")
    with pytest.raises(DataError) as err:
        FbankConfig.from_file(conf)
    assert str(conf) in str(err.value)
    assert "num_mel_bin" in str(err.value) and "unknown fbank option" in str(err.value)


def test_bad_values_and_files(tmp_path: Path):
    conf = tmp_path / "fbank.yaml"
    conf.write_text("num_mel_bins: many\n")
    with pytest.raises(DataError, match="num_mel_bins.*expected an integer"):
        FbankConfig.from_file(conf)
    conf.write_text("- a list\n")
    with pytest.raises(DataError, match="expected a mapping"):
        FbankConfig.from_file(conf)
    with pytest.raises(DataError, match="not found"):
        FbankConfig.from_file(tmp_path / "absent.yaml")


def test_kaldi_conf_file(tmp_path: Path):
    conf = tmp_path / "fbank.conf"
    conf.write_text("--num-mel-bins=64  # comment\n--sample-frequency=8000\n\n--use-energy=false\n")
    cfg = FbankConfig.from_file(conf)
    assert (cfg.num_mel_bins, cfg.sample_frequency, cfg.use_energy) == (64, 8000.0, False)
    conf.write_text("--allow-downsample=true\n")
    with pytest.raises(DataError, match="allow-downsample"):
        FbankConfig.from_file(conf)


def test_real_librispeech_utterance(realdata: Path):
    import soundfile as sf

    flac = realdata / "librispeech/LibriSpeech/test-clean/1089/134686/1089-134686-0000.flac"
    wav, sr = sf.read(str(flac), dtype="float32")
    feats = compute_fbank(wav)
    assert sr == 16000
    assert feats.shape == (1 + (len(wav) - 400) // 160, 80)
    assert np.isfinite(feats).all()
    # speech alternates loud and quiet frames: a wide range of frame energies (log scale)
    frame_energy = feats.mean(axis=1)
    assert frame_energy.max() - frame_energy.min() > 3.0
