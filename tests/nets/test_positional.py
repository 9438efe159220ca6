import pytest
import torch

from mmpt.nets.positional import sincos_1d, sincos_grid


def test_sincos_1d_values():
    e = sincos_1d(torch.arange(3), 4)
    assert e.shape == (3, 4)
    assert torch.allclose(e[0], torch.tensor([0.0, 0.0, 1.0, 1.0]))
    assert torch.allclose(e[1], torch.tensor([torch.sin(torch.tensor(1.0)), torch.sin(torch.tensor(0.01)),
                                              torch.cos(torch.tensor(1.0)), torch.cos(torch.tensor(0.01))]))


def test_sincos_grid_is_row_major_and_unique():
    e = sincos_grid((2, 3, 4), 96)
    assert e.shape == (24, 96)
    assert torch.unique(e, dim=0).shape[0] == 24
    # token (t, h, w) -> t*12 + h*4 + w: tokens with the same t share the time part (first 32 channels)
    assert torch.equal(e[0, :32], e[11, :32]) and not torch.equal(e[0, :32], e[12, :32])
    assert torch.equal(sincos_grid((5,), 8), sincos_1d(torch.arange(5), 8))
    with pytest.raises(ValueError):
        sincos_grid((2, 2), 7)
