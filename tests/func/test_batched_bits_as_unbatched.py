"""A derivative computed under vmap has the bits of the same derivative computed one example at a time.

PyTorch's kernels work row by row, so `vmap(grad(loss))` equals a loop of `grad(loss)` and `jacrev`
equals the rows of plain backward passes, bit for bit. These hold on any machine (no comparison with
PyTorch's own float32 math, which differs between CPUs): the batched tanh/sigmoid/softmax backwards run
the same kernels as the unbatched ones, and softmax sums a single row in the order it sums many.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.func import grad, jacrev, vmap

F = rg.nn.functional


def _data(*shape, scale=3.0, seed=0):
    return rg.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * scale)


@pytest.mark.parametrize("op", [F.softmax, F.log_softmax])
@pytest.mark.parametrize("classes", [3, 10, 24])
def test_softmax_of_a_batch_is_each_rows_softmax(op, classes):
    z = _data(16, classes)
    whole = op(z, 1).numpy()
    np.testing.assert_array_equal(whole, np.stack([op(z[i : i + 1], 1).numpy()[0] for i in range(16)]))
    np.testing.assert_array_equal(whole, np.stack([op(z[i], 0).numpy() for i in range(16)]))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_per_sample_cross_entropy_gradients_equal_the_loop(reduction):
    logits, targets = _data(16, 10), rg.tensor(np.random.default_rng(1).integers(0, 10, 16))

    def loss(z, t):
        return F.cross_entropy(z[None], t[None], reduction=reduction)

    batched = vmap(grad(loss))(logits, targets).numpy()
    looped = np.stack([grad(loss)(logits[i], targets[i]).numpy() for i in range(16)])
    np.testing.assert_array_equal(batched, looped)


@pytest.mark.parametrize("f", [rg.tanh, rg.sigmoid, lambda x: F.softmax(x, 0), lambda x: F.log_softmax(x, 0)],
                         ids=["tanh", "sigmoid", "softmax", "log_softmax"])
def test_jacrev_rows_are_the_plain_backward_passes(f):
    x = _data(12, scale=2.0)
    xp = x.clone().requires_grad_()
    out = f(xp)
    rows = rg.stack([rg.autograd.grad(out, xp, e, retain_graph=True)[0] for e in rg.eye(12)])
    np.testing.assert_array_equal(jacrev(f)(x).numpy(), rows.numpy())


def test_batched_tanh_backward_broadcasts_an_unbatched_output():
    # vmap over the cotangents only: the saved output is the same for every row
    x = _data(5, scale=1.0)
    jac = jacrev(rg.tanh)(x)
    y = rg.tanh(x).numpy().astype(np.float64)
    np.testing.assert_allclose(jac.numpy(), np.diag((1 - y * y).astype(np.float32)), rtol=1e-6)
    assert type(rg.tanh(x.requires_grad_()).grad_fn).__name__ == "TanhBackward0"
