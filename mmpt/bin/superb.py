"""``mmpt-superb``: SUPERB downstream tasks with s3prl's runner and the mmpt encoder as upstream.

Examples::

    mmpt-superb -m train -u mmpt_upstream -k exp/pt_mae/valid.loss.ave.pth -d speech_commands \\
        -p exp/superb/ks -o "config.downstream_expert.datarc.speech_commands_root=data/sc/train,,\\
    config.downstream_expert.datarc.speech_commands_test_root=data/sc/test"
    mmpt-superb -m evaluate -e exp/superb/ks/dev-best.ckpt
    mmpt-superb --help        # s3prl's options

See :mod:`mmpt.superb.launcher`.
"""
from __future__ import annotations

import sys

from mmpt.superb.launcher import install, main

# At import, not only in main(): DataLoader workers started with "spawn" re-import the main module (this
# one, through the console script or `python -m mmpt.bin.superb`) and so get the same s3prl.hub entry and
# torchaudio shims as the parent.
install()

if __name__ == "__main__":
    sys.exit(main())
