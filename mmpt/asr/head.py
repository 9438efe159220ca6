"""A small trainable head between a frozen encoder and the CTC layer (an espnet2 *postencoder*).

The paper fine-tunes "only the task specific decoder" on the frozen encoder; with CTC, that decoder is
this head plus the CTC projection. ``ConformerHead`` is a few espnet2 Conformer blocks (a linear input
projection when its width differs from the encoder's). It is registered as the postencoder choice
``conformer_head`` of espnet2's ASR task by :func:`mmpt.tasks.asr.register_heads`::

    postencoder: conformer_head
    postencoder_conf: {output_size: 144, num_blocks: 1, attention_heads: 4, linear_units: 576}

``postencoder: null`` puts the CTC projection directly on the encoder output (a linear probe).
"""
from __future__ import annotations

from typing import Tuple

import torch
from espnet2.asr.encoder.conformer_encoder import ConformerEncoder
from espnet2.asr.postencoder.abs_postencoder import AbsPostEncoder


class ConformerHead(AbsPostEncoder):
    """Conformer blocks on encoder outputs: [B, T, input_size] -> [B, T, output_size] (same lengths)."""

    def __init__(
        self,
        input_size: int,
        output_size: int = 256,
        num_blocks: int = 2,
        attention_heads: int = 4,
        linear_units: int = 1024,
        dropout_rate: float = 0.1,
        positional_dropout_rate: float = 0.1,
        attention_dropout_rate: float = 0.0,
        cnn_module_kernel: int = 15,
        macaron_style: bool = True,
        use_cnn_module: bool = True,
        pos_enc_layer_type: str = "rel_pos",
        selfattention_layer_type: str = "rel_selfattn",
        activation_type: str = "swish",
    ):
        super().__init__()
        self._output_size = output_size
        self.blocks = ConformerEncoder(
            input_size=input_size,
            output_size=output_size,
            attention_heads=attention_heads,
            linear_units=linear_units,
            num_blocks=num_blocks,
            dropout_rate=dropout_rate,
            positional_dropout_rate=positional_dropout_rate,
            attention_dropout_rate=attention_dropout_rate,
            input_layer="linear" if input_size != output_size else None,
            normalize_before=True,
            macaron_style=macaron_style,
            use_cnn_module=use_cnn_module,
            cnn_module_kernel=cnn_module_kernel,
            pos_enc_layer_type=pos_enc_layer_type,
            selfattention_layer_type=selfattention_layer_type,
            rel_pos_type="latest",
            activation_type=activation_type,
        )

    def output_size(self) -> int:
        return self._output_size

    def forward(self, input: torch.Tensor, input_lengths: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        out, lengths, _ = self.blocks(input, input_lengths)
        return out, lengths
