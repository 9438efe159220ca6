"""The upstream expert: s3prl's interface, frame counts, batch == single, same features as training."""
from __future__ import annotations

import pytest
import torch

from mmpt.features.fbank import compute_fbank
from mmpt.superb.expert import UpstreamExpert

from .conftest import NUM_BLOCKS, OUTPUT_SIZE, build_asr_model, noise, tiny_asr_config

# odd lengths, one shorter than the input layer accepts (1360 samples), one of a single frame
LENGTHS = [16000, 12345, 3001, 1359, 641, 20001, 960]


def _wavs(lengths=LENGTHS):
    return [torch.from_numpy(noise(n, seed)) for seed, n in enumerate(lengths)]


def test_interface(upstream):
    with torch.no_grad():
        out = upstream(_wavs([16000, 8000]))
    hidden = out["hidden_states"]
    assert len(hidden) == NUM_BLOCKS + 1
    assert all(h.shape == (2, 25, OUTPUT_SIZE) for h in hidden)
    assert out["last_hidden_state"] is hidden[-1]
    assert upstream.get_downsample_rates("hidden_states") == 640
    assert upstream.get_downsample_rates("last_hidden_state") == 640


@pytest.mark.parametrize("n", LENGTHS + [640 * 7 + 320, 640 * 7 + 319, 640 * 7, 640 * 7 + 1, 8000, 20000])
def test_frames_are_s3prl_valid_lengths(upstream, n):
    """(N - 1) // 640 + 1 frames: the valid length s3prl's S3PRLUpstream (and espnet2) report."""
    with torch.no_grad():
        out = upstream(_wavs([n]))
    expected = (n - 1) // 640 + 1
    assert all(h.shape[1] == expected for h in out["hidden_states"])
    assert out["last_hidden_state"][0, -1].abs().sum() > 0, "the last frame is computed, not zero"


def test_batch_equals_single(upstream):
    wavs = _wavs()
    with torch.no_grad():
        batch = upstream(wavs)["hidden_states"]
        for b, wav in enumerate(wavs):
            single = upstream([wav])["hidden_states"]
            n = single[0].shape[1]
            for layer, (hb, hs) in enumerate(zip(batch, single)):
                torch.testing.assert_close(hb[b, :n], hs[0], atol=1e-4, rtol=0, msg=f"utt {b} layer {layer}")
                assert not hb[b, n:].any(), "frames past an utterance's own count are zero"


def test_same_features_as_training(upstream, tiny_ckpt):
    """fbank with the checkpoint's options -> GlobalMVN -> espnet2 encoder, as the model was trained."""
    model = build_asr_model(tiny_asr_config(str(tiny_ckpt.recipe / "exp/asr_stats/train/feats_stats.npz")))
    model.load_state_dict(tiny_ckpt.state)
    wav = _wavs([16000])[0]
    feats = torch.from_numpy(compute_fbank(wav, tiny_ckpt.fbank)).unsqueeze(0)
    lens = torch.tensor([feats.shape[1]])
    with torch.no_grad():
        feats, lens = model.normalize(feats, lens)
        ref, ref_lens, _ = model.encoder(feats, lens)
        out = upstream([wav])["hidden_states"]
    n = int(ref_lens[0])
    assert n == 23  # ((98 - 1) // 2 - 1) // 2: 2 frames short of round(16000 / 640) = 25
    torch.testing.assert_close(out[-1][0, :n], ref[0], atol=1e-5, rtol=0)
    # the two padded frames repeat the last one
    torch.testing.assert_close(out[-1][0, n:], ref[0, -1:].expand(2, -1), atol=1e-5, rtol=0)


def test_runner_featurizer_probe_and_lengths(upstream):
    """s3prl's downstream-runner Featurizer: probe with a 1 s waveform, weighted sum, length check."""
    from s3prl.upstream.interfaces import Featurizer

    featurizer = Featurizer(upstream, upstream_device="cpu")
    assert featurizer.downsample_rate == 640 and featurizer.output_dim == OUTPUT_SIZE
    assert featurizer.layer_num == NUM_BLOCKS + 1
    wavs = _wavs()
    with torch.no_grad():
        feats = featurizer(wavs, upstream(wavs))
    assert [f.shape for f in feats] == [(round(len(w) / 640), OUTPUT_SIZE) for w in wavs]


