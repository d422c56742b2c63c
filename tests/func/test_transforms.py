"""retrograd.func against torch.func on the same functions: values of each transform and compositions."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import func as rf

torch = pytest.importorskip("torch")
tf = torch.func

RNG = np.random.default_rng(0)
A = RNG.standard_normal((5, 4))
X = RNG.standard_normal(4)
XS = RNG.standard_normal((3, 4))


def f(m, a):
    return lambda x: (m.tensor(a) @ x).tanh().sum()


def g(m, a):
    return lambda x: (m.tensor(a) @ x).sin() * x.sum()


def close(ours, theirs, tol=1e-10):
    if isinstance(ours, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            close(o, t, tol)
        return
    if isinstance(ours, dict):
        assert set(ours) == set(theirs)
        for k in ours:
            close(ours[k], theirs[k], tol)
        return
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


T = {"rg": (rg, rf), "torch": (torch, tf)}


def both(build):
    return build(rg, rf), build(torch, tf)


@pytest.mark.parametrize(
    "name",
    ["grad", "jacrev", "jacfwd", "hessian", "vmap_grad", "grad_grad", "jacrev_jacfwd", "vmap_jacrev", "vmap_vmap"],
)
def test_transform_values(name):
    def build(m, fn):
        x, xs = m.tensor(X), m.tensor(XS)
        return {
            "grad": lambda: fn.grad(f(m, A))(x),
            "jacrev": lambda: fn.jacrev(g(m, A))(x),
            "jacfwd": lambda: fn.jacfwd(g(m, A))(x),
            "hessian": lambda: fn.hessian(f(m, A))(x),
            "vmap_grad": lambda: fn.vmap(fn.grad(f(m, A)))(xs),
            "grad_grad": lambda: fn.grad(lambda y: fn.grad(f(m, A))(y).sum())(x),
            "jacrev_jacfwd": lambda: fn.jacrev(fn.jacfwd(g(m, A)))(x),
            "vmap_jacrev": lambda: fn.vmap(fn.jacrev(g(m, A)))(xs),
            "vmap_vmap": lambda: fn.vmap(
                fn.vmap(lambda a, b: a * b.exp() + a @ b, in_dims=(0, None)), in_dims=(None, 0)
            )(xs, xs),
        }[name]()

    ours, theirs = both(build)
    close(ours, theirs)


def test_vjp_jvp_linearize_and_aux():
    def build(m, fn):
        x = m.tensor(X)
        h = g(m, A)
        out, vjp_fn = fn.vjp(h, x)
        (v,) = vjp_fn(m.ones(5, dtype=m.float64))
        p, t = fn.jvp(h, (x,), (m.ones(4, dtype=m.float64),))
        _, jvp_fn = fn.linearize(h, x)
        gr, (val, aux) = fn.grad_and_value(lambda y: (h(y).sum(), y * 2), has_aux=True)(x)
        return [out, v, p, t, jvp_fn(m.ones(4, dtype=m.float64)), gr, val, aux]

    ours, theirs = both(build)
    close(ours, theirs)


def test_argnums_and_pytrees():
    def build(m, fn):
        x, y = m.tensor(X), m.tensor(XS[0])
        d = fn.grad(lambda p, c: (p["a"] * p["b"][0]).sin().sum() * c, argnums=(0, 1))(
            {"a": x, "b": [y]}, m.tensor(2.0, dtype=m.float64)
        )
        outs = fn.vmap(lambda p: {"s": p[0] + p[1], "t": (p[0] * 2,)}, in_dims=((0, 1),), out_dims=1)(
            (m.tensor(XS), m.tensor(XS.T))
        )
        return [d, outs]

    ours, theirs = both(build)
    close(ours, theirs)


def test_vmap_in_dims_none_and_errors():
    xs = rg.tensor(XS)
    out = rf.vmap(lambda a, b: a + b, in_dims=(0, None))(xs, rg.tensor(X))
    np.testing.assert_allclose(out.numpy(), XS + X)
    with pytest.raises(ValueError, match="same size in the mapped dimension"):
        rf.vmap(lambda a, b: a + b)(rg.ones(3), rg.ones(4))
    with pytest.raises(ValueError, match="must only return Tensors"):
        rf.vmap(lambda a: 3)(rg.ones(3))
    with pytest.raises(RuntimeError, match="differently shaped Tensor"):
        rf.vmap(lambda a, m: a.masked_select(m))(xs, xs > 0)
    with pytest.raises(RuntimeError, match="dynamic shape"):
        rf.vmap(lambda a: a.nonzero())(xs)
    with pytest.raises(RuntimeError, match="item"):
        rf.vmap(lambda a: a.sum().item())(xs)
    assert rg.vmap is rf.vmap


def test_chunk_size_and_inplace():
    xs = rg.tensor(XS)
    np.testing.assert_allclose(rf.vmap(lambda a: a.exp(), chunk_size=2)(xs).numpy(), np.exp(XS))

    def bump(a):
        b = a.clone()
        b.mul_(2)
        b[0] = 1.0
        return b

    want = XS * 2
    want[:, 0] = 1.0
    np.testing.assert_allclose(rf.vmap(bump)(xs).numpy(), want)


def test_per_sample_gradients_of_an_mlp():
    def build(m, fn):
        m.manual_seed(0)
        model = m.nn.Sequential(m.nn.Linear(12, 8), m.nn.ReLU(), m.nn.Linear(8, 3)).double()
        params = {k: v.detach() for k, v in model.named_parameters()}
        xs = m.tensor(RNG_X)
        ys = m.tensor(RNG_Y)

        def loss(p, x, y):
            out = fn.functional_call(model, p, (x.unsqueeze(0),))
            return -(m.nn.functional.log_softmax(out, -1) * y).sum()

        return fn.vmap(fn.grad(loss), in_dims=(None, 0, 0))(params, xs, ys)

    ours, theirs = both(build)
    close(ours, theirs)


RNG_X = RNG.standard_normal((6, 12))
RNG_Y = np.eye(3)[RNG.integers(0, 3, 6)]


def test_ensembling_with_stack_module_state():
    models = [rg.nn.Linear(4, 2).double() for _ in range(3)]
    params, buffers = rf.stack_module_state(models)
    base = models[0]
    x = rg.tensor(X)
    out = rf.vmap(lambda p, b: rf.functional_call(base, (p, b), (x,)))(params, buffers)
    want = np.stack([m(x).detach().numpy() for m in models])
    np.testing.assert_allclose(out.detach().numpy(), want)


def test_functional_call_with_buffers_batch_norm_eval():
    bn = rg.nn.BatchNorm1d(4).double().eval()
    state = {"running_mean": rg.tensor(X), "running_var": rg.tensor(X**2 + 1)}
    xs = rg.tensor(XS)
    out = rf.functional_call(bn, state, (xs,))
    np.testing.assert_allclose(out.detach().numpy(), (XS - X) / np.sqrt(X**2 + 1 + 1e-5), rtol=1e-6)
    assert bn.running_mean.abs().sum().item() == 0  # restored
    assert rf.replace_all_batch_norm_modules_(bn).running_mean is None
