"""DataLoader with num_workers > 0: real worker processes, same batches, errors, shutdown."""

from __future__ import annotations

import copy
import gc
import multiprocessing
import os
import pickle
import random
import time

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# Module-level datasets so the 'spawn' start method can pickle them.
class Squares(Dataset):
    def __init__(self, n: int = 10) -> None:
        self.n = n

    def __getitem__(self, i: int) -> int:
        return i * i

    def __len__(self) -> int:
        return self.n


class WhoLoads(Squares):
    """Each sample says which worker built it, with that worker's seed and pid."""

    def __getitem__(self, i: int):
        info = get_worker_info()
        return {
            "i": i,
            "id": info.id,
            "n": info.num_workers,
            "seed": info.seed,
            "pid": os.getpid(),
            "same_dataset": type(info.dataset) is WhoLoads,
            "draw": random.random(),
        }


class FailsAt(Squares):
    def __init__(self, n: int, bad: int, exc: Exception) -> None:
        super().__init__(n)
        self.bad, self.exc = bad, exc

    def __getitem__(self, i: int) -> int:
        if i == self.bad:
            raise self.exc
        return i


class NeedsTwoArgs(Exception):
    def __init__(self, a, b) -> None:
        super().__init__(a, b)


class DiesAt(Squares):
    def __getitem__(self, i: int) -> int:
        if i == 2:
            os._exit(3)
        return i


class Slow(Squares):
    def __getitem__(self, i: int) -> int:
        time.sleep(3)
        return i


class Unpicklable(Squares):
    def __getitem__(self, i: int):
        return lambda: i


class Stream(IterableDataset):
    def __init__(self, n: int, shard: bool = False) -> None:
        self.n, self.shard = n, shard

    def __iter__(self):
        info = get_worker_info()
        if not self.shard or info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class ClaimsFive(Stream):
    """An unsharded stream that reports 5 items: with two workers, 10 arrive."""

    def __len__(self) -> int:
        return 5


def ids(batches) -> list:
    return [b.tolist() if isinstance(b, rg.Tensor) else b for b in batches]


def children() -> list:
    return multiprocessing.active_children()  # also reaps finished children


def assert_dead(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


# --- same batches, same order --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_size": 3},
        {"batch_size": 3, "shuffle": True, "generator": rg.Generator().manual_seed(4)},
        {"batch_size": 4, "drop_last": True, "prefetch_factor": 1},
        {"batch_size": None},
    ],
)
def test_workers_give_the_batches_of_the_main_process(kwargs):
    data = TensorDataset(rg.arange(11.0), rg.arange(11))
    generator = kwargs.get("generator")
    state = generator.get_state() if generator is not None else None
    serial = [
        [t.tolist() for t in b] for b in DataLoader(data, **{k: v for k, v in kwargs.items() if k != "prefetch_factor"})
    ]
    if generator is not None:
        generator.set_state(state)
    parallel = [[t.tolist() for t in b] for b in DataLoader(data, num_workers=2, **kwargs)]
    assert parallel == serial


def test_shuffle_without_generator_follows_manual_seed_for_any_num_workers():
    orders = []
    for workers in (0, 2):
        rg.manual_seed(7)
        orders.append(ids(DataLoader(Squares(9), batch_size=4, shuffle=True, num_workers=workers)))
    assert orders[0] == orders[1]


def test_out_of_order_gives_every_batch_once():
    batches = ids(DataLoader(Squares(12), batch_size=2, num_workers=2, in_order=False))
    assert sorted(map(tuple, batches)) == [(i * i, (i + 1) ** 2) for i in range(0, 12, 2)]


# --- worker processes, info and seeds ------------------------------------------------------------


def test_workers_are_processes_with_info_seeds_and_init_fn():
    loader = DataLoader(
        WhoLoads(6),
        batch_size=None,
        num_workers=2,
        worker_init_fn=lambda w: random.seed(w),
        generator=rg.Generator().manual_seed(3),
    )
    samples = list(loader)
    assert [s["i"] for s in samples] == list(range(6))
    assert [s["id"] for s in samples] == [0, 1, 0, 1, 0, 1]  # round-robin, as PyTorch
    assert {s["n"] for s in samples} == {2} and all(s["same_dataset"] for s in samples)
    assert len({s["pid"] for s in samples} | {os.getpid()}) == 3
    seeds = {s["id"]: s["seed"] for s in samples}
    assert seeds[1] == seeds[0] + 1  # base seed + worker id
    # worker_init_fn ran in each worker after seeding: random.seed(worker_id) decides the draws
    assert samples[0]["draw"] == random.Random(0).random() and samples[1]["draw"] == random.Random(1).random()
    assert get_worker_info() is None
    again = list(DataLoader(WhoLoads(6), batch_size=None, num_workers=2, generator=rg.Generator().manual_seed(3)))
    assert [s["seed"] for s in again] == [s["seed"] for s in samples]


