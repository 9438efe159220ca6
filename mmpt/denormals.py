"""Subnormal floats flushed to zero on the CPU: training and decoding on CPUs at full speed.

Late in a CPU training, Adam's first moments and some weights decay into the subnormal range (|x| < 1.2e-38
in float32), where x86 arithmetic is many times slower. Measured on the study's ST model (MAE encoder +
Transformer decoder, 2 threads, one batch of 8 x 9 s): a training step with epoch 36's weights and
optimizer state took 1.67 s, against 0.56 s with subnormals flushed (and 0.57 s with epoch 2's weights), so
an unflushed CPU training slows down epoch after epoch. ``torch.set_flush_denormal(True)`` sets the FTZ and
DAZ bits of the calling thread; threads inherit them when they are created, so it must run before torch
starts its intra-op thread pool: first thing in a process's ``main``. The numerical effect is that values
below 1.2e-38 count as zero.
"""
from __future__ import annotations

import os


def flush_denormals() -> bool:
    """Flush subnormal floats to zero in this process (call before any torch computation); False where the
    CPU cannot (not x86 with SSE3) or ``MMPT_FLUSH_DENORMAL=0`` is set."""
    if os.environ.get("MMPT_FLUSH_DENORMAL", "1") == "0":
        return False
    import torch

    return bool(torch.set_flush_denormal(True))
