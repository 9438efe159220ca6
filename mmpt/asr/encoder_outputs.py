"""The outputs of a frozen pre-trained encoder, as the fine-tuning model computes them.

``FrozenEncoder.from_pretrained(load_pretrained(pack))`` rebuilds the pack's feature normalisation and
encoder with espnet2's ASR class choices (the modules stage 6 builds for on-the-fly training), loads the
encoder weights strictly, and keeps everything in eval mode without gradients.
``encode(feats, layers)`` maps one utterance's fbank [T, F] to

* ``layers="last"``: the encoder output [T', D] (what the on-the-fly model hands to its head);
* ``layers="all"``: the L = num_blocks + 1 hidden states concatenated per frame, [T', L * D]: the output
  of the sub-sampling input layer (``encoder.embed``), then each layer's output, the last one being the
  encoder output (``after_norm`` applied), the convention of the SUPERB upstream (mmpt.superb.expert).

Each utterance is encoded alone, so no padding of a batch can reach its frames.
"""
from __future__ import annotations

import logging
from typing import Any, List, Optional, Tuple

import numpy as np
import torch
from torch import nn

from mmpt.data.errors import DataError
from mmpt.pack.read import PretrainedEncoder

logger = logging.getLogger(__name__)

LAYERS = ("last", "all")


def _first_tensor(output: Any) -> torch.Tensor:
    """The hidden state in an espnet layer output: ``x``, ``(x, pos_emb)``, ``((x, pos_emb), mask)``."""
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output


class FrozenEncoder(nn.Module):
    """Normalisation + encoder of a pre-trained pack, eval mode, no gradients (see the module docstring)."""

    def __init__(self, encoder: nn.Module, normalize: Optional[nn.Module], input_size: int):
        super().__init__()
        self.encoder = encoder
        self.normalize = normalize
        self.input_size = input_size
        self.eval()
        for param in self.parameters():
            param.requires_grad_(False)

    @classmethod
    def from_pretrained(cls, p: PretrainedEncoder) -> "FrozenEncoder":
        """Build and load; DataError naming the pack's config for an unknown class or mismatched weights."""
        from espnet2.tasks.asr import normalize_choices

        if p.input_size is None:
            raise DataError(p.config_path, "no input_size: the cached encoder outputs are computed from "
                            "precomputed fbank features")
        try:
            norm_cls = normalize_choices.get_class(p.normalize) if p.normalize else None
        except ValueError as exc:
            raise DataError(p.config_path, str(exc)) from None
        encoder = p.build_encoder()  # strict: ModelFileError naming the file when the weights do not fit
        normalize = norm_cls(**p.normalize_conf) if norm_cls is not None else None
        return cls(encoder, normalize, int(p.input_size))

    def train(self, mode: bool = True) -> "FrozenEncoder":  # frozen: always in eval mode
        return super().train(False)

    @property
    def output_size(self) -> int:
        return int(self.encoder.output_size())

    def num_states(self, layers: str) -> int:
        """L: 1 for ``last``, number of layers + 1 for ``all``."""
        if layers == "last":
            return 1
        if layers != "all":
            raise ValueError(f"layers must be one of {LAYERS}, got {layers!r}")
        if not hasattr(self.encoder, "embed") or not hasattr(self.encoder, "encoders"):
            raise DataError(type(self.encoder).__name__, "layers=all needs an encoder with 'embed' and "
                            "'encoders' (espnet2 Conformer / Transformer / E-Branchformer)")
        return len(self.encoder.encoders) + 1

    @torch.no_grad()
    def forward(self, feats: torch.Tensor, lengths: torch.Tensor, layers: str = "last"
                ) -> Tuple[List[torch.Tensor], torch.Tensor]:
        """feats [B, T, F], lengths [B] -> (L states [B, T', D], output lengths [B])."""
        n = self.num_states(layers)
        if self.normalize is not None:
            feats, lengths = self.normalize(feats, lengths)
        if n == 1:
            out, olens, _ = self.encoder(feats, lengths)
            return [out], olens
        captured: List[torch.Tensor] = []
        hooks = [self.encoder.embed.register_forward_hook(lambda m, i, o: captured.append(_first_tensor(o)))]
        hooks += [layer.register_forward_hook(lambda m, i, o: captured.append(_first_tensor(o)))
                  for layer in self.encoder.encoders]
        try:
            out, olens, _ = self.encoder(feats, lengths)
        finally:
            for h in hooks:
                h.remove()
        if len(captured) != n:
            raise RuntimeError(f"captured {len(captured)} hidden states, expected {n}")
        return captured[:-1] + [out], olens

    def encode(self, feats: np.ndarray, layers: str = "last") -> np.ndarray:
        """One utterance: fbank [T, F] -> float32 [T', L * D] (L = :meth:`num_states`).

        Raises espnet2's TooShortUttError when T is below what the input layer accepts."""
        if feats.ndim != 2 or feats.shape[1] != self.input_size:
            raise DataError("feats", f"expected [frames, {self.input_size}] features, got {feats.shape}")
        x = torch.tensor(feats, dtype=torch.float32).unsqueeze(0)
        states, olens = self(x, torch.tensor([x.size(1)]), layers)
        t = int(olens[0])
        return torch.cat([s[0, :t] for s in states], dim=-1).numpy().astype(np.float32, copy=False)
