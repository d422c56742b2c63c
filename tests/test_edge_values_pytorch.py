"""Edge values where a formula's shortcut gave a different number from PyTorch's: step functions'
gradients, losses over ignored targets, kinks' second derivatives, infinite-order pooling."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg, pytest.param(torch, marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]
both = pytest.mark.parametrize("m", LIBS, ids=["retrograd", "torch"])


def bits(t):
    """Values with the sign of zeros and NaN kept apart: (value, signbit) pairs."""
    a = np.asarray(t.detach().tolist(), dtype=float).ravel()
    return [("nan" if math.isnan(v) else v, bool(np.signbit(v))) for v in a]


@both
@pytest.mark.parametrize("op", ["sign", "floor", "ceil", "round", "trunc"])
def test_step_functions_pass_plus_zero_for_inf_and_nan_gradients(m, op):
    x = m.tensor([0.0, 2.0, -1.5], requires_grad=True)
    getattr(m, op)(x).backward(m.tensor([float("inf"), float("nan"), -3.0]))
    assert bits(x.grad) == [(0.0, False)] * 3


@both
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_over_ignored_targets(m, reduction):
    m.manual_seed(0)
    x = m.randn(3, 4, dtype=m.float64, requires_grad=True)
    loss = m.nn.functional.nll_loss(x, m.tensor([1, 2, 1]), ignore_index=1, reduction=reduction)
    loss.sum().backward()
    grad = bits(x.grad)
    assert grad[4 * 1 + 2] == (-1.0, True)  # the one counted target
    assert all(v == (0.0, False) for i, v in enumerate(grad) if i != 6)


@both
def test_nll_mean_when_every_target_is_ignored(m):
    x = m.ones(3, 4, dtype=m.float64, requires_grad=True)
    loss = m.nn.functional.cross_entropy(x, m.tensor([1, 1, 1]), ignore_index=1)
    loss.backward()
    assert math.isnan(loss.item()) and bits(x.grad) == [(0.0, False)] * 12


@both
@pytest.mark.parametrize("name", ["elu", "selu", "celu"])
def test_elu_family_second_derivative_at_the_kink(m, name):
    x = m.tensor([0.0, -1.0, 1.0], dtype=m.float64, requires_grad=True)
    fn = getattr(m.nn.functional, name)
    (g,) = m.autograd.grad(fn(x).sum(), x, create_graph=True)
    (gg,) = m.autograd.grad(g.sum(), x)
    assert gg[0].item() == 0.0 and gg[2].item() == 0.0 and gg[1].item() > 0


@both
def test_lp_pool_infinite_orders(m):
    x = m.tensor([[[1.0, -2.0, 0.5, 3.0, -4.0, 1.0]]], requires_grad=True)
    y = m.nn.functional.lp_pool1d(x, float("inf"), 2)
    y.sum().backward()
    assert y.tolist() == [[[2.0, 3.0, 4.0]]]
    assert x.grad.tolist() == [[[0.0, -1.0, 0.0, 1.0, -1.0, 0.0]]]
    assert m.nn.functional.lp_pool1d(x, -float("inf"), 2).tolist() == [[[1.0, 0.5, 1.0]]]


def test_dense_tensors_say_so():
    t = rg.ones(2)
    assert not (t.is_sparse or t.is_quantized or t.is_meta)


@both
def test_lgamma_of_infinities_and_huge_values(m):
    x = m.tensor([-math.inf, 1e308, math.inf, -2.0, 0.0, math.nan, 2.5], dtype=m.float64)
    out = m.lgamma(x).tolist()
    assert out[:5] == [math.inf] * 5 and math.isnan(out[5]) and out[6] == pytest.approx(math.lgamma(2.5))


@both
@pytest.mark.parametrize("shape, dim", [((0, 3), 0), ((3, 0), 1)])
def test_unique_along_an_empty_dim(m, shape, dim):
    values, inverse, counts = m.unique(m.zeros(shape), dim=dim, return_inverse=True, return_counts=True)
    assert tuple(values.shape) == shape and inverse.tolist() == [] and counts.tolist() == []


@both
@pytest.mark.parametrize("shape, dim", [((0, 3), 1), ((2, 0, 3), 0)])
def test_unique_refuses_an_empty_dim_it_does_not_reduce(m, shape, dim):
    with pytest.raises(RuntimeError, match="There are 0 sized dimensions, and they aren't selected"):
        m.unique(m.zeros(shape), dim=dim)


@both
def test_adaptive_pooling_to_an_empty_size(m):
    x = m.ones(1, 1, 4, 4, requires_grad=True)
    assert tuple(m.nn.AdaptiveAvgPool2d((0, 2))(x).shape) == (1, 1, 0, 2)
    pooled, indices = m.nn.functional.adaptive_max_pool2d(x, (2, 0), return_indices=True)
    assert tuple(pooled.shape) == (1, 1, 2, 0) and pooled.requires_grad and indices.dtype == m.int64
    assert tuple(m.nn.functional.adaptive_max_pool1d(x[0], 0).shape) == (1, 4, 0)


@both
def test_frombuffer_shares_the_bytes(m):
    data = bytearray(8)
    t = m.frombuffer(data, dtype=m.int32)
    t[0] = 5
    assert data[0] == 5 and t.tolist() == [5, 0]
    assert m.frombuffer(bytearray(16), dtype=m.float32, count=2, offset=4).tolist() == [0.0, 0.0]
    with pytest.warns(UserWarning, match="The given buffer is not writable"):
        assert m.frombuffer(b"abcd", dtype=m.uint8).tolist() == [97, 98, 99, 100]


@both
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"buffer": bytearray(0)}, r"both buffer length \(0\) and count \(-1\) must not be 0"),
        ({"buffer": bytearray(8), "offset": 8}, r"offset \(8 bytes\) must be non-negative"),
        ({"buffer": bytearray(7)}, r"must be a multiple of element size \(4\)"),
        ({"buffer": bytearray(8), "count": 3}, r"requested buffer length \(3 \* 4 bytes\)"),
        ({"buffer": [1, 2]}, "object does not implement Python buffer protocol"),
    ],
)
def test_frombuffer_errors(m, kwargs, message):
    with pytest.raises(ValueError, match=message):
        m.frombuffer(dtype=m.float32, **kwargs)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_digamma_takes_pytorchs_steps(dtype):
    x = np.concatenate([np.random.default_rng(0).uniform(-30, 30, 2000), [1.0, 2.0, 0.5, -0.5, 1e-8, 1e20]])
    ours = rg.digamma(rg.tensor(x, dtype=getattr(rg, dtype))).numpy()
    theirs = torch.digamma(torch.tensor(x, dtype=getattr(torch, dtype))).numpy()
    assert np.mean(ours == theirs) > 0.9  # the rest within a few ulps (the two libms' log)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4 if dtype == "float32" else 1e-13)


@both
def test_cholesky_of_nan_is_a_failed_minor(m):
    x = m.tensor([[math.nan, 1.0], [1.0, 1.0]])
    with pytest.raises(RuntimeError, match="the leading minor of order 1 is not positive-definite"):
        m.linalg.cholesky(x)
    assert m.linalg.cholesky_ex(x).info.item() == 1
    assert m.linalg.cholesky_ex(m.tensor([[4.0, 2.0], [2.0, math.nan]])).info.item() == 2


@both
def test_condition_number_of_a_singular_matrix_is_infinite(m):
    assert m.linalg.cond(m.ones(2, 2), "fro").item() == math.inf
    assert m.linalg.cond(m.stack([m.ones(2, 2), m.eye(2)]), 1).tolist() == [math.inf, 1.0]


@both
def test_a_grid_built_once_backpropagates_every_iteration(m):
    theta = m.tensor([[[1.0, 0.2, 0.0], [0.1, 1.0, 0.0]]], requires_grad=True)
    grid = m.nn.functional.affine_grid(theta, (1, 1, 2, 3), align_corners=False)
    for _ in range(2):  # nothing saved: PyTorch's AffineGridGenerator
        grid.sum().backward()
    assert theta.grad.tolist() == [[[0.0, 0.0, 12.0], [0.0, 0.0, 12.0]]]
    assert type(grid.grad_fn).__name__ == "AffineGridGeneratorBackward0"


@both
def test_affine_grid_base_points_round_as_pytorchs(m):
    # without align_corners PyTorch scales linspace(-1, 1, n) by `* (n - 1) / n`: two roundings, not one
    grid = m.nn.functional.affine_grid(m.eye(2, 3)[None], (1, 1, 1, 12), align_corners=False)
    xs = grid[0, 0, :, 0].tolist()
    assert xs[5] == -0.08333330601453781 and xs[6] == 0.08333330601453781  # (not ∓0.08333331346511841)


@both
def test_nearest_grid_sample_gives_the_grid_a_zero_gradient(m):
    grid = m.zeros(1, 2, 2, 2, requires_grad=True)
    out = m.nn.functional.grid_sample(m.rand(1, 1, 3, 3), grid, mode="nearest", align_corners=False)
    assert out.requires_grad
    out.sum().backward()
    assert grid.grad.abs().sum().item() == 0.0


@both
@pytest.mark.parametrize("kind", ["bool", "float"])
def test_attention_with_a_mask_and_is_causal_applies_both(m, kind):
    rng = np.random.default_rng(0)
    q, k, v = (m.tensor(rng.standard_normal((1, 2, 5, 4))) for _ in range(3))
    mask = rng.random((5, 5)) > 0.3 if kind == "bool" else rng.standard_normal((5, 5))
    causal = np.tril(np.ones((5, 5), dtype=bool))
    both_masks = mask & causal if kind == "bool" else np.where(causal, mask, -np.inf)
    out = m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.tensor(mask), is_causal=True)
    expected = m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.tensor(both_masks))
    assert np.allclose(out.numpy(), expected.numpy(), atol=1e-12, equal_nan=True)


@both
def test_multinomial_without_replacement_draws_zero_weight_categories_last(m):
    for seed in range(5):
        m.manual_seed(seed)
        drawn = m.multinomial(m.tensor([0.5, 0.5, 0.0]), 3).tolist()
        assert sorted(drawn) == [0, 1, 2] and drawn[-1] == 2
    m.manual_seed(0)
    assert m.multinomial(m.tensor([0.5, 0.5, 0.0]), 3).tolist() == [1, 0, 2]


@both
def test_assigning_complex_numbers(m):
    c = m.zeros(3, dtype=m.complex64)
    c[0] = 5j
    c[1:] = 1 + 1j
    assert c.tolist() == [5j, 1 + 1j, 1 + 1j]
    with pytest.raises(RuntimeError, match="value cannot be converted to type float without overflow"):
        m.zeros(2)[0] = 1j


@both
def test_multigammaln_below_its_domain_gives_the_formula_value(m):
    out = m.special.multigammaln(m.tensor([0.5, 0.3, 1.0]), 2).tolist()
    assert out[0] == math.inf
    assert out[1:] == pytest.approx([3.4297, 1.1447], abs=1e-4)


@both
def test_spherical_bessel_j0_at_infinity(m):
    out = m.special.spherical_bessel_j0(m.tensor([math.inf, -math.inf, 0.0])).tolist()
    assert out == [0.0, 0.0, 1.0]


@both
def test_draws_on_a_transposed_input_follow_its_layout(m):
    # PyTorch fills empty_like(input) in memory order: dropout's mask and rand_like/randn_like
    x = m.ones(3, 4).t()
    assert m.empty_like(x).stride() == (1, 4)
    m.manual_seed(0)
    mask = m.nn.functional.dropout(x, 0.5).flatten().tolist()
    assert mask[:8] == [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0]
    m.manual_seed(0)
    first = m.rand(12).tolist()
    m.manual_seed(0)
    assert m.rand_like(x).t().flatten().tolist() == first  # the same draws, in memory order


@both
def test_norms_take_float32_parameters_with_half_input(m):
    x = m.randn(2, 4).half()
    bn = m.nn.BatchNorm1d(4)
    for layer in (m.nn.LayerNorm(4), m.nn.GroupNorm(2, 4), bn, m.nn.RMSNorm(4)):
        assert layer(x).dtype == m.float16
    assert bn.running_mean.dtype == m.float32
    assert m.nn.functional.rms_norm(m.randn(2, 4), (4,), m.ones(4, dtype=m.float64)).dtype == m.float32
    with pytest.raises(RuntimeError, match="mixed dtype"):
        m.nn.LayerNorm(4).double()(m.randn(2, 4))


# grid_sample: one node as PyTorch's, and its CPU kernels' float32 arithmetic (fused multiply-adds in the
# 2-D kernel, one rounding per operation in the 3-D one, gradients added in the kernels' order)

GRID_IMAGE = [[[[2.04, -2.56, 0.42], [-0.57, -0.45, -0.22]]]]
GRID_POINTS = [[[[-0.04, -0.68], [0.47, -0.77]]]]


@both
def test_grid_sample_bilinear_float32_bits(m):
    x = m.tensor(GRID_IMAGE, requires_grad=True)
    grid = m.tensor(GRID_POINTS, requires_grad=True)
    out = m.nn.functional.grid_sample(x, grid, align_corners=False)
    assert type(out.grad_fn).__name__ == "GridSampler2DBackward0"
    out.backward(m.tensor([[[[1.0, -2.0]]]]))
    # two roundings per weighted sum (no fused multiply-add) gave -1.8728796243667603, -0.33514320850372314
    assert out.flatten().tolist() == [-1.8728797435760498, -0.33514291048049927]
    assert grid.grad.flatten().tolist() == [-5.6579999923706055, -2.2839996814727783, -6.526200294494629,
                                            0.9181996583938599]
    assert x.grad.flatten().tolist() == [0.04920005053281784, 0.3400999903678894, -1.0293000936508179, 0.0, 0.0, 0.0]


@both
def test_grid_sample_bicubic_float32_bits(m):
    x = m.tensor(GRID_IMAGE, requires_grad=True)
    grid = m.tensor(GRID_POINTS, requires_grad=True)
    out = m.nn.functional.grid_sample(x, grid, mode="bicubic", padding_mode="reflection", align_corners=True)
    assert type(out.grad_fn).__name__ == "GridSampler2DBackward0"
    out.backward(m.tensor([[[[1.0, -2.0]]]]))
    assert out.flatten().tolist() == [-2.3542044162750244, -1.3257474899291992]
    assert grid.grad.flatten().tolist() == [-1.9260255098342896, 0.8199000358581543, -9.111201286315918,
                                            -0.6434199213981628]
    assert x.grad.flatten().tolist() == [0.2208818644285202, -0.12292595952749252, -1.0932992696762085,
                                         0.00947206187993288, 0.028361013159155846, -0.04249190166592598]


@both
def test_grid_sample_trilinear_float32_bits(m):
    x = m.tensor([[[[[1.5, -0.25], [0.75, 2.0]], [[-1.0, 0.5], [0.125, -0.5]]]]])
    grid = m.tensor([[[[[0.3, -0.6, 0.1]]]]], requires_grad=True)
    out = m.nn.functional.grid_sample(x, grid, align_corners=True)
    assert type(out.grad_fn).__name__ == "GridSampler3DBackward0"
    out.sum().backward()
    assert out.flatten().tolist() == [0.2291874885559082]
    assert grid.grad.flatten().tolist() == [0.03687499836087227, 0.19953125715255737, -0.33937501907348633]


def _grid_case(mode, padding_mode, nd, layout, dtype, seed):
    rng = np.random.default_rng(seed)
    shape, points = ((2, 3, 7, 9), (2, 5, 11, 2)) if nd == 2 else ((2, 3, 4, 5, 6), (2, 3, 4, 5, 3))
    x = rng.standard_normal(shape).astype(dtype)
    grid = rng.uniform(-1.6, 1.6, points).astype(dtype) * (3 if padding_mode == "reflection" else 1)
    g = rng.standard_normal(points[:1] + shape[1:2] + points[1:-1]).astype(dtype)
    return x, grid, g


def _laid_out(m, grid, layout):
    """The grid as a tensor whose points lie contiguously, in two coordinate planes, or strided."""
    if layout == "planes":
        return m.tensor(np.ascontiguousarray(np.moveaxis(grid, -1, 1))).permute(0, 2, 3, 1)
    if layout == "strided":
        return m.tensor(np.ascontiguousarray(np.stack([grid, grid], 3)))[:, :, :, 0]
    return m.tensor(grid)


def _grid_sample_results(m, x, grid, g, layout, **kw):
    xt = m.tensor(x, requires_grad=True)
    gt = _laid_out(m, grid, layout).detach().requires_grad_()
    out = m.nn.functional.grid_sample(xt, gt, **kw)
    out.backward(m.tensor(g))
    return [out.detach().numpy(), xt.grad.numpy(), gt.grad.numpy()]


GRID_MODES = [("bilinear", 2), ("bilinear", 3), ("nearest", 2), ("nearest", 3), ("bicubic", 2)]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("mode,nd", GRID_MODES)
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("layout", ["contiguous", "planes", "strided"])
def test_grid_sample_float32_is_bit_equal_to_pytorch(mode, nd, padding_mode, align_corners, layout):
    if nd == 3 and layout != "contiguous":
        pytest.skip("the 3-D kernel reads points one by one: the layout changes nothing")
    x, grid, g = _grid_case(mode, padding_mode, nd, layout, np.float32, seed=len(mode) + nd)
    kw = dict(mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    ours = _grid_sample_results(rg, x, grid, g, layout, **kw)
    theirs = _grid_sample_results(torch, x, grid, g, layout, **kw)
    for name, a, b in zip(["output", "input grad", "grid grad"], ours, theirs):
        assert a.dtype == b.dtype and np.array_equal(a, b), (name, int((a != b).sum()))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("mode,nd", GRID_MODES)
def test_grid_sample_float64_and_double_backward_match_pytorch(mode, nd):
    # float64 keeps two roundings where PyTorch's 2-D kernel fuses (NumPy has no exact float64 fma)
    x, grid, g = _grid_case(mode, "border", nd, "contiguous", np.float64, seed=3)
    kw = dict(mode=mode, padding_mode="border", align_corners=False)
    for a, b in zip(_grid_sample_results(rg, x, grid, g, "contiguous", **kw),
                    _grid_sample_results(torch, x, grid, g, "contiguous", **kw)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
    if mode == "nearest":  # (its first gradients are constant: there is no second one to compare)
        return
    second = []
    for m in (rg, torch):  # gradients of the gradients: PyTorch's GridSampler2DBackwardBackward0
        xt, gt = m.tensor(x, requires_grad=True), m.tensor(grid, requires_grad=True)
        out = m.nn.functional.grid_sample(xt, gt, **kw)
        dx, dg = m.autograd.grad((out * m.tensor(g)).sum(), (xt, gt), create_graph=True)
        second.append([t.numpy() for t in m.autograd.grad((dx * dx).sum() + (dg * dg).sum(), (xt, gt))])
    for a, b in zip(*second):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


# tanh's and sigmoid's gradients as PyTorch's CPU kernels round them: g·(1 - y²) with 1 - y·y one
# fused multiply-add, and (g·(1 - y))·y in that order (float16: tanh's in float32, sigmoid's per step).
# Karpathy's "backprop ninja" exercise prints whether a hand-written (1 - h**2) * dh equals h's gradient
# exactly: under PyTorch it does not, and the rows after it follow from that.

ACTIVATION_BITS = [
    # op, dtype, x, g, PyTorch's x.grad (the unfused / (1 - y)·y-first products differ in the last bit)
    ("tanh", "float32", [-1.152360200881958, 0.7935083508491516, -1.5550950765609741],
     [0.2408405840396881, 1.7719635963439941, -0.2769014239311218],
     [0.07947772741317749, 0.9991793036460876, -0.04526400566101074]),
    ("tanh", "float16", [-1.1258398294448853, -1.152360200881958, -0.4338788092136383],
     [-0.7644728422164917, 0.2408405840396881, -2.2318146228790283],
     [-0.263427734375, 0.07952880859375, -1.8603515625]),
    ("sigmoid", "float32", [-1.152360200881958, -0.2505785822868347, 0.6920091509819031],
     [0.2408405840396881, 0.16642573475837708, -0.5023325681686401],
     [0.04393662139773369, 0.04096009209752083, -0.11167177557945251]),
    ("sigmoid", "float16", [-1.152360200881958, -0.4338788092136383, 0.32227492332458496],
     [0.2408405840396881, -2.2318146228790283, 1.6859242916107178],
     [0.0439453125, -0.5322265625, 0.41064453125]),
]  # fmt: skip


@both
@pytest.mark.parametrize("op, dtype, x, g, expected", ACTIVATION_BITS, ids=[f"{c[0]}-{c[1]}" for c in ACTIVATION_BITS])
def test_tanh_and_sigmoid_gradient_bits(m, op, dtype, x, g, expected):
    dt = getattr(m, dtype)
    x = m.tensor(x, dtype=dt, requires_grad=True)
    g = m.tensor(g, dtype=dt)
    getattr(m, op)(x).backward(g)
    assert x.grad.tolist() == expected
    if (op, dtype) == ("sigmoid", "float16"):
        return  # recorded, retrograd's node computes float16 in float32 (rounded once) as every primitive does
    (recorded,) = m.autograd.grad(getattr(m, op)(x), x, g, create_graph=True)  # the differentiable node
    assert recorded.tolist() == expected
