"""espnet2's ASR task with frozen sub-modules kept in eval mode and the mmpt CTC heads registered.

``python -m mmpt.bin.asr_train`` is ``espnet2.bin.asr_train`` with this task: same options, same
outputs. The model is espnet2's ``ESPnetASRModel`` (re-classed by :func:`mmpt.asr.frozen.keep_frozen_in_eval`),
so the checkpoints and ``config.yaml`` are espnet2's; loading them needs only :func:`register_heads`
(done on import of this module) when the config uses an mmpt head such as ``postencoder: conformer_head``
or the ``layer_sum`` encoder of a head trained on cached encoder outputs (mmpt.asr.layer_sum).
"""
from __future__ import annotations

import argparse
import logging

from espnet2.tasks.asr import ASRTask, encoder_choices, postencoder_choices

from mmpt.asr.frozen import keep_frozen_in_eval
from mmpt.asr.head import ConformerHead
from mmpt.asr.layer_sum import LayerSum
from mmpt.pack.espnet import SafeTrainingTask

logger = logging.getLogger(__name__)

HEADS = {"conformer_head": ConformerHead}
ENCODERS = {"layer_sum": LayerSum}


def register_heads() -> None:
    """Add the mmpt heads to espnet2's ASR postencoder choices and the ``layer_sum`` encoder (on cached
    encoder outputs) to its encoder choices (idempotent)."""
    for name, cls in HEADS.items():
        postencoder_choices.classes.setdefault(name, cls)
    for name, cls in ENCODERS.items():
        encoder_choices.classes.setdefault(name, cls)


register_heads()


class FrozenEncoderASRTask(SafeTrainingTask, ASRTask):
    """ASRTask whose model keeps the modules frozen by ``--freeze_param`` in eval mode during training."""

    @classmethod
    def build_model(cls, args: argparse.Namespace):
        model = super().build_model(args)
        return keep_frozen_in_eval(model)
