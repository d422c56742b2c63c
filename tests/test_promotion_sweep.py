"""Dtype and promotion corners found by sweeping ops x dtypes x operand kinds against PyTorch: each
case states what PyTorch gives (dtype and values, or the error type and message) and, where PyTorch
is installed, checks that it still does."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def _outcome(m, case):
    """('ok', dtype name, values) or (exception type name, first line of its message)."""
    try:
        r = case(m)
    except Exception as e:  # noqa: BLE001 - the outcome is what the test compares
        return (type(e).__name__, str(e).split("\n")[0])
    return ("ok", str(r.dtype).split(".")[-1], r.tolist())


def _bad(fn, got):
    return ("TypeError", f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:")


_INT_ALPHA = "For integral input tensors, argument alpha must not be a floating point number."


_BOOL_SUB = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
             "use the `~` or `logical_not()` operator instead.")


def _cast(src, dst):
    return ("RuntimeError", f"result type {src} can't be cast to the desired output type {dst}")


def _with_default(m, dt, make):
    before = m.get_default_dtype()
    m.set_default_dtype(dt)
    try:
        return make()
    finally:
        m.set_default_dtype(before)


def _assigned(t, index, value):
    t[index] = value
    return t


def _u8(m, values):
    return m.tensor(values, dtype=m.uint8)


CASES = {
    # a number base out of the exponent's integer range wraps around, as PyTorch's cast
    "-3 ** uint8": (lambda m: (-3) ** _u8(m, [1, 2, 3]), ("ok", "uint8", [253, 9, 229])),
    "pow(300, int8)": (lambda m: m.pow(300, m.tensor([1, 2], dtype=m.int8)), ("ok", "int8", [44, -112])),
    # alpha is held in the result's dtype: -2 for uint8 wraps; one it cannot hold raises
    "sub uint8 alpha=2": (lambda m: m.sub(_u8(m, [1, 2, 3]), _u8(m, [1, 2, 3]), alpha=2),
                          ("ok", "uint8", [255, 254, 253])),
    "add int8 alpha=-2": (lambda m: m.add(m.tensor([1, 2], dtype=m.int8), 3, alpha=-2), ("ok", "int8", [-5, -4])),
    "add int8 alpha=200": (lambda m: m.add(m.tensor([1], dtype=m.int8), 1, alpha=200),
                           ("RuntimeError", "value cannot be converted to type int8_t without overflow")),
    "sub int8 alpha=-128": (lambda m: m.sub(m.tensor([1], dtype=m.int8), 1, alpha=-128),
                            ("RuntimeError", "value cannot be converted to type int8_t without overflow")),
    "sub int8 alpha=128": (lambda m: m.sub(m.tensor([1], dtype=m.int8), 1, alpha=128), ("ok", "int8", [-127])),
    "add uint8 alpha=-256": (lambda m: m.add(_u8(m, [1]), 1, alpha=-256),
                             ("RuntimeError", "value cannot be converted to type uint8_t without overflow")),
    "add float32 alpha=1e300": (lambda m: m.add(m.ones(2), m.ones(2), alpha=1e300),
                                ("RuntimeError", "value cannot be converted to type float without overflow")),
    "add float16 alpha=1e5": (lambda m: m.add(m.ones(2, dtype=m.float16), 1, alpha=1e5),
                              ("RuntimeError", "value cannot be converted to type c10::Half without overflow")),
    # a bool alpha, or a float one beside integers, is refused even when it equals 1
    "add float alpha=True": (lambda m: m.add(m.ones(2), m.ones(2), alpha=True),
                             ("RuntimeError", "Boolean alpha only supported for Boolean results.")),
    "sub float alpha=True": (lambda m: m.sub(m.ones(2), 1.0, alpha=True),
                             ("RuntimeError", "Boolean alpha only supported for Boolean results.")),
    "rsub float alpha=True": (lambda m: m.rsub(m.ones(2), 1.0, alpha=True),
                              ("RuntimeError", "Boolean alpha only supported for Boolean results.")),
    "add bool alpha=True": (lambda m: m.add(m.tensor([True, False]), m.tensor([False, False]), alpha=True),
                            ("ok", "bool", [True, False])),
    "add int alpha=1.0": (lambda m: m.add(m.tensor([1]), m.tensor([2]), alpha=1.0),
                          ("RuntimeError", _INT_ALPHA)),
    "add float alpha=1.0": (lambda m: m.add(m.tensor([1.0]), 2, alpha=1.0), ("ok", "float32", [3.0])),
    # float_power of a complex operand computes in complex128
    "float_power c64, 2": (lambda m: m.float_power(m.tensor([1 + 1j, 2]), 2), ("ok", "complex128", [2j, 4 + 0j])),
    "float_power f32, c64": (lambda m: m.float_power(m.tensor([2.0]), m.tensor([1 + 0j])),
                             ("ok", "complex128", [2 + 0j])),
    "float_power 2, c64": (lambda m: m.float_power(2, m.tensor([1 + 0j])), ("ok", "complex128", [2 + 0j])),
    "float_power f32, 1j": (lambda m: m.float_power(m.tensor([1.0]), 1j), ("ok", "complex128", [1 + 0j])),
    "float_power_ f64, c64": (
        lambda m: m.ones(1, dtype=m.float64).float_power_(m.tensor([1j])),
        ("RuntimeError", "the base given to float_power_ has dtype Double but the operation's result requires dtype "
                         "ComplexDouble"),
    ),
    "float_power_ c128, 2": (lambda m: m.tensor([1j], dtype=m.complex128).float_power_(2),
                             ("ok", "complex128", [-1 + 0j])),
    "float_power out=c64": (
        lambda m: m.float_power(m.tensor([1j]), 2, out=m.empty(1, dtype=m.complex64)),
        ("RuntimeError", "the output given to float_power has dtype ComplexFloat but the operation's result requires "
                         "dtype ComplexDouble"),
    ),
    # a Number first: the comparisons, fmod, copysign and rsub have no such binding
    "eq(2, t)": (lambda m: m.eq(2, m.ones(2)), _bad("eq", "int, Tensor")),
    "greater(2.0, t)": (lambda m: m.greater(2.0, m.ones(2)), _bad("greater", "float, Tensor")),
    "fmod(2, t)": (lambda m: m.fmod(2, m.ones(2)), _bad("fmod", "int, Tensor")),
    "copysign(2, t)": (lambda m: m.copysign(2, m.ones(2)), _bad("copysign", "int, Tensor")),
    "rsub(2, t)": (lambda m: m.rsub(2, m.ones(2)), _bad("rsub", "int, Tensor")),
    "remainder(2, 3)": (lambda m: m.remainder(2, 3), _bad("remainder", "int, int")),
    "pow(2, 3)": (lambda m: m.pow(2, 3), _bad("pow", "int, int")),
    "bitwise_and(2, 3)": (lambda m: m.bitwise_and(2, 3), _bad("bitwise_and", "int, int")),
    "xlogy(2, 3)": (lambda m: m.xlogy(2, 3), _bad("xlogy", "int, int")),
    "arctan2(2, t)": (lambda m: m.arctan2(2, m.ones(1)), ("TypeError", "arctan2(): argument 'input' (position 1) must "
                                                                     "be Tensor, not int")),
    "remainder(2, t)": (lambda m: m.remainder(2, m.tensor([3])), ("ok", "int64", [2])),
    "xlogy(2, t)": (lambda m: m.xlogy(2, m.tensor([1.0])), ("ok", "float32", [0.0])),
    # float16/bfloat16 rounding where PyTorch's kernels round: the exponent held in the half dtype,
    # bfloat16 powers by products, log y rounded before x·log y, nextafter to the half neighbour
    "float16 ** 1.7": (lambda m: m.tensor([2.5, 3.7], dtype=m.float16) ** 1.7, ("ok", "float16", [4.75, 9.2421875])),
    "bfloat16 ** 1.7": (lambda m: m.tensor([0.5, 3.7], dtype=m.bfloat16) ** 1.7,
                        ("ok", "bfloat16", [0.306640625, 9.3125])),
    "bfloat16 ** -2": (lambda m: m.tensor([3.7], dtype=m.bfloat16) ** -2, ("ok", "bfloat16", [0.0732421875])),
    "bfloat16 ** 3": (lambda m: m.tensor([3.7], dtype=m.bfloat16) ** 3, ("ok", "bfloat16", [50.75])),
    "float16 ** 70000.0": (lambda m: m.ones(1, dtype=m.float16) ** 70000.0,
                           ("RuntimeError", "value cannot be converted to type c10::Half without overflow")),
    "xlogy float16": (lambda m: m.xlogy(m.tensor([3.0], dtype=m.float16), m.tensor([3.0], dtype=m.float16)),
                      ("ok", "float16", [3.296875])),
    "xlogy bfloat16": (lambda m: m.xlogy(m.tensor([3.0], dtype=m.bfloat16), 3.0), ("ok", "bfloat16", [3.3125])),
    "xlog1py bfloat16": (
        lambda m: m.special.xlog1py(m.tensor([3.0], dtype=m.bfloat16), m.tensor([2.0], dtype=m.bfloat16)),
        ("ok", "bfloat16", [3.3125]),
    ),
    "nextafter float16": (lambda m: m.nextafter(m.tensor([1.0, 2.0], dtype=m.float16), m.tensor([2.0, 0.0],
                                                                                                 dtype=m.float16)),
                          ("ok", "float16", [1.0009765625, 1.9990234375])),
    "nextafter bfloat16": (lambda m: m.nextafter(m.tensor([1.0, 2.0], dtype=m.bfloat16),
                                                 m.tensor([2.0, 0.0], dtype=m.bfloat16)),
                           ("ok", "bfloat16", [1.0078125, 1.9921875])),
    "ldexp float, bool": (lambda m: m.ldexp(m.ones(1), m.tensor([True])),
                          ("NotImplementedError", "\"ldexp_cpu_exp\" not implemented for 'Bool'")),
    "ldexp int, bool": (lambda m: m.ldexp(m.tensor([3]), m.tensor([True])), ("ok", "float32", [6.0])),
    # in place: the cast of the result into the target is checked before the kernel's dtype checks
    "int64.bitwise_and_(float)": (lambda m: m.ones(2, dtype=m.int64).bitwise_and_(m.ones(2)),
                                  ("RuntimeError", "result type Float can't be cast to the desired output type Long")),
    "bool &= 2.5": (lambda m: m.ones(2, dtype=m.bool).__iand__(2.5),
                    ("RuntimeError", "result type Float can't be cast to the desired output type Bool")),
    "int8.add_(float, alpha=True)": (lambda m: m.ones(2, dtype=m.int8).add_(m.ones(2), alpha=True),
                                     _cast("Float", "Char")),
    "bool.xlogy_(1j)": (lambda m: m.ones(1, dtype=m.bool).xlogy_(1j),
                        ("RuntimeError", "result type ComplexFloat can't be cast to the desired output type Bool")),
    "int64.div_(int64)": (lambda m: m.ones(2, dtype=m.int64).div_(m.ones(2, dtype=m.int64)),
                          ("RuntimeError", "result type Float can't be cast to the desired output type Long")),
    "int64.div_(int64, floor)": (
        lambda m: m.ones(1, dtype=m.int64).div_(m.ones(1, dtype=m.int64), rounding_mode="floor"), ("ok", "int64", [1])
    ),
    "bool.sub_(int)": (lambda m: m.ones(1, dtype=m.bool).sub_(2), ("RuntimeError", _BOOL_SUB)),
    "int64.hypot_(int64)": (lambda m: m.ones(1, dtype=m.int64).hypot_(m.ones(1, dtype=m.int64)),
                            ("NotImplementedError", "\"hypot_cpu\" not implemented for 'Long'")),
    "std_mean of ints": (lambda m: m.std_mean(m.tensor([1, 2])),
                         ("RuntimeError", "std_mean only support floating point and complex dtypes")),
    "var_mean of bools": (lambda m: m.var_mean(m.tensor([True])),
                          ("RuntimeError", "var_mean only support floating point and complex dtypes")),
    "std of ints": (lambda m: m.std(m.tensor([1, 2])),
                    ("RuntimeError", "std and var only support floating point and complex dtypes")),
    # complex Python data in a real dtype is refused (a bool dtype takes it); bfloat16 has no complex default
    "tensor([2j], float32)": (lambda m: m.tensor([2j], dtype=m.float32),
                              ("TypeError", "must be real number, not complex")),
    "tensor([1, 2+0j], int64)": (lambda m: m.tensor([1, 2 + 0j], dtype=m.int64),
                                 ("TypeError", "'complex' object cannot be interpreted as an integer")),
    "tensor([2j], bool)": (lambda m: m.tensor([True, 2j], dtype=m.bool), ("ok", "bool", [True, True])),
    "tensor([1j]) bfloat16 default": (lambda m: _with_default(m, m.bfloat16, lambda: m.tensor([1j])),
                                      ("RuntimeError", "invalid default scalar type for complex")),
    # integer corners: an empty division divides nothing; an unsigned right shift past the width is 0
    "empty int // 0": (lambda m: m.tensor([], dtype=m.int64) // 0, ("ok", "int64", [])),
    "empty int % 0": (lambda m: m.tensor([], dtype=m.int32) % m.tensor(0, dtype=m.int32), ("ok", "int32", [])),
    "empty int div trunc 0": (lambda m: m.div(m.tensor([], dtype=m.int8), 0, rounding_mode="trunc"),
                              ("ok", "int8", [])),
    "int // 0": (lambda m: m.tensor([7]) // 0, ("RuntimeError", "ZeroDivisionError")),
    "uint8 >> 9": (lambda m: _u8(m, [255, 255]) >> _u8(m, [3, 9]), ("ok", "uint8", [31, 0])),
    "int8 >> 9": (lambda m: m.tensor([-128, 64], dtype=m.int8) >> 9, ("ok", "int8", [-1, 0])),
    # clamp: bools have no kernel; a complex tensor bound names the kernel of the promoted dtype
    "clamp(bool, True, False)": (lambda m: m.clamp(m.tensor([True]), True, False),
                                 ("NotImplementedError", "\"clamp_scalar_cpu\" not implemented for 'Bool'")),
    "clamp_min(bool, True)": (lambda m: m.clamp_min(m.tensor([True]), True),
                              ("NotImplementedError", "\"clamp_min_scalar_cpu\" not implemented for 'Bool'")),
    "clamp(bool, bool t, bool t)": (lambda m: m.clamp(m.tensor([True]), m.tensor([False]), m.tensor([True])),
                                    ("NotImplementedError", "\"clamp_cpu\" not implemented for 'Bool'")),
    "clamp(bool, min=bool t)": (lambda m: m.clamp(m.tensor([True]), min=m.tensor([False])), ("ok", "bool", [True])),
    "clamp(f32, min=c64 t)": (lambda m: m.clamp(m.ones(1), min=m.ones(1, dtype=m.complex64)),
                              ("NotImplementedError", "\"maximum_cpu\" not implemented for 'ComplexFloat'")),
    "clamp_max(c64, bool t)": (lambda m: m.clamp_max(m.ones(1, dtype=m.complex64), m.tensor([True])),
                               ("NotImplementedError", "\"minimum_cpu\" not implemented for 'ComplexFloat'")),
    "clamp(c64, 0, 1)": (lambda m: m.clamp(m.ones(1, dtype=m.complex64), 0, 1),
                         ("NotImplementedError", "clamp is not supported for complex types")),
    # a complex number assigned into a real tensor: a bool takes its truth, others a zero imaginary part's real part
    "bool[0] = 1j": (lambda m: _assigned(m.zeros(2, dtype=m.bool), 0, 1j), ("ok", "bool", [True, False])),
    "int64[0] = 2+0j": (lambda m: _assigned(m.zeros(2, dtype=m.int64), 0, 2 + 0j), ("ok", "int64", [2, 0])),
    "float16[[0]] = 2.5+0j": (lambda m: _assigned(m.zeros(2, dtype=m.float16), [0], 2.5 + 0j),
                              ("ok", "float16", [2.5, 0.0])),
    "float16[0] = 1j": (lambda m: _assigned(m.zeros(2, dtype=m.float16), 0, 1j),
                        ("RuntimeError", "value cannot be converted to type double without overflow")),
    "int8[0] = 1j": (lambda m: _assigned(m.zeros(2, dtype=m.int8), 0, 1j),
                     ("RuntimeError", "value cannot be converted to type int8_t without overflow")),
    # out=: the dtype checks PyTorch makes as it sets the op up come before its kernels' refusals
    "bitwise_and(f32, out=bool)": (lambda m: m.bitwise_and(m.ones(1), m.ones(1), out=m.empty(1, dtype=m.bool)),
                                   _cast("Float", "Bool")),
    "hypot(int64, out=bool)": (lambda m: m.hypot(m.ones(1, dtype=m.int64), m.ones(1, dtype=m.int32),
                                                 out=m.empty(1, dtype=m.bool)), _cast("Long", "Bool")),
    "abs(bool, out=uint8)": (lambda m: m.abs(m.tensor([True]), out=m.empty(1, dtype=m.uint8)),
                             ("RuntimeError", "Found dtype Byte but expected Bool")),
    "floor(bool, out=float)": (lambda m: m.floor(m.tensor([True]), out=m.empty(1)),
                               ("RuntimeError", "Found dtype Float but expected Bool")),
    "floor(c64, out=float)": (lambda m: m.floor(m.ones(1, dtype=m.complex64), out=m.empty(1)),
                              ("NotImplementedError", "floor is not supported for complex inputs")),
    "round(int, decimals=1, out=float)": (lambda m: m.round(m.ones(1, dtype=m.int64), decimals=1, out=m.empty(1)),
                                          ("RuntimeError", "Found dtype Float but expected Long")),
    "bitwise_not(f32, out=int)": (lambda m: m.bitwise_not(m.ones(1), out=m.empty(1, dtype=m.int64)),
                                  ("RuntimeError", "Found dtype Long but expected Float")),
    "abs(c64, out=f64)": (lambda m: m.abs(m.ones(1, dtype=m.complex64), out=m.empty(1, dtype=m.float64)),
                          ("ok", "float64", [1.0])),
    "abs(c64, out=c64)": (lambda m: m.abs(m.ones(1, dtype=m.complex64), out=m.empty(1, dtype=m.complex64)),
                          ("ok", "complex64", [1 + 0j])),
    "abs(c64, out=int)": (lambda m: m.abs(m.ones(1, dtype=m.complex64), out=m.empty(1, dtype=m.int64)),
                          _cast("Float", "Long")),
    "sign(c64, out=float)": (lambda m: m.sign(m.ones(1, dtype=m.complex64), out=m.empty(1)), (
        "NotImplementedError",
        "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.")),
    # norms' dtype=: floating or complex as the input is, never narrowing it; an integer input is refused first
    "vector_norm(f64, dtype=f32)": (lambda m: m.linalg.vector_norm(m.ones(2, dtype=m.float64), dtype=m.float32), (
        "RuntimeError", "linalg.vector_norm: the dtype of the input (Double) should be convertible without narrowing "
                        "to the specified dtype (Float)")),
    "vector_norm(f32, dtype=c64)": (lambda m: m.linalg.vector_norm(m.ones(2), dtype=m.complex64), (
        "RuntimeError", "linalg.vector_norm: dtype should be real for real inputs, but got ComplexFloat")),
    "vector_norm(c64, dtype=f32)": (lambda m: m.linalg.vector_norm(m.ones(2, dtype=m.complex64), dtype=m.float32), (
        "RuntimeError", "linalg.vector_norm: dtype should be complex for complex inputs, but got Float")),
    "vector_norm(f32, dtype=int)": (lambda m: m.linalg.vector_norm(m.ones(2), dtype=m.int64), (
        "RuntimeError", "linalg.vector_norm: dtype should be floating point or complex, but got Long")),
    "vector_norm(c64, dtype=c128)": (lambda m: m.linalg.vector_norm(m.ones(2, dtype=m.complex64), dtype=m.complex128),
                                     ("ok", "float64", 2 ** 0.5)),
    "matrix_norm(f64, dtype=f32)": (lambda m: m.linalg.matrix_norm(m.ones(2, 2, dtype=m.float64), dtype=m.float32), (
        "RuntimeError", "linalg.matrix_norm: the dtype of the input (Double) should be convertible without narrowing "
                        "to the specified dtype (Float)")),
    "matrix_norm(int, dtype=f32)": (lambda m: m.linalg.matrix_norm(m.ones(2, 2, dtype=m.int64), dtype=m.float32), (
        "RuntimeError", "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long")),
    "linalg.cross(bool, bool)": (lambda m: m.linalg.cross(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
                                 ("NotImplementedError", "\"cross\" not implemented for 'Bool'")),
    "div(rounding_mode=3)": (lambda m: m.div(m.ones(1), 2, rounding_mode=3),
                             _bad("div", "Tensor, int, rounding_mode=int")),
    "bool.div_(2, rounding_mode='bad')": (
        lambda m: m.ones(1, dtype=m.bool).div_(2, rounding_mode="bad"),
        ("RuntimeError", "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'bad'")),
}

# dtype queries: Python's number types stand for dtypes; what has no complex or integer counterpart raises
QUERIES = {
    "promote_types(float32, float)": (lambda m: m.promote_types(m.float32, float), "float64"),
    "promote_types(int, bool)": (lambda m: m.promote_types(int, bool), "int64"),
    "promote_types(float32, 'x')": (lambda m: m.promote_types(m.float32, "x"),
                                    "TypeError: promote_types(): argument 'type2' (position 2) must be torch.dtype, "
                                    "not str"),
    "can_cast(float, int8)": (lambda m: m.can_cast(float, m.int8), "False"),
    "can_cast(int8, complex)": (lambda m: m.can_cast(m.int8, complex), "True"),
    "result_type(1, 'a')": (lambda m: m.result_type(1, "a"),
                            "TypeError: result_type() received an invalid combination of arguments - got (int, str), "
                            "but expected one of:"),
    "uint8.to_complex()": (lambda m: m.uint8.to_complex(), "RuntimeError: Unknown Complex ScalarType for Byte"),
    "bool.to_complex()": (lambda m: m.bool.to_complex(), "RuntimeError: Unknown Complex ScalarType for Bool"),
    "complex64.to_complex()": (lambda m: m.complex64.to_complex(), "complex64"),
    "iinfo(complex64)": (lambda m: m.iinfo(m.complex64),
                         "TypeError: torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                         "'torch.iinfo'"),
}


def _query(m, call):
    try:
        r = call(m)
    except Exception as e:  # noqa: BLE001 - the outcome is what the test compares
        return f"{type(e).__name__}: {str(e).splitlines()[0]}".replace("retrograd.dtype", "torch.dtype")
    return str(r).split(".")[-1]


@pytest.mark.parametrize("name", list(QUERIES))
def test_dtype_query(name):
    call, expected = QUERIES[name]
    assert _query(rg, call) == expected
    if torch is not None:
        assert _query(torch, call) == expected


def test_result_type_lists_why_each_binding_fails():
    with pytest.raises(TypeError) as ours:
        rg.result_type(rg.ones(1), None)
    assert "(Tensor, !NoneType!)\n * (Number scalar, Tensor tensor)\n" in str(ours.value)
    if torch is not None:
        with pytest.raises(TypeError) as theirs:
            torch.result_type(torch.ones(1), None)
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    case, expected = CASES[name]
    assert _outcome(rg, case) == expected


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(CASES))
def test_case_is_pytorchs(name):
    case, expected = CASES[name]
    assert _outcome(torch, case) == expected


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (lambda m: m.eq(2, m.ones(1)), " * (Tensor input, Tensor other, *, Tensor out = None)\n"
                                       " * (Tensor input, Number other, *, Tensor out = None)\n"),
        (lambda m: m.remainder(2.0, 3), " * (Number self, Tensor other)\n      didn't match because some of the "
                                        "arguments have invalid types: (!float!, !int!)\n"),
        (lambda m: m.pow(2, 3), " * (Number self, Tensor exponent, *, Tensor out = None)\n"),
        (lambda m: m.lt(2, m.ones(1), out=m.ones(1)), "got (int, Tensor, out=Tensor)"),
    ],
)
def test_number_first_message_lists_the_bindings(call, text):
    with pytest.raises(TypeError) as ours:
        call(rg)
    assert text in str(ours.value)
    if torch is not None:
        with pytest.raises(TypeError) as theirs:
            call(torch)
        assert str(ours.value) == str(theirs.value)
