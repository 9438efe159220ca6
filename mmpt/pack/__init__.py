"""The pack: the one hand-over format of trained models between stages, and to s3prl / ESPnet.

* :mod:`~mmpt.pack.layout` the files of a pack / experiment directory, model-file choice, statistics
* :mod:`~mmpt.pack.load` the only place where mmpt reads a model or checkpoint file that a user names
* :mod:`~mmpt.pack.read` a pack or experiment as a pre-trained encoder (``load_pretrained``)
* :mod:`~mmpt.pack.write` writing a pack (``pack_encoder``)
* :mod:`~mmpt.pack.encoder` rebuilding the encoder of a config / checkpoint (the s3prl upstream's too)
* :mod:`~mmpt.pack.espnet` espnet2 models and trainings with the safe loader
"""
from mmpt.pack.layout import find_model_file, resolve_stats_file  # noqa: F401
from mmpt.pack.load import (  # noqa: F401
    ModelFileError,
    load_config,
    load_into,
    load_state_dict,
    load_trusted_checkpoint,
)
