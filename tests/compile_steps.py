"""What a compiled training step and the same step run eagerly must agree on, bit for bit."""

import numpy as np


def snapshot(tensors):
    """Each tensor's values, gradient (None or values) and version counter."""
    out = []
    for t in tensors:
        grad = None if t.grad is None else t.grad.numpy().copy()
        out.append((t.detach().numpy().copy(), grad, t._version))
    return out


def assert_same(a, b):
    assert len(a) == len(b)
    for (va, ga, na), (vb, gb, nb) in zip(a, b):
        np.testing.assert_array_equal(va, vb)
        assert (ga is None) == (gb is None)
        if ga is not None:
            np.testing.assert_array_equal(ga, gb)
        assert na == nb
