"""uint16, uint32 and uint64 tensors: PyTorch's limited support, matched.

16-bit PNG depth maps and medical images load as uint16 arrays; PyTorch makes tensors of them that
are created, copied, viewed, indexed, printed, saved and converted (to float, mostly), but it has
few kernels for them: the others raise `NotImplementedError "<kernel>" not implemented for 'UInt16'`,
and the dtypes promote with floating dtypes only.
"""

import io

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the comparisons skip
    torch = None

DTYPES = ["uint16", "uint32", "uint64"]
NP = {"uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}


def _img(m, name):
    return m.from_numpy(np.array([[3, 1, 2], [7, 0, 5]], NP[name]))


def _other(m, name):
    return m.tensor([[1, 2, 2], [3, 1, 9]], dtype=getattr(m, name))


# name -> (function of the library, the dtype's name), expected result for uint16 (dtype name, values)
SUPPORTED = {
    "from_numpy": (lambda m, d: _img(m, d), ("uint16", [[3, 1, 2], [7, 0, 5]])),
    "tensor_wraps": (lambda m, d: m.tensor([1, -1], dtype=getattr(m, d)) if d != "uint64" else None,
                     ("uint16", [1, 65535])),
    "zeros": (lambda m, d: m.zeros(2, dtype=getattr(m, d)), ("uint16", [0, 0])),
    "full": (lambda m, d: m.full((2,), 7, dtype=getattr(m, d)), ("uint16", [7, 7])),
    "ones_like": (lambda m, d: m.ones_like(_img(m, d))[0], ("uint16", [1, 1, 1])),
    "float": (lambda m, d: _img(m, d).float()[1], ("float32", [7.0, 0.0, 5.0])),
    "to_int64": (lambda m, d: _img(m, d).to(m.int64)[0], ("int64", [3, 1, 2])),
    "from_float_wraps": (lambda m, d: m.tensor([1.5, 70000.0]).to(getattr(m, d)) if d == "uint16" else None,
                         ("uint16", [1, 4464])),
    "scaled": (lambda m, d: _img(m, d).float()[0] / 65535 * 65535, ("float32", [3.0, 1.0, 2.0])),
    "mul": (lambda m, d: _img(m, d) * _other(m, d), ("uint16", [[3, 2, 4], [21, 0, 45]])),
    "mul_float": (lambda m, d: _img(m, d)[0] * 0.5, ("float32", [1.5, 0.5, 1.0])),
    "div": (lambda m, d: _img(m, d)[1] / 2, ("float32", [3.5, 0.0, 2.5])),
    "eq": (lambda m, d: _img(m, d)[0] == 3, ("bool", [True, False, False])),
    "and": (lambda m, d: _img(m, d)[1] & 6, ("uint16", [6, 0, 4])),
    "sum": (lambda m, d: _img(m, d).sum(1), ("int64", [6, 12])),
    "cumsum": (lambda m, d: _img(m, d)[1].cumsum(0), ("int64", [7, 7, 12])),
    "sort": (lambda m, d: _img(m, d)[1].sort().values, ("uint16", [0, 5, 7])),
    "unique": (lambda m, d: m.unique(_img(m, d)), ("uint16", [0, 1, 2, 3, 5, 7])),
    "cat": (lambda m, d: m.cat([_img(m, d)[0], _other(m, d)[1]]), ("uint16", [3, 1, 2, 3, 1, 9])),
    "index_select": (lambda m, d: _img(m, d).index_select(1, m.tensor([2, 0]))[1], ("uint16", [5, 7])),
    "getitem": (lambda m, d: _img(m, d)[m.tensor([1, 0]), 2], ("uint16", [5, 2])),
    "permute": (lambda m, d: _img(m, d).reshape(2, 3, 1).permute(2, 0, 1)[0, :, 0], ("uint16", [3, 7])),
    "transposed_clone": (lambda m, d: _img(m, d).t().contiguous()[0], ("uint16", [3, 7])),
    "pad": (lambda m, d: m.nn.functional.pad(_img(m, d)[0], (1, 1)), ("uint16", [0, 3, 1, 2, 0])),
    "sqrt": (lambda m, d: _img(m, d)[0].sqrt().round(), ("float32", [2.0, 1.0, 1.0])),
}


def _supported(m, name):
    out = {}
    for key, (fn, _) in SUPPORTED.items():
        r = fn(m, name)
        out[key] = None if r is None else (str(r.dtype).split(".")[1], r.tolist())
    return out


def test_supported_ops_uint16():
    got = _supported(rg, "uint16")
    assert got == {key: expected for key, (_, expected) in SUPPORTED.items()}


@pytest.mark.parametrize("name", ["uint32", "uint64"])
def test_supported_ops_keep_their_dtype(name):
    got = _supported(rg, name)
    assert got["from_numpy"] == (name, [[3, 1, 2], [7, 0, 5]]) and got["sum"] == ("int64", [6, 12])
    assert got["float"] == ("float32", [7.0, 0.0, 5.0]) and got["mul"][0] == name


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("name", DTYPES)
def test_supported_ops_vs_torch(name):
    assert _supported(rg, name) == _supported(torch, name)


def test_dtype_facts_and_printing():
    t = rg.tensor([40000, 1], dtype=rg.uint16)
    assert repr(t) == "tensor([40000,     1], dtype=retrograd.uint16)"
    assert repr(t[0]) == "tensor(40000, dtype=retrograd.uint16)"
    assert t.type() == "torch.UInt16Tensor" and t.element_size() == 2 and not t.is_signed()
    assert (rg.uint16.is_signed, rg.uint16.is_floating_point, rg.uint64.itemsize) == (False, False, 8)
    assert t[0].item() == 40000 and type(t[0].item()) is int and int(t[1]) == 1
    assert t.numpy().dtype == np.uint16 and t.tolist() == [40000, 1]
    big = rg.tensor([2**64 - 1], dtype=rg.uint64)
    assert big.item() == 2**64 - 1 and rg.iinfo(rg.uint64).max == 2**64 - 1


def test_promotion_only_with_floating_dtypes():
    assert rg.promote_types(rg.uint16, rg.float32) is rg.float32
    assert rg.promote_types(rg.bfloat16, rg.uint64) is rg.bfloat16
    assert rg.promote_types(rg.uint32, rg.uint32) is rg.uint32
    for other in (rg.uint8, rg.int32, rg.bool, rg.complex64, rg.uint32):
        with pytest.raises(RuntimeError, match="^Promotion for uint16, uint32, uint64 types is not supported, "
                                               f"attempted to promote UInt16 and {other.kind_name}$"):
            rg.promote_types(rg.uint16, other)
    with pytest.raises(RuntimeError, match="attempted to promote UInt16 and Int$"):
        rg.tensor([1], dtype=rg.uint16) * rg.tensor([1], dtype=rg.int32)
    assert rg.result_type(rg.tensor([1], dtype=rg.uint16), 2) is rg.uint16
    assert rg.result_type(rg.tensor([1], dtype=rg.uint16), 2.0) is rg.float32


def _pil_to_tensor(m, pixels):
    """torchvision's `pil_to_tensor` for a PIL "I;16" image, written out: (H, W) uint16 -> (1, H, W)."""
    h, w = pixels.shape
    img = m.as_tensor(np.array(pixels, np.uint16, copy=True))
    img = img.view(h, w, 1).permute(2, 0, 1)
    return img, img.float() / 65535.0


def test_pil_to_tensor_idiom():
    pixels = np.array([[0, 1000, 65535], [32768, 7, 12]], np.uint16)
    img, scaled = _pil_to_tensor(rg, pixels)
    assert img.dtype is rg.uint16 and tuple(img.shape) == (1, 2, 3) and img.stride() == (1, 3, 1)
    assert img[0].tolist() == pixels.tolist()
    assert scaled.dtype is rg.float32 and scaled[0, 0, 2].item() == 1.0


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_pil_to_tensor_idiom_vs_torch():
    pixels = np.random.default_rng(0).integers(0, 65536, (4, 5)).astype(np.uint16)
    ours, theirs = _pil_to_tensor(rg, pixels), _pil_to_tensor(torch, pixels)
    assert ours[0].tolist() == theirs[0].tolist() and ours[0].stride() == theirs[0].stride()
    np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy())


