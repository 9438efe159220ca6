"""Masked autoencoding (paper Eq. 1) as a pre-training objective."""
from __future__ import annotations

from typing import Optional

from mmpt.pretrain.objectives.abs_objective import (
    AbsPretrainObjective,
    AudioInput,
    LossTerms,
    ObjectiveOutput,
    VideoInput,
)


class MAEObjective(AbsPretrainObjective):
    """L = L_MAE (Eq. 1): reconstruction of the masked audio frames and video tubelets."""

    uses_mae = True

    def forward(
        self, model: LossTerms, audio: Optional[AudioInput], video: Optional[VideoInput]
    ) -> ObjectiveOutput:
        mae = model.mae_terms(audio, video)
        return ObjectiveOutput(mae.values["loss_mae"], dict(mae.values), mae.skipped)
