import torch

from mmpt.nets.pooling import masked_mean


def test_masked_mean_ignores_padding_and_empty_rows_give_zero():
    x = torch.tensor([[[1.0], [3.0], [100.0]], [[5.0], [6.0], [7.0]], [[9.0], [9.0], [9.0]]])
    valid = torch.tensor([[True, True, False], [True, True, True], [False, False, False]])
    assert masked_mean(x, valid).flatten().tolist() == [2.0, 6.0, 0.0]
