"""The abstract pre-training objective: what a pre-training method computes from the encoded batch.

An objective is a registered class (``--objective`` in :mod:`mmpt.tasks.av_pretrain`, espnet2's
``ClassChoices`` pattern of ``espnet2/tasks/ssl.py``), configured by ``objective_conf``. The model
(:class:`~mmpt.pretrain.av_model.AVPretrainModel`) owns the networks (audio and video encoders, the shared
MAE decoder, the CLR projections) and offers the loss terms as building blocks
(:meth:`~mmpt.pretrain.av_model.AVPretrainModel.mae_terms`,
:meth:`~mmpt.pretrain.av_model.AVPretrainModel.clr_terms`); an objective says which of the networks it needs
(:attr:`uses_mae`, :attr:`uses_clr`, so the model builds only those) and how its terms make the loss.
Adding a pre-training method is one subclass registered in the task and one config naming it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Dict, Optional, Protocol, Tuple

import torch
from torch import nn

from mmpt.nets.masked_conformer import AudioEncoding

# (normalised fbank [B, L, F], lengths [B]); (normalised clip [B, T, H, W, 3], pixels [B, T, H, W, 3], has [B])
AudioInput = Tuple[torch.Tensor, torch.Tensor]
VideoInput = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]

MAE_STAT_KEYS = ("loss_mae", "loss_mae_audio", "loss_mae_video")
CLR_STAT_KEYS = ("loss_clr", "clr_acc")


@dataclass
class MAETerms:
    """Eq. 1 on one batch: ``values`` (``loss_mae``, ``loss_mae_audio``, ``loss_mae_video``; None: not
    computed), ``skipped`` (a modality got no term), and the encoder outputs CLR may pool (``clr_input:
    masked``): ``audio`` (the masked audio encoding) and ``video`` (video encoder output [B, V|N, D], bool
    mask of its real tokens)."""

    values: Dict[str, Optional[torch.Tensor]]
    skipped: bool
    audio: Optional[AudioEncoding] = None
    video: Optional[Tuple[torch.Tensor, torch.Tensor]] = None


@dataclass
class CLRTerms:
    """Eq. 2-3 on one batch: ``values`` (``loss_clr``, ``clr_acc``; None: not computed) and ``skipped``
    (no CLR term, or this rank's own samples took no part in it)."""

    values: Dict[str, Optional[torch.Tensor]]
    skipped: bool


class LossTerms(Protocol):
    """What an objective may use of the model (:class:`~mmpt.pretrain.av_model.AVPretrainModel`)."""

    clr_input: str  # full | masked: what CLR pools when MAE runs too

    def mae_terms(self, audio: Optional[AudioInput], video: Optional[VideoInput]) -> MAETerms:
        ...

    def clr_terms(
        self, audio: Optional[AudioInput], video: Optional[VideoInput], mae: Optional[MAETerms] = None
    ) -> CLRTerms:
        ...


@dataclass
class ObjectiveOutput:
    """What an objective returns for one batch.

    Attributes:
        loss: the scalar loss, or None when no term could be computed on this batch.
        values: the reported terms (keys of :meth:`AbsPretrainObjective.stat_keys`; None: not computed).
        skipped: some path of the model got no loss term on this batch (the model then adds a zero term
            touching every parameter, which DistributedDataParallel needs).
    """

    loss: Optional[torch.Tensor]
    values: Dict[str, Optional[torch.Tensor]] = field(default_factory=dict)
    skipped: bool = False


class AbsPretrainObjective(nn.Module, ABC):
    """A pre-training objective over the audio-visual model's building blocks.

    Subclasses set :attr:`uses_mae` / :attr:`uses_clr` and implement :meth:`forward`. An objective holds no
    network of its own by default (the heads stay attributes of the model, so checkpoint keys do not depend
    on the objective); one that needs parameters may define them as usual.
    """

    uses_mae: bool = False  # the model builds the shared MAE decoder (``mae_decoder``)
    uses_clr: bool = False  # the model builds the CLR projections and loss (``audio_proj``, ``video_proj``, ``clr``)

    def stat_keys(self) -> Tuple[str, ...]:
        """The stats this objective reports, every batch (NaN when a term is not computed)."""
        keys = ("loss",)
        if self.uses_mae:
            keys += MAE_STAT_KEYS
        if self.uses_clr:
            keys += CLR_STAT_KEYS
        return keys

    @abstractmethod
    def forward(
        self, model: LossTerms, audio: Optional[AudioInput], video: Optional[VideoInput]
    ) -> ObjectiveOutput:
        """The loss of one batch.

        Args:
            model: the pre-training model (its encoders, heads and loss terms).
            audio: (normalised fbank [B, L, F], lengths [B]), or None when the batch has no audio.
            video: (normalised clip [B, T, H, W, 3], pixels in [0, 1] [B, T, H, W, 3], has_video bool [B]),
                or None when the batch has no video.
        """
        raise NotImplementedError