@pytest.mark.parametrize("name", DTYPES)
def test_save_load_roundtrip(name):
    t = _img(rg, name)
    buf = io.BytesIO()
    rg.save({"t": t, "col": t[:, 1]}, buf)
    buf.seek(0)
    got = rg.load(buf)
    assert got["t"].dtype is getattr(rg, name) and got["t"].tolist() == t.tolist()
    assert got["col"].tolist() == [1, 0] and got["col"].storage_offset() == 1


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("name", DTYPES)
def test_save_loads_in_pytorch_vs_torch(name):
    buf = io.BytesIO()
    rg.save({"t": rg.tensor([[1, 65535], [3, 4]], dtype=getattr(rg, name))}, buf)
    buf.seek(0)
    got = torch.load(buf, weights_only=True)["t"]
    assert got.dtype == getattr(torch, name) and got.tolist() == [[1, 65535], [3, 4]]


# name -> (function of the library and the dtype's name), PyTorch's kernel named in its refusal
REFUSED = {
    "add": (lambda m, d: _img(m, d) + _other(m, d), "add_stub"),
    "add_number": (lambda m, d: _img(m, d) + 1, "add_stub"),
    "sub": (lambda m, d: _img(m, d) - _other(m, d), "add_stub"),
    "add_alpha": (lambda m, d: m.add(_img(m, d), _other(m, d), alpha=2), "add_stub"),
    "gt": (lambda m, d: _img(m, d) > 0, "gt_cpu"),
    "lt": (lambda m, d: _img(m, d) < _other(m, d), "lt_cpu"),
    "le": (lambda m, d: _img(m, d) <= 2, "le_cpu"),
    "ge": (lambda m, d: _img(m, d) >= 2, "ge_cpu"),
    "logical_and": (lambda m, d: m.logical_and(_img(m, d), _other(m, d)), "logical_and_cpu"),
    "max": (lambda m, d: _img(m, d).max(), "max_all"),
    "min": (lambda m, d: _img(m, d).min(), "min_all"),
    "max_dim": (lambda m, d: _img(m, d).max(1), "max_cpu"),
    "amax": (lambda m, d: _img(m, d).amax(0), "max_values_cpu"),
    "amin": (lambda m, d: _img(m, d).amin(0), "min_values_cpu"),
    "aminmax": (lambda m, d: m.aminmax(_img(m, d)), "aminmax_cpu"),
    "argmax": (lambda m, d: _img(m, d).argmax(), "argmax_cpu"),
    "argmin": (lambda m, d: _img(m, d).argmin(1), "argmin_cpu"),
    "cummax": (lambda m, d: _img(m, d).cummax(1), "cummax_cpu"),
    "maximum": (lambda m, d: m.maximum(_img(m, d), _other(m, d)), "maximum_cpu"),
    "minimum": (lambda m, d: m.minimum(_img(m, d), _other(m, d)), "minimum_cpu"),
    "clamp": (lambda m, d: _img(m, d).clamp(0, 4), "clamp_scalar_cpu"),
    "clamp_min": (lambda m, d: _img(m, d).clamp(min=1), "clamp_min_scalar_cpu"),
    "clamp_tensors": (lambda m, d: _img(m, d).clamp(_other(m, d), _other(m, d)), "clamp_cpu"),
    "threshold": (lambda m, d: m.nn.functional.threshold(_img(m, d), 1, 0), "threshold_cpu"),
    "searchsorted": (lambda m, d: m.searchsorted(_other(m, d)[0], _img(m, d)), "searchsorted_out_cpu"),
}


