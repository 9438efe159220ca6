"""Frozen sub-modules stay in eval mode while the rest of the model trains.

espnet2's ``--freeze_param encoder`` only sets ``requires_grad = False``; the trainer then calls
``model.train()`` every epoch, which would switch the frozen encoder's dropout on and let its batch-norm
layers update their running statistics: the "frozen" encoder would still change and see noise.
:func:`keep_frozen_in_eval` gives a model a ``train()`` that puts every module whose parameters are all
frozen back into eval mode. Frozen-ness is read at each ``train()`` call, so it follows ``freeze_param``
applied after the model was built. The class name and the state dict are unchanged in substance
(the model is re-classed to a subclass of its own class), so checkpoints load into the plain espnet2 model.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Tuple

from torch import nn

logger = logging.getLogger(__name__)

_SUBCLASSES: Dict[type, type] = {}


def _inside(name: str, parent: str) -> bool:
    return parent == "" or name == parent or name.startswith(parent + ".")


def frozen_modules(model: nn.Module) -> List[Tuple[str, nn.Module]]:
    """The outermost sub-modules (the model itself included) that have parameters, all of them frozen."""
    out: List[Tuple[str, nn.Module]] = []
    for name, module in model.named_modules():  # parents come before their children
        if any(_inside(name, parent) for parent, _ in out):
            continue
        params = list(module.parameters())
        if params and not any(p.requires_grad for p in params):
            out.append((name, module))
    return out


class FrozenEvalMixin:
    """``train(True)`` leaves the frozen sub-modules (see :func:`frozen_modules`) in eval mode."""

    def train(self, mode: bool = True):  # type: ignore[override]
        super().train(mode)  # type: ignore[misc]
        if mode:
            frozen = frozen_modules(self)  # type: ignore[arg-type]
            for _, module in frozen:
                module.eval()
            names = tuple(name or "<model>" for name, _ in frozen)
            if names and names != getattr(self, "_logged_frozen", None):
                logger.info("frozen modules kept in eval mode during training: %s", ", ".join(names))
                object.__setattr__(self, "_logged_frozen", names)
        return self


def keep_frozen_in_eval(model: nn.Module) -> nn.Module:
    """Re-class ``model`` (in place) so that its frozen sub-modules stay in eval mode; returns it."""
    cls = type(model)
    if isinstance(model, FrozenEvalMixin):
        return model
    sub = _SUBCLASSES.get(cls)
    if sub is None:
        sub = type(cls.__name__, (FrozenEvalMixin, cls), {"__module__": cls.__module__,
                                                          "__qualname__": cls.__qualname__})
        _SUBCLASSES[cls] = sub
    model.__class__ = sub
    return model


def training_modes(model: nn.Module) -> Dict[str, bool]:
    """``name -> module.training`` of every sub-module (for tests and logs)."""
    return {name: m.training for name, m in model.named_modules()}
