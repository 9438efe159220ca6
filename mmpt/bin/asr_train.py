"""ASR training with espnet2 (``espnet2.bin.asr_train`` options), frozen modules kept in eval mode.

    python -m mmpt.bin.asr_train --config exp/asr_x/train.yaml --output_dir exp/asr_x \\
        --train_data_path_and_name_and_type dump/fbank/train/feats.scp,speech,kaldi_ark ...

See mmpt.tasks.asr.FrozenEncoderASRTask; every espnet2 option applies (--ngpu, --multiprocessing_distributed,
--resume, --init_param, --freeze_param, ...).
"""
from __future__ import annotations

import sys
from typing import List, Optional

from mmpt.denormals import flush_denormals


def main(cmd: Optional[List[str]] = None) -> None:
    flush_denormals()  # before torch starts its threads (mmpt.denormals)
    from mmpt.tasks.asr import FrozenEncoderASRTask  # safe --init_param loading, atomic checkpoint.pth

    FrozenEncoderASRTask.main(cmd=cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
