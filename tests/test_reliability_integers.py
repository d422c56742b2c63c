"""Integers and creation arguments: values that do not fit, division by zero, bad ranges and sizes.

Every path that stores a Python number in a tensor (tensor, as_tensor, full, full_like,
new_full, fill_, x[i] = v, masked_fill, index_fill, clamp bounds, where) refuses what does
not fit the dtype as PyTorch does; integer `%`, fmod, `//` and rounding div by zero raise;
arange/range/linspace/logspace and the size-taking factories check their arguments.
Each expected outcome is written down, so the tests run without PyTorch; with PyTorch
the same expressions are also compared with it directly.
"""

from __future__ import annotations

import pytest

import retrograd

from .reliability_compare import assert_same, run, torch

OVERFLOW = "RuntimeError: value cannot be converted to type {} without overflow"
ZERO = "RuntimeError: ZeroDivisionError"
LONG = "ValueError: Overflow when unpacking long long"
U8 = "L.zeros(3, dtype=L.uint8)"
MASK = "L.tensor([True, False, False])"

# expression -> "Type: message" it must raise, or None when it must succeed
CASES = {
    # tensor / as_tensor / new_tensor from Python data
    "L.tensor([2**63])": LONG,
    "L.tensor([-2**63 - 1])": LONG,
    "L.tensor(2**63)": LONG,
    "L.tensor([1, 2**64])": LONG,
    "L.tensor([2**63 - 1])": None,
    # one int past int64 beside others: NumPy reads float64 (it used to wrap to -2**63)
    "L.tensor([2**63, 1])": LONG,
    "L.tensor([[1], [2**63]])": LONG,
    "L.tensor([True, 2**63])": LONG,
    "L.tensor([2**63, 1], dtype=L.int32)": LONG,
    "L.tensor([2**63, 1], dtype=L.float64)": None,
    "L.tensor([2**63], dtype=L.complex64)": None,
    "L.tensor([2**63, 1], dtype=L.complex128)": None,
    "L.tensor([2**63], dtype=L.float32)": None,
    "L.tensor([1.5, 2**64])": None,
    "L.tensor([300], dtype=L.uint8)": OVERFLOW.format("uint8"),
    "L.tensor([-1], dtype=L.uint8)": None,  # wraps to 255, as in C
    "L.tensor([-256], dtype=L.uint8)": OVERFLOW.format("uint8"),
    "L.tensor([-1.0], dtype=L.uint8)": OVERFLOW.format("uint8"),
    "L.tensor(300, dtype=L.int8)": OVERFLOW.format("int8"),
    "L.tensor([40000], dtype=L.int16)": OVERFLOW.format("int16"),
    "L.tensor([float('nan')], dtype=L.int64)": OVERFLOW.format("int64"),
    "L.tensor([1e30], dtype=L.int32)": OVERFLOW.format("int32"),
    "L.tensor([1.5, 300], dtype=L.uint8)": OVERFLOW.format("uint8"),
    "L.tensor([5], dtype=L.bool)": None,
    "L.tensor([1e40], dtype=L.float32)": None,  # inf, as in PyTorch
    "L.tensor(np.array([300]), dtype=L.uint8)": None,  # arrays are cast, wrapping
    "L.as_tensor([300], dtype=L.uint8)": OVERFLOW.format("uint8"),
    # NumPy arrays inside lists: sequences to PyTorch, a 0-d one has no length
    "L.tensor([np.array(1.0), 2.0])": "TypeError: len() of unsized object",
    "L.tensor((np.array(3),), dtype=L.float32)": "TypeError: len() of unsized object",
    "L.FloatTensor([np.array(1.0), np.array(2.0)])": "TypeError: len() of unsized object",
    "L.tensor([2.0, np.array(1.0)])": None,
    "L.tensor([np.float64(1.0), 2.0])": None,
    "L.tensor([np.array([1.0]), np.array(2.0)])": "TypeError: not a sequence",
    "L.tensor([1.0, np.array([2.0])])": "TypeError: only 0-dimensional arrays can be converted to Python scalars",
    "L.tensor([np.array([1.0, 2.0]), np.array([1.0])])": "ValueError: expected sequence of length 2 at dim 1 (got 1)",
    "L.tensor([np.array([1.0, 2.0]), [3.0, 4.0]])": None,
    f"{U8}.new_tensor([300])": OVERFLOW.format("uint8"),
    # ragged and odd data
    "L.tensor([[1, 2], [3]])": "ValueError: expected sequence of length 2 at dim 1 (got 1)",
    "L.tensor([[[1], [2]], [[3], [4, 5]]])": "ValueError: expected sequence of length 1 at dim 2 (got 2)",
    "L.tensor([[1, 2], []])": "ValueError: expected sequence of length 2 at dim 1 (got 0)",
    "L.tensor([[1, 2], 3])": "TypeError: not a sequence",
    "L.tensor([[1, 2], [3, [4]]])": "TypeError: 'list' object cannot be interpreted as an integer",
    "L.tensor([1, None])": "RuntimeError: Could not infer dtype of NoneType",
    "L.tensor(None)": "RuntimeError: Could not infer dtype of NoneType",
    "L.tensor('a')": "TypeError: new(): invalid data type 'str'",
    # full / full_like / new_full / fill_ / scalar_tensor
    "L.full((2,), float('nan'), dtype=L.int64)": OVERFLOW.format("int64_t"),
    "L.full((2,), 300, dtype=L.uint8)": OVERFLOW.format("uint8_t"),
    "L.full((2,), float('inf'), dtype=L.int32)": OVERFLOW.format("int"),
    "L.full((1,), 40000, dtype=L.int16)": OVERFLOW.format("int16_t"),
    "L.full((1,), 2**63)": OVERFLOW.format("int64_t"),
    "L.full((1,), 1e300, dtype=L.float32)": OVERFLOW.format("float"),
    "L.full((1,), 1e300, dtype=L.float64)": None,
    "L.full((2,), 2.5, dtype=L.int64)": None,
    "L.full((1,), -1, dtype=L.uint8)": None,
    f"L.full_like({U8}, 300)": OVERFLOW.format("uint8_t"),
    f"L.full_like({U8}, -1)": None,
    f"{U8}.new_full((2,), 300)": OVERFLOW.format("uint8_t"),
    f"{U8}.fill_(300)": OVERFLOW.format("uint8_t"),
    f"{U8}.fill_(-1)": None,
    "L.zeros(2, dtype=L.int64).fill_(float('nan'))": OVERFLOW.format("int64_t"),
    "L.zeros(2).fill_(1e300)": OVERFLOW.format("float"),
    "L.scalar_tensor(300, dtype=L.uint8)": OVERFLOW.format("uint8_t"),
    # other scalar-into-tensor paths
    f"{U8}.masked_fill({MASK}, 300)": OVERFLOW.format("uint8_t"),
    f"{U8}.masked_fill({MASK}, -1)": None,
    f"L.zeros(3, dtype=L.int32).masked_fill({MASK}, float('nan'))": OVERFLOW.format("int"),
    f"{U8}.index_fill(0, L.tensor([0]), 300)": OVERFLOW.format("uint8_t"),
    f"L.clamp({U8}, max=300)": OVERFLOW.format("uint8_t"),
    f"L.clamp({U8}, min=-1)": None,
    "L.where(L.tensor([True]), L.zeros(1, dtype=L.uint8), 300)": OVERFLOW.format("uint8_t"),
    f"{U8} + 300": None,  # arithmetic wraps in PyTorch too
    # integer division by zero
    "L.tensor([5]) % 0": ZERO,
    "L.tensor([5]) % L.tensor([0])": ZERO,
    "L.tensor([5, 3]) % L.tensor([1, 0])": ZERO,
    "L.remainder(5, L.tensor([0]))": ZERO,
    "L.tensor([5], dtype=L.uint8) % 0": ZERO,
    "L.tensor([5], dtype=L.int8) % L.tensor([0], dtype=L.int8)": ZERO,
    "L.fmod(L.tensor([5]), 0)": ZERO,
    "L.fmod(L.tensor([5]), L.tensor([0]))": ZERO,
    "L.tensor([5]).remainder_(0)": ZERO,
    "L.tensor([5]).fmod_(0)": ZERO,
    "L.tensor([5]) // 0": ZERO,
    "L.floor_divide(L.tensor([5]), 0)": ZERO,
    "L.div(L.tensor([5]), 0, rounding_mode='floor')": ZERO,
    "L.div(L.tensor([5]), 0, rounding_mode='trunc')": ZERO,
    "L.tensor([5]).div_(0, rounding_mode='floor')": ZERO,
    "L.div(L.tensor([5]), 0)": None,  # true division gives inf
    "L.tensor([5.0]) % 0": None,  # nan
    "L.tensor([5]) % 0.0": None,
    "L.tensor([True]) % L.tensor([True])": "NotImplementedError: \"remainder_cpu\" not implemented for 'Bool'",
    "L.fmod(L.tensor([True]), L.tensor([False]))": "NotImplementedError: \"fmod_cpu\" not implemented for 'Bool'",
    "L.tensor([True]) // L.tensor([True])": "NotImplementedError: \"div_floor_cpu\" not implemented for 'Bool'",
    # ranges
    "L.arange(0, 10, -1)": "RuntimeError: upper bound and lower bound inconsistent with step sign",
    "L.arange(10, 0)": "RuntimeError: upper bound and lower bound inconsistent with step sign",
    "L.arange(0, 10, 0)": "RuntimeError: step must be nonzero",
    "L.arange(0, float('inf'))": "RuntimeError: unsupported range: 0 -> inf",
    "L.arange(0.5, float('nan'))": "RuntimeError: unsupported range: 0.5 -> nan",
    "L.arange(0, 1e20, 1)": "RuntimeError: invalid size, possible overflow?",
    "L.arange(5, 5)": None,
    "L.arange(1, 0, -0.3)": None,
    "L.range(0, 10, -1)": "RuntimeError: upper bound and lower bound inconsistent with step sign",
    "L.range(5, 4)": "RuntimeError: upper bound and lower bound inconsistent with step sign",
    "L.linspace(0, 1, -1)": "RuntimeError: number of steps must be non-negative",
    "L.logspace(0, 1, -1)": "RuntimeError: number of steps must be non-negative",
    "L.linspace(0, 1, 0)": None,
    # negative sizes
    "L.zeros(-1)": "RuntimeError: zeros: Dimension size must be non-negative.",
    "L.zeros(2, -1)": "RuntimeError: zeros: Dimension size must be non-negative.",
    "L.ones((-2,))": "RuntimeError: Trying to create tensor with negative dimension -2: [-2]",
    "L.empty(-1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.full((-1,), 1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.randn(-1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.randperm(-1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.randint(3, (-1,))": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.zeros(2).new_zeros(-1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.zeros(2).new_ones(-1)": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.zeros(2).new_empty((-1,))": "RuntimeError: Trying to create tensor with negative dimension -1: [-1]",
    "L.eye(-1)": "RuntimeError: n must be greater or equal to 0, got -1",
    "L.eye(2, -1)": "RuntimeError: m must be greater or equal to 0, got -1",
    # randint bounds
    "L.randint(5, 2, (3,))": "RuntimeError: random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
    "L.randint(0, 300, (3,), dtype=L.uint8)": "RuntimeError: to - 1 is out of bounds for unsigned char",
    "L.randint(-1, 3, (3,), dtype=L.uint8)": "RuntimeError: from is out of bounds for unsigned char",
    "L.randint(0, 2**63, (3,))": LONG,
}

SETITEM = [  # (dtype, value, expected)
    ("uint8", 300, OVERFLOW.format("uint8_t")),
    ("uint8", -1, None),
    ("uint8", 2.7, None),
    ("uint8", float("nan"), OVERFLOW.format("uint8_t")),
    ("int64", 2**63, LONG),
    ("int64", float("nan"), OVERFLOW.format("int64_t")),
    ("int64", float("inf"), OVERFLOW.format("int64_t")),
    ("int64", 1e30, OVERFLOW.format("int64_t")),
    ("float32", 1e300, OVERFLOW.format("float")),
]


def _outcome_text(expr: str) -> str | None:
    out = run(expr, retrograd)
    return None if out.error is None else f"{out.error}: {out.message}"


@pytest.mark.parametrize("expr", list(CASES))
def test_outcome(expr):
    assert _outcome_text(expr) == CASES[expr]


@pytest.mark.parametrize("expr", list(CASES))
def test_vs_torch(expr):
    if torch is None:
        pytest.skip("PyTorch not installed")
    assert_same(expr)


def _setitem_expr(dt: str, value: float) -> str:
    return f"(lambda x: (x.__setitem__(0, {value!r}), x)[1])(L.zeros(3, dtype=L.{dt}))"


@pytest.mark.parametrize(("dt", "value", "expected"), SETITEM)
def test_setitem(dt, value, expected):
    expr = _setitem_expr(dt, value).replace("nan", "float('nan')").replace("inf", "float('inf')")
    assert _outcome_text(expr) == expected
    if torch is not None:
        assert_same(expr)


def test_wrapping_values():
    assert retrograd.tensor([-1], dtype=retrograd.uint8).tolist() == [255]
    assert retrograd.zeros(2, dtype=retrograd.uint8).fill_(-1).tolist() == [255, 255]
    assert retrograd.clamp(retrograd.zeros(2, dtype=retrograd.uint8), min=-1).tolist() == [255, 255]


def test_integer_powers_with_negative_tensor_exponents_follow_pytorch():
    # PyTorch's integer kernel: 1 for a base of 1, ±1 for -1 by parity, else 0 (NumPy raises);
    # a negative Python-number exponent stays an error, as in PyTorch
    base = retrograd.tensor([-1, 2, 0, 1, -3])
    exponent = retrograd.tensor([-1, -2, 3, -5, -3])
    assert (base ** exponent).tolist() == [-1, 0, 0, 1, 0]
    assert (2 ** retrograd.tensor([-1, 2])).tolist() == [0, 4]
    assert retrograd.pow(-1, exponent).tolist() == [-1, 1, -1, -1, -1]
    assert (base.to(retrograd.int32) ** exponent.to(retrograd.int16)).dtype == retrograd.int32
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        base ** -1
    with pytest.raises(TypeError, match="exponent"):
        retrograd.pow(base, "a")
