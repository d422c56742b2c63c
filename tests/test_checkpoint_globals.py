"""`serialization.get_unsafe_globals_in_checkpoint`: the classes and functions a checkpoint
names that a weights-only load would refuse, found without running the pickle."""

from __future__ import annotations

import collections
import io
import pickle
import zipfile

import numpy as np
import pytest

import retrograd as rg
from retrograd import serialization
from retrograd._pickle_globals import globals_in_pickle

Point = collections.namedtuple("Point", ["x", "y"])


def _saved(obj, **kwargs) -> io.BytesIO:
    buffer = io.BytesIO()
    rg.save(obj, buffer, **kwargs)
    buffer.seek(0)
    return buffer


def test_plain_checkpoints_name_nothing_unsafe():
    sd = collections.OrderedDict(w=rg.ones(2), b=rg.tensor(1.0, dtype=rg.bfloat16))
    blob = {"sd": sd, "p": rg.nn.Parameter(rg.zeros(1)), "s": {1}, "c": 1 + 2j, "dt": rg.float16}
    assert serialization.get_unsafe_globals_in_checkpoint(_saved(blob)) == []


def test_lists_each_refused_name_once_in_python3_spelling(tmp_path):
    blob = {"f": frozenset([1]), "g": frozenset([2]), "a": np.arange(2), "pt": Point(1, 2)}
    rg.save(blob, tmp_path / "c.pt")
    found = serialization.get_unsafe_globals_in_checkpoint(tmp_path / "c.pt")
    assert found[0] == "builtins.frozenset"  # the pickle says __builtin__.frozenset
    assert sorted(found) == sorted(["builtins.frozenset", "numpy.ndarray", "numpy.dtype",
                                    f"{np.ndarray.__reduce__(np.arange(1))[0].__module__}._reconstruct",
                                    f"{__name__}.Point"])


def test_safe_globals_are_not_listed():
    with serialization.safe_globals([Point]):
        assert serialization.get_unsafe_globals_in_checkpoint(_saved({"pt": Point(1, 2)})) == []
    assert serialization.get_unsafe_globals_in_checkpoint(_saved({"pt": Point(1, 2)})) == [f"{__name__}.Point"]


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_stack_global_names_are_followed(protocol):
    # the second deque's names come from the memo
    data = pickle.dumps([collections.deque([1]), collections.deque([2]), Point(1, 2)], protocol=protocol)
    assert globals_in_pickle(data) == ["collections.deque", f"{__name__}.Point"]


def test_only_zip_checkpoints():
    with pytest.raises(ValueError, match="Expected input to be a checkpoint returned by torch.save"):
        serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"not a checkpoint"))


def test_unsafe_globals_vs_torch(tmp_path):
    torch = pytest.importorskip("torch")
    blob = {"w": torch.ones(2), "f": frozenset([1]), "a": np.arange(2), "s": {1}, "sd": collections.OrderedDict()}
    torch.save(blob, tmp_path / "t.pt")
    rg.save({"w": rg.ones(2), "f": frozenset([1]), "a": np.arange(2), "s": {1}}, tmp_path / "r.pt")
    for name in ("t.pt", "r.pt"):
        expected = torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / name)
        assert sorted(serialization.get_unsafe_globals_in_checkpoint(tmp_path / name)) == sorted(expected)
    with pytest.raises(ValueError) as theirs:
        torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"xyz"))
    with pytest.raises(ValueError) as ours:
        serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"xyz"))
    assert str(ours.value) == str(theirs.value)


# --- what a weights-only load says when it refuses a global -------------------------------------

def _refusal(buffer_or_path, module=rg) -> str:
    with pytest.raises(pickle.UnpicklingError) as caught:
        module.load(buffer_or_path)
    return str(caught.value)


def test_refused_global_message_is_pytorchs():
    message = _refusal(_saved({"f": frozenset([1])}))
    assert message == (
        "Weights only load failed. This file can still be loaded, to do so you have two options, \033[1mdo those "
        "steps only if you trust the source of the checkpoint\033[0m. \n\t(1) In PyTorch 2.6, we changed the "
        "default value of the `weights_only` argument in `retrograd.load` from `False` to `True`. Re-running "
        "`retrograd.load` with `weights_only` set to `False` will likely succeed, but it can result in arbitrary "
        "code execution. Do it only if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
        "`weights_only=True` please check the recommended steps in the following error message.\n\tWeightsUnpickler "
        "error: Unsupported global: GLOBAL frozenset was not an allowed global by default. Please use "
        "`retrograd.serialization.add_safe_globals([frozenset])` or the "
        "`retrograd.serialization.safe_globals([frozenset])` context manager to allowlist this global if you trust "
        "this class/function.\n\nCheck the documentation of retrograd.load to learn more about types accepted by "
        "default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
    )


class _Pickled(rg.nn.Module):  # a whole module saved with torch.save(model, ...), as fast.ai does
    pass


def test_refusal_is_named_unpicklingerror():
    # programs print type(e).__name__ of what torch.load(whole_model) raises under weights_only=True
    with pytest.raises(pickle.UnpicklingError) as caught:
        rg.load(_saved({"f": frozenset([1])}))
    assert type(caught.value).__name__ == "UnpicklingError"
    assert isinstance(caught.value, serialization.CheckpointError)


def test_refusal_type_name_matches_pytorch():
    torch = pytest.importorskip("torch")
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(_torch_saved(torch, torch.nn.Linear(2, 1)))
    with pytest.raises(pickle.UnpicklingError) as ours:
        rg.load(_saved(_Pickled()))
    assert type(ours.value).__name__ == type(theirs.value).__name__


def _torch_saved(torch, obj) -> io.BytesIO:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return buffer


def test_blocked_module_message_is_pytorchs():
    data = b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00true\x85R."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", data)
    buffer.seek(0)
    message = _refusal(buffer)
    assert message.startswith("Weights only load failed. In PyTorch 2.6, we changed the default value")
    assert message.endswith(
        "trusted source.\n\n\nTrying to load unsupported GLOBAL posix.system whose module posix is blocked.\n\nCheck "
        "the documentation of retrograd.load to learn more about types accepted by default with weights_only "
        "https://pytorch.org/docs/stable/generated/torch.load.html."
    )


def test_refusal_messages_vs_torch(tmp_path):
    torch = pytest.importorskip("torch")
    import os

    class Evil:
        def __reduce__(self):
            return (os.system, ("true",))

    torch.save({"w": torch.ones(1), "f": frozenset([1])}, tmp_path / "frozen.pt")
    torch.save({"a": np.arange(2)}, tmp_path / "array.pt")
    torch.save({"e": Evil()}, tmp_path / "evil.pt")
    for name in ("frozen.pt", "array.pt", "evil.pt"):
        ours = _refusal(tmp_path / name).replace("retrograd.", "torch.")
        assert ours == _refusal(tmp_path / name, torch)
