"""quantile and nanquantile argument checks: PyTorch's messages (all naming quantile()) in its order."""

from __future__ import annotations

import pytest

import retrograd as rg

CASES = {
    "half_input": lambda m: (m.ones(3).half(), 0.5),
    "long_input": lambda m: (m.ones(3).long(), 0.5),
    "scalar_out_of_range_on_empty": lambda m: (m.ones(0), 1.5),
    "2d_q_on_empty": lambda m: (m.ones(0), m.tensor([[0.5]])),
    "2d_q_on_long": lambda m: (m.ones(3).long(), m.tensor([[0.5]])),
    "q_dtype": lambda m: (m.ones(3), m.tensor([0.5], dtype=m.float64)),
    "tensor_q_out_of_range": lambda m: (m.ones(3), m.tensor([1.5])),
    "negative_scalar_q": lambda m: (m.ones(3), -0.1),
    "valid": lambda m: (m.tensor([1.0, 3.0, 2.0]), m.tensor([0.25, 0.5])),
}


def _outcome(m, name, fn, **kwargs):
    try:
        return getattr(m, fn)(*CASES[name](m), **kwargs).tolist()
    except RuntimeError as e:
        return str(e)


def test_messages_and_order():
    assert _outcome(rg, "q_dtype", "nanquantile") == "quantile() q tensor must be same dtype as the input tensor"
    assert _outcome(rg, "half_input", "quantile") == "quantile() input tensor must be either float or double dtype"
    # a scalar q out of range is refused before anything else, then the interpolation, then emptiness
    assert _outcome(rg, "scalar_out_of_range_on_empty", "quantile", interpolation="cubic") == (
        "quantile() q must be in the range [0, 1] but got 1.5"
    )
    assert _outcome(rg, "2d_q_on_empty", "quantile", interpolation="cubic") == (
        "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got cubic"
    )
    assert _outcome(rg, "2d_q_on_empty", "quantile") == "quantile() input tensor must be non-empty"
    assert _outcome(rg, "valid", "nanquantile") == [1.5, 2.0]


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize("interpolation", ["linear", "cubic"])
def test_checks_vs_torch(name, fn, interpolation):
    torch = pytest.importorskip("torch")
    kwargs = {"interpolation": interpolation}
    assert _outcome(rg, name, fn, **kwargs) == _outcome(torch, name, fn, **kwargs)


def _longer_than_pytorch_allows(m):
    """One row of 2**24 + 1 samples (a broadcast view: no memory), reduced along its last dim."""
    return m.zeros(2, 1).expand(2, 2**24 + 1)


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_more_than_2_to_the_24_samples_are_refused(fn):
    # PyTorch's ranks are exact in a double only up to 2**24 samples along the reduced dim
    with pytest.raises(RuntimeError, match=r"^quantile\(\) input tensor is too large$"):
        getattr(rg, fn)(_longer_than_pytorch_allows(rg), 0.5, dim=1)
    assert getattr(rg, fn)(rg.zeros(2, 3).expand(4, 2, 3), 0.5, dim=0).shape == (2, 3)  # the length, not numel


def test_more_than_2_to_the_24_samples_vs_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match=r"^quantile\(\) input tensor is too large$"):
        torch.quantile(_longer_than_pytorch_allows(torch), 0.5, dim=1)


# --- the result's grad_fn: PyTorch ends quantile with an in-place squeeze_(-1) ---------------------

GRAD_FN_CASES = [
    (0.5, None, False),
    (0.5, 1, True),
    ("tensor_q", None, False),
    ("tensor_q", 0, True),
    ("scalar_tensor_q", 1, False),
]


def _quantile_grad_fn(m, fn, q, dim, keepdim):
    x = m.tensor([[1.0, 4.0, 2.0], [3.0, 0.0, 5.0]], requires_grad=True)
    q = {"tensor_q": m.tensor([0.25, 0.75]), "scalar_tensor_q": m.tensor(0.5)}.get(q, q)
    r = getattr(m, fn)(x, q, dim=dim, keepdim=keepdim)
    r.sum().backward()
    return r.grad_fn.name(), tuple(r.shape), x.grad.tolist()


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize(("q", "dim", "keepdim"), GRAD_FN_CASES)
def test_result_grad_fn_is_the_in_place_squeeze(fn, q, dim, keepdim):
    name, _, grad = _quantile_grad_fn(rg, fn, q, dim, keepdim)
    assert name == "SqueezeBackward4"
    # each quantile's gradient sums to 1 per output element
    outputs = {None: 1, 0: 3, 1: 2}[dim] * (2 if q == "tensor_q" else 1)
    assert sum(sum(row) for row in grad) == pytest.approx(outputs)


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
@pytest.mark.parametrize(("q", "dim", "keepdim"), GRAD_FN_CASES)
def test_result_grad_fn_vs_torch(fn, q, dim, keepdim):
    torch = pytest.importorskip("torch")
    assert _quantile_grad_fn(rg, fn, q, dim, keepdim) == _quantile_grad_fn(torch, fn, q, dim, keepdim)
