"""The dtypes retrograd names but makes no tensors of (float8 formats, complex32), and the wide unsigned
ones (uint16/32/64, whose tensors tests/test_wide_unsigned.py covers): libraries such as Hugging Face
transformers read them at import, into dtype tables and quantisation constants."""

import pytest

import retrograd as rg

FLOAT8 = ["float8_e4m3fn", "float8_e5m2", "float8_e8m0fnu"]
UNSIGNED = ["uint16", "uint32", "uint64"]


def _describe(m):
    rows = []
    for name in FLOAT8:
        d = getattr(m, name)
        info = m.finfo(d)
        rows.append((repr(d).split(".")[1], d.is_floating_point, d.is_signed, d.itemsize, repr(info), info.bits))
    for name in UNSIGNED:
        d = getattr(m, name)
        info = m.iinfo(d)
        rows.append((repr(d).split(".")[1], d.is_floating_point, d.is_signed, d.itemsize, repr(info), info.bits))
    errors = []
    for a, b in [("uint16", "int64"), ("float8_e5m2", "float8_e4m3fn"), ("float8_e4m3fn", "int64")]:
        with pytest.raises(RuntimeError) as info:
            m.promote_types(getattr(m, a), getattr(m, b))
        errors.append(str(info.value))
    return rows, errors, m.promote_types(m.uint32, m.uint32) == m.uint32


def test_named_only_dtypes():
    rows, errors, same = _describe(rg)
    assert rows[0] == ("float8_e4m3fn", True, True, 1,
                       "finfo(resolution=1, min=-448, max=448, eps=0.125, smallest_normal=0.015625, tiny=0.015625, "
                       "dtype=float8_e4m3fn)", 8)
    assert rg.finfo(rg.float8_e5m2).max == 57344.0 and rg.finfo(rg.float8_e8m0fnu).min == 2.0**-127
    assert rows[5][4] == "iinfo(min=0, max=1.84467e+19, dtype=uint64)" and rg.iinfo(rg.uint32).max == 2**32 - 1
    assert errors[0] == (
        "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote UInt16 and Long"
    )
    assert errors[1] == (
        "Promotion for Float8 Types is not supported, attempted to promote Float8_e5m2 and Float8_e4m3fn"
    )
    assert same


def test_named_only_dtypes_make_no_tensors():
    with pytest.raises(RuntimeError, match="retrograd has no float8_e4m3fn tensors yet"):
        rg.zeros(2, dtype=rg.float8_e4m3fn)
    assert rg.ones(2, dtype=rg.uint32).tolist() == [1, 1]  # the wide unsigned dtypes have tensors now


def test_named_only_dtypes_vs_torch():
    torch = pytest.importorskip("torch")
    assert _describe(rg) == _describe(torch)


def _complex32_facts(m):
    d = m.complex32
    others = [m.bool, m.uint8, m.int64, m.float16, m.bfloat16, m.float32, m.float64, m.complex64, m.complex128]
    promoted = [repr(m.promote_types(d, o)).split(".")[1] for o in others]
    promoted += [repr(m.promote_types(o, d)).split(".")[1] for o in others]
    with pytest.raises(RuntimeError) as info:
        m.promote_types(d, m.uint16)
    return (repr(d).split(".")[1], m.chalf is d, d.is_complex, d.is_floating_point, d.is_signed, d.itemsize,
            repr(d.to_real()).split(".")[1], promoted, str(info.value))  # fmt: skip


def test_complex32_is_named():
    # kornia lists complex32 among the complex dtypes it accepts; retrograd makes no tensors of it
    name, alias, is_complex, is_float, signed, size, real, promoted, error = _complex32_facts(rg)
    assert (name, alias, is_complex, is_float, signed, size) == ("complex32", True, True, False, True, 4)
    assert real == "float16"
    assert promoted[:9] == ["complex32"] * 4 + ["complex64", "complex64", "complex128", "complex64", "complex128"]
    assert promoted[9:] == promoted[:9]
    assert error == (
        "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote ComplexHalf and UInt16"
    )
    assert rg.float16.to_complex() is rg.complex64  # where PyTorch says complex32: no tensors of it here
    with pytest.raises(RuntimeError, match="retrograd has no complex32 tensors yet"):
        rg.zeros(2, dtype=rg.complex32)


def test_complex32_vs_torch():
    torch = pytest.importorskip("torch")
    assert _complex32_facts(rg) == _complex32_facts(torch)
