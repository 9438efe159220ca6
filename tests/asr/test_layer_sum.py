"""LayerSum: identity for one state, a softmax-weighted sum of L states with learnable weights."""
from __future__ import annotations

import pytest
import torch

from mmpt.asr.layer_sum import LayerSum


def test_one_layer_is_the_identity_without_parameters():
    m = LayerSum(input_size=8, num_layers=1)
    x, lens = torch.randn(2, 5, 8), torch.tensor([5, 3])
    y, ylens, states = m(x, lens)
    assert torch.equal(y, x) and torch.equal(ylens, lens) and states is None
    assert m.output_size() == 8 and list(m.parameters()) == []
    assert torch.equal(m.layer_weights(), torch.ones(1))


def test_weighted_sum_and_gradients_reach_the_weights():
    torch.manual_seed(0)
    m = LayerSum(input_size=12, num_layers=3)
    assert m.output_size() == 4
    x = torch.randn(2, 5, 12)
    y, _, _ = m(x, torch.tensor([5, 4]))
    # equal weights at the start: the mean of the three states
    torch.testing.assert_close(y, (x[..., :4] + x[..., 4:8] + x[..., 8:]) / 3)
    with torch.no_grad():
        m.weights.copy_(torch.tensor([0.0, 1.0, -1.0]))
    w = torch.softmax(torch.tensor([0.0, 1.0, -1.0]), 0)
    y, _, _ = m(x, torch.tensor([5, 4]))
    torch.testing.assert_close(y, w[0] * x[..., :4] + w[1] * x[..., 4:8] + w[2] * x[..., 8:])
    (y * torch.randn_like(y)).sum().backward()
    assert m.weights.grad is not None and m.weights.grad.abs().min() > 0
    torch.testing.assert_close(m.layer_weights().sum(), torch.tensor(1.0))


def test_layer_norm_and_bad_sizes():
    m = LayerSum(input_size=6, num_layers=2, layer_norm=True)
    x = torch.randn(1, 3, 6) * 5 + 2
    y, _, _ = m(x, torch.tensor([3]))
    ln = torch.nn.functional.layer_norm
    torch.testing.assert_close(y, (ln(x[..., :3], (3,)) + ln(x[..., 3:], (3,))) / 2)
    with pytest.raises(ValueError, match="not a multiple"):
        LayerSum(input_size=7, num_layers=2)
    with pytest.raises(ValueError, match="features per frame"):
        m(torch.randn(1, 3, 8), torch.tensor([3]))


def test_registered_as_an_espnet2_asr_encoder():
    from espnet2.tasks.asr import encoder_choices

    import mmpt.tasks.asr  # noqa: F401

    assert encoder_choices.get_class("layer_sum") is LayerSum
