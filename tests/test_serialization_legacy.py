"""PyTorch's legacy checkpoint format (`torch.save(..., _use_new_zipfile_serialization=False)`,
and every `torch.save` before PyTorch 1.6): read and written by `retrograd.load` and `save`."""

from __future__ import annotations

import io
import pickle
import struct
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.serialization import CheckpointError, load, save

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
MAGIC = 0x1950A86A20F9469CFC6C


def _checkpoint(lib):
    """A training checkpoint with views, transposes, several dtypes and plain containers."""
    base = lib.arange(24, dtype=lib.float32).reshape(4, 6)
    return {
        "base": base, "window": base[1:3, 2:5], "t": base.t(), "row": base[2], "flat": base.view(-1)[5:11],
        "ints": lib.tensor([1, -2, 3]), "u8": lib.tensor([250, 3], dtype=lib.uint8),
        "mask": lib.tensor([True, False]), "half": lib.tensor([0.1, 65504.0], dtype=lib.float16),
        "bf16": lib.tensor([1.5, -2.25], dtype=lib.bfloat16), "c64": lib.tensor([1 + 2j, -3.5j]),
        "f64": lib.tensor([1 / 3], dtype=lib.float64), "empty": lib.empty(0, 3), "scalar": lib.tensor(2.5),
        "param": lib.nn.Parameter(lib.ones(2)), "size": lib.Size([2, 3]), "dtype": lib.float16,
        "nested": {"list": [1, 2.5, "a", None], "tuple": (1, (2, 3)), "od": OrderedDict(a=1)},
    }


def _describe(obj):
    """What a checkpoint holds, comparable across libraries: values, dtypes, shapes, strides,
    offsets, and which tensors share memory with `base`."""
    out = {}
    for key, value in obj.items():
        if isinstance(value, (rg.Tensor,) + ((torch.Tensor,) if torch is not None else ())):
            wide = value.float() if str(value.dtype) in ("torch.bfloat16", "torch.float16") else value
            out[key] = (str(value.dtype).split(".")[-1], tuple(value.shape), value.stride(), value.storage_offset(),
                        value.requires_grad, wide.tolist())
        else:
            out[key] = repr(value).replace("retrograd", "torch")
    base = obj["base"]
    base[2, 3] = 100.0  # views saved with `base` see the write, as after torch.load
    out["after write"] = [obj[k].tolist() for k in ("window", "t", "row", "flat")]
    return out


