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
    # int arguments: not a float, not a tensor with dims, not a bool
    "lib.diff(t, t)": "diff(): argument 'n' (position 2) must be int, not Tensor",
    "lib.diff(t, True)": "diff(): argument 'n' (position 2) must be int, not bool",
    "lib.topk(t, 1.0)": "topk(): argument 'k' (position 2) must be int, not float",
    "lib.kthvalue(t, 1.5)": "kthvalue(): argument 'k' (position 2) must be int, not float",
    "lib.histc(t, t)": "histc(): argument 'bins' (position 2) must be int, not Tensor",
    "lib.polygamma(t, t)": "polygamma(): argument 'n' (position 1) must be int, not Tensor",
    "lib.mvlgamma(t, t)": "mvlgamma(): argument 'p' (position 2) must be int, not Tensor",
    "lib.bincount(lib.tensor([1, 2]), 1.5)": "bincount(): argument 'weights' (position 2) must be Tensor, not float",
    "lib.bincount(lib.tensor([1, 2]), None, t)":
        "bincount(): argument 'minlength' (position 3) must be int, not Tensor",
    # flags PyTorch's unique passes on by keyword
    "lib.unique(t, 1)": "_unique2(): argument 'sorted' must be bool, not int",
    "lib.unique(t, True, None)": "_unique2(): argument 'return_inverse' must be bool, not NoneType",
    "lib.unique(t, dim=1.5)": "unique_dim(): argument 'dim' (position 2) must be int, not float",
    "lib.unique_consecutive(t, 'a')": "unique_consecutive(): argument 'return_inverse' must be bool, not str",
    "lib.unique_consecutive(t, True, True, 1.5)": "unique_consecutive(): argument 'dim' must be int, not float",
}

# functions with overloads: PyTorch lists them all
OVERLOADS = {
    "lib.trapezoid(t, 1.5)": ("trapezoid", "(Tensor, float)",
                              ["Tensor y, Tensor x, *, int dim = -1", "Tensor y, *, Number dx = 1, int dim = -1"]),
    "lib.cumulative_trapezoid(t, 2)": ("cumulative_trapezoid", "(Tensor, int)",
                                       ["Tensor y, Tensor x, *, int dim = -1",
                                        "Tensor y, *, Number dx = 1, int dim = -1"]),
    "lib.bucketize(t, 5)": ("bucketize", "(Tensor, int)", [
        "Tensor input, Tensor boundaries, *, bool out_int32 = False, bool right = False, Tensor out = None",
        "Number self, Tensor boundaries, *, bool out_int32 = False, bool right = False"]),
    "lib.searchsorted(t, 'a')": ("searchsorted", "(Tensor, str)", [
        "Tensor sorted_sequence, Tensor input, *, bool out_int32 = False, bool right = False, str side = None, "
        "Tensor sorter = None, Tensor out = None",
        "Tensor sorted_sequence, Number self, *, bool out_int32 = False, bool right = False, str side = None, "
        "Tensor sorter = None, Tensor out = None"]),
    "lib.clamp(t, 'a')": ("clamp", "(Tensor, str)", [
        "Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
        "Tensor input, Number min = None, Number max = None, *, Tensor out = None"]),
    "lib.clamp_min(t, None)": ("clamp_min", "(Tensor, NoneType)", [
        "Tensor input, Tensor min, *, Tensor out = None", "Tensor input, Number min, *, Tensor out = None"]),
    "lib.clamp_max(t, [1])": ("clamp_max", "(Tensor, list)", [
        "Tensor input, Tensor max, *, Tensor out = None", "Tensor input, Number max, *, Tensor out = None"]),
    "lib.quantile(t, 'a')": ("quantile", "(Tensor, str)", [
        f"Tensor input, {q}, int dim = None, bool keepdim = False, *, str interpolation = \"linear\", Tensor out = None"
        for q in ("Tensor q", "float q")]),
    "lib.nanquantile(t, [0.5])": ("nanquantile", "(Tensor, list)", [
        f"Tensor input, {q}, int dim = None, bool keepdim = False, *, str interpolation = \"linear\", Tensor out = None"
        for q in ("Tensor q", "float q")]),
}


def _overload_message(fn, got, signatures):
    listed = "".join(f" * ({s})\n" for s in signatures)
    return f"{fn}() received an invalid combination of arguments - got {got}, but expected one of:\n{listed}"


@pytest.mark.parametrize("expression", OVERLOADS)
def test_argument_of_no_overload_lists_the_overloads(expression):
    assert _raised(rg, expression) == ("TypeError", _overload_message(*OVERLOADS[expression]))


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", OVERLOADS)
def test_argument_of_no_overload_vs_torch(expression):
    assert _raised(torch, expression) == ("TypeError", _overload_message(*OVERLOADS[expression]))


def test_max_of_three_tensors_is_no_overload():
    # max(a, b) takes no keepdim: a third tensor was silently ignored
    t = rg.ones(3)
    for fn in (rg.max, rg.min):
        with pytest.raises(TypeError, match=r"invalid combination of arguments - got \(Tensor, Tensor, Tensor\)"):
            fn(t, t, t)
        assert fn(t, t, keepdim=False).tolist() == [1.0, 1.0, 1.0]


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
    "lib.topk(lib.tensor([1.0, 3.0]), lib.tensor(1)).values.tolist()": [3.0],
    "lib.diff(lib.tensor([1, 4, 9]), lib.tensor(2)).tolist()": [2],
    "lib.quantile(lib.tensor([0.0, 2.0]), True).item()": 2.0,
    "lib.trapezoid(lib.tensor([1.0, 3.0]), lib.tensor([0.0, 2.0])).item()": 4.0,
    "lib.bucketize(1.5, lib.tensor([1.0, 2.0])).item()": 1,
    "lib.clamp(lib.tensor([5]), None, 2).tolist()": [2],
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


def test_bitwise_ops_of_floats_name_a_shape_mismatch_first():
    # PyTorch's iterator fails on the shapes before the kernel refuses the dtype
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(5\\)"):
        rg.bitwise_and(rg.ones(2, 3), rg.ones(4, 5))
    with pytest.raises(NotImplementedError, match="\"bitwise_or_cpu\" not implemented for 'Float'"):
        rg.bitwise_or(rg.ones(2, 3), rg.ones(2, 3))
