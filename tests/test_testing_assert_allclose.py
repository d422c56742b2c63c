"""`torch.testing.assert_allclose` (deprecated) and assert_close's type refusal, as PyTorch has them.

assert_allclose has its own, looser default tolerances (float32: rtol 1e-4, atol 1e-5), warns
with a FutureWarning, and treats NaN as equal; the golden strings pin that without PyTorch.
"""

from __future__ import annotations

import warnings

import pytest

import retrograd
from retrograd._display_name import package_name, set_package_name
from retrograd.testing import assert_allclose, assert_close


def _message(module, fn) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AssertionError) as caught:
            fn(module)
    return str(caught.value)


def _far_apart(m):
    m.testing.assert_allclose(m.tensor([1.0, 2.0]), m.tensor([1.0, 3.0]))


def test_assert_allclose_uses_its_own_float32_tolerances():
    assert _message(retrograd, _far_apart) == (
        "Tensor-likes are not close!\n\n"
        "Mismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1.0 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.3333333432674408 at index (1,) (up to 0.0001 allowed)"
    )


def test_assert_allclose_passes_within_its_looser_tolerance():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_allclose(retrograd.tensor([1.0]), retrograd.tensor([1.00005]))  # rtol 1e-4 allows it
        assert_allclose(retrograd.tensor([float("nan")]), retrograd.tensor([float("nan")]))
        assert_allclose(retrograd.tensor([1.0, 2.0]), [1.0, 2.0])  # a list becomes a tensor


def test_assert_allclose_warns_at_the_caller():
    with pytest.warns(FutureWarning, match=r"assert_allclose\(\)` is deprecated since 1.12") as record:
        assert_allclose(retrograd.tensor([1.0]), retrograd.tensor([1.0]))
    assert record[0].filename == __file__


def test_assert_allclose_custom_message_replaces_the_generated_one():
    def fn(m):
        m.testing.assert_allclose(m.tensor([1.0]), m.tensor([2.0]), msg="custom")

    assert _message(retrograd, fn) == "custom"


def test_assert_close_names_a_tensor_as_torch_does_under_the_alias():
    previous = package_name()
    set_package_name("torch")
    try:
        with pytest.raises(TypeError, match=r"of type <class 'torch.Tensor'> and <class 'str'>\.$"):
            assert_close(retrograd.ones(1), "x")
    finally:
        set_package_name(previous)


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_assert_allclose_messages_match_pytorch(dtype):
    torch = pytest.importorskip("torch")

    def fn(m):
        a = m.tensor([[0.5, -1.25], [3.0, 1e-3]], dtype=getattr(m, dtype))
        m.testing.assert_allclose(a, a * 1.01)

    assert _message(retrograd, fn) == _message(torch, fn)
    assert _message(retrograd, _far_apart) == _message(torch, _far_apart)


@pytest.mark.pytorch
def test_assert_close_type_refusal_matches_pytorch():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError) as expected:
        torch.testing.assert_close(torch.ones(1), "x")
    previous = package_name()
    set_package_name("torch")
    try:
        with pytest.raises(TypeError) as got:
            assert_close(retrograd.ones(1), "x")
    finally:
        set_package_name(previous)
    assert str(got.value) == str(expected.value)