def test_legacy_roundtrip_keeps_values_dtypes_strides_and_sharing():
    buffer = io.BytesIO()
    save(_checkpoint(rg), buffer, _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    assert data.startswith(pickle.dumps(MAGIC, protocol=2) + pickle.dumps(1001, protocol=2))
    loaded = load(io.BytesIO(data))
    assert loaded["window"].stride() == (6, 1) and loaded["window"].storage_offset() == 8
    assert loaded["t"].stride() == (1, 6) and loaded["flat"].storage_offset() == 5
    assert loaded["bf16"].dtype == rg.bfloat16 and loaded["bf16"].tolist() == [1.5, -2.25]
    assert loaded["half"].dtype == rg.float16 and loaded["u8"].tolist() == [250, 3]
    assert loaded["empty"].shape == (0, 3) and loaded["scalar"].item() == 2.5
    assert isinstance(loaded["param"], nn.Parameter) and loaded["param"].requires_grad
    assert loaded["size"] == rg.Size([2, 3]) and loaded["dtype"] is rg.float16
    assert loaded["nested"] == {"list": [1, 2.5, "a", None], "tuple": (1, (2, 3)), "od": OrderedDict(a=1)}
    loaded["base"][2, 3] = 100.0
    assert loaded["window"][1].tolist() == [14.0, 100.0, 16.0] and loaded["t"][3, 2].item() == 100.0
    assert loaded["base"].untyped_storage().data_ptr() == loaded["row"].untyped_storage().data_ptr()


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_legacy_pickle_protocols(tmp_path, protocol):
    state = nn.Linear(3, 2).state_dict()
    save(state, tmp_path / "m.pt", pickle_protocol=protocol, _use_new_zipfile_serialization=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = load(tmp_path / "m.pt", weights_only=protocol < 4)
    assert list(loaded) == ["weight", "bias"] and rg.equal(loaded["weight"], state["weight"])
    # PyTorch's weights-only reader warns about protocols other than 2, once per pickle of the file
    assert len([w for w in caught if "Detected pickle protocol 3" in str(w.message)]) == (5 if protocol == 3 else 0)


def _legacy_file(payload: bytes, storages: list[tuple[str, np.ndarray]]) -> bytes:
    """A legacy checkpoint written by hand: headers, the object's pickle, keys, storages."""
    system = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}
    head = b"".join(pickle.dumps(x, protocol=2) for x in (MAGIC, 1001, system))
    tail = pickle.dumps([key for key, _ in storages], protocol=2)
    tail += b"".join(struct.pack("<q", a.size) + a.astype(a.dtype.newbyteorder("<")).tobytes() for _, a in storages)
    return head + payload + tail


def _text(s: str) -> bytes:
    raw = s.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def _ints(values) -> bytes:
    return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"


def _tensor(key: str, numel: int, view: tuple[str, int, int] | None, offset, size, stride) -> bytes:
    """`_rebuild_tensor(storage, offset, size, stride)` on a storage id with view metadata (PyTorch < 1.0)."""
    meta = b"N" if view is None else b"(" + _text(view[0]) + _ints(view[1:])[1:]
    pid = b"(" + _text("storage") + b"ctorch\nFloatStorage\n" + _text(key) + _text("cpu") + _ints([numel])[1:-1]
    pid += meta + b"t"
    args = pid + b"Q" + _ints([offset])[1:-1] + _ints(size) + _ints(stride)
    return b"ctorch._utils\n_rebuild_tensor\n(" + args + b"tR"


def test_handwritten_legacy_file_with_storage_views():
    flat = np.arange(10, dtype=np.float32)
    payload = b"\x80\x02}(" + _text("whole") + _tensor("root", 10, None, 0, (2, 5), (5, 1))
    payload += _text("part") + _tensor("root", 10, ("view", 4, 4), 1, (3,), (1,)) + b"u."
    out = load(io.BytesIO(_legacy_file(payload, [("root", flat)])))
    assert out["whole"].tolist() == flat.reshape(2, 5).tolist()
    assert out["part"].tolist() == [5.0, 6.0, 7.0]  # element 1 of the view that starts at 4
    out["whole"][1, 1] = -1.0
    assert out["part"][1].item() == -1.0


@pytest.mark.parametrize("cut", [5, 40, 200])
def test_truncated_legacy_files_are_refused(cut):
    buffer = io.BytesIO()
    save({"w": rg.ones(4, 4), "b": rg.zeros(4)}, buffer, _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match="^<file object>: "):
        load(io.BytesIO(buffer.getvalue()[:-cut]))


def test_legacy_storage_larger_than_the_file_is_refused_unallocated():
    payload = b"\x80\x02}(" + _text("x") + _tensor("0", 2**31 - 1, None, 0, (2,), (1,)) + b"u."
    with pytest.raises(CheckpointError, match="more than the file holds"):
        load(io.BytesIO(_legacy_file(payload, [])))


def test_mmap_of_a_legacy_file(tmp_path):
    save({"x": rg.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    message = ("mmap can only be used with files saved with `retrograd.save({}_use_new_zipfile_serialization=True), "
               "please retrograd.save your checkpoint with this option in order to use mmap.")
    with pytest.raises(RuntimeError) as info:
        load(str(tmp_path / "old.pt"), mmap=True)
    assert str(info.value) == message.format(f"{tmp_path / 'old.pt'}, ")
    with pytest.raises(RuntimeError) as info:
        load(io.BytesIO((tmp_path / "old.pt").read_bytes()), mmap=True)
    assert str(info.value) == message.format("")


def test_legacy_weights_only_refuses_unknown_globals():
    buffer = io.BytesIO()
    save({"x": rg.ones(1), "tags": frozenset(["a"])}, buffer, _use_new_zipfile_serialization=False)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL frozenset"):
        load(io.BytesIO(buffer.getvalue()))
    assert load(io.BytesIO(buffer.getvalue()), weights_only=False)["tags"] == frozenset(["a"])


# --- against PyTorch -----------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("weights_only", [True, False])
def test_torch_legacy_checkpoint_loads_as_in_torch_vs_torch(tmp_path, weights_only):
    torch.save(_checkpoint(torch), tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    theirs = _describe(torch.load(tmp_path / "old.pt", weights_only=weights_only))
    ours = _describe(load(tmp_path / "old.pt", weights_only=weights_only))
    assert ours == theirs


@needs_torch
def test_retrograd_legacy_checkpoint_loads_in_torch_vs_torch(tmp_path):
    save(_checkpoint(rg), tmp_path / "ours.pt", _use_new_zipfile_serialization=False)
    torch.save(_checkpoint(torch), tmp_path / "theirs.pt", _use_new_zipfile_serialization=False)
    assert _describe(torch.load(tmp_path / "ours.pt")) == _describe(torch.load(tmp_path / "theirs.pt"))


@needs_torch
def test_torch_legacy_module_and_optimizer_vs_torch(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "ck.pt",
               _use_new_zipfile_serialization=False)
    ck = load(tmp_path / "ck.pt")
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    ours.load_state_dict(ck["model"])
    for (name, p), (_, q) in zip(ours.state_dict().items(), model.state_dict().items()):
        assert np.array_equal(p.numpy(), q.numpy()), name
    theirs = opt.state_dict()
    assert ck["opt"]["param_groups"] == theirs["param_groups"]
    assert np.array_equal(ck["opt"]["state"][0]["exp_avg"].numpy(), theirs["state"][0]["exp_avg"].numpy())


@needs_torch
def test_mmap_of_a_legacy_file_vs_torch(tmp_path):
    messages = []
    for lib in (torch, rg):
        path = str(tmp_path / f"{lib.__name__}.pt")
        lib.save({"x": lib.ones(2)}, path, _use_new_zipfile_serialization=False)
        for f in (path, io.BytesIO(open(path, "rb").read())):
            with pytest.raises(RuntimeError) as info:
                lib.load(f, mmap=True)
            messages.append(str(info.value).replace(lib.__name__, "LIB").replace(path, "PATH"))
    assert messages[:2] == messages[2:]
