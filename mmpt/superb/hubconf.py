"""s3prl hub entry ``mmpt_upstream`` (s3prl's ``upstream/<name>/hubconf.py`` convention).

s3prl resolves ``-u mmpt_upstream -k CKPT -g CONFIG`` as
``getattr(s3prl.hub, "mmpt_upstream")(ckpt=CKPT, model_config=CONFIG, refresh=...)``;
:func:`mmpt.superb.register` puts this function on ``s3prl.hub``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

PathLike = Union[str, Path]


def mmpt_upstream(
    ckpt: PathLike, model_config: Optional[PathLike] = None, refresh: bool = False, **kwargs: Any
):
    """The frozen audio encoder of an espnet2 / mmpt checkpoint as an s3prl upstream.

    Args:
        ckpt: espnet2 model file, e.g. ``exp/pt_.../valid.loss.ave.pth`` (``config.yaml`` beside it).
        model_config: the espnet2 training config when it is not beside ``ckpt``.
        refresh: ignored (s3prl's flag to re-download; mmpt checkpoints are local files).
        **kwargs: passed to :class:`~mmpt.superb.expert.UpstreamExpert` (e.g. ``fbank_config``).
    """
    from mmpt.superb.expert import UpstreamExpert

    return UpstreamExpert(ckpt=ckpt, model_config=model_config, **kwargs)