class SeedsAndNumpyDraw(Squares):
    """Each sample is its worker's seed and a draw from NumPy's global generator there."""

    def __getitem__(self, i: int):
        info = get_worker_info() or (torch and torch.utils.data.get_worker_info())  # whichever library loads
        return info.seed, int(np.random.randint(0, 2**31))


def _worker_seeds_and_numpy_draws(lib):
    loader = lib.utils.data.DataLoader(
        SeedsAndNumpyDraw(2), batch_size=None, num_workers=2, generator=lib.Generator().manual_seed(1)
    )
    return [[int(v) for v in sample] for sample in loader]


def test_worker_seed_is_a_full_range_random_draw_and_numpy_is_seeded_from_it():
    # PyTorch 2.13's numbers: the base seed is `empty((), int64).random_(generator)`, and NumPy is
    # seeded with SeedSequence([worker_id, low word, high word, 0]).generate_state(4).
    assert _worker_seeds_and_numpy_draws(rg) == [[7692698082559361259, 1206560929], [7692698082559361260, 2121757308]]


@needs_torch
def test_worker_seeds_and_numpy_draws_match_torch():
    assert _worker_seeds_and_numpy_draws(rg) == _worker_seeds_and_numpy_draws(torch)


def test_worker_info_is_frozen():
    info = DataLoader(WhoLoads(1), batch_size=None, num_workers=1)
    assert next(iter(info))["id"] == 0
    from retrograd.utils.data._worker import WorkerInfo

    w = WorkerInfo(id=0, num_workers=1, seed=5, dataset=None)
    with pytest.raises(AttributeError):
        w.id = 3


def test_iterable_dataset_is_copied_into_each_worker_and_can_shard():
    assert ids(DataLoader(Stream(5), batch_size=2, num_workers=2)) == [[0, 1], [0, 1], [2, 3], [2, 3], [4], [4]]
    sharded = ids(DataLoader(Stream(7, shard=True), batch_size=2, num_workers=2))
    assert sharded == [[0, 2], [1, 3], [4, 6], [5]]
    assert ids(DataLoader(Stream(4, shard=True), batch_size=2, num_workers=2, drop_last=True)) == [[0, 2], [1, 3]]
    assert ids(DataLoader(Stream(3), batch_size=None, num_workers=2)) == [0, 0, 1, 1, 2, 2]


@needs_torch
def test_iterable_order_vs_torch():
    class TorchStream(torch.utils.data.IterableDataset):
        def __init__(self, n, shard):
            self.n, self.shard = n, shard

        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            return iter(range(info.id, self.n, info.num_workers) if self.shard else range(self.n))

    for n, shard in ((5, False), (7, True)):
        theirs = [b.tolist() for b in torch.utils.data.DataLoader(TorchStream(n, shard), batch_size=2, num_workers=2)]
        assert ids(DataLoader(Stream(n, shard), batch_size=2, num_workers=2)) == theirs


def test_persistent_workers_keep_their_processes_across_epochs():
    loader = DataLoader(WhoLoads(4), batch_size=None, num_workers=2, persistent_workers=True)
    first = list(loader)
    it = iter(loader)
    next(it)  # leave an epoch early: the next one must not see its leftovers
    second = list(loader)
    assert [s["i"] for s in second] == [0, 1, 2, 3]
    assert {s["pid"] for s in first} == {s["pid"] for s in second}
    stream = DataLoader(Stream(3), batch_size=2, num_workers=2, persistent_workers=True)
    assert ids(stream) == ids(stream) == [[0, 1], [0, 1], [2], [2]]
    pids = [w.pid for w in loader._iterator._workers]
    del loader, it
    gc.collect()
    assert_dead(pids)


def _persistent_epochs(lib, generator):
    """Three epochs of a shuffled persistent loader, each followed by a draw from its stream."""
    lib.manual_seed(7)
    g = None if generator is None else lib.Generator().manual_seed(generator)
    data = lib.utils.data.TensorDataset(lib.arange(6.0).reshape(6, 1))
    loader = lib.utils.data.DataLoader(
        data, batch_size=2, num_workers=2, persistent_workers=True, shuffle=True, generator=g
    )
    out = []
    for _ in range(3):
        out.append([b[0][:, 0].tolist() for b in loader])
        out.append(lib.rand(2, generator=g).tolist())
    return out


