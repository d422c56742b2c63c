"""Tensor-method argument checks found by the method fuzz (`fuzz_bad_method_arguments`), pinned
without PyTorch: the values PyTorch gives, and its TypeErrors where a wrong type used to run on."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd


def _x() -> retrograd.Tensor:
    return retrograd.tensor(np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32))


DATA = [np.array([1, 2]), retrograd.tensor([1, 2]), retrograd.tensor([1.5], dtype=retrograd.float64)]


@pytest.mark.parametrize("data", DATA)
def test_new_tensor_takes_this_tensors_dtype_for_arrays_and_tensors(data):
    assert _x().new_tensor(data).dtype == retrograd.float32
    assert _x().new_tensor(data, dtype=retrograd.int32).dtype == retrograd.int32


def test_logit_eps_above_half_compares_like_pytorch():
    # PyTorch: x < eps ? eps : (x > 1 - eps ? 1 - eps : x); a clip would give 1 - eps everywhere
    x = retrograd.tensor([0.2, 0.6, 1.0])
    assert x.logit(0.6).tolist() == pytest.approx([0.4054651, -0.4054651, -0.4054651])
    assert x.logit(1.0).tolist() == [float("inf"), float("inf"), float("-inf")]


@pytest.mark.parametrize("call", [
    lambda x: x.sum(1, 1), lambda x: x.mean(0, keepdim=None), lambda x: x.amax(1, np.bool_(True)),
    lambda x: x.argmax(1, 1), lambda x: x.logsumexp(1, 0), lambda x: x.max(1, 1), lambda x: x.median(1, 1),
    lambda x: x.all(1, 1), lambda x: x.nansum(1, 1), lambda x: x.prod(1, 1),
])  # fmt: skip
def test_keepdim_must_be_a_bool(call):
    with pytest.raises(TypeError, match="argument 'keepdim' must be bool"):
        call(_x())


@pytest.mark.parametrize("function", ["var", "std", "var_mean", "std_mean"])
def test_unbiased_must_be_a_bool(function):
    x = _x()
    with pytest.raises(TypeError, match="invalid combination"):
        getattr(retrograd, function)(x, 1, 0)  # 0 used to read as unbiased=True
    assert getattr(retrograd, function)(x, 1, False) is not None


@pytest.mark.parametrize(("call", "message"), [
    (lambda x: x.gather(1, 2), "gather(): argument 'index' (position 3) must be Tensor, not int"),
    (lambda x: x.masked_fill(1, 2), "masked_fill() received an invalid combination"),
    (lambda x: x.masked_scatter(1, 2), "argument 'mask' (position 2) must be Tensor, not int"),
    (lambda x: x.scatter(1, 2), "scatter() received an invalid combination"),
    (lambda x: x.addmm(1, 2), "addmm(): argument 'mat1' (position 2) must be Tensor, not int"),
    (lambda x: x.addcmul(1, 2), "addcmul(): argument 'tensor1' (position 2) must be Tensor, not int"),
    (lambda x: x.lerp(1, 0.5), "lerp() received an invalid combination"),
    (lambda x: x.view_as(None), "view_as(): argument 'other' (position 1) must be Tensor, not NoneType"),
    (lambda x: x.expand_as([1]), "expand_as(): argument 'other' (position 1) must be Tensor, not list"),
    (lambda x: x.reshape_as(3), "reshape_as(): argument 'other' (position 1) must be Tensor, not int"),
    (lambda x: x.type_as(2.0), "type_as(): argument 'other' (position 1) must be Tensor, not float"),
    (lambda x: x.copy_([1.0]), "copy_(): argument 'other' (position 1) must be Tensor, not list"),
    (lambda x: x.copy_(x, 1), "copy_(): argument 'non_blocking' (position 2) must be bool, not int"),
    (lambda x: x.fill_diagonal_("a"), "fill_diagonal_(): argument 'fill_value' (position 1) must be Number"),
    (lambda x: x.softmax(1, 1), "softmax(): argument 'dtype' (position 3) must be retrograd.dtype, not int"),
    (lambda x: x.type(1), "dtype must be a type, str, or dtype object"),
    (lambda x: x.is_pinned(1.5), "is_pinned(): argument 'device' (position 1) must be retrograd.device"),
    (lambda x: x.sum_to_size("a"), "sum_to_size(): argument 'size' (position 1) must be tuple of ints"),
    (lambda x: x.unflatten(1, "a"), "unflatten(): argument 'sizes' (position 3) must be tuple of ints"),
    (lambda x: x.histc(1, "a"), "histc(): argument 'min' (position 3) must be Number, not str"),
])  # fmt: skip
def test_wrong_types_raise_pytorchs_type_error(call, message):
    with pytest.raises(TypeError) as info:
        call(_x())
    assert message in str(info.value)


def test_copy_takes_a_number_as_pytorch_does():
    assert _x().copy_(2.5).tolist() == [[2.5] * 3] * 2
    with pytest.raises(ValueError, match="invalid type: 'float'"):
        _x().type(float)
