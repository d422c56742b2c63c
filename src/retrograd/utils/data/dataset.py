"""Datasets: map-style (`__getitem__` + `__len__`) and iterable-style (`__iter__`), and
the wrappers PyTorch has around them (tensors, subsets, concatenation, random splits)."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ..._display_name import package_class
from ...random import Generator, default_generator, randperm
from ...tensor import Tensor

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset", "ChainDataset",
    "Subset", "random_split",
]

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


class Dataset(Generic[T_co]):
    """A map-style dataset: subclasses define `__getitem__(index)` and usually `__len__`.

    `DataLoader` asks it for samples by index; `ds1 + ds2` concatenates two datasets.

    Returns:
        (Dataset): an object that maps an index to a sample.

    Examples:
        >>> from retrograd.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return retrograd.tensor(float(i)), retrograd.tensor(float(i * i))
        >>> ds = Squares()
        >>> len(ds), ds[3]
        (4, (tensor(3.), tensor(9.)))
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `type(ds)` reads `torch.utils.data.dataset.TensorDataset` under the alias

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """An iterable-style dataset: subclasses define `__iter__`, a stream of samples (no indexing, no `len`).

    A DataLoader batches the stream in order (`shuffle` and samplers do not apply); with
    workers, each worker iterates its own copy, so `__iter__` reads `get_worker_info()` to
    take only its share. `a + b` chains two of them.

    Returns:
        (IterableDataset): the dataset (subclasses take their own arguments).

    Examples:
        >>> class Count(retrograd.utils.data.IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(retrograd.utils.data.DataLoader(Count(5), batch_size=2))
        [tensor([0, 1]), tensor([2, 3]), tensor([4])]
        >>> list(Count(2) + Count(3))
        [0, 1, 0, 1, 2]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[T_co]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are rows of tensors that share their first dimension: item i is `(t[i] for t)`.

    Args:
        *tensors (Tensor): tensors with the same size in dim 0, e.g. inputs and labels.

    Returns:
        (TensorDataset): a dataset of `len(tensors[0])` samples, each a tuple of rows.

    Examples:
        >>> from retrograd.utils.data import TensorDataset
        >>> ds = TensorDataset(retrograd.tensor([[1, 2], [3, 4]]), retrograd.tensor([0, 1]))
        >>> len(ds)
        2
        >>> ds[1]
        (tensor([3, 4]), tensor(1))
    """

    tensors: tuple[Tensor, ...]

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class StackDataset(Dataset[T_co]):
    """Datasets of equal length zipped: positional args give tuples, keyword args give dicts.

    Args:
        *args (Dataset): datasets whose items form tuples.
        **kwargs (Dataset): datasets whose items form dicts, keyed by the argument names.

    Returns:
        (StackDataset): a dataset of their common length.

    Examples:
        >>> from retrograd.utils.data import StackDataset
        >>> ds = StackDataset(x=retrograd.tensor([1, 2]), y=retrograd.tensor([3, 4]))
        >>> ds[1]
        {'x': tensor(2), 'y': tensor(4)}
    """

    def __init__(self, *args: Dataset[Any], **kwargs: Dataset[Any]) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like input/output, "
                "but both types are given."
            )
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        self._length = len(parts[0])  # type: ignore[arg-type]
        if any(len(d) != self._length for d in parts):  # type: ignore[arg-type]
            raise ValueError("Size mismatch between datasets")
        self.datasets: Any = args if args else kwargs

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[T_co]):
    """Several map-style datasets one after another; index i finds its part by bisection.

    Args:
        datasets (iterable of Dataset): the map-style datasets to join, in order.

    Returns:
        (ConcatDataset): a dataset whose length is the sum of theirs.

    Examples:
        >>> from retrograd.utils.data import ConcatDataset, TensorDataset
        >>> ds = ConcatDataset([TensorDataset(retrograd.tensor([1, 2])), TensorDataset(retrograd.tensor([3]))])
        >>> len(ds)
        3
        >>> ds[2]
        (tensor(3),)
    """

    datasets: list[Dataset[T_co]]
    cumulative_sizes: list[int]

    @staticmethod
    def cumsum(sequence: Sequence[Any]) -> list[int]:
        """Running totals of the lengths: `[len(a), len(a) + len(b), ...]`."""
        return list(itertools.accumulate(len(e) for e in sequence))

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        part = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[part - 1] if part > 0 else 0
        return self.datasets[part][idx - start]


