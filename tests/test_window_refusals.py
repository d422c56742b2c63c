"""The window factories' refusals: a non-integer length, an integer or bool dtype, a complex one."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def _calls(m):
    return [
        lambda: m.hann_window(5, dtype=m.long),
        lambda: m.hann_window(4, dtype=m.uint8, pin_memory=False),
        lambda: m.bartlett_window(0, dtype=m.bool),
        lambda: m.kaiser_window(4, dtype=m.complex64),
        lambda: m.hamming_window(-1, dtype=m.complex128),
        lambda: m.hann_window(1, dtype=m.complex64),
        lambda: m.hann_window(4.0),
        lambda: m.kaiser_window(None),
        lambda: m.hamming_window(True),
        lambda: m.blackman_window("3"),
        lambda: m.hann_window(np.int64(3)),
        lambda: m.hann_window(m.tensor(4)),
    ]


def _outcome(call) -> str:
    try:
        return repr(call().tolist())
    except (RuntimeError, TypeError, NotImplementedError) as error:
        return f"{type(error).__name__}: {error}"


def test_refusals_spelled_out():
    outcomes = [_outcome(call) for call in _calls(rg)]
    options = "device=cpu, layout=Strided (default), requires_grad=false (default), pinned_memory=false"
    assert outcomes[0] == (
        "RuntimeError: hann_window expects floating point dtypes, got: "
        f"TensorOptions(dtype=long int, {options}, memory_format=(nullopt))"
    )
    assert "TensorOptions(dtype=unsigned char," in outcomes[1]
    assert "TensorOptions(dtype=bool," in outcomes[2]
    assert outcomes[3] == "NotImplementedError: \"arange_cpu\" not implemented for 'ComplexFloat'"
    assert outcomes[4] == "RuntimeError: hamming_window requires non-negative window_length, got window_length=-1"
    assert outcomes[5] == "[(1+0j)]"  # length 1 is all ones, even complex
    assert outcomes[6] == "TypeError: hann_window(): argument 'window_length' (position 1) must be int, not float"
    assert outcomes[7].endswith("must be int, not NoneType") and outcomes[7].startswith("TypeError: kaiser_window()")
    assert outcomes[8].endswith("must be int, not bool")
    assert outcomes[9].endswith("must be int, not str")
    assert outcomes[10] == "[0.0, 0.75, 0.7499999403953552]"  # float32 rounding, as PyTorch
    assert outcomes[11].startswith("[0.0, 0.5")  # a 0-dim integer tensor is an index


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.pytorch
def test_refusals_match_pytorch():
    for ours, theirs in zip(_calls(rg), _calls(torch)):
        assert _outcome(ours) == _outcome(theirs)
