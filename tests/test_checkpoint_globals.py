"""`serialization.get_unsafe_globals_in_checkpoint`: the classes and functions a checkpoint
names that a weights-only load would refuse, found without running the pickle."""

from __future__ import annotations

import collections
import io
import pickle

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
