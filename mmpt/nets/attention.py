"""Fused attention for espnet's Transformer/Conformer blocks.

espnet's ``MultiHeadedAttention`` has a ``use_sdpa`` path (``torch.nn.functional.scaled_dot_product_attention``:
flash / memory-efficient kernels on GPUs, a fused kernel on CPUs) that ``ConformerEncoder`` does not expose
as an option. :func:`enable_sdpa` switches it on in place. The parameters are untouched, so the encoder's
state dict still loads into espnet2's ASR and ST models (which then use their own attention path).
``RelPositionMultiHeadedAttention`` (``rel_selfattn``) has its own forward without that path and is left
as it is.
"""
from __future__ import annotations

from espnet.nets.pytorch_backend.transformer.attention import MultiHeadedAttention
from torch import nn


def enable_sdpa(module: nn.Module) -> int:
    """Set ``use_sdpa`` on every plain espnet ``MultiHeadedAttention`` inside ``module``; returns how many."""
    n = 0
    for m in module.modules():
        if type(m) is MultiHeadedAttention:
            m.use_sdpa = True
            m.use_flash_attn = False  # the flash_attn package path takes precedence otherwise
            n += 1
    return n
