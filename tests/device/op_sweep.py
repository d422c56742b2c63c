"""Every op-table case on a CUDA device: values and gradients equal the CPU's.

Shared by the stand-in run (CPU CI) and the real-CuPy run (GPU machines). A case runs on the
CPU, then again with "cuda" as the default device (so tensors a case makes inside land there
too); its outputs and the gradients of a fixed weighted sum must agree.
"""

from __future__ import annotations

import numpy as np

import retrograd as rg

from ..ops.harness import float_outputs, outputs
from ..ops.test_op_table import CASES, _rng


def _run(case, arrays: list, device: str):
    rg.set_default_device(device)
    try:
        tensors = []
        for a in arrays:
            if isinstance(a, np.ndarray):
                t = rg.tensor(a.copy(), device=device)
                if case.grad and a.dtype.kind == "f":
                    t.requires_grad_(True)
                tensors.append(t)
            else:
                tensors.append(a)
        result = case.fn(rg, *tensors)
        values = [o.detach().cpu().numpy() if isinstance(o, rg.Tensor) else o for o in outputs(result)]
        grads: list = []
        diff = [o for o in float_outputs(result) if o.requires_grad] if case.grad else []
        if diff:
            weights = [np.random.default_rng(1).standard_normal(tuple(o.shape)) for o in diff]
            loss = sum((o * rg.tensor(w, dtype=o.dtype, device=device)).sum() for o, w in zip(diff, weights))
            loss.backward()
            grads = [t.grad.cpu().numpy() if t.grad is not None else None for t in tensors if isinstance(t, rg.Tensor)]
        return values, grads
    finally:
        rg.set_default_device(None)


# Ops that draw random numbers: the device has its own generator (as CUDA has in PyTorch), so
# only shapes and dtypes can agree with the CPU.
DROPOUTS = ("F.dropout", "F.alpha_dropout", "F.feature_alpha_dropout")


def _is_random(case) -> bool:
    return case.name.startswith(DROPOUTS) or "rrelu" in case.name and "train" in case.id or "dropout]" in case.id


def check_case(case) -> None:
    """Run `case` on the CPU and on "cuda"; assert the same outputs and gradients."""
    arrays = case.inputs(_rng(case))
    cpu_values, cpu_grads = _run(case, arrays, "cpu")
    dev_values, dev_grads = _run(case, arrays, "cuda")
    assert len(dev_values) == len(cpu_values)
    if _is_random(case):
        for d, c in zip(dev_values, cpu_values):
            assert np.shape(d) == np.shape(c) and np.asarray(d).dtype == np.asarray(c).dtype
        return
    tol = dict(rtol=max(case.rtol, 1e-6), atol=max(case.atol, 1e-7))
    for d, c in zip(dev_values, cpu_values):
        np.testing.assert_allclose(np.asarray(d), np.asarray(c), **tol)
    assert len(dev_grads) == len(cpu_grads)
    for d, c in zip(dev_grads, cpu_grads):
        assert (d is None) == (c is None)
        if c is not None:
            np.testing.assert_allclose(d, c, **tol)


IDS = [c.id for c in CASES]
