"""In-place ops inside vmap: in-place view ops change the batched tensor, writes need grad-aware checks.

Compared with torch.func on the same inputs where PyTorch is installed; the expected values are
also spelled out so the tests run without it.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expected values below still hold
    torch = None

LIBS = [rg] + ([torch] if torch is not None else [])


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "method, args, logical, physical",
    [
        ("unsqueeze_", (0,), (1, 3), (4, 1, 3)),
        ("unsqueeze_", (-1,), (3, 1), (4, 3, 1)),
        ("t_", (), (3,), (4, 3)),
    ],
)
def test_view_op_in_place_reshapes_the_vmapped_input(lib, method, args, logical, physical):
    x = lib.arange(12.0, dtype=lib.float64).reshape(4, 3)
    seen = []

    def f(row):
        out = getattr(row, method)(*args)
        seen.append(tuple(out.shape))
        return out

    out = lib.func.vmap(f)(x)
    assert seen == [logical]
    assert tuple(out.shape) == physical and tuple(x.shape) == physical  # as PyTorch: the input itself changed
    assert out.reshape(-1).tolist() == list(range(12))


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
def test_transpose_in_place_then_reduce(lib):
    x = lib.arange(24.0, dtype=lib.float64).reshape(4, 3, 2)

    def f(m):
        m.t_()
        return m.sum(0)

    out = lib.func.vmap(f)(x)
    assert out[0].tolist() == [1.0, 5.0, 9.0]
    assert tuple(x.shape) == (4, 2, 3)


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "fn, shape",
    [
        (lambda r: r.squeeze_(0), (2, 3)),
        (lambda r: r.transpose_(0, 1), (2, 3, 1)),
        (lambda r: r.swapdims_(0, 1), (2, 3, 1)),
        (lambda r: r.swapaxes_(1, 0), (2, 3, 1)),
        (lambda r: r.unsqueeze_(-1), (2, 1, 3, 1)),
    ],
)
def test_more_view_ops_in_place(lib, fn, shape):
    x = lib.arange(6.0, dtype=lib.float64).reshape(2, 1, 3)
    out = lib.func.vmap(fn)(x)
    assert tuple(out.shape) == shape and tuple(x.shape) == shape


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
def test_nested_vmap_view_op_in_place(lib):
    x = lib.arange(24.0, dtype=lib.float64).reshape(2, 3, 4)
    out = lib.func.vmap(lib.func.vmap(lambda r: r.unsqueeze_(0)))(x)
    assert tuple(out.shape) == (2, 3, 1, 4) and tuple(x.shape) == (2, 3, 1, 4)


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("reshape", [lambda y: y.unsqueeze_(1), lambda y: y.mul_(1.0)])
def test_in_place_on_an_intermediate_that_requires_grad(lib, reshape):
    # A non-leaf written in place under vmap, by grad and by backward through vmap.
    w = lib.arange(6.0, dtype=lib.float64).reshape(2, 3).requires_grad_()
    c = lib.arange(1.0, 4.0, dtype=lib.float64)

    def f(r):
        y = r * 2
        reshape(y)
        y.mul_(3)
        return (y.reshape(3) * c).sum()

    assert lib.func.vmap(lib.func.grad(f))(w).tolist() == [[6.0, 12.0, 18.0]] * 2
    lib.func.vmap(f)(w).sum().backward()
    assert w.grad.tolist() == [[6.0, 12.0, 18.0]] * 2


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
def test_in_place_on_a_batched_leaf_that_requires_grad_is_refused(lib):
    w = lib.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        lib.func.vmap(lambda r: r.mul_(2))(w)


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_per_sample_grads_of_a_model_with_an_in_place_relu_match_torch():
    grads = []
    for lib in (rg, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(inplace=True), lib.nn.Linear(8, 2))
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y, lib=lib, model=model):
            out = lib.func.functional_call(model, p, (x.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, y.unsqueeze(0))

        x, y = lib.randn(5, 4), lib.tensor([0, 1, 1, 0, 1])
        g = lib.func.vmap(lib.func.grad(loss), in_dims=(None, 0, 0))(params, x, y)
        grads.append({k: v.detach().numpy() for k, v in g.items()})
    for k in grads[0]:
        assert grads[0][k] == pytest.approx(grads[1][k], rel=1e-5, abs=1e-6)


# `t[i] = v` with an index batched by the vmap: each example writes at its own positions.
def _zero_at(t, i):
    t = t.clone()
    t[i] = 0.0
    return t


def _write_row(t, i, row):
    t = t.clone().reshape(2, 2)
    t[:, i] = row
    return t


def test_setitem_at_a_batched_index():
    x = rg.arange(12.0, dtype=rg.float64).reshape(3, 4)
    out = rg.func.vmap(_zero_at)(x, rg.tensor([0, 1, 2]))
    assert out.tolist() == [[0.0, 1.0, 2.0, 3.0], [4.0, 0.0, 6.0, 7.0], [8.0, 9.0, 0.0, 11.0]]
    out = rg.func.vmap(_zero_at)(x, rg.tensor([[0, 1], [1, 2], [3, 3]]))
    assert out.tolist() == [[0.0, 0.0, 2.0, 3.0], [4.0, 0.0, 0.0, 7.0], [8.0, 9.0, 10.0, 0.0]]
    # a slice before the index, a batched value: t[:, i] = row
    row = rg.tensor([[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]], dtype=rg.float64)
    out = rg.func.vmap(_write_row)(x, rg.tensor([0, 1, 1]), row)
    assert out.tolist() == [[[-1.0, 1.0], [-2.0, 3.0]], [[4.0, -3.0], [6.0, -4.0]], [[8.0, -5.0], [10.0, -6.0]]]


def test_setitem_at_a_batched_index_is_differentiable():
    def loss(v, t, i):
        t = t.clone()
        t[i] = v
        return t.pow(2).sum()

    x = rg.arange(12.0, dtype=rg.float64).reshape(3, 4)
    index = rg.tensor([[0, 1], [1, 2], [3, 3]])
    per_sample = rg.func.vmap(rg.func.grad(loss, argnums=(0, 1)), in_dims=(None, 0, 0))
    grads = per_sample(rg.tensor(3.0, dtype=rg.float64), x, index)
    assert grads[0].tolist() == [12.0, 12.0, 12.0]  # 2 v for each of the two places v is written to
    assert grads[1].tolist() == [[0.0, 0.0, 4.0, 6.0], [8.0, 0.0, 0.0, 14.0], [16.0, 18.0, 20.0, 0.0]]


def test_setitem_at_a_batched_index_into_an_unbatched_tensor_is_refused():
    def one_hot(y):
        out = rg.zeros(4, dtype=rg.float64)
        out[y] = 1.0
        return out

    with pytest.raises(RuntimeError, match=r"vmap: index_put_\(self, \*extra_args\) is not possible"):
        rg.func.vmap(one_hot)(rg.tensor([0, 1, 2]))


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_setitem_at_a_batched_index_vs_torch():
    data = [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]
    rows = [[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]]
    for lib in (rg, torch):
        x = lib.tensor(data, dtype=lib.float64)
        got = [
            lib.func.vmap(_zero_at)(x, lib.tensor([0, 1, 2])),
            lib.func.vmap(_zero_at)(x, lib.tensor([[0, 1], [1, 2], [3, 3]])),
            lib.func.vmap(_write_row)(x, lib.tensor([0, 1, 1]), lib.tensor(rows, dtype=lib.float64)),
            lib.func.vmap(_write_row, in_dims=(0, 0, None))(
                x, lib.tensor([1, 0, 1]), lib.tensor([7.0, 8.0], dtype=lib.float64)
            ),
        ]
        if lib is rg:
            ours = [t.tolist() for t in got]
    assert ours == [t.tolist() for t in got]
