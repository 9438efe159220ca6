"""Translation with a trained espnet2 ST model from fbank features (beam search, ``espnet2.bin.st_inference``).

``Translator(st_train_config, st_model_file, beam_size=5)``; ``translate([feats, ...])`` returns one
:class:`~mmpt.asr.recognizer.Result` per fbank matrix [T, D] (detokenised target text).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import List, Sequence, Union

import numpy as np
import torch

from mmpt.asr.recognizer import Result, resolve_train_path
from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]


class Translator:
    """A trained ST model (Transformer decoder) with espnet2's beam search."""

    decoding = "beam"

    def __init__(
        self,
        st_train_config: PathLike,
        st_model_file: PathLike,
        *,
        beam_size: int = 5,
        penalty: float = 0.0,
        maxlenratio: float = 0.0,
        minlenratio: float = 0.0,
        device: str = "cpu",
    ):
        import yaml
        from espnet2.bin.st_inference import Speech2Text

        from mmpt.pack.espnet import load_model_weights

        for f in (st_train_config, st_model_file):
            if not Path(f).is_file():
                raise DataError(f, "file not found")
        conf = yaml.safe_load(Path(st_train_config).read_text(encoding="utf-8")) or {}
        bpemodel = resolve_train_path(conf.get("bpemodel"), st_train_config)
        src_bpemodel = conf.get("src_bpemodel")
        if src_bpemodel:
            src_bpemodel = resolve_train_path(src_bpemodel, st_train_config)
        # built without weights (st_model_file=None: espnet2 would unpickle it), then loaded safely and
        # strictly by mmpt.pack.load
        self._s2t = Speech2Text(
            st_train_config=str(st_train_config), st_model_file=None, device=device,
            beam_size=beam_size, penalty=penalty, maxlenratio=maxlenratio, minlenratio=minlenratio,
            lm_weight=0.0, ctc_weight=0.0, nbest=1, token_type=conf.get("token_type"), bpemodel=bpemodel,
            src_token_type=conf.get("src_token_type"), src_bpemodel=src_bpemodel,
        )
        self.model = self._s2t.st_model
        load_model_weights(self.model, st_model_file, st_train_config)

    @torch.no_grad()
    def translate(self, feats: Sequence[np.ndarray]) -> List[Result]:
        out = []
        for f in feats:
            text, tokens, _, hyp = self._s2t(torch.from_numpy(np.array(f, dtype=np.float32)))[0]
            out.append(Result(" ".join((text or "").split()), list(tokens), float(hyp.score)))
        return out

    recognize = translate
