"""Audio-visual contrastive loss, paper Eq. 2-3 (and the usual symmetric InfoNCE).

With L2-normalised clip embeddings a_i, v_i (i = 1..N, the pairs of a batch) and s_ik = a_i . v_k / tau:

- ``form="paper"`` (Eq. 2-3 as printed, tau = 1 by default): the denominator sums over the negatives only,
      L_i = -log( exp(s_ii) / sum_{k != i} exp(s_ik) ),   L_CLR = mean_i L_i
  It needs N >= 2. Because the positive is not in the denominator the loss is not bounded below by 0
  (with tau = 1 and unit vectors it lies in [log(N-1) - 2, log(N-1) + 2]).
- ``form="infonce"`` (CLIP, Radford et al. 2021): the mean of the audio->video and video->audio
  cross-entropies over the logits s, with the positive in the denominator; tau learnable (CLIP's
  log-parameterised ``logit_scale``, initial tau 0.07, capped at 100 = 1/0.01) or fixed.

Negatives are the other clips of the batch; under data-parallel training the model gathers the embeddings
of every rank first (:mod:`mmpt.pretrain.global_batch`), so the batch is the global one.
"""
from __future__ import annotations

import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import nn


def similarity_logits(a: torch.Tensor, v: torch.Tensor, scale: torch.Tensor | float = 1.0) -> torch.Tensor:
    """Logits [N, N] = scale * a v^T for embeddings a, v [N, D] (already normalised), in float32."""
    return (a.float() @ v.float().t()) * scale


def paper_contrastive_loss(logits: torch.Tensor) -> torch.Tensor:
    """Eq. 2-3 from logits [N, N] (row i: audio i against every video): mean_i -(s_ii - logsumexp_{k!=i} s_ik)."""
    n = logits.size(0)
    if n < 2:
        raise ValueError("the paper's contrastive loss needs at least 2 pairs (it has no negative otherwise)")
    eye = torch.eye(n, dtype=torch.bool, device=logits.device)
    negatives = logits.masked_fill(eye, float("-inf")).logsumexp(dim=1)
    return (negatives - logits.diagonal()).mean()


def infonce_loss(logits: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE from logits [N, N]: (CE(s, arange) + CE(s^T, arange)) / 2."""
    target = torch.arange(logits.size(0), device=logits.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def retrieval_accuracy(logits: torch.Tensor) -> torch.Tensor:
    """Audio->video top-1 retrieval accuracy in the batch: fraction of rows whose argmax is the diagonal."""
    target = torch.arange(logits.size(0), device=logits.device)
    return (logits.argmax(dim=1) == target).float().mean()


class ContrastiveLoss(nn.Module):
    """Eq. 2-3 (``form="paper"``) or symmetric InfoNCE (``form="infonce"``) over paired embeddings.

    Args:
        form: ``"paper"`` or ``"infonce"``.
        temperature: tau (the logits are a.v / tau); the paper's Eq. 2 has none, i.e. 1.0.
        learnable_temperature: learn log(1/tau) (CLIP), starting from ``temperature``.
    """

    def __init__(self, form: str = "paper", temperature: float = 1.0, learnable_temperature: bool = False):
        super().__init__()
        if form not in ("paper", "infonce"):
            raise ValueError(f"clr_form must be 'paper' or 'infonce', got {form!r}")
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.form = form
        log_scale = torch.tensor(math.log(1.0 / temperature))
        if learnable_temperature:
            self.logit_scale = nn.Parameter(log_scale)
        else:
            self.register_buffer("logit_scale", log_scale, persistent=False)

    def scale(self) -> torch.Tensor:
        """1 / tau, capped at 100."""
        return self.logit_scale.clamp(max=math.log(100.0)).exp()

    def forward(self, a: torch.Tensor, v: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """a, v: L2-normalised [N, D] pairs -> (loss, audio->video top-1 accuracy)."""
        logits = similarity_logits(a, v, self.scale())
        loss = paper_contrastive_loss(logits) if self.form == "paper" else infonce_loss(logits)
        return loss, retrieval_accuracy(logits.detach())
