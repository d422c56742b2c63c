"""Batched products of two dtypes fail with the message of the kernel PyTorch picks.

PyTorch's CPU bmm (which 3-D matmul reaches) names the dtypes in an order that depends on the
product's size: its loop for k·n·p < 400 expects batch1's dtype, MKL's batched gemm (a float or
complex batch2, each matrix row- or column-major) expects batch2's, and otherwise one mm per matrix
compares them. An empty product of two dtypes is zeros in batch2's dtype. A matmul of a batch with a
matrix or vector folds into one mm/mv (and takes its message) when the smaller operand requires grad
or the batch views as one matrix. A Sinkhorn loop whose cost matrix is float64 and whose marginals
are float32 meets these messages.
"""

from __future__ import annotations

import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

_DTYPES = ("float64", "float32", "int64", "float16", "complex64")
_SHAPES = [
    ((2, 3, 3), (2, 3, 1)),  # the loop
    ((2, 20, 20), (2, 20, 1)),  # k·n·p = 400: gemm or one mm per matrix
    ((2, 399, 1), (2, 1, 1)),
    ((0, 20, 20), (0, 20, 1)),  # empty
    ((2, 20, 0), (2, 0, 20)),  # nothing to sum
]


def _outcome(fn):
    try:
        r = fn()
    except RuntimeError as e:
        return str(e)
    return (str(r.dtype).split(".")[-1], tuple(r.shape))


@pytest.mark.parametrize("shapes", _SHAPES)
@pytest.mark.parametrize("d1, d2", [(d1, d2) for d1 in _DTYPES for d2 in _DTYPES if d1 != d2])
def test_bmm_of_two_dtypes(d1, d2, shapes):
    def run(m, name):
        a, b = m.ones(shapes[0], dtype=getattr(m, d1)), m.ones(shapes[1], dtype=getattr(m, d2))
        return _outcome(lambda: m.bmm(a, b) if name == "bmm" else a @ b)

    for name in ("bmm", "matmul"):
        assert run(rg, name) == run(torch, name)


def _layouts(m):
    d = m.float64
    b = m.ones(2, 20, 1)
    return {
        "strided": lambda: m.bmm(m.ones(2, 20, 40, dtype=d)[:, :, ::2], b),
        "transposed": lambda: m.bmm(m.ones(2, 20, 20, dtype=d).mT, b),
        "expanded": lambda: m.bmm(m.ones(1, 20, 20, dtype=d).expand(2, 20, 20), b),
        "b strided": lambda: m.bmm(m.ones(2, 20, 20, dtype=d), m.ones(2, 20, 3)[:, :, ::2]),
        "4-d": lambda: m.ones(2, 2, 20, 20, dtype=d) @ m.ones(2, 2, 20, 1),
        "broadcast": lambda: m.ones(2, 1, 20, 20, dtype=d) @ m.ones(1, 2, 20, 1),
    }


@pytest.mark.parametrize("case", list(_layouts(rg)))
def test_bmm_message_follows_the_layout(case):
    assert _outcome(_layouts(rg)[case]) == _outcome(_layouts(torch)[case])


@pytest.mark.parametrize("grad", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize(
    "shapes",
    [
        ((3, 3), (2, 3, 1)),
        ((3,), (2, 3, 4)),
        ((2, 3, 3), (3,)),
        ((2, 3, 3), (3, 2)),
        ((3, 4), (2, 5, 3)),
        ((4,), (2, 5, 3)),
        ((2, 3, 4), (5, 3)),
        ((20, 20), (2, 20, 1)),
    ],
)
def test_matmul_folds_as_pytorch(shapes, grad):
    def run(m, dtypes, transpose):
        a = m.ones(shapes[0], dtype=getattr(m, dtypes[0]), requires_grad=grad[0])
        b = m.ones(shapes[1], dtype=getattr(m, dtypes[1]), requires_grad=grad[1])
        if transpose:  # a batch that does not view as one matrix
            return _outcome(lambda: b.mT @ (a.mT if a.ndim > 1 else a))
        return _outcome(lambda: a @ b)

    for dtypes in (("float64", "float32"), ("float32", "float32")):
        for transpose in (False, True):
            assert run(rg, dtypes, transpose) == run(torch, dtypes, transpose)


@pytest.mark.parametrize(
    "dtypes",
    [
        ("float32", "float64", "float64"),
        ("float64", "float32", "float64"),
        ("float64", "float64", "float32"),
        ("int64", "float32", "float32"),
        ("float32", "float32", "int64"),
    ],
)
@pytest.mark.parametrize("n", [3, 20])
def test_baddbmm_and_addbmm_dtype_messages(dtypes, n):
    def run(m, name):
        i, b1, b2 = (m.ones(2, n, n, dtype=getattr(m, d)) for d in dtypes)
        fn = {"baddbmm": lambda: m.baddbmm(i, b1, b2), "addbmm": lambda: m.addbmm(i[0], b1, b2)}[name]
        return _outcome(fn)

    for name in ("baddbmm", "addbmm"):
        assert run(rg, name) == run(torch, name)


@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3, 3), (2, 3, 4), (2, 5, 3)),
        ((3, 3), (2, 3, 4), (2, 5, 3)),
        ((7,), (2, 3, 4), (2, 4, 3)),
        ((3, 5), (2, 3, 4), (3, 4, 5)),
        ((3, 3), (2, 3, 4), (2, 4, 3)),
    ],
)
def test_baddbmm_and_addbmm_check_order(shapes):
    def run(m, name, dtypes):
        i, b1, b2 = (m.ones(s, dtype=getattr(m, d)) for s, d in zip(shapes, dtypes))
        return _outcome(lambda: getattr(m, name)(i, b1, b2))

    for dtypes in (("float32", "float64", "float64"), ("float64", "float64", "float32")):
        for name in ("baddbmm", "addbmm"):
            assert run(rg, name, dtypes) == run(torch, name, dtypes)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, d: m.mm(m.ones(6, 5), m.ones(4, 3, dtype=d)),
        lambda m, d: m.mv(m.ones(6, 5), m.ones(4, dtype=d)),
        lambda m, d: m.ones(5) @ m.ones(4, 3, dtype=d),
        lambda m, d: m.ones(2, 3, 5) @ m.ones(4, dtype=d),
    ],
)
def test_mm_and_mv_check_sizes_before_dtypes(call):
    assert _outcome(lambda: call(rg, rg.float64)) == _outcome(lambda: call(torch, torch.float64))
