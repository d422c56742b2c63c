"""torch.jit as PyTorch runs it with PYTORCH_JIT=0: eager, with the decorators and queries programs use."""

from __future__ import annotations

import sys
import typing
import warnings

import pytest

import retrograd as rg


def test_script_and_trace_return_what_they_get_and_run_eagerly():
    @rg.jit.script
    def double(x):
        return x * 2

    class Net(rg.nn.Module):
        @rg.jit.ignore
        def helper(self):
            return 1

        @rg.jit.ignore(drop=True)
        def dropped(self):
            return 2

        @rg.jit.unused
        def unused(self):
            return 3

        @rg.jit.export
        def exported(self):
            return 4

        def forward(self, x):
            return x + self.helper() + self.dropped() + self.unused() + self.exported()

    net = Net()
    assert rg.jit.script(net) is net and rg.jit.trace(net, rg.zeros(1)) is net
    assert net(rg.zeros(1)).tolist() == [10.0]
    assert double(rg.ones(2)).tolist() == [2.0, 2.0]
    assert not rg.jit.is_scripting() and not rg.jit.is_tracing()
    assert rg.jit.annotate(list[int], []) == [] and rg.jit.Attribute(3, int) == 3
    assert rg.jit.wait(rg.jit.fork(double, rg.ones(1))).tolist() == [2.0]


def test_jit_isinstance_checks_container_element_types():
    assert rg.jit.isinstance([1, 2], list[int]) and not rg.jit.isinstance([1, "a"], list[int])
    assert rg.jit.isinstance({"a": rg.ones(1)}, dict[str, rg.Tensor])
    assert rg.jit.isinstance((1, "a"), tuple[int, str]) and not rg.jit.isinstance((1,), tuple[int, str])
    assert rg.jit.isinstance(None, int | None) and rg.jit.isinstance(3, int | None)
    assert rg.jit.isinstance(None, typing.Optional[int]) and not rg.jit.isinstance("a", typing.Optional[int])  # noqa: UP045
    assert rg.jit.isinstance([1], typing.List[int])  # noqa: UP006 - the spelling older programs use


@pytest.mark.parametrize("call", ["save", "load", "freeze", "optimize_for_inference"])
def test_torchscript_files_and_passes_raise(call, tmp_path):
    args = {"save": (rg.nn.Linear(1, 1), str(tmp_path / "m.pt")), "load": (str(tmp_path / "m.pt"),)}
    with pytest.raises(RuntimeError, match=f"torch.jit.{call}: retrograd runs torch.jit as PyTorch does"):
        getattr(rg.jit, call)(*args.get(call, (rg.nn.Linear(1, 1),)))


def _deprecation(name, instead="`torch.compile` or `torch.export`"):
    if sys.version_info >= (3, 14):
        return f"`torch.jit.{name}` is not supported in Python 3.14+ and may break. Please switch to {instead}."
    return f"`torch.jit.{name}` is deprecated. Please switch to {instead}."


# PyTorch 2.13 deprecates TorchScript: each of these warns on every call (PYTORCH_JIT=0 too), from torch.jit
# itself (so Python's default filters hide it outside pytest)
JIT_DEPRECATIONS = {
    "script": _deprecation("script"),
    "trace": _deprecation("trace"),
    "trace_module": _deprecation("trace_method"),
    "save": _deprecation("save", "`torch.export`"),
    "load": _deprecation("load", "`torch.export`"),
}


def _twice(x):
    return x * 2


def _jit_warnings(lib, tmp_path):
    calls = {
        "script": lambda: lib.jit.script(_twice),
        "trace": lambda: lib.jit.trace(_twice, lib.ones(1)),
        "trace_module": lambda: lib.jit.trace_module(lib.nn.Linear(1, 1), {"forward": lib.ones(1, 1)}),
        "save": lambda: lib.jit.save(lib.jit.script(lib.nn.Linear(1, 1)), str(tmp_path / "m.pt")),
        "load": lambda: lib.jit.load(str(tmp_path / "missing.pt")),
    }
    seen = {}
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                call()
            except (RuntimeError, ValueError):  # retrograd cannot save or load TorchScript; nor PyTorch a missing file
                pass
        seen[name] = [str(w.message) for w in caught if w.category is DeprecationWarning][-1]
    return seen


