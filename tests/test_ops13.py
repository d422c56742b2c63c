"""Errors, dtypes, in-place spellings and operators of the ops added for issue 13, against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")


def _both(fn):
    """(retrograd result or error, torch result or error) of fn(module)."""
    out = []
    for m in (rg, torch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(fn(m))
        except Exception as e:  # noqa: BLE001 - the error itself is compared
            out.append(e)
    return out


ERROR_CASES = {
    "gcd-float": lambda m: m.gcd(m.tensor([1.0]), m.tensor([2.0])),
    "gcd-bool": lambda m: m.gcd(m.tensor([True]), m.tensor([False])),
    "gcd-scalar": lambda m: m.gcd(m.tensor([4]), 2),
    "lshift-float": lambda m: m.tensor([1.0]) << 1,
    "rshift-bool-bool": lambda m: m.bitwise_right_shift(m.tensor([True]), m.tensor([True])),
    "heaviside-dtypes": lambda m: m.heaviside(m.tensor([1.0]), m.tensor([1.0], dtype=m.float64)),
    "heaviside-scalar": lambda m: m.heaviside(m.tensor([1.0]), 0.5),
    "nextafter-int": lambda m: m.nextafter(m.tensor([1]), m.tensor([2])),
    "ldexp-scalar": lambda m: m.ldexp(m.tensor([1.0]), 2),
    "frexp-int": lambda m: m.frexp(m.tensor([1])),
    "tril_indices-negative": lambda m: m.tril_indices(-1, 3),
    "tril_indices-dtype": lambda m: m.tril_indices(3, 3, dtype=m.float32),
    "vander-2d": lambda m: m.vander(m.ones(2, 2)),
    "vander-negative": lambda m: m.vander(m.ones(2), N=-1),
    "pdist-1d": lambda m: m.pdist(m.ones(3)),
    "pdist-p": lambda m: m.pdist(m.ones(3, 2), p=-1),
    "pdist-int": lambda m: m.pdist(m.ones(3, 2, dtype=m.int64)),
    "histogram-int": lambda m: m.histogram(m.tensor([1, 2]), bins=2),
    "histogram-bins": lambda m: m.histogram(m.tensor([1.0]), bins=0),
    "histogram-range": lambda m: m.histogram(m.tensor([1.0]), bins=2, range=(3.0, 1.0)),
    "histogram-nan": lambda m: m.histogram(m.tensor([1.0, float("nan")]), bins=2),
    "histogram-edge-dtype": lambda m: m.histogram(m.tensor([1.0]), m.tensor([0.0, 1.0], dtype=m.float64)),
    "histogram-weight-shape": lambda m: m.histogram(m.tensor([1.0, 2.0]), 2, weight=m.tensor([1.0])),
    "slice_scatter-shape": lambda m: m.slice_scatter(m.zeros(3, 4), m.ones(3, 3), 1, 0, 2),
    "select_scatter-index": lambda m: m.select_scatter(m.zeros(3, 4), m.ones(3), 1, 5),
    "select_scatter-shape": lambda m: m.select_scatter(m.zeros(3, 4), m.ones(4), 1, 0),
    "diagonal_scatter-shape": lambda m: m.diagonal_scatter(m.zeros(3, 4), m.ones(2), 1),
    "index_reduce-sum": lambda m: m.zeros(3, 2).index_reduce(0, m.tensor([0, 1]), m.ones(2, 2), "sum"),
    "index_reduce-index-dtype": lambda m: m.zeros(3, 2).index_reduce(0, m.tensor([0.0, 1.0]), m.ones(2, 2), "amax"),
    "index_reduce-source-dtype": lambda m: m.zeros(3, 2).index_reduce(
        0, m.tensor([0, 1]), m.ones(2, 2, dtype=m.float64), "amax"
    ),
    "index_reduce-count": lambda m: m.zeros(3, 2).index_reduce(0, m.tensor([0]), m.ones(2, 2), "amax"),
    "index_reduce-shape": lambda m: m.zeros(3, 2).index_reduce(0, m.tensor([0, 1]), m.ones(2, 1), "amax"),
    "index_reduce-range": lambda m: m.zeros(3, 2).index_reduce(0, m.tensor([0, 5]), m.ones(2, 2), "amax"),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_errors_vs_torch(name: str) -> None:
    ours, theirs = _both(ERROR_CASES[name])
    assert isinstance(theirs, Exception), theirs
    assert type(ours) is type(theirs), (ours, theirs)
    assert str(ours).replace("retrograd", "torch") == str(theirs).splitlines()[0] or str(theirs).startswith(str(ours))


VALUE_CASES = {
    "gcd-mixed-ints": lambda m: m.gcd(m.tensor([3], dtype=m.uint8), m.tensor([-6], dtype=m.int8)),
    "lcm-wraps": lambda m: m.lcm(m.tensor([100], dtype=m.int8), m.tensor([3], dtype=m.int8)),
    "shift-bool-int": lambda m: m.tensor([True, False]) << 1,
    "shift-scalar-first": lambda m: m.bitwise_left_shift(3, m.tensor([1, 2])),
    "rshift-negative": lambda m: m.tensor([-16, 16], dtype=m.int8) >> m.tensor([9, -1], dtype=m.int8),
    "lshift-wraps": lambda m: m.tensor([3], dtype=m.int8) << 7,
    "copysign-int": lambda m: m.copysign(m.tensor([1, 2], dtype=m.int8), m.tensor([-1, 1], dtype=m.int8)),
    "copysign-dtypes": lambda m: m.copysign(m.tensor([1.0], dtype=m.float16), m.tensor([-2.0], dtype=m.float64)),
    "ldexp-ints": lambda m: m.ldexp(m.tensor([1, 3], dtype=m.int8), m.tensor([2, -1])),
    "frexp-special": lambda m: m.frexp(m.tensor([0.0, float("inf"), float("nan"), -3.5])),
    "frexp-half": lambda m: m.frexp(m.tensor([1.0, 3.0], dtype=m.float16)),
    "heaviside-bool": lambda m: m.heaviside(m.tensor([True, False]), m.tensor([False, True])),
    "histogram-flat": lambda m: m.histogram(m.tensor([1.0, 1.0]), bins=2),
    "histogram-empty": lambda m: m.histogram(m.tensor([]), bins=2),
    "histogram-decreasing-edges": lambda m: m.histogram(m.tensor([1.0, 2.0]), m.tensor([2.0, 1.0, 0.0])),
    "vander-bool": lambda m: m.vander(m.tensor([True, False])),
    "vander-empty": lambda m: m.vander(m.ones(3), N=0),
    "tril_indices-empty": lambda m: m.tril_indices(0, 3),
    "triu_indices-int32": lambda m: m.triu_indices(4, 3, -2, dtype=m.int32),
    "index_reduce-int-mean": lambda m: m.ones(3, 2, dtype=m.int64).index_reduce(
        0, m.tensor([0, 2, 0]), m.tensor([[2, 3], [4, 5], [6, 7]]), "mean"
    ),
    "gcd_": lambda m: m.gcd_(m.tensor([12, 18]), m.tensor([8, 4])),
    "lcm_": lambda m: m.lcm_(m.tensor([4, 6]), m.tensor([6, 4])),
    "ldexp_": lambda m: m.ldexp_(m.tensor([1.0, 3.0]), m.tensor([2, -1])),
    "method-inplace": lambda m: m.tensor([1.0, -2.0]).copysign_(m.tensor([-1.0, 1.0])).nextafter_(m.tensor([5.0, 5.0])),
    "ilshift": lambda m: _ishift(m),
}


def _ishift(m):
    x = m.tensor([1, 2, 3])
    x <<= 2
    x >>= m.tensor([1, 0, 1])
    return x


def _arrays(result):
    if isinstance(result, tuple):
        return [a for r in result for a in _arrays(r)]
    return [(str(result.dtype).split(".")[-1], result.numpy())]


@pytest.mark.parametrize("name", list(VALUE_CASES))
def test_values_and_dtypes_vs_torch(name: str) -> None:
    ours, theirs = _both(VALUE_CASES[name])
    assert not isinstance(theirs, Exception), theirs
    assert not isinstance(ours, Exception), ours
    for (dt_a, a), (dt_b, b) in zip(_arrays(ours), _arrays(theirs)):
        assert dt_a == dt_b
        np.testing.assert_array_equal(a, b)


def test_heaviside_has_no_derivative_like_pytorch() -> None:
    y = rg.heaviside(rg.tensor([1.0, 0.0], requires_grad=True), rg.tensor([0.5]))
    assert y.grad_fn.name() == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        y.sum().backward()


def test_node_names_vs_torch() -> None:
    def names(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        z = m.zeros(3, 2, requires_grad=True) * 1
        return [
            m.copysign(x, m.tensor([-1.0, 1.0])).grad_fn.name(),
            m.copysign(x, -1.0).grad_fn.name(),
            m.nextafter(x, m.tensor([0.0, 0.0])).grad_fn.name(),
            m.ldexp(x, m.tensor([1, 2])).grad_fn.name(),
            m.frexp(x).mantissa.grad_fn.name(),
            m.slice_scatter(z, m.ones(3, 1), 1, 0, 1).grad_fn.name(),
            m.select_scatter(z, m.ones(2), 0, 0).grad_fn.name(),
            m.diagonal_scatter(z, m.ones(2)).grad_fn.name(),
        ]

    ours, theirs = _both(names)
    assert ours == theirs


def _view_program(m):
    p = m.ones(2, 3, requires_grad=True)
    q = p * 2
    v = q[:, :2]
    v.t_()
    v.mul_(m.tensor([[1.0], [10.0]]))
    w = q.unsqueeze(0) * 1
    w.squeeze_(0).transpose_(0, 1)
    w.swapaxes_(0, 1).swapdims_(1, 0).unsqueeze_(2)
    (q.sum() + (w * m.arange(6.0).reshape(3, 2, 1)).sum()).backward()
    version = w._version
    return [tuple(v.shape), tuple(w.shape), w.is_contiguous(), version, p.grad.numpy()]


def test_in_place_view_methods_vs_torch() -> None:
    ours, theirs = _both(_view_program)
    assert not isinstance(ours, Exception), ours
    assert ours[:4] == theirs[:4]
    np.testing.assert_array_equal(ours[4], theirs[4])


@pytest.mark.parametrize(
    "program",
    [
        lambda m: m.ones(2, 3, requires_grad=True).t_(),
        lambda m: m.ones(2, 3, requires_grad=True).resize_(3),
        lambda m: m.ones(2, 3).pin_memory(),
        lambda m: m.ones(2, 3, 4).t_(),
        lambda m: m.ones(2).resize_(-1),
    ],
)
def test_storage_and_view_method_errors_vs_torch(program) -> None:
    ours, theirs = _both(program)
    assert type(ours) is type(theirs) and isinstance(ours, Exception), (ours, theirs)


def test_storage_methods_vs_torch() -> None:
    def program(m):
        x = m.arange(12.0).reshape(3, 4)
        s = x.untyped_storage()
        y = m.arange(6.0)
        y.resize_(2, 2)
        z = m.arange(3.0)
        z.resize_(5)
        return [
            x[1:, 2:].storage_offset(),
            x.t().storage_offset(),
            s.nbytes(),
            len(s),
            x[1].untyped_storage().data_ptr() == s.data_ptr(),
            y.numpy().tolist(),
            tuple(z.shape),
            x.share_memory_() is x,
            x.is_pinned(),
            x.new(2, 3).shape == (2, 3) and x.new(2, 3).dtype == x.dtype,
            x.new([1, 2]).numpy().tolist(),
            tuple(x.new().shape),
            m.tensor([1, 2]).new([3]).dtype == m.int64,
        ]

    ours, theirs = _both(program)
    assert ours == theirs
