"""``mmpt-superb``: SUPERB downstream tasks with s3prl's runner and the mmpt encoder as upstream.

Examples::

    mmpt-superb -m train -u mmpt_upstream -k exp/pt_mae/packed -d speech_commands \\
        -p exp/superb/ks -o "config.downstream_expert.datarc.speech_commands_root=data/sc/train,,\\
    config.downstream_expert.datarc.speech_commands_test_root=data/sc/test"
    mmpt-superb -m evaluate -e exp/superb/ks/dev-best.ckpt
    mmpt-superb --help        # s3prl's options

See :mod:`mmpt.superb.launcher`.
"""
from __future__ import annotations

import sys

from mmpt import autoload
from mmpt.superb.launcher import main

# At import, and cheap (no s3prl import): the import hook of mmpt.autoload, for the processes where the
# installed mmpt-autoload.pth did not already add it (mmpt run from a source tree, MMPT_AUTOLOAD=0 in a
# parent). DataLoader workers started with "spawn" re-import the main module (this one, through the console
# script or `python -m mmpt.bin.superb`), so they get the s3prl.hub entries and torchaudio shims too.
autoload.install()

if __name__ == "__main__":
    sys.exit(main())
