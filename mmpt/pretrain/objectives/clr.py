"""Audio-visual contrastive learning (paper Eq. 2-3) as a pre-training objective."""
from __future__ import annotations

from typing import Optional

from mmpt.pretrain.objectives.abs_objective import (
    AbsPretrainObjective,
    AudioInput,
    LossTerms,
    ObjectiveOutput,
    VideoInput,
)


class CLRObjective(AbsPretrainObjective):
    """L = L_CLR (Eq. 2-3, or symmetric InfoNCE: ``model_conf.clr_form``) over the unmasked inputs."""

    uses_clr = True

    def forward(
        self, model: LossTerms, audio: Optional[AudioInput], video: Optional[VideoInput]
    ) -> ObjectiveOutput:
        clr = model.clr_terms(audio, video)
        return ObjectiveOutput(clr.values["loss_clr"], dict(clr.values), clr.skipped)
