import torch

from mmpt.nets.transformer import TransformerStack


def test_padded_keys_do_not_change_valid_outputs_and_empty_rows_stay_finite():
    torch.manual_seed(0)
    stack = TransformerStack(dim=16, depth=2, num_heads=4).eval()
    x = torch.randn(3, 6, 16)
    valid = torch.tensor([[True] * 4 + [False] * 2, [True] * 6, [False] * 6])
    out = stack(x, valid)
    x2 = x.clone()
    x2[0, 4:] = 1000.0  # padding content must not matter
    out2 = stack(x2, valid)
    assert torch.allclose(out[0, :4], out2[0, :4], atol=1e-5)
    assert torch.allclose(out[0, :4], stack(x[:1, :4])[0], atol=1e-5)
    assert torch.isfinite(out).all()
