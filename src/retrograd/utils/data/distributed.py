"""DistributedSampler: each rank's share of a dataset's indices, as PyTorch assigns them.

With `shuffle`, the permutation comes from a Generator seeded with `seed + epoch` (call
`set_epoch` each epoch), so every rank draws the same permutation and takes every
`num_replicas`-th index from its rank on; the list is padded by wrapping around (or cut, with
`drop_last`) so every rank gets the same number of samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sized
from typing import Any

from ... import distributed as dist
from ...random import Generator, randperm
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler[int]):
    """The indices of rank `rank` of `num_replicas` (by default the default process group's).

    Args:
        dataset (Sized): the dataset to split between the processes.
        num_replicas (int, optional): how many processes (default: the process group's world size).
        rank (int, optional): this process's rank (default: its rank in the process group).
        shuffle (bool): shuffle the indices, the same way in every process (default True).
        seed (int): the shuffle's seed, the same in every process (default 0).
        drop_last (bool): drop the tail so that every rank gets the same count; else pad by
            repeating indices from the start (default False).

    Returns:
        (DistributedSampler): a sampler yielding every num_replicas-th index from rank on; call
            `set_epoch(epoch)` each epoch to reshuffle.

    Examples:
        >>> from retrograd.utils.data import DistributedSampler
        >>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
        [1, 3, 0]
    """

    def __init__(
        self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None, shuffle: bool = True,
        seed: int = 0, drop_last: bool = False,
    ) -> None:  # fmt: skip
        if num_replicas is None or rank is None:
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
        if num_replicas is None:
            num_replicas = dist.get_world_size()
        if rank is None:
            rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if self.drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices: list[Any] = randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            if padding <= len(indices):
                indices += indices[:padding]
            else:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size
        mine = indices[self.rank : self.total_size : self.num_replicas]
        assert len(mine) == self.num_samples
        return iter(mine)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use this epoch's shuffle: call at the start of each epoch, before iterating."""
        self.epoch = epoch