def test_torchscript_entry_points_warn_they_are_deprecated(tmp_path):
    assert _jit_warnings(rg, tmp_path) == JIT_DEPRECATIONS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rg.jit.script(_twice)
    assert caught[0].filename == rg.jit.__file__  # torch.jit's line, not the caller's, as PyTorch's


def test_torchscript_deprecations_vs_torch(tmp_path):
    torch = pytest.importorskip("torch")
    assert _jit_warnings(torch, tmp_path) == JIT_DEPRECATIONS


def test_tracer_warning_is_a_warning_libraries_filter():
    assert issubclass(rg.jit.TracerWarning, Warning)
    with warnings.catch_warnings():
        rg.jit.TracerWarning.ignore_lib_warnings()  # Pyro and GPyTorch filter it around traceable code
        warnings.filterwarnings("ignore", category=rg.jit.TracerWarning)


def test_tracer_warning_vs_torch():
    torch = pytest.importorskip("torch")
    assert issubclass(torch.jit.TracerWarning, Warning) and callable(torch.jit.TracerWarning.ignore_lib_warnings)
    assert [c.__name__ for c in rg.jit.TracerWarning.__mro__] == [c.__name__ for c in torch.jit.TracerWarning.__mro__]


def test_tensor_type_is_importable_and_prints_tensor():
    # open_clip's hf_model writes `from torch import TensorType` to annotate its forward
    from retrograd import TensorType

    t = TensorType.get()
    assert str(t) == repr(t) == "Tensor" and t.kind() == "TensorType"
    assert t == TensorType.get() and hash(t) == hash(TensorType.get())
    assert isinstance(t, rg.Type) and rg._C.TensorType is TensorType
    with pytest.raises(TypeError, match=r"^torch._C.TensorType: No constructor defined!$"):
        TensorType()


def test_tensor_type_vs_torch():
    torch = pytest.importorskip("torch")
    for lib in (rg, torch):
        with pytest.raises(TypeError) as caught:
            lib.TensorType()
        assert str(caught.value) == "torch._C.TensorType: No constructor defined!"
    ours, theirs = rg.TensorType.get(), torch.TensorType.get()
    assert (str(ours), repr(ours), ours.kind()) == (str(theirs), repr(theirs), theirs.kind())
    assert [c.__name__ for c in rg.TensorType.__mro__[:2]] == [c.__name__ for c in torch.TensorType.__mro__[:2]]


def test_device_obj_type_is_importable_and_prints_device():
    # pytorch-forecasting annotates `device: str | torch.DeviceObjType`, evaluated when it is imported
    t = rg.DeviceObjType.get()
    assert str(t) == repr(t) == "Device" and t.kind() == "DeviceObjType"
    assert t == rg.DeviceObjType.get() and t != rg.TensorType.get() and isinstance(t, rg.Type)
    assert rg._C.DeviceObjType is rg.DeviceObjType and repr(str | rg.DeviceObjType) == "str | retrograd.DeviceObjType"
    with pytest.raises(TypeError, match=r"^torch._C.DeviceObjType: No constructor defined!$"):
        rg.DeviceObjType()


def test_device_obj_type_vs_torch():
    torch = pytest.importorskip("torch")
    for lib in (rg, torch):
        with pytest.raises(TypeError) as caught:
            lib.DeviceObjType()
        assert str(caught.value) == "torch._C.DeviceObjType: No constructor defined!"
    ours, theirs = rg.DeviceObjType.get(), torch.DeviceObjType.get()
    assert (str(ours), repr(ours), ours.kind()) == (str(theirs), repr(theirs), theirs.kind())
    assert [c.__name__ for c in rg.DeviceObjType.__mro__[:2]] == [c.__name__ for c in torch.DeviceObjType.__mro__[:2]]
    assert rg.DeviceObjType.__qualname__ == torch.DeviceObjType.__qualname__