class ChainDataset(IterableDataset[T_co]):
    """Iterable datasets chained: iterates each in turn.

    Args:
        datasets (iterable of IterableDataset): the datasets to iterate, in order.

    Returns:
        (ChainDataset): an iterable dataset yielding the samples of each dataset in turn.

    Examples:
        >>> from retrograd.utils.data import ChainDataset, IterableDataset
        >>> class Count(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(ChainDataset([Count(2), Count(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[T_co]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)  # type: ignore[arg-type]
        return total


class Subset(Dataset[T_co]):
    """The items of `dataset` at `indices`, in that order.

    Args:
        dataset (Dataset): the whole dataset.
        indices (sequence of int): the indices to keep.

    Returns:
        (Subset): a dataset of `len(indices)` items.

    Examples:
        >>> from retrograd.utils.data import Subset
        >>> sub = Subset(retrograd.tensor([10, 20, 30]), [2, 0])
        >>> len(sub)
        2
        >>> sub[0]
        tensor(30)
    """

    dataset: Dataset[T_co]
    indices: Sequence[int]

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        # A subclass that changes __getitem__ alone would be bypassed by DataLoader's batched fetch.
        cls = type(self)
        if cls.__getitem__ is not Subset.__getitem__ and cls.__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{cls.__name__} overrides __getitem__ but not __getitems__. "
                "When subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\n"
                "def __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]"
            )

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        """A batch of items; uses the parent's `__getitems__` when it has one."""
        picked = [self.indices[i] for i in indices]
        batched = getattr(self.dataset, "__getitems__", None)
        if callable(batched):
            return batched(picked)
        return [self.dataset[i] for i in picked]

    def __len__(self) -> int:
        return len(self.indices)


def _fraction_lengths(total: int, fractions: Sequence[float]) -> list[int]:
    """floor(frac * total) each, then the remainder handed out one by one from the front."""
    lengths = []
    for i, frac in enumerate(fractions):
        if frac < 0 or frac > 1:
            raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        lengths.append(math.floor(total * frac))
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, n in enumerate(lengths):
        if n == 0:
            warnings.warn(
                f"Length of split at index {i} is 0. This might result in an empty dataset.", stacklevel=3
            )
    return lengths


def random_split(
    dataset: Dataset[T], lengths: Sequence[int | float], generator: Generator | None = default_generator
) -> list[Subset[T]]:
    """Split `dataset` into non-overlapping random subsets of the given lengths (or fractions
    summing to 1); pass a seeded `generator` for a reproducible split.

    Args:
        dataset (Dataset): the dataset to split.
        lengths (sequence of int or float): the subsets' lengths, summing to len(dataset), or
            fractions summing to 1 (the remainder is spread one by one from the first subset).
        generator (Generator): the random number generator of the permutation (default: the global one).

    Returns:
        list of Subset: one subset per length, together a permutation of the dataset.

    Examples:
        >>> from retrograd.utils.data import random_split
        >>> g = retrograd.Generator().manual_seed(0)
        >>> a, b = random_split(range(5), [3, 2], generator=g)
        >>> list(a), list(b)
        ([4, 0, 1], [3, 2])
        >>> [len(s) for s in random_split(range(5), [0.6, 0.4])]
        [3, 2]
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _fraction_lengths(len(dataset), lengths)  # type: ignore[arg-type]
    if sum(lengths) != len(dataset):  # type: ignore[arg-type]
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = randperm(sum(lengths), generator=generator).tolist()  # type: ignore[arg-type]
    ends = itertools.accumulate(lengths)
    return [Subset(dataset, indices[end - n : end]) for end, n in zip(ends, lengths)]  # type: ignore[misc]


package_class(Dataset)  # (its subclasses register themselves: `__init_subclass__`)
