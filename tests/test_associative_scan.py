"""`torch._higher_order_ops.associative_scan`, which Hugging Face's Mamba, FalconMamba, Jamba and
Zamba import in their selective-scan function: the inclusive scan, its pytree inputs, reverse
and dim, PyTorch's pairwise combination order (its rounding) and its argument errors."""

import numpy as np
import pytest

import retrograd as rg
from retrograd._higher_order_ops.associative_scan import associative_scan


def _linear_recurrence(left, right):
    # Mamba's combine: h_t = a_t * h_{t-1} + b_t, composed as pairs (a, b)
    return left[0] * right[0], right[0] * left[1] + right[1]


def test_cumsum_and_product():
    x = rg.arange(1.0, 8.0)
    assert associative_scan(lambda a, b: a + b, x, 0, combine_mode="generic").tolist() == [1, 3, 6, 10, 15, 21, 28]
    y = rg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert associative_scan(rg.mul, y, dim=-1, combine_mode="generic").tolist() == [[1, 2, 6], [4, 20, 120]]
    assert associative_scan(rg.add, y, 1, reverse=True, combine_mode="generic").tolist() == [[6, 5, 3], [15, 11, 6]]
    assert associative_scan(rg.add, rg.arange(5), 0, combine_mode="generic").dtype == rg.int64


def test_linear_recurrence_matches_a_loop():
    rng = np.random.default_rng(0)
    a, b = (rg.from_numpy(rng.uniform(0.5, 1.0, (2, 9, 3))) for _ in range(2))
    _, h = associative_scan(_linear_recurrence, (a, b), dim=1, combine_mode="generic")
    state, expected = rg.zeros(2, 3, dtype=rg.float64), []
    for t in range(9):
        state = a[:, t] * state + b[:, t]
        expected.append(state)
    assert h.shape == (2, 9, 3)
    np.testing.assert_allclose(h.numpy(), rg.stack(expected, 1).numpy(), rtol=1e-12)


def test_pytree_and_matrix_combine():
    x = rg.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    out = associative_scan(
        lambda p, q: {"sum": p["sum"] + q["sum"], "max": rg.maximum(p["max"], q["max"])},
        {"sum": x, "max": -x}, 0, combine_mode="generic",
    )  # fmt: skip
    assert out["sum"].tolist() == [[0, 1], [2, 4], [6, 9]] and out["max"].tolist() == [[0, -1], [0, -1], [0, -1]]
    m = rg.tensor([[[1.0, 1.0], [0.0, 1.0]]]).expand(3, 2, 2)  # products of [[1, 1], [0, 1]]: [[1, k], [0, 1]]
    assert associative_scan(rg.matmul, m, 0, combine_mode="generic")[:, 0, 1].tolist() == [1, 2, 3]


def test_gradient_flows():
    y = rg.tensor([[0.0, 1.0, 2.0]], requires_grad=True)
    associative_scan(rg.mul, y + 1, 1, combine_mode="generic").sum().backward()
    assert y.grad.tolist() == [[9, 4, 2]]  # d/dx of x0 + x0 x1 + x0 x1 x2 at (1, 2, 3)


def test_argument_errors():
    x = rg.ones(2, 3)
    with pytest.raises(ValueError, match="For combine_mode='pointwise', all input tensors need to be on CUDA or XPU"):
        associative_scan(rg.add, x, 0)
    with pytest.raises(ValueError, match="Combine_mode must either 'pointwise' or 'generic', but got foo"):
        associative_scan(rg.add, x, 0, combine_mode="foo")
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        associative_scan(rg.add, x, 2, combine_mode="generic")
    with pytest.raises(RuntimeError, match="Reverse must be a bool"):
        associative_scan(rg.add, x, 0, reverse=1, combine_mode="generic")
    with pytest.raises(ValueError, match="scan dimension > 0"):
        associative_scan(rg.add, rg.ones(0, 2), 0, combine_mode="generic")


def _results(m):
    from importlib import import_module

    scan = import_module(m.__name__ + "._higher_order_ops.associative_scan").associative_scan
    rng = np.random.default_rng(1)
    a = m.from_numpy(rng.uniform(0.3, 1.0, (2, 4, 13)).astype(np.float32))
    b = m.from_numpy(rng.standard_normal((2, 4, 13)).astype(np.float32))
    rows = []
    for n, dim, reverse in [(13, 2, False), (13, -1, True), (8, 2, False), (5, 2, True), (1, 2, False)]:
        out = scan(_linear_recurrence, (a[..., :n], b[..., :n]), dim, reverse=reverse, combine_mode="generic")
        rows.append([t.numpy().tobytes() for t in out])  # bit for bit: the same pairing order
    errors = []
    for kw in [{}, {"combine_mode": "x"}, {"dim": -3, "combine_mode": "generic"}, {"dim": 1.0}]:
        try:
            scan(m.add, a, **{"dim": 0, **kw})
        except Exception as e:  # noqa: BLE001 - comparing the exception types and messages
            errors.append((type(e).__name__, str(e)))
    return rows, errors


def test_associative_scan_vs_torch():
    torch = pytest.importorskip("torch")
    assert _results(rg) == _results(torch)
