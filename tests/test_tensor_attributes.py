"""A program's own attributes on tensors (fast.ai's from-scratch backward writes `out.g = ...`):
set, read, and carried by copy, deepcopy and pickle as PyTorch carries them."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg, pytest.param(torch, marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]
both = pytest.mark.parametrize("m", LIBS, ids=["retrograd", "torch"])


@both
def test_attributes_are_set_and_read(m):
    x = m.ones(2, requires_grad=True)
    out = x * 2  # a graph result takes them too
    out.g = m.tensor([0.5, 0.5])
    assert out.g.tolist() == [0.5, 0.5] and vars(out) == {"g": out.g}
    assert vars(m.ones(1)) == {}
    assert vars(out.detach()) == {} and vars(out.clone()) == {}  # new tensors start without them
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'g'"):
        m.ones(1).g  # noqa: B018


@both
def test_copies_carry_the_attributes(m):
    t = m.ones(2)
    t.g = m.zeros(1)
    shallow, deep, pickled = copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t))
    assert shallow.g is t.g
    assert deep.g is not t.g and deep.g.tolist() == [0.0]
    assert pickled.g.tolist() == [0.0]


@both
def test_parameter_attributes_in_copies(m):
    p = m.nn.Parameter(m.ones(1))
    p.note = "w1"
    assert vars(copy.copy(p)) == {"note": "w1"} and vars(pickle.loads(pickle.dumps(p))) == {"note": "w1"}
    assert vars(copy.deepcopy(p)) == {}  # PyTorch's Parameter deepcopy builds a new one from the values


class _Volume(rg.Tensor):
    """A Tensor subclass with its own __init__ and new_empty (MONAI's MetaTensor): copies skip
    __init__. (PyTorch's deepcopy needs new_empty to give the subclass; retrograd's keeps the
    class without asking.)"""

    def __init__(self, *args, **kwargs):
        raise AssertionError("copies are rebuilt without __init__")

    def new_empty(self, size, **kwargs):
        return rg.Tensor.new_empty(self, size, **kwargs).as_subclass(type(self))


if torch is not None:
    class _TorchVolume(torch.Tensor):
        def __init__(self, *args, **kwargs):
            raise AssertionError("copies are rebuilt without __init__")

        def new_empty(self, size, **kwargs):
            return torch.Tensor.new_empty(self, size, **kwargs).as_subclass(type(self))


def _volume_copies(m, cls):
    v = m.arange(3.0).as_subclass(cls)
    v.meta = {"filename_or_obj": "a.nii"}
    deep, pickled = copy.deepcopy(v), pickle.loads(pickle.dumps(v))
    deep[0] = 7.0
    return [(type(c).__name__, c.meta, c.tolist()) for c in (deep, pickled)] + [v.tolist()]


def test_subclass_copies_keep_their_class_and_attributes():
    assert _volume_copies(rg, _Volume) == [
        ("_Volume", {"filename_or_obj": "a.nii"}, [7.0, 1.0, 2.0]),
        ("_Volume", {"filename_or_obj": "a.nii"}, [0.0, 1.0, 2.0]),
        [0.0, 1.0, 2.0],
    ]
    x = pickle.loads(pickle.dumps(rg.ones(1).as_subclass(_Volume).requires_grad_()))
    assert type(x) is _Volume and x.requires_grad and x.is_leaf


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_subclass_copies_vs_torch():
    ours = _volume_copies(rg, _Volume)
    theirs = _volume_copies(torch, _TorchVolume)
    assert [c if isinstance(c, list) else (c[0].replace("_Torch", "_"), *c[1:]) for c in theirs] == ours


def test_size_and_stride_of_a_dim_of_a_0_dim_tensor_raise():
    for call in (lambda: rg.tensor(1.0).size(0), lambda: rg.tensor(1.0).stride(-1)):
        with pytest.raises(IndexError) as info:
            call()
        assert str(info.value).startswith("Dimension specified as ") and "but tensor has no dimensions" in str(
            info.value
        )


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("method, dim", [("size", 0), ("size", -2), ("stride", 3), ("stride", -1)])
def test_size_and_stride_of_a_0_dim_tensor_vs_torch(method, dim):
    messages = []
    for m in (rg, torch):
        with pytest.raises(IndexError) as info:
            getattr(m.tensor(1.0), method)(dim)
        messages.append(str(info.value))
    assert messages[0] == messages[1] == f"Dimension specified as {dim} but tensor has no dimensions"


def test_size_keeps_its_type_through_tuple_arithmetic_and_indexes_its_dims():
    s = rg.Size([2, 3])
    assert type((4,) + s) is rg.Size and (4,) + s == (4, 2, 3)
    assert type(s * 2) is rg.Size and type(2 * s) is rg.Size and s * 2 == (2, 3, 2, 3)
    assert rg.Size([rg.tensor(2), np.int64(3), True]) == (2, 3, 1)
    assert all(type(d) is int for d in rg.Size([rg.tensor([2]), np.int64(3)]))
    with pytest.raises(TypeError, match=r"^retrograd.Size\(\) takes an iterable of 'int' \(item 1 is 'float'\)$"):
        rg.Size([2, 3.0])
    with pytest.raises(TypeError, match=r"^can only concatenate tuple \(not list\) to retrograd.Size$"):
        s + [4]


def test_size_plus_a_numpy_array_is_numpys_elementwise_sum():
    # Size only concatenates tuples; NumPy's __radd__ answers an array (MONAI adds
    # `np.array(1)` to a spatial shape), while a tensor or a number still gets the TypeError
    s = rg.Size([2, 3])
    total = s + np.array(1)
    assert isinstance(total, np.ndarray) and total.tolist() == [3, 4]
    assert (s + np.float32(0.5)).tolist() == [2.5, 3.5]
    with pytest.raises(TypeError, match=r"^can only concatenate tuple \(not Tensor\) to retrograd.Size$"):
        s + rg.tensor(1)
    with pytest.raises(TypeError, match=r"^can only concatenate tuple \(not int\) to retrograd.Size$"):
        s + 1


def test_unary_plus_refuses_bool_and_is_the_tensor_itself():
    t = rg.tensor([1.0])
    assert +t is t
    with pytest.raises(RuntimeError, match="^The `\\+` operator, on a bool tensor is not supported.$"):
        +rg.tensor([True])


_SIZE_EXPRESSIONS = [
    "(4,) + lib.Size([2])", "lib.Size([2]) * 2", "2 * lib.Size([2, 1])", "lib.Size([2]) + [3]",
    "lib.Size([lib.tensor(2), np.int64(3), True])", "lib.Size([2.0])", "lib.Size([lib.tensor(2.0)])",
    "lib.Size(['a'])", "lib.Size(range(3))[1:]", "+lib.tensor([True])", "lib.zeros(np.array([2, 3]))",
    "lib.Size([2, 3]) + np.array(1)", "lib.Size([2, 3]) + np.array([1.5, 2])", "lib.Size([2]) + lib.tensor(1)",
    "lib.Size([2]) + 1",
]


@pytest.mark.parametrize("expression", _SIZE_EXPRESSIONS)
def test_size_and_unary_plus_vs_torch(expression):
    if torch is None:
        pytest.skip("PyTorch is not installed")

    def outcome(lib):
        try:
            r = eval(expression, {"lib": lib, "np": np})
            return type(r).__name__, repr(r).replace(lib.__name__, "lib")
        except (TypeError, RuntimeError) as e:
            return type(e).__name__, str(e).replace(lib.__name__, "lib")

    assert outcome(rg) == outcome(torch)


def _cdata_story(m):
    """Which tensors `_cdata` tells apart (Pyro's `pyro.module` compares it for replaced parameters)."""
    a = m.zeros(3)
    p = m.nn.Parameter(a)
    return [isinstance(a._cdata, int), a._cdata == a._cdata, a._cdata == a.view(3)._cdata,
            a._cdata == a.detach()._cdata, a._cdata == p._cdata, p._cdata == p._cdata]  # fmt: skip


def test_cdata_names_the_tensor_object():
    assert _cdata_story(rg) == [True, True, False, False, False, True]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_cdata_names_the_tensor_object_vs_torch():
    assert _cdata_story(rg) == _cdata_story(torch)
