"""`t + x` with an x that is no tensor, number or array follows Python's operator protocol.

PyTorch's operators turn a TypeError into NotImplemented, so Python tries x's reflected method
(`x.__radd__(t)`) and otherwise raises its own "unsupported operand type(s)". The functions
(`torch.add(t, x)`) raise PyTorch's TypeError naming the op. A Fraction or a Decimal is no
operand either: PyTorch's argument parser takes Python's and NumPy's numbers only.
"""

from __future__ import annotations

import re
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
