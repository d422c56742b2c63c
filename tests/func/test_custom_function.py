"""Custom autograd.Functions under retrograd.func transforms, against torch.func with the same Functions."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 5))
IDX = RNG.integers(0, 5, (4, 3))


def functions(m):
    """The same four Functions, written for module `m` (retrograd or torch)."""

    class Cube(m.autograd.Function):  # generated vmap rule: forward/backward run under vmap
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x**3

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * g * x**2

    class Take(m.autograd.Function):  # its own vmap rule, which calls apply with the dim shifted
        @staticmethod
        def forward(x, index, dim):
            return m.gather(x, dim, index)

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, index, dim = inputs
            ctx.save_for_backward(index)
            ctx.dim = dim
            ctx.shape = x.shape

        @staticmethod
        def backward(ctx, g):
            (index,) = ctx.saved_tensors
            return m.zeros(ctx.shape, dtype=g.dtype).scatter_add(ctx.dim, index, g), None, None

        @staticmethod
        def vmap(info, in_dims, x, index, dim):
            xd, idim, _ = in_dims
            x = x.movedim(xd, 0) if xd is not None else x.unsqueeze(0).expand(info.batch_size, *x.shape)
            index = (
                index.movedim(idim, 0) if idim is not None else index.unsqueeze(0).expand(info.batch_size, *index.shape)
            )
            return Take.apply(x, index, dim + 1 if dim >= 0 else dim), 0

    class Scale(m.autograd.Function):  # two inputs, one unbatched: its gradient sums over the batch
        generate_vmap_rule = True

        @staticmethod
        def forward(x, w):
            return x * w, x.sum()

        @staticmethod
        def setup_context(ctx, inputs, outputs):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g, gs):
            x, w = ctx.saved_tensors
            return g * w + gs, g * x

    class OldStyle(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class NoRule(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

    return {"Cube": Cube, "Take": Take, "Scale": Scale, "OldStyle": OldStyle, "NoRule": NoRule}


def results(m):
    fn = functions(m)
    f = m.func
    x, idx = m.tensor(X), m.tensor(IDX)
    w = m.tensor(X[0, :])
    cube = fn["Cube"].apply
    take = fn["Take"].apply
    scale = fn["Scale"].apply
    return [
        f.vmap(cube)(x),
        f.vmap(cube, in_dims=1)(x),
        f.grad(lambda y: cube(y).sum())(x),
        f.vmap(f.grad(lambda y: cube(y).sum()))(x),
        f.grad(lambda y: f.vmap(cube)(y).sin().sum())(x),
        f.jacrev(f.vmap(cube))(x[:2]),
        f.vmap(take, in_dims=(0, 0, None))(x, idx, 0),
        f.vmap(take, in_dims=(0, None, None))(x, idx[0], -1),
        f.grad(lambda y: f.vmap(take, in_dims=(0, 0, None))(y, idx, 0).exp().sum())(x),
        f.vmap(scale, in_dims=(0, None))(x, w),
        f.grad(lambda v: f.vmap(scale, in_dims=(0, None))(x, v)[0].sum() * 2, argnums=0)(w),
        f.grad(lambda y: sum(t.sum() for t in f.vmap(scale, in_dims=(0, None))(y, w)))(x),
        f.vmap(f.vmap(cube))(x),
    ]


def test_functions_under_transforms_match_torch():
    ours, theirs = results(rg), results(torch)
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
        for p, q in zip(a, b):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=str(k))


@pytest.mark.parametrize("name", ["OldStyle", "NoRule"])
@pytest.mark.parametrize("transform", ["vmap", "grad"])
def test_refusals_match_torch(name, transform):
    outcomes = []
    for m in (rg, torch):
        cls = functions(m)[name]
        f = m.func.vmap(cls.apply) if transform == "vmap" else m.func.grad(lambda y, cls=cls: cls.apply(y).sum())
        try:
            f(m.tensor(X) if transform == "vmap" else m.tensor(X[0]))
            outcomes.append("ok")
        except RuntimeError as e:
            outcomes.append(str(e).split(" For more details")[0].split(". Please")[0])
    assert outcomes[0] == outcomes[1]


def test_vmap_staticmethod_contract_errors():
    class Bad(rg.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def vmap(info, in_dims, x):
            assert info.batch_size == 4 and info.randomness == "error" and in_dims == (0,)
            return x * 2

    with pytest.raises(RuntimeError, match="Expected the vmap staticmethod to have two returns"):
        rg.func.vmap(Bad.apply)(rg.tensor(X))

    class Both(Bad):
        generate_vmap_rule = True

    with pytest.raises(RuntimeError, match="has both generate_vmap_rule=True and an overridden vmap"):
        rg.func.vmap(Both.apply)(rg.tensor(X))


def test_plain_autograd_still_works_with_setup_context_functions():
    cube = functions(rg)["Cube"]
    x = rg.tensor(X, requires_grad=True)
    cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * X**2)
