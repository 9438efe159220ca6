"""ST training with espnet2 (``espnet2.bin.st_train`` options), with mmpt's safe loading and atomic
checkpoints (:func:`mmpt.pack.espnet.install_training_shims`).

    python -m mmpt.bin.st_train --config exp/st_x/train.yaml --output_dir exp/st_x \\
        --train_data_path_and_name_and_type dump/fbank/train/feats.scp,speech,kaldi_ark ...

Every espnet2 option applies (--ngpu, --multiprocessing_distributed, --resume, --init_param, ...).
"""
from __future__ import annotations

import sys
from typing import List, Optional

from mmpt.denormals import flush_denormals


def main(cmd: Optional[List[str]] = None) -> None:
    flush_denormals()  # before torch starts its threads (mmpt.denormals)
    from mmpt.tasks.st import SafeSTTask

    SafeSTTask.main(cmd=cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
