"""`Tensor.grad_dtype`: the dtype a leaf's gradient is cast to, against PyTorch 2.13 where installed."""

from __future__ import annotations

import copy

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


def _message(call):
    with pytest.raises(RuntimeError) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize("lib", LIBS)
def test_default_is_the_leafs_own_dtype(lib):
    x = lib.ones(2, dtype=lib.float64, requires_grad=True)
    assert x.grad_dtype == lib.float64
    assert lib.ones(2).grad_dtype == lib.float32  # any leaf, requiring grad or not
    assert lib.nn.Parameter(lib.ones(2)).grad_dtype == lib.float32


@pytest.mark.parametrize("lib", LIBS)
def test_backward_casts_before_the_hooks_see_it(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    x.grad_dtype = lib.float64
    seen = []
    x.register_hook(lambda g: seen.append(g.dtype))
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.dtype))
    (x * 2).sum().backward()
    (x * x).sum().backward()
    assert seen == [lib.float64] * 4
    assert x.grad.dtype == lib.float64 and x.grad.tolist() == [4.0, 6.0]
    assert lib.autograd.grad((x * 3).sum(), x)[0].dtype == lib.float64


@pytest.mark.parametrize("lib", LIBS)
def test_none_lets_any_dtype_through(lib):
    x = lib.ones(2, requires_grad=True)
    x.grad_dtype = None
    assert x.grad_dtype is None
    x.grad = lib.ones(2, dtype=lib.float16)
    (x * 2).sum().backward()  # accumulates into the half gradient
    assert x.grad.dtype == lib.float16 and x.grad.tolist() == [3.0, 3.0]
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.dtype == lib.float32


@pytest.mark.parametrize("lib", LIBS)
def test_assigning_grad_follows_the_chosen_dtype(lib):
    x = lib.ones(2, requires_grad=True)
    message = _message(lambda: setattr(x, "grad", lib.ones(2, dtype=lib.float64)))
    assert message == (
        "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient must "
        "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
        "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the "
        "dtypes of a tensor and its gradient may break downstream systems that assume they match."
    )
    x.grad_dtype = lib.float64
    x.grad = lib.ones(2, dtype=lib.float64)
    assert "grad_dtype 'Double'" in _message(lambda: setattr(x, "grad", lib.ones(2)))


@pytest.mark.parametrize("lib", LIBS)
def test_refusals(lib):
    y = lib.ones(2, requires_grad=True)
    assert _message(lambda: setattr(y * 2, "grad_dtype", lib.float64)) == "grad_dtype can only be set on leaf tensors."
    name = "torch" if lib is torch else "retrograd"
    assert _message(lambda: setattr(y, "grad_dtype", 3)) == f"grad_dtype must be a {name}.dtype or None, but got int"
    y.grad = lib.ones(2)
    assert _message(lambda: setattr(y, "grad_dtype", lib.float64)) == (
        "Cannot set grad_dtype to 'Double' because there is already a gradient with dtype 'float'. Please clear the "
        "gradient (.grad = None) before changing grad_dtype, or ensure the new grad_dtype matches the existing "
        "gradient's dtype."
    )


def test_reading_it_on_a_non_leaf_is_refused():
    # (PyTorch 2.13 also warns about reading a non-leaf's .grad here: a side effect we do not copy)
    assert _message(lambda: (rg.ones(2, requires_grad=True) * 2).grad_dtype) == (
        "grad_dtype can only be accessed on leaf tensors."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_copies_do_not_inherit_it(lib):
    q = lib.ones(2, requires_grad=True)
    q.grad_dtype = lib.bfloat16
    assert copy.deepcopy(q).grad_dtype == lib.float32
    assert q.detach().grad_dtype == lib.float32


def test_the_choice_dies_with_the_tensor():
    from retrograd.engine import grad_dtypes

    before = len(grad_dtypes.chosen)
    x = rg.ones(2, requires_grad=True)
    x.grad_dtype = rg.float64
    assert len(grad_dtypes.chosen) == before + 1
    del x
    assert len(grad_dtypes.chosen) == before


@pytest.mark.parametrize("lib", LIBS)
def test_a_non_leafs_grad_follows_its_own_dtype(lib):
    y = lib.ones(2, requires_grad=True) * 2
    assert "with grad_dtype 'Float'" in _message(lambda: setattr(y, "grad", lib.ones(2, dtype=lib.float64)))
