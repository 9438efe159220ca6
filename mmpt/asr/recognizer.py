"""Recognition with a trained espnet2 CTC model from fbank features: greedy (best path) or beam search.

``Recognizer(asr_train_config, asr_model_file, decoding="greedy"|"beam")`` loads the model once
(built from its training config, mmpt heads registered, weights read by :mod:`mmpt.pack.load`:
``weights_only=True`` and strict keys; espnet2's ``build_model_from_file`` would unpickle the file).
``recognize([feats, ...])`` takes fbank matrices [T, D] (before normalisation: the model's ``normalize``
applies its statistics) and returns one :class:`Result` each.

* greedy: the argmax CTC path of a padded batch, repeats merged and blanks removed;
* beam: espnet2's ``Speech2Text`` (``espnet2.bin.asr_inference``) with ``ctc_weight 1.0``: CTC prefix
  beam search (no decoder, no language model), one utterance at a time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Sequence, Union

import numpy as np
import torch
import yaml

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
DECODINGS = ("greedy", "beam")


@dataclass
class Result:
    text: str
    tokens: List[str]
    score: Optional[float] = None  # beam search log-probability; None for greedy


def resolve_train_path(value: Optional[str], config_path: PathLike) -> Optional[str]:
    """A path stored in a training config (e.g. ``bpemodel``), found as written, relative to the recipe
    directory of ``<recipe>/exp/<name>/config.yaml``, or under the same name beside the config."""
    if not value:
        return value
    p = Path(value)
    here = Path(config_path).resolve().parent
    for c in ([p] if p.is_absolute() else [p, here.parent.parent / p]) + [here / p.name]:
        if c.is_file():
            return str(c)
    raise DataError(config_path, f"{value} (from this config) not found: looked as written, relative to "
                    f"{here.parent.parent} and beside the config")


def ctc_collapse(ids: Sequence[int], blank: int = 0) -> List[int]:
    """Best-path CTC labels: merge repeats, then drop blanks ([1,1,0,1,2,2] -> [1,1,2])."""
    out: List[int] = []
    prev = None
    for i in ids:
        if i != prev and i != blank:
            out.append(int(i))
        prev = i
    return out


def _device(ngpu: int) -> str:
    if ngpu > 0 and not torch.cuda.is_available():
        raise RuntimeError("--ngpu > 0 but CUDA is not available")
    return "cuda" if ngpu > 0 else "cpu"


class Recognizer:
    """A trained CTC ASR model ready to decode feature matrices (see the module docstring)."""

    def __init__(
        self,
        asr_train_config: PathLike,
        asr_model_file: PathLike,
        *,
        decoding: str = "greedy",
        beam_size: int = 10,
        penalty: float = 0.0,
        device: str = "cpu",
    ):
        from espnet2.tasks.asr import ASRTask
        from espnet2.text.build_tokenizer import build_tokenizer
        from espnet2.text.token_id_converter import TokenIDConverter

        import mmpt.tasks.asr  # noqa: F401  (registers the mmpt heads for ASRTask.build_model)
        from mmpt.pack.espnet import build_model, load_model_weights

        if decoding not in DECODINGS:
            raise ValueError(f"decoding must be one of {DECODINGS}, got {decoding!r}")
        for f in (asr_train_config, asr_model_file):
            if not Path(f).is_file():
                raise DataError(f, "file not found")
        self.decoding = decoding
        self.device = device
        conf = yaml.safe_load(Path(asr_train_config).read_text(encoding="utf-8")) or {}
        bpemodel = resolve_train_path(conf.get("bpemodel"), asr_train_config)
        self._beam: Any = None
        if decoding == "beam":
            from espnet2.bin.asr_inference import Speech2Text

            # built without weights (asr_model_file=None), then loaded safely and strictly
            self._beam = Speech2Text(
                asr_train_config=str(asr_train_config), asr_model_file=None, device=device,
                beam_size=beam_size, ctc_weight=1.0, lm_weight=0.0, penalty=penalty, nbest=1,
                token_type=conf.get("token_type"), bpemodel=bpemodel,
            )
            model, args = self._beam.asr_model, self._beam.asr_train_args
            load_model_weights(model, asr_model_file, asr_train_config)
        else:
            model, args = build_model(ASRTask, asr_train_config, asr_model_file, device)
        model.eval()
        if getattr(model, "ctc", None) is None:
            raise DataError(asr_model_file, "the model has no CTC layer")
        self.model = model
        self.train_args = args
        self.token_list = list(args.token_list)
        self.converter = TokenIDConverter(token_list=self.token_list)
        self.tokenizer = build_tokenizer(token_type=args.token_type, bpemodel=bpemodel)
        self.blank = self.token_list.index("<blank>") if "<blank>" in self.token_list else 0
        # CTC may emit <sos/eos> (it is in the vocabulary) but it is no text
        self.skip = {i for i, t in enumerate(self.token_list) if t == "<sos/eos>"}

    def _text(self, ids: List[int]) -> Result:
        tokens = self.converter.ids2tokens([i for i in ids if i not in self.skip])
        text = self.tokenizer.tokens2text(tokens) if self.tokenizer else " ".join(tokens)
        return Result(" ".join(text.split()), tokens)

    @torch.no_grad()
    def recognize(self, feats: Sequence[np.ndarray]) -> List[Result]:
        """One result per fbank matrix [T, D] (any number; greedy decodes them as one padded batch)."""
        if not feats:
            return []
        if self.decoding == "beam":
            out = []
            for f in feats:
                text, tokens, _, hyp = self._beam(torch.from_numpy(np.array(f, dtype=np.float32)))[0]
                out.append(Result(" ".join((text or "").split()), list(tokens), float(hyp.score)))
            return out
        lengths = torch.tensor([f.shape[0] for f in feats], dtype=torch.long)
        batch = torch.zeros(len(feats), int(lengths.max()), feats[0].shape[1], dtype=torch.float32)
        for i, f in enumerate(feats):
            batch[i, : f.shape[0]] = torch.from_numpy(np.array(f, dtype=np.float32))
        enc, enc_lens = self.model.encode(batch.to(self.device), lengths.to(self.device))
        if isinstance(enc, tuple):  # intermediate CTC outputs
            enc = enc[0]
        best = self.model.ctc.argmax(enc).cpu()
        return [self._text(ctc_collapse(best[i, : int(enc_lens[i])].tolist(), self.blank))
                for i in range(len(feats))]
