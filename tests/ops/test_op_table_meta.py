"""Every op of the table on the meta device: it gives meta results of the CPU results' shapes and
dtypes, or raises; never a tensor with data (an op that built its result on the host)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd

from .harness import make_tensors, outputs
from .test_op_table import CASES, _rng

# ops that still build a result on the host from meta inputs
KNOWN_HOST_RESULTS = {"linalg.cholesky_ex", "linalg.solve_ex", "linalg.ldl_factor_ex"}

# cases whose tensors all come from numbers (creation ops): nothing to put on the meta device
_TENSOR_CASES = [c for c in CASES if any(isinstance(a, np.ndarray) for a in c.inputs(_rng(c)))]


@pytest.mark.parametrize("case", _TENSOR_CASES, ids=[c.id for c in _TENSOR_CASES])
def test_op_on_meta_gives_meta_results_or_raises(case):
    if case.id in KNOWN_HOST_RESULTS:
        pytest.xfail("builds its result on the host")
    arrays = case.inputs(_rng(case))
    expected = outputs(case.fn(retrograd, *make_tensors(retrograd, arrays, False)))
    metas = [t.to("meta") if isinstance(t, retrograd.Tensor) else t for t in make_tensors(retrograd, arrays, False)]
    try:
        got = outputs(case.fn(retrograd, *metas))
    except (RuntimeError, NotImplementedError, ValueError, TypeError, IndexError, np.linalg.LinAlgError):
        return  # refusing is allowed: PyTorch's meta kernels refuse value-dependent ops too
    for g, e in zip(got, expected):
        if isinstance(e, retrograd.Tensor):
            assert isinstance(g, retrograd.Tensor) and g.is_meta, f"{case.id}: a result on {g.device}"
            assert (g.shape, g.dtype) == (e.shape, e.dtype)
