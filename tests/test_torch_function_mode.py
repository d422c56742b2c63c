"""TorchFunctionMode: inside `with mode:` the mode's `__torch_function__` sees each torch function
and Tensor method called, innermost mode first, before any Tensor subclass (retrograd/_torch_function.py)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import retrograd


def _logging_mode(lib):
    class Log(lib.overrides.TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.calls = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.calls.append(func.__name__)
            return func(*args, **(kwargs or {}))

    return Log


def _what_a_mode_sees(lib):
    """The calls a logging mode records, block by block (Tensor's properties are left out: PyTorch's
    mode sees them as `__get__`, retrograd's does not)."""
    Log = _logging_mode(lib)
    lib.manual_seed(0)
    t = lib.ones(2, 2)
    lin = lib.nn.Linear(3, 2)
    x = lib.randn(4, 3)
    seen = []
    with Log() as mode:
        lib.ones(2), lib.tensor([1.0]), lib.arange(3), lib.randn(2), lib.as_tensor([1.0]), lib.zeros_like(t)
        lib.manual_seed(0), lib.is_tensor(t), lib.from_numpy(np.ones(2))  # (not seen)
        seen.append(mode.calls[:])
        mode.calls.clear()
        t.sum(), t + 1, lib.nn.functional.relu(t), t[0], float(t[0, 0]), len(t), repr(t)
        seen.append(mode.calls[:])
        mode.calls.clear()
        loss = lin(x).pow(2).mean()
        loss.backward()  # the engine runs inside the mode's handler, where the mode is left
        w = lib.ones(2, requires_grad=True)
        (g,) = lib.autograd.grad((w * w).sum(), w)
        seen.append(mode.calls[:])
    seen.append(g.tolist())
    seen.append([round(v, 6) for v in lin.weight.grad.flatten().tolist()])
    return seen


def test_a_mode_sees_functions_factories_and_methods():
    assert _what_a_mode_sees(retrograd)[:3] == [
        ["ones", "tensor", "arange", "randn", "as_tensor", "zeros_like"],
        ["sum", "add", "relu", "__getitem__", "__getitem__", "__float__", "__len__", "__repr__"],
        ["linear", "pow", "mean", "backward", "ones", "mul", "sum", "grad"],
    ]


def test_what_a_mode_sees_vs_torch():
    torch = pytest.importorskip("torch")
    assert _what_a_mode_sees(retrograd) == _what_a_mode_sees(torch)


def _nesting(lib):
    """Two modes and a subclass: who sees a call, in what order, and what a mode's answer does."""
    order = []

    class Outer(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            order.append(("outer", func.__name__))
            return func(*args, **(kwargs or {}))

    class Inner(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            order.append(("inner", func.__name__, [t.__name__ for t in types]))
            return func(*args, **(kwargs or {}))

    class Doubling(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            return out * 2 if func is lib.exp else out

    class Image(lib.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            order.append(("Image", func.__name__))
            return super().__torch_function__(func, types, args, kwargs)

    t = lib.zeros(2)
    with Outer(), Inner():
        lib.exp(t)
        current = type(lib.overrides._get_current_function_mode()).__name__
    with Inner():
        result = lib.exp(t.as_subclass(Image))
    a = lib.tensor([0.0, 1.0], requires_grad=True)
    with Doubling():
        y = lib.exp(a).sum()
    y.backward()
    return [order, current, type(result).__name__, lib.overrides._get_current_function_mode(), round(y.item(), 5),
            [round(v, 5) for v in a.grad.tolist()]]  # fmt: skip


def test_modes_nest_innermost_first_and_come_before_subclasses():
    order, current, kind, after, y, grad = _nesting(retrograd)
    assert order == [
        ("inner", "exp", []), ("outer", "exp"),  # the inner mode's own call reaches the outer one
        ("inner", "exp", ["Image"]), ("Image", "exp"),  # then the subclass
    ]
    assert (current, kind, after) == ("Inner", "Image", None)
    assert (y, grad) == (7.43656, [2.0, 5.43656])  # the mode's answer is the result, recorded as it was made


def test_modes_nest_innermost_first_and_come_before_subclasses_vs_torch():
    torch = pytest.importorskip("torch")
    assert _nesting(retrograd) == _nesting(torch)


def test_a_mode_is_the_entering_threads_own():
    Log = _logging_mode(retrograd)
    t = retrograd.ones(2)
    other: list = []
    with Log() as mode:
        worker = threading.Thread(target=lambda: other.append(retrograd.exp(t)))
        worker.start()
        worker.join()
        retrograd.exp(t)
    assert mode.calls == ["exp"] and len(other) == 1
    assert retrograd.overrides._get_current_function_mode_stack() == []


def test_a_mode_left_by_an_error_is_left():
    Log = _logging_mode(retrograd)
    with pytest.raises(ValueError), Log():
        raise ValueError("inside")
    assert retrograd.overrides._get_current_function_mode() is None
    assert not retrograd.overrides.has_torch_function((retrograd.ones(1),))


def _initialisers_seen(lib):
    """What Lightning's `_EmptyInit` mode looks for: the `nn.init` functions a module's construction calls
    (`func.__module__` names the namespace); skipping them leaves the parameters as drawn by `empty`."""
    seen = []

    class SkipInit(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if getattr(func, "__module__", None) == f"{lib.__name__}.nn.init":
                seen.append((func.__name__, sorted(kwargs)))
                return kwargs["tensor"] if "tensor" in kwargs else args[0]
            return func(*args, **kwargs)

    with SkipInit():
        lib.nn.Linear(3, 2)
        lib.nn.init.constant_(lib.ones(2), 5.0)
    skipped = lib.nn.init.constant_(lib.ones(2), 5.0)  # (outside the mode: filled)
    return [(lib.nn.init.kaiming_uniform_.__module__ == f"{lib.__name__}.nn.init"), seen, skipped.tolist()]


def test_initialisers_dispatch_with_every_argument_by_keyword():
    assert _initialisers_seen(retrograd) == [
        True,
        [("kaiming_uniform_", ["a", "generator", "mode", "nonlinearity", "tensor"]),
         ("uniform_", ["a", "b", "generator", "tensor"]), ("constant_", ["tensor", "val"])],
        [5.0, 5.0],
    ]  # fmt: skip


def test_initialisers_dispatch_vs_torch():
    torch = pytest.importorskip("torch")
    assert _initialisers_seen(retrograd) == _initialisers_seen(torch)


def _functional_arguments(lib):
    """What a mode and a subclass receive from `nn.functional` calls: PyTorch's Python-written functions pass
    every parameter with a default by keyword, filled in; those written in C++ (`linear`) pass the call's own."""
    F = lib.nn.functional
    seen = []

    def record(func, args, kwargs):
        seen.append((func.__name__, len(args), kwargs if kwargs is None else {k: repr(v) for k, v in kwargs.items()}))

    class Recorded(lib.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            record(func, args, kwargs)
            return super().__torch_function__(func, types, args, kwargs)

    class Log(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            record(func, args, kwargs)
            return func(*args, **(kwargs or {}))

    x = lib.ones(2, 3)
    s = x.as_subclass(Recorded)
    F.relu(s), F.softmax(s, 1), F.linear(s, lib.ones(4, 3)), F.cross_entropy(s, lib.tensor([0, 2]))
    with Log():
        F.relu(x), F.dropout(x, 0.0)
    return seen


def test_functional_calls_pass_defaults_by_keyword():
    seen = _functional_arguments(retrograd)
    assert seen[0] == ("relu", 1, {"inplace": "False"})
    assert seen[1] == ("softmax", 1, {"dim": "1", "_stacklevel": "3", "dtype": "None"})
    assert seen[2] == ("linear", 2, None)


def test_functional_calls_pass_defaults_by_keyword_vs_torch():
    torch = pytest.importorskip("torch")
    assert _functional_arguments(retrograd) == _functional_arguments(torch)
def _empty_init(lib):
    """Lightning's `_EmptyInit` idiom: a mode that returns the tensor of every `torch.nn.init` call it
    sees, so building a model neither initialises its weights nor draws from the generator."""

    class Fills(lib.overrides.TorchFunctionMode):  # the initialisers and fills seen, and which are nn.init's
        def __init__(self):
            super().__init__()
            self.calls = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            name = getattr(func, "__name__", "")
            if name.endswith("_") and not name.startswith("_"):
                self.calls.append((name, getattr(func, "__module__", "").endswith("nn.init")))
            return func(*args, **(kwargs or {}))

    class EmptyInit(lib.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if getattr(func, "__module__", None) == lib.__name__ + ".nn.init":
                return kwargs["tensor"] if "tensor" in kwargs else args[0]
            return func(*args, **kwargs)

    lib.manual_seed(0)
    with EmptyInit():
        lin = lib.nn.Linear(3, 2)
        lin.weight.data.fill_(0.5)  # (the program loads its weights afterwards)
    after = lib.rand(1).item()  # the generator has not moved: the first draw after the seed
    lib.manual_seed(0)
    first = lib.rand(1).item()
    w = lib.empty(2, 2)
    with Fills() as mode:
        lib.nn.init.uniform_(w), lib.nn.init.normal_(w), lib.nn.init.constant_(w, 1.0)
        lib.nn.init.kaiming_uniform_(w), lib.nn.init.xavier_uniform_(w), lib.nn.init.kaiming_normal_(w)
        lib.nn.init.zeros_(w)
    module = lib.nn.init.uniform_.__module__.partition(".")[2]
    return [after == first, lin.weight.tolist(), mode.calls, module]


def test_a_mode_sees_the_four_dispatching_initialisers():
    same_draw, weight, calls, module = _empty_init(retrograd)
    assert same_draw and weight == [[0.5] * 3] * 2
    assert calls == [
        ("uniform_", True), ("normal_", True), ("constant_", True), ("kaiming_uniform_", True),
        ("uniform_", False), ("normal_", False), ("zero_", False),  # the others fill through Tensor's methods
    ]  # fmt: skip
    assert module == "nn.init"


def test_a_mode_sees_the_four_dispatching_initialisers_vs_torch():
    torch = pytest.importorskip("torch")
    assert _empty_init(retrograd) == _empty_init(torch)


def _conjugate_transposes(lib):
    Log = _logging_mode(lib)
    z = lib.tensor([[1 + 1j, 2.0]])
    with Log() as mode:
        h, mh = z.H, z.mH
    return [c for c in mode.calls if c != "__get__"], h.tolist(), mh.tolist()  # (PyTorch's property gets)


def test_conjugate_transpose_properties_make_no_inner_calls():
    assert _conjugate_transposes(retrograd) == ([], [[1 - 1j], [2 - 0j]], [[1 - 1j], [2 - 0j]])


def test_conjugate_transpose_properties_make_no_inner_calls_vs_torch():
    torch = pytest.importorskip("torch")
    assert _conjugate_transposes(retrograd) == _conjugate_transposes(torch)