@needs_torch
@pytest.mark.parametrize("generator", [None, 3])
def test_persistent_shuffled_epochs_draw_like_torch(generator):
    # PyTorch draws the workers' base seed once, when the persistent iterator is made;
    # later epochs draw only the sampler's seed.
    assert _persistent_epochs(rg, generator) == _persistent_epochs(torch, generator)


def test_persistent_workers_keep_their_base_seed():
    loader = DataLoader(WhoLoads(4), batch_size=None, num_workers=2, persistent_workers=True, shuffle=True)
    seeds = [{s["id"]: s["seed"] for s in loader} for _ in range(2)]
    assert seeds[0] == seeds[1]


def test_spawn_context_works():
    loader = DataLoader(Squares(4), batch_size=2, num_workers=1, multiprocessing_context="spawn")
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    assert ids(loader) == [[0, 1], [4, 9]]


# --- errors --------------------------------------------------------------------------------------


def spawn_unpicklable_collate(loader_class):
    """The warning and error of starting a 'spawn' worker whose collate_fn (a lambda) cannot be pickled."""
    loader = loader_class(Squares(4), num_workers=1, multiprocessing_context="spawn", collate_fn=lambda b: b)
    with pytest.warns(UserWarning) as record, pytest.raises((pickle.PicklingError, AttributeError)) as error:
        iter(loader)
    assert record[0].filename == __file__  # the user's line, not retrograd's (PyTorch names its own)
    return [str(w.message) for w in record], "<lambda>" in str(error.value)


def test_unpicklable_worker_arguments_warn_before_the_pickling_error():
    messages, names_the_lambda = spawn_unpicklable_collate(DataLoader)
    assert messages == [
        "Got pickle error when attempting to start a worker Process. This might be because the worker Process "
        "arguments are not picklable. Python 3.14+ changed the multiprocessing start method in non-Mac POSIX "
        "platforms to 'forkserver', which requires the worker Process arguments to be picklable. You can also try "
        "multiprocessing.set_start_method('fork')."
    ]
    assert names_the_lambda


@needs_torch
def test_unpicklable_worker_arguments_warning_vs_torch():
    with pytest.warns(UserWarning) as record, pytest.raises((pickle.PicklingError, AttributeError)):
        iter(
            torch.utils.data.DataLoader(
                Squares(4), num_workers=1, multiprocessing_context="spawn", collate_fn=lambda b: b
            )
        )
    assert [str(w.message) for w in record] == spawn_unpicklable_collate(DataLoader)[0]


def test_worker_exception_is_reraised_with_its_traceback():
    loader = DataLoader(FailsAt(6, 3, ValueError("bad index 3")), batch_size=2, num_workers=2)
    with pytest.raises(ValueError) as info:
        list(loader)
    msg = str(info.value)
    assert msg.startswith(
        "Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent call last):\n"
    )
    assert "in __getitem__" in msg and msg.rstrip().endswith("ValueError: bad index 3")
    del info
    with pytest.raises(KeyError) as info:  # KeyError keeps the traceback readable
        list(DataLoader(FailsAt(2, 0, KeyError("k")), num_workers=1))
    assert str(info.value).startswith("Caught KeyError in DataLoader worker process 0.\nOriginal Traceback")
    del info
    with pytest.raises(RuntimeError, match="Caught NeedsTwoArgs in DataLoader worker process 0"):
        list(DataLoader(FailsAt(2, 0, NeedsTwoArgs(1, 2)), num_workers=1))
    with pytest.raises(ZeroDivisionError, match="Caught ZeroDivisionError in DataLoader worker process 1"):
        list(DataLoader(Squares(4), num_workers=2, worker_init_fn=lambda w: 1 / (w - 1)))


