"""retrograd.save / retrograd.load: round trips in PyTorch's checkpoint format (zip pickles, read
without running code; written whatever the file's name, as torch.save), loads of safetensors
files (from PyTorch, and the nested ones older retrograd versions wrote), and broken files."""

from __future__ import annotations

import inspect
import io
import math
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import safetensors.numpy

import retrograd as rg
from retrograd import nn, serialization
from retrograd._safetensors_format import safetensors_bytes
from retrograd.serialization import load, save

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
DTYPES = [rg.bool, rg.uint8, rg.int8, rg.int16, rg.int32, rg.int64, rg.float16, rg.float32, rg.float64]


@pytest.fixture(params=["save", "old_safetensors"])
def roundtrip(request):
    """`save` then `load` (a zip checkpoint, even at a `.safetensors` path, as `torch.save`), or
    `load` of the nested safetensors files older retrograd versions wrote."""

    def run(obj, tmp_path, name: str = "obj.safetensors"):
        path = tmp_path / name
        if request.param == "save":
            save(obj, path)
            assert zipfile.is_zipfile(path)
        else:
            path.write_bytes(safetensors_bytes(obj))
        return load(path)

    return run


def same(a: rg.Tensor, b: rg.Tensor) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())


# --- round trips -----------------------------------------------------------------------------

def test_nested_structure_roundtrip(roundtrip, tmp_path):
    obj = {
        "w": rg.arange(6.0).reshape(2, 3),
        "ordered": OrderedDict([("z", 1), ("a", rg.ones(2, dtype=rg.int32))]),
        "list": [1, -2.5, None, True, False, "text", (1, (2, 3)), []],
        3: {(1, "k"): 0.5, None: "none-key", 2.5: [rg.zeros(0)]},
        "floats": [math.inf, -math.inf, 1e-300],
        "bytes": b"\x00\xff",
        "dtype": rg.float16,
        "size": rg.Size([2, 3]),
    }
    out = roundtrip(obj, tmp_path)
    assert list(out) == list(obj) and type(out) is dict
    same(out["w"], obj["w"])
    assert type(out["ordered"]) is OrderedDict and list(out["ordered"]) == ["z", "a"]
    same(out["ordered"]["a"], obj["ordered"]["a"])
    assert out["list"] == obj["list"] and type(out["list"][6]) is tuple
    assert out[3][(1, "k")] == 0.5 and out[3][None] == "none-key" and out[3][2.5][0].shape == (0,)
    assert out["floats"] == obj["floats"]
    assert out["bytes"] == b"\x00\xff" and out["dtype"] is rg.float16
    assert out["size"] == (2, 3) and isinstance(out["size"], rg.Size)
    assert math.isnan(roundtrip({"nan": math.nan}, tmp_path)["nan"])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 3), (2, 3, 4)], ids=str)
def test_dtype_and_shape_roundtrip(roundtrip, tmp_path, dtype, shape):
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) * 1.5 - 2
    t = rg.tensor(data).to(dtype)
    out = roundtrip(t, tmp_path)
    same(out, t)
    out.add_(out) if dtype != rg.bool else out.logical_not_()  # loaded memory is writable


def test_bare_scalars_and_tensors(roundtrip, tmp_path):
    assert roundtrip(7, tmp_path) == 7 and roundtrip(None, tmp_path) is None and roundtrip("s", tmp_path) == "s"
    same(roundtrip(rg.tensor(3.5), tmp_path), rg.tensor(3.5))


def test_non_contiguous_tensors_save_their_values(roundtrip, tmp_path):
    base = rg.arange(12.0).reshape(3, 4)
    views = {"t": base.t(), "slice": base[1:, ::2], "expanded": rg.ones(3).expand(2, 3)}
    out = roundtrip(views, tmp_path)
    for key, view in views.items():
        same(out[key], view)


def test_requires_grad_parameters_and_shared_tensors(roundtrip, tmp_path):
    p = nn.Parameter(rg.ones(2))
    frozen = nn.Parameter(rg.zeros(1), requires_grad=False)
    leaf = rg.ones(3, requires_grad=True)
    out = roundtrip({"p": p, "frozen": frozen, "leaf": leaf, "again": leaf, "plain": rg.ones(1)}, tmp_path)
    assert isinstance(out["p"], nn.Parameter) and out["p"].requires_grad
    assert isinstance(out["frozen"], nn.Parameter) and not out["frozen"].requires_grad
    assert out["leaf"].requires_grad and out["leaf"].is_leaf and not out["plain"].requires_grad
    assert out["again"] is out["leaf"]  # one tensor saved twice loads as one object


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(rg.randn(3, 2))
        self.bias = nn.Parameter(rg.zeros(3))
        self.register_buffer("steps", rg.tensor(0))
        self.inner = Inner()


