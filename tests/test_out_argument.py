"""`out=`: every public function that takes it writes its result there, as PyTorch does.

Each function of `out_argument_cases.CASES` is called with `out` of the right dtype (the
result lands in `out`, which is returned), of other dtypes (accepted, converted or refused
as PyTorch does), of another shape (resized, with PyTorch's warning when `out` had
elements) and with arguments that require grad (PyTorch's RuntimeError).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import retrograd

from .out_argument_cases import (
    CASES,
    DTYPE_GAPS,
    KNOWN_GAPS,
    NO_PYTORCH_KERNEL,
    NOT_DIFFERENTIABLE,
    RANDOM,
    RETURNS_GIVEN_OUT,
    RETURNS_NONE,
)  # fmt: skip

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None



def _names(gaps: dict[str, str], compared: bool = False) -> list:
    names = sorted(n for n in CASES if not (compared and n in NO_PYTORCH_KERNEL))
    return [pytest.param(n, marks=pytest.mark.xfail(reason=gaps[n], strict=False)) if n in gaps else n
            for n in names]


NAMES = _names(KNOWN_GAPS)
COMPARED = _names(KNOWN_GAPS, compared=True)  # the comparisons with PyTorch: the functions it can run
DTYPE_NAMES = _names(KNOWN_GAPS | DTYPE_GAPS, compared=True)  # the dtype rules: also the functions of other rules
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def _public_out_functions() -> set[str]:
    found = set()
    modules = (("", retrograd), ("linalg.", retrograd.linalg), ("nn.functional.", retrograd.nn.functional),
               ("fft.", retrograd.fft), ("special.", retrograd.special))  # fmt: skip
    for prefix, module in modules:
        for name in getattr(module, "__all__", dir(module)):
            fn = getattr(module, name)
            if name.startswith("_") or not inspect.isroutine(fn):  # (a function, or a built-in face)
                continue
            if inspect.unwrap(fn).__module__.endswith(".removed"):  # gone since PyTorch 1.9: raise before out=
                continue
            if "out" in inspect.signature(fn).parameters:
                found.add(prefix + name)
    return found


def test_every_function_with_out_has_a_case():
    assert _public_out_functions() == set(CASES)


def _call(lib, name, out_of=None, seed=0, **extra):
    fn, args, kwargs = CASES[name](lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # deprecations (chain_matmul, qr, ...)
        if out_of is not None:
            extra["out"] = out_of(lib, fn(*args, **kwargs))
        lib.manual_seed(seed)
        result = fn(*args, **kwargs, **extra)
    if name in RETURNS_NONE and "out" in extra:  # (the filled list is what is checked)
        assert result is None
        return extra["out"]
    return result


def _like(lib, result, dtype=None, shape=None):
    """An uninitialised out for `result` (a tuple for a tuple result); `dtype` replaces the first's."""
    if isinstance(result, tuple):
        return tuple(_like(lib, r, dtype if i == 0 else None, shape) for i, r in enumerate(result))
    return lib.empty(result.shape if shape is None else shape, dtype=result.dtype if dtype is None else dtype)


def _flat(x):
    return list(x) if isinstance(x, tuple) else [x]


def _values(x):
    if isinstance(x, tuple):
        return [_values(t) for t in x]
    return x.detach().numpy()


@pytest.mark.parametrize("name", NAMES)
def test_out_receives_the_result_and_is_returned(name):
    plain = _call(retrograd, name)
    outs = []
    got = _call(retrograd, name, lambda L, r: outs.append(_like(L, r)) or outs[0])
    out = outs[0]
    if name in RETURNS_GIVEN_OUT or name in RETURNS_NONE:
        assert got is out
    elif isinstance(out, tuple):
        assert isinstance(got, tuple) and got._fields == plain._fields
        assert type(got).__name__ == type(plain).__name__ + "_out"  # PyTorch's own named tuple: `max_out`
        assert all(g is o for g, o in zip(got, out, strict=True))
    else:
        assert got is out
    if name != "empty":
        for a, b in zip(_flat(got), _flat(plain), strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def _outcome(lib, name, make_out):
    try:
        got = _call(lib, name, make_out)
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e).split("\n")[0]
    first = got[0] if isinstance(got, tuple) else got
    return "ok", str(first.dtype).split(".")[-1], tuple(first.shape), None if name in RANDOM else _values(first)