@needs_torch
def test_worker_exception_message_form_vs_torch():
    class TorchFails(torch.utils.data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            if i == 3:
                raise ValueError("bad index 3")
            return i

    with pytest.raises(ValueError) as theirs:
        list(torch.utils.data.DataLoader(TorchFails(), batch_size=2, num_workers=2))
    with pytest.raises(ValueError) as ours:
        list(DataLoader(FailsAt(6, 3, ValueError("bad index 3")), batch_size=2, num_workers=2))
    first_lines = [str(e.value).splitlines()[:2] for e in (theirs, ours)]
    assert first_lines[0] == first_lines[1]
    assert str(theirs.value).splitlines()[-1] == str(ours.value).splitlines()[-1]
    del theirs, ours  # the tracebacks hold the iterators: let their workers go now


def test_iteration_continues_after_a_worker_exception():
    it = iter(DataLoader(FailsAt(4, 1, ValueError("x")), num_workers=2))
    assert next(it).tolist() == [0]
    with pytest.raises(ValueError):
        next(it)
    assert [b.tolist() for b in it] == [[2], [3]]


def test_dead_worker_is_reported():
    it = iter(DataLoader(DiesAt(4), num_workers=1))
    pids = [w.pid for w in it._workers]
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(it)
    assert_dead(pids)


def test_timeout():
    it = iter(DataLoader(Slow(2), num_workers=1, timeout=0.5))
    pids = [w.pid for w in it._workers]
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.5 seconds"):
        next(it)
    del it
    assert_dead(pids)


def test_unpicklable_batch_raises_instead_of_hanging():
    with pytest.raises(RuntimeError, match="could not send its result"):
        next(iter(DataLoader(Unpicklable(2), batch_size=None, num_workers=1, timeout=20)))


def test_bad_worker_options():
    with pytest.raises(AssertionError, match="prefetch_factor must be greater than 0"):
        iter(DataLoader(Squares(2), num_workers=1, prefetch_factor=0))
    with pytest.raises(ValueError, match=r"should specify a valid start method in \["):
        DataLoader(Squares(2), num_workers=1, multiprocessing_context="bogus")
    with pytest.raises(TypeError, match="should be a valid context object or a string"):
        DataLoader(Squares(2), num_workers=1, multiprocessing_context=3)
    with pytest.raises(ValueError, match="can only be used with multi-process loading"):
        DataLoader(Squares(2), multiprocessing_context="fork")
    ctx = multiprocessing.get_context("fork")
    assert DataLoader(Squares(2), num_workers=1, multiprocessing_context=ctx).multiprocessing_context is ctx
    with pytest.warns(UserWarning, match="no accelerator is found"):
        assert ids(DataLoader(Squares(2), num_workers=1, pin_memory=True)) == [[0], [1]]


# --- no orphaned processes -----------------------------------------------------------------------


def test_early_break_shuts_workers_down():
    loader = DataLoader(Squares(40), batch_size=2, num_workers=2)
    it = iter(loader)
    pids = [w.pid for w in it._workers]
    assert {p.pid for p in children()} >= set(pids)
    for _ in it:
        break
    del it
    assert_dead(pids)
    before = {p.pid for p in children()}
    for _ in loader:  # the common form: the for loop's own iterator goes when the loop ends
        break
    assert {p.pid for p in children()} == before


def test_error_and_exhaustion_leave_no_workers():
    it = iter(DataLoader(FailsAt(6, 2, ValueError("x")), batch_size=2, num_workers=2))
    pids = [w.pid for w in it._workers]
    try:
        list(it)
    except ValueError:
        pass
    del it  # no gc.collect(): the traceback must not keep the workers alive
    assert_dead(pids)
    it = iter(DataLoader(Squares(3), num_workers=2))
    pids = [w.pid for w in it._workers]
    list(it)  # the end of a pass stops non-persistent workers at once
    assert_dead(pids)


# --- tensors across processes --------------------------------------------------------------------


def test_tensor_pickles_its_data_once_and_copy_shares_like_torch():
    t = rg.zeros(100_000)
    assert len(pickle.dumps(t)) < 100_000 * 4 + 1000
    view = rg.arange(10.0)[::2]
    assert pickle.loads(pickle.dumps(view)).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    shallow = copy.copy(t)
    shallow[0] = 5.0
    assert t[0].item() == 5.0  # copy.copy shares data in PyTorch too
    deep = copy.deepcopy(t)
    deep[0] = 1.0
    assert t[0].item() == 5.0
    x = rg.ones(2, requires_grad=True)
    assert pickle.loads(pickle.dumps(x)).requires_grad


def test_numpy_global_rng_differs_between_workers():
    class NumpyDraw(Squares):
        def __getitem__(self, i):
            return float(np.random.rand())

    draws = [b.item() for b in DataLoader(NumpyDraw(2), num_workers=2)]
    assert draws[0] != draws[1]


def test_iterator_classes_carry_pytorchs_names():
    from retrograd.utils.data import dataloader

    assert type(iter(DataLoader(Squares(4)))).__name__ == "_SingleProcessDataLoaderIter"
    assert isinstance(iter(DataLoader(Squares(4))), dataloader._BaseDataLoaderIter)
    workers = iter(DataLoader(Squares(4), num_workers=2))
    assert type(workers) is dataloader._MultiProcessingDataLoaderIter
    del workers


@needs_torch
def test_iterator_class_names_vs_torch():
    for num_workers in (0, 2):
        ours = iter(DataLoader(Squares(4), num_workers=num_workers))
        theirs = iter(torch.utils.data.DataLoader(Squares(4), num_workers=num_workers))
        assert type(ours).__name__ == type(theirs).__name__
        assert type(ours).__mro__[1].__name__ == type(theirs).__mro__[1].__name__
        del ours, theirs


def overrun_warnings(loader_class, dataset_class):
    with pytest.warns(UserWarning) as record:
        loader = loader_class(dataset_class(5), batch_size=2, num_workers=2)
        assert len(loader) == 3
        list(loader)
    return [str(w.message).split(" object at ")[-1].split(">", 1)[-1] for w in record if "reported" in str(w.message)]


def test_unsharded_workers_overrunning_the_length_get_the_multiprocessing_hint():
    messages = overrun_warnings(DataLoader, ClaimsFive)
    assert messages == [
        " was reported to be 5(when accessing len(dataloader)), but 6 samples have been fetched. For multiprocessing "
        "data-loading, this could be caused by not properly configuring the IterableDataset replica at each worker. "
        "Please see https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples."
    ]


if torch is not None:

    class TorchClaimsFive(torch.utils.data.IterableDataset):
        """ClaimsFive for PyTorch's DataLoader (which knows only its own IterableDataset)."""

        def __init__(self, n: int) -> None:
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self) -> int:
            return 5