class Inner(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(rg.rand(4, dtype=rg.float64))


def test_module_state_dict_roundtrip(tmp_path):
    rg.manual_seed(0)
    net = Net()
    net.steps.add_(5)
    state = net.state_dict()
    path = tmp_path / "net.safetensors"  # a zip checkpoint whatever the name, as torch.save
    save(state, path)
    assert zipfile.is_zipfile(path)
    loaded = load(path)
    assert type(loaded) is OrderedDict and list(loaded) == ["weight", "bias", "steps", "inner.scale"]
    for key in state:
        same(loaded[key], state[key])
    fresh = Net()
    fresh.load_state_dict(loaded)
    same(fresh.weight.detach(), net.weight.detach())
    assert fresh.steps.item() == 5 and fresh.inner.scale.dtype == rg.float64
    # the safetensors files older versions wrote: a flat state dict's keys are the tensor names
    old = tmp_path / "old.safetensors"
    old.write_bytes(safetensors_bytes(state))
    assert list(load(old)) == list(state)
    plain = safetensors.numpy.load_file(str(old))
    assert sorted(plain) == sorted(state)
    np.testing.assert_array_equal(plain["inner.scale"], state["inner.scale"].numpy())


def test_optimizer_like_state_dict_roundtrip(roundtrip, tmp_path):
    state = {
        "state": {0: {"step": rg.tensor(3.0), "exp_avg": rg.ones(2, 2)}, 1: {"step": rg.tensor(3.0)}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": False,
                          "foreach": None, "params": [0, 1]}],
    }
    out = roundtrip(state, tmp_path)
    assert list(out["state"]) == [0, 1] and out["param_groups"] == state["param_groups"]
    same(out["state"][0]["exp_avg"], state["state"][0]["exp_avg"])


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    save({"x": rg.arange(3)}, buf)
    buf.seek(0)
    same(load(buf)["x"], rg.arange(3))
    with open(tmp_path / "f.bin", "wb") as fh:
        save([rg.ones(1)], fh)
    with open(tmp_path / "f.bin", "rb") as fh:
        same(load(fh)[0], rg.ones(1))


def test_map_location_meta_gives_meta_tensors(tmp_path):
    save({"p": nn.Parameter(rg.ones(2, 3)), "i": rg.arange(3), "nested": [rg.zeros(1)]}, tmp_path / "m.pt")
    for location in ("meta", rg.device("meta"), {"cpu": "meta"}):
        out = load(tmp_path / "m.pt", map_location=location)
        assert type(out["p"]) is nn.Parameter and out["p"].requires_grad and out["p"].shape == (2, 3)
        assert [t.device.type for t in (out["p"], out["i"], out["nested"][0])] == ["meta"] * 3
        assert out["i"].dtype == rg.int64


def test_default_pickle_protocol_is_2():
    # MONAI's StateCacher imports it; `save` pickles with it unless told otherwise
    assert serialization.DEFAULT_PROTOCOL == 2
    assert inspect.signature(save).parameters["pickle_protocol"].default == 2


@needs_torch
def test_default_pickle_protocol_vs_torch():
    assert serialization.DEFAULT_PROTOCOL == torch.serialization.DEFAULT_PROTOCOL


@needs_torch
def test_map_location_meta_vs_torch(tmp_path):
    reprs = []
    for lib in (torch, rg):
        lib.save({"p": lib.nn.Parameter(lib.ones(2)), "i": lib.arange(3)}, tmp_path / "m.pt")
        reprs.append(repr(lib.load(tmp_path / "m.pt", map_location="meta")).replace("retrograd.", "torch."))
    assert reprs[0] == reprs[1]


def test_mmap_needs_a_file_path(tmp_path):
    buf = io.BytesIO()
    save({"x": rg.arange(3)}, buf)
    with pytest.raises(ValueError, match="^f must be a file path in order to use the mmap argument$"):
        load(io.BytesIO(buf.getvalue()), mmap=True)
    save({"x": rg.arange(3)}, tmp_path / "x.pt")
    same(load(tmp_path / "x.pt", mmap=True)["x"], rg.arange(3))
    same(load(str(tmp_path / "x.pt"), mmap=True)["x"], rg.arange(3))