@needs_torch
@pytest.mark.parametrize("dtype", ["float64", "int64", "bool", "float32"])
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_out_dtype_rules_match_pytorch(name, dtype):
    def make(L, r):
        return _like(L, r, getattr(L, dtype))

    ours, theirs = _outcome(retrograd, name, make), _outcome(torch, name, make)
    if theirs[0] == "NotImplementedError" and ours[0] in {"RuntimeError", "TypeError", "NotImplementedError"}:
        return  # PyTorch has no kernel for that dtype; refusing it any way is fine
    if "INTERNAL ASSERT FAILED" in theirs[1]:
        return  # PyTorch's own bug (ldexp into a float64 out): nothing to follow
    assert ours[:3] == theirs[:3], f"retrograd {ours[:2]}, torch {theirs[:2]}"  # same error and message
    if ours[0] == "ok" and ours[3] is not None:
        np.testing.assert_allclose(
            ours[3].astype(np.float64), theirs[3].astype(np.float64), rtol=1e-4, atol=1e-5, equal_nan=True
        )


def _resize_outcome(lib, name, shape):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outs = []
        try:
            got = _call(lib, name, lambda L, r: outs.append(_like(L, r, shape=shape)) or outs[0])
        except RuntimeError as e:  # (split_copy copies into its outs: one of another shape must broadcast)
            return type(e).__name__, str(e)
    resized = [str(w.message).split(" (Triggered")[0] for w in caught if "was resized" in str(w.message)]
    first = got[0] if isinstance(got, tuple) else got
    return tuple(first.shape), resized


@needs_torch
@pytest.mark.parametrize("shape", [(7,), (0,)])
@pytest.mark.parametrize("name", COMPARED)
def test_out_of_another_shape_is_resized_as_pytorch_does(name, shape):
    assert _resize_outcome(retrograd, name, shape) == _resize_outcome(torch, name, shape)


def _grad_outcome(lib, name, grad_enabled):
    fn, args, kwargs = CASES[name](lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = fn(*args, **kwargs)
    out = _like(lib, result)
    if name in NOT_DIFFERENTIABLE:
        first = out[0] if isinstance(out, tuple) else out
        if not first.dtype.is_floating_point:
            return "skip"
        first.requires_grad_()
    else:
        for a in args if not isinstance(args[0], list) else args[0]:
            if isinstance(a, lib.Tensor) and a.dtype.is_floating_point:
                a.requires_grad_()
    try:
        with warnings.catch_warnings(), lib.set_grad_enabled(grad_enabled):
            warnings.simplefilter("ignore", UserWarning)
            fn(*args, **kwargs, out=out)
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e).split("(): ")[-1]
    return "ok"


@needs_torch
@pytest.mark.parametrize("grad_enabled", [True, False])
@pytest.mark.parametrize("name", COMPARED)
def test_out_refuses_autograd_as_pytorch_does(name, grad_enabled):
    ours = _grad_outcome(retrograd, name, grad_enabled)
    theirs = _grad_outcome(torch, name, grad_enabled)
    if theirs == ("RuntimeError", "cannot resize variables that require grad"):
        theirs = ours  # factories resize first; either refusal is PyTorch's type
    assert ours == theirs


def test_tuple_out_needs_int64_indices():
    x = retrograd.tensor([[1.0, 3.0], [2.0, 0.0]])
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype long int, but got int instead"):
        retrograd.max(x, 0, out=(retrograd.empty(2), retrograd.empty(2, dtype=retrograd.int32)))


def test_out_must_be_a_tensor():
    with pytest.raises(TypeError, match="argument 'out' must be Tensor, not list"):
        retrograd.sin(retrograd.ones(2), out=[1.0, 2.0])


def test_out_write_bumps_the_version_and_keeps_views():
    base = retrograd.zeros(2, 3)
    row = base[1]
    version = row._version
    retrograd.add(retrograd.ones(3), 1, out=row)
    assert row._version == version + 1
    np.testing.assert_array_equal(base.numpy(), [[0, 0, 0], [2, 2, 2]])



@needs_torch
@pytest.mark.parametrize("name", sorted(n for n in CASES if n not in KNOWN_GAPS and n not in NO_PYTORCH_KERNEL))
def test_out_variants_return_pytorchs_named_tuples(name):
    names = []
    for lib in (retrograd, torch):
        got = _call(lib, name, lambda L, r: _like(L, r))
        names.append(repr(got).split("(")[0].replace("retrograd.", "torch.") if isinstance(got, tuple) else "")
    assert names[0] == names[1]
