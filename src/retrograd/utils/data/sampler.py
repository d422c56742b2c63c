"""Samplers: iterables of dataset indices (or of lists of indices, for `BatchSampler`).

Random samplers draw from a `retrograd.Generator` exactly as PyTorch's do, so after the same
`manual_seed` they give PyTorch's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any, Generic, TypeVar

from ..._display_name import package_class
from ...dtypes import float64, int64
from ...ops import as_tensor, empty
from ...random import Generator, multinomial, randint, randperm

__all__ = [
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler",
]

T_co = TypeVar("T_co", covariant=True)
_CHUNK = 32  # indices drawn per randint call when sampling with replacement, as PyTorch does


class Sampler(Generic[T_co]):
    """Base class: subclasses define `__iter__` (indices) and, when they can, `__len__`.

    As in PyTorch 2.13 it takes no arguments (its old `data_source` is gone): `Sampler(ds)` and a
    subclass's `super().__init__(ds)` raise TypeError.

    Returns:
        (Sampler): a sampler; iterate it for the indices.

    Examples:
        >>> from retrograd.utils.data import Sampler
        >>> class Evens(Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(0, self.n, 2))
        >>> list(Evens(5))
        [0, 2, 4]
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `torch.utils.data.sampler.RandomSampler` under the alias

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Indices `0, 1, ..., len(data_source) - 1` in order.

    Args:
        data_source (Sized): the dataset whose indices to give.

    Returns:
        (SequentialSampler): a sampler of the indices in order.

    Examples:
        >>> from retrograd.utils.data import SequentialSampler
        >>> list(SequentialSampler(["a", "b", "c"]))
        [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _seeded_generator(generator: Generator | None) -> Generator:
    """`generator`, or a fresh one seeded from the default generator (so `manual_seed` governs it):
    PyTorch's seed is `torch.empty((), dtype=torch.int64).random_()`."""
    if generator is not None:
        return generator
    seed = int(empty((), dtype=int64).random_().item())
    return Generator().manual_seed(seed)


class RandomSampler(Sampler[int]):
    """A random permutation of the indices, or `num_samples` draws with replacement.

    Args:
        data_source (Sized): the dataset to sample indices of.
        replacement (bool): draw with replacement (default False).
        num_samples (int, optional): how many indices to draw (default len(data_source)).
        generator (Generator, optional): the random number generator (default: the global one).

    Returns:
        (RandomSampler): a sampler of random indices.

    Examples:
        >>> from retrograd.utils.data import RandomSampler
        >>> g = retrograd.Generator().manual_seed(0)
        >>> list(RandomSampler(range(5), generator=g))
        [4, 0, 1, 3, 2]
    """

    def __init__(
        self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields (the dataset's length unless given)."""
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        gen = _seeded_generator(self.generator)
        count = self.num_samples
        if self.replacement:
            for _ in range(count // _CHUNK):
                yield from randint(0, n, (_CHUNK,), generator=gen).tolist()
            yield from randint(0, n, (count % _CHUNK,), generator=gen).tolist()
        else:
            # More samples than items: whole permutations back to back, then part of one more.
            for _ in range(count // n):
                yield from randperm(n, generator=gen).tolist()
            yield from randperm(n, generator=gen).tolist()[: count % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices in a random order.

    Args:
        indices (sequence of int): the indices to shuffle.
        generator (Generator, optional): the random number generator (default: the global one).

    Returns:
        (SubsetRandomSampler): a sampler of a random permutation of `indices`.

    Examples:
        >>> from retrograd.utils.data import SubsetRandomSampler
        >>> g = retrograd.Generator().manual_seed(0)
        >>> list(SubsetRandomSampler([10, 11, 12, 13], generator=g))
        [10, 11, 13, 12]
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """`num_samples` indices drawn with probabilities proportional to `weights` (need not sum to 1).

    Args:
        weights (sequence of float): one non-negative weight per index.
        num_samples (int): how many indices to draw.
        replacement (bool): draw with replacement (default True); without it an index is drawn at most once.
        generator (Generator, optional): the random number generator (default: the global one).

    Returns:
        (WeightedRandomSampler): a sampler of `num_samples` random indices.

    Examples:
        >>> from retrograd.utils.data import WeightedRandomSampler
        >>> g = retrograd.Generator().manual_seed(0)
        >>> list(WeightedRandomSampler([0.1, 0.0, 0.9], 5, generator=g))
        [2, 2, 2, 2, 2]
        >>> sorted(WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False, generator=g))
        [0, 1, 2]
    """

    def __init__(
        self, weights: Sequence[float], num_samples: int, replacement: bool = True,
        generator: Generator | None = None,
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights_tensor = as_tensor(weights, dtype=float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError(
                "weights should be a 1d sequence but given "
                f"weights have shape {tuple(weights_tensor.shape)}"
            )
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        drawn = multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Groups the indices of `sampler` into lists of `batch_size` (the last one shorter
    unless `drop_last`).

    Args:
        sampler (Sampler or iterable of int): where the indices come from.
        batch_size (int): how many indices per batch.
        drop_last (bool): drop the last batch when it is shorter than batch_size.

    Returns:
        (BatchSampler): a sampler that yields lists of indices.

    Examples:
        >>> from retrograd.utils.data import BatchSampler
        >>> list(BatchSampler(range(5), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
        >>> list(BatchSampler(range(5), batch_size=2, drop_last=True))
        [[0, 1], [2, 3]]
    """

    def __init__(self, sampler: Sampler[int] | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[Any] = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size


package_class(Sampler)  # (its subclasses register themselves: `__init_subclass__`)
