import pytest
import torch

from mmpt.pretrain.mae_loss import mae_loss, masked_mse


def test_eq1_term_is_the_mean_over_selected_tokens_of_the_per_value_squared_error():
    pred = torch.tensor([[[1.0, 2.0], [0.0, 0.0], [5.0, 5.0]], [[1.0, 1.0], [2.0, 2.0], [9.0, 9.0]]])
    target = torch.tensor([[[0.0, 0.0], [3.0, 3.0], [5.0, 7.0]], [[1.0, 3.0], [2.0, 2.0], [0.0, 0.0]]])
    selected = torch.tensor([[True, False, True], [True, True, False]])
    # selected tokens: (1+4)/2 = 2.5, (0+4)/2 = 2, (0+4)/2 = 2, 0 -> mean 6.5 / 4
    assert masked_mse(pred, target, selected).item() == pytest.approx(6.5 / 4)
    assert masked_mse(pred, target, torch.zeros(2, 3, dtype=torch.bool)) is None


def test_eq1_adds_the_modalities_present():
    a, v = torch.tensor(0.5), torch.tensor(2.0)
    assert mae_loss(a, v).item() == 2.5
    assert mae_loss(None, v).item() == 2.0 and mae_loss(a, None).item() == 0.5
    assert mae_loss(None, None) is None
