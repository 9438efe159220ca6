import pytest
import torch
from espnet2.asr.encoder.conformer_encoder import ConformerEncoder
from espnet2.asr.encoder.e_branchformer_encoder import EBranchformerEncoder
from espnet2.asr.encoder.transformer_encoder import TransformerEncoder

from mmpt.nets.masked_conformer import encode_audio, subsampled_lengths, subsampling_factor, uses_relative_positions


def _conformer(**kw):
    conf = dict(output_size=32, attention_heads=2, linear_units=64, num_blocks=2, cnn_module_kernel=7,
                pos_enc_layer_type="abs_pos", selfattention_layer_type="selfattn")
    conf.update(kw)
    return ConformerEncoder(input_size=80, **conf).eval()


@pytest.mark.parametrize("input_layer", ["conv2d", "conv2d2", "conv2d6", "conv2d8"])
def test_without_mask_equals_conformer_forward(input_layer):
    torch.manual_seed(0)
    enc = _conformer(input_layer=input_layer)
    feats = torch.randn(3, 163, 80)
    lengths = torch.tensor([163, 97, 40])
    got = encode_audio(enc, feats, lengths)
    for i in range(3):  # each input alone: identical to espnet's forward
        ref, ref_lens, _ = enc(feats[i : i + 1, : lengths[i]], lengths[i : i + 1])
        alone = encode_audio(enc, feats[i : i + 1, : lengths[i]], lengths[i : i + 1])
        assert alone.valid.sum().item() == ref_lens.item() == got.valid[i].sum().item()
        assert torch.allclose(alone.out, ref, atol=1e-5)
    ref, _, _ = enc(feats, lengths)  # in the batch: identical for the longest input
    assert torch.allclose(got.out[0], ref[0], atol=1e-5)
    assert subsampling_factor(enc) == {"conv2d": 4, "conv2d2": 2, "conv2d6": 6, "conv2d8": 8}[input_layer]


@pytest.mark.parametrize(
    "make",
    [
        lambda: _conformer(pos_enc_layer_type="rel_pos", selfattention_layer_type="rel_selfattn"),
        lambda: TransformerEncoder(input_size=80, output_size=32, attention_heads=2, linear_units=64, num_blocks=2),
        lambda: EBranchformerEncoder(input_size=80, output_size=32, attention_heads=2, linear_units=64,
                                     num_blocks=2, cgmlp_linear_units=64),
    ],
)
def test_other_encoders_without_mask_equal_their_forward(make):
    torch.manual_seed(0)
    enc = make().eval()
    feats = torch.randn(1, 120, 80)
    lengths = torch.tensor([120])
    ref, _, _ = enc(feats, lengths)
    assert torch.allclose(encode_audio(enc, feats, lengths).out, ref, atol=1e-5)


def test_lengths_truncation_and_short_inputs():
    enc = _conformer()
    lengths = torch.tensor([1000, 97, 163, 6, 7, 0])
    assert subsampled_lengths(enc, lengths).tolist() == [249, 23, 40, 0, 1, 0]
    out = encode_audio(enc, torch.randn(6, 1000, 80), lengths, mask_ratio=0.6, visible_only=True)
    assert out.valid.sum(1).tolist() == [249, 23, 40, 0, 1, 0]
    assert out.out.shape == (6, 249 - round(0.6 * 249), 32)
    assert out.out_valid.sum(1).tolist() == [100, 9, 16, 0, 1, 0]
    assert torch.isfinite(out.out).all()
    # a batch whose longest input is too short for the sub-sampling has no token at all
    short = encode_audio(enc, torch.randn(2, 5, 80), torch.tensor([5, 3]), mask_ratio=0.6, visible_only=True)
    assert short.out.shape == (2, 0, 32) and not short.valid.any()


def test_visible_only_feeds_only_visible_tokens_and_does_not_see_masked_frames():
    enc = _conformer()
    seen = []
    enc.encoders[0].register_forward_pre_hook(lambda m, args: seen.append(args[0].shape))
    feats = torch.randn(2, 200, 80)
    lengths = torch.tensor([200, 150])
    torch.manual_seed(5)
    a = encode_audio(enc, feats, lengths, mask_ratio=0.6, visible_only=True)
    t_sub = a.valid.sum(1)  # 49, 36
    assert seen[-1][1] == int((t_sub - torch.round(t_sub * 0.6)).max()) == a.out.size(1)
    # rewrite every input frame of the masked tokens: visible outputs must not change
    frames = a.mask.masked.repeat_interleave(4, dim=1)
    changed = feats.clone()
    changed[:, : frames.size(1)][frames] = 50.0
    torch.manual_seed(5)
    b = encode_audio(enc, changed, lengths, mask_ratio=0.6, visible_only=True)
    assert torch.equal(a.mask.masked, b.mask.masked)
    assert torch.allclose(a.out[a.out_valid], b.out[b.out_valid], atol=1e-5)


def test_zero_masking_encodes_every_token_and_supports_rel_pos():
    enc = _conformer(pos_enc_layer_type="rel_pos", selfattention_layer_type="rel_selfattn")
    assert uses_relative_positions(enc) and not uses_relative_positions(_conformer())
    out = encode_audio(enc, torch.randn(2, 120, 80), torch.tensor([120, 80]), mask_ratio=0.6, visible_only=False)
    assert out.out.shape == (2, 29, 32) and torch.equal(out.out_valid, out.valid)
    with pytest.raises(ValueError, match="abs_pos"):
        encode_audio(enc, torch.randn(2, 120, 80), torch.tensor([120, 80]), mask_ratio=0.6, visible_only=True)
