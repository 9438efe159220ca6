"""Masked encoding through an espnet2 ``ConformerEncoder`` (paper section 3.4, "Audio Encoder").

The encoder object and its parameters are espnet2's own, untouched, so that its state dict moves to the
ASR and ST models with ``--init_param <ckpt>:encoder:encoder``. This module only runs its parts in MAE
order:

1. conv2d sub-sampling of the fbank frames (x4 for ``input_layer: conv2d``: 1000 frames -> 249 tokens);
2. a random ``mask_ratio`` of each sample's valid sub-sampled tokens is masked. The masked tokens' own
   input frames (``[k t, k t + k)`` for token t, k = sub-sampling factor) are set to 0 *before* the
   convolution, so that the overlapping receptive fields of visible neighbours do not see the frames
   that are to be reconstructed (the paper masks "audio frames with 0s"); their embeddings are set to 0
   before the positional encoding;
3. positional encoding; then either only the visible tokens are gathered (``visible_only``; needs an
   absolute positional encoding, ``pos_enc_layer_type: abs_pos``, because the positions are added before
   the gather) or all tokens go on (zero-masking; works with relative positions too);
4. the Conformer blocks and the final LayerNorm.

A sub-sampled token is valid when its receptive field lies inside the input (:func:`subsampled_lengths`);
espnet's padded-batch mask also keeps up to two trailing tokens computed partly from padding, and treats
an empty input as full length. Valid tokens are the ones masked, attended to, reconstructed and pooled.
With ``mask_ratio=0`` the result equals ``ConformerEncoder.forward`` for every input that is the longest
of its batch (tested), which is what CLR uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import torch
from espnet.nets.pytorch_backend.transformer.embedding import LegacyRelPositionalEncoding, RelPositionalEncoding
from espnet.nets.pytorch_backend.transformer.subsampling import (
    Conv2dSubsampling,
    Conv2dSubsampling2,
    Conv2dSubsampling6,
    Conv2dSubsampling8,
)
from torch import nn

from mmpt.nets.masking import TokenMask, gather_visible, random_token_mask

# espnet sub-sampling layers: a `conv` Sequential of unpadded Conv2d over (time, freq), then a Linear and
# the positional encoding (`out` = Sequential(Linear, PosEnc), or `out` and `pos_enc` for conv2d8)
_SUPPORTED = (Conv2dSubsampling, Conv2dSubsampling2, Conv2dSubsampling6, Conv2dSubsampling8)


@dataclass
class AudioEncoding:
    """Output of :func:`encode_audio`.

    Attributes:
        out: [B, V, D] encoded visible tokens (``visible_only``) or [B, T', D] all sub-sampled tokens.
        out_valid: bool, same first two dims as ``out``: which rows of ``out`` are real tokens.
        valid: bool [B, T'], non-padded sub-sampled tokens.
        mask: the MAE :class:`TokenMask` over the T' tokens (None without masking).
        factor: sub-sampling factor k (sub-sampled token t covers input frames [k t, k t + k)).
    """

    out: torch.Tensor
    out_valid: torch.Tensor
    valid: torch.Tensor
    mask: Optional[TokenMask]
    factor: int


def _check_embed(encoder: nn.Module) -> nn.Module:
    embed = getattr(encoder, "embed", None)
    if not isinstance(embed, _SUPPORTED):
        raise ValueError(
            f"masked audio encoding supports the conv2d/conv2d2/conv2d6/conv2d8 input layers of espnet2's "
            f"Conformer/Transformer/E-Branchformer encoders, not {type(embed).__name__} "
            f"(set encoder_conf.input_layer: conv2d)"
        )
    return embed


def _time_convs(embed: nn.Module) -> list:
    """(kernel, stride) along time of each Conv2d of the sub-sampling."""
    return [(m.kernel_size[0], m.stride[0]) for m in embed.conv if isinstance(m, nn.Conv2d)]


def _linear_and_posenc(embed: nn.Module) -> Tuple[nn.Module, nn.Module]:
    if isinstance(embed, Conv2dSubsampling8):
        return embed.out, embed.pos_enc
    return embed.out[0], embed.out[1]


def subsampling_factor(encoder: nn.Module) -> int:
    """Time sub-sampling factor of the encoder's input layer (4 for ``conv2d``)."""
    factor = 1
    for _, stride in _time_convs(_check_embed(encoder)):
        factor *= stride
    return factor


def subsampled_lengths(encoder: nn.Module, feats_lengths: torch.Tensor) -> torch.Tensor:
    """Sub-sampled tokens of inputs of ``feats_lengths`` [B] frames: the tokens whose receptive field lies
    inside the input, i.e. what the sub-sampling gives for that input alone (``((L-1)//2-1)//2`` for
    conv2d; 0 for fewer than 7 frames). Unlike espnet's padded-batch mask this does not depend on the
    other inputs of the batch and gives 0 for an empty input."""
    lengths = feats_lengths.to(torch.long)
    for kernel, stride in _time_convs(_check_embed(encoder)):
        lengths = torch.div(lengths - kernel, stride, rounding_mode="floor") + 1
        lengths = lengths.clamp(min=0)
    return lengths


def uses_relative_positions(encoder: nn.Module) -> bool:
    """True when the encoder's positional encoding is relative (``rel_pos``): visible-only MAE needs
    absolute positions."""
    pos_enc = _linear_and_posenc(_check_embed(encoder))[1]
    return isinstance(pos_enc, (RelPositionalEncoding, LegacyRelPositionalEncoding))


def encode_audio(
    encoder: nn.Module,
    feats: torch.Tensor,
    feats_lengths: torch.Tensor,
    mask_ratio: float = 0.0,
    visible_only: bool = False,
) -> AudioEncoding:
    """Encode fbank ``feats`` [B, L, F] (lengths [B]) with an espnet2 ``ConformerEncoder``, MAE-masked.

    Inputs too short for the sub-sampling (fewer than 7 frames for conv2d) give T' = 0 and no token.
    """
    factor = subsampling_factor(encoder)
    if getattr(encoder, "interctc_layer_idx", []):
        raise ValueError("masked audio encoding does not support intermediate CTC (interctc_layer_idx)")
    b, max_len, _ = feats.shape
    t_sub = int(subsampled_lengths(encoder, torch.tensor([max_len]))[0])
    lengths = subsampled_lengths(encoder, feats_lengths)
    valid = torch.arange(t_sub, device=feats.device)[None, :] < lengths.to(feats.device)[:, None]  # [B, T']
    mask = random_token_mask(valid, mask_ratio) if mask_ratio > 0 else None
    if visible_only and mask is None:
        raise ValueError("visible_only encoding needs mask_ratio > 0")
    if t_sub == 0:
        d = encoder.output_size()
        empty = feats.new_zeros(b, 0, d)
        return AudioEncoding(empty, valid, valid, mask, factor)

    if mask is not None:
        frame_masked = mask.masked.repeat_interleave(factor, dim=1)  # [B, T'k], T'k <= L
        frame_masked = nn.functional.pad(frame_masked, (0, max_len - frame_masked.size(1)))
        feats = feats.masked_fill(frame_masked.unsqueeze(-1), 0.0)

    embed = encoder.embed
    linear, pos_enc = _linear_and_posenc(embed)
    x = embed.conv(feats.unsqueeze(1))  # [B, C, T', F']
    x = linear(x.transpose(1, 2).flatten(2))  # [B, T', D]
    if x.size(1) != t_sub:  # would mean espnet changed its sub-sampling
        raise RuntimeError(f"sub-sampling gave {x.size(1)} frames, expected {t_sub}")
    if mask is not None:
        x = x.masked_fill(mask.masked.unsqueeze(-1), 0.0)
    x = pos_enc(x)  # tensor, or (tensor, pos_emb) for relative positions

    if visible_only:
        if isinstance(x, tuple):
            raise ValueError(
                "visible-only MAE needs absolute positions (encoder_conf: pos_enc_layer_type: abs_pos, "
                "selfattention_layer_type: selfattn); set model_conf.audio_visible_only: false for rel_pos"
            )
        x = gather_visible(x, mask)
        out_valid = mask.keep_valid
    else:
        out_valid = valid
    x, _ = encoder.encoders(x, out_valid[:, None, :])
    if isinstance(x, tuple):
        x = x[0]
    if getattr(encoder, "normalize_before", True):  # E-Branchformer has no such flag: always normalises
        x = encoder.after_norm(x)
    return AudioEncoding(x, out_valid, valid, mask, factor)
