"""The encoder of a head trained on cached frozen-encoder outputs: a learnable weighted sum of layers.

A frozen encoder's outputs are computed once per utterance (``python -m mmpt.bin.dump_encoded``) and
the CTC head is trained on them through espnet2's ASR task, with this module in the ``encoder`` slot::

    input_size: 720            # L * D: L hidden states of width D, concatenated per frame
    frontend: null
    normalize: null
    encoder: layer_sum
    encoder_conf: {num_layers: 5}
    postencoder: conformer_head

``LayerSum`` splits each frame [L * D] into L states [D] and returns their softmax-weighted sum with L
learnable weights (SUPERB's featurizer, s3prl ``Featurizer``: weights start equal, optional parameter-free
layer norm of each state first). With ``num_layers: 1`` (the last layer only) it is the identity and has
no parameters, so the model's trainable parameters and their names (``postencoder.*``, ``ctc.*``) are
those of the on-the-fly model with the frozen encoder.
"""
from __future__ import annotations

from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from espnet2.asr.encoder.abs_encoder import AbsEncoder


class LayerSum(AbsEncoder):
    """[B, T, L * D] -> softmax(w) weighted sum over the L states -> [B, T, D]; lengths unchanged."""

    def __init__(self, input_size: int, num_layers: int = 1, layer_norm: bool = False):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"layer_sum: num_layers must be >= 1, got {num_layers}")
        if input_size % num_layers:
            raise ValueError(f"layer_sum: input_size {input_size} is not a multiple of num_layers {num_layers}")
        self.num_layers = num_layers
        self.dim = input_size // num_layers
        self.layer_norm = layer_norm
        # One state: nothing to weigh (softmax of one weight is 1 and its gradient 0), so no parameter.
        self.weights = torch.nn.Parameter(torch.zeros(num_layers)) if num_layers > 1 else None

    def output_size(self) -> int:
        return self.dim

    def layer_weights(self) -> torch.Tensor:
        """The normalised weights [L] (sum to 1)."""
        if self.weights is None:
            return torch.ones(1)
        return F.softmax(self.weights, dim=-1)

    def forward(
        self,
        xs_pad: torch.Tensor,
        ilens: torch.Tensor,
        prev_states: Optional[torch.Tensor] = None,
    ) -> Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]:
        """xs_pad [B, T, L * D], ilens [B] -> ([B, T, D], ilens, None)."""
        if xs_pad.size(-1) != self.num_layers * self.dim:
            raise ValueError(f"layer_sum: expected {self.num_layers} x {self.dim} = {self.num_layers * self.dim} "
                             f"features per frame, got {xs_pad.size(-1)}")
        if self.weights is None and not self.layer_norm:
            return xs_pad, ilens, None
        states = xs_pad.view(*xs_pad.shape[:-1], self.num_layers, self.dim)  # [B, T, L, D]
        if self.layer_norm:
            states = F.layer_norm(states, (self.dim,))
        if self.weights is None:
            return states.squeeze(-2), ilens, None
        w = F.softmax(self.weights, dim=-1).to(states.dtype)
        return torch.einsum("btld,l->btd", states, w), ilens, None
