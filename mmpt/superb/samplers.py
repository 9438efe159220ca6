"""``DistributedSamplerWrapper``: any sampler split across DDP processes (what s3prl's KS takes from catalyst).

s3prl 0.4.18's Speech Commands expert imports ``catalyst.data.sampler.DistributedSamplerWrapper`` at module
import, for multi-GPU runs of its class-balanced ``WeightedRandomSampler``. The only catalyst that modern pip
installs (21.5; later releases have metadata pip >= 24.1 rejects) does not import on Python >= 3.10
(``collections.MutableMapping``), so :func:`mmpt.superb.compat.install_catalyst_sampler` provides this class
under that name when catalyst does not import.
"""
from __future__ import annotations

from typing import Iterator, List, Optional

from torch.utils.data import Dataset, DistributedSampler, Sampler


class _Draw(Dataset):
    """The indices one pass of ``sampler`` yields, as a dataset (drawn once per epoch)."""

    def __init__(self, sampler: Sampler):
        self.sampler = sampler
        self.indices: List[int] = list(sampler)

    def __getitem__(self, position: int) -> int:
        return self.indices[position]

    def __len__(self) -> int:
        return len(self.indices)


class DistributedSamplerWrapper(DistributedSampler):
    """Each epoch, draw the wrapped sampler's indices once and give each of ``num_replicas`` processes its
    share of them (``DistributedSampler`` over the drawn positions: same length on every rank).

    As with catalyst's class, the ranks must draw the same indices: s3prl seeds every process alike.
    """

    def __init__(
        self,
        sampler: Sampler,
        num_replicas: Optional[int] = None,
        rank: Optional[int] = None,
        shuffle: bool = True,
    ):
        super().__init__(_Draw(sampler), num_replicas=num_replicas, rank=rank, shuffle=shuffle)
        self.sampler = sampler

    def __iter__(self) -> Iterator[int]:
        self.dataset = _Draw(self.sampler)
        draw = self.dataset
        return iter([draw[position] for position in super().__iter__()])
