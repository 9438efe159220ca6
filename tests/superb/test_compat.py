"""Shims: torchaudio without sox_effects / load / set_audio_backend, and s3prl's checkpoint loading."""
from __future__ import annotations

import argparse
import pickle
import sys
import warnings

import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio

from mmpt.data.errors import AudioReadError
from mmpt.superb import compat, sox_effects

KS_DATASET = "s3prl.downstream.speech_commands.dataset"
KS_EFFECTS = [["channels", "1"], ["rate", "16000"], ["gain", "-3.0"]]  # s3prl speech_commands/dataset.py


@pytest.fixture
def mono16k(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "mono16k.wav"
    sf.write(path, (0.3 * rng.standard_normal(16000)).astype(np.float32), 16000, subtype="PCM_16")
    return path


@pytest.fixture
def stereo22k(tmp_path):
    t = np.arange(22050) / 22050
    wav = np.stack([0.3 * np.sin(2 * np.pi * 440 * t), 0.2 * np.sin(2 * np.pi * 1000 * t + 1)])
    path = tmp_path / "stereo22k.wav"
    sf.write(path, wav.T.astype(np.float32), 22050, subtype="PCM_16")
    return path


@pytest.fixture
def torchaudio_without_io(monkeypatch):
    """This torchaudio as torchaudio >= 2.9 without torchcodec looks to s3prl: no sox_effects, load,
    set_audio_backend (restored afterwards)."""
    monkeypatch.setitem(sys.modules, "torchaudio.sox_effects", None)  # `import torchaudio.sox_effects` fails
    for name in ("sox_effects", "load", "set_audio_backend"):
        if hasattr(torchaudio, name):
            monkeypatch.delattr(torchaudio, name)
    ks = sys.modules.get(KS_DATASET)
    if ks is not None:
        monkeypatch.setattr(ks, "apply_effects_file", ks.apply_effects_file)
    yield torchaudio
    if ks is None:  # imported under the shim: forget it, so that later imports see the real torchaudio
        sys.modules.pop(KS_DATASET, None)


def test_shims_installed_when_missing(torchaudio_without_io, mono16k):
    installed = compat.install_torchaudio_shims()
    assert installed == ["sox_effects", "load", "set_audio_backend"]
    from torchaudio.sox_effects import apply_effects_file, apply_effects_tensor  # what s3prl imports

    assert torchaudio.sox_effects is sox_effects and apply_effects_file is sox_effects.apply_effects_file
    wav, rate = apply_effects_file(str(mono16k), KS_EFFECTS)
    expected = sf.read(mono16k, dtype="float32")[0] * 10 ** (-3 / 20)
    assert rate == 16000 and wav.shape == (1, 16000)
    np.testing.assert_allclose(wav[0].numpy(), expected, atol=1e-6)
    out, rate = apply_effects_tensor(wav, 16000, [["gain", "3.0"]])
    np.testing.assert_allclose(out[0].numpy(), expected * 10 ** (3 / 20), atol=1e-6)

    loaded, rate = torchaudio.load(str(mono16k))
    assert rate == 16000 and loaded.dtype == torch.float32 and loaded.shape == (1, 16000)
    np.testing.assert_array_equal(loaded[0].numpy(), sf.read(mono16k, dtype="float32")[0])
    torchaudio.set_audio_backend("sox_io")  # run_downstream.main calls it
    # installing twice changes nothing
    assert compat.install_torchaudio_shims() == []


def test_speech_commands_dataset_reads_through_the_shim(torchaudio_without_io, mono16k):
    """s3prl's KS dataset module, imported before or after the shim, reads files through it."""
    compat.install_torchaudio_shims()
    from s3prl.downstream.speech_commands import dataset

    assert dataset.apply_effects_file is sox_effects.apply_effects_file
    base = dataset.SpeechCommandsBaseDataset()
    base.data = [("yes", mono16k)]
    wav, label, fileid = base[0]
    assert wav.shape == (16000,) and label == 0 and fileid.endswith("mono16k.wav")


@pytest.mark.skipif(not compat.sox_effects_usable(), reason="torchaudio.sox_effects with libsox not available")
def test_sox_effects_match_libsox(mono16k, stereo22k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, ref_rate = torchaudio.sox_effects.apply_effects_file(str(mono16k), KS_EFFECTS)
    ours, rate = sox_effects.apply_effects_file(str(mono16k), KS_EFFECTS)
    assert rate == ref_rate and ours.shape == ref.shape
    torch.testing.assert_close(ours, ref, atol=1e-6, rtol=0)
    # down-mix and resampling: the resamplers differ at the edges only
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, ref_rate = torchaudio.sox_effects.apply_effects_file(str(stereo22k), KS_EFFECTS)
    ours, rate = sox_effects.apply_effects_file(str(stereo22k), KS_EFFECTS)
    assert rate == ref_rate == 16000 and ours.shape == ref.shape == (1, 16000)
    torch.testing.assert_close(ours[:, 50:-50], ref[:, 50:-50], atol=1e-3, rtol=0)


@pytest.mark.skipif(not compat.sox_effects_usable(), reason="torchaudio.sox_effects with libsox not available")
def test_no_shims_where_torchaudio_has_them():
    assert compat.version_tuple(torchaudio.__version__) < (2, 9)
    assert compat.install_torchaudio_shims() == []
    assert torchaudio.sox_effects is not sox_effects and torchaudio.load is not compat.load


def test_torchcodec_alias_without_torchcodec_needs_the_load_shim(monkeypatch):
    monkeypatch.setattr(torchaudio, "__version__", "2.11.0+cu128")
    monkeypatch.setattr(compat.importlib.util, "find_spec", lambda name: None)
    assert compat.load_needs_shim()
    monkeypatch.setattr(torchaudio, "__version__", "2.8.0")
    assert not compat.load_needs_shim()


def test_load_options(stereo22k, tmp_path):
    full, rate = compat.load(stereo22k)
    assert rate == 22050 and full.shape == (2, 22050) and full.dtype == torch.float32
    part, _ = compat.load(stereo22k, frame_offset=100, num_frames=50, channels_first=False)
    torch.testing.assert_close(part, full[:, 100:150].T)
    ints, _ = compat.load(stereo22k, normalize=False)
    assert ints.dtype == torch.int16
    torch.testing.assert_close(ints.float() / 32768, full)
    (tmp_path / "bad.wav").write_bytes(b"not audio")
    with pytest.raises(AudioReadError, match="bad.wav"):
        compat.load(tmp_path / "bad.wav")


def test_sox_effects_errors(mono16k, stereo22k, tmp_path):
    with pytest.raises(ValueError, match="'reverb' is not supported"):
        sox_effects.apply_effects_file(mono16k, [["reverb"]])
    with pytest.raises(ValueError, match="channels 2"):
        sox_effects.apply_effects_file(mono16k, [["channels", "2"]])
    with pytest.raises(ValueError, match="not a number"):
        sox_effects.apply_effects_file(mono16k, [["gain", "loud"]])
    with pytest.raises(AudioReadError, match="missing.wav"):
        sox_effects.apply_effects_file(tmp_path / "missing.wav", KS_EFFECTS)
    mixed, rate = sox_effects.apply_effects_file(stereo22k, [["channels", "1"]])
    both = sf.read(stereo22k, dtype="float32")[0]
    assert rate == 22050
    np.testing.assert_allclose(mixed[0].numpy(), both.mean(axis=1), atol=1e-6)


@pytest.fixture
def s3prl_experiment_ckpt(tmp_path):
    """A checkpoint as s3prl's runner saves it: args Namespace and config next to the weights."""
    path = tmp_path / "states-10.ckpt"
    torch.save({"Args": argparse.Namespace(mode="train"), "Config": {"runner": {}}, "Step": 10}, path)
    return path


@pytest.mark.skipif(compat.version_tuple(torch.__version__) < (2, 6), reason="torch < 2.6 loads pickles by default")
def test_s3prl_checkpoints_load_in_s3prl_only(s3prl_experiment_ckpt, monkeypatch):
    import s3prl.downstream.runner as runner
    import s3prl.run_downstream as run_downstream

    monkeypatch.setattr(runner, "torch", runner.torch)
    monkeypatch.setattr(run_downstream, "torch", run_downstream.torch)
    with pytest.raises(pickle.UnpicklingError):  # what breaks s3prl's resume / evaluate on torch >= 2.6
        torch.load(s3prl_experiment_ckpt, map_location="cpu")
    assert compat.trust_s3prl_checkpoints()
    for module in (runner, run_downstream):
        ckpt = module.torch.load(s3prl_experiment_ckpt, map_location="cpu")
        assert ckpt["Args"].mode == "train" and ckpt["Step"] == 10
        assert module.torch.nn is torch.nn and module.torch.FloatTensor is torch.FloatTensor
    # everything else keeps safe loading, the upstream checkpoint included
    with pytest.raises(pickle.UnpicklingError):
        torch.load(s3prl_experiment_ckpt, map_location="cpu")
    proxy = runner.torch
    assert isinstance(proxy, compat.TrustedCheckpointTorch)
    compat.trust_s3prl_checkpoints()  # idempotent
    assert runner.torch is proxy
