"""The pack: the one hand-over format of trained models between stages, and to s3prl / ESPnet.

:mod:`mmpt.pack.load` is the only place where mmpt reads a model or checkpoint file that a user names.
"""
from mmpt.pack.load import (  # noqa: F401
    ModelFileError,
    load_config,
    load_into,
    load_state_dict,
    load_trusted_checkpoint,
    resolve_stats_file,
)
