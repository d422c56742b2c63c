"""float()/int()/complex() and pow() of tensors, as Python code meets them (PyTorch's rules).

A complex tensor converts to float or int only when its imaginary part is zero (int also wants
a finite real part in int64's range); otherwise PyTorch's checked conversion raises a
RuntimeError naming the C type. complex() of several elements is the same ValueError as
float()'s. Three-argument pow() is no tensor operation: Python's unsupported-operand TypeError.
A format spec applies to a 0-d plain Tensor's value; a Parameter formats as an object, so only
the empty spec works for it (its str()).
"""

from __future__ import annotations

import math

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the comparisons below skip
    torch = None


def test_float_and_int_of_a_complex_tensor_with_zero_imaginary_part():
    assert float(rg.tensor(4 + 0j)) == 4.0
    assert int(rg.tensor(4.5 + 0j)) == 4
    assert math.floor(rg.tensor(4.5 + 0j)) == 4
    assert math.isnan(float(rg.tensor(complex(math.nan, 0))))


@pytest.mark.parametrize(
    ("value", "convert", "message"),
    [
        (4 + 1j, float, "value cannot be converted to type double without overflow"),
        (4 + 1j, int, "value cannot be converted to type int64_t without overflow"),
        (complex(0, math.nan), float, "value cannot be converted to type double without overflow"),
        (complex(math.nan, 0), int, "value cannot be converted to type int64_t without overflow"),
        (complex(math.inf, 0), int, "value cannot be converted to type int64_t without overflow"),
    ],
)
def test_float_and_int_of_a_complex_tensor_otherwise_raise(value, convert, message):
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        convert(rg.tensor(value, dtype=rg.complex128))


@pytest.mark.parametrize("data", [[1.0, 2.0], []])
def test_complex_of_several_elements_is_floats_valueerror(data):
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        complex(rg.tensor(data))


def test_three_argument_pow_is_unsupported_and_none_modulo_is_plain_pow():
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \*\* or pow\(\): 'Tensor', 'int', 'int'"):
        pow(rg.tensor(2), 3, 5)
    assert rg.tensor(2).__pow__(3, 5) is NotImplemented
    assert pow(rg.tensor(2), 3, None).item() == 8


def test_format_spec_of_a_0d_tensor_and_of_a_0d_parameter():
    assert f"{rg.tensor(0.123456):.3f}|{rg.tensor(7):>4}|{rg.tensor(2.5, requires_grad=True):e}" == (
        "0.123|   7|2.500000e+00"
    )
    weight = rg.nn.Parameter(rg.tensor(1.5))
    assert f"{weight}" == str(weight) == "Parameter containing:\ntensor(1.5000, requires_grad=True)"
    with pytest.raises(TypeError, match="^unsupported format string passed to Parameter.__format__$"):
        f"{weight:.3f}"


_EXPRESSIONS = [
    "f'{lib.nn.Parameter(lib.tensor(1.5)):.3f}'",
    "f'{lib.nn.Parameter(lib.tensor(1.5))}'",
    "f'{lib.tensor(1.5) * lib.nn.Parameter(lib.tensor(2.0)):.3f}'",
    "float(lib.tensor(4 + 0j))",
    "int(lib.tensor(-4.5 + 0j))",
    "math.ceil(lib.tensor(4.5 + 0j))",
    "float(lib.tensor(4 + 1j))",
    "int(lib.tensor(4 + 1j))",
    "int(lib.tensor(complex(math.nan, 0)))",
    "complex(lib.tensor([1, 2]))",
    "complex(lib.tensor(2.5))",
    "pow(lib.tensor(2), 3, 5)",
    "pow(lib.tensor(2), 3, None).item()",
]


def _outcome(expression, lib):
    try:
        return repr(eval(expression, {"lib": lib, "math": math}))
    except Exception as error:  # the comparison is of the error's type and words
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("expression", _EXPRESSIONS)
def test_scalar_conversions_match_pytorch(expression):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _outcome(expression, rg) == _outcome(expression, torch)


def test_contains_compares_the_element_with_the_tensor_in_that_order():
    assert rg.tensor([1, 2]) in rg.tensor([[1, 2], [3, 4]])
    assert 2.0 in rg.tensor([1.0, 2.0]) and 5 not in rg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(2\)"):
        rg.tensor([[1.0, 2.0]]).__contains__(rg.tensor([1.0, 2.0, 3.0]))


def test_contains_with_mismatched_shapes_matches_pytorch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _outcome("lib.tensor([1., 2., 3.]) in lib.tensor([[1., 2.]])", rg) == _outcome(
        "lib.tensor([1., 2., 3.]) in lib.tensor([[1., 2.]])", torch
    )
