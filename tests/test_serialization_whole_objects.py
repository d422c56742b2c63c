"""Whole objects in checkpoints (`torch.save(model)`, `torch.save(optimizer)`, loaded with
weights_only=False): retrograd names its classes as PyTorch does, so PyTorch loads retrograd's file
as its own modules, and retrograd loads PyTorch's file as retrograd's modules, without the
`torch` alias."""

from __future__ import annotations

import collections
import importlib
import inspect
import io
import pickle

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd._torch_pickle import retrograd_stand_in
from retrograd._torch_save import torch_spelling
from retrograd.serialization import get_unsafe_globals_in_checkpoint, load, safe_globals, save

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.ModuleDict({
        "conv": lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.BatchNorm2d(2), lib.nn.ReLU(), lib.nn.Flatten()),
        "att": lib.nn.MultiheadAttention(4, 2, batch_first=True),
        "lstm": lib.nn.LSTM(4, 3, num_layers=2, batch_first=True),
        "head": lib.nn.Linear(3, 2),
    })


def _outputs(lib, model, x: np.ndarray, img: np.ndarray) -> list[np.ndarray]:
    model.eval()
    with lib.no_grad():
        x, img = lib.tensor(x), lib.tensor(img)
        att = model["att"](x, x, x)[0]
        return [model["conv"](img).numpy(), att.numpy(), model["head"](model["lstm"](att)[0]).numpy()]


def _inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((2, 3, 4)).astype(np.float32), rng.standard_normal((2, 1, 4, 4)).astype(np.float32)


def test_whole_module_is_written_with_pytorchs_class_names():
    buffer = io.BytesIO()
    opt = rg.optim.AdamW(_model(rg).parameters())
    save({"model": _model(rg), "opt": opt, "sched": rg.optim.lr_scheduler.StepLR(opt, 2)}, buffer)
    names = get_unsafe_globals_in_checkpoint(io.BytesIO(buffer.getvalue()))
    for expected in ("torch.nn.ModuleDict", "torch.nn.Conv2d", "torch.nn.MultiheadAttention", "torch.nn.LSTM",
                     "torch.nn.modules.linear.NonDynamicallyQuantizableLinear", "torch.optim.AdamW",
                     "torch.optim.lr_scheduler.StepLR"):
        assert expected in names
    assert not [name for name in names if name.startswith("retrograd")]


def test_whole_module_roundtrip_restores_retrograd_classes():
    model, buffer = _model(rg), io.BytesIO()
    save({"model": model, "opt": rg.optim.SGD(model.parameters(), lr=0.1)}, buffer)
    buffer.seek(0)
    out = load(buffer, weights_only=False)
    assert type(out["model"]["att"]) is nn.MultiheadAttention and type(out["model"]["lstm"]) is nn.LSTM
    assert type(out["opt"]) is rg.optim.SGD and out["opt"].param_groups[0]["lr"] == 0.1
    lstm = out["model"]["lstm"]  # its list of the weights forward reads is re-read from the loaded ones
    assert all(w is getattr(lstm, n) for n, w in zip(lstm._flat_weights_names, lstm._flat_weights, strict=True))
    for a, b in zip(_outputs(rg, model, *_inputs()), _outputs(rg, out["model"], *_inputs())):
        np.testing.assert_array_equal(a, b)


def test_rnn_pickles_its_flat_weights_as_pytorch():
    lstm = nn.LSTM(2, 3)
    state = lstm.__getstate__()
    assert [id(w) for w in state["_flat_weights"]] == [id(w) for w in lstm._flat_weights]
    copy = pickle.loads(pickle.dumps(lstm))
    assert "_flat_weight_refs" not in state  # weak references are not pickled, as in PyTorch
    assert [id(w) for w in copy._flat_weights] == [id(getattr(copy, n)) for n in copy._flat_weights_names]


def test_pytorch_class_names_load_as_retrograd_classes():
    """A trusted load answers `torch.X.Y` with retrograd's class at the same path, else with the
    nearest enclosing package that has it (PyTorch keeps MultiheadAttention in activation.py)."""
    assert retrograd_stand_in("torch.nn.modules.conv", "Conv2d") is nn.Conv2d
    assert retrograd_stand_in("torch.nn.modules.activation", "MultiheadAttention") is nn.MultiheadAttention
    assert retrograd_stand_in("torch.optim.adamw", "AdamW") is rg.optim.AdamW
    assert retrograd_stand_in("torch.optim.lr_scheduler", "OneCycleLR") is rg.optim.lr_scheduler.OneCycleLR
    assert retrograd_stand_in("torch.nn.modules.conv", "NoSuchThing") is None
    assert retrograd_stand_in("numpy", "ndarray") is None


