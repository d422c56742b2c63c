"""`t + x` with an x that is no tensor, number or array follows Python's operator protocol.

PyTorch's operators turn a TypeError into NotImplemented, so Python tries x's reflected method
(`x.__radd__(t)`) and otherwise raises its own "unsupported operand type(s)". The functions
(`torch.add(t, x)`) raise PyTorch's TypeError naming the op. A Fraction or a Decimal is no
operand either: PyTorch's argument parser takes Python's and NumPy's numbers only.
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction

import numpy as np
import pytest

import retrograd as rg


class Reflecting:
    """A user type that knows how to combine with a tensor from the right."""

    def __radd__(self, other):
        return ("radd", type(other).__name__)

    def __rsub__(self, other):
        return ("rsub", type(other).__name__)

    def __rmul__(self, other):
        return ("rmul", type(other).__name__)

    def __rtruediv__(self, other):
        return ("rtruediv", type(other).__name__)

    def __rmatmul__(self, other):
        return ("rmatmul", type(other).__name__)


OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "@": lambda a, b: a @ b,
}  # fmt: skip


@pytest.mark.parametrize("symbol", list(OPERATORS))
def test_an_operand_with_a_reflected_method_gets_the_call(symbol):
    name = {"+": "radd", "-": "rsub", "*": "rmul", "/": "rtruediv", "@": "rmatmul"}[symbol]
    assert OPERATORS[symbol](rg.ones(2), Reflecting()) == (name, "Tensor")


@pytest.mark.parametrize("symbol", list(OPERATORS))
@pytest.mark.parametrize("other", ["a", None, Fraction(1, 2), object()])
def test_other_operands_get_pythons_unsupported_operand_error(symbol, other):
    name = type(other).__name__
    expected = f"unsupported operand type(s) for {symbol}: 'Tensor' and '{name}'"
    if symbol == "*" and isinstance(other, str):  # Python then tries "a" * t, a repetition: t must be an index
        expected = "only integer tensors of a single element can be converted to an index"
    with pytest.raises(TypeError, match=re.escape(expected)):
        OPERATORS[symbol](rg.ones(2), other)
    if symbol in "+*" and not isinstance(other, str):  # (str + t is str's own concatenation error)
        reflected = f"unsupported operand type(s) for {symbol}: '{name}' and 'Tensor'"
        with pytest.raises(TypeError, match=re.escape(reflected)):
            OPERATORS[symbol](other, rg.ones(2))


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "matmul"])
@pytest.mark.parametrize("other", ["a", None, Fraction(1, 2), [1, 2], Reflecting()])
def test_the_functions_raise_pytorchs_typeerror(op, other):
    message = f"{op}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        getattr(rg, op)(rg.ones(2), other)


def test_numbers_and_arrays_still_work():
    t = rg.tensor([1.0, 2.0])
    assert (t * np.float32(2)).tolist() == [2.0, 4.0]
    assert (t + True).tolist() == [2.0, 3.0]
    assert (t * 1j).tolist() == [1j, 2j]
    assert (t - np.ones(2)).tolist() == [0.0, 1.0]
    assert (t @ np.ones(2)).item() == 3.0


def test_a_number_over_a_tensor_asks_the_reflected_product_as_pytorch_does():
    # PyTorch's x.__rtruediv__(y) is x.reciprocal() * y: a y it cannot take gets y.__rmul__
    assert Reflecting() / rg.ones(2) == ("rmul", "Tensor")


def test_in_place_operators_fall_back_as_pytorchs_do():
    t = rg.ones(2)
    assert t.__iadd__(Fraction(1, 2)) is NotImplemented
    t += Reflecting()  # Python falls back to t + x, then to x.__radd__(t)
    assert t == ("radd", "Tensor")


@pytest.mark.pytorch
def test_operator_protocol_matches_pytorch():
    torch = pytest.importorskip("torch")

    def outcomes(lib):
        t = lib.ones(2)
        found = []
        for op in OPERATORS.values():
            for other in (Reflecting(), "a", None, Fraction(1, 2), [1.0, 2.0]):
                for a, b in ((t, other), (other, t)):
                    try:
                        found.append(("ok", op(a, b) if isinstance(op(a, b), tuple) else "tensor"))
                    except TypeError as e:
                        found.append(("TypeError", str(e).replace("retrograd", "torch")))
        for name in ("add", "sub", "mul", "div", "matmul"):
            for other in ("a", None, Fraction(1, 2), Reflecting()):
                try:
                    getattr(lib, name)(t, other)
                    found.append("ok")
                except TypeError as e:
                    found.append(str(e))
        return found

    assert outcomes(rg) == outcomes(torch)


def test_an_array_operand_is_left_to_numpy_with_its_promotion():
    # PyTorch's operators return NotImplemented for an ndarray: NumPy computes on the tensor's
    # array and wraps the result as a tensor, with NumPy's promotion (float32 and int64 → float64)
    t = rg.tensor([1.5, 2.5])
    assert (t + np.array([1, 2])).dtype == rg.float64
    assert (rg.tensor([1, 2]) / np.array([2, 2])).dtype == rg.float64
    assert (rg.tensor(3) + np.array([1, 2], dtype=np.int32)).dtype == rg.int64
    assert (rg.tensor([True, False]) & np.array([True, True])).dtype == rg.uint8  # bool as uint8
    assert (rg.tensor([1, 2]) ** np.array([2, 3])).tolist() == [1, 8]
    assert (np.array([2.0, 4.0]) / rg.tensor([2.0, 2.0])).tolist() == [1.0, 2.0]  # t.reciprocal() * a
    assert (t == np.array([1.5, 0.0])).tolist() == [True, False]  # == stays PyTorch's own op
    assert rg.add(t, np.array([1, 2])).dtype == rg.float32  # the functions still take arrays


def test_in_place_with_an_array_rebinds_to_numpys_result():
    t = rg.tensor([1.0, 2.0])
    alias = t
    alias += np.array([1.0, 1.0])
    assert alias is not t and t.tolist() == [1.0, 2.0] and alias.dtype == rg.float64


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a + t", "Concatenation operation is not implemented for NumPy arrays"),
        ("a * t", "unsupported operand type(s) for *: 'numpy.ndarray' and 'Tensor'"),
        ("t < a", "'<' not supported between instances of 'Tensor' and 'numpy.ndarray'"),
        ("a >= t", "'>=' not supported between instances of 'numpy.ndarray' and 'Tensor'"),
    ],
)
def test_an_array_on_the_left_or_in_an_ordering_is_a_typeerror(expression, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        eval(expression, {"t": rg.tensor([1.0, 2.0]), "a": np.array([1.0, 1.0])})


def test_an_array_beside_a_tensor_that_requires_grad_is_numpys_refusal():
    with pytest.raises(RuntimeError, match=r"^Can't call numpy\(\) on Tensor that requires grad"):
        rg.ones(2, requires_grad=True) * np.ones(2)


def test_ufunc_results_are_tensors_with_bool_as_uint8():
    t = rg.tensor([1.0, float("nan")])
    assert np.isnan(t).dtype == rg.uint8 and np.isnan(t).tolist() == [0, 1]
    assert type(np.sin(rg.tensor(0.0))) is rg.Tensor


_ARRAY_EXPRESSIONS = [
    "t + a", "t - ai", "t * a0", "ti / ai", "ti // ai", "ti % ai", "ti ** ai", "tb & ab", "tb | ab",
    "ti << ai", "a / t", "t == a", "a + t", "a - t", "t < a", "a > t", "ti + ai32", "t0i + ai32",
    "np.isnan(t)", "np.sin(ti)", "np.greater(t, 1.6)", "g * a",
]


def _array_outcome(lib, expression):
    names = {
        "np": np, "t": lib.tensor([1.5, 2.5]), "ti": lib.tensor([3, 4]), "tb": lib.tensor([True, False]),
        "t0i": lib.tensor(3), "g": lib.ones(2, requires_grad=True), "a": np.array([1.0, 2.0]),
        "ai": np.array([2, 1]), "a0": np.array(2.0), "ab": np.array([True, True]),
        "ai32": np.array([1, 2], dtype=np.int32),
    }
    try:
        with warnings.catch_warnings():  # NumPy's DeprecationWarning about __array_wrap__
            warnings.simplefilter("ignore")
            r = eval(expression, names)
        return type(r).__name__, str(r.dtype).split(".")[-1], r.tolist()
    except (TypeError, RuntimeError) as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("expression", _ARRAY_EXPRESSIONS)
def test_array_operands_vs_torch(expression):
    torch = pytest.importorskip("torch")
    assert _array_outcome(rg, expression) == _array_outcome(torch, expression)


def test_in_place_with_an_array_vs_torch():
    torch = pytest.importorskip("torch")

    def outcome(lib):
        t = lib.tensor([1, 2])
        alias = t
        alias *= np.array([1.5, 1.5])
        return alias is t, t.tolist(), alias.tolist(), str(alias.dtype).split(".")[-1]

    assert outcome(rg) == outcome(torch)
