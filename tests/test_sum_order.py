"""float32/float64 sums in the order of PyTorch's CPU sum kernel (engine/sum_order.py).

The expectations are spelled out: a slow reference written from the order's description (plain
loops over NumPy scalars, every addition rounded to the dtype) and PyTorch's own printed values;
the comparisons with PyTorch cover shapes, dims, layouts and thread counts.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrograd
from retrograd.engine import sum_order

from .torch_machine import assert_pytorch_bits

# --- a slow reference, from the description in sum_order's docstring -------------------------


def _ref_cascade(terms, dtype):
    n = len(terms)
    power = max(4, (n - 1).bit_length() // 4 if n > 1 else 0)
    step = 1 << power
    acc = [np.zeros_like(terms[0]) for _ in range(4)] if n else []
    if not n:
        return None
    i = 0
    while i + step <= n:
        for _ in range(step):
            acc[0] = (acc[0] + terms[i]).astype(dtype)
            i += 1
        for j in range(1, 4):
            acc[j] = (acc[j] + acc[j - 1]).astype(dtype)
            acc[j - 1] = np.zeros_like(acc[j - 1])
            if i & ((step - 1) << (j * power)):
                break
    while i < n:
        acc[0] = (acc[0] + terms[i]).astype(dtype)
        i += 1
    for j in range(1, 4):
        acc[0] = (acc[0] + acc[j]).astype(dtype)
    return acc[0]


def _ref_row_sum(terms, dtype, lanes_shape=()):
    n = len(terms)
    fours = n // 4
    if fours:
        parts = _ref_cascade([np.stack(terms[4 * i : 4 * i + 4]) for i in range(fours)], dtype)
    else:
        parts = np.zeros((4, *lanes_shape), dtype)
    first = parts[0]
    for t in terms[4 * fours :]:
        first = (first + t).astype(dtype)
    return ((first + parts[1]).astype(dtype) + parts[2]).astype(dtype) + parts[3]


def _ref_inner(row):
    dtype = row.dtype
    width = 32 // dtype.itemsize
    n = len(row)
    if n < width:
        return _ref_row_sum([np.asarray(v) for v in row], dtype)
    vectors = n // width
    lanes = _ref_row_sum([row[k * width : (k + 1) * width] for k in range(vectors)], dtype, (width,))
    total = dtype.type(0)
    for v in list(row[vectors * width :]) + list(lanes):
        total = dtype.type(total + v)
    return total


def _ref_full(flat, threads):
    if threads <= 1 or flat.size <= 32768:
        return _ref_inner(flat)
    parts = min(threads, -(-flat.size // 32768))
    size = -(-flat.size // parts)
    sums = [_ref_inner(flat[b : b + size]) for b in range(0, flat.size, size)]
    return _ref_inner(np.array(sums + [0.0] * (threads - len(sums)), flat.dtype))


# --- expectations without PyTorch --------------------------------------------------------------


def test_pytorchs_printed_sums_of_a_repeated_tenth():
    # PyTorch 2.13 prints 9.999999046325684 and 0.10000000894069672 (a float64 sum rounded once
    # gives 10.000000149011612 and 0.10000000149011612)
    assert retrograd.full((100,), 0.1).sum().item() == 9.999999046325684
    assert retrograd.full((1000,), 0.1).mean().item() == 0.10000000894069672


@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 16, 31, 33, 100, 257, 1000, 4097])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_full_sum_follows_the_described_order(n, dtype):
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 1000).astype(dtype)
    assert sum_order.reduce(a, (0,)) == _ref_inner(a)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_sum_over_the_grain_is_split_among_the_threads(threads):
    a = (np.random.default_rng(0).standard_normal(70001) * 100).astype(np.float32)
    before = retrograd.get_num_threads()
    retrograd.set_num_threads(threads)
    try:
        assert sum_order.reduce(a, (0,)) == _ref_full(a, threads)
    finally:
        retrograd.set_num_threads(before)


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 70), cols=st.integers(1, 70), seed=st.integers(0, 2**16), f64=st.booleans())
def test_sums_along_and_across_rows_follow_the_described_order(rows, cols, seed, f64):
    dtype = np.float64 if f64 else np.float32
    a = (np.random.default_rng(seed).standard_normal((rows, cols)) * 100).astype(dtype)
    np.testing.assert_array_equal(sum_order.reduce(a, (1,)), [_ref_inner(r) for r in a])
    if cols == 1:  # (one column is one run of memory: a sum along it)
        np.testing.assert_array_equal(sum_order.reduce(a, (0,)), [_ref_inner(a[:, 0])])
        return
    width = 32 // a.itemsize
    group = 4 * width if cols >= width else 4
    grouped = cols // group * group
    across = [_ref_cascade(list(a[:, j]), dtype) for j in range(grouped)]
    across += [_ref_row_sum(list(a[:, j]), dtype) for j in range(grouped, cols)]
    np.testing.assert_array_equal(sum_order.reduce(a, (0,)), np.array(across, dtype))


def test_a_sum_of_negative_zeros_is_positive_zero():
    total = retrograd.tensor([-0.0] * 20).sum()
    assert total.item() == 0.0 and np.signbit(total.numpy()) == False  # noqa: E712


def test_arrays_it_does_not_follow_are_left_to_the_wide_sum():
    a = np.ones((3, 4, 5, 6), np.float32)
    assert sum_order.reduce(a[..., ::2], (1,)) is None  # gaps, and no loop dim along memory
    assert sum_order.reduce(a.astype(np.float16), (0,)) is None
    np.testing.assert_array_equal(retrograd.from_numpy(a[..., ::2]).sum(1).numpy(), np.full((3, 5, 3), 4.0, np.float32))


def test_size_one_dims_and_layouts_keep_their_place():
    a = np.arange(24, dtype=np.float32).reshape(2, 1, 3, 4)
    np.testing.assert_array_equal(sum_order.reduce(a, (1,)), a[:, 0])
    np.testing.assert_array_equal(sum_order.reduce(a, (0, 2)), a.sum((0, 2)))  # (small integers: exact)
    f_order = np.asfortranarray(a)
    np.testing.assert_array_equal(sum_order.reduce(f_order, (3,)), a.sum(3))


# --- against PyTorch ---------------------------------------------------------------------------

_SHAPES = [(5,), (40,), (1000,), (40000,), (3, 7), (32, 128), (256, 512), (1000, 4), (64, 100), (7, 9, 11),
           (8, 16, 32), (2, 3, 4, 5), (16, 8, 5, 5), (33, 128), (50, 1000), (64, 3, 300), (200, 3, 70)]


@settings(max_examples=80, deadline=None)
@given(shape=st.lists(st.sampled_from([1, 2, 3, 5, 8, 9, 16, 17, 33, 40]), min_size=1, max_size=4),
       seed=st.integers(0, 2**16), data=st.data())
def test_any_layout_and_dims_match_pytorch_vs_torch(shape, seed, data):
    torch = _torch()
    rng = np.random.default_rng(seed)
    perm = data.draw(st.permutations(range(len(shape))))
    dims = tuple(sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1))))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    base = (rng.standard_normal([shape[p] for p in perm]) * 100).astype(dtype)
    a = base.transpose(np.argsort(perm))
    np.testing.assert_array_equal(retrograd.from_numpy(a).sum(dims).numpy(), torch.from_numpy(a).sum(dims).numpy())


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("shape", _SHAPES, ids=str)
def test_sums_over_every_set_of_dims_match_pytorch_bit_for_bit_vs_torch(shape):
    torch = _torch()
    rng = np.random.default_rng(len(shape) * 1000 + shape[-1])
    for k in range(1, len(shape) + 1):
        for dims in itertools.combinations(range(len(shape)), k):
            for dtype in (np.float32, np.float64):
                a = (rng.standard_normal(shape) * 100).astype(dtype)
                ours = retrograd.from_numpy(a).sum(dims).numpy()
                np.testing.assert_array_equal(ours, torch.from_numpy(a).sum(dims).numpy(), err_msg=f"{dims} {dtype}")


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_split_sums_match_pytorch_at_each_thread_count_vs_torch(threads):
    torch = _torch()
    rng = np.random.default_rng(threads)
    before, torch_before = retrograd.get_num_threads(), torch.get_num_threads()
    retrograd.set_num_threads(threads)
    torch.set_num_threads(threads)
    try:
        for shape, dims in [((70001,), (0,)), ((400, 129), (0,)), ((3, 500, 65), (1,)), ((1000, 100), (0,)),
                            ((129, 400), (1,)), ((250, 4, 333), (0, 1))]:
            a = (rng.standard_normal(shape) * 10).astype(np.float32)
            for view in (a, np.ascontiguousarray(a.T).T):
                np.testing.assert_array_equal(retrograd.from_numpy(view).sum(dims).numpy(),
                                              torch.from_numpy(view).sum(dims).numpy())
    finally:
        retrograd.set_num_threads(before)
        torch.set_num_threads(torch_before)


def test_bias_gradients_and_mean_losses_match_pytorch_bit_for_bit_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(3)
    x_np = rng.standard_normal((64, 20)).astype(np.float32)
    w_np, b_np = rng.standard_normal((300, 20)).astype(np.float32), rng.standard_normal(300).astype(np.float32)
    target = rng.standard_normal((64, 300)).astype(np.float32)
    grads = []
    for lib in (retrograd, torch):
        w, b = lib.tensor(w_np, requires_grad=True), lib.tensor(b_np, requires_grad=True)
        loss = lib.nn.functional.mse_loss(lib.nn.functional.linear(lib.tensor(x_np), w, b), lib.tensor(target))
        loss.backward()
        grads.append((loss.item(), b.grad.numpy().copy(), w.grad.numpy().copy()))
    (ours_loss, ours_b, _), (theirs_loss, theirs_b, _) = grads
    assert_pytorch_bits(ours_loss, theirs_loss)
    assert_pytorch_bits(ours_b, theirs_b)


def test_a_sum_with_a_dtype_adds_the_converted_elements_in_its_order():
    a = (np.random.default_rng(8).standard_normal(1000) * 100).astype(np.float32)
    total = retrograd.from_numpy(a).sum(dtype=retrograd.float64)
    assert total.dtype == retrograd.float64
    assert total.item() == _ref_inner(a.astype(np.float64))


def test_sums_with_a_dtype_match_pytorch_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(9)
    for shape, dims in [((1000,), (0,)), ((7, 143), (1,)), ((143, 7), (0,)), ((300, 40), (0,))]:
        a = (rng.standard_normal(shape) * 100).astype(np.float32)
        for source in (a, a.astype(np.float16), (a * 10).astype(np.int64), a.astype(np.float64)):
            for name in ("float32", "float64"):
                ours = retrograd.from_numpy(source).sum(dims, dtype=getattr(retrograd, name)).numpy()
                theirs = torch.from_numpy(source).sum(dims, dtype=getattr(torch, name)).numpy()
                np.testing.assert_array_equal(ours, theirs)


def test_views_with_gaps_along_a_run_of_memory_match_pytorch_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(10)
    base = (rng.standard_normal((70, 90)) * 100).astype(np.float32)
    views = [base[:, :33], base[:40, 5:77], base[::2], base[:, ::3], base[3:50:2, 1:60], base.T[:, :33]]
    for view in views:
        for dims in ((0,), (1,), (0, 1)):
            ours = sum_order.reduce(view, dims)
            if ours is None:  # (orders not followed go to the float64 sum; these must be followed)
                assert view.strides[0] != 4 and view.strides[1] != 4, (view.strides, dims)
                continue
            theirs = torch.from_numpy(view).sum(dims).numpy()
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{view.strides} {dims}")


def test_a_strided_run_is_summed_as_pytorch_sums_it():
    a = (np.random.default_rng(11).standard_normal(40) * 100).astype(np.float32)[::2]
    assert sum_order.reduce(a, (0,)) == _ref_row_sum([np.asarray(v) for v in a], np.dtype(np.float32))


def test_binary_cross_entropy_mean_is_its_sum_over_the_count():
    # PyTorch reduces the elementwise losses with `mean`: the sum, then one division
    rng = np.random.default_rng(12)
    p = retrograd.tensor(rng.uniform(0.01, 0.99, 157).astype(np.float32))
    t = retrograd.tensor((rng.random(157) < 0.5).astype(np.float32))
    F = retrograd.nn.functional
    mean = F.binary_cross_entropy(p, t).item()
    assert mean == (F.binary_cross_entropy(p, t, reduction="sum") / 157).item()


def test_mean_reduced_losses_match_pytorch_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(13)
    x, y = (rng.standard_normal(231).astype(np.float32) for _ in range(2))
    p = rng.uniform(0.01, 0.99, 231).astype(np.float32)
    for name, args in [("mse_loss", (x, y)), ("l1_loss", (x, y)), ("smooth_l1_loss", (x, y)),
                       ("huber_loss", (x, y)), ("poisson_nll_loss", (x, p)), ("gaussian_nll_loss", (x, y, p))]:
        ours = getattr(retrograd.nn.functional, name)(*map(retrograd.from_numpy, args)).item()
        theirs = getattr(torch.nn.functional, name)(*map(torch.from_numpy, args)).item()
        assert ours == theirs, name


def test_nansum_and_nanmean_add_in_the_sums_order_with_nans_as_zero():
    rng = np.random.default_rng(3)  # NumPy's pairwise nansum gives 2829.20751953125 here
    a = (rng.standard_normal(1000) * 100).astype(np.float32)
    a[rng.random(1000) < 0.2] = np.nan
    zeroed = np.where(np.isnan(a), np.float32(0), a)
    assert retrograd.from_numpy(a).nansum().item() == _ref_inner(zeroed) == 2829.2080078125
    count = int((~np.isnan(a)).sum())
    assert retrograd.from_numpy(a).nanmean().item() == np.float32(_ref_inner(zeroed) / np.float32(count))
    # a column mean of a feature table with gaps (the nanmean that imputes them): PyTorch's printed bits
    col = np.array([90.5, np.nan, 1e-3, 77.25, np.nan, 3.0, 1e5, 0.11, 1.7, 2.9] * 7, dtype=np.float32)
    assert retrograd.from_numpy(col).nanmean().item() == 12521.9326171875  # NumPy's: 12521.931640625


def test_nansum_and_nanmean_match_pytorch_bit_for_bit_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(12)
    for shape in [(50, 3), (37, 27, 9), (1000,), (129, 65)]:
        for dtype in (np.float32, np.float64):
            base = (rng.standard_normal(shape) * 100).astype(dtype)
            base[rng.random(shape) < 0.2] = np.nan
            for a in (base, np.ascontiguousarray(base.T).T):
                for dims in [None, 0, -1, (0, -1)][: 4 if len(shape) > 1 else 2]:
                    for op in ("nansum", "nanmean"):
                        ours = getattr(retrograd.from_numpy(a), op)(dims).numpy()
                        np.testing.assert_array_equal(ours, getattr(torch.from_numpy(a), op)(dims).numpy())
