"""The paper's loss semantics at model level: what the masked encoders see, which tokens Eq. 1 averages,
what ``mae_loss_on`` changes, and that CLR compares L2-normalised embeddings (cosine similarity)."""
from __future__ import annotations

import pytest
import torch

import mmpt.pretrain.av_model as av_model
from mmpt.nets.masked_conformer import encode_audio
from tests.pretrain.test_av_model import _batch, _model


def _perturb_frames(feats: torch.Tensor, tokens: torch.Tensor, factor: int, scale: float = 50.0) -> torch.Tensor:
    """``feats`` with the input frames [k t, k t + k) of every selected token t replaced by noise."""
    frames = tokens.repeat_interleave(factor, dim=1)
    frames = torch.nn.functional.pad(frames, (0, feats.size(1) - frames.size(1)))
    noise = scale * torch.randn(feats.shape, generator=torch.Generator().manual_seed(9))
    return torch.where(frames.unsqueeze(-1), noise, feats)


@pytest.mark.parametrize("visible_only", [False, True], ids=["zero-masked", "visible-only"])
def test_masked_audio_frames_cannot_influence_the_encoder_output(visible_only):
    model = _model("mae", pos="abs_pos", audio_visible_only=visible_only).eval()
    batch = _batch()
    feats, lengths = batch["speech"], batch["speech_lengths"]
    torch.manual_seed(5)
    ref = encode_audio(model.encoder, feats, lengths, 0.6, visible_only)
    assert ref.mask.masked.any() and ref.mask.visible.any()

    torch.manual_seed(5)  # the same mask
    hidden = encode_audio(model.encoder, _perturb_frames(feats, ref.mask.masked, ref.factor), lengths, 0.6,
                          visible_only)
    assert torch.equal(hidden.mask.masked, ref.mask.masked)
    real = ref.out_valid
    torch.testing.assert_close(hidden.out[real], ref.out[real], rtol=0, atol=1e-5)

    torch.manual_seed(5)  # the check can fail: changing visible frames does change the output
    seen = encode_audio(model.encoder, _perturb_frames(feats, ref.mask.visible, ref.factor), lengths, 0.6,
                        visible_only)
    assert (seen.out[real] - ref.out[real]).abs().max() > 1e-2


@pytest.mark.parametrize("visible_only", [True, False], ids=["visible-only", "zero-masked"])
def test_masked_video_tubelets_cannot_influence_the_encoder_output(visible_only):
    model = _model("mae", video_visible_only=visible_only).eval()
    video = model._video(_batch()["video"], None)[0]  # normalised [B, T, H, W, 3]
    vit = model.video_encoder
    p, ts = vit.patch_embed.patch_size, vit.patch_embed.tubelet_size
    torch.manual_seed(3)
    out, mask, (t_, h_, w_) = vit.forward_masked(video, 0.6, visible_only)

    def perturbed(tokens: torch.Tensor) -> torch.Tensor:
        v = video.clone()
        for b, n in tokens.nonzero().tolist():
            t, h, w = n // (h_ * w_), (n // w_) % h_, n % w_
            v[b, t * ts:(t + 1) * ts, h * p:(h + 1) * p, w * p:(w + 1) * p] = 40.0
        return v

    torch.manual_seed(3)
    out2, mask2, _ = vit.forward_masked(perturbed(mask.masked), 0.6, visible_only)
    assert torch.equal(mask2.masked, mask.masked)
    torch.testing.assert_close(out2, out, rtol=0, atol=1e-5)
    torch.manual_seed(3)
    out3, _, _ = vit.forward_masked(perturbed(mask.visible), 0.6, visible_only)
    assert (out3 - out).abs().max() > 1e-2


def _spy_mse(monkeypatch):
    calls = []
    real = av_model.masked_mse

    def spy(pred, target, selected):
        calls.append((pred.detach(), target.detach(), selected.clone()))
        return real(pred, target, selected)

    monkeypatch.setattr(av_model, "masked_mse", spy)
    return calls


