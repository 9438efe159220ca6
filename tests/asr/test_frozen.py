"""Frozen sub-modules stay in eval mode (dropout off, batch-norm statistics fixed) while the rest trains."""
from __future__ import annotations

import torch
from torch import nn

from mmpt.asr.frozen import frozen_modules, keep_frozen_in_eval, training_modes


class Toy(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
        self.head = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
        self.act = nn.ReLU()  # no parameters: never counted as frozen

    def forward(self, x):
        return self.head(self.act(self.encoder(x)))


def _freeze(model: nn.Module, prefix: str) -> None:
    for name, p in model.named_parameters():  # what espnet2's --freeze_param does
        if name.startswith(prefix + "."):
            p.requires_grad = False


def test_frozen_parts_stay_in_eval(caplog):
    model = keep_frozen_in_eval(Toy())
    assert isinstance(model, Toy) and type(model).__name__ == "Toy"
    keys = list(model.state_dict())
    model.train()
    assert all(training_modes(model).values())  # nothing frozen yet
    _freeze(model, "encoder")  # frozen after the model was built, as in espnet2
    with caplog.at_level("INFO"):
        model.train()
    modes = training_modes(model)
    assert [n for n, _ in frozen_modules(model)] == ["encoder"]
    assert not modes["encoder"] and not modes["encoder.1"] and not modes["encoder.2"]
    assert modes[""] and modes["head"] and modes["head.1"] and modes["act"]
    assert "frozen modules kept in eval mode during training: encoder" in caplog.text
    assert list(model.state_dict()) == keys

    # a training step changes the head, not the encoder (weights nor batch-norm statistics)
    before = {k: v.clone() for k, v in model.encoder.state_dict().items()}
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(8, 4) * 3 + 1
    y1 = model.encoder(x)
    assert torch.equal(y1, model.encoder(x))  # deterministic: dropout is off
    head_before = model.head[0].weight.clone()
    model(x).pow(2).mean().backward()
    opt.step()
    assert all(torch.equal(before[k], v) for k, v in model.encoder.state_dict().items())
    assert not torch.equal(head_before, model.head[0].weight)

    model.eval()
    assert not any(training_modes(model).values())
    assert keep_frozen_in_eval(model) is model  # idempotent


def test_without_the_fix_batchnorm_would_drift():
    """The reason for keep_frozen_in_eval: requires_grad=False alone lets train() update BN statistics."""
    model = Toy()
    _freeze(model, "encoder")
    model.train()
    before = model.encoder[1].running_mean.clone()
    model(torch.randn(8, 4) + 5)
    assert not torch.equal(before, model.encoder[1].running_mean)


def test_whole_model_frozen():
    model = keep_frozen_in_eval(Toy())
    for p in model.parameters():
        p.requires_grad = False
    model.train()
    assert [n for n, _ in frozen_modules(model)] == [""]
    assert not any(training_modes(model).values())