@needs_torch
def test_mmap_of_a_file_object_vs_torch(tmp_path):
    messages = []
    for lib in (torch, rg):
        buf = io.BytesIO()
        lib.save({"x": lib.arange(3)}, buf)
        with pytest.raises(ValueError) as info:
            lib.load(io.BytesIO(buf.getvalue()), mmap=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_tensor_names_avoid_collisions(roundtrip, tmp_path):
    obj = {"a": {"b": rg.ones(1)}, "a.b": rg.zeros(1), "__metadata__": rg.full((1,), 2.0)}
    out = roundtrip(obj, tmp_path)
    assert out["a"]["b"].item() == 1 and out["a.b"].item() == 0 and out["__metadata__"].item() == 2


def test_safetensors_writer_rejects_what_it_cannot_store():
    with pytest.raises(TypeError, match="can't save an object of type object at 'a.0'"):
        safetensors_bytes({"a": [object()]})
    with pytest.raises(TypeError, match="tensors can't be dict keys"):
        safetensors_bytes({rg.ones(1): 1})
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        safetensors_bytes(loop)


def test_save_to_a_safetensors_path_keeps_everything(tmp_path):
    # torch.save writes its zip format whatever the suffix: nothing is dropped or reordered
    obj = {"z": rg.ones(1), "step": 3, "a": [rg.zeros(2), "text"], "obj": OrderedDict(b=1)}
    save(obj, tmp_path / "x.safetensors")
    out = load(tmp_path / "x.safetensors")
    assert list(out) == ["z", "step", "a", "obj"] and out["step"] == 3 and out["a"][1] == "text"
    assert out["obj"] == OrderedDict(b=1)


def test_map_location(tmp_path):
    path = tmp_path / "m"
    save({"x": rg.ones(2)}, path)
    assert load(path, map_location="cpu")["x"].device == rg.device("cpu")
    assert load(path, map_location=rg.device("cpu"))["x"].sum().item() == 2
    seen = []
    load(path, map_location=lambda storage, loc: seen.append(loc))
    assert seen == ["cpu"]
    with pytest.raises(RuntimeError, match="CUDA"):
        load(path, map_location="cuda")
    # an explicit weights_only=True refuses a pickle_module; left out, it defaults to False (PyTorch's rule)
    with pytest.raises(RuntimeError, match="pickle_module"):
        load(path, pickle_module=pickle, weights_only=True)
    assert load(path, pickle_module=pickle)["x"].sum().item() == 2


# --- PyTorch zip checkpoints written by hand (no PyTorch needed) ---------------------------------

def _text(s: str) -> bytes:
    raw = s.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def _int(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def _ints(values) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"


def _tensor_pickle(key="0", numel=6, offset=0, size=(2, 3), stride=(3, 1), storage="FloatStorage",
                   location="cpu") -> bytes:
    """Protocol-2 opcodes for `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`."""
    pid = b"(" + _text("storage") + f"ctorch\n{storage}\n".encode() + _text(key) + _text(location) + _int(numel) + b"t"
    hooks = b"ccollections\nOrderedDict\n)R"
    args = b"(" + pid + b"Q" + _int(offset) + _ints(size) + _ints(stride) + b"\x89" + hooks + b"t"
    return b"ctorch._utils\n_rebuild_tensor_v2\n" + args + b"R"


def _dict_pickle(entries: dict[str, bytes]) -> bytes:
    return b"\x80\x02}(" + b"".join(_text(k) + v for k, v in entries.items()) + b"u."


def write_pt(path, payload: bytes, storages: dict[str, bytes], prefix: str = "archive", byteorder: str = "little"):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{prefix}/data.pkl", payload)
        z.writestr(f"{prefix}/byteorder", byteorder)
        z.writestr(f"{prefix}/version", "3\n")
        for key, raw in storages.items():
            z.writestr(f"{prefix}/data/{key}", raw)


def test_handwritten_pt_with_strides_offsets_and_shared_storage(tmp_path):
    flat = np.arange(12, dtype=np.float32)
    payload = _dict_pickle({
        "full": _tensor_pickle(numel=12, size=(3, 4), stride=(4, 1)),
        "t": _tensor_pickle(numel=12, size=(4, 3), stride=(1, 4)),
        "window": _tensor_pickle(numel=12, offset=5, size=(2, 2), stride=(4, 1)),
        "expanded": _tensor_pickle(numel=12, size=(2, 3), stride=(0, 1)),
        "empty": _tensor_pickle(numel=12, offset=12, size=(0, 5), stride=(5, 1)),
    })
    path = tmp_path / "anything.bin"
    write_pt(path, payload, {"0": flat.tobytes()}, prefix="model")
    out = load(path)
    full = flat.reshape(3, 4)
    np.testing.assert_array_equal(out["full"].numpy(), full)
    np.testing.assert_array_equal(out["t"].numpy(), full.T)
    assert out["t"].stride() == (1, 4) and out["expanded"].stride() == (0, 1)
    np.testing.assert_array_equal(out["window"].numpy(), full[1:3, 1:3])
    assert out["empty"].shape == (0, 5) and out["full"].dtype == rg.float32
    out["full"][0, 0] = 100.0  # tensors on one storage share memory, as after torch.load
    assert out["t"][0, 0].item() == 100.0
    # each keeps its place in the storage, as after torch.load
    assert [out[k].storage_offset() for k in ("full", "t", "window", "expanded")] == [0, 0, 5, 0]
    assert out["window"].untyped_storage().data_ptr() == out["full"].untyped_storage().data_ptr()


def test_handwritten_pt_big_endian_and_int_storage(tmp_path):
    payload = _dict_pickle({"i": _tensor_pickle(numel=3, size=(3,), stride=(1,), storage="LongStorage")})
    write_pt(tmp_path / "be.pt", payload, {"0": np.array([1, -2, 3], ">i8").tobytes()}, byteorder="big")
    same(load(tmp_path / "be.pt")["i"], rg.tensor([1, -2, 3]))


def test_handwritten_pt_map_location(tmp_path):
    payload = _dict_pickle({"x": _tensor_pickle(numel=2, size=(2,), stride=(1,), location="cuda:0")})
    path = tmp_path / "gpu.pt"
    write_pt(path, payload, {"0": np.ones(2, np.float32).tobytes()})
    with pytest.raises(RuntimeError, match=r"^Attempting to deserialize object on a CUDA device .*"
                                           r"map_location=retrograd.device\('cpu'\) to map your storages to the CPU.$"):
        load(path)  # PyTorch's words on a CPU-only machine
    assert load(path, map_location="cpu")["x"].tolist() == [1.0, 1.0]
    assert load(path, map_location={"cuda:0": "cpu"})["x"].tolist() == [1.0, 1.0]
    doubled = load(path, map_location=lambda storage, loc: storage * 2)
    assert doubled["x"].tolist() == [2.0, 2.0]


def _evil_reduce(cmd: str) -> bytes:
    evil = type("Evil", (), {"__reduce__": lambda self: (os.system, (cmd,))})()
    return pickle.dumps({"w": 1, "evil": evil}, protocol=2)


MALICIOUS = [  # (payload for a shell command, the global that must be refused)
    (_evil_reduce, f"{os.system.__module__}.system"),
    (lambda cmd: b"\x80\x02cbuiltins\neval\n" + _text(f"__import__('os').system('{cmd}')") + b"\x85R.",
     "builtins.eval"),
    (lambda cmd: b"\x80\x02c__builtin__\ngetattr\n.", "builtins.getattr"),
    (lambda cmd: b"(" + _text(cmd) + b"ios\nsystem\n.", "os.system"),  # protocol-0 INST opcode
    (lambda cmd: b"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cposix\nsystem\n" + _text(cmd) + b"tR.",
     "posix.system"),
]


@pytest.mark.parametrize("make, refused", MALICIOUS, ids=[r for _, r in MALICIOUS])
def test_malicious_pickles_are_refused_without_running(tmp_path, make, refused):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    write_pt(path, make(f"touch {marker}"), {})
    named = refused.removeprefix("builtins.")
    with pytest.raises(pickle.UnpicklingError, match=f"(?s)Weights only load failed.*GLOBAL {named} "):
        load(path)
    assert not marker.exists()


def test_attributes_only_on_fresh_ordered_dicts(tmp_path):
    metadata = b"}(" + _text("_metadata") + b"}(" + _text("") + b"K\x01uu"
    write_pt(tmp_path / "ok.pt", b"\x80\x02ccollections\nOrderedDict\n)R" + metadata + b"b.", {})
    loaded = load(tmp_path / "ok.pt")
    assert type(loaded) is OrderedDict and loaded._metadata == {"": 1}  # as torch.load keeps it
    # BUILD on a shared object (the float32 dtype, the Size class) would change it for everyone
    for target in (b"ctorch\nfloat32\n", b"ctorch\nSize\n"):
        payload = b"\x80\x02" + target + b"N}(" + _text("name") + _text("hacked") + b"u\x86b."
        write_pt(tmp_path / "build.pt", payload, {})
        with pytest.raises(pickle.UnpicklingError, match="build.pt: refused to set attributes"):
            load(tmp_path / "build.pt")
    assert rg.float32.name == "float32" and not hasattr(rg.Size, "name")
    write_pt(tmp_path / "ext.pt", b"\x80\x02\x82\x01.", {})
    with pytest.raises(pickle.UnpicklingError, match="uses the opcode EXT1, which a weights-only load does not"):
        load(tmp_path / "ext.pt")


def test_unsupported_persistent_ids_and_storage_types(tmp_path):
    write_pt(tmp_path / "c.pt", _dict_pickle({"c": _tensor_pickle(storage="QInt8Storage")}), {"0": b"\0" * 48})
    with pytest.raises(pickle.UnpicklingError, match="'torch.QInt8Storage'.*no equivalent dtype"):
        load(tmp_path / "c.pt")
    bad_pid = b"\x80\x02" + _text("not-a-storage") + b"Q."
    write_pt(tmp_path / "p.pt", bad_pid, {})
    with pytest.raises(RuntimeError, match="p.pt: only persistent ids of storages"):
        load(tmp_path / "p.pt")


@pytest.mark.parametrize("tensor, storage_bytes, message", [
    (_tensor_pickle(numel=6, size=(4, 4), stride=(4, 1)), 24, "does not fit in storage '0' of 6 elements"),
    (_tensor_pickle(numel=6, offset=5, size=(2,), stride=(1,)), 24, "does not fit in storage"),
    (_tensor_pickle(numel=6, size=(2,), stride=(-1,)), 24, "invalid tensor layout"),
    (_tensor_pickle(numel=6), 10, "holds 10 bytes but 6 elements of 4 bytes were expected"),
    (_tensor_pickle(key="7"), 24, "storage 'archive/data/7' is missing"),
])
def test_inconsistent_tensor_records_are_errors(tmp_path, tensor, storage_bytes, message):
    path = tmp_path / "bad.pt"
    write_pt(path, _dict_pickle({"x": tensor}), {"0": b"\1" * storage_bytes})
    with pytest.raises(RuntimeError, match=message) as info:
        load(path)
    assert "bad.pt" in str(info.value)


# --- broken files --------------------------------------------------------------------------------

def test_empty_and_unknown_files(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty: the file is empty"):
        load(tmp_path / "empty")
    (tmp_path / "junk").write_bytes(b"hello world, not a checkpoint")
    with pytest.raises(RuntimeError, match="junk: not a checkpoint retrograd can read"):
        load(tmp_path / "junk")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing")


def test_an_empty_file_is_also_an_eoferror(tmp_path):
    # PyTorch's unpickler runs out of input: `except EOFError` around loading a cache file
    (tmp_path / "empty").write_bytes(b"")
    for source in (tmp_path / "empty", io.BytesIO(b"")):
        for weights_only in (True, False):
            with pytest.raises(EOFError) as info:
                load(source, weights_only=weights_only)
            assert isinstance(info.value, pickle.UnpicklingError) and isinstance(info.value, RuntimeError)


@needs_torch
def test_an_empty_file_raises_eoferror_vs_torch(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    for lib_load in (load, torch.load):
        for weights_only in (True, False):
            with pytest.raises(EOFError):
                lib_load(tmp_path / "empty", weights_only=weights_only)


def test_truncated_and_corrupt_safetensors(tmp_path):
    data = safetensors_bytes({"x": rg.arange(100.0), "y": [1, 2]})
    for cut in (9, 40, len(data) - 1):
        (tmp_path / "cut").write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match="cut: corrupt or truncated safetensors file"):
            load(tmp_path / "cut")
    (tmp_path / "flipped").write_bytes(data[:8] + b"[" + data[9:])
    with pytest.raises(RuntimeError, match="flipped: not a checkpoint"):
        load(tmp_path / "flipped")
    bad = safetensors.numpy.save({"x": np.ones(1)}, metadata={"retrograd.structure": '{"tensor": "nope"}'})
    (tmp_path / "meta").write_bytes(bad)
    with pytest.raises(RuntimeError, match="meta: corrupt retrograd structure"):
        load(tmp_path / "meta")


def test_truncated_and_corrupt_zip(tmp_path):
    path = tmp_path / "ok.pt"
    write_pt(path, _dict_pickle({"x": _tensor_pickle()}), {"0": np.arange(6, dtype=np.float32).tobytes()})
    data = path.read_bytes()
    for cut in (4, len(data) // 2, len(data) - 10):
        (tmp_path / "cut.pt").write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match="cut.pt: corrupt or truncated PyTorch checkpoint"):
            load(tmp_path / "cut.pt")
    write_pt(tmp_path / "pkl.pt", b"\x80\x02}(" + _text("x"), {})  # pickle cut short
    with pytest.raises(RuntimeError, match="pkl.pt: corrupt or truncated PyTorch checkpoint"):
        load(tmp_path / "pkl.pt")
    with zipfile.ZipFile(tmp_path / "nopkl.pt", "w") as z:
        z.writestr("archive/other", b"x")
    with pytest.raises(RuntimeError, match="without data.pkl"):
        load(tmp_path / "nopkl.pt")


def test_safetensors_from_elsewhere_loads_as_a_flat_dict(tmp_path):
    arrays = {"b": np.arange(4, dtype=np.int16), "a": np.ones((2, 2), np.float32)}
    safetensors.numpy.save_file(arrays, str(tmp_path / "x.safetensors"))
    out = load(tmp_path / "x.safetensors")
    assert list(out) == ["a", "b"] and out["b"].dtype == rg.int16
    np.testing.assert_array_equal(out["a"].numpy(), arrays["a"])


# --- with PyTorch --------------------------------------------------------------------------------

def _torch_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(5, 3)).sum().backward()
    opt.step()
    return model, opt


def _assert_matches_torch(ours, theirs) -> None:
    pairs = [(ours, theirs)]
    while pairs:
        a, b = pairs.pop()
        if isinstance(b, torch.Tensor):
            assert a.dtype.name == str(b.dtype).split(".")[-1] and tuple(a.shape) == tuple(b.shape)
            assert a.stride() == b.stride() and a.requires_grad == b.requires_grad
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        elif isinstance(b, dict):
            assert type(a) is type(b) and list(a) == list(b)
            pairs.extend((a[k], b[k]) for k in b)
        elif isinstance(b, (list, tuple)):
            assert type(a) is type(b) and len(a) == len(b)
            pairs.extend(zip(a, b))
        else:
            assert a == b


@needs_torch
def test_torch_save_state_dicts_load_vs_torch(tmp_path):
    model, opt = _torch_model()
    blob = {"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3, "views": {
        "t": torch.arange(12.0).reshape(3, 4).t(), "window": torch.arange(12.0).reshape(3, 4)[1:, 2:],
        "half": torch.ones(2, dtype=torch.float16), "flags": torch.tensor([True, False]),
        "grad": torch.ones(2, requires_grad=True), "long": torch.tensor([2**40]),
    }}
    torch.save(blob, tmp_path / "ckpt.pth")
    ours = load(tmp_path / "ckpt.pth")
    _assert_matches_torch(ours, torch.load(tmp_path / "ckpt.pth", weights_only=True))
    net = torch.nn.Parameter(torch.ones(2))
    torch.save({"p": net}, tmp_path / "param.pt")
    p = load(tmp_path / "param.pt")["p"]
    assert isinstance(p, nn.Parameter) and p.requires_grad  # torch.load(weights_only=True) gives a Parameter too


@needs_torch
def test_torch_save_state_dict_into_retrograd_module_vs_torch(tmp_path):
    lin = torch.nn.Linear(2, 3)
    torch.save(lin.state_dict(), tmp_path / "lin.pt")

    class Lin(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(rg.zeros(3, 2))
            self.bias = nn.Parameter(rg.zeros(3))

    ours = Lin()
    ours.load_state_dict(load(tmp_path / "lin.pt"))
    np.testing.assert_array_equal(ours.weight.detach().numpy(), lin.weight.detach().numpy())


@needs_torch
def test_torch_malicious_object_is_refused_vs_torch(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"weights": torch.ones(2), "payload": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="(?s)Weights only load failed.*GLOBAL .*system"):
        load(tmp_path / "evil.pt")
    torch.save(torch.nn.Linear(2, 2), tmp_path / "module.pt")
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        load(tmp_path / "module.pt")
    assert not marker.exists()


@needs_torch
def test_torch_legacy_format_loads_vs_torch(tmp_path):
    """(More in test_serialization_legacy.py.)"""
    torch.save({"x": torch.ones(1)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    same(load(tmp_path / "old.pt")["x"], rg.ones(1))


@needs_torch
def test_torch_safetensors_load_vs_torch(tmp_path):
    import safetensors.torch

    model, _ = _torch_model()
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    state["int8"] = torch.tensor([-3, 4], dtype=torch.int8)
    safetensors.torch.save_file(state, str(tmp_path / "m.safetensors"))
    ours = load(tmp_path / "m.safetensors")
    _assert_matches_torch(ours, dict(sorted(state.items())))


@needs_torch
def test_bfloat16_loads_as_float32_vs_torch(tmp_path):
    import safetensors.torch

    bf = torch.tensor([1.5, -2.25, 3e38], dtype=torch.bfloat16)
    torch.save({"bf": bf}, tmp_path / "bf.pt")
    safetensors.torch.save_file({"bf": bf}, str(tmp_path / "bf.safetensors"))
    for name in ("bf.pt", "bf.safetensors"):
        if rg.dtypes.HAS_BFLOAT16:  # ml_dtypes installed: loaded as bfloat16
            out = load(tmp_path / name)["bf"]
            assert out.dtype == rg.bfloat16
            out = out.float()
        else:
            with pytest.warns(UserWarning, match="need the ml_dtypes package"):
                out = load(tmp_path / name)["bf"]
            assert out.dtype == rg.float32
        np.testing.assert_array_equal(out.numpy(), bf.float().numpy())


@needs_torch
def test_safetensors_path_is_a_torch_checkpoint_vs_torch(tmp_path):
    state = OrderedDict([("w", rg.randn(3, 2)), ("n", rg.tensor([1, 2], dtype=rg.int32)), ("epoch", 4)])
    save(state, tmp_path / "r.safetensors")
    assert zipfile.is_zipfile(tmp_path / "r.safetensors")
    # torch.load reads a `.safetensors` path with the safetensors package, whoever wrote it:
    # under another name PyTorch reads the checkpoint, every entry in its order
    os.replace(tmp_path / "r.safetensors", tmp_path / "r.pt")
    theirs = torch.load(tmp_path / "r.pt", weights_only=True)
    assert list(theirs) == ["w", "n", "epoch"] and theirs["epoch"] == 4
    for key in ("w", "n"):
        np.testing.assert_array_equal(theirs[key].numpy(), state[key].numpy())
    torch.save({"t": torch.ones(2), "epoch": 4}, tmp_path / "t.safetensors")  # PyTorch does the same
    assert zipfile.is_zipfile(tmp_path / "t.safetensors")
    assert load(tmp_path / "t.safetensors")["epoch"] == 4


# --- PyTorch's checkpoint format, both ways ------------------------------------------------------

ROUNDTRIP_DTYPES = [rg.bool, rg.uint8, rg.int8, rg.int16, rg.int32, rg.int64, rg.float16, rg.float32, rg.float64,
                    rg.complex64, rg.complex128]


def _views_and_values():
    base = rg.arange(24.0).reshape(4, 6)
    return {
        "base": base, "t": base.t(), "window": base[1:3, 2:5], "step": base[:, ::2], "row": base[2],
        "expanded": rg.ones(3).expand(2, 3), "zero_d": rg.tensor(2.5), "empty": rg.zeros(2, 0, 3),
        "dtypes": [rg.arange(5).to(d) for d in ROUNDTRIP_DTYPES],
        "scalars": (1, -2.5, "text", None, True, [1, (2, 3)], {"k": {"deep": [4.0]}}),
        "ordered": OrderedDict([("z", 1), ("a", rg.ones(2))]),
    }


def _check_same_values(ours, theirs) -> None:
    pairs = [(ours, theirs)]
    while pairs:
        a, b = pairs.pop()
        if isinstance(a, rg.Tensor):
            assert str(b.dtype).split(".")[-1] == a.dtype.name and tuple(b.shape) == tuple(a.shape)
            np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
        elif isinstance(a, dict):
            assert type(a) is type(b) and list(a) == list(b)
            pairs.extend((a[k], b[k]) for k in a)
        elif isinstance(a, (list, tuple)):
            assert type(a) is type(b) and len(a) == len(b)
            pairs.extend(zip(a, b))
        else:
            assert a == b


@needs_torch
def test_retrograd_checkpoint_loads_in_torch_weights_only(tmp_path):
    obj = _views_and_values()
    save(obj, tmp_path / "r.pt")
    theirs = torch.load(tmp_path / "r.pt", weights_only=True)
    _check_same_values(obj, theirs)
    # views share memory in the file, as after torch.save
    assert theirs["t"].untyped_storage().data_ptr() == theirs["base"].untyped_storage().data_ptr()
    assert theirs["window"].stride() == obj["window"].stride() and theirs["window"].storage_offset() == 8
    theirs["base"][0, 0] = 100.0
    assert theirs["t"][0, 0].item() == 100.0
    # and retrograd reads its own file the same way
    ours = load(tmp_path / "r.pt")
    _check_same_values(obj, ours)
    assert ours["window"].stride() == (6, 1)
    ours["base"][1, 3] = -1.0
    assert ours["t"][3, 1].item() == -1.0 and ours["window"][0, 1].item() == -1.0


@needs_torch
def test_retrograd_module_and_optimizer_state_dicts_load_in_torch(tmp_path):
    rg.manual_seed(0)
    net = Net()
    net.steps.add_(5)
    opt = rg.optim.Adam(net.parameters(), lr=0.01)
    net.weight.sum().backward()
    opt.step()
    save({"model": net.state_dict(), "opt": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt.pt")
    theirs = torch.load(tmp_path / "ckpt.pt", weights_only=True)
    _check_same_values(net.state_dict(), theirs["model"])
    assert theirs["epoch"] == 3 and theirs["opt"]["param_groups"][0]["lr"] == 0.01
    _check_same_values(opt.state_dict()["state"], theirs["opt"]["state"])
    param = torch.load(tmp_path / "ckpt.pt", weights_only=True)
    assert not isinstance(param["model"]["weight"], torch.nn.Parameter)  # state dicts hold detached tensors
    save({"p": nn.Parameter(rg.ones(2))}, tmp_path / "p.pt")
    p = torch.load(tmp_path / "p.pt", weights_only=True)["p"]
    assert isinstance(p, torch.nn.Parameter) and p.requires_grad
    assert isinstance(load(tmp_path / "p.pt")["p"], nn.Parameter)


@needs_torch
def test_torch_checkpoint_loads_in_retrograd(tmp_path):
    model, opt = _torch_model()
    base = torch.arange(24.0).reshape(4, 6)
    blob = {"model": model.state_dict(), "opt": opt.state_dict(), "base": base, "t": base.t(),
            "window": base[1:3, 2:5], "zero_d": torch.tensor(2.5), "empty": torch.zeros(2, 0, 3),
            "dtypes": [torch.arange(5).to(getattr(torch, d.name)) for d in ROUNDTRIP_DTYPES],
            "nested": {"a": [1, (2.5, "s")], "b": None}}
    torch.save(blob, tmp_path / "t.pt")
    ours = load(tmp_path / "t.pt")
    _assert_matches_torch(ours, torch.load(tmp_path / "t.pt", weights_only=True))
    ours["base"][0, 1] = 7.0
    assert ours["t"][1, 0].item() == 7.0  # one storage, as in torch


@needs_torch
def test_retrograd_model_loads_into_torch_model(tmp_path):
    lin = nn.Linear(3, 2)
    save(lin.state_dict(), tmp_path / "lin.pt")
    theirs = torch.nn.Linear(3, 2)
    theirs.load_state_dict(torch.load(tmp_path / "lin.pt", weights_only=True))
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(), lin(rg.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_file_layout_matches_torch_save(tmp_path):
    save({"x": rg.arange(3.0)}, tmp_path / "model.pt")
    with zipfile.ZipFile(tmp_path / "model.pt") as z:
        names = z.namelist()
        assert names[0] == "model/data.pkl" and "model/byteorder" in names and "model/version" in names
        info = z.getinfo("model/data/0")
        assert info.compress_type == zipfile.ZIP_STORED
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        assert start % 64 == 0  # storages are aligned for memory mapping
        assert z.read("model/data/0") == np.arange(3.0, dtype=np.float32).tobytes()


def test_whole_objects_need_weights_only_false(tmp_path):
    rg.manual_seed(0)
    net = Net()
    opt = rg.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    arr = np.arange(4.0)
    save({"net": net, "opt": opt, "array": arr}, tmp_path / "whole.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*GLOBAL \S*serialization.Net "):
        load(tmp_path / "whole.pt")
    out = load(tmp_path / "whole.pt", weights_only=False)
    assert type(out["net"]) is Net and isinstance(out["net"].weight, nn.Parameter)
    same(out["net"].weight.detach(), net.weight.detach())
    assert out["opt"].param_groups[0]["lr"] == 0.1 and type(out["opt"]) is rg.optim.SGD
    np.testing.assert_array_equal(out["array"], arr)


def test_safe_globals(tmp_path):
    save({"array": np.arange(3)}, tmp_path / "np.pt")
    with pytest.raises(pickle.UnpicklingError, match="add_safe_globals"):
        load(tmp_path / "np.pt")
    reconstruct = np.ndarray.__reduce__(np.arange(1))[0]
    allowed = [reconstruct, np.ndarray, np.dtype, type(np.dtype("int64"))]
    with serialization.safe_globals(allowed):
        assert set(serialization.get_safe_globals()) == set(allowed)
        np.testing.assert_array_equal(load(tmp_path / "np.pt")["array"], np.arange(3))
    assert serialization.get_safe_globals() == []
    serialization.add_safe_globals([(reconstruct, "numpy.core.multiarray._reconstruct")])
    try:
        assert len(serialization.get_safe_globals()) == 1
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    with pytest.raises(ValueError, match="tuple of length 2"):
        serialization.add_safe_globals([(reconstruct,)])


def test_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "keep.pt"
    save({"x": rg.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        save({"x": rg.zeros(2), "bad": lambda: 0}, path)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["keep.pt"]
    buf = io.BytesIO(b"old")
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        save({"bad": lambda: 0}, buf)
    assert buf.getvalue() == b"old"


@pytest.mark.parametrize("name", ["deep.pt", "deep.safetensors"])
def test_deep_nesting_roundtrip(roundtrip, tmp_path, name):
    deep: list = [rg.ones(1)]
    for _ in range(999):
        deep = [deep]
    out = roundtrip(deep, tmp_path, name)
    for _ in range(999):
        out = out[0]
    same(out[0], rg.ones(1))


@needs_torch
def test_deep_nesting_loads_in_torch(tmp_path):
    deep: dict = {"x": 1}
    for _ in range(450):  # torch.save itself stops near 500 levels
        deep = {"d": deep}
    save(deep, tmp_path / "deep.pt")
    theirs = torch.load(tmp_path / "deep.pt", weights_only=True)
    for _ in range(450):
        theirs = theirs["d"]
    assert theirs == {"x": 1}


def _complex_values(lib):
    c = lib.tensor([[1 + 2j, -3.5j, 0.25], [4, -1 - 1j, 1e30 + 1e-30j]])
    return {"c64": c, "t": c.t(), "row": c[1], "c128": c.to(lib.complex128), "dtype": lib.complex64,
            "empty": lib.zeros(0, 2, dtype=lib.complex128)}


def test_complex_roundtrip(tmp_path):
    obj = _complex_values(rg)
    obj["real"] = obj["c64"].real  # a float view of complex memory (torch.save refuses this mix)
    save(obj, tmp_path / "c.pt")
    out = load(tmp_path / "c.pt")
    for key in ("c64", "t", "row", "c128", "real", "empty"):
        same(out[key], obj[key])
    assert out["dtype"] is rg.complex64
    out["c64"][0, 1] = rg.tensor(5j)  # views of one storage still share it
    assert out["t"][1, 0].item() == 5j


@needs_torch
def test_complex_checkpoints_both_ways_vs_torch(tmp_path):
    save(_complex_values(rg), tmp_path / "ours.pt")
    torch.save(_complex_values(torch), tmp_path / "theirs.pt")
    theirs = torch.load(tmp_path / "theirs.pt", weights_only=True)
    for file in ("theirs.pt", "ours.pt"):
        loaded = load(tmp_path / file)
        assert loaded.pop("dtype") is rg.complex64
        _assert_matches_torch(loaded, {k: v for k, v in theirs.items() if k != "dtype"})
    ours_in_torch = torch.load(tmp_path / "ours.pt", weights_only=True)
    for key in ("c64", "t", "row", "c128", "empty"):
        assert ours_in_torch[key].dtype == theirs[key].dtype and ours_in_torch[key].stride() == theirs[key].stride()
        assert torch.equal(ours_in_torch[key], theirs[key])
    assert ours_in_torch["dtype"] is torch.complex64


# --- dtypes as values (a config's `torch_dtype`, an AMP setting) -----------------------------------

CONFIG_DTYPES = ["bfloat16", "float16", "float32", "uint16", "uint32", "uint64", "float8_e4m3fn", "complex64"]


def test_dtype_values_are_saved_under_torch_names_and_load_back():
    buffer = io.BytesIO()
    save({"dtypes": [getattr(rg, name) for name in CONFIG_DTYPES]}, buffer)
    pickled = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read("archive/data.pkl")
    assert b"retrograd" not in pickled and b"ctorch\nbfloat16\n" in pickled and b"ctorch\nuint16\n" in pickled
    loaded = load(io.BytesIO(buffer.getvalue()))["dtypes"]
    assert all(d is getattr(rg, name) for d, name in zip(loaded, CONFIG_DTYPES))


@needs_torch
def test_dtype_values_cross_libraries_vs_torch(tmp_path):
    torch.save({"dtypes": [getattr(torch, name) for name in CONFIG_DTYPES]}, tmp_path / "theirs.pt")
    assert [d.name for d in load(tmp_path / "theirs.pt")["dtypes"]] == CONFIG_DTYPES
    save({"dtypes": [getattr(rg, name) for name in CONFIG_DTYPES]}, tmp_path / "ours.pt")
    assert torch.load(tmp_path / "ours.pt")["dtypes"] == [getattr(torch, name) for name in CONFIG_DTYPES]


@needs_torch
def test_tensors_of_dtypes_without_storage_class_load_vs_torch(tmp_path):
    # PyTorch saves uint16/32/64 as untyped bytes rebuilt by _rebuild_tensor_v3 with the dtype
    t = torch.tensor([[1, 70000, 3], [4, 5, 6]], dtype=torch.uint32)
    torch.save({"u": t, "col": t[:, 1], "u16": t.to(torch.uint16)}, tmp_path / "u32.pt")
    for weights_only in (True, False):
        got = load(tmp_path / "u32.pt", weights_only=weights_only)
        assert got["u"].dtype is rg.uint32 and got["u"].tolist() == [[1, 70000, 3], [4, 5, 6]]
        assert got["col"].tolist() == [70000, 5] and got["col"].storage_offset() == 1
        assert got["u16"].dtype is rg.uint16 and got["u16"].tolist() == [[1, 4464, 3], [4, 5, 6]]
    torch.save({"f8": torch.zeros(2, dtype=torch.float8_e4m3fn)}, tmp_path / "f8.pt")
    with pytest.raises(serialization.CheckpointError, match="no float8_e4m3fn tensors"):  # still named only
        load(tmp_path / "f8.pt", weights_only=True)


class _Scan(rg.Tensor):
    """A Tensor subclass with its own __init__ (MONAI's MetaTensor): loads skip it."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("loads rebuild without __init__")


def test_subclasses_and_tensor_attributes_roundtrip(tmp_path):
    scan = rg.arange(3.0).as_subclass(_Scan)
    scan.meta = {"filename_or_obj": "a.nii"}
    tagged = rg.ones(2, requires_grad=True)
    tagged.note = "w"
    save({"scan": scan, "tagged": tagged}, tmp_path / "s.pt")
    back = load(tmp_path / "s.pt", weights_only=False)
    assert type(back["scan"]) is _Scan and back["scan"].meta == {"filename_or_obj": "a.nii"}
    assert back["scan"].tolist() == [0.0, 1.0, 2.0]
    assert type(back["tagged"]) is rg.Tensor and back["tagged"].note == "w" and back["tagged"].requires_grad
    save({"tagged": tagged}, tmp_path / "t.pt")
    assert load(tmp_path / "t.pt").get("tagged").note == "w"  # plain Tensor and a str: weights-only loads it
    with pytest.raises(serialization.CheckpointError):
        load(tmp_path / "s.pt")  # the subclass is no safe global


@needs_torch
def test_tensor_attributes_across_torch_save_and_load_vs_torch(tmp_path):
    t = rg.arange(3.0)
    t.note = "w"
    save(t, tmp_path / "ours.pt")
    theirs = torch.load(tmp_path / "ours.pt")
    assert theirs.note == "w" and theirs.tolist() == [0.0, 1.0, 2.0]
    u = torch.arange(2.0)
    u.note = "v"
    torch.save(u, tmp_path / "theirs.pt")
    ours = load(tmp_path / "theirs.pt")
    assert type(ours) is rg.Tensor and ours.note == "v" and ours.tolist() == [0.0, 1.0]
