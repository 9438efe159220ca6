import torch
from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

from mmpt.nets.attention import enable_sdpa
from mmpt.nets.masked_conformer import encode_audio


def _encoder(attn="selfattn", pos="abs_pos"):
    torch.manual_seed(0)
    return ConformerEncoder(input_size=80, output_size=32, attention_heads=4, linear_units=64, num_blocks=2,
                            cnn_module_kernel=7, pos_enc_layer_type=pos, selfattention_layer_type=attn).eval()


def test_sdpa_gives_the_same_encodings_with_padding_and_masking():
    ref, fused = _encoder(), _encoder()
    assert enable_sdpa(fused) == 2
    x = torch.randn(3, 90, 80)
    lengths = torch.tensor([90, 61, 40])
    a, la, _ = ref(x, lengths)
    b, lb, _ = fused(x, lengths)
    assert torch.equal(la, lb)
    for i, n in enumerate(la.tolist()):
        torch.testing.assert_close(b[i, :n], a[i, :n], rtol=1e-4, atol=1e-5)
    # the masked encoding of MAE (zero-masked and visible-only), same random mask
    for visible_only in (False, True):
        torch.manual_seed(1)
        ea = encode_audio(ref, x, lengths, 0.6, visible_only)
        torch.manual_seed(1)
        eb = encode_audio(fused, x, lengths, 0.6, visible_only)
        valid = ea.out_valid
        torch.testing.assert_close(eb.out[valid], ea.out[valid], rtol=1e-4, atol=1e-5)
        assert torch.isfinite(eb.out).all()


def test_relative_position_attention_is_left_alone():
    assert enable_sdpa(_encoder("rel_selfattn", "rel_pos")) == 0
