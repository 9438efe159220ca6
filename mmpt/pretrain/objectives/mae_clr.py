"""MAE and CLR together (paper Eq. 4) as a pre-training objective."""
from __future__ import annotations

from typing import Optional

from mmpt.pretrain.objectives.abs_objective import (
    AbsPretrainObjective,
    AudioInput,
    LossTerms,
    ObjectiveOutput,
    VideoInput,
)


class MAECLRObjective(AbsPretrainObjective):
    """L = (L_MAE + L_CLR) / 2 (Eq. 4); a term that could not be computed on a batch counts as 0.

    CLR encodes the unmasked inputs (``model_conf.clr_input: full``) or pools the MAE encoder outputs
    (``masked``: one encoder pass per modality).
    """

    uses_mae = True
    uses_clr = True

    def forward(
        self, model: LossTerms, audio: Optional[AudioInput], video: Optional[VideoInput]
    ) -> ObjectiveOutput:
        mae = model.mae_terms(audio, video)
        clr = model.clr_terms(audio, video, mae=mae if model.clr_input == "masked" else None)
        parts = [t for t in (mae.values["loss_mae"], clr.values["loss_clr"]) if t is not None]
        loss = sum(parts) / 2.0 if parts else None
        return ObjectiveOutput(loss, {**mae.values, **clr.values}, mae.skipped or clr.skipped)
