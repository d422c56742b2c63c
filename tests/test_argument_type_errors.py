"""Wrongly typed arguments get the TypeError of PyTorch's argument parser, raised before the op runs:
never a silent result, and never an error from deep inside (NumPy's, an AttributeError, tensor truth).

Each expression runs on retrograd (and on PyTorch where installed) with `t` a (2, 3) float tensor
and `lib` the library; the exception type and message must be the ones spelled out here."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


ERRORS = {
    # include_self is a keyword-only bool: no 1, None or tensor standing in for it
    "lib.scatter_reduce(t, 0, lib.zeros(1, 1, dtype=lib.int64), t, 'sum', include_self=1)": (
        "scatter_reduce(): argument 'include_self' must be bool, not int"
    ),
    "t.scatter_reduce(0, lib.zeros(1, 1, dtype=lib.int64), t, 'amax', include_self=None)": (
        "scatter_reduce(): argument 'include_self' must be bool, not NoneType"
    ),
    "lib.index_reduce(t, 0, lib.tensor([0]), t[:1], 'amax', include_self=lib.tensor(True))": (
        "index_reduce(): argument 'include_self' must be bool, not Tensor"
    ),
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
    "lib.fake_quantize_per_channel_affine(t, lib.ones(3), lib.zeros(3), t, 0, 255)":
        "fake_quantize_per_channel_affine(): argument 'axis' (position 4) must be int, not Tensor",
    # int arguments: not a float, a string, a bool or a tensor with dims (NumPy would truncate 1.5)
    "lib.tril(t, 1.5)": "tril(): argument 'diagonal' (position 2) must be int, not float",
    "lib.triu(t, 'a')": "triu(): argument 'diagonal' (position 2) must be int, not str",
    "lib.tril(t, True)": "tril(): argument 'diagonal' (position 2) must be int, not bool",
    "lib.diag(t, 1.5)": "diag(): argument 'diagonal' (position 2) must be int, not float",
    "lib.diag_embed(t, 'a')": "diag_embed(): argument 'offset' (position 2) must be int, not str",
    "lib.diagflat(t, lib.ones(3))": "diagflat(): argument 'offset' (position 2) must be int, not Tensor",
    "lib.diagonal(t, 1.5)": "diagonal(): argument 'offset' (position 2) must be int, not float",
    "lib.rot90(t, lib.ones(3))": "rot90(): argument 'k' (position 2) must be int, not Tensor",
    "lib.chunk(t, 2.0)": "chunk(): argument 'chunks' (position 2) must be int, not float",
    "lib.chunk(t, lib.ones(3))": "chunk(): argument 'chunks' (position 2) must be int, not Tensor",
    "lib.combinations(t, None)": "combinations(): argument 'r' (position 2) must be int, not NoneType",
    # tuples of ints (`int[1]` ones, roll's, also take one int)
    "lib.rot90(t, 1, [0.0, 1])": "rot90(): argument 'dims' (position 3) must be tuple of ints, but found element of "
    "type float at pos 0",
    "lib.roll(t, 'a')": "roll(): argument 'shifts' (position 2) must be tuple of ints, not str",
    "lib.roll(t, lib.ones(3))": "roll(): argument 'shifts' (position 2) must be tuple of ints, not Tensor",
    "lib.roll(t, 1, 1.0)": "roll(): argument 'dims' (position 3) must be tuple of ints, not float",
    "lib.split_with_sizes(t, 2)": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, "
    "not int",
    "lib.split_with_sizes(t, [1.0, 1])": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
    "ints, but found element of type float at pos 0",
    # Tensor.split takes anything but an int (or a one-element tensor) as sizes: a tensor of counts
    "t.split(lib.tensor([1, 1]))": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
    "ints, not Tensor",
    "lib.split(t, np.array([1, 1]))": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
    "ints, not numpy.ndarray",
    "t.split(np.int64(1))": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, "
    "not numpy.int64",
    "lib.split(t, 1.0)": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not float",
    "t.split([1.0, 1])": "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of "
    "ints, but found element of type float at pos 0",
    # dtypes, keyword-only arguments, a shape that is required
    "lib.can_cast(t, lib.float32)": "can_cast(): argument 'from_' (position 1) must be {lib.__name__}.dtype, "
    "not Tensor",
    "lib.can_cast(lib.float32, None)": "can_cast(): argument 'to' (position 2) must be {lib.__name__}.dtype, "
    "not NoneType",
    "lib.as_tensor(t, None)": "as_tensor() takes 1 positional argument but 2 were given",
    "lib.zeros()": 'zeros() missing 1 required positional arguments: "size"',
    "lib.ones(dtype=lib.float64)": 'ones() missing 1 required positional arguments: "size"',
    "lib.empty()": 'empty() missing 1 required positional arguments: "size"',
    # Numbers and ints of the factories (a tensor with dims is neither)
    "lib.arange(t)": "arange(): argument 'end' (position 1) must be Number, not Tensor",
    "lib.arange('a')": "arange(): argument 'end' (position 1) must be Number, not str",
    "lib.range(t, 1)": "range(): argument 'start' (position 1) must be Number, not Tensor",
    "lib.range(1, 3, 'a')": "range(): argument 'step' (position 3) must be Number, not str",
    "lib.eye(t)": "eye(): argument 'n' (position 1) must be int, not Tensor",
    "lib.eye(3.0)": "eye(): argument 'n' (position 1) must be int, not float",
    "lib.full_like(t, t)": "full_like(): argument 'fill_value' (position 2) must be Number, not Tensor",
    # the dim of the indexing ops is an int; index_put's indices a tuple
    "lib.gather(lib.ones(3), lib.ones(3), lib.ones(3))": "gather(): argument 'dim' (position 2) must be int, "
    "not Tensor",
    "lib.index_select(t, 1.0, lib.tensor([0]))": "index_select(): argument 'dim' (position 2) must be int, not float",
    "lib.take_along_dim(t, lib.zeros(2, 1, dtype=lib.int64), lib.ones(3))": "take_along_dim(): argument 'dim' "
    "(position 3) must be int, not Tensor",
    "lib.index_put(lib.ones(3), lib.ones(3), lib.ones(3))": "index_put(): argument 'indices' (position 2) must be "
    "tuple of Tensors, not Tensor",
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
    # one bound a tensor with dims (or requiring grad), the other a number: neither signature
    "lib.clamp(t, lib.zeros(3), 0.5)": ("clamp", "(Tensor, Tensor, float)", [
        "Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
        "Tensor input, Number min = None, Number max = None, *, Tensor out = None"]),
    "lib.clamp(t, 0, lib.tensor(0.5, requires_grad=True))": ("clamp", "(Tensor, int, Tensor)", [
        "Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
        "Tensor input, Number min = None, Number max = None, *, Tensor out = None"]),
    # max/min with a dim that is no int
    "lib.max(t, 0.5)": ("max", "(Tensor, float)", [
        "Tensor input, *, Tensor out = None", "Tensor input, Tensor other, *, Tensor out = None",
        "Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None"]),
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
    scope = {"lib": lib, "np": np, "t": lib.linspace(-1, 1, 6).reshape(2, 3)}
    with pytest.raises(Exception) as info:
        eval(expression, scope)
    return type(info.value).__name__, str(info.value)


def _expected(lib, expression):
    return ERRORS[expression].replace("{lib.__name__}", lib.__name__)


@pytest.mark.parametrize("expression", ERRORS)
def test_wrongly_typed_argument_raises_the_parsers_type_error(expression):
    assert _raised(rg, expression) == ("TypeError", _expected(rg, expression))


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ERRORS)
def test_wrongly_typed_argument_vs_torch(expression):
    assert _raised(torch, expression) == ("TypeError", _expected(torch, expression))


# no signature matches: the parser's listing (PyTorch adds a "didn't match because" line per signature)
NO_SIGNATURE = {
    "lib.hsplit(t, lib.ones(3))": "hsplit() received an invalid combination of arguments - got (Tensor, Tensor), "
    "but expected one of:\n * (Tensor input, int sections)\n",
    "lib.dsplit(t, 1.5)": "dsplit() received an invalid combination of arguments - got (Tensor, float), ",
    "lib.vsplit(t, [1.0])": "vsplit() received an invalid combination of arguments - got (Tensor, list), ",
    "lib.arange(1, 5, t)": "arange() received an invalid combination of arguments - got (int, int, Tensor), but "
    "expected one of:\n * (Number end, *, Tensor out = None, ",
    "lib.linspace(lib.ones(3), lib.ones(3), lib.ones(3))": "linspace() received an invalid combination of arguments "
    "- got (Tensor, Tensor, Tensor), but expected one of:\n * (Tensor start, Tensor end, int steps, *, ",
    "lib.linspace(0, 1, 3.0)": "linspace() received an invalid combination of arguments - got (int, int, float), ",
    "lib.eye(3, t)": "eye() received an invalid combination of arguments - got (int, Tensor), but expected one of:\n"
    " * (int n, *, Tensor out = None, ",
    "lib.where(t > 0, 1.5)": "where() received an invalid combination of arguments - got (Tensor, float), but "
    "expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
    "lib.where(t > 0, None, t)": "where() received an invalid combination of arguments - got "
    "(Tensor, NoneType, Tensor)",
    # a C type from another module is named by its tp_name, module and all (it printed `ndarray`, `float64`)
    "lib.where(t > 0, np.ones(2))": "where() received an invalid combination of arguments - got "
    "(Tensor, numpy.ndarray), but expected one of:",
    "lib.where(t > 0, np.float64(1.5))": "where() received an invalid combination of arguments - got "
    "(Tensor, numpy.float64), but expected one of:",
    "lib.scatter(lib.ones(3), lib.ones(3), lib.ones(3))": "scatter() received an invalid combination of arguments - "
    "got (Tensor, Tensor, Tensor), but expected one of:\n * (Tensor input, int dim, Tensor index, Tensor src, *, ",
    "lib.repeat_interleave(t, 1.5)": "repeat_interleave() received an invalid combination of arguments - got "
    "(Tensor, float), but expected one of:\n * (Tensor input, Tensor repeats, int dim = None, ",
}


# errors the ops raise after the parser, in PyTorch's order of checks
OTHER_ERRORS = {
    "lib.linspace(t, 1, 3)": (
        "RuntimeError",
        "linspace only supports 0-dimensional start and end tensors, but got start with 2 dimension(s).",
    ),
    "lib.tensordot(lib.ones(3), lib.ones(3), lib.ones(3))": (
        "AssertionError",
        "dims tensor must have size 2 in first dimension, got 3",
    ),
    "lib.repeat_interleave(lib.ones(2, 2, dtype=lib.bool))": (
        "NotImplementedError",
        "\"repeat_interleave_cpu\" not implemented for 'Bool'",
    ),
    "lib.repeat_interleave(lib.ones(2, 2, dtype=lib.int64))": (
        "RuntimeError",
        "repeat_interleave only accept 1D vector as repeat",
    ),
    "lib.repeat_interleave(t, lib.ones(2, 2))": ("RuntimeError", "repeats must be 0-dim or 1-dim tensor"),
    "lib.repeat_interleave(t, lib.ones(3))": (
        "RuntimeError",
        "repeats must have the same size as input along dim, but got repeats.size(0) = 3 and input.size(0) = 6",
    ),
    "lib.repeat_interleave(t, lib.ones(6))": (
        "NotImplementedError",
        "\"repeat_interleave_cpu\" not implemented for 'Float'",
    ),
}


@pytest.mark.parametrize("expression", OTHER_ERRORS)
def test_checks_after_the_parser_come_in_pytorchs_order(expression):
    assert _raised(rg, expression) == OTHER_ERRORS[expression]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", OTHER_ERRORS)
def test_checks_after_the_parser_vs_torch(expression):
    assert _raised(torch, expression) == OTHER_ERRORS[expression]


@pytest.mark.parametrize("expression", NO_SIGNATURE)
def test_no_matching_signature_raises_the_parsers_type_error(expression):
    kind, message = _raised(rg, expression)
    assert kind == "TypeError" and message.startswith(NO_SIGNATURE[expression])


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", NO_SIGNATURE)
def test_no_matching_signature_vs_torch(expression):
    kind, message = _raised(torch, expression)
    assert kind == "TypeError" and message.startswith(NO_SIGNATURE[expression])


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
    "lib.clamp(lib.tensor([5]), lib.tensor(1.5), 3).tolist()": [3.0],  # a 0-d tensor passes for a number
    "lib.clamp(lib.tensor([0.0, 5.0]), lib.tensor([1.0, 2.0]), lib.tensor(3.0)).tolist()": [1.0, 3.0],
    # an int argument takes a 0-d integer tensor or NumPy's int; `int[1]` one int; methods take varargs
    "lib.tril(lib.ones(2, 2), lib.tensor(-1)).tolist()": [[0.0, 0.0], [1.0, 0.0]],
    "lib.diag(lib.tensor([1, 2]), np.int64(1)).shape": (3, 3),
    "len(lib.chunk(t, lib.tensor(2)))": 2,
    "lib.roll(lib.arange(3), lib.tensor(1)).tolist()": [2, 0, 1],
    "lib.roll(lib.arange(3), (1,), 0).tolist()": [2, 0, 1],
    "lib.rot90(lib.ones(2, 3), 1, (1, 0)).shape": (3, 2),
    "[p.shape for p in lib.split_with_sizes(t, (np.int64(1), 1))]": [(1, 3), (1, 3)],
    "[p.shape for p in t.split(lib.tensor(1.0))]": [(1, 3), (1, 3)],  # Tensor.split reads int(t)
    "[p.shape for p in lib.split(t, lib.tensor([2]), 1)]": [(2, 2), (2, 1)],
    "[p.shape for p in t.split([lib.tensor(1), np.int64(1)])]": [(1, 3), (1, 3)],
    "len(lib.hsplit(t, lib.tensor(3)))": 3,
    "[p.shape for p in lib.vsplit(t, [1])]": [(1, 3), (1, 3)],
    "t.roll(1, 0).shape": (2, 3),
    "t.diagonal(0, 0, 1).shape": (2,),
    "lib.zeros(()).shape": (),
    "lib.zeros(size=()).shape": (),
    "lib.can_cast(lib.int64, lib.float32)": True,
    "lib.as_tensor([1], dtype=lib.float64).dtype == lib.float64": True,
    "lib.arange(lib.tensor(3)).tolist()": [0, 1, 2],
    "lib.arange(np.float32(2)).tolist()": [0.0, 1.0],
    "lib.linspace(lib.tensor(0.0), 1, lib.tensor(3)).tolist()": [0.0, 0.5, 1.0],
    "lib.eye(lib.tensor(1), np.int64(2)).tolist()": [[1.0, 0.0]],
    "lib.full_like(lib.ones(2), lib.tensor(2)).tolist()": [2.0, 2.0],
    "lib.gather(t, lib.tensor(1), lib.zeros(2, 1, dtype=lib.int64)).tolist()": [[-1.0], [0.19999998807907104]],
    "lib.index_select(t, np.int64(1), lib.tensor([0])).shape": (2, 1),
    "lib.scatter(lib.ones(3), 0, lib.zeros(1, dtype=lib.int64), value=2.0).tolist()": [2.0, 1.0, 1.0],
    "lib.index_put(lib.ones(3), [lib.tensor([0])], lib.tensor(2.0)).tolist()": [2.0, 1.0, 1.0],
    "lib.tensordot(lib.ones(3), lib.ones(3), lib.tensor(1)).item()": 3.0,
    "lib.repeat_interleave(lib.tensor([1, 2]), lib.tensor(2)).tolist()": [1, 1, 2, 2],
    "lib.repeat_interleave(lib.tensor([1, 2]), np.int64(2)).tolist()": [1, 1, 2, 2],
    "lib.where(t > 0, 1, 2).sum().item()": 9,
}


@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_typed_arguments_still_run(expression):
    scope = {"lib": rg, "t": rg.linspace(-1, 1, 6).reshape(2, 3), "np": np}
    assert eval(expression, scope) == ACCEPTED[expression]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_typed_arguments_vs_torch(expression):
    scope = {"lib": torch, "t": torch.linspace(-1, 1, 6).reshape(2, 3), "np": np}
    assert eval(expression, scope) == ACCEPTED[expression]


def test_bitwise_ops_of_floats_name_a_shape_mismatch_first():
    # PyTorch's iterator fails on the shapes before the kernel refuses the dtype
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(5\\)"):
        rg.bitwise_and(rg.ones(2, 3), rg.ones(4, 5))
    with pytest.raises(NotImplementedError, match="\"bitwise_or_cpu\" not implemented for 'Float'"):
        rg.bitwise_or(rg.ones(2, 3), rg.ones(2, 3))


# a bool is no dim (Python would read True as 1): PyTorch's parser refuses it
BOOL_DIMS = ["lib.cumsum(t, True)", "t.cumprod(True)", "lib.sum(t, True)", "lib.argmax(t, True)",
             "lib.squeeze(t, False)", "lib.max(t, True)", "lib.min(t, False)", "t.mean(True)"]


@pytest.mark.parametrize("expression", BOOL_DIMS)
def test_a_bool_is_no_dim(expression):
    kind, message = _raised(rg, expression)
    assert kind == "TypeError" and "bool" in message


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", BOOL_DIMS)
def test_a_bool_is_no_dim_vs_torch(expression):
    assert _raised(torch, expression)[0] == "TypeError"


def test_numpy_integer_dims_reduce():
    # `dim != ()` compared a NumPy int elementwise: sum and mean over np.int64(1) raised ValueError
    t = rg.ones(2, 3)
    assert rg.sum(t, np.int64(1)).tolist() == [3.0, 3.0]
    assert t.mean(np.int32(0)).tolist() == [1.0, 1.0, 1.0]
    assert t.sum(()).item() == 6.0 and t.mean([]).item() == 1.0


_SPLIT_BY_BOOL = "split() received an invalid combination of arguments - got (Tensor, bool, int), but expected one of:"


def test_split_by_a_bool_is_no_overload():
    # Python's True is 1, PyTorch's parser refuses it (retrograd leaves out the "didn't match" lines)
    with pytest.raises(TypeError) as info:
        rg.ones(2, 3).split(True)
    assert str(info.value).splitlines()[:3] == [
        _SPLIT_BY_BOOL, " * (Tensor input, int split_size, int dim = 0)",
        " * (Tensor input, tuple of ints split_size, int dim = 0)"]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_split_by_a_bool_vs_torch():
    for lib in (rg, torch):
        with pytest.raises(TypeError) as info:
            lib.split(lib.ones(2, 3), True)
        assert str(info.value).splitlines()[0] == _SPLIT_BY_BOOL
