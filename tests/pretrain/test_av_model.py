import math

import pytest
import torch
from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

from mmpt.nets.mae_decoder import SharedMAEDecoder
from mmpt.nets.video_vit import VideoViT
from mmpt.pretrain.av_model import AVPretrainModel, mae_target_sizes, mask_token_modalities
from mmpt.pretrain.objectives.mae import MAEObjective
from mmpt.tasks.av_pretrain import objective_choices


def _model(pt_method="mae", pos="abs_pos", **kw):
    torch.manual_seed(0)
    attn = "selfattn" if pos == "abs_pos" else "rel_selfattn"
    encoder = ConformerEncoder(input_size=80, output_size=32, attention_heads=2, linear_units=64, num_blocks=1,
                               cnn_module_kernel=7, pos_enc_layer_type=pos, selfattention_layer_type=attn)
    video = VideoViT(image_size=32, num_frames=4, patch_size=16, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    decoder = None
    if pt_method != "clr":
        tokens = mask_token_modalities(kw.get("audio_visible_only", False), kw.get("video_visible_only", True))
        decoder = SharedMAEDecoder(mae_target_sizes(encoder, 80, video), hidden_size=16, depth=1, num_heads=2,
                                   mask_token_modalities=tokens)
    objective = objective_choices.get_class(pt_method)()
    return AVPretrainModel(encoder, video, mae_decoder=decoder, objective=objective, clr_dim=16, **kw)


def _batch(b=3, lengths=(97, 163, 120), video_lengths=None):
    g = torch.Generator().manual_seed(1)
    speech = torch.randn(b, max(lengths), 80, generator=g)
    video = torch.randint(0, 256, (b, 4, 32, 32, 3), generator=g, dtype=torch.uint8)
    vl = torch.tensor(video_lengths if video_lengths is not None else [4] * b)
    return dict(speech=speech, speech_lengths=torch.tensor(lengths), video=video, video_lengths=vl)


@pytest.mark.parametrize("method", ["mae", "clr", "mae_clr"])
def test_forward_backward_and_stats(method):
    model = _model(method)
    loss, stats, weight = model(**_batch())
    assert tuple(stats) == model.objective.stat_keys()
    assert all(torch.isfinite(v) for v in stats.values())
    assert weight.item() == 3
    loss.backward()
    assert model.encoder.embed.conv[0].weight.grad is not None
    if method == "mae_clr":  # Eq. 4
        assert stats["loss"].item() == pytest.approx((stats["loss_mae"] + stats["loss_clr"]).item() / 2, rel=1e-6)
    if method != "clr":  # Eq. 1
        assert stats["loss_mae"].item() == pytest.approx(
            (stats["loss_mae_audio"] + stats["loss_mae_video"]).item(), rel=1e-6)


def test_odd_lengths_and_truncation_to_max_audio_frames():
    model = _model("mae")
    batch = _batch(lengths=(97, 163, 1200))
    feats = model.collect_feats(speech=batch["speech"], speech_lengths=batch["speech_lengths"])
    assert feats["feats"].shape == (3, 1000, 80) and feats["feats_lengths"].tolist() == [97, 163, 1000]
    _, stats, _ = model(**batch)
    assert torch.isfinite(stats["loss_mae_audio"])


def test_clr_uses_only_samples_having_both_modalities():
    model = _model("clr").eval()
    full = _batch(lengths=(163, 120, 0))
    _, stats, _ = model(**full)
    two = {k: v[:2] for k, v in full.items()}
    _, stats2, _ = model(**two)
    assert stats["loss_clr"].item() == pytest.approx(stats2["loss_clr"].item(), rel=1e-5)
    # and a sample without video likewise
    _, stats3, _ = model(**_batch(lengths=(163, 120, 140), video_lengths=[4, 4, 0]))
    assert stats3["loss_clr"].item() == pytest.approx(stats2["loss_clr"].item(), rel=1e-5)


def test_missing_modalities_give_nan_stats_and_a_zero_loss_that_reaches_every_parameter():
    batch = _batch()
    video_only = {"video": batch["video"], "video_lengths": batch["video_lengths"]}
    audio_only = {"speech": batch["speech"], "speech_lengths": batch["speech_lengths"]}
    model = _model("mae")
    _, stats, _ = model(**video_only)
    assert math.isnan(stats["loss_mae_audio"]) and torch.isfinite(stats["loss_mae_video"])
    _, stats, _ = model(**audio_only)
    assert torch.isfinite(stats["loss_mae_audio"]) and math.isnan(stats["loss_mae_video"])
    clr = _model("clr")
    loss, stats, _ = clr(**audio_only)
    assert loss.item() == 0.0 and math.isnan(stats["loss_clr"]) and math.isnan(stats["clr_acc"])
    loss.backward()
    assert all(p.grad is not None for p in clr.parameters())
    # a batch of one pair has no negative: CLR skipped, MAE still trains
    both = _model("mae_clr")
    loss, stats, _ = both(**{k: v[:1] for k, v in batch.items()})
    assert math.isnan(stats["loss_clr"]) and stats["loss"].item() == pytest.approx(stats["loss_mae"].item() / 2)
    # audio shorter than the sub-sampling needs counts as absent
    _, stats, _ = _model("mae")(**_batch(lengths=(5, 3, 0)))
    assert math.isnan(stats["loss_mae_audio"]) and torch.isfinite(stats["loss_mae_video"])


def test_masking_modes_and_rel_pos():
    with pytest.raises(ValueError, match="abs_pos"):
        _model("mae", pos="rel_pos", audio_visible_only=True)
    model = _model("mae", pos="rel_pos")  # default: zero-masked audio, any positional encoding
    _, stats, _ = model(**_batch())
    assert torch.isfinite(stats["loss"])
    for audio, video in ((True, False), (False, False), (True, True)):
        model = _model("mae", audio_visible_only=audio, video_visible_only=video)
        _, stats, _ = model(**_batch())
        assert torch.isfinite(stats["loss_mae_audio"]) and torch.isfinite(stats["loss_mae_video"])


def test_loss_on_all_tokens_and_masked_clr_input():
    _, stats, _ = _model("mae", mae_loss_on="all")(**_batch())
    assert torch.isfinite(stats["loss"])
    _, stats, _ = _model("mae_clr", clr_input="masked")(**_batch())
    assert torch.isfinite(stats["loss_clr"])


def test_only_the_audio_encoder_is_named_encoder():
    model = _model("mae_clr")
    top = {name.split(".")[0] for name, _ in model.state_dict().items()}
    assert "encoder" in top
    assert not [t for t in top if t.startswith("encoder") and t != "encoder"]  # init_param prefix matching


def test_decoder_mask_tokens_must_match_the_visible_only_modalities():
    """A mask token of a modality that is not decoded from visible tokens would never get a gradient."""
    encoder = ConformerEncoder(input_size=80, output_size=32, attention_heads=2, linear_units=64, num_blocks=1)
    video = VideoViT(image_size=32, num_frames=4, patch_size=16, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    decoder = SharedMAEDecoder(mae_target_sizes(encoder, 80, video), hidden_size=16, depth=1, num_heads=2)
    message = "mask tokens for \\['audio', 'video'\\], this model needs them for \\['video'\\]"
    with pytest.raises(ValueError, match=message):
        AVPretrainModel(encoder, video, mae_decoder=decoder, objective=MAEObjective())
    assert mask_token_modalities(False, True) == ["video"]
    assert mask_token_modalities(True, True) == ["audio", "video"]
