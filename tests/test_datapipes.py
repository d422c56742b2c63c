"""`torch.utils.data.datapipes`: the DataPipe bases and `ShufflerIterDataPipe` (Accelerate imports
it when it dispatches an IterableDataset), reseeded by the DataLoader from its generator."""

import importlib

import pytest

import retrograd as rg
from retrograd.utils.data import DataLoader, IterableDataset, IterDataPipe
from retrograd.utils.data.datapipes.iter import Shuffler
from retrograd.utils.data.datapipes.iter.combinatorics import ShufflerIterDataPipe


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_shuffler_orders():
    assert Shuffler is ShufflerIterDataPipe and issubclass(ShufflerIterDataPipe, IterDataPipe)
    assert issubclass(IterDataPipe, IterableDataset)
    # Python's `random.Random(0)` picks from the buffer
    assert list(ShufflerIterDataPipe(range(6)).set_seed(0)) == [3, 4, 0, 2, 5, 1]
    rg.manual_seed(3)  # without set_seed each iterator draws its seed from the global generator
    pipe = ShufflerIterDataPipe(list(range(10)), buffer_size=4)
    assert list(pipe) == [1, 4, 3, 2, 6, 0, 5, 9, 7, 8]
    assert list(pipe) == [3, 1, 0, 4, 2, 6, 5, 8, 7, 9]
    assert len(pipe) == 10 and list(pipe.set_shuffle(False)) == list(range(10))
    assert list(ShufflerIterDataPipe(range(5), buffer_size=1)) == [0, 1, 2, 3, 4]


def test_shuffler_errors():
    with pytest.raises(AssertionError, match="buffer_size should be larger than 0"):
        ShufflerIterDataPipe(range(3), buffer_size=0)
    with pytest.raises(TypeError, match="ShufflerIterDataPipe instance doesn't have valid length"):
        len(ShufflerIterDataPipe(iter(range(3))))


def test_dataloader_reseeds_the_shuffler():
    rg.manual_seed(3)
    loader = DataLoader(ShufflerIterDataPipe(range(7), buffer_size=3), batch_size=2)
    assert [b.tolist() for b in loader] == [[0, 3], [2, 1], [5, 4], [6]]
    g = rg.Generator().manual_seed(4)
    loader = DataLoader(ShufflerIterDataPipe(range(8)), batch_size=3, generator=g)
    assert [b.tolist() for b in loader] == [[1, 5, 0], [6, 3, 7], [2, 4]]
    assert [b.tolist() for b in loader] == [[7, 3, 4], [0, 6, 5], [1, 2]]


def _loader_rows(m, workers):
    shuffler = importlib.import_module(m.__name__ + ".utils.data.datapipes.iter").Shuffler
    m.manual_seed(0)
    loader = m.utils.data.DataLoader(shuffler(range(8), buffer_size=8), batch_size=2, num_workers=workers)
    return [b.tolist() for b in loader], [b.tolist() for b in loader], m.rand(1).item()


@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_shuffler_vs_torch(workers):
    assert _loader_rows(rg, workers) == _loader_rows(_torch(), workers)


def test_shuffler_orders_vs_torch():
    torch = _torch()

    def rows(m):
        pipe = importlib.import_module(m.__name__ + ".utils.data.datapipes.iter.combinatorics").ShufflerIterDataPipe
        m.manual_seed(5)
        p = pipe(list(range(12)), buffer_size=5)
        return list(pipe(range(6)).set_seed(7)), list(p), list(p), m.rand(1).item()

    assert rows(rg) == rows(torch)
