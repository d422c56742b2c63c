"""`__torch_function__` reached through a plain tensor: `t.add(image)`, `t - image`, `buffer[:, :proxy]`.

PyTorch checks every argument of a Tensor method for a class that overrides the protocol, not only
`self`. retrograd does so from the moment such a class exists (`_torch_function.start_overriding`):
before that, a plain tensor's methods cost nothing more.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import retrograd


def _recording(lib):
    """A subclass whose `__torch_function__` records each call's func name (and its keywords, or None)."""

    class Recorded(lib.Tensor):
        calls: list = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append((func.__name__, None if kwargs is None else sorted(kwargs)))
            return super().__torch_function__(func, types, args, kwargs)

    return Recorded


def _method_log(lib):
    """Plain tensors' methods given a subclass instance: the result's class and what was dispatched."""
    Recorded = _recording(lib)
    t = lib.ones(2, 2)
    s = lib.ones(2, 2).as_subclass(Recorded)
    i = lib.zeros(2, 2, dtype=lib.long).as_subclass(Recorded)
    b = lib.ones(2, 2, dtype=lib.bool).as_subclass(Recorded)
    row = lib.ones(2).as_subclass(Recorded)
    cases = {
        "add": lambda: t.add(s), "add alpha": lambda: t.add(s, alpha=2), "addcmul": lambda: t.addcmul(s, s),
        "where": lambda: t.where(b, s), "masked_fill": lambda: t.masked_fill(b, 1.0), "gather": lambda: t.gather(0, i),
        "scatter": lambda: t.scatter(0, i, s), "copy_": lambda: t.clone().copy_(s), "lerp": lambda: t.lerp(s, 0.5),
        "clamp": lambda: t.clamp(min=s), "type_as": lambda: t.type_as(s), "expand_as": lambda: t.expand_as(s),
        "to": lambda: t.to(s), "allclose": lambda: t.allclose(s), "masked_scatter": lambda: t.masked_scatter(b, s),
        "mul_": lambda: t.clone().mul_(s), "index": lambda: t[i], "setitem": lambda: t.clone().__setitem__(0, row),
        "new_tensor": lambda: t.new_tensor(s), "set_": lambda: t.clone().set_(s), "repeat": lambda: t.repeat(2, 1),
    }  # fmt: skip
    log = []
    for name, case in cases.items():
        Recorded.calls.clear()
        result = case()
        log.append((name, type(result).__name__, Recorded.calls[:]))
    return log


def test_a_plain_tensors_method_dispatches_on_a_subclass_argument():
    log = {name: (kind, calls) for name, kind, calls in _method_log(retrograd)}
    assert log["add"] == ("Recorded", [("add", None)])
    assert log["add alpha"] == ("Recorded", [("add", ["alpha"])])
    assert log["to"] == ("Recorded", [("to", None)]) and log["allclose"] == ("bool", [("allclose", None)])
    # the whole call is the subclass's: retrograd's own code inside it calls no more of its methods
    assert log["masked_scatter"] == ("Recorded", [("masked_scatter", None)])
    assert log["copy_"] == ("Recorded", [("copy_", None)])  # in place too: the tensor, seen as the class
    assert log["setitem"] == ("NoneType", [("__setitem__", None)])
    # PyTorch reads new_tensor's and set_'s argument as data, without dispatching
    assert log["new_tensor"] == ("Tensor", []) and log["set_"] == ("Tensor", []) and log["repeat"] == ("Tensor", [])


def test_a_plain_tensors_method_with_a_subclass_argument_vs_torch():
    torch = pytest.importorskip("torch")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # new_tensor's copy-construct advice
        assert _method_log(retrograd) == _method_log(torch)


def _operator_log(lib):
    """Operators between a plain tensor and a subclass instance: the result's class and the func reported."""
    Recorded = _recording(lib)
    t = lib.ones(2, 2)
    s = lib.ones(2, 2).as_subclass(Recorded)
    bt = lib.ones(2, 2, dtype=lib.bool)
    bs = bt.as_subclass(Recorded)
    log = []
    for text, case in {
        "t - s": lambda: t - s, "s - t": lambda: s - t, "t + s": lambda: t + s, "2 + s": lambda: 2 + s,
        "2 - s": lambda: 2 - s, "t * s": lambda: t * s, "t / s": lambda: t / s, "t < s": lambda: t < s,
        "s < t": lambda: s < t, "t >= s": lambda: t >= s, "t == s": lambda: t == s, "t != s": lambda: t != s,
        "t @ s": lambda: t @ s, "t % s": lambda: t % s, "t // s": lambda: t // s, "bt & bs": lambda: bt & bs,
        "-s": lambda: -s, "+s": lambda: +s, "abs(s)": lambda: abs(s), "s ** 2": lambda: s ** 2,
        "2 / s": lambda: 2 / s, "2 ** s": lambda: 2 ** s,
    }.items():  # fmt: skip
        Recorded.calls.clear()
        result = case()
        log.append((text, type(result).__name__, [name for name, _ in Recorded.calls]))
    u = lib.ones(2, 2)
    Recorded.calls.clear()
    u += s
    log.append(("u += s", type(u).__name__, [name for name, _ in Recorded.calls]))
    return log


