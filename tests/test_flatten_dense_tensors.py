"""`torch._utils._flatten_dense_tensors` / `_unflatten_dense_tensors`: the buffer helpers fastai's
`fp16_utils` imports (`from torch._utils import ...` must work for `fastai.vision.all` to import)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import retrograd as rg
from retrograd._utils import _flatten_dense_tensors, _unflatten_dense_tensors

try:
    import torch
    from torch._utils import _flatten_dense_tensors as torch_flatten
    from torch._utils import _unflatten_dense_tensors as torch_unflatten
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_flatten_concatenates_and_unflatten_gives_views():
    a = rg.arange(6.0).reshape(2, 3).t()  # not contiguous: flattened in its logical order
    b = rg.tensor([7.0, 8.0])
    flat = _flatten_dense_tensors([a, b])
    assert flat.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0, 7.0, 8.0]
    parts = _unflatten_dense_tensors(flat, [a, b])
    assert type(parts) is tuple and [p.shape for p in parts] == [(3, 2), (2,)]
    assert rg.equal(parts[0], a) and rg.equal(parts[1], b)
    parts[1].fill_(0.0)  # views of flat, as fp16 master-weight code relies on
    assert flat[-2:].tolist() == [0.0, 0.0]
    assert _unflatten_dense_tensors(flat, []) == ()


def test_flatten_of_one_tensor_is_a_view_and_gradients_flow():
    b = rg.arange(4.0)
    assert _flatten_dense_tensors([b])._base is b
    w = rg.ones(2, 2, requires_grad=True)
    flat = _flatten_dense_tensors([w, rg.zeros(1)])
    (flat * rg.arange(5.0)).sum().backward()
    assert w.grad.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    with pytest.raises(ValueError, match="expected a non-empty list of Tensors"):
        _flatten_dense_tensors([])


def test_importable_as_torch_utils():
    code = (
        "import retrograd; retrograd.install_as_torch()\n"
        "from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors\n"
        "import retrograd._utils as u\n"
        "print(_flatten_dense_tensors is u._flatten_dense_tensors,\n"
        "      _unflatten_dense_tensors is u._unflatten_dense_tensors)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


@needs_torch
def test_flatten_dense_tensors_vs_torch():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal(4).astype(np.float32)]
    ours = _flatten_dense_tensors([rg.from_numpy(a) for a in arrays])
    theirs = torch_flatten([torch.from_numpy(a) for a in arrays])
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours_parts = _unflatten_dense_tensors(ours, [rg.from_numpy(a) for a in arrays])
    theirs_parts = torch_unflatten(theirs, [torch.from_numpy(a) for a in arrays])
    assert type(ours_parts) is type(theirs_parts)
    for o, t in zip(ours_parts, theirs_parts):
        np.testing.assert_array_equal(o.numpy(), t.numpy())
    with pytest.raises(ValueError, match="expected a non-empty list of Tensors"):
        torch_flatten([])