def _refusals(m, name):
    out = {}
    for key, (fn, _) in REFUSED.items():
        try:
            out[key] = fn(m, name).__class__.__name__
        except NotImplementedError as e:
            out[key] = str(e)
    return out


@pytest.mark.parametrize("name", DTYPES)
def test_refused_ops(name):
    kind = {"uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}[name]
    expected = {key: f"\"{kernel}\" not implemented for '{kind}'" for key, (_, kernel) in REFUSED.items()}
    assert _refusals(rg, name) == expected


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("name", DTYPES)
def test_refused_ops_vs_torch(name):
    assert _refusals(rg, name) == _refusals(torch, name)


def test_integer_clamp_by_one_tensor_bound_stays_integer():
    # a missing bound was ±inf, which made the result float32
    x = rg.tensor([3, 1, 2])
    assert rg.clamp(x, min=rg.tensor([2, 2, 2])).tolist() == [3, 2, 2]
    assert rg.clamp(x, max=rg.tensor(2)).dtype is rg.int64
    assert rg.clamp(x.to(rg.uint8), min=rg.tensor([2], dtype=rg.uint8)).dtype is rg.uint8
    assert rg.clamp(x.float(), max=rg.tensor([2, 2, 2])).dtype is rg.float32


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_integer_clamp_by_one_tensor_bound_vs_torch():
    for m in (rg, torch):
        x = m.tensor([3, 1, 2], dtype=m.int32)
        got = [m.clamp(x, min=m.tensor([2, 2, 2])), m.clamp(x, max=m.tensor(2, dtype=m.int16))]
        if m is rg:
            ours = [(str(t.dtype).split(".")[1], t.tolist()) for t in got]
        else:
            assert ours == [(str(t.dtype).split(".")[1], t.tolist()) for t in got]
