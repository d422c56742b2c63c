"""`Tensor.storage()`: the memory a tensor shares with its views, read as elements of its dtype."""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg
from retrograd import _typed_storage

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@pytest.fixture(autouse=True)
def _quiet():
    """The deprecation warning fires once per process; each test checks values, not it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def test_storage_lists_the_whole_block_a_view_shares():
    x = rg.arange(18)
    s = x.view(3, 6)[1:].storage()
    assert s.tolist() == list(range(18)) and len(s) == 18 and s.size() == 18
    assert s.dtype == rg.int64 and s.element_size() == 8 and s.nbytes() == 144
    assert s.data_ptr() == x.storage().data_ptr()
    assert s[3] == 3 and s[-1] == 17 and type(s[3]) is int
    assert list(rg.tensor([[1, 2], [3, 4]]).t().storage()) == [1, 2, 3, 4]  # memory order


def test_storage_elements_are_python_numbers_of_the_dtype():
    assert rg.tensor([1.5, 2.0]).storage().tolist() == [1.5, 2.0]
    assert rg.tensor([True, False]).storage().tolist() == [True, False]
    assert type(rg.tensor([1.5], dtype=rg.bfloat16).storage()[0]) is float
    assert rg.tensor([1 + 2j]).storage().tolist() == [1 + 2j]


def test_storage_repr_lists_elements_then_a_header():
    text = repr(rg.tensor([1.5, 2.0]).storage())
    assert text == " 1.5\n 2.0\n[retrograd.storage.TypedStorage(dtype=retrograd.float32, device=cpu) of size 2]"
    assert (
        repr(rg.empty(0).storage())
        == " \n[retrograd.storage.TypedStorage(dtype=retrograd.float32, device=cpu) of size 0]"
    )


def test_storage_index_errors():
    s = rg.arange(4).storage()
    with pytest.raises(RuntimeError, match=r"^slices are only supported in UntypedStorage.__getitem__$"):
        s[0:2]
    with pytest.raises(
        RuntimeError, match=r"^can't index a <class 'retrograd.storage.TypedStorage'> with <class 'float'>$"
    ):
        s[1.0]
    with pytest.raises(IndexError, match=r"^index -5 out of range for storage of size 4$"):
        s[-5]


def test_storage_warns_once_that_typed_storage_is_deprecated(monkeypatch):
    monkeypatch.setattr(_typed_storage, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = rg.arange(3)
        x.storage()
        x.storage().tolist()
    assert [str(w.message)[:27] for w in caught] == ["TypedStorage is deprecated."]
    assert caught[0].filename == __file__


@needs_torch
def test_storage_matches_pytorch():
    for make in (
        lambda m: m.arange(18).view(3, 6)[1:, ::2],
        lambda m: m.tensor([0.1, -2.5, 3.0]),
        lambda m: m.tensor([[True], [False]]).t(),
        lambda m: m.zeros(0, dtype=m.int32),
    ):
        ours, theirs = make(rg).storage(), make(torch).storage()
        assert ours.tolist() == theirs.tolist() and len(ours) == len(theirs)
        assert ours.element_size() == theirs.element_size() and ours.nbytes() == theirs.nbytes()
        assert repr(ours).replace("retrograd", "torch") == repr(theirs)
    for index in (slice(0, 2), 1.0, 18):
        with pytest.raises(Exception) as ours_error:
            rg.arange(18).storage()[index]
        with pytest.raises(Exception) as theirs_error:
            torch.arange(18).storage()[index]
        assert type(ours_error.value) is type(theirs_error.value)
        assert str(ours_error.value).replace("retrograd", "torch") == str(theirs_error.value)
