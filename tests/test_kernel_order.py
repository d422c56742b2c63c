"""Kernels that round in PyTorch's CPU order: std's square root in float64, and the backwards of
mse/smooth_l1/huber (a vectorized form, and a scalar one in each loop's last elements)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _torch() -> object:
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_std_takes_its_square_root_in_float64():
    rng = np.random.default_rng(0)
    found_rounding_case = False
    for n in range(2, 300, 7):
        a = rng.standard_normal(n).astype(np.float32)
        wide = a.astype(np.float64)
        var = ((wide - wide.mean()) ** 2).sum() / (n - 1)
        assert rg.from_numpy(a).std().item() == float(np.float32(np.sqrt(var)))
        assert rg.from_numpy(a).var().item() == float(np.float32(var))
        found_rounding_case |= np.float32(np.sqrt(var)) != np.sqrt(np.float32(var))
    assert found_rounding_case  # (the data has a case where the two orders differ)
    std, mean = rg.std_mean(rg.from_numpy(np.array([[1, 2], [4, 8]], np.float32)), 0)
    assert std.tolist() == [float(np.float32(np.sqrt(4.5))), float(np.float32(np.sqrt(18.0)))]


def test_huber_backward_rounds_vector_and_tail_elements_apart():
    # 20 float32 elements: the first 16 go as vectors, norm·(±δ)·g; the last 4 as scalars, (norm·g)·δ
    # with δ a double. With norm = 1/20 and g = 1.1 the two orders give different bits.
    d = np.full(20, 2.0, np.float32)
    a = rg.from_numpy(d).requires_grad_()
    rg.nn.functional.huber_loss(a, rg.zeros(20), delta=0.7).backward(rg.tensor(1.1))
    norm, g = np.float32(1 / 20), np.float32(1.1)
    vector = norm * np.float32(0.7) * g
    scalar = np.float32(norm * g * np.float64(0.7))
    assert vector != scalar
    assert a.grad.tolist() == [float(vector)] * 16 + [float(scalar)] * 4


def test_smooth_l1_backward_divides_tails_by_a_double_beta():
    d = np.full(18, 0.1, np.float32)
    a = rg.from_numpy(d).requires_grad_()
    rg.nn.functional.smooth_l1_loss(a, rg.zeros(18), reduction="sum", beta=0.3).backward(rg.tensor(1.0))
    vector = np.float32(d[0] / np.float32(0.3))
    scalar = np.float32(np.float64(d[0]) / 0.3)
    assert a.grad.tolist() == [float(vector)] * 16 + [float(scalar)] * 2


def test_mse_backward_is_norm_times_difference_times_grad():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((2, 7, 5)).astype(np.float32)
    a = rg.from_numpy(x).requires_grad_()
    rg.nn.functional.mse_loss(a, rg.from_numpy(y)).backward(rg.tensor(0.37))
    assert np.array_equal(a.grad.numpy(), np.float32(2 / 35) * (x - y) * np.float32(0.37))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pointwise_loss_backwards_bitwise_vs_torch(dtype):
    torch = _torch()
    rng = np.random.default_rng(0)
    for trial in range(60):
        shape = tuple(rng.integers(1, 30, 2)) if trial < 57 else (int(rng.integers(33000, 70000)),)
        x, y = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
        reduction = ["mean", "sum", "none"][trial % 3]
        g = rng.standard_normal(() if reduction != "none" else shape).astype(dtype)
        for name, kwargs in [("mse_loss", {}), ("smooth_l1_loss", {"beta": 0.3}), ("huber_loss", {"delta": 0.7})]:
            grads = []
            for lib in (torch, rg):
                a = lib.from_numpy(x.copy()).requires_grad_()
                loss = getattr(lib.nn.functional, name)(a, lib.from_numpy(y), reduction=reduction, **kwargs)
                loss.backward(lib.from_numpy(np.asarray(g)))
                grads.append(a.grad.numpy())
            assert np.array_equal(grads[0], grads[1]), (name, shape, reduction)


def test_std_bitwise_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(0)
    for trial in range(200):
        shape = tuple(rng.integers(1, 40, rng.integers(1, 4)))
        a = (rng.standard_normal(shape) * rng.uniform(0.1, 10)).astype(np.float32)
        dim = None if trial % 3 == 0 else int(rng.integers(0, len(shape)))
        ours = [rg.from_numpy(a).std(dim), rg.std_mean(rg.from_numpy(a), dim)[0]]
        theirs = [torch.from_numpy(a).std(dim), torch.std_mean(torch.from_numpy(a), dim)[0]]
        for o, t in zip(ours, theirs):
            assert np.array_equal(o.numpy(), t.numpy(), equal_nan=True), (shape, dim)


def _fma32(a: np.float32, b: np.float32, c: np.float32) -> np.float32:
    return np.float32(np.float64(a) * np.float64(b) + np.float64(c))  # (exact product, one rounding)


@pytest.mark.parametrize("n", [3, 11, 13, 16, 21])
def test_two_norm_adds_as_the_lastdim_kernel(n):
    # 8 float32 lanes of squares a vector at a time, the lanes in order, then whole fours of the tail
    # (rounded squares added in order), then the rest by fused multiply-adds
    x = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    whole = n - n % 8
    lanes = np.zeros(8, np.float32)
    for start in range(0, whole, 8):
        lanes = lanes + x[start:start + 8] * x[start:start + 8]
    total = lanes[0]
    for lane in lanes[1:]:
        total = np.float32(total + lane)
    fours = whole + (n - whole) // 4 * 4
    for v in x[whole:fours]:
        total = np.float32(total + np.float32(v * v))
    for v in x[fours:]:
        total = _fma32(v, v, total)
    expected = float(np.sqrt(total))
    assert rg.linalg.vector_norm(rg.from_numpy(x)).item() == expected
    assert rg.from_numpy(np.stack([x, x])).norm(dim=1).tolist() == [expected, expected]
    assert rg.from_numpy(x).norm(keepdim=True, dim=0).shape == (1,)


def test_two_norm_bitwise_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(0)
    for trial in range(150):
        nd = int(rng.integers(1, 4))
        shape = tuple(int(s) for s in rng.integers(1, 50, nd)) if trial % 30 else (int(rng.integers(33000, 70000)),)
        dtype = np.float64 if trial % 4 == 0 else np.float32
        x = (rng.standard_normal(shape) * rng.uniform(0.01, 100)).astype(dtype)
        if dtype == np.float64 and x.shape[-1] % 4:
            x = np.concatenate([x, x[..., : 4 - x.shape[-1] % 4]], axis=-1)  # (other float64 rows are not ordered yet)
        for norm in (lambda lib, t: lib.linalg.vector_norm(t), lambda lib, t: t.norm(dim=-1, keepdim=True),
                     lambda lib, t: lib.linalg.norm(t, dim=-1)):
            ours, theirs = norm(rg, rg.from_numpy(x)), norm(torch, torch.from_numpy(x))
            assert np.array_equal(ours.numpy(), theirs.numpy()), (shape, dtype)


def test_clip_grad_norm_bitwise_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(3)
    shapes = [(32, 20), (32,), (5, 32), (5,), (40000,), (7, 3, 3)]
    grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    results = []
    for lib in (rg, torch):
        params = [lib.nn.Parameter(lib.zeros(s)) for s in shapes]
        for p, g in zip(params, grads):
            p.grad = lib.from_numpy(g.copy())
        total = lib.nn.utils.clip_grad_norm_(params, 1.0)
        results.append([total.numpy()] + [p.grad.numpy() for p in params])
    for ours, theirs in zip(*results):
        assert np.array_equal(ours, theirs)


# Layouts whose reduced dims make one contiguous block of memory: PyTorch's TensorIterator moves them
# first and merges them into one reduce dim of element stride, so its norm kernel takes the last-dim
# path as for a contiguous copy (`F.cosine_similarity(query.unsqueeze(0), embeddings)` norms an
# expanded query; a transposed matrix's column norms; a slice's rows).
NORM_LAYOUTS = {
    "expanded rows": (lambda lib, x: x[0, :1].expand(5, 37), (1,)),
    "columns of a transpose": (lambda lib, x: x[0].t(), (0,)),
    "permuted": (lambda lib, x: x.permute(2, 0, 1), (0,)),
    "two dims swapped": (lambda lib, x: x.transpose(1, 2), (1, 2)),
    "sliced rows": (lambda lib, x: x[:, :, :20], (2,)),
    "every other row": (lambda lib, x: x[:, ::2, :], (2,)),
    "float64 slice": (lambda lib, x: x.double()[:, :, :36], (2,)),
}


def _layout_norms(lib, name, x):
    make, dims = NORM_LAYOUTS[name]
    t = make(lib, lib.from_numpy(x))
    return [lib.linalg.vector_norm(t, dim=dims).numpy(), t.norm(dim=dims, keepdim=True).numpy()]


# each layout's norms, and the same rows laid out contiguously in their memory order
SAME_ROWS = {
    "expanded rows": (lambda x: x[0, :1].expand(5, 37), 1, lambda x: x[0, :1].expand(5, 37).contiguous(), 1),
    "columns of a transpose": (lambda x: x[0].t(), 0, lambda x: x[0], 1),
    "two dims swapped": (lambda x: x.transpose(1, 2), (1, 2), lambda x: x, (1, 2)),
    "sliced rows": (lambda x: x[:, :, :20], 2, lambda x: x[:, :, :20].contiguous(), 2),
}


@pytest.mark.parametrize("name", sorted(SAME_ROWS))
def test_two_norm_of_a_strided_layout_adds_in_memory_order(name):
    strided, dims, contiguous, contiguous_dims = SAME_ROWS[name]
    x = rg.from_numpy(np.random.default_rng(1).standard_normal((6, 40, 37)).astype(np.float32))
    ours = rg.linalg.vector_norm(strided(x), dim=dims).numpy()
    assert np.array_equal(ours, rg.linalg.vector_norm(contiguous(x), dim=contiguous_dims).numpy())


@pytest.mark.parametrize("name", sorted(NORM_LAYOUTS))
def test_two_norm_of_a_strided_layout_bitwise_vs_torch(name):
    torch = _torch()
    x = np.random.default_rng(2).standard_normal((6, 40, 37)).astype(np.float32)
    for ours, theirs in zip(_layout_norms(rg, name, x), _layout_norms(torch, name, x)):
        assert np.array_equal(ours, theirs)


def test_cosine_similarity_against_a_broadcast_query_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(4)
    table = rng.standard_normal((300, 16)).astype(np.float32)
    query = table[7] / np.linalg.norm(table[7])
    ours, theirs = (lib.nn.functional.cosine_similarity(lib.from_numpy(query).unsqueeze(0), lib.from_numpy(table))
                    for lib in (rg, torch))
    assert np.array_equal(ours.numpy(), theirs.numpy())