def test_safe_globals_accept_pytorchs_spellings_of_retrograd_classes():
    buffer = io.BytesIO()
    save(nn.Linear(2, 3), buffer)  # written as torch.nn.Linear
    with safe_globals([nn.Linear]):
        buffer.seek(0)
        assert type(load(buffer, weights_only=True)) is nn.Linear


@needs_torch
def test_retrograd_whole_model_loads_in_pytorch_vs_torch(tmp_path):
    ours = _model(rg)
    opt = rg.optim.AdamW(ours.parameters(), lr=0.01)
    save({"model": ours, "opt": opt, "sched": rg.optim.lr_scheduler.StepLR(opt, 2)}, tmp_path / "ours.pt")
    theirs = torch.load(tmp_path / "ours.pt", weights_only=False)
    assert type(theirs["model"]["att"]) is torch.nn.MultiheadAttention
    assert type(theirs["model"]["att"].out_proj) is torch.nn.modules.linear.NonDynamicallyQuantizableLinear
    assert type(theirs["opt"]) is torch.optim.AdamW and type(theirs["sched"]) is torch.optim.lr_scheduler.StepLR
    for a, b in zip(_outputs(rg, ours, *_inputs()), _outputs(torch, theirs["model"], *_inputs())):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@needs_torch
def test_pytorch_whole_model_loads_in_retrograd_vs_torch(tmp_path):
    theirs = _model(torch)
    torch.save({"model": theirs, "opt": torch.optim.Adam(theirs.parameters())}, tmp_path / "theirs.pt")
    ours = load(tmp_path / "theirs.pt", weights_only=False)
    assert type(ours["model"]["att"]) is nn.MultiheadAttention and type(ours["opt"]) is rg.optim.Adam
    for a, b in zip(_outputs(rg, ours["model"], *_inputs()), _outputs(torch, theirs, *_inputs())):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


_NOT_IN_PYTORCH_NAMESPACE = {"LazyModuleMixin"}  # retrograd.nn exports it; PyTorch only in nn.modules.lazy


@needs_torch
def test_every_public_class_spelling_exists_in_pytorch_vs_torch():
    namespaces = [rg.nn, rg.optim, rg.optim.lr_scheduler, rg.amp, rg.distributions]
    for namespace in namespaces:
        for name in dir(namespace):
            obj = getattr(namespace, name)
            if not inspect.isclass(obj) or name.startswith("_") or not obj.__module__.startswith("retrograd"):
                continue
            if name in _NOT_IN_PYTORCH_NAMESPACE:
                continue
            module, attr = torch_spelling(obj)
            assert getattr(importlib.import_module(module), attr).__name__ == obj.__name__, (module, attr)


# --- another pickle module (fastai's `learn.export` saves with cloudpickle) ------------------------


class _Unpicklable:
    """Plain pickle refuses it (a lambda inside); the stand-in module's reducer turns it into a dict."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.fn = lambda x: x  # noqa: E731  (the point: plain pickle cannot name it)


class _ByValuePickler(pickle.Pickler):
    """A cloudpickle-like Pickler: a reducer for what plain pickle cannot name."""

    def reducer_override(self, obj):
        if isinstance(obj, _Unpicklable):
            return dict, ([("value", obj.value)],)
        return NotImplemented


class _ByValueModule:
    """Stands in for the `cloudpickle` module: `torch.save(..., pickle_module=cloudpickle)`."""

    Pickler = _ByValuePickler


def _by_value_checkpoint(lib) -> dict:
    buffer = io.BytesIO()
    obj = {"weight": lib.arange(3.0), "thing": _Unpicklable(2.5), "layer": lib.nn.Linear(2, 1)}
    lib.save(obj, buffer, pickle_module=_ByValueModule)
    buffer.seek(0)
    return lib.load(buffer, weights_only=False)


def test_save_with_another_pickle_module_uses_its_reducers():
    """Tensors and modules pickle as retrograd's; the rest goes through the module's Pickler."""
    loaded = _by_value_checkpoint(rg)
    assert loaded["thing"] == {"value": 2.5}
    assert rg.equal(loaded["weight"], rg.tensor([0.0, 1.0, 2.0]))
    assert type(loaded["layer"]) is nn.Linear
    with pytest.raises((pickle.PicklingError, AttributeError)):  # plain pickle cannot save the lambda
        save({"thing": _Unpicklable(1.0)}, io.BytesIO())
    buffer = io.BytesIO()
    save({"w": rg.ones(2)}, buffer, pickle_module=_ByValueModule, _use_new_zipfile_serialization=False)
    assert rg.equal(load(io.BytesIO(buffer.getvalue()))["w"], rg.ones(2))


def test_save_refuses_a_pickle_module_without_a_standard_pickler():
    class NoPickler:
        pass

    with pytest.raises(NotImplementedError, match="NoPickler"):
        save({"w": rg.ones(2)}, io.BytesIO(), pickle_module=NoPickler)


@needs_torch
def test_save_with_another_pickle_module_vs_torch():
    ours, theirs = _by_value_checkpoint(rg), _by_value_checkpoint(torch)
    assert ours["thing"] == theirs["thing"]
    np.testing.assert_array_equal(ours["weight"].numpy(), theirs["weight"].numpy())
    assert type(ours["layer"]).__name__ == type(theirs["layer"]).__name__


class _FloatStorage:
    """Stands for `torch.FloatStorage`, the global a legacy checkpoint's storage record names."""


