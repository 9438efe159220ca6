"""espnet2's ST task with mmpt's safe ``--init_param`` loading and atomic checkpoints."""
from __future__ import annotations

from espnet2.tasks.st import STTask

from mmpt.pack.espnet import SafeTrainingTask


class SafeSTTask(SafeTrainingTask, STTask):
    """espnet2's STTask; each training process installs mmpt's training shims."""
