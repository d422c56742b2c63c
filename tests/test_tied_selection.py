"""topk and kthvalue among equal values: the indices PyTorch's CPU kernels report.

A vocabulary's `counts.topk(k)`, a beam's tied scores and uniform logits print the indices
that libstdc++'s partial_sort / nth_element + sort and ATen's quickselect leave, not the
first occurrences (`ops.kernels.cpu_selection` replays them). Also: the CPU order statistics
without a bool kernel raise PyTorch's errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.ops.kernels.cpu_selection import ascending_ranks

INF = float("inf")
ROWS = [[1.0, 3.0, 3.0, 2.0, 3.0, -INF, -INF], [0.0] * 7]


def test_topk_ties_take_the_nth_element_order():
    x = rg.tensor(ROWS)
    assert x.topk(3).indices.tolist() == [[2, 4, 1], [5, 4, 3]]
    assert x.topk(5, largest=False).indices.tolist() == [[6, 5, 0, 3, 4], [3, 6, 5, 4, 0]]
    assert x.topk(2, sorted=False).indices.tolist() == [[2, 4], [5, 4]]
    assert rg.zeros(2, 6).log_softmax(-1).topk(4).indices.tolist() == [[3, 5, 4, 0]] * 2


def test_topk_ties_on_the_heap_path():
    # k * 64 <= n: std::partial_sort
    h = rg.arange(200) % 3
    assert h.topk(3).indices.tolist() == [8, 5, 2]
    assert h.topk(2, largest=False).indices.tolist() == [3, 0]


def test_unsorted_topk_keeps_nth_element_order_without_ties():
    assert rg.tensor([4.0, 1.0, 7.0, 3.0, 9.0, 2.0]).topk(3, sorted=False).indices.tolist() == [2, 4, 0]


def test_kthvalue_ties_take_the_quickselect_index():
    assert rg.tensor(ROWS).kthvalue(2).indices.tolist() == [6, 4]
    assert (rg.arange(200) % 3).kthvalue(100).values.item() == 1
    assert (rg.arange(200) % 3).kthvalue(100).indices.item() == 34
    assert (rg.arange(200) % 7).kthvalue(100).indices.item() == 150


def test_nan_ties():
    n = rg.tensor([float("nan"), 1.0, float("nan"), 5.0, 5.0])
    assert n.topk(3).indices.tolist() == [0, 2, 4]
    assert n.kthvalue(4).indices.item() == 0


def test_untied_rows_keep_the_fast_order():
    x = rg.tensor([[0.3, 0.1, 0.9, 0.5]])
    assert x.topk(2).indices.tolist() == [[2, 3]]
    assert x.kthvalue(2).indices.tolist() == [0]


def test_ranks_share_equal_values_and_nans():
    a = np.array([[2.0, np.nan, -0.0, 0.0, np.nan, 1.0]])
    assert ascending_ranks(a).tolist() == [[2, 3, 0, 0, 3, 1]]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda b: b.topk(1), RuntimeError, "topk does not support bool dtypes on CPU"),
        (lambda b: b.kthvalue(1), NotImplementedError, "\"kthvalue_cpu\" not implemented for 'Bool'"),
        (lambda b: b.median(), NotImplementedError, "\"median_cpu\" not implemented for 'Bool'"),
        (lambda b: b.median(0), NotImplementedError, "\"median_out\" not implemented for 'Bool'"),
        (lambda b: b.nanmedian(0), NotImplementedError, "\"median_out\" not implemented for 'Bool'"),
    ],
)
def test_bool_order_statistics_raise(call, error, message):
    with pytest.raises(error) as info:
        call(rg.tensor([True, False, True]))
    assert str(info.value) == message


def test_bool_edge_cases_that_run_before_the_dtype_check():
    assert rg.tensor(True).kthvalue(1).values.item() is True
    assert rg.zeros(0, dtype=rg.bool).median().item() is True
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        rg.zeros(2, dtype=rg.bool).topk(5)


def _tie_heavy(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    a = rng.integers(0, int(rng.integers(1, 5)), shape).astype(dtype)
    if dtype.startswith("float"):
        a[rng.random(shape) < 0.1] = np.nan
        a[rng.random(shape) < 0.1] = -np.inf
    return a


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "uint8"])
def test_topk_and_kthvalue_indices_vs_pytorch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(1, 400))
        a = _tie_heavy(rng, (3, n, 2), dtype)
        k = int(rng.integers(1, n + 1)) if trial % 2 else max(1, n // 64)
        largest, in_order = bool(trial % 4 < 2), bool(trial % 3)
        got = rg.tensor(a).topk(k, dim=1, largest=largest, sorted=in_order)
        want = torch.tensor(a).topk(k, dim=1, largest=largest, sorted=in_order)
        assert got.indices.tolist() == want.indices.tolist(), (n, k, largest, in_order)
        kth = int(rng.integers(1, n + 1))
        assert rg.tensor(a).kthvalue(kth, 1).indices.tolist() == torch.tensor(a).kthvalue(kth, 1).indices.tolist()


def test_bool_errors_vs_pytorch():
    torch = pytest.importorskip("torch")
    calls = [lambda m, b: b.topk(1), lambda m, b: b.kthvalue(1), lambda m, b: b.median(), lambda m, b: b.median(0)]
    for call in calls:
        with pytest.raises(Exception) as want:
            call(torch, torch.tensor([True, False]))
        with pytest.raises(type(want.value)) as got:
            call(rg, rg.tensor([True, False]))
        assert str(got.value) == str(want.value)


MODE_ROW = [0, 0, 0, 0, 2, 2, 1, 0, 0, 0, 1, 1, 1, 0, 0, 2, 2, 0, 0, 1, 1, 2, 1, 1]


def test_mode_index_follows_pytorchs_unstable_sort():
    # rows longer than 16 leave std::sort's insertion sort: not the last occurrence any more
    r = rg.tensor(MODE_ROW, dtype=rg.float32).mode()
    assert (r.values.item(), r.indices.item()) == (0.0, 14)
    short = rg.tensor([1.0, 3.0, 3.0, 1.0, 1.0, 3.0]).mode()
    assert (short.values.item(), short.indices.item()) == (1.0, 4)


def test_mode_with_nan_compares_as_cpp_does():
    r = rg.tensor([float("nan"), 1.0, float("nan")]).mode()
    assert np.isnan(r.values.item()) and r.indices.item() == 0


def test_mode_indices_vs_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    for trial in range(40):
        a = _tie_heavy(rng, (3, int(rng.integers(1, 120))), "float32" if trial % 2 else "int64")
        got, want = rg.tensor(a).mode(1), torch.tensor(a).mode(1)
        assert got.indices.tolist() == want.indices.tolist()
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


# --- sort/argsort without stable=True: std::sort's order of equal values --------------------------


def test_unstable_sort_ties_take_std_sorts_order():
    # an expert id per token, argsorted to group the tokens by expert: past 16 entries std::sort's
    # partitions decide the order within each expert
    ids = rg.arange(20) % 3
    expected = [18, 3, 15, 6, 12, 9, 0, 10, 19, 16, 13, 7, 4, 1, 11, 8, 14, 5, 17, 2]
    assert ids.argsort().tolist() == expected
    assert rg.sort(ids, stable=False).indices.tolist() == expected
    descending = [2, 17, 5, 14, 8, 11, 10, 19, 16, 13, 7, 4, 1, 0, 9, 12, 6, 15, 3, 18]
    assert ids.argsort(descending=True).tolist() == descending
    assert ids.argsort(stable=True).tolist() == sorted(range(20), key=lambda i: i % 3)
    nan_row = rg.tensor([[1.0, float("nan")] * 9])
    nan_first = [9, 17, 15, 13, 11, 7, 5, 3, 1, 6, 8, 0, 10, 4, 12, 14, 2, 16]
    assert nan_row.sort(descending=True).indices.tolist() == [nan_first]


def test_unstable_sort_is_stable_where_pytorchs_is():
    # 16 entries or fewer: insertion sort; 1-d integers ascending from 32768 entries: radix sort
    assert (rg.arange(16) % 3).argsort().tolist() == [0, 3, 6, 9, 12, 15, 1, 4, 7, 10, 13, 2, 5, 8, 11, 14]
    long_ids = rg.arange(40000) % 3
    assert long_ids.argsort()[:5].tolist() == [0, 3, 6, 9, 12]
    assert rg.equal(long_ids.sort().indices, long_ids.argsort(stable=True))


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8", "bool"])
def test_unstable_sort_indices_vs_pytorch(dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for trial in range(12):
        a = _tie_heavy(rng, (3, int(rng.integers(1, 90))), dtype)
        for dim, descending in [(1, False), (1, True), (0, trial % 2 == 0)]:
            got = rg.sort(rg.tensor(a), dim, descending)
            want = torch.sort(torch.tensor(a), dim, descending)
            assert got.indices.tolist() == want.indices.tolist()
            assert rg.tensor(a).argsort(dim, descending).tolist() == want.indices.tolist()
            np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


_EMPTY_SHAPES = [(0, 3), (3, 0), (2, 0, 3), (0, 20), (20, 0)]


def _empty_sorts(m, shape, dim):
    x = m.zeros(shape)
    results = [x.sort(dim).values, x.argsort(dim), x.sort(dim, descending=True).indices, m.msort(x)]
    return [tuple(r.shape) for r in results]


@pytest.mark.parametrize("shape", _EMPTY_SHAPES)
def test_unstable_sort_of_an_empty_tensor(shape):
    # rows of nothing along another dim: the reordering step has no rows to walk
    for dim in range(len(shape)):
        assert _empty_sorts(rg, shape, dim) == [shape, shape, shape, shape]


@pytest.mark.parametrize("shape", _EMPTY_SHAPES)
def test_unstable_sort_of_an_empty_tensor_vs_pytorch(shape):
    torch = pytest.importorskip("torch")
    for dim in range(len(shape)):
        assert _empty_sorts(rg, shape, dim) == _empty_sorts(torch, shape, dim)