def test_operators_report_pytorchs_methods():
    log = {text: (kind, calls) for text, kind, calls in _operator_log(retrograd)}
    assert log["t - s"] == log["s - t"] == ("Recorded", ["sub"])
    assert log["t < s"] == ("Recorded", ["gt"])  # Python asks the subclass on the right first: s > t
    assert log["t == s"] == ("Recorded", ["__eq__"]) and log["t != s"] == ("Recorded", ["ne"])
    assert log["2 - s"] == ("Recorded", ["__rsub__"]) and log["t % s"] == ("Recorded", ["remainder"])
    assert log["u += s"] == ("Recorded", ["add_"])
    assert log["s ** 2"] == ("Recorded", ["pow"]) and log["2 / s"] == ("Recorded", ["__rdiv__"])
    assert retrograd.Tensor.__rtruediv__ == retrograd.Tensor.__rdiv__  # (one function, two checked names)
    assert retrograd.Tensor.__radd__ is _recording(retrograd).__radd__  # no reflected operator of its own


def test_operators_report_pytorchs_methods_vs_torch():
    torch = pytest.importorskip("torch")
    assert _operator_log(retrograd) == _operator_log(torch)


# A tensor-like (no Tensor) met first past a function's first argument, then by plain tensors'
# methods and operators; and a program without any such class, whose methods stay unwrapped.
_TENSOR_LIKE = """
import torch

class Like:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return (func.__name__, [type(a).__name__ for a in args], kwargs)

t, d = torch.ones(2), Like()
print(torch.add(t, d))
for case in (lambda: t.add(d), lambda: t + d, lambda: d + t, lambda: t < d, lambda: t @ d, lambda: t[d],
             lambda: t.expand(d), lambda: t.masked_fill(d, 0), lambda: torch.cat([t, d])):
    print(case())
try:
    t[:d]  # (PyTorch does not look into slices)
except TypeError as e:
    print(e)
"""

_NOTHING_OVERRIDES = """
import torch
import torch._torch_function as protocol
x = torch.ones(3, requires_grad=True)
(x.add(1) * x).sum().backward()
print(protocol.overriding, torch.Tensor.add.__code__.co_name, torch.Tensor.__getitem__.__code__.co_name)
"""


