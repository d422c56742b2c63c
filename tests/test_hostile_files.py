"""Hostile checkpoints, generated here (none is committed): zip bombs, lying sizes, memory and
recursion bombs, truncated and corrupt files, code-running pickles, bad safetensors headers.

Each must raise `CheckpointError` (a `pickle.UnpicklingError` and a `RuntimeError`) naming the
file, quickly, without running code and without allocating more than a few times its size.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import retrograd as rg
from retrograd.serialization import CheckpointError, load, save

FLOAT6 = np.arange(6, dtype=np.float32).tobytes()


# --- writing pickles by hand ---------------------------------------------------------------------


def text(s: str) -> bytes:
    raw = s.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def integer(n: int) -> bytes:
    if -(2**31) <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    raw = pickle.encode_long(n)
    return b"\x8a" + bytes([len(raw)]) + raw


def ints(values) -> bytes:
    return b"(" + b"".join(integer(v) for v in values) + b"t"


def storage_pid(key="0", numel=6, storage="FloatStorage") -> bytes:
    return b"(" + text("storage") + f"ctorch\n{storage}\n".encode() + text(key) + text("cpu") + integer(numel) + b"tQ"


def tensor(key="0", numel=6, offset=0, size=(2, 3), stride=(3, 1)) -> bytes:
    args = storage_pid(key, numel) + integer(offset) + ints(size) + ints(stride) + b"\x89ccollections\nOrderedDict\n)R"
    return b"ctorch._utils\n_rebuild_tensor_v2\n(" + args + b"tR"


def wrap(body: bytes) -> bytes:
    return b"\x80\x02" + body + b"."


def write_pt(path, payload: bytes, storages=None, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compress) as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/byteorder", "little")
        for key, raw in (storages or {}).items():
            z.writestr(f"archive/data/{key}", raw)
    return path


def refused(path, match: str | None = None, factor: int = 20) -> CheckpointError:
    """Load `path`, expecting CheckpointError naming it, in little time and memory."""
    size = os.path.getsize(path)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(CheckpointError, match=match) as info:
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 20
    assert peak < factor * size + (8 << 20), f"peak {peak} bytes for a {size}-byte file"
    # a refused global is reported in PyTorch's exact words (which name the global, not the file);
    # every other refusal names the file
    message = str(info.value)
    assert os.path.basename(path) in message or message.startswith("Weights only load failed.")
    assert isinstance(info.value, pickle.UnpicklingError) and isinstance(info.value, RuntimeError)
    return info.value


def patch(path, old: bytes, new: bytes, count: int = -1) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, count))


# --- zip bombs and lying sizes -----------------------------------------------------------------


def test_deflate_bomb_is_refused_unread(tmp_path):
    big = b"\0" * (64 << 20)  # 64 MiB of zeros deflate to ~64 KiB
    path = write_pt(
        tmp_path / "bomb.pt",
        wrap(tensor(numel=len(big) // 4, size=(len(big) // 4,), stride=(1,))),
        {"0": big},
        compress=zipfile.ZIP_DEFLATED,
    )
    del big
    assert os.path.getsize(path) < 1 << 20
    refused(path, "inflates to 67108864 bytes")


@pytest.mark.parametrize("member", ["archive/data.pkl", "archive/data/0"])
def test_declared_size_larger_than_the_file(tmp_path, member):
    path = write_pt(tmp_path / "lying.pt", wrap(tensor()), {"0": FLOAT6})
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    data = bytearray(path.read_bytes())
    # rewrite both sizes of `member` in its central directory entry to 2**31 - 1
    at = data.find(member.encode(), data.find(b"PK\x01\x02")) - 46
    assert data[at : at + 4] == b"PK\x01\x02"
    data[at + 20 : at + 28] = struct.pack("<II", 2**31 - 1, 2**31 - 1)
    path.write_bytes(bytes(data))
    assert info.file_size < 1000
    refused(path, "more than the file holds|holds 2147483647 bytes")


def test_storage_numel_larger_than_its_bytes(tmp_path):
    path = write_pt(tmp_path / "numel.pt", wrap(tensor(numel=2**40, size=(2**20,), stride=(1,))), {"0": FLOAT6})
    refused(path, "storage 'archive/data/0' holds 24 bytes but 1099511627776 elements")


@pytest.mark.parametrize(
    "layout",
    [
        dict(offset=6, size=(1,), stride=(1,)),  # starts past the end
        dict(offset=0, size=(3, 3), stride=(3, 1)),  # ends past the end
        dict(offset=0, size=(2,), stride=(2**62,)),  # stride far outside
        dict(offset=-1, size=(1,), stride=(1,)),  # negative offset
        dict(offset=0, size=(-2,), stride=(1,)),  # negative size
    ],
)
def test_views_outside_their_storage(tmp_path, layout):
    refused(write_pt(tmp_path / "view.pt", wrap(tensor(**layout)), {"0": FLOAT6}), "storage|layout")


def test_expanded_view_of_astronomical_size(tmp_path):
    path = write_pt(tmp_path / "expand.pt", wrap(tensor(size=(2**40, 2**40), stride=(0, 0))), {"0": FLOAT6})
    refused(path)


def test_one_storage_named_with_two_types(tmp_path):
    body = b"(" + tensor() + tensor(numel=3).replace(b"FloatStorage", b"LongStorage") + b"l"
    refused(write_pt(tmp_path / "types.pt", wrap(body), {"0": FLOAT6}), "different types")


# --- memory bombs in the pickle ----------------------------------------------------------------


def test_bytearray_of_a_huge_size(tmp_path):
    body = b"c__builtin__\nbytearray\n" + integer(2**30) + b"\x85R"
    refused(write_pt(tmp_path / "ba.pt", wrap(body)), "bytearray is only allowed from bytes")


def test_lengths_beyond_the_end_of_the_pickle(tmp_path):
    for name, body in [
        ("str.pt", b"X" + struct.pack("<I", 2**32 - 1) + b"abc"),
        ("short.pt", b"U\xff" + b"abc"),
        ("long.pt", b"\x8a\xff" + b"\x01"),
    ]:
        refused(write_pt(tmp_path / name, b"\x80\x02" + body), "truncated|corrupt|opcode")


def test_copies_multiplied_by_references(tmp_path):
    # one list of 20 000 items, then 20 000 sets built from it: 400 million items if allowed
    items = b"]q\x00(" + b"K\x01" * 20_000 + b"e"
    copies = b"(" + b"c__builtin__\nset\nq\x01" + b"h\x01h\x00\x85R" * 20_000 + b"l"
    refused(write_pt(tmp_path / "copies.pt", wrap(b"(" + items + copies + b"t")), "memory bomb")


def test_large_list_from_opcodes_stays_proportional(tmp_path):
    body = b"]q\x00(" + b"h\x00" * 200_000 + b"e"  # a list holding itself 500 000 times
    path = write_pt(tmp_path / "list.pt", wrap(body))
    tracemalloc.start()
    out = load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(out) == 200_000 and out[0] is out
    assert peak < 20 * os.path.getsize(path) + (8 << 20)


# --- deep nesting --------------------------------------------------------------------------------


def test_deeply_nested_lists_load_without_recursion(tmp_path):
    depth = 100_000
    body = b"]" * depth + b"a" * (depth - 1)
    out = load(write_pt(tmp_path / "lists.pt", wrap(body)))
    for _ in range(depth - 1):
        (out,) = out
    assert out == []


def test_deeply_nested_tuples_are_refused(tmp_path):
    # hashing a tuple nested 100 000 deep overflows the C stack: refuse before it is a dict key
    body = b"}" + b")" + b"\x85" * 100_000 + b"K\x01s"
    refused(write_pt(tmp_path / "tuples.pt", wrap(body)), "nested more than")


def test_deeply_nested_safetensors_metadata(tmp_path):
    import safetensors.numpy

    structure = '{"list": [' * 5000 + "1" + "]}" * 5000
    blob = safetensors.numpy.save({"x": np.ones(1)}, metadata={"retrograd.structure": structure})
    (tmp_path / "deep.safetensors").write_bytes(blob)
    refused(tmp_path / "deep.safetensors", "nested more than")


# --- code execution and forbidden operations -------------------------------------------------------


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


EVIL = {
    "os.system": lambda m: pickle.dumps(_Evil(m), protocol=2),
    "builtins.eval": lambda m: wrap(b"cbuiltins\neval\n" + text(f"open('{m}', 'w')") + b"\x85R"),
    "builtins.exec": lambda m: wrap(b"c__builtin__\nexec\n" + text(f"open('{m}', 'w')") + b"\x85R"),
    "getattr trick": lambda m: wrap(b"cbuiltins\ngetattr\n(ccollections\nOrderedDict\n" + text("__class__") + b"tR"),
    "dotted name": lambda m: wrap(b"ccollections\nOrderedDict.__init__.__globals__\n"),
    "subprocess": lambda m: wrap(b"csubprocess\nPopen\n(" + text("touch") + text(m) + b"l\x85R"),
    "copyreg ext": lambda m: b"\x80\x02\x82\x01.",
    "protocol 0 inst": lambda m: b"(" + text(f"touch {m}") + b"ios\nsystem\n.",
    "stack global": lambda m: b"\x80\x04" + text("os") + text("system") + b"\x93" + text(f"touch {m}") + b"\x85R.",
}


@pytest.mark.parametrize("make", EVIL.values(), ids=EVIL.keys())
def test_code_running_pickles_are_refused(tmp_path, make):
    marker = tmp_path / "pwned"
    refused(write_pt(tmp_path / "evil.pt", make(str(marker))))
    assert not marker.exists()


@pytest.mark.parametrize(
    "body, match",
    [
        (b"ctorch\nfloat32\n)R", "refused to call"),  # REDUCE on a dtype
        (tensor() + b")R", "refused to call"),  # REDUCE on a tensor
        (b"ctorch._utils\n_rebuild_tensor_v2\n)\x81", "refused to create"),  # NEWOBJ of a function
        (tensor() + b"}" + text("_data") + b"Nsb", "refused to set attributes on a Tensor"),  # BUILD
        (tensor() + integer(0) + integer(5) + b"s", "SETITEM only fills dicts"),  # writes into the tensor
        (tensor() + integer(5) + b"a", "APPEND only adds to lists"),
        (b"c__builtin__\nset\n)R" + integer(1) + b"a", "APPEND only adds to lists"),
        (b"ctorch\nSize\n}" + text("x") + b"K\x01sb", "refused to set attributes"),  # BUILD on a class
    ],
)
def test_forbidden_operations(tmp_path, body, match):
    refused(write_pt(tmp_path / "op.pt", wrap(body), {"0": FLOAT6}), match)


@pytest.mark.parametrize(
    "pid, match",
    [
        (integer(3) + b"Q", "persistent ids of storages"),
        (text("storage") + b"Q", "persistent ids of storages"),
        (b"(" + text("module") + b"ctorch\nFloatStorage\n" + text("0") + text("cpu") + integer(6) + b"tQ", "storages"),
        (b"(" + text("storage") + text("FloatStorage") + text("0") + text("cpu") + integer(6) + b"tQ", "storage type"),
        (b"(" + text("storage") + b"ctorch\nFloatStorage\n" + integer(0) + text("cpu") + integer(6) + b"tQ", "invalid"),
        (b"(" + text("storage") + b"ctorch\nFloatStorage\n" + text("0") + text("cpu") + integer(-6) + b"tQ", "invalid"),
        (
            b"(" + text("storage") + b"ctorch\nFloatStorage\n" + text("../../x") + text("cpu") + integer(6) + b"tQ",
            "missing",
        ),
    ],
)
def test_persistent_ids_of_wrong_type(tmp_path, pid, match):
    refused(write_pt(tmp_path / "pid.pt", wrap(pid), {"0": FLOAT6}), match)


# --- truncated and corrupt files ---------------------------------------------------------------------


@pytest.fixture
def good_checkpoint(tmp_path):
    path = tmp_path / "good.pt"
    save({"w": rg.arange(60.0).reshape(6, 10), "b": rg.ones(3, dtype=rg.int64), "meta": [1, "a", (2.5,)]}, path)
    return path


def test_every_truncation_is_a_checkpoint_error(tmp_path, good_checkpoint):
    data = good_checkpoint.read_bytes()
    cut = tmp_path / "cut.pt"
    for n in range(1, len(data), 7):
        cut.write_bytes(data[:n])
        with pytest.raises(CheckpointError, match="cut.pt"):
            load(cut)


def test_random_corruption_never_escapes_as_another_error(tmp_path, good_checkpoint):
    data = good_checkpoint.read_bytes()
    rng = random.Random(0)
    bad = tmp_path / "flipped.pt"
    for _ in range(400):
        corrupt = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            corrupt[rng.randrange(len(corrupt))] = rng.randrange(256)
        bad.write_bytes(bytes(corrupt))
        try:
            load(bad)
        except CheckpointError as e:
            assert "flipped.pt" in str(e)


def test_corrupt_pickles_inside_a_valid_zip(tmp_path):
    good = pickle.dumps({"a": [1, 2.5, "x"], "b": (None, True)}, protocol=2)
    rng = random.Random(1)
    for i in range(300):
        corrupt = bytearray(good)
        corrupt[rng.randrange(len(corrupt))] = rng.randrange(256)
        path = write_pt(tmp_path / f"p{i % 3}.pt", bytes(corrupt))
        try:
            load(path)
        except CheckpointError as e:
            assert path.name in str(e)


def test_bad_central_directory_offset(tmp_path, good_checkpoint):
    data = bytearray(good_checkpoint.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    for offset in (2**32 - 1, len(data) + 100, 3):
        data[end + 16 : end + 20] = struct.pack("<I", offset)
        (tmp_path / "cd.pt").write_bytes(bytes(data))
        refused(tmp_path / "cd.pt")


def test_member_header_offset_outside_the_file(tmp_path, good_checkpoint):
    data = bytearray(good_checkpoint.read_bytes())
    first = data.find(b"PK\x01\x02")
    data[first + 42 : first + 46] = struct.pack("<I", 2**31)
    (tmp_path / "off.pt").write_bytes(bytes(data))
    refused(tmp_path / "off.pt")


def test_legacy_and_unknown_formats(tmp_path):
    (tmp_path / "legacy.pt").write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02}q\x00.")
    refused(tmp_path / "legacy.pt", "Invalid protocol version")  # the legacy format, cut after its magic number
    (tmp_path / "raw.pt").write_bytes(pickle.dumps({"a": 1}, protocol=2))
    refused(tmp_path / "raw.pt", "not a checkpoint")
    (tmp_path / "empty.pt").write_bytes(b"")
    refused(tmp_path / "empty.pt", "empty")


def test_torchscript_archive_and_missing_pickle(tmp_path):
    with zipfile.ZipFile(tmp_path / "ts.pt", "w") as z:
        z.writestr("m/constants.pkl", b"")
        z.writestr("m/data.pkl", wrap(b"N"))
    refused(tmp_path / "ts.pt", "TorchScript")
    with zipfile.ZipFile(tmp_path / "nopkl.pt", "w") as z:
        z.writestr("m/other", b"")
    refused(tmp_path / "nopkl.pt", "without data.pkl")


# --- safetensors with bad headers ----------------------------------------------------------------


def safetensors_file(path, header: dict | bytes, body: bytes = b"", length: int | None = None):
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw) if length is None else length) + raw + body)
    return path


@pytest.mark.parametrize(
    "header, body, length",
    [
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 2**64 - 1]}}, b"\0" * 8, None),  # overflow
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8000]}}, b"\0" * 8, None),  # outside
        ({"x": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 8]}}, b"\0" * 8, None),  # size
        ({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8, None),  # mismatch
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}, b"\0" * 8, None),  # reversed
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, 2**64 - 1),  # negative
        ({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, 2**62),  # huge
        ({"x": {"dtype": "XX", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, None),  # dtype
        (b"{" + b"[" * 100_000, b"", None),  # deep header
    ],
)
def test_safetensors_bad_headers(tmp_path, header, body, length):
    refused(safetensors_file(tmp_path / "bad.safetensors", header, body, length))
