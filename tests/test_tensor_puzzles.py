"""Tensor-puzzle idioms (views, indexing, dim shuffles): what they give and how they refuse."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


MOVEDIM_MISTAKES = {
    "more sources than destinations": (
        ((0, 1), (0,)),
        "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain "
        "the same number of dims as destination ([0] dims)",
    ),
    "a repeated source": (((0, 0), (1, 2)), "movedim: repeated dim in `source` ([0, 0])"),
    "a repeated destination": (((0, 1), (2, 2)), "movedim: repeated dim in `destination` ([2, 2])"),
    "a source repeated through a negative dim": (((0, -3), (1, 2)), "movedim: repeated dim in `source` ([0, -3])"),
}


@pytest.mark.parametrize("name", list(MOVEDIM_MISTAKES))
def test_movedim_refuses_repeated_or_unpaired_dims(name):
    (source, destination), message = MOVEDIM_MISTAKES[name]
    with pytest.raises(RuntimeError) as info:
        rg.zeros(2, 3, 4).movedim(source, destination)
    assert str(info.value) == message


def test_movedim_of_paired_dims_still_moves():
    assert rg.zeros(2, 3, 4).movedim((0, 1), (2, 0)).shape == (3, 4, 2)
    assert rg.zeros(2, 3, 4).movedim((), ()).shape == (2, 3, 4)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(MOVEDIM_MISTAKES))
def test_movedim_mistakes_vs_torch(name):
    (source, destination), message = MOVEDIM_MISTAKES[name]
    with pytest.raises(RuntimeError) as info:
        torch.zeros(2, 3, 4).movedim(source, destination)
    assert str(info.value) == message
