"""`__torch_function__` for Tensor subclasses: their methods, operators and tensor-valued
properties go through the class's protocol (`retrograd/_torch_function.py`), as in PyTorch."""

from __future__ import annotations

import inspect
import os
import pathlib
import pickle

import numpy as np
import pytest

import retrograd
from retrograd import nn
from retrograd._C import DisableTorchFunctionSubclass, _disabled_torch_function_impl
from retrograd._torch_function import SubclassProperty, _dispatched_names


class Image(retrograd.Tensor):
    pass


def _logging(lib):
    """A subclass whose `__torch_function__` records each func's name, then defers to the default."""

    class Logged(lib.Tensor):
        calls: list = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)

    return Logged


def test_methods_operators_and_tensor_properties_keep_the_subclass():
    x = retrograd.arange(6.0).reshape(2, 3).as_subclass(Image)
    for result in (x + 1, 1 + x, retrograd.ones(3) + x, x * x, -x, x > 1, x.exp(), x.sum(), x[0], x.reshape(3, 2),
                   x.T, x.mT, x.data, x.detach(), x.clone(), x.float(), x.new_zeros(2), x.add_(0), x @ x.T):
        assert type(result) is Image
    assert [type(piece) for piece in x.split(1)] == [Image, Image] and [type(row) for row in x] == [Image, Image]
    values, indices = x.max(0)
    assert type(values) is Image and type(indices) is Image and type(x.max(0)).__name__ == "max"
    assert type(x.shape) is retrograd.Size and type(x.tolist()) is list and type(x.numpy()) is np.ndarray
    assert x.grad is None and type(x.as_subclass(retrograd.Tensor)) is retrograd.Tensor  # as_subclass unwraps


def test_the_class_still_answers_as_tensor():
    assert Image.add is retrograd.Tensor.add and Image.T is vars(retrograd.Tensor)["T"]
    x = retrograd.ones(2).as_subclass(Image)
    assert isinstance(x, retrograd.Tensor) and repr(x) == "Image([1., 1.])"
    assert pickle.loads(pickle.dumps(x)).__class__ is Image


def test_gradients_flow_through_the_subclass_results():
    w = retrograd.ones(2, requires_grad=True)
    y = w.as_subclass(Image) * 3
    assert type(y) is Image and type(y.grad_fn).__name__ == "AliasBackward0"
    y.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_an_override_sees_each_call_and_decides_the_result():
    class Unwrapping(retrograd.Tensor):
        seen: list = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.seen.append(func)
            with DisableTorchFunctionSubclass():
                return func(*args, **(kwargs or {}))  # as torchvision's tv_tensors: plain results

    x = retrograd.ones(2).as_subclass(Unwrapping)
    assert type(x.clone()) is retrograd.Tensor and type(x + 1) is retrograd.Tensor
    assert Unwrapping.seen[0] is retrograd.Tensor.clone
    Logged = _logging(retrograd)
    y = retrograd.ones(2, 3).as_subclass(Logged)
    Logged.calls.clear()
    y[0] = 5
    _ = y.T, y.view(6), y.sum()
    assert Logged.calls == ["__setitem__", "__get__", "view", "sum"]


def test_opting_out_and_switching_off():
    p = nn.Parameter(retrograd.ones(2))
    assert type(p + 1) is retrograd.Tensor and type(p.detach()) is retrograd.Tensor  # as PyTorch's Parameter

    class Plain(retrograd.Tensor):
        __torch_function__ = _disabled_torch_function_impl

    assert type(retrograd.ones(2).as_subclass(Plain) * 2) is retrograd.Tensor
    x = retrograd.ones(2).as_subclass(Image)
    with DisableTorchFunctionSubclass():
        assert type(x + 1) is retrograd.Tensor and not retrograd._C._is_torch_function_enabled()
    assert type(x + 1) is Image


def test_a_subclass_method_of_its_own_wins():
    class Own(retrograd.Tensor):
        def clone(self, **kwargs):
            return "own clone"

    class Child(Own):
        pass

    x = retrograd.ones(2).as_subclass(Child)
    assert x.clone() == "own clone" and type(x + 1) is Child


