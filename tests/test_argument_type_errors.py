"""Wrongly typed arguments get the TypeError of PyTorch's argument parser, raised before the op runs:
never a silent result, and never an error from deep inside (NumPy's, an AttributeError, tensor truth).

Each expression runs on retrograd (and on PyTorch where installed) with `t` a (2, 3) float tensor
and `lib` the library; the exception type and message must be the ones spelled out here."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


ERRORS = {
    # isclose / allclose: two tensors, float tolerances, a bool
    "lib.isclose(t, 2.0)": "isclose(): argument 'other' (position 2) must be Tensor, not float",
    "lib.allclose(t, -2)": "allclose(): argument 'other' (position 2) must be Tensor, not int",
    "lib.isclose(t, t, t)": "isclose(): argument 'rtol' (position 3) must be float, not Tensor",
    "lib.allclose(t, t, 1e-5, 'a')": "allclose(): argument 'atol' (position 4) must be float, not str",
    "lib.isclose(t, t, 1e-5, 1e-8, 1)": "isclose(): argument 'equal_nan' (position 5) must be bool, not int",
    # the incomplete gamma functions have no number overload
    "lib.igamma(t, 2.0)": "igamma(): argument 'other' (position 2) must be Tensor, not float",
    "lib.igammac(t, -2)": "igammac(): argument 'other' (position 2) must be Tensor, not int",
    # float arguments: a tensor with dims is no float
    "lib.logit(t, lib.ones(3))": "logit(): argument 'eps' (position 2) must be float, not Tensor",
    "lib.logit(t, 'a')": "logit(): argument 'eps' (position 2) must be float, not str",
    "lib.nan_to_num(t, lib.ones(3))": "nan_to_num(): argument 'nan' (position 2) must be float, not Tensor",
    "lib.nan_to_num(t, 0.0, lib.ones(3))": "nan_to_num(): argument 'posinf' (position 3) must be float, not Tensor",
    # Number arguments: a 0-d tensor is one, a tensor with dims is not
    "lib.celu(t, lib.ones(3))": "celu(): argument 'alpha' (position 2) must be Number, not Tensor",
    "lib.celu(t, None)": "celu(): argument 'alpha' (position 2) must be Number, not NoneType",
    "lib.celu_(t, lib.ones(3))": "celu_(): argument 'alpha' (position 2) must be Number, not Tensor",
    "lib.rrelu(t, lib.ones(3))": "rrelu(): argument 'lower' (position 2) must be Number, not Tensor",
    "lib.rrelu_(t, 0.1, 'a')": "rrelu_(): argument 'upper' (position 3) must be Number, not str",
    "lib.rrelu(t, 0.1, 0.3, 1)": "rrelu(): argument 'training' (position 4) must be bool, not int",
}


def _raised(lib, expression):
    scope = {"lib": lib, "t": lib.linspace(-1, 1, 6).reshape(2, 3)}
    with pytest.raises(Exception) as info:
        eval(expression, scope)
    return type(info.value).__name__, str(info.value)


@pytest.mark.parametrize("expression", ERRORS)
def test_wrongly_typed_argument_raises_the_parsers_type_error(expression):
    assert _raised(rg, expression) == ("TypeError", ERRORS[expression])


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ERRORS)
def test_wrongly_typed_argument_vs_torch(expression):
    assert _raised(torch, expression) == ("TypeError", ERRORS[expression])


ACCEPTED = {
    # what the parser takes for these types: a 0-d tensor or an int for a float, keywords
    "lib.isclose(t, t, lib.tensor(0.1), 0).all().item()": True,
    "lib.allclose(t, t + 1e-3, atol=1e-2, equal_nan=True)": True,
    "t.isclose(t).all().item()": True,
    "lib.nan_to_num(lib.tensor([float('nan'), 1.0]), None).tolist()": [0.0, 1.0],  # nan=None: the default
    "lib.nan_to_num(lib.tensor([float('inf')]), 0.0, lib.tensor(2.0)).tolist()": [2.0],
    "lib.logit(lib.tensor([0.0]), lib.tensor(0.25)).tolist()": [-1.0986123085021973],
    "lib.celu(lib.tensor([-1.0]), lib.tensor(2)).tolist()": [-0.7869386672973633],
    "lib.rrelu(lib.tensor([-1.0]), lib.tensor(0.25), 0.25).tolist()": [-0.25],
}


@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_typed_arguments_still_run(expression):
    scope = {"lib": rg, "t": rg.linspace(-1, 1, 6).reshape(2, 3)}
    assert eval(expression, scope) == ACCEPTED[expression]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_typed_arguments_vs_torch(expression):
    scope = {"lib": torch, "t": torch.linspace(-1, 1, 6).reshape(2, 3)}
    assert eval(expression, scope) == ACCEPTED[expression]
