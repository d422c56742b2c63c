"""float16 and bfloat16 results of kernels whose rounding PyTorch spells out in its own way.

PyTorch computes these dtypes in float32 (its "opmath" type) and mostly rounds once at the end;
the tests here pin the places where its kernels differ from that, and the constants they use.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import dtypes as _dt

needs_storage = pytest.mark.skipif(not _dt.HAS_BFLOAT16, reason="bfloat16 tensors need ml_dtypes")
HALVES = [pytest.param("bfloat16", marks=needs_storage), "float16"]


# --- rms_norm's default eps: the float32 epsilon for the dtypes computed in float32 ------------------


@pytest.mark.parametrize("dtype", HALVES)
def test_rms_norm_default_eps_is_float32s_for_half_input(dtype):
    # mean(x²) = 0.00025 is far below bfloat16's eps (0.0078) and float16's (0.00098): with either the
    # result would shrink towards 0; with float32's (1.2e-7) it is x / rms = (1, 2) / √2.5
    x = rg.tensor([[0.01, 0.02]]).to(getattr(rg, dtype))
    out = rg.nn.functional.rms_norm(x, (2,))
    assert out.dtype is x.dtype
    expected = (np.array([1.0, 2.0]) / np.sqrt(2.5)).astype(np.float32)
    np.testing.assert_allclose(out.float().numpy()[0], expected, rtol=4e-3)
    module = rg.nn.RMSNorm(2, dtype=x.dtype)
    assert rg.equal(module(x), out)


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", HALVES + ["float32", "float64"])
def test_rms_norm_default_eps_matches_pytorch(dtype):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(3, 8)) * 0.03
    ours = rg.nn.functional.rms_norm(rg.tensor(x).to(getattr(rg, dtype)), (8,))
    theirs = torch.nn.functional.rms_norm(torch.tensor(x).to(getattr(torch, dtype)), (8,))
    assert np.array_equal(ours.double().numpy(), theirs.double().numpy())
