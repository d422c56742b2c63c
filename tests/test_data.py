"""retrograd.utils.data: datasets, samplers, DataLoader batching and shuffling, collation."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
Point = collections.namedtuple("Point", ["x", "y"])


def gen(seed: int = 0) -> rg.Generator:
    return rg.Generator().manual_seed(seed)


class Squares(Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i

    def __len__(self) -> int:
        return self.n


class Stream(IterableDataset):
    def __init__(self, n: int, with_len: bool = True) -> None:
        self.n, self.with_len = n, with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self) -> int:
        if not self.with_len:
            raise TypeError("no len")
        return self.n


def values(batches) -> list:
    return [b.tolist() if isinstance(b, rg.Tensor) else b for b in batches]


# --- datasets ------------------------------------------------------------------------------------

def test_dataset_base_and_add():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__."):
        Dataset()[0]
    both = Squares(2) + Squares(3)
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 0, 1, 4]
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


def test_tensor_dataset():
    x, y = rg.arange(12.0).reshape(4, 3), rg.tensor([0, 1, 0, 1])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    xi, yi = ds[2]
    assert xi.tolist() == [6.0, 7.0, 8.0] and yi.item() == 0
    assert ds[1:3][0].shape == (2, 3)
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, rg.zeros(3))


def test_concat_dataset_indexing():
    ds = ConcatDataset([Squares(2), Squares(3), Squares(1)])
    assert ds.cumulative_sizes == [2, 5, 6] and len(ds) == 6
    assert [ds[i] for i in range(6)] == [0, 1, 0, 1, 4, 0]
    assert ds[-1] == 0 and ds[-2] == 4
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        ds[-7]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Squares(2), Stream(2)])


def test_chain_dataset_rejects_map_style():
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Squares(2)]))


def test_stack_dataset():
    tup = StackDataset(Squares(3), [10, 11, 12])
    assert len(tup) == 3 and tup[2] == (4, 12)
    named = StackDataset(a=Squares(2), b=["x", "y"])
    assert named[1] == {"a": 1, "b": "y"}
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(Squares(2), [1])
    with pytest.raises(ValueError, match="At least one dataset should be passed"):
        StackDataset()


def test_subset():
    sub = Subset(Squares(10), [9, 2, 4])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [81, 4, 16]
    assert sub.__getitems__([0, 2]) == [81, 16]
    tensors = Subset(TensorDataset(rg.arange(5)), [4, 0])
    assert tensors[[0, 1]][0].tolist() == [4, 0]  # a list index goes to the parent in one call

    class Doubled(Subset):
        def __getitem__(self, idx):
            return 2 * super().__getitem__(idx)

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Doubled(Squares(3), [0])


def test_random_split_lengths_and_reproducibility():
    parts = random_split(range(10), [3, 7], generator=gen(42))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(range(10), [3, 7], generator=gen(42))
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert [p.indices for p in random_split(range(10), [3, 7], generator=gen(7))] != [p.indices for p in parts]


def test_random_split_default_generator_follows_manual_seed():
    rg.manual_seed(3)
    a = [p.indices for p in random_split(range(8), [4, 4])]
    rg.manual_seed(3)
    assert a == [p.indices for p in random_split(range(8), [4, 4])]


def test_random_split_fractions():
    parts = random_split(range(30), [0.3, 0.3, 0.4], generator=gen(1))
    assert [len(p) for p in parts] == [9, 9, 12]
    # remainders go round-robin from the first split: floor(0.5 * 5) = 2 each, one left over
    assert [len(p) for p in random_split(range(5), [0.5, 0.5], generator=gen(1))] == [3, 2]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(1), [0.5, 0.5], generator=gen(1))
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(5), [1.5, -0.5])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        random_split(range(5), [2, 2])


# --- samplers ------------------------------------------------------------------------------------

def test_sequential_sampler():
    s = SequentialSampler(Squares(4))
    assert list(s) == [0, 1, 2, 3] and len(s) == 4
    with pytest.raises(NotImplementedError):
        iter(Sampler())


class _OldStyleSampler(Sampler):
    """A sampler written for PyTorch < 2.2, which passes `data_source` up to `Sampler`."""

    def __init__(self, data_source):
        super().__init__(data_source)


def _sampler_init_errors(sampler_class, old_style_class):
    messages = []
    for make in (lambda: sampler_class(None), lambda: old_style_class([1, 2])):
        with pytest.raises(TypeError) as info:
            make()
        messages.append(str(info.value))
    return messages


def test_sampler_base_takes_no_data_source():
    assert _sampler_init_errors(Sampler, _OldStyleSampler) == [
        "Sampler() takes no arguments",
        "object.__init__() takes exactly one argument (the instance to initialize)",
    ]


@needs_torch
def test_sampler_base_takes_no_data_source_vs_torch():
    class TorchOldStyle(torch.utils.data.Sampler):
        def __init__(self, data_source):
            super().__init__(data_source)

    ours = _sampler_init_errors(Sampler, _OldStyleSampler)
    assert ours == _sampler_init_errors(torch.utils.data.Sampler, TorchOldStyle)


def _random_sampler_seed_error(sampler_class):
    with pytest.raises(TypeError) as info:
        list(sampler_class(range(3), generator=3))
    return str(info.value)


def test_random_sampler_refuses_a_seed_for_a_generator():
    message = _random_sampler_seed_error(RandomSampler)
    assert message.startswith("randperm() received an invalid combination of arguments - got (int, generator=int)")
    assert message.endswith(
        " * (int n, *, Tensor out = None, retrograd.dtype dtype = None, retrograd.layout layout = None, "
        "retrograd.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    )


@needs_torch
def test_random_sampler_refuses_a_seed_for_a_generator_vs_torch():
    ours = _random_sampler_seed_error(RandomSampler).replace("retrograd.", "torch.")
    assert ours == _random_sampler_seed_error(torch.utils.data.RandomSampler)


def test_random_sampler_is_a_seeded_permutation():
    a = list(RandomSampler(range(20), generator=gen(5)))
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert a == list(RandomSampler(range(20), generator=gen(5)))
    g = gen(5)
    s = RandomSampler(range(20), generator=g)
    assert list(s) == a and list(s) != a  # one generator: each pass continues its stream


def test_random_sampler_without_generator_follows_manual_seed():
    rg.manual_seed(11)
    a = list(RandomSampler(range(10)))
    rg.manual_seed(11)
    assert a == list(RandomSampler(range(10)))


def test_random_sampler_num_samples_and_replacement():
    more = list(RandomSampler(range(4), num_samples=10, generator=gen()))
    assert len(more) == 10 and sorted(more[:4]) == sorted(more[4:8]) == [0, 1, 2, 3]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=100, generator=gen()))
    assert len(drawn) == 100 and set(drawn) == {0, 1, 2}
    assert len(RandomSampler(range(3), replacement=True, num_samples=7)) == 7
    assert len(RandomSampler(range(3))) == 3


@pytest.mark.parametrize("kwargs, error, message", [
    ({"replacement": 1}, TypeError, "replacement should be a boolean value, but got replacement=1"),
    ({"num_samples": 0}, ValueError, "num_samples should be a positive integer value, but got num_samples=0"),
    ({"num_samples": 2.0}, ValueError, "num_samples should be a positive integer value, but got num_samples=2.0"),
])
def test_random_sampler_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        RandomSampler(range(3), **kwargs)


def test_subset_random_sampler():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=gen(2))
    out = list(s)
    assert sorted(out) == [10, 20, 30, 40] and len(s) == 4
    assert out == list(SubsetRandomSampler([10, 20, 30, 40], generator=gen(2)))


def test_weighted_random_sampler():
    s = WeightedRandomSampler([0.0, 1.0, 3.0, 0.0], 200, generator=gen(0))
    drawn = list(s)
    assert len(drawn) == 200 and len(s) == 200 and set(drawn) == {1, 2}
    assert drawn.count(2) > drawn.count(1)
    assert s.weights.dtype == rg.float64
    unique = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=gen(0)))
    assert sorted(unique) == [0, 1, 2, 3]
    assert drawn == list(WeightedRandomSampler([0.0, 1.0, 3.0, 0.0], 200, generator=gen(0)))


@pytest.mark.parametrize("args, message", [
    (([1.0], 0), "num_samples should be a positive integer value, but got num_samples=0"),
    (([1.0], True), "num_samples should be a positive integer value, but got num_samples=True"),
    (([1.0], 2, 1), "replacement should be a boolean value, but got replacement=1"),
    (([[1.0, 2.0]], 2), r"weights should be a 1d sequence but given weights have shape \(1, 2\)"),
])
def test_weighted_random_sampler_errors(args, message):
    with pytest.raises(ValueError, match=message):
        WeightedRandomSampler(*args)


def test_batch_sampler():
    assert list(BatchSampler(SequentialSampler(range(10)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(range(10), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4 and len(BatchSampler(range(10), 3, True)) == 3
    assert len(BatchSampler(range(9), 3, False)) == 3


@pytest.mark.parametrize("batch_size, drop_last, message", [
    (0, False, "batch_size should be a positive integer value, but got batch_size=0"),
    (True, False, "batch_size should be a positive integer value, but got batch_size=True"),
    (2.0, False, "batch_size should be a positive integer value, but got batch_size=2.0"),
    (2, 1, "drop_last should be a boolean value, but got drop_last=1"),
])
def test_batch_sampler_errors(batch_size, drop_last, message):
    with pytest.raises(ValueError, match=message):
        BatchSampler(range(4), batch_size, drop_last)


# --- DataLoader ----------------------------------------------------------------------------------

def tensor_data(n: int = 10) -> TensorDataset:
    return TensorDataset(rg.arange(2.0 * n).reshape(n, 2), rg.arange(n))


def test_loader_batches_in_order():
    loader = DataLoader(tensor_data(), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    assert [tuple(x.shape) for x, _ in batches] == [(4, 2), (4, 2), (2, 2)]
    assert [y.tolist() for _, y in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].dtype == rg.float32 and batches[0][1].dtype == rg.int64


def test_loader_drop_last():
    loader = DataLoader(tensor_data(), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [y.tolist() for _, y in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_loader_default_batch_size_is_one():
    batches = list(DataLoader(Squares(3)))
    assert [b.tolist() for b in batches] == [[0], [1], [4]]


def test_loader_shuffle_is_reproducible_with_a_generator():
    def order(seed: int) -> list[int]:
        loader = DataLoader(tensor_data(20), batch_size=6, shuffle=True, generator=gen(seed))
        return [i for _, y in loader for i in y.tolist()]

    a = order(0)
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert a == order(0) and a != order(1)


def test_loader_shuffle_follows_manual_seed_and_changes_per_epoch():
    loader = DataLoader(Squares(12), batch_size=5, shuffle=True)
    rg.manual_seed(0)
    first, second = values(loader), values(loader)
    rg.manual_seed(0)
    assert values(loader) == first and values(loader) == second
    assert first != second


def test_loader_without_batching_uses_default_convert():
    ds = [np.array([1, 2], dtype=np.int32), (np.float32(2.0), "a"), 7]
    out = list(DataLoader(ds, batch_size=None))
    assert isinstance(out[0], rg.Tensor) and out[0].dtype == rg.int32
    assert isinstance(out[1], list) and out[1][0].dtype == rg.float32 and out[1][1] == "a"
    assert out[2] == 7
    assert len(DataLoader(ds, batch_size=None)) == 3


def test_loader_with_sampler_batch_sampler_and_collate_fn():
    assert values(DataLoader(Squares(5), batch_size=2, sampler=[4, 0, 2])) == [[16, 0], [4]]
    assert values(DataLoader(Squares(5), batch_sampler=[[1, 2], [4]])) == [[1, 4], [16]]
    loader = DataLoader(Squares(4), batch_size=3, collate_fn=lambda batch: sum(batch))
    assert list(loader) == [5, 9]


def test_loader_uses_getitems_when_the_dataset_has_it():
    class Batched(Squares):
        calls = 0

        def __getitems__(self, indices):
            Batched.calls += 1
            return [i * i for i in indices]

    assert values(DataLoader(Batched(5), batch_size=2)) == [[0, 1], [4, 9], [16]]
    assert Batched.calls == 3


def test_loader_iterable_dataset():
    loader = DataLoader(Stream(7), batch_size=3)
    assert values(loader) == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    dropped = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert values(dropped) == [[0, 1, 2], [3, 4, 5]] and len(dropped) == 2
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert values(DataLoader(Stream(3, with_len=False), batch_size=2)) == [[0, 1], [2]]
    with pytest.raises(TypeError):
        len(DataLoader(Stream(3, with_len=False)))


def test_loader_iterable_longer_than_its_len_warns():
    class Liar(Stream):
        def __len__(self) -> int:
            return 1

    loader = DataLoader(Liar(3), batch_size=None)
    assert len(loader) == 1
    with pytest.warns(UserWarning, match="was reported to be 1"):
        list(loader)


@pytest.mark.parametrize("kwargs, message", [
    ({"shuffle": True}, "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True"),
    ({"sampler": [0]}, r"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=\[0\]"),
    ({"batch_sampler": [[0]]}, "expected unspecified batch_sampler option"),
])
def test_loader_iterable_dataset_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(Stream(3), **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"sampler": [0], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
    ({"batch_sampler": [[0]], "batch_size": 2},
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ({"batch_sampler": [[0]], "shuffle": True}, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "drop_last": True}, "batch_sampler option is mutually exclusive"),
    ({"batch_size": None, "drop_last": True},
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    ({"num_workers": -1}, "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."),
    ({"timeout": -1}, "timeout option should be non-negative"),
    ({"prefetch_factor": 2}, "prefetch_factor option could only be specified in multiprocessing"),
    ({"num_workers": 2, "prefetch_factor": -1}, "prefetch_factor option should be non-negative"),
    ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
    ({"batch_size": 0}, "batch_size should be a positive integer value, but got batch_size=0"),
    ({"multiprocessing_context": "spawn"}, "multiprocessing_context can only be used with multi-process loading"),
])
def test_loader_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(Squares(4), **kwargs)


def test_loader_attributes_are_frozen():
    loader = DataLoader(Squares(4), batch_size=2)
    for attr in ("batch_size", "sampler", "batch_sampler", "drop_last", "dataset", "persistent_workers"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
            setattr(loader, attr, None)
    loader.num_workers = 0  # other attributes stay writable
    assert isinstance(loader.sampler, SequentialSampler) and isinstance(loader.batch_sampler, BatchSampler)
    assert isinstance(DataLoader(Squares(4), shuffle=True).sampler, RandomSampler)


def test_loader_workers_give_the_same_batches():
    serial = DataLoader(tensor_data(), batch_size=3, shuffle=True, generator=gen(9))
    workers = DataLoader(tensor_data(), batch_size=3, shuffle=True, generator=gen(9), num_workers=2,
                         persistent_workers=True, prefetch_factor=4)
    assert workers.prefetch_factor == 4 and DataLoader(Squares(2), num_workers=2).prefetch_factor == 2
    assert [y.tolist() for _, y in serial] == [y.tolist() for _, y in workers]
    # each worker reads its own copy of an iterable dataset, as in PyTorch
    assert values(DataLoader(Stream(4), batch_size=2, num_workers=2)) == [[0, 1], [0, 1], [2, 3], [2, 3]]
    assert get_worker_info() is None


def test_loader_pin_memory_warns_and_timeout_needs_workers():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        list(DataLoader(Squares(2), pin_memory=True))
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(Squares(2), timeout=1))
    assert len(list(DataLoader(Squares(2), timeout=1, num_workers=1))) == 2


def test_loader_iterator_len_and_restart():
    loader = DataLoader(Squares(5), batch_size=2)
    it = iter(loader)
    assert len(it) == 3 and iter(it) is it
    next(it)
    assert len(list(it)) == 2 and len(list(loader)) == 3


# --- collation -----------------------------------------------------------------------------------

def test_collate_tensors_stack():
    out = default_collate([rg.ones(2, 3), rg.zeros(2, 3)])
    assert out.shape == (2, 2, 3) and out[0].sum().item() == 6
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([rg.ones(2), rg.ones(3)])


def test_collate_python_numbers():
    ints = default_collate([1, 2, 3])
    assert ints.dtype == rg.int64 and ints.tolist() == [1, 2, 3]
    floats = default_collate([0.5, 1.5])
    assert floats.dtype == rg.float64  # not the default dtype: PyTorch's rule for Python floats
    assert default_collate([True, False]).dtype == rg.bool
    assert default_collate([1, 2.5]).dtype == rg.float32  # the first element picks int, then tensor() infers


def test_collate_numpy():
    arrays = default_collate([np.array([1, 2], np.int16), np.array([3, 4], np.int16)])
    assert arrays.dtype == rg.int16 and arrays.tolist() == [[1, 2], [3, 4]]
    assert default_collate([np.float32(1), np.float32(2)]).dtype == rg.float32
    assert default_collate([np.int32(1), np.int32(2)]).dtype == rg.int32
    assert default_collate([np.float64(1.5), np.float64(2)]).dtype == rg.float64
    message = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <U1"
    with pytest.raises(TypeError, match=message):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_collate_strings_and_containers():
    assert default_collate(["a", "b"]) == ["a", "b"] and default_collate([b"a", b"b"]) == [b"a", b"b"]
    pairs = default_collate([(1, "x"), (2, "y")])
    assert isinstance(pairs, list) and pairs[0].tolist() == [1, 2] and pairs[1] == ("x", "y")
    lists = default_collate([[1, 2], [3, 4]])
    assert [t.tolist() for t in lists] == [[1, 3], [2, 4]]
    dicts = default_collate([{"a": 1, "b": rg.ones(2)}, {"a": 2, "b": rg.zeros(2)}])
    assert list(dicts) == ["a", "b"] and dicts["a"].tolist() == [1, 2] and dicts["b"].shape == (2, 2)
    ordered = default_collate([collections.OrderedDict(k=1.0), collections.OrderedDict(k=2.0)])
    assert isinstance(ordered, collections.OrderedDict) and ordered["k"].dtype == rg.float64
    points = default_collate([Point(1, 0.5), Point(2, 1.5)])
    assert isinstance(points, Point) and points.x.tolist() == [1, 2] and points.y.dtype == rg.float64
    nested = default_collate([{"p": (rg.ones(1), [1])}, {"p": (rg.zeros(1), [2])}])
    assert nested["p"][0].shape == (2, 1) and nested["p"][1][0].tolist() == [1, 2]


def test_collate_errors():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found <class 'object'>"):
        default_collate([object(), object()])


def test_default_convert():
    assert default_convert(3) == 3 and default_convert("s") == "s"
    t = default_convert(np.array([1.0, 2.0], np.float32))
    assert isinstance(t, rg.Tensor) and t.dtype == rg.float32
    scalar = default_convert(np.float64(2.5))
    assert isinstance(scalar, rg.Tensor) and scalar.dtype == rg.float64
    strings = np.array(["a"])
    assert default_convert(strings) is strings
    converted = default_convert((1, np.array([1])))
    assert isinstance(converted, list) and converted[1].tolist() == [1]
    point = default_convert(Point(np.array(0), 1))
    assert isinstance(point, Point) and isinstance(point.x, rg.Tensor)
    assert default_convert({"a": np.array([2])})["a"].tolist() == [2]
    existing = rg.ones(2)
    assert default_convert(existing) is existing


COLLATE_BATCHES = [
    [1, 2],
    [0.5, 1.5],
    [True, False],
    [1, 2.5],
    [np.float32(1), np.float32(2)],
    [np.int32(1), np.int32(2)],
    [np.uint8(1), np.uint8(2)],
    [np.array([1.0], np.float16), np.array([2.0], np.float16)],
    [(1, 2.0), (3, 4.0)],
    [{"a": 1, "b": 0.5}, {"a": 2, "b": 1.5}],
]


@needs_torch
@pytest.mark.parametrize("batch", COLLATE_BATCHES, ids=range(len(COLLATE_BATCHES)))
def test_collate_dtypes_vs_torch(batch):
    from torch.utils.data import default_collate as torch_collate

    ours, theirs = default_collate(batch), torch_collate(batch)
    leaves = [(ours, theirs)]
    while leaves:
        a, b = leaves.pop()
        if isinstance(b, torch.Tensor):
            assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        elif isinstance(b, dict):
            assert list(a) == list(b)
            leaves.extend((a[k], b[k]) for k in b)
        else:
            assert type(a) is type(b) and len(a) == len(b)
            leaves.extend(zip(a, b))


def test_loader_batch_of_dicts_and_strings():
    class Records(Dataset):
        def __getitem__(self, i):
            return {"id": i, "name": f"n{i}", "x": rg.full((2,), float(i))}

        def __len__(self):
            return 3

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = next(iter(DataLoader(Records(), batch_size=3)))
    assert batch["id"].tolist() == [0, 1, 2] and batch["name"] == ["n0", "n1", "n2"]
    assert batch["x"].shape == (3, 2)


def test_dataloader_module_type_aliases():
    # `from torch.utils.data.dataloader import _collate_fn_t` (Opacus' data_loader.py, for its hints)
    from retrograd.utils.data import dataloader

    assert repr(dataloader._collate_fn_t[int]) == "collections.abc.Callable[[list[int]], typing.Any]"
    assert repr(dataloader._worker_init_fn_t) == "collections.abc.Callable[[int], None]"


def test_dataloader_module_type_aliases_vs_torch():
    theirs = pytest.importorskip("torch.utils.data.dataloader")
    from retrograd.utils.data import dataloader

    for name in ["_collate_fn_t", "_worker_init_fn_t", "_T"]:
        assert repr(getattr(dataloader, name)).replace("retrograd", "torch") == repr(getattr(theirs, name)), name
