"""NumPy's `axis=` / `keepdims=` spellings, accepted exactly where PyTorch accepts them."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")
JOINS = {"cat", "concat", "concatenate", "stack"}


def _dim_functions() -> list[str]:
    names = []
    for name in sorted(retrograd.ops.__all__):
        fn = getattr(retrograd, name, None)
        if inspect.isroutine(fn) and {"dim", "keepdim"} & set(inspect.signature(fn).parameters):
            names.append(name)
    return names


def _call(lib, name, method, kwargs):
    x = lib.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    args = () if method else ([x, x],) if name in JOINS else (x,)
    call = getattr(x, name) if method else getattr(lib, name)
    if name in {"kthvalue", "topk", "chunk", "narrow", "select", "split", "tensor_split", "repeat_interleave"}:
        args = (*args, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = call(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the outcome compared
        return type(e).__name__
    r = r[0] if isinstance(r, (tuple, list)) else r
    return tuple(r.shape)


def _takes(lib, name, keyword, method=False):
    """Whether `name` treats `axis=`/`keepdims=` as it treats `dim=`/`keepdim=`."""
    if keyword == "axis":
        alias, plain = {"axis": 1}, {"dim": 1}
    else:
        alias, plain = {"dim": 1, "keepdims": True}, {"dim": 1, "keepdim": True}
    plain_outcome = _call(lib, name, method, plain)
    return plain_outcome != "TypeError" and _call(lib, name, method, alias) == plain_outcome


def _cases():
    for name in _dim_functions():
        for keyword in ("axis", "keepdims"):
            yield pytest.param(name, keyword, False, id=f"{name}-{keyword}")
            if hasattr(retrograd.Tensor, name) and name not in JOINS:
                yield pytest.param(name, keyword, True, id=f"Tensor.{name}-{keyword}")


@needs_torch
@pytest.mark.parametrize(("name", "keyword", "method"), list(_cases()))
def test_alias_accepted_where_pytorch_accepts_it(name, keyword, method):
    if not hasattr(torch.Tensor if method else torch, name):
        pytest.skip("not in PyTorch")
    assert _takes(retrograd, name, keyword, method) == _takes(torch, name, keyword, method)


def _outcome(lib, expr):
    x = lib.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4) % 7)
    try:
        r = eval(expr, {"L": lib, "x": x})
    except TypeError as e:
        return "TypeError", str(e)
    r = r[0] if isinstance(r, tuple) else r
    return tuple(r.shape), r.detach().numpy().tolist()


@needs_torch
@pytest.mark.parametrize(
    "expr",
    [
        "L.sum(x, axis=0)",
        "x.mean(axis=1, keepdims=True)",
        "L.max(x, axis=0)",
        "L.cat([x, x], axis=2)",
        "L.cumsum(x, axis=1)",
        "x.std(axis=(0, 2), keepdims=True)",
        "L.softmax(x, axis=-1)",
        "x.argmax(axis=1, keepdims=True)",
        "L.sort(x, axis=0)",
        "L.unsqueeze(x, axis=0)",
        "L.sum(x, 1, axis=0)",
        "L.sum(x, 1, keepdim=True, keepdims=False)",
        "L.cumsum(x)",
        "L.concatenate([x, x], dim=1)",
        "L.concatenate([x, x], axis=-1)",
        "L.concatenate([x, x], 2)",
        "L.swapaxes(x, axis0=0, axis1=2)",
        "x.swapaxes(axis0=-1, axis1=1)",
        "L.swapdims(x, dim0=0, dim1=2)",
        "x.swapdims(dim0=1, dim1=0)",
    ],
)
def test_alias_results_and_errors_match_pytorch(expr):
    ours, theirs = _outcome(retrograd, expr), _outcome(torch, expr)
    assert ours[0] == theirs[0]
    if ours[0] == "TypeError":
        assert ours[1] == theirs[1]
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)


def test_swapaxes_takes_numpy_keywords():
    # Keras's torch backend writes `torch.swapaxes(x, axis0=a, axis1=b)`, PyTorch's own names
    x = retrograd.arange(6.0).reshape(1, 2, 3)
    for y in (retrograd.swapaxes(x, axis0=0, axis1=2), x.swapaxes(axis0=2, axis1=0)):
        assert y.shape == (3, 2, 1)
        assert y[:, 1, 0].tolist() == [3.0, 4.0, 5.0]
    assert retrograd.swapdims(x, dim0=1, dim1=2).shape == (1, 3, 2)
    with pytest.raises(TypeError):
        retrograd.swapaxes(x, dim0=0, dim1=1)  # swapaxes is NumPy-spelled only


def test_concatenate_takes_dim_as_well_as_axis():
    # Keras's torch image ops write `torch.concatenate(parts, dim=-1)`, which PyTorch accepts
    a, b = retrograd.zeros(2, 1), retrograd.ones(2, 2)
    cat = retrograd.concatenate
    for y in (cat([a, b], dim=1), cat([a, b], axis=-1), cat([a, b], 1)):
        assert y.tolist() == [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
    with pytest.raises(TypeError, match="unexpected keyword argument 'axis'"):
        retrograd.concatenate([a, b], 1, axis=1)
    with pytest.raises(TypeError):
        retrograd.concatenate([a, b], 1, retrograd.empty(2, 3))  # `out` is keyword-only
