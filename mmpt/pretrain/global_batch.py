"""The global batch of data-parallel training: rows of every rank gathered, with gradient.

Under DistributedDataParallel each rank holds a slice of the batch. The contrastive loss (Eq. 2-3) is over
the batch: each clip must meet every other clip of the *global* batch as a negative, not only those of its
own rank (at global batch 64 on 8 GPUs: 63 negatives, not 7). :func:`gather_rows` concatenates the rows
of every rank, in rank order, through ``torch.distributed.nn.functional.all_gather``, whose backward sends
each rank the gradient every rank's loss put on its rows. Every rank then computes the same global loss;
with DDP's gradient averaging the update equals the one-process update on the global batch.

Ranks may hold different numbers of rows (espnet2 shards a batch ``batch[rank::world_size]``, and only the
samples having both modalities take part): the sizes are exchanged first, rows padded to the largest and
the padding dropped after the gather.
"""
from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F


def data_parallel_world_size() -> int:
    """Number of ranks of the default process group (1 when torch.distributed is not initialised)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


def gather_rows(x: torch.Tensor) -> torch.Tensor:
    """[N_r, D] on every rank -> [sum_r N_r, D] (rank 0's rows first), differentiable. Collective: every
    rank must call it, also with N_r = 0."""
    world = data_parallel_world_size()
    if world == 1:
        return x
    from torch.distributed.nn.functional import all_gather

    size = torch.tensor([x.size(0)], device=x.device, dtype=torch.long)
    sizes = [torch.zeros_like(size) for _ in range(world)]
    dist.all_gather(sizes, size)
    counts = [int(s) for s in sizes]
    longest = max(counts)
    if longest == 0:
        return x
    padded = F.pad(x, (0, 0, 0, longest - x.size(0)))
    parts = all_gather(padded)
    return torch.cat([p[:n] for p, n in zip(parts, counts)])