def test_the_overrides_helpers():
    x = retrograd.ones(2).as_subclass(Image)
    overrides = retrograd.overrides
    assert overrides.has_torch_function((x,)) and not overrides.has_torch_function((retrograd.ones(1),))
    assert overrides.has_torch_function_unary(x) and overrides.has_torch_function_variadic(1, x)
    assert overrides.is_tensor_like(x) and not overrides.is_tensor_like(np.ones(1))
    y = overrides.handle_torch_function(retrograd.Tensor.mul, (x,), x, 2)
    assert type(y) is Image and y.tolist() == [2.0, 2.0]

    class Refusing(retrograd.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    refusing = retrograd.ones(1).as_subclass(Refusing)
    with pytest.raises(TypeError, match=r"Multiple dispatch failed for 'retrograd.Tensor.add'; all __torch_function__ "
                       r"handlers returned NotImplemented:\n\n  - tensor subclass <class '.*Refusing'>"):
        refusing.add(1)
    with pytest.raises(TypeError, match="no implementation found for '.*' on types that implement __torch_function__"):
        overrides.handle_torch_function(lambda t: t, (refusing,), refusing)


def test_joining_and_rotating_functions_dispatch():
    x = retrograd.arange(4.0).reshape(2, 2).as_subclass(Image)
    for result in (retrograd.cat([x, x]), retrograd.concat((x, x), 1), retrograd.stack([x, retrograd.ones(2, 2)]),
                   retrograd.flip(x, [0]), retrograd.rot90(x), *retrograd.unbind(x)):  # fmt: skip
        assert type(result) is Image
    Logged = _logging(retrograd)
    y = retrograd.ones(2).as_subclass(Logged)
    Logged.calls.clear()
    retrograd.stack([retrograd.ones(2), y], dim=0)
    assert Logged.calls == ["stack"]


def test_every_public_function_dispatches():
    x = retrograd.eye(2).as_subclass(Image)
    F = nn.functional
    for result in (retrograd.exp(x), retrograd.add(1, x), F.relu(x), F.linear(retrograd.ones(3, 2), x),
                   F.softmax(x, -1), retrograd.linalg.inv(x), retrograd.fft.fft(x), retrograd.special.expit(x),
                   retrograd.zeros_like(x), retrograd.conv2d(x[None, None], retrograd.ones(1, 1, 1, 1)),
                   *retrograd.max(x, 1), *retrograd.split(x, 1), *retrograd.where(x > 0)):  # fmt: skip
        assert type(result) is Image
    assert retrograd.numel(x) == 4 and retrograd.is_floating_point(x) is True
    Logged = _logging(retrograd)
    y = retrograd.ones(2, 2).as_subclass(Logged)
    Logged.calls.clear()
    retrograd.exp(y), F.gelu(y), retrograd.mean(y, dim=0), retrograd.linalg.det(y), nn.Linear(2, 3)(y)
    # one call each: what a function calls inside does not dispatch again (nn.Linear calls F.linear)
    assert Logged.calls == ["exp", "gelu", "mean", "linalg_det", "linear"]


def test_functions_pytorch_leaves_out_do_not_dispatch():
    class Refusing(retrograd.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    r = retrograd.ones(2).as_subclass(Refusing)
    assert retrograd.is_tensor(r) and type(retrograd.tensor(r)) is retrograd.Tensor
    assert type(retrograd.as_tensor(r)) is Refusing and type(retrograd.zeros(2)) is retrograd.Tensor
    refused = (r"Multiple dispatch failed for 'retrograd.exp'; all __torch_function__ handlers returned "
               r"NotImplemented:\n\n  - tensor subclass <class '.*Refusing'>")
    with pytest.raises(TypeError, match=refused):
        retrograd.exp(r)
    with pytest.raises(TypeError, match=r"Multiple dispatch failed for 'retrograd.linalg.linalg_norm'"):
        retrograd.linalg.norm(r)
    with pytest.raises(TypeError, match=r"no implementation found for 'retrograd.nn.functional.relu' on types"):
        nn.functional.relu(r)


def _scalar_tensor(lib):
    """The tensor-like of PyTorch's `__torch_function__` documentation: no Tensor, a dict of what it implements."""
    handled = {}

    class ScalarTensor:
        def __init__(self, n, value):
            self.n, self.value = n, value

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func not in handled:
                return NotImplemented
            return handled[func](*args, **(kwargs or {}))

    handled[lib.mean] = lambda t: t.value / t.n
    handled[lib.cat] = lambda ts, dim=0: ScalarTensor(sum(t.n for t in ts), ts[0].value)
    handled[lib.nn.functional.relu] = lambda t, inplace=False: ScalarTensor(t.n, max(t.value, 0))
    d = ScalarTensor(5, 2.0)
    out = [lib.mean(d), lib.cat([d, d]).n, lib.nn.functional.relu(ScalarTensor(2, -1.0)).value]
    try:
        lib.exp(d)
    except TypeError as e:
        out.append(str(e).replace("retrograd", "torch"))
    return out


def test_a_tensor_like_dispatches():
    assert _scalar_tensor(retrograd)[:3] == [0.4, 10, 0]
    assert _scalar_tensor(retrograd)[3].startswith("Multiple dispatch failed for 'torch.exp'")


def test_a_tensor_like_vs_torch():
    torch = pytest.importorskip("torch")
    assert _scalar_tensor(retrograd) == _scalar_tensor(torch)


def test_public_functions_keep_their_names_signatures_and_pickle():
    import inspect

    F = nn.functional
    assert retrograd.conv2d is F.conv2d and retrograd.exp is retrograd.exp
    assert retrograd.linalg.inv.__name__ == "linalg_inv" and retrograd.fft.rfft.__name__ == "fft_rfft"
    assert str(inspect.signature(retrograd.exp)) == str(inspect.signature(retrograd.ops.exp))
    assert retrograd.exp.__doc__ == retrograd.ops.exp.__doc__
    for func in (retrograd.exp, F.relu, retrograd.linalg.inv, retrograd.special.expit, retrograd.conv2d):
        assert pickle.loads(pickle.dumps(func)) is func


class Tagged(retrograd.Tensor):
    """Carries a `tag` through every call, as MONAI's MetaTensor carries its metadata."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        ret = super().__torch_function__(func, types, args, kwargs)
        given = (*args, *(kwargs or {}).values())  # as the call gave them: `clamp(t, max=tagged)` has it in kwargs
        tags = [a.tag for a in given if isinstance(a, Tagged) and hasattr(a, "tag")]
        if isinstance(ret, Tagged) and tags:
            ret.tag = tags[0]
        return ret


def test_clamp_and_where_dispatch():
    # MONAI's ScaleIntensityRanged(clip=True) clamps with `torch.clamp`, ThresholdIntensityd and
    # LabelToMaskd select with `torch.where`: a MetaTensor kept its affine only if these dispatch
    x = retrograd.tensor([-1.0, 0.5, 3.0]).as_subclass(Tagged)
    x.tag = "case0"
    plain = retrograd.zeros(3)
    results = [retrograd.clamp(x, 0.0, 1.0), retrograd.clip(x, min=0.0), retrograd.where(x > 0, x, 0.0),
               retrograd.where(plain > 0, plain, x), retrograd.clamp(plain, max=x)]  # fmt: skip
    assert [type(r) for r in results] == [Tagged] * 5
    assert [r.tag for r in results] == ["case0"] * 5
    assert results[0].tolist() == [0.0, 0.5, 1.0] and results[2].tolist() == [0.0, 0.5, 3.0]
    assert x.clamp(0.0, 1.0).tag == "case0"  # the method still dispatches once
    (index,) = retrograd.where(x > 0)
    assert type(index) is Tagged and index.tolist() == [1, 2]
    Logged = _logging(retrograd)
    y = retrograd.ones(2).as_subclass(Logged)
    Logged.calls.clear()
    retrograd.clamp(y, max=0.5), retrograd.where(y > 0, y, 0.0), y.clamp(min=0)
    assert Logged.calls == ["clamp", "gt", "where", "clamp"]  # (`y > 0` reports Tensor.gt, as PyTorch)


def _clamp_where_results(lib):
    class Box(lib.Tensor):
        pass

    x = lib.tensor([[-1.0, 0.5], [2.0, 3.0]]).as_subclass(Box)
    plain = lib.zeros(2, 2)
    results = [lib.clamp(x, 0, 1), lib.clamp(x, min=plain), lib.clip(x, max=2.0), lib.where(x > 1, x, 0.0),
               lib.where(plain > 1, plain, x), lib.where(x > 0)]  # fmt: skip
    return [(type(r).__name__, str(r).replace("Box(", "").replace("tensor(", "")) if not isinstance(r, tuple)
            else [type(e).__name__ for e in r] for r in results]  # fmt: skip


def test_clamp_and_where_results_vs_torch():
    torch = pytest.importorskip("torch")
    assert _clamp_where_results(retrograd) == _clamp_where_results(torch)


def _function_results(lib):
    class Box(lib.Tensor):
        pass

    F = lib.nn.functional
    x = lib.arange(4.0).reshape(2, 2).as_subclass(Box)
    results = [lib.cat([x, x]), lib.stack([lib.ones(2, 2), x], 1), lib.flip(x, [1]), lib.rot90(x, 1, [0, 1]),
               lib.unbind(x, 1), lib.exp(x), lib.sub(1, x), F.relu(x), F.softmax(x, 0), F.linear(x, lib.ones(3, 2)),
               lib.linalg.norm(x), lib.fft.rfft(x), lib.special.erf(x), lib.zeros_like(x), lib.max(x, 0),
               lib.split(x, 1), lib.where(x > 1), lib.einsum("ij,jk->ik", x, x), lib.numel(x),
               lib.is_tensor(x), F.sigmoid(x), F.tanh(x), F.hardswish(x), lib.tensordot(x, x, 1)]  # fmt: skip
    return [(type(r).__name__, str(r).replace("Box(", "").replace("tensor(", "")) if not isinstance(r, tuple)
            else [type(e).__name__ for e in r] for r in results]  # fmt: skip


def _function_call_log(lib):
    Logged = _logging(lib)
    y = (lib.eye(2) * 2 + 1).as_subclass(Logged)
    F = lib.nn.functional
    lib.exp(y), F.gelu(y), lib.stack([y, y], dim=1), lib.mean(y, dim=0, keepdim=True), lib.linalg.inv(y)
    lib.nn.Linear(2, 3)(y), lib.nn.Sequential(lib.nn.Conv1d(2, 2, 1), lib.nn.ReLU())(y[None])
    return Logged.calls


def test_function_call_log_vs_torch():
    torch = pytest.importorskip("torch")
    assert _function_call_log(retrograd) == _function_call_log(torch)


def test_function_results_vs_torch():
    torch = pytest.importorskip("torch")
    assert _function_results(retrograd) == _function_results(torch)


def _method_results(lib):
    class Box(lib.Tensor):
        pass

    x = lib.arange(6.0).reshape(2, 3).as_subclass(Box)
    exprs = {
        "add": lambda: x + 1, "radd": lambda: 1 + x, "plain_left": lambda: lib.ones(3) + x, "neg": lambda: -x,
        "cmp": lambda: x >= 2, "index": lambda: x[:, 1], "view": lambda: x.view(3, 2), "T": lambda: x.T,
        "data": lambda: x.data, "sum": lambda: x.sum(1), "max": lambda: x.max(1), "unbind": lambda: x.unbind(),
        "iter": lambda: list(x), "new": lambda: x.new_ones(2), "detach": lambda: x.detach(),
        "to": lambda: x.to(lib.float64),
        "unwrap": lambda: x.as_subclass(lib.Tensor), "shape": lambda: x.shape, "item": lambda: x[0, 1].item(),
    }  # fmt: skip
    out = {}
    for name, make in exprs.items():
        value = make()
        kinds = [type(v).__name__ for v in value] if isinstance(value, (tuple, list)) else type(value).__name__
        out[name] = (kinds, str(value).replace("torch.", "retrograd.").replace("Box(", "").replace("tensor(", ""))
    return out


def test_method_results_vs_torch():
    torch = pytest.importorskip("torch")
    assert _method_results(retrograd) == _method_results(torch)


def _call_log(lib):
    Logged = _logging(lib)
    y = lib.ones(2, 3).as_subclass(Logged)
    Logged.calls.clear()
    _ = y + 1, y.view(6), y.T, y.sum(), y.clone(), y[0], y.unbind(0)
    y[0] = 2
    return Logged.calls


def test_override_call_log_vs_torch():
    torch = pytest.importorskip("torch")
    assert _call_log(retrograd) == _call_log(torch)


def test_retrograds_own_subclasses_opt_out():
    import retrograd.distributed.tensor  # noqa: F401  (DTensor)
    import retrograd.func  # noqa: F401  (vmap's BatchedTensor)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    own = [c for c in subclasses(retrograd.Tensor) if c.__module__.startswith("retrograd.")]
    assert {c.__name__ for c in own} >= {"Parameter", "Buffer", "BatchedTensor", "DTensor", "UninitializedBuffer"}
    # (ExpandedWeight, behind torch.nn.utils._per_sample_grad, overrides the protocol as PyTorch's does)
    taking_part = [c.__name__ for c in own if any(isinstance(v, SubclassProperty) for v in vars(c).values())]
    assert set(taking_part) <= {"ExpandedWeight"}


def _patched_method_log(lib):
    """A method a library adds to Tensor before subclassing it (fastai's `@patch def set_meta(self: Tensor,
    ...)`), called on subclass instances of two unrelated classes: plain Python, no protocol."""

    def describe(self, other):
        return type(self).__name__, type(other).__name__

    lib.Tensor.describe = describe
    _dispatched_names.cache_clear()  # the names are read when the first subclass is made: make it now
    try:
        Logged = _logging(lib)

        class Other(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return NotImplemented  # as fastai's TensorBase meeting a type it does not know

        x, y = lib.ones(2).as_subclass(Logged), lib.zeros(2).as_subclass(Other)
        Logged.calls.clear()
        answer = x.describe(y)
        return answer, list(Logged.calls), type(x + 1).__name__
    finally:
        del lib.Tensor.describe
        _dispatched_names.cache_clear()


def test_methods_patched_onto_tensor_do_not_dispatch():
    assert _patched_method_log(retrograd) == (("Logged", "Other"), [], "Logged")


def test_methods_patched_onto_tensor_vs_torch():
    torch = pytest.importorskip("torch")
    assert _patched_method_log(retrograd) == _patched_method_log(torch)


def _collated(lib):
    """What a DataLoader's default collate makes of samples holding a subclass (MONAI's MetaTensor batches)."""

    class Box(lib.Tensor):
        pass

    samples = [{"image": lib.full((2,), float(i)).as_subclass(Box), "label": i} for i in range(3)]
    batch = lib.utils.data.default_collate(samples)
    loaded = next(iter(lib.utils.data.DataLoader(samples, batch_size=2)))
    return [type(batch["image"]).__name__, batch["image"].tolist(), type(loaded["image"]).__name__]


def test_default_collate_stacks_through_the_subclass():
    assert _collated(retrograd) == ["Box", [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], "Box"]


def test_default_collate_stacks_through_the_subclass_vs_torch():
    torch = pytest.importorskip("torch")
    assert _collated(retrograd) == _collated(torch)


def _activation_call_log(lib):
    """F.hardswish/F.hardsigmoid dispatch as themselves; F.sigmoid/F.tanh call the tensor's method
    (torchvision's MobileNetV3 and FX traces meet them)."""
    Logged = _logging(lib)
    y = lib.ones(2).as_subclass(Logged)
    F = lib.nn.functional
    outs = [F.hardswish(y), F.hardsigmoid(y), F.sigmoid(y), F.tanh(y)]
    calls = list(Logged.calls)
    return calls, [type(o).__name__ for o in outs], [round(o.tolist()[0], 4) for o in outs]


def test_activation_functions_dispatch():
    calls, kinds, values = _activation_call_log(retrograd)
    assert calls == ["hardswish", "hardsigmoid", "sigmoid", "tanh"] and kinds == ["Logged"] * 4
    assert values == [0.6667, 0.6667, 0.7311, 0.7616]


def test_activation_functions_dispatch_vs_torch():
    torch = pytest.importorskip("torch")
    assert _activation_call_log(retrograd) == _activation_call_log(torch)


def _conversion_log(lib):
    """What a logging subclass sees for Python's conversions and protocols on a one-element tensor."""
    Logged = _logging(lib)
    x = lib.tensor([1.5]).as_subclass(Logged)
    i = lib.tensor([3]).as_subclass(Logged)
    seen = []
    for use in (lambda: float(x), lambda: int(x), lambda: bool(x), lambda: len(x), lambda: [0, 1, 2, 3][i],
                lambda: complex(x), lambda: 1.5 in x, lambda: type(next(iter(x))).__name__,
                lambda: type(list(reversed(x))[0]).__name__, lambda: x.__array__().tolist()):  # fmt: skip
        Logged.calls.clear()
        seen.append((use(), list(Logged.calls)))
    return seen


def test_conversions_dispatch():
    seen = _conversion_log(retrograd)
    assert seen[0] == (1.5, ["__float__"]) and seen[3] == (1, ["__len__"]) and seen[6] == (True, ["__contains__"])
    assert seen[8] == ("Logged", ["__reversed__", "dim", "unbind", "__len__"])


def test_conversions_vs_torch():
    torch = pytest.importorskip("torch")
    assert _conversion_log(retrograd) == _conversion_log(torch)


def _functional_aliases(lib):
    """F.sigmoid and F.tanh call the tensor's method and the deprecated F.upsample* call F.interpolate,
    in PyTorch as here: a subclass's `__torch_function__` sees those, and the result keeps its class."""
    import warnings

    Logged = _logging(lib)
    F = lib.nn.functional
    x = lib.ones(1, 1, 2, 2).as_subclass(Logged)
    Logged.calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [F.sigmoid(x), F.tanh(x), F.upsample(x, scale_factor=2), F.upsample_nearest(x, scale_factor=2),
                   F.upsample_bilinear(x, scale_factor=2)]  # fmt: skip
    return [type(r).__name__ for r in results], list(Logged.calls)


def test_functional_aliases_dispatch_what_they_call():
    kinds, calls = _functional_aliases(retrograd)
    assert kinds == ["Logged"] * 5
    assert calls == ["sigmoid", "tanh", "interpolate", "interpolate", "interpolate"]


def test_functional_aliases_dispatch_what_they_call_vs_torch():
    torch = pytest.importorskip("torch")
    assert _functional_aliases(retrograd) == _functional_aliases(torch)


def _which_dispatch(lib):
    """Which functions PyTorch 2.13 leaves out of the protocol and which it dispatches, though its
    `get_ignored_functions()` names them (`result_type`, `normal`, the `*_like` samplers, ...)."""
    Logged = _logging(lib)
    x = lib.arange(4.0).reshape(2, 2).as_subclass(Logged)
    F = lib.nn.functional
    uses = [lambda: lib.tensor(x), lambda: lib.as_tensor(x), lambda: lib.is_tensor(x), lambda: lib.result_type(x, 1.0),
            lambda: lib.rand_like(x), lambda: lib.normal(x, 1.0), lambda: lib.as_strided(x, (2,), (1,)),
            lambda: lib.fill(x, 1.0), lambda: lib.vander(x[0]), lambda: lib.randint_like(x, 3),
            lambda: lib.randn_like(x), lambda: lib.linspace(x[0, 0], x[0, 1], 3), lambda: F.hardsigmoid(x),
            lambda: lib.nn.Hardswish()(x), lambda: F.sigmoid(x), lambda: F.upsample(x[None, None], scale_factor=2),
            lambda: lib.full_like(x, 2)]  # fmt: skip
    seen = []
    for use in uses:
        Logged.calls.clear()
        seen.append((type(use()).__name__, list(Logged.calls)))
    return seen


def test_which_functions_dispatch():
    seen = _which_dispatch(retrograd)
    assert seen[0] == ("Tensor", []) and seen[2] == ("bool", []) and seen[3] == ("dtype", ["result_type"])
    assert seen[5] == ("Logged", ["normal"]) and seen[15] == ("Logged", ["__getitem__", "interpolate"])


def test_which_functions_dispatch_vs_torch():
    torch = pytest.importorskip("torch")
    assert _which_dispatch(retrograd) == _which_dispatch(torch)


# Under `python -m retrograd run` the package's `__name__` is "torch": the functions PyTorch leaves
# out of the protocol stay out (a refusing subclass still passes `is_tensor` and `as_tensor`), and `torch.range`'s
# fixed-stacklevel warning names the script's line, not the public face's.
_UNDER_THE_ALIAS = """
import os, warnings
import torch

class Refusing(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented

r = torch.ones(2).as_subclass(Refusing)
print(torch.is_tensor(r), type(torch.as_tensor(r)).__name__, torch.broadcast_shapes((2, 1), (3,)))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.range(0, 3)
print([(os.path.basename(w.filename), w.lineno) for w in caught])
"""


def _script_output(tmp_path, *command):
    import subprocess
    import sys

    script = tmp_path / "alias_script.py"
    script.write_text(_UNDER_THE_ALIAS)
    src = str(pathlib.Path(retrograd.__file__).parents[1])
    env = dict(os.environ, PYTHONPATH=src)
    done = subprocess.run([sys.executable, *command, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_functions_left_out_stay_out_under_the_torch_alias(tmp_path):
    assert _script_output(tmp_path, "-m", "retrograd", "run").splitlines() == [
        "True Refusing torch.Size([2, 3])",
        "[('alias_script.py', 14)]",
    ]


def test_functions_left_out_under_the_torch_alias_vs_torch(tmp_path):
    pytest.importorskip("torch")
    assert _script_output(tmp_path, "-m", "retrograd", "run") == _script_output(tmp_path)


def test_global_settings_are_left_out_and_warn_at_the_callers_line():
    import warnings

    assert retrograd.set_float32_matmul_precision is retrograd._global_flags.set_float32_matmul_precision
    assert not getattr(retrograd.fft.fftfreq, "_public_function", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        retrograd.set_float32_matmul_precision("bogus")
    assert [os.path.basename(w.filename) for w in caught] == ["test_torch_function.py"]
    assert retrograd.get_float32_matmul_precision() in ("highest", "high", "medium")


def test_functions_pytorch_ignores_are_left_out_vs_torch():
    torch = pytest.importorskip("torch")
    ignored = torch.overrides.get_ignored_functions()
    dispatching = []
    for ours, theirs in ((retrograd, torch), (nn.functional, torch.nn.functional), (retrograd.linalg, torch.linalg),
                         (retrograd.fft, torch.fft), (retrograd.special, torch.special)):
        for name in dir(theirs):
            func = getattr(theirs, name, None)
            face = getattr(ours, name, None)
            if callable(func) and func in ignored and getattr(face, "_public_function", False) and not getattr(
                face, "_modes_only", False
            ):
                dispatching.append(f"{theirs.__name__}.{name}")
    # named by get_ignored_functions() but dispatching in PyTorch 2.13 all the same (test_which_functions_dispatch)
    assert dispatching == [f"torch.{name}" for name in (
        "as_strided", "fill", "linspace", "logspace", "normal", "rand_like", "randint_like", "randn_like",
        "result_type", "vander")] + ["torch.nn.functional.hardsigmoid", "torch.nn.functional.hardswish"]  # fmt: skip


class _Diagonal:
    """PyTorch's tensor-like example: implements nothing, so every function it reaches fails."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented


def _declined_and_made(m):
    """The error of a call every handler declines (each class named once), and `_make_subclass` from a
    `__new__` that sets the instance's attributes after it (no `__torch_function__` runs before)."""
    with pytest.raises(TypeError) as info:
        m.stack([_Diagonal(), _Diagonal()])
    out = [str(info.value).replace(__name__, "M")]

    class Meta(m.Tensor):
        @staticmethod
        def __new__(cls, data, meta=None):
            t = m.Tensor._make_subclass(cls, data, data.requires_grad)
            t.meta = meta
            return t

        def __init__(self, data, meta=None):
            pass

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            metas = [a.meta for a in args if isinstance(a, Meta)]  # every instance has one by now
            result = super().__torch_function__(func, types, args, kwargs or {})
            if isinstance(result, Meta) and metas:
                result.meta = metas[0]
            return result

    x = Meta(m.ones(2, requires_grad=True), meta="unit")
    y = x * 3
    out += [type(y).__name__, y.meta, x.requires_grad, x.is_leaf, repr(m._C.DisableTorchFunctionSubclass)]
    return out


def test_declined_call_names_each_class_once_and_make_subclass_does_not_dispatch():
    assert _declined_and_made(retrograd) == [
        "Multiple dispatch failed for 'retrograd.stack'; all __torch_function__ handlers returned NotImplemented:\n\n"
        "  - tensor subclass <class 'M._Diagonal'>\n\n"
        "For more information, try re-running with TORCH_LOGS=not_implemented",
        "Meta", "unit", True, True, "<class 'retrograd._C.DisableTorchFunctionSubclass'>",
    ]  # fmt: skip


def test_declined_call_and_make_subclass_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _declined_and_made(retrograd), _declined_and_made(torch)
    assert [s.replace("retrograd", "torch") if isinstance(s, str) else s for s in ours] == theirs


def _overrides_helpers(m):
    """torch.overrides' tables and helpers, as a program covering the API with a tensor-like uses them."""
    ov = m.overrides
    overridable = ov.get_overridable_functions()
    ignored = ov.get_ignored_functions()
    testing = ov.get_testing_overrides()

    @ov.wrap_torch_function(lambda a, b: (a, b))
    def plus(a, b):
        return a + b

    class Seen:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return func.__name__

    return [
        m.add in overridable[m], m.ones in overridable[m], m.nn.functional.relu in overridable[m.nn.functional],
        m.Tensor.add in overridable[m.Tensor], m.ones in ignored, m.add in ignored, m.is_tensor in ignored,
        testing[m.add](1, 2), testing[m.Tensor.add](1, 2), "input" in str(inspect.signature(testing[m.add])),
        ov.is_tensor_method_or_property(m.Tensor.add), ov.is_tensor_method_or_property(m.add),
        ov.resolve_name(m.add), ov.resolve_name(m.Tensor.add), ov.resolve_name(m.nn.functional.relu),
        ov.resolve_name(m.linalg.norm), ov.resolve_name(lambda x: x),
        ov.resolve_name(m.ones), ov.resolve_name(m.is_tensor), ov.resolve_name(m.manual_seed),
        # `F.conv2d` is `torch.conv2d`: listed under both namespaces, named by the later one
        m.nn.functional.conv2d in overridable[m], m.nn.functional.conv2d in overridable[m.nn.functional],
        ov.resolve_name(m.conv2d),
        plus(m.ones(1), 2).tolist(), plus(Seen(), 2), plus.__name__,
        issubclass(ov.BaseTorchFunctionMode, ov.TorchFunctionMode),
    ]  # fmt: skip


def test_overrides_helpers():
    assert _overrides_helpers(retrograd) == [
        True, False, True, True, True, False, True, -1, -1, True, True, False,
        "retrograd.add", "retrograd.Tensor.add", "retrograd.nn.functional.relu", "retrograd.linalg.norm", None,
        "retrograd.ones", "retrograd.is_tensor", "retrograd.manual_seed",
        True, True, "retrograd.nn.functional.conv2d",
        [3.0], "plus", "plus", True,
    ]  # fmt: skip


def test_overrides_helpers_vs_torch():
    torch = pytest.importorskip("torch")
    ours = [s.replace("retrograd.", "torch.") if isinstance(s, str) else s for s in _overrides_helpers(retrograd)]
    assert ours == _overrides_helpers(torch)


def _unrelated_subclasses_added(m):
    """`tagged + other` of two unrelated subclasses: each operator declines, so Python's own TypeError."""

    class Tagged(m.Tensor):
        pass

    class Other(m.Tensor):
        pass

    a, b = m.ones(2).as_subclass(Tagged), m.ones(2).as_subclass(Other)
    with pytest.raises(TypeError) as info:
        a + b
    with pytest.raises(TypeError) as method:
        a.add(b)
    return [str(info.value), str(method.value).splitlines()[0], type(a * 2).__name__, type(1 - a).__name__]


def test_unrelated_subclasses_make_python_report_the_operator():
    assert _unrelated_subclasses_added(retrograd) == [
        "unsupported operand type(s) for +: 'Tagged' and 'Other'",
        "Multiple dispatch failed for 'retrograd.Tensor.add'; all __torch_function__ handlers returned NotImplemented:",
        "Tagged", "Tagged",
    ]  # fmt: skip


def test_unrelated_subclasses_make_python_report_the_operator_vs_torch():
    torch = pytest.importorskip("torch")
    ours = [s.replace("retrograd.", "torch.") for s in _unrelated_subclasses_added(retrograd)]
    assert ours == _unrelated_subclasses_added(torch)