def test_s3prl_upstream_and_featurizer(tiny_ckpt):
    """s3prl.nn.S3PRLUpstream resolves the registered name, s3prl.nn.Featurizer sums its layers."""
    from s3prl.nn import Featurizer, S3PRLUpstream

    from mmpt.superb import register

    register()
    model = S3PRLUpstream("mmpt_upstream", path_or_url=str(tiny_ckpt.ckpt)).eval()
    assert model.num_layers == NUM_BLOCKS + 1 and model.downsample_rates == [640] * (NUM_BLOCKS + 1)
    featurizer = Featurizer(model)
    wavs = _wavs([16000, 12345, 3001])
    padded = torch.nn.utils.rnn.pad_sequence(wavs, batch_first=True)
    lens = torch.tensor([len(w) for w in wavs])
    with torch.no_grad():
        hs, hs_len = model(padded, lens)
        feats, feats_len = featurizer(hs, hs_len)
    assert feats.shape == (3, 25, OUTPUT_SIZE)
    assert feats_len.tolist() == [25, 20, 5]


def test_default_frontend_checkpoint(tmp_path, tiny_ckpt):
    """An ASR checkpoint with espnet2's STFT frontend (no precomputed fbank) works the same way."""
    import yaml

    config = tiny_asr_config(
        str(tiny_ckpt.recipe / "exp/asr_stats/train/feats_stats.npz"),
        input_size=None,
        frontend="default",
        frontend_conf={"fs": "16k", "n_fft": 512, "win_length": 400, "hop_length": 160, "n_mels": 80},
    )
    model = build_asr_model(config)
    torch.save(model.state_dict(), tmp_path / "model.pth")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    up = UpstreamExpert(tmp_path / "model.pth").eval()
    assert up.fbank_config is None and up.get_downsample_rates("hidden_states") == 640
    wavs = _wavs([16000, 7001, 900])
    with torch.no_grad():
        batch = up(wavs)["hidden_states"]
        for b, wav in enumerate(wavs):
            single = up([wav])["hidden_states"]
            n = (len(wav) - 1) // 640 + 1
            assert single[-1].shape[1] == n
            torch.testing.assert_close(batch[-1][b, :n], single[-1][0], atol=1e-4, rtol=0)


def test_bad_waveforms(upstream):
    from mmpt.data.errors import AudioReadError

    with pytest.raises(AudioReadError, match=r"wavs\[1\].*empty"):
        upstream([torch.zeros(1000), torch.zeros(0)])
    with pytest.raises(AudioReadError, match="1-D"):
        upstream([torch.zeros(2, 1000)])
    with pytest.raises(ValueError, match="needs the checkpoint"):
        UpstreamExpert(None)


def test_linear_input_layer_batch_equals_single(tmp_path, tiny_ckpt):
    """Without sub-sampling (input_layer linear) the padded frames are masked at the convolutions too."""
    import yaml

    config = tiny_asr_config(str(tiny_ckpt.recipe / "exp/asr_stats/train/feats_stats.npz"))
    config["encoder_conf"] = {**config["encoder_conf"], "input_layer": "linear"}
    model = build_asr_model(config)
    torch.save(model.state_dict(), tmp_path / "model.pth")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    up = UpstreamExpert(tmp_path / "model.pth", fbank_config=tiny_ckpt.fbank).eval()
    assert up.get_downsample_rates("hidden_states") == 160
    wavs = _wavs([8000, 3001])
    with torch.no_grad():
        batch = up(wavs)["hidden_states"]
        single = up([wavs[1]])["hidden_states"]
    n = round(3001 / 160)
    assert single[-1].shape[1] == n
    torch.testing.assert_close(batch[-1][1, :n], single[-1][0], atol=1e-4, rtol=0)