@needs_torch
def test_overrun_warning_vs_torch():
    assert overrun_warnings(DataLoader, ClaimsFive) == overrun_warnings(torch.utils.data.DataLoader, TorchClaimsFive)


def worker_count_warnings(loader_class, dataset, monkeypatch):
    """The warnings of a loader with more workers than usable CPUs (two here): made, then iterated."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    with pytest.warns(UserWarning) as record:
        loader = loader_class(dataset, batch_size=4, num_workers=3)
        batches = [b.tolist() for b in loader]
    return batches, [str(w.message) for w in record]


def test_more_workers_than_cpus_warns_when_made_and_when_started(monkeypatch):
    batches, messages = worker_count_warnings(DataLoader, Squares(8), monkeypatch)
    assert batches == [[0, 1, 4, 9], [16, 25, 36, 49]]
    assert messages == 2 * [
        "This DataLoader will create 3 worker processes in total. Our suggested max number of worker in current "
        "system is 2, which is smaller than what this DataLoader is going to create. Please be aware that excessive "
        "worker creation might get DataLoader running slow or even freeze, lower the worker number to avoid "
        "potential slowness/freeze if necessary."
    ]


@needs_torch
def test_worker_count_warning_vs_torch(monkeypatch):
    ours = worker_count_warnings(DataLoader, Squares(8), monkeypatch)
    assert ours == worker_count_warnings(torch.utils.data.DataLoader, Squares(8), monkeypatch)


def worker_count_warning_sites(loader_class, dataset, monkeypatch):
    """(file, count) of the worker-count warnings shown under the default filter by two loaders made
    and iterated at two places each (d2l's `load_data_fashion_mnist` and its training loops)."""
    import warnings

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("default")
        first = loader_class(dataset, batch_size=4, num_workers=3)
        second = loader_class(dataset, batch_size=4, num_workers=3)
        batches = [b.tolist() for b in first] + [b.tolist() for b in second]
    files = sorted({os.path.basename(w.filename) for w in record})
    return len(batches), files, len(record)


def test_worker_count_warning_names_the_loaders_line_so_it_shows_once_per_site(monkeypatch):
    # shown at the loader's own lines (made / workers started): two warnings, not one per user line
    assert worker_count_warning_sites(DataLoader, Squares(8), monkeypatch) == (4, ["dataloader.py"], 2)


@needs_torch
def test_worker_count_warning_sites_vs_torch(monkeypatch):
    ours = worker_count_warning_sites(DataLoader, Squares(8), monkeypatch)
    assert ours == worker_count_warning_sites(torch.utils.data.DataLoader, Squares(8), monkeypatch)
