import pytest
import torch

from mmpt.nets.masking import gather_visible, num_masked, random_token_mask, scatter_visible


def _valid(lengths, n):
    return torch.arange(n)[None, :] < torch.tensor(lengths)[:, None]


def test_num_masked_rounds_and_keeps_one_of_each():
    got = num_masked(torch.tensor([0, 1, 2, 5, 10, 249, 1568]), 0.6)
    assert got.tolist() == [0, 0, 1, 3, 6, 149, 941]
    assert num_masked(torch.tensor([10]), 0.0).tolist() == [0]
    with pytest.raises(ValueError):
        num_masked(torch.tensor([3]), 1.5)


def test_mask_ratio_per_sample_and_padding_never_visible_nor_masked():
    torch.manual_seed(0)
    lengths = [249, 40, 97, 1, 0]
    valid = _valid(lengths, 249)
    m = random_token_mask(valid, 0.6)
    assert not (m.visible & ~valid).any()
    assert not (m.masked & ~valid).any()
    assert torch.equal(m.visible | m.masked, valid)
    assert not (m.visible & m.masked).any()
    for i, n in enumerate(lengths):
        assert int(m.masked[i].sum()) == int(num_masked(torch.tensor([n]), 0.6))
        assert int(m.visible[i].sum()) == n - int(m.masked[i].sum())
    # 60 % of the valid tokens of each (long enough) sample
    assert int(m.masked[0].sum()) == round(0.6 * 249)
    assert int(m.masked[1].sum()) == 24


def test_masks_differ_between_samples_and_draws():
    valid = torch.ones(4, 100, dtype=torch.bool)
    m = random_token_mask(valid, 0.6)
    assert not torch.equal(m.masked[0], m.masked[1])
    assert not torch.equal(m.masked, random_token_mask(valid, 0.6).masked)


def test_ids_keep_are_the_visible_positions_in_order():
    torch.manual_seed(1)
    valid = _valid([10, 7, 3], 10)
    m = random_token_mask(valid, 0.6)
    assert m.ids_keep.shape == (3, 4)  # max visible: 10 - 6
    for i in range(3):
        kept = m.ids_keep[i][m.keep_valid[i]]
        assert kept.tolist() == torch.nonzero(m.visible[i]).flatten().tolist()
        assert torch.all(kept[1:] > kept[:-1])
    assert m.keep_valid.sum(1).tolist() == [4, 3, 1]  # 10-6, 7-4, 3-2


def test_gather_zeroes_padding_slots_and_scatter_inverts_it():
    torch.manual_seed(2)
    valid = _valid([8, 5], 8)
    m = random_token_mask(valid, 0.5)
    x = torch.randn(2, 8, 3)
    vis = gather_visible(x, m)
    assert torch.all(vis[~m.keep_valid] == 0)
    fill = torch.full((3,), 7.0)
    back = scatter_visible(vis, m, fill)
    assert torch.equal(back[m.visible], x[m.visible])
    assert torch.all(back[~m.visible] == 7.0)
