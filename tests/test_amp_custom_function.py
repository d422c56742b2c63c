"""`amp.custom_fwd` / `amp.custom_bwd` on custom Functions, and their deprecated `cuda.amp` spellings."""

from __future__ import annotations

import doctest
import warnings

import pytest

import retrograd as rg


def custom_function_story(m):
    """A Function decorated both ways: values, gradients, what ctx records, and the refusals."""
    seen = []

    class Scale(m.autograd.Function):
        @staticmethod
        @m.amp.custom_fwd(device_type="cpu")
        def forward(ctx, a, k=3.0):
            seen.append((ctx._fwd_used_autocast, str(ctx._dtype).split(".")[1]))
            return a * k

        @staticmethod
        @m.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            seen.append(m.is_autocast_enabled("cpu"))
            return g * 3.0, None

    class Cast(m.autograd.Function):
        @staticmethod
        @m.amp.custom_fwd(device_type="cpu", cast_inputs=m.float32)
        def forward(ctx, a):
            return a * 2

        @staticmethod
        @m.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            return g * 2

    x = m.ones(2, requires_grad=True)
    y = Scale.apply(x)
    y.sum().backward()
    seen += [y.tolist(), type(y.grad_fn).__name__, x.grad.tolist()]
    seen.append(str(Cast.apply(m.ones(2, dtype=m.float64, requires_grad=True)).dtype).split(".")[1])
    for bad in (lambda: m.amp.custom_fwd(lambda ctx, a: a), lambda: m.amp.custom_bwd(device_type=1)):
        try:
            bad()
        except (TypeError, ValueError) as e:
            seen.append((type(e).__name__, str(e)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.cuda.amp.custom_fwd(lambda ctx, a: a)
        m.cuda.amp.custom_bwd(lambda ctx, g: g)
    seen += [str(w.message).replace(m.__name__ + ".", "PKG.") for w in caught]
    return seen


def test_custom_fwd_and_bwd_keep_the_autocast_state():
    seen = custom_function_story(rg)
    assert seen[:6] == [(False, "bfloat16"), False, [3.0, 3.0], "ScaleBackward", [3.0, 3.0], "float64"]
    assert seen[6] == ("TypeError", "custom_fwd() missing 1 required keyword-only argument: 'device_type'")
    assert seen[7] == ("ValueError", "Expected `device_type` of type `str`, got: `<class 'int'>`")
    assert seen[8:] == [
        "`PKG.cuda.amp.custom_fwd(args...)` is deprecated. Please use `PKG.amp.custom_fwd(args..., "
        "device_type='cuda')` instead.",
        "`PKG.cuda.amp.custom_bwd(args...)` is deprecated. Please use `PKG.amp.custom_bwd(args..., "
        "device_type='cuda')` instead.",
    ]


def test_cast_reaches_floating_tensors_through_containers():
    from retrograd.amp.custom_function import _cast

    half = rg.ones(1, dtype=rg.float16)
    cast = _cast({"a": [half, (half, "s")], "b": rg.ones(1, dtype=rg.float64), "n": 3}, "cpu", rg.float32)
    assert cast["a"][0].dtype == rg.float32 and cast["a"][1][0].dtype == rg.float32 and cast["a"][1][1] == "s"
    assert cast["b"].dtype == rg.float64 and cast["n"] == 3  # float64 is never lowered


def test_custom_function_docstring_examples_run():
    import retrograd.amp.custom_function as module

    assert doctest.testmod(module, extraglobs={"retrograd": rg}).failed == 0


def test_custom_fwd_and_bwd_vs_torch():
    torch = pytest.importorskip("torch")
    assert custom_function_story(rg) == custom_function_story(torch)


def region_dtype_story(m):
    """The autocast dtype inside nested regions (disabled ones included) and after them."""
    seen = []
    with m.autocast("cpu", dtype=m.float16, enabled=False):
        seen.append(m.get_autocast_dtype("cpu"))
        inner = m.autocast("cpu", enabled=False)  # no dtype: takes the current one
        with inner:
            seen += [inner.fast_dtype, m.get_autocast_dtype("cpu")]
    seen += [m.get_autocast_dtype("cpu"), m.get_autocast_dtype("cuda")]
    return [str(d).split(".")[1] for d in seen]


def test_regions_set_the_autocast_dtype_while_open():
    assert region_dtype_story(rg) == ["float16", "float16", "float16", "bfloat16", "float16"]


def test_region_dtype_vs_torch():
    torch = pytest.importorskip("torch")
    assert region_dtype_story(rg) == region_dtype_story(torch)
