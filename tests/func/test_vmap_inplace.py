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
