import math

import pytest
import torch
import torch.nn.functional as F

from mmpt.pretrain.clr_loss import (
    ContrastiveLoss,
    infonce_loss,
    paper_contrastive_loss,
    retrieval_accuracy,
    similarity_logits,
)


def _pairs(n=3, d=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = F.normalize(torch.randn(n, d, generator=g), dim=-1)
    v = F.normalize(torch.randn(n, d, generator=g), dim=-1)
    return a, v


def test_paper_form_is_eq2_with_the_positive_left_out_of_the_denominator():
    a, v = _pairs()
    s = [[float(a[i] @ v[k]) for k in range(3)] for i in range(3)]
    by_hand = 0.0
    for i in range(3):
        denominator = sum(math.exp(s[i][k]) for k in range(3) if k != i)
        by_hand += -math.log(math.exp(s[i][i]) / denominator)
    by_hand /= 3  # Eq. 3
    assert paper_contrastive_loss(similarity_logits(a, v)).item() == pytest.approx(by_hand, rel=1e-6)
    # N = 2: each row has one negative: L = mean_i (s_ik - s_ii)
    logits = torch.tensor([[0.9, 0.1], [-0.2, 0.5]])
    assert paper_contrastive_loss(logits).item() == pytest.approx(((0.1 - 0.9) + (-0.2 - 0.5)) / 2)
    with pytest.raises(ValueError):
        paper_contrastive_loss(torch.ones(1, 1))


def test_infonce_is_the_symmetric_cross_entropy():
    a, v = _pairs(5, 8)
    logits = similarity_logits(a, v, 1 / 0.07)
    lsm_rows = logits.log_softmax(dim=1).diagonal()
    lsm_cols = logits.log_softmax(dim=0).diagonal()
    by_hand = -(lsm_rows.mean() + lsm_cols.mean()) / 2
    assert infonce_loss(logits).item() == pytest.approx(by_hand.item(), rel=1e-6)
    target = torch.arange(5)
    assert infonce_loss(logits).item() == pytest.approx(
        ((F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2).item(), rel=1e-6)


def test_retrieval_accuracy():
    logits = torch.tensor([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.0, 0.0, 1.0]])
    assert retrieval_accuracy(logits).item() == pytest.approx(2 / 3)


def test_module_temperature_and_forms():
    a, v = _pairs(4, 6)
    paper = ContrastiveLoss("paper")
    loss, acc = paper(a, v)
    assert loss.item() == pytest.approx(paper_contrastive_loss(a @ v.t()).item(), rel=1e-6)
    assert 0.0 <= acc.item() <= 1.0
    clip = ContrastiveLoss("infonce", temperature=0.07, learnable_temperature=True)
    assert clip.scale().item() == pytest.approx(1 / 0.07, rel=1e-5)
    loss, _ = clip(a, v)
    assert loss.item() == pytest.approx(infonce_loss((a @ v.t()) / 0.07).item(), rel=1e-5)
    loss.backward()
    assert clip.logit_scale.grad is not None
    assert not list(ContrastiveLoss("infonce", 0.1).parameters())  # fixed temperature: nothing to learn
    with pytest.raises(ValueError):
        ContrastiveLoss("triplet")
