"""vmap against the per-example loop, for every case of the op table, with random in_dims."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest

import retrograd
from retrograd.func import vmap

from ..ops import test_op_table as table
from ..ops.harness import make_tensors, outputs

BATCH = 3

_REQUIRES_GRAD = "You are attempting to call Tensor.requires_grad_()"
_DYNAMIC = "vmap: We do not support batching operators that can output dynamic shape"
_CONTROL_FLOW = "data-dependent control flow"
_RANDOM = "vmap: called random operation while in randomness error mode"

# Cases PyTorch's vmap refuses by design, and the fragment of the error both raise (a RuntimeError).
# The `kinks` cases (and a few others) call requires_grad_() + autograd.grad inside the function,
# which PyTorch refuses under a transform; their derivatives are checked with func.grad below.
_KINKS = [c.id for c in table.CASES if "requires_grad_" in getattr(c.fn, "__code__", compile("", "", "exec")).co_names]
REFUSED = {
    **dict.fromkeys(_KINKS, _REQUIRES_GRAD),
    "allclose": "vmap over torch.allclose isn't supported yet",
    "equal": "Batching rule not implemented for aten::equal",
    "is_nonzero": _CONTROL_FLOW,
    "view": "view size is not compatible with input tensor's size and stride",
    "getitem[mask_full]": "Attempting to batch over indexing with a boolean mask",
    "nonzero": _DYNAMIC,
    "nonzero[0d]": _DYNAMIC,
    "argwhere": "",  # PyTorch fails inside its per-example fallback (a stack of unequal sizes); we refuse up front
    "nonzero[as_tuple]": "Batching rule not implemented for aten::nonzero_numpy",
    # PyTorch names aten::where; we aten::nonzero_numpy (where(c) is nonzero(c, as_tuple=True))
    "where[condition_only]": "",
    "F.cosine_similarity[eps]": _REQUIRES_GRAD,
    "getitem[mask_tensor]": "Attempting to batch over indexing with a boolean mask",
    "getitem[mask_after_slice]": "Attempting to batch over indexing with a boolean mask",
    "index_put[mask]": "Attempting to batch over indexing with a boolean mask",
    "F.batch_norm[running_stats]": "Batch norm got a batched tensor as input while the running_mean or running_var",
    "F.gaussian_nll_loss[mean]": _CONTROL_FLOW,
    "F.gaussian_nll_loss[sum]": _CONTROL_FLOW,
    "F.gaussian_nll_loss[none]": _CONTROL_FLOW,
    "F.gaussian_nll_loss[full_broadcast_var]": _CONTROL_FLOW,
}
# random ops refuse under the default randomness="error" (their other modes: test_randomness.py)
REFUSED.update(
    dict.fromkeys(
        [
            "F.dropout[train]",
            "F.dropout[inplace]",
            "F.dropout1d",
            "F.dropout1d[unbatched]",
            "F.dropout2d",
            "F.dropout3d",
            "F.alpha_dropout",
            "F.feature_alpha_dropout",
            "F.scaled_dot_product_attention[dropout]",
        ],
        _RANDOM,
    )
)
REFUSED["rrelu[training]"] = ""  # ours: the randomness error first; PyTorch: no batching rule for rrelu


def _plan(case, arrays, rng):
    """in_dims per input: a random dim for float arrays (sometimes None), and for index, mask and
    condition arrays (integer and bool) half the time; None for the rest."""
    dims = []
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            dims.append(None if rng.random() < 0.25 else int(rng.integers(0, a.ndim + 1)))
        elif isinstance(a, np.ndarray) and a.dtype.kind in "iub" and rng.random() < 0.5:
            dims.append(int(rng.integers(0, a.ndim + 1)))
        else:
            dims.append(None)
    if all(d is None for d in dims):
        for i, a in enumerate(arrays):
            if isinstance(a, np.ndarray) and a.dtype.kind == "f":
                dims[i] = 0
                break
    return dims


# Known disagreements with the per-example loop, with the reason.
DIFFERS = {
    "as_strided[transposed-input]": "a batched example is re-laid out contiguously before as_strided, so strides "
    "index the transposed layout, not the example's original storage",
}


@pytest.mark.parametrize("case", table.CASES, ids=table.IDS)
def test_vmap_matches_loop(case):
    if case.id in DIFFERS:
        pytest.xfail(DIFFERS[case.id])
    if case.id in REFUSED:
        _check_refused(case, REFUSED[case.id])
    else:
        _check(case)


def _drawn(case):
    """(per-example inputs, in_dims, the stacked inputs) for `case`, the same in every run."""
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    examples = [case.inputs(np.random.default_rng(rng.integers(2**32))) for _ in range(BATCH)]
    dims = _plan(case, examples[0], rng)
    shared = examples[0]
    per_example = [[e[i] if d is not None else shared[i] for i, d in enumerate(dims)] for e in examples]
    stacked = [np.stack([e[i] for e in examples], axis=d) if d is not None else shared[i] for i, d in enumerate(dims)]
    return per_example, dims, stacked


def _check_refused(case, fragment):
    """retrograd's vmap refuses `case` with a RuntimeError naming `fragment`; so does PyTorch's, when importable."""
    _, dims, stacked = _drawn(case)
    if all(d is None for d in dims):
        pytest.skip("no input to batch")
    with pytest.raises(RuntimeError, match=re.escape(fragment)):
        vmap(lambda *ts: case.fn(retrograd, *ts), in_dims=tuple(dims))(*make_tensors(retrograd, stacked, False))
    try:
        import torch
    except ImportError:
        return
    with pytest.raises(RuntimeError, match=re.escape(fragment)):
        torch.vmap(lambda *ts: case.fn(torch, *ts), in_dims=tuple(dims))(*make_tensors(torch, stacked, False))


def _check(case):
    per_example, dims, stacked = _drawn(case)
    if all(d is None for d in dims):
        pytest.skip("no input to batch")
    try:
        expected = [outputs(case.fn(retrograd, *make_tensors(retrograd, args, False))) for args in per_example]
    except Exception as e:  # noqa: BLE001 - the op refuses some random inputs; nothing to compare
        pytest.skip(f"op fails on the drawn inputs: {e}")
    batched_fn = vmap(lambda *ts: case.fn(retrograd, *ts), in_dims=tuple(dims))
    got = outputs(batched_fn(*make_tensors(retrograd, stacked, False)))
    assert len(got) == len(expected[0])
    for k, g in enumerate(got):
        want = np.stack([np.asarray(e[k].numpy()) for e in expected])
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-6, atol=1e-7)
