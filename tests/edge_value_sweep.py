"""Every op of the op table on edge values, forward and backward; prints the warnings that escape.

Run under `python -W error -m tests.edge_value_sweep`: any warning retrograd lets through
(NumPy's "invalid value encountered", "Mean of empty slice", "Degrees of freedom <= 0", ...)
then surfaces as an exception of a Warning class, which is recorded; other exceptions are the
op refusing an input and are not the subject here. Prints one line per escaped warning.
"""

from __future__ import annotations

import sys

import numpy as np

import retrograd

from .ops.harness import float_outputs, make_tensors
from .ops.test_op_table import CASES, _rng

EDGES = {
    "zero": 0.0,
    "minus_one": -1.0,
    "inf": np.inf,
    "-inf": -np.inf,
    "nan": np.nan,
    "huge": 1e300,
    "tiny": 1e-310,
}
MIXED = np.array([0.0, -1.0, np.inf, -np.inf, np.nan, 1e300, 1e-310, 2.0])
MIXED32 = np.array([0.0, -1.0, np.inf, -np.inf, np.nan, 3e38, 1e-40, 2.0], np.float32)

# Warnings that PyTorch gives too for the same call: not leaks.
EXPECTED = (
    "torch.range is deprecated",
    "degrees of freedom is <= 0",
    "The reduce argument of torch.scatter",
    "Using padding='same' with even kernel",
    "index_reduce() is in beta",
    "The use of `x.T` on tensors of dimension other than 2",
    "Tensor.T is deprecated on 0-D tensors",
    "stft with return_complex=False is deprecated",
    "torch.lu_solve is deprecated",
    "torch.triangular_solve is deprecated",
    "at::nuclear_norm is deprecated",
)


def _variants(arrays: list) -> dict[str, list]:
    """The case's float inputs replaced by edge values (same shapes), mixed values, and empty."""
    out = {}
    floats = [i for i, a in enumerate(arrays) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    for name, v in EDGES.items():
        out[name] = [np.full(a.shape, v) if i in floats else a for i, a in enumerate(arrays)]
    out["mixed"] = [np.resize(MIXED, a.shape) if i in floats else a for i, a in enumerate(arrays)]
    out["mixed32"] = [np.resize(MIXED32, a.shape) if i in floats else a for i, a in enumerate(arrays)]
    out["empty"] = [np.zeros((0,) + a.shape[1:]) if i in floats and a.ndim else a for i, a in enumerate(arrays)]
    return out


def _run(case, arrays: list) -> None:
    tensors = make_tensors(retrograd, arrays, True)
    result = case.fn(retrograd, *tensors)
    outs = [o for o in float_outputs(result) if o.requires_grad]
    if outs and case.grad:
        loss = sum(o.sum() for o in outs)
        loss.backward()


def main() -> int:
    leaks = []
    for case in CASES:
        for name, arrays in _variants(case.inputs(_rng(case))).items():
            try:
                _run(case, arrays)
            except Warning as w:
                if not any(e in str(w) for e in EXPECTED):
                    leaks.append(f"{case.id}[{name}]: {type(w).__name__}: {w}")
            except Exception:  # noqa: BLE001, S110 - refusing an edge input is allowed here
                pass
    for line in leaks:
        print("LEAK", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