def _spy_masks(monkeypatch):
    encodings = []
    real = av_model.encode_audio

    def spy(*args, **kwargs):
        enc = real(*args, **kwargs)
        encodings.append(enc)
        return enc

    monkeypatch.setattr(av_model, "encode_audio", spy)
    return encodings


def test_eq1_is_the_mean_error_over_exactly_the_masked_tokens_and_all_differs(monkeypatch):
    batch = _batch()
    audio_only = {"speech": batch["speech"], "speech_lengths": batch["speech_lengths"]}
    losses, selections = {}, {}
    for on in ("masked", "all"):
        model = _model("mae", mae_loss_on=on).eval()
        calls, encodings = _spy_mse(monkeypatch), _spy_masks(monkeypatch)
        torch.manual_seed(7)
        _, stats, _ = model(**audio_only)
        (pred, target, selected), = calls
        enc, = encodings
        per_token = (pred - target).pow(2).mean(-1)  # [B, T']
        expected = enc.mask.masked if on == "masked" else enc.valid
        assert torch.equal(selected, expected)
        assert stats["loss_mae_audio"].item() == pytest.approx(per_token[expected].mean().item(), rel=1e-5)
        losses[on], selections[on] = stats["loss_mae_audio"].item(), selected
        if on == "masked":
            # the visible tokens' errors do not enter: Eq. 1 over the masked tokens only
            visible_err = per_token[enc.mask.visible].mean().item()
            assert visible_err != pytest.approx(losses["masked"], rel=1e-3)
            n_m, n_v = int(enc.mask.masked.sum()), int(enc.mask.visible.sum())
            losses["mixed"] = (n_m * losses["masked"] + n_v * visible_err) / (n_m + n_v)
    # same seed, same mask and weights: 'all' is the token-weighted mean of the masked and visible errors
    assert selections["masked"].sum() < selections["all"].sum()
    assert losses["all"] == pytest.approx(losses["mixed"], rel=1e-5)
    assert losses["all"] != pytest.approx(losses["masked"], rel=1e-3)


def test_video_eq1_selects_the_masked_tubelets(monkeypatch):
    batch = _batch()
    video_only = {"video": batch["video"], "video_lengths": batch["video_lengths"]}
    for on in ("masked", "all"):
        model = _model("mae", mae_loss_on=on).eval()
        calls = _spy_mse(monkeypatch)
        masks = []
        real = model.video_encoder.forward_masked
        model.video_encoder.forward_masked = lambda *a, **k: masks.append(real(*a, **k)) or masks[-1]  # noqa: B023
        model(**video_only)
        (_, _, selected), = calls
        mask = masks[0][1]
        assert torch.equal(selected, mask.masked if on == "masked" else mask.valid)


def test_clr_compares_l2_normalised_embeddings():
    """The CLR loss takes unit vectors and is invariant to the scale of the projections: cosine similarity."""
    model = _model("clr").eval()
    seen = []
    model.clr.register_forward_hook(lambda mod, inputs, out: seen.append(inputs))
    _, stats, _ = model(**_batch())
    a, v = seen[0]
    torch.testing.assert_close(a.norm(dim=-1), torch.ones(a.size(0)), rtol=0, atol=1e-5)
    torch.testing.assert_close(v.norm(dim=-1), torch.ones(v.size(0)), rtol=0, atol=1e-5)
    with torch.no_grad():
        model.audio_proj.weight.mul_(7.0)
        model.audio_proj.bias.mul_(7.0)
        model.video_proj.weight.mul_(0.1)
        model.video_proj.bias.mul_(0.1)
    _, scaled, _ = model(**_batch())
    assert scaled["loss_clr"].item() == pytest.approx(stats["loss_clr"].item(), rel=1e-5)
    # but the direction matters: a different projection changes the loss
    with torch.no_grad():
        model.audio_proj.weight.copy_(torch.randn_like(model.audio_proj.weight))
    _, other, _ = model(**_batch())
    assert other["loss_clr"].item() != pytest.approx(stats["loss_clr"].item(), rel=1e-4)
