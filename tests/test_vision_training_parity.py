"""Behaviour that vision training code (ResNet/VGG/MobileNet-style programs) relies on.

Spelled-out expectations run without PyTorch; the `pytorch`-marked tests compare against it.
"""

from __future__ import annotations

import pytest

import retrograd
import retrograd.nn.functional as F


def _error(fn) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def test_reflect_pad_too_wide_names_the_last_dimension_first():
    x = retrograd.zeros(4, 3, 8, 8)
    message = _error(lambda: F.pad(x, (9, 9, 9, 9), mode="reflect"))
    assert message.startswith("Argument #4: Padding size should be less than the corresponding input dimension")
    assert message.endswith("padding (9, 9) at dimension 3 of input [4, 3, 8, 8]")
    volume = retrograd.zeros(1, 1, 2, 3, 4)
    message = _error(lambda: F.pad(volume, (1, 1, 1, 1, 9, 9), mode="reflect"))
    assert message.endswith("padding (9, 9) at dimension 2 of input [1, 1, 2, 3, 4]")
    assert message.startswith("Argument #8")