def _run(tmp_path, text, *command):
    script = tmp_path / "script.py"
    script.write_text(text)
    src = str(pathlib.Path(retrograd.__file__).parents[1])
    done = subprocess.run([sys.executable, *command, str(script)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=src), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_tensor_like_met_past_the_first_argument(tmp_path):
    lines = _run(tmp_path, _TENSOR_LIKE, "-m", "retrograd", "run")
    assert lines == [
        "('add', ['Tensor', 'Like'], None)",
        "('add', ['Tensor', 'Like'], None)",
        "('add', ['Tensor', 'Like'], None)",
        "('add', ['Tensor', 'Like'], None)",
        "('lt', ['Tensor', 'Like'], None)",
        "('matmul', ['Tensor', 'Like'], None)",
        "('__getitem__', ['Tensor', 'Like'], None)",
        "('expand', ['Tensor', 'Like'], None)",
        "('masked_fill', ['Tensor', 'Like', 'int'], None)",
        "('cat', ['list'], None)",
        "slice indices must be integers or None or have an __index__ method",
    ]


def test_a_tensor_like_met_past_the_first_argument_vs_torch(tmp_path):
    pytest.importorskip("torch")
    assert _run(tmp_path, _TENSOR_LIKE, "-m", "retrograd", "run") == _run(tmp_path, _TENSOR_LIKE)


def test_methods_stay_unwrapped_until_a_class_overrides(tmp_path):
    assert _run(tmp_path, _NOTHING_OVERRIDES, "-m", "retrograd", "run") == ["False add __getitem__"]


# A factory given a tensor-like it cannot take (FX's `torch.zeros(x.shape)` with a proxy shape) hands
# the call to the tensor-like's class, as PyTorch's argument parser does; `tensor` reads it as data.
def _factory_log(lib):
    class Like:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return func.__name__, len(args), None if kwargs is None else sorted(kwargs)

    d = Like()
    cases = {
        "zeros(d)": lambda: lib.zeros(d), "zeros((2, d))": lambda: lib.zeros((2, d)),
        "ones(2, d)": lambda: lib.ones(2, d), "zeros(size=d)": lambda: lib.zeros(size=d),
        "full((2,), d)": lambda: lib.full((2,), d),
        "arange(0, d)": lambda: lib.arange(0, d), "randn(d)": lambda: lib.randn(d), "eye(d)": lambda: lib.eye(d),
        "randint(0, d, (2,))": lambda: lib.randint(0, d, (2,)), "tensor(d)": lambda: lib.tensor(d),
    }  # fmt: skip
    log = {}
    for text, case in cases.items():
        try:
            log[text] = case()
        except Exception as e:  # noqa: BLE001 - the error's kind is compared
            log[text] = type(e).__name__
    return log


def test_a_factory_hands_a_tensor_like_it_cannot_take_to_its_class():
    log = _factory_log(retrograd)
    assert log["zeros(d)"] == log["zeros((2, d))"] == ("zeros", 1, None)
    assert log["ones(2, d)"] == ("ones", 2, None) and log["zeros(size=d)"] == ("zeros", 0, ["size"])
    assert log["full((2,), d)"] == ("full", 2, None) and log["arange(0, d)"] == ("arange", 2, None)
    assert log["randn(d)"] == ("randn", 1, None) and log["eye(d)"] == ("eye", 1, None)
    assert log["randint(0, d, (2,))"] == ("randint", 3, None)
    assert log["tensor(d)"] == "RuntimeError"  # read as data: "Could not infer dtype of Like"


def test_a_factory_hands_a_tensor_like_it_cannot_take_to_its_class_vs_torch():
    torch = pytest.importorskip("torch")
    assert _factory_log(retrograd) == _factory_log(torch)


# Warnings PyTorch raises from C++ name the caller's line, through the public faces of the factories
# and, once a class overrides the protocol, through the checks of Tensor's methods.
_WARNINGS = """
import warnings
import torch

class Sub(torch.Tensor):
    pass

warnings.simplefilter("always")
warnings.showwarning = lambda message, kind, path, line, *rest: print(path.rsplit("/", 1)[-1], line, str(message)[:20])
x = torch.ones(3, requires_grad=True)
torch.tensor(x)
x.new_tensor(x)
torch.asarray(x)
x.detach().resize(3)
x.detach().resize_as(x)
"""


def test_warnings_name_the_callers_line_once_methods_are_checked(tmp_path):
    lines = _run(tmp_path, _WARNINGS, "-m", "retrograd", "run")
    assert lines == [
        "script.py 11 To copy construct fr",
        "script.py 12 To copy construct fr",
        "script.py 13 torch.asarray: unspe",
        "script.py 14 non-inplace resize i",
        "script.py 15 non-inplace resize_a",
    ]


def test_warnings_name_the_callers_line_once_methods_are_checked_vs_torch(tmp_path):
    pytest.importorskip("torch")
    assert _run(tmp_path, _WARNINGS, "-m", "retrograd", "run") == _run(tmp_path, _WARNINGS)


def test_a_subclass_holds_only_its_own_names_and_the_tensor_properties():
    # Tensor's methods check for the subclass themselves: the class gets no copy of each (only the
    # tensor-valued properties, which dispatch through their getters), so `vars` reads as written
    class Plain(retrograd.Tensor):
        def own(self):
            return 1

    public = sorted(n for n in vars(Plain) if not n.startswith("__"))
    assert public == ["H", "T", "data", "imag", "mH", "mT", "own", "real"]
    assert Plain.add is retrograd.Tensor.add and Plain.__radd__ is retrograd.Tensor.__radd__
def _warning_lines(lib):
    """The file and line each warning names, for methods and factories that warn with a fixed stack
    level, once a subclass exists (their calls then pass through the protocol's checks)."""
    import warnings

    class Marked(lib.Tensor):  # (defining it turns on the checks of plain tensors' methods)
        pass

    t = lib.ones(3, 4)
    x = lib.ones(2, requires_grad=True)
    calls = [
        lambda: t.new_tensor(t),
        lambda: lib.tensor(t),
        lambda: t.resize(12),
        lambda: t.resize_as(lib.ones(12)),
        lambda: lib.asarray(lib.ones(2, requires_grad=True)),
    ]
    seen = []
    for call in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        seen.append([(os.path.basename(w.filename), w.lineno == call.__code__.co_firstlineno) for w in caught])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x * x).sum().backward(create_graph=True)  # (PyTorch names its autograd/graph.py here)
    seen.append(sorted({os.path.basename(w.filename) for w in caught}))
    return seen, Marked