class _LegacyStoragePickler(pickle._Pickler):  # the Python pickler: its save_global can be overridden
    def persistent_id(self, obj):
        return ("storage", _FloatStorage, "0", "cpu", obj.size, None) if isinstance(obj, np.ndarray) else None

    def save_global(self, obj, name=None):
        if obj is not _FloatStorage:
            return super().save_global(obj, name)
        self.write(pickle.GLOBAL + b"torch\nFloatStorage\n")


def _legacy_storage_bytes(flat: np.ndarray) -> bytes:
    """`torch.save(storage, _use_new_zipfile_serialization=False)` of float32 elements, as PyTorch's
    `TypedStorage.__reduce__` writes it: three headers, the storage record, its key, its elements."""
    out = io.BytesIO()
    system = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}
    for header in (0x1950A86A20F9469CFC6C, 1001, system):
        pickle.dump(header, out, protocol=2)
    _LegacyStoragePickler(out, protocol=2).dump(flat)
    pickle.dump(["0"], out, protocol=2)
    out.write(np.int64(flat.size).tobytes() + flat.astype("<f4").tobytes())
    return out.getvalue()


class _LegacyStorage:
    """A storage as PyTorch pickles it: `torch.storage._load_from_bytes(<legacy torch.save of it>)`."""

    def __init__(self, t: rg.Tensor) -> None:
        self.data = _legacy_storage_bytes(np.asarray(t.untyped_storage().tolist(), np.uint8).view(np.float32))

    def __reduce__(self):
        return rg.storage._load_from_bytes, (self.data,)


class _PyTorchStylePickler(pickle.Pickler):
    """Reduces tensors and parameters as PyTorch's `__reduce_ex__` does (its `torch._utils` rebuilds)."""

    def reducer_override(self, obj):
        if isinstance(obj, nn.Parameter):
            return rg._utils._rebuild_parameter, (obj.detach(), obj.requires_grad, collections.OrderedDict())
        if isinstance(obj, rg.Tensor):  # float32 tensors, for the storage class above
            args = (obj.storage_offset(), tuple(obj.shape), obj.stride(), obj.requires_grad, collections.OrderedDict())
            return rg._utils._rebuild_tensor_v2, (_LegacyStorage(obj), *args)
        return NotImplemented


def test_plain_pickle_of_pytorch_style_tensors_unpickles():
    # skorch pickles a whole net with plain pickle: each tensor names torch._utils._rebuild_tensor_v2
    # and torch.storage._load_from_bytes, which the `torch` alias finds in retrograd
    base = rg.arange(12.0).reshape(3, 4)
    objects = {"view": base[:, 1:3], "p": nn.Parameter(rg.ones(2))}
    buf = io.BytesIO()
    _PyTorchStylePickler(buf).dump(objects)
    back = pickle.loads(buf.getvalue())
    assert back["view"].tolist() == [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]] and back["view"].stride() == (4, 1)
    assert type(back["p"]) is nn.Parameter and back["p"].requires_grad and back["p"].tolist() == [1.0, 1.0]


class _TorchAsRetrograd(pickle.Unpickler):
    """What `python -m retrograd run` does for a pickle: `torch.x` is looked up as `retrograd.x`."""

    def find_class(self, module, name):
        if module == "torch" or module.startswith("torch."):
            module = "retrograd" + module[len("torch"):]
        return super().find_class(module, name)


@needs_torch
def test_plain_pickle_from_pytorch_unpickles_vs_torch():
    base = torch.arange(12.0).reshape(3, 4)
    half = torch.ones(2, dtype=torch.float16) / 3
    theirs = {"view": base[:, 1:3], "half": half, "p": torch.nn.Parameter(torch.ones(2))}
    ours = _TorchAsRetrograd(io.BytesIO(pickle.dumps(theirs))).load()
    for key, value in theirs.items():
        assert ours[key].dtype.itemsize == value.dtype.itemsize and ours[key].dtype.is_floating_point
        assert ours[key].stride() == value.stride() and ours[key].requires_grad == value.requires_grad
        np.testing.assert_array_equal(ours[key].detach().numpy(), value.detach().numpy())
    assert type(ours["p"]) is nn.Parameter
