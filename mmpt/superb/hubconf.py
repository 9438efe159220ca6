"""s3prl hub entries ``mmpt_upstream`` and ``mmpt_local`` (s3prl's ``upstream/<name>/hubconf.py`` convention).

s3prl resolves ``-u mmpt_local -k CKPT -g CONFIG`` as
``getattr(s3prl.hub, "mmpt_local")(ckpt=CKPT, model_config=CONFIG, refresh=...)`` and
``S3PRLUpstream("mmpt_local", path_or_url=CKPT, extra_conf={...})`` as ``mmpt_local(ckpt=CKPT, refresh=False,
**extra_conf)``. An installed mmpt puts both entries on ``s3prl.hub`` by itself (:mod:`mmpt.autoload`).
``mmpt_local`` is the name s3prl's convention gives an entry that needs a local checkpoint; ``mmpt_upstream``
is the same function under the name mmpt's recipes and results have always used.

``CKPT`` is any of: an espnet2 model file (``exp/pt_.../valid.loss.ave.pth`` with ``config.yaml`` beside it),
a pack directory (``exp/<exp>/packed/``: ``model.pth``, ``config.yaml``, ...) or an espnet2 experiment
directory (its preferred model file: ``model.pth``, ``valid.acc.ave.pth``, ..., the latest ``<N>epoch.pth``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

PathLike = Union[str, Path]


def mmpt_local(
    ckpt: PathLike, model_config: Optional[PathLike] = None, refresh: bool = False, **kwargs: Any
):
    """The frozen audio encoder of an espnet2 / mmpt checkpoint as an s3prl upstream.

    Args:
        ckpt: model file, pack directory or espnet2 experiment directory (see the module docstring).
        model_config: the espnet2 training config when it is not beside the model file.
        refresh: ignored (s3prl's flag to re-download; mmpt checkpoints are local files).
        **kwargs: passed to :class:`~mmpt.superb.expert.UpstreamExpert` (``fbank_config``, ``frozen``).
    """
    from mmpt.pack.layout import resolve_model_file
    from mmpt.superb.expert import UpstreamExpert

    if ckpt is None:
        raise ValueError("mmpt_local needs a checkpoint: -k <model.pth | pack dir> (s3prl) or path_or_url=...")
    return UpstreamExpert(ckpt=resolve_model_file(ckpt), model_config=model_config, **kwargs)


def mmpt_upstream(
    ckpt: PathLike, model_config: Optional[PathLike] = None, refresh: bool = False, **kwargs: Any
):
    """:func:`mmpt_local` under the name of mmpt's recipes (``-u mmpt_upstream``)."""
    return mmpt_local(ckpt, model_config=model_config, refresh=refresh, **kwargs)
