"""Tensor printing: repr/str must match PyTorch's character for character.

The big table compares `repr` with PyTorch's on the same values (skipped cleanly
without torch); the golden strings at the end pin the format without it.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

FLOATS = ("float16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
ALL_DTYPES = (*FLOATS, *INTS, "bool")
NAN, INF = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def _restore_defaults():
    """Every test starts and ends with default print options and default dtype."""
    yield
    retrograd.set_printoptions(profile="default")
    retrograd.set_default_dtype(retrograd.float32)
    if torch is not None:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)


def _pair(values: np.ndarray, dtype: str, grad: str = "") -> tuple:
    """The same values as a retrograd and a torch tensor; grad: '', 'leaf' or 'mul'."""
    arr = np.array(values, dtype="bool" if dtype == "bool" else dtype)
    r = retrograd.tensor(arr, dtype=getattr(retrograd, dtype))
    t = torch.tensor(arr, dtype=getattr(torch, dtype))
    if grad:
        r.requires_grad_(True)
        t.requires_grad_(True)
    if grad == "mul":
        r, t = r * 1, t * 1
    return r, t


def _same(r, t) -> None:
    got = repr(r).replace("retrograd.", "torch.")
    assert got == repr(t), f"\nretrograd:\n{got}\ntorch:\n{repr(t)}"
    assert str(r).replace("retrograd.", "torch.") == str(t)


# --- value makers: name -> (rng -> array) ------------------------------------------------


def _values() -> dict:
    """Named arrays covering the formatter's modes and the layout's shapes."""
    g = np.random.default_rng
    return {
        "scalar": lambda: np.array(3.25),
        "scalar_int": lambda: np.array(12.0),
        "scalar_neg_small": lambda: np.array(-1.5e-7),
        "scalar_nan": lambda: np.array(NAN),
        "scalar_zero": lambda: np.array(0.0),
        "vec1": lambda: np.array([0.5]),
        "vec": lambda: g(0).standard_normal(5),
        "mat": lambda: g(1).standard_normal((3, 4)),
        "cube": lambda: g(2).standard_normal((2, 3, 4)),
        "rank4": lambda: g(3).standard_normal((2, 2, 2, 3)),
        "rank5": lambda: g(4).standard_normal((2, 1, 2, 1, 2)),
        "ones_shape": lambda: np.full((1, 1, 1), 7.0),
        "column": lambda: g(5).standard_normal((7, 1)),
        "row": lambda: g(6).standard_normal((1, 7)),
        "integral": lambda: np.array([1.0, 2.0, -3.0, 40.0]),
        "integral_big": lambda: np.array([1e5, 2e5, -3e5]),
        "integral_sci": lambda: np.array([1.0, 2000.0]),
        "integral_1e8": lambda: np.array([123456789.0, 1.0e8]),
        "large": lambda: g(7).standard_normal((3, 3)) * 1e9,
        "small": lambda: g(8).standard_normal(6) * 1e-6,
        "ratio_999": lambda: np.array([1.5, 999.0 * 1.5]),
        "ratio_1001": lambda: np.array([1.5, 1001.0 * 1.5]),
        "min_1e-4": lambda: np.array([1e-4, 0.5]),
        "min_below": lambda: np.array([0.99e-4, 0.5]),
        "max_1e8": lambda: np.array([1e8 + 0.5, 2e8]),
        "mixed_signs": lambda: np.array([[-1.25, 3.5], [100.125, -0.001]]),
        "rounding": lambda: np.array([0.99999, 9.99996, -0.00004, 0.12345]),
        "nan_inf": lambda: np.array([1.5, NAN, INF, -INF, 0.0]),
        "only_nan": lambda: np.array([NAN, NAN]),
        "only_inf": lambda: np.array([INF, -INF, 0.0]),
        "inf_integral": lambda: np.array([INF, 2.0, -3.0]),
        "nan_sci": lambda: np.array([NAN, 1e-8, 5.0]),
        "zeros": lambda: np.zeros((2, 3)),
        "neg_zero": lambda: np.array([-0.0, 0.0, 1.0]),
        "neg_zero_only": lambda: np.array([-0.0, 0.0]),
        "huge": lambda: g(9).standard_normal((1000, 1000)),
        "huge_vec": lambda: g(10).standard_normal(2000),
        "just_over": lambda: np.arange(1001.0),
        "just_at": lambda: np.arange(1000.0),
        "huge_3d": lambda: g(11).standard_normal((3, 20, 30)),
        "huge_short_dims": lambda: g(12).standard_normal((5, 5, 50)),
        "huge_sci": lambda: np.concatenate([np.full(1000, 1.0), [1e-9], np.full(10, 3.0)]),
        "huge_hidden_sci": lambda: np.concatenate([[1.0], np.full(1000, 1e-9), [2.0]]),
        "wide": lambda: g(13).standard_normal(100),
        "wide_mat": lambda: g(14).standard_normal((3, 40)) * 100,
        "wide_cube": lambda: g(15).standard_normal((2, 2, 25)),
        "wide_ints": lambda: g(16).integers(-(10**9), 10**9, 30).astype(float),
        "ints": lambda: g(17).integers(-100, 100, (4, 5)).astype(float),
        "bytes": lambda: g(18).integers(0, 127, (3, 7)).astype(float),
        "bools": lambda: g(19).integers(0, 2, (3, 4)).astype(float),
    }


VALUES = _values()
EMPTY_SHAPES = [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0)]


def _cast(values: np.ndarray, dtype: str) -> np.ndarray | None:
    """The values in `dtype`, or None where the cast would not be meaningful."""
    finite = np.isfinite(values).all()
    if dtype in INTS or dtype == "bool":
        if not finite:
            return None
        info = np.iinfo(dtype) if dtype != "bool" else None
        v = np.trunc(values)
        if info is not None:
            if np.abs(values).max(initial=0) > 1e12:
                return None
            v = np.clip(v, info.min, info.max)
        return v.astype(dtype)
    if dtype == "float16" and np.abs(values[np.isfinite(values)]).max(initial=0) > 6e4:
        return None
    return values.astype(dtype)


def _value_cases(names: list, dtypes: tuple) -> list:
    """(name, dtype) pairs whose values the dtype can hold (no nan in int tensors...)."""
    return [
        pytest.param(name, dtype, id=f"{name}-{dtype}")
        for name in names
        for dtype in dtypes
        if _cast(VALUES[name](), dtype) is not None
    ]


@needs_torch
@pytest.mark.parametrize("name, dtype", _value_cases(list(VALUES), ALL_DTYPES))
def test_vs_torch_values(name: str, dtype: str) -> None:
    values = _cast(VALUES[name](), dtype)
    _same(*_pair(values, dtype))


@needs_torch
@pytest.mark.parametrize("shape", EMPTY_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_vs_torch_empty(shape: tuple, dtype: str, default: str) -> None:
    retrograd.set_default_dtype(getattr(retrograd, default))
    torch.set_default_dtype(getattr(torch, default))
    _same(*_pair(np.zeros(shape), dtype))


GRAD_VALUES = [
    "scalar",
    "vec",
    "mat",
    "cube",
    "integral",
    "large",
    "nan_inf",
    "huge",
    "wide",
    "wide_mat",
    "zeros",
    "scalar_nan",
]


@needs_torch
@pytest.mark.parametrize("grad", ["leaf", "mul"])
@pytest.mark.parametrize("name, dtype", _value_cases(GRAD_VALUES, FLOATS))
def test_vs_torch_grad_suffixes(name: str, dtype: str, grad: str) -> None:
    values = _cast(VALUES[name](), dtype)
    _same(*_pair(values, dtype, grad))


@needs_torch
@pytest.mark.parametrize("dtype", FLOATS)
def test_vs_torch_other_grad_fns(dtype: str) -> None:
    r, t = _pair(np.arange(6.0).reshape(2, 3), dtype, "leaf")
    _same(r.sum(), t.sum())
    _same(r.T, t.T)
    _same(r.sum(0), t.sum(0))
    _same(r.reshape(3, 2).exp(), t.reshape(3, 2).exp())
    r, t = _pair(np.zeros((0, 3)), dtype, "leaf")
    _same(r, t)
    _same(r * 1, t * 1)


@needs_torch
@pytest.mark.parametrize("linewidth", [50, 60, 70, 75, 80, 90])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_vs_torch_suffix_wrapping(linewidth: int, dtype: str) -> None:
    retrograd.set_printoptions(linewidth=linewidth)
    torch.set_printoptions(linewidth=linewidth)
    for n in range(1, 12):
        values = np.arange(n, dtype=float) * 1.5 if dtype != "int32" else np.arange(n) * 7
        _same(*_pair(values, dtype, "mul" if dtype != "int32" else ""))
        _same(*_pair(values.reshape(1, n), dtype))


OPTIONS = {
    "precision2": dict(precision=2),
    "precision0": dict(precision=0),
    "precision8": dict(precision=8),
    "threshold5": dict(threshold=5),
    "threshold0": dict(threshold=0),
    "threshold_inf": dict(threshold=float("inf")),
    "edge1": dict(edgeitems=1, threshold=10),
    "edge0": dict(edgeitems=0),
    "edge0_summarised": dict(edgeitems=0, threshold=3),
    "edge5": dict(edgeitems=5, threshold=20),
    "linewidth40": dict(linewidth=40),
    "linewidth10": dict(linewidth=10),
    "linewidth150": dict(linewidth=150),
    "short": dict(profile="short"),
    "full": dict(profile="full"),
    "full_then_precision": dict(profile="full", precision=6),
    "sci_on": dict(sci_mode=True),
    "sci_off": dict(sci_mode=False),
    "unknown_profile": dict(profile="nonsense", precision=3),
}
OPTION_VALUES = [
    "scalar",
    "vec",
    "mat",
    "cube",
    "integral",
    "integral_sci",
    "large",
    "small",
    "nan_inf",
    "only_nan",
    "zeros",
    "just_over",
    "huge_3d",
    "wide",
    "wide_mat",
    "ints",
    "bools",
    "min_below",
]


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "uint8"])
@pytest.mark.parametrize("option", OPTIONS)
def test_vs_torch_printoptions(option: str, dtype: str) -> None:
    retrograd.set_printoptions(**OPTIONS[option])
    torch.set_printoptions(**OPTIONS[option])
    assert retrograd.get_printoptions() == torch._tensor_str.get_printoptions()
    for name in OPTION_VALUES:
        values = _cast(VALUES[name](), dtype)
        if values is not None:
            _same(*_pair(values, dtype, "mul" if dtype == "float64" else ""))
    for shape in [(0,), (2, 0)]:
        _same(*_pair(np.zeros(shape), dtype))


@needs_torch
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("name", ["scalar", "vec", "mat", "integral", "zeros", "huge_3d", "ints"])
def test_vs_torch_default_float64(name: str, dtype: str) -> None:
    retrograd.set_default_dtype(retrograd.float64)
    torch.set_default_dtype(torch.float64)
    values = _cast(VALUES[name](), dtype)
    _same(*_pair(values, dtype))


@needs_torch
def test_vs_torch_python_data() -> None:
    for data in [1.5, 3, True, [1, 2, 3], [[1.0, 2.5], [3.0, 4.0]], [True, False], [1e20, 1.0], [], [[]]]:
        _same(retrograd.tensor(data), torch.tensor(data))
    retrograd.set_default_dtype(retrograd.float64)
    torch.set_default_dtype(torch.float64)
    for data in [1.5, [1.0, 2.0], [[0.1, 0.2]]]:
        _same(retrograd.tensor(data), torch.tensor(data))
        _same(retrograd.tensor(data, dtype=retrograd.float32), torch.tensor(data, dtype=torch.float32))


@needs_torch
@pytest.mark.parametrize("shape", [(), (2,), (3, 30), (0,)], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_vs_torch_dual_tensor_tangent(shape: tuple, dtype: str) -> None:
    from torch.autograd import forward_ad as tfw

    from retrograd.autograd import forward_ad as rfw

    primal = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) * 1.5
    tangent = np.full(shape, 1e-6, dtype=dtype)
    with tfw.dual_level(), rfw.dual_level():
        (r, t), (rt, tt) = _pair(primal, dtype), _pair(tangent, dtype)
        rd, td = rfw.make_dual(r, rt), tfw.make_dual(t, tt)
        _same(rd, td)
        _same(rd * 2, td * 2)


@needs_torch
def test_vs_torch_parameter_and_subclasses() -> None:
    values = np.array([[1.5, 2.0], [3.0, 4.0]], dtype=np.float32)
    r, t = _pair(values, "float32")
    _same(retrograd.nn.Parameter(r), torch.nn.Parameter(t))
    _same(retrograd.nn.Parameter(r, requires_grad=False), torch.nn.Parameter(t, requires_grad=False))

    # a subclass prints its class name (and Parameter subclasses get wrapped)
    mine = type("MyParam", (retrograd.nn.Parameter,), {"__slots__": ()})
    theirs = type("MyParam", (torch.nn.Parameter,), {})
    _same(mine(r), theirs(t))


def test_get_printoptions_defaults_and_roundtrip() -> None:
    assert retrograd.get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }
    retrograd.set_printoptions(profile="full", sci_mode=True)
    opts = retrograd.get_printoptions()
    assert opts["threshold"] == float("inf") and opts["sci_mode"] is True
    retrograd.set_printoptions(precision=1)  # sci_mode is reset to None every call
    assert retrograd.get_printoptions()["sci_mode"] is None
    retrograd.set_printoptions(**opts)
    assert retrograd.get_printoptions() == opts


# --- golden strings (no torch needed) -----------------------------------------------------

GOLDEN = [
    (lambda: retrograd.tensor([1.0, 2.0, 3.0]), "tensor([1., 2., 3.])"),
    (lambda: retrograd.tensor(12.0), "tensor(12.)"),
    (lambda: retrograd.tensor([0.1, -2.5]), "tensor([ 0.1000, -2.5000])"),
    (lambda: retrograd.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: retrograd.tensor([1.5, NAN, INF, -INF]), "tensor([1.5000,    nan,    inf,   -inf])"),
    (lambda: retrograd.tensor([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])"),
    (lambda: retrograd.tensor([True, False]), "tensor([ True, False])"),
    (lambda: retrograd.tensor([1, 2], dtype=retrograd.int32), "tensor([1, 2], dtype=retrograd.int32)"),
    (lambda: retrograd.tensor([1.0], dtype=retrograd.float64), "tensor([1.], dtype=retrograd.float64)"),
    (lambda: retrograd.zeros(0), "tensor([])"),
    (lambda: retrograd.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: retrograd.zeros(0, dtype=retrograd.int64), "tensor([], dtype=retrograd.int64)"),
    (lambda: retrograd.tensor([2.0], requires_grad=True), "tensor([2.], requires_grad=True)"),
    (lambda: retrograd.tensor([2.0], requires_grad=True) * 1, "tensor([2.], grad_fn=<MulBackward0>)"),
    (
        lambda: retrograd.arange(10.0).reshape(2, 5) * 1e6,
        "tensor([[      0., 1000000., 2000000., 3000000., 4000000.],\n"
        "        [5000000., 6000000., 7000000., 8000000., 9000000.]])",
    ),
    (lambda: retrograd.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (lambda: retrograd.zeros(2, 1, 2), "tensor([[[0., 0.]],\n\n        [[0., 0.]]])"),
]


@pytest.mark.parametrize("make, expected", GOLDEN, ids=[g[1][:40] for g in GOLDEN])
def test_golden(make, expected: str) -> None:
    assert repr(make()) == expected
    assert str(make()) == expected


def test_golden_wrapping_and_options() -> None:
    t = retrograd.arange(30.0) / 7
    assert repr(t) == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
        "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
        "        3.8571, 4.0000, 4.1429])"
    )
    retrograd.set_printoptions(precision=2, threshold=5, edgeitems=1)
    assert repr(t) == "tensor([0.00,  ..., 4.14])"
    retrograd.set_printoptions(profile="default", sci_mode=True)
    assert repr(retrograd.tensor([1.0, 2.0])) == "tensor([1.0000e+00, 2.0000e+00])"


def test_default_dtype_float64_golden() -> None:
    retrograd.set_default_dtype(retrograd.float64)
    assert repr(retrograd.tensor([1.5])) == "tensor([1.5000])"
    assert repr(retrograd.tensor([1.5], dtype=retrograd.float32)) == ("tensor([1.5000], dtype=retrograd.float32)")
    assert repr(retrograd.zeros(0, dtype=retrograd.float32)) == "tensor([], dtype=retrograd.float32)"


def test_size_and_dtype_reprs() -> None:
    assert repr(retrograd.zeros(2, 3).shape) == "retrograd.Size([2, 3])"
    assert str(retrograd.zeros(()).shape) == "retrograd.Size([])"
    assert repr(retrograd.float32) == str(retrograd.float32) == "retrograd.float32"
    assert repr(retrograd.bool) == "retrograd.bool"
    assert repr(retrograd.long) == "retrograd.int64"


def test_printing_a_large_tensor_is_fast() -> None:
    t = retrograd.zeros(1000, 1000) + 0.5
    start = time.perf_counter()
    for _ in range(20):
        repr(t)
    assert time.perf_counter() - start < 0.5


def test_non_leaf_repr_does_not_warn() -> None:
    import warnings

    y = retrograd.tensor([1.0, 2.0], requires_grad=True) * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"


def test_printing_a_huge_broadcast_view_touches_only_the_shown_entries():
    import tracemalloc

    x = retrograd.zeros(1).expand(10**6, 10**6)  # 10^12 entries, 4 bytes of memory
    y = retrograd.arange(24.0).reshape(2, 3, 4).expand(10**5, 2, 3, 4).transpose(0, 3)
    tracemalloc.start()
    try:
        text_x, text_y = repr(x), repr(y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert text_x.startswith("tensor([[0., 0., 0.,  ..., 0., 0., 0.],")
    assert "[22., 22., 22.,  ..., 22., 22., 22.]" in text_y


@pytest.mark.pytorch
def test_huge_broadcast_views_print_as_pytorch():
    torch = pytest.importorskip("torch")
    for make in (
        lambda lib: lib.zeros(1).expand(10**6, 10**6),
        lambda lib: lib.arange(24.0).reshape(2, 3, 4).expand(10**5, 2, 3, 4).transpose(0, 3),
        lambda lib: lib.arange(6).reshape(2, 3)[:, None, :].expand(2, 10**7, 3),
    ):
        assert repr(make(retrograd)) == repr(make(torch)).replace("torch.", "retrograd.")


@pytest.mark.parametrize(
    "lib", [pytest.param(retrograd, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch else [])
)
def test_cpp_node_prints_its_last_name_part(lib) -> None:
    # matrix_power(A, 0) is recorded by a C++ node with a Python class (CopyBackwards)
    a = lib.tensor([[2.0, 0.0], [0.0, 3.0]], requires_grad=True)
    y = lib.linalg.matrix_power(a, 0)
    assert repr(y) == "tensor([[1., 0.],\n        [0., 1.]], grad_fn=<CopyBackwards>)"
    assert (type(y.grad_fn).__name__, y.grad_fn.name()) == ("CopyBackwards", "torch::autograd::CopyBackwards")
    assert repr(y.grad_fn).startswith("<CopyBackwards object at 0x")