def test_fixed_level_warnings_name_the_callers_line_past_the_checks():
    from retrograd.ops import from_data

    from_data._asarray_warned[0] = False  # (asarray's warning comes once per process)
    seen, _ = _warning_lines(retrograd)
    here = os.path.basename(__file__)
    assert seen[:5] == [[(here, True)]] * 5
    assert seen[5] in ([], [here])  # PyTorch warns once per process


def test_fixed_level_warnings_name_the_callers_line_past_the_checks_vs_torch():
    torch = pytest.importorskip("torch")
    assert _warning_lines(retrograd)[0][:4] == _warning_lines(torch)[0][:4]


def _keywords_seen(lib):
    """What a handler receives as `kwargs` for operators and methods without keywords: `{}` for the ones
    PyTorch writes in Python (`1 - s`, `s ** 2`, `len(s)`), None for its C++ ones (`s + 1`, `-s`)."""
    Recorded = _recording(lib)
    s = lib.ones(2, 2).as_subclass(Recorded)
    i = lib.ones(2, dtype=lib.long).as_subclass(Recorded)
    cases = [
        lambda: 1 - s, lambda: 1 / s, lambda: s // 2, lambda: 2 // s, lambda: s**2, lambda: 2**s, lambda: 2 % s,
        lambda: 2 << i, lambda: len(s), lambda: 1.0 in s, lambda: s.unflatten(0, (1, 2)),
        lambda: s + 1, lambda: 2 * s, lambda: -s, lambda: s.sum(),
    ]  # fmt: skip
    seen = []
    for case in cases:
        Recorded.calls.clear()
        case()
        seen.append(Recorded.calls[0][1])
    return seen


def test_pythons_methods_hand_an_empty_kwargs_dict():
    assert _keywords_seen(retrograd) == [[]] * 11 + [None] * 4


def test_pythons_methods_hand_an_empty_kwargs_dict_vs_torch():
    torch = pytest.importorskip("torch")
    assert _keywords_seen(retrograd) == _keywords_seen(torch)


def _with_arrays(lib):
    """A tensor meets a NumPy array through Python's operators once a subclass exists (the operators
    are then checked methods): PyTorch's operators refuse the array, so NumPy computes `t + a`."""
    import warnings

    import numpy as np

    class Marked(lib.Tensor):  # (defining it turns on the checks of plain tensors' methods)
        pass

    t = lib.ones(2)
    cases = {
        "t + a0": lambda: t + np.array(1.0), "t * a": lambda: t * np.ones(2), "t @ a": lambda: t @ np.ones(2),
        "a * t": lambda: np.ones(2) * t, "a - t": lambda: np.ones(2) - t, "t < a": lambda: t < np.ones(2),
    }  # fmt: skip
    seen = {}
    for name, case in cases.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # (NumPy 2's note on __array_wrap__)
                result = case()
            seen[name] = (type(result).__name__, str(result.dtype).partition(".")[2])
        except TypeError as error:
            seen[name] = str(error).partition(":")[0]
    return seen, Marked


def test_operators_leave_an_array_operand_to_numpy_past_the_checks():
    seen, _ = _with_arrays(retrograd)
    assert seen == {
        "t + a0": ("Tensor", "float64"), "t * a": ("Tensor", "float64"), "t @ a": ("Tensor", "float64"),
        "a * t": "unsupported operand type(s) for *", "a - t": "unsupported operand type(s) for -",
        "t < a": "'<' not supported between instances of 'Tensor' and 'numpy.ndarray'",
    }  # fmt: skip


def test_operators_leave_an_array_operand_to_numpy_past_the_checks_vs_torch():
    torch = pytest.importorskip("torch")
    assert _with_arrays(retrograd)[0] == _with_arrays(torch)[0]
