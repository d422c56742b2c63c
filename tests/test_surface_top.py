"""The top-level and Tensor names added for the API surface (issue 13), against PyTorch.

Layouts and memory formats, constants, the nn.functional ops under their top-level ATen
signatures, window functions, queries, geqrf, and the Tensor-only methods (properties, sum_to_size,
fill_diagonal_, apply_/map_/map2_, cauchy_/log_normal_/geometric_ bit for bit with PyTorch's
generator). The differentiable ops are in the op table (tests/ops/cases_surface.py).
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest

import retrograd

torch = pytest.importorskip("torch")


def rg(a, **kw):
    return retrograd.tensor(np.asarray(a), **kw)


def th(a, **kw):
    return torch.tensor(np.asarray(a), **kw)


def close(a, b, **kw):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **kw)


# --- names that are values -------------------------------------------------------------------------


def test_constants():
    assert (retrograd.e, retrograd.pi, retrograd.inf) == (math.e, math.pi, math.inf)
    assert math.isnan(retrograd.nan) and retrograd.newaxis is None
    assert retrograd.ones(2)[:, retrograd.newaxis].shape == (2, 1)


def test_layouts_and_memory_formats_print_and_pickle_like_pytorchs():
    for name in ("strided", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format"):
        value = getattr(retrograd, name)
        assert repr(value) == "retrograd." + name
        assert pickle.loads(pickle.dumps(value)) is value
    assert retrograd.legacy_contiguous_format is retrograd.contiguous_format
    assert isinstance(retrograd.strided, retrograd.layout)
    assert isinstance(retrograd.channels_last, retrograd.memory_format)
    with pytest.raises(TypeError, match="cannot create"):
        retrograd.layout()
    assert retrograd.ones(2).layout is retrograd.strided


def test_layouts_are_accepted_where_pytorch_takes_them():
    x = retrograd.empty(2, 3, layout=retrograd.strided)
    assert x.clone(memory_format=retrograd.contiguous_format).shape == (2, 3)
    assert retrograd.empty_like(x, memory_format=retrograd.preserve_format).shape == (2, 3)
    with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
        x.clone(memory_format=retrograd.channels_last)


# --- nn.functional ops at top level ----------------------------------------------------------------

RNG = np.random.default_rng(0)
INDICES = np.array([[0, 1, 4], [1, 1, 2]])
X4 = RNG.standard_normal((2, 4, 5, 5))
X3 = RNG.standard_normal((2, 4, 6))


def both(fn, *arrays, grad=True):
    """fn(module, *tensors) with retrograd and torch: values and input gradients compared."""
    ours = [rg(a, requires_grad=grad and np.asarray(a).dtype.kind == "f") for a in arrays]
    theirs = [th(a, requires_grad=grad and np.asarray(a).dtype.kind == "f") for a in arrays]
    a, b = fn(retrograd, *ours), fn(torch, *theirs)
    a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
    for x, y in zip(a, b):
        close(x, y, rtol=1e-6, atol=1e-9)
    if grad:
        a[0].sum().backward()
        b[0].sum().backward()
        for x, y in zip(ours, theirs):
            if y.grad is not None:
                close(x.grad, y.grad, rtol=1e-6, atol=1e-9)


W2 = RNG.standard_normal((3, 4, 3, 3))
W1 = RNG.standard_normal((3, 4, 2))

FUNCTIONAL = {
    "conv1d": (lambda m, x, w: m.conv1d(x, w, None, 1, 1), [X3, W1]),
    "conv2d": (lambda m, x, w: m.conv2d(x, w, None, 2, 1), [X4, W2]),
    "conv_transpose1d": (lambda m, x, w: m.conv_transpose1d(x, w.transpose(0, 1), None, 2), [X3, W1]),
    "batch_norm": (
        lambda m, x, w, b: m.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
        [X4, RNG.standard_normal(4), RNG.standard_normal(4)],
    ),
    "instance_norm": (lambda m, x: m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False), [X3]),
    "layer_norm": (lambda m, x, w: m.layer_norm(x, [6], w), [X3, RNG.standard_normal(6)]),
    "group_norm": (lambda m, x: m.group_norm(x, 2), [X3]),
    "rms_norm": (lambda m, x: m.rms_norm(x, [6]), [X3]),
    "embedding": (
        lambda m, w, i: m.embedding(w, i, 1),
        [RNG.standard_normal((5, 3)), np.array([[0, 1, 4], [1, 1, 2]])],
    ),
    "bilinear": (
        lambda m, a, b, w: m.bilinear(a, b, w),
        [RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4)), RNG.standard_normal((5, 3, 4))],
    ),
    "max_pool1d": (lambda m, x: m.max_pool1d(x, 2), [X3]),
    "max_pool1d_with_indices": (lambda m, x: m.max_pool1d_with_indices(x, 3, 2, 1), [X3]),
    "max_pool2d": (lambda m, x: m.max_pool2d(x, 2, 1), [X4]),
    "max_pool3d": (lambda m, x: m.max_pool3d(x, 2), [X4[None]]),
    "avg_pool1d": (lambda m, x: m.avg_pool1d(x, 3, 2, 1, False, False), [X3]),
    "adaptive_avg_pool1d": (lambda m, x: m.adaptive_avg_pool1d(x, 4), [X3]),
    "adaptive_max_pool1d": (lambda m, x: m.adaptive_max_pool1d(x, 4), [X3]),
    "pixel_shuffle": (lambda m, x: m.pixel_shuffle(x, 2), [X4]),
    "pixel_unshuffle": (lambda m, x: m.pixel_unshuffle(x[..., :4, :4], 2), [X4]),
    "channel_shuffle": (lambda m, x: m.channel_shuffle(x, 2), [X4]),
    "cosine_similarity": (lambda m, a, b: m.cosine_similarity(a, b), [X3, X3[::-1].copy()]),
    "pairwise_distance": (lambda m, a, b: m.pairwise_distance(a, b, 3), [X3[0], X3[1]]),
    "dropout (eval)": (lambda m, x: m.dropout(x, 0.5, False), [X3]),
    "alpha_dropout (eval)": (lambda m, x: m.alpha_dropout(x, 0.5, False), [X3]),
}


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_functional_op_at_top_level_vs_torch(name):
    fn, arrays = FUNCTIONAL[name]
    both(fn, *arrays)


LOSS_INPUTS = [RNG.standard_normal((3, 4)), RNG.uniform(0.1, 1, (3, 4))]
SIGNS = np.sign(RNG.standard_normal((3, 4)))
LOSSES = {
    "binary_cross_entropy_with_logits": (
        lambda m, x, t, r: m.binary_cross_entropy_with_logits(x, t, None, None, *r),
        LOSS_INPUTS,
    ),
    "hinge_embedding_loss": (lambda m, x, s, r: m.hinge_embedding_loss(x, s, 0.5, *r), [LOSS_INPUTS[0], SIGNS]),
    "kl_div": (lambda m, x, t, r: m.kl_div(x, t, *r), LOSS_INPUTS),
    "margin_ranking_loss": (lambda m, a, b, r: m.margin_ranking_loss(a, b, b.sign(), 0.1, *r), LOSS_INPUTS),
    "cosine_embedding_loss": (lambda m, a, b, r: m.cosine_embedding_loss(a, b, a[:, 0].sign(), 0.0, *r), LOSS_INPUTS),
    "poisson_nll_loss": (lambda m, x, t, r: m.poisson_nll_loss(x, t, True, True, 1e-8, *(r or (0,))), LOSS_INPUTS),
    "triplet_margin_loss": (
        lambda m, a, p, r: m.triplet_margin_loss(a, p, a.flip(0), 1.0, 2, 1e-6, True, *r),
        LOSS_INPUTS,
    ),
}


@pytest.mark.parametrize("reduction", [(), (0,), (1,), (2,), (7,)], ids=["default", "none", "mean", "sum", "other"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_at_top_level_takes_atens_reduction_number(name, reduction):
    fn, arrays = LOSSES[name]
    both(lambda m, *ts: fn(m, *ts, reduction), *arrays)


def test_top_level_kl_div_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        retrograd.kl_div(retrograd.zeros(2), retrograd.ones(2), 1)


@pytest.mark.parametrize("name", ["dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout"])
def test_dropouts_draw_what_pytorch_draws(name):
    for suffix in ("", "_"):
        retrograd.manual_seed(5)
        torch.manual_seed(5)
        a = getattr(retrograd, name + suffix)(rg(X3), 0.3, True)
        b = getattr(torch, name + suffix)(th(X3), 0.3, True)
        close(a, b, rtol=1e-6)


def test_dropout_refuses_a_bad_probability_like_pytorch():
    with pytest.raises(RuntimeError, match="between 0 and 1, but got 1.5"):
        retrograd.dropout(retrograd.ones(2), 1.5, True)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        retrograd.feature_dropout(retrograd.ones(3), 0.5, True)


# --- windows -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]
)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 16, 33])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_window_vs_torch(name, length, periodic, dtype):
    a = getattr(retrograd, name)(length, periodic, dtype=getattr(retrograd, dtype))
    b = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype))
    assert a.dtype.name == dtype and a.shape == tuple(b.shape)
    close(a, b, rtol=2e-6, atol=1e-7 if dtype == "float32" else 1e-15)


def test_window_defaults_and_errors():
    close(retrograd.hann_window(8), torch.hann_window(8))
    close(retrograd.hamming_window(8, False, 0.5, 0.4), torch.hamming_window(8, False, 0.5, 0.4), rtol=1e-6)
    close(retrograd.kaiser_window(9, False, 5.0), torch.kaiser_window(9, False, 5.0), rtol=2e-6)
    assert retrograd.hann_window(4, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="expects floating point dtypes"):
        retrograd.hann_window(4, dtype=retrograd.int64)


# --- queries -------------------------------------------------------------------------------------------


def test_queries_vs_torch():
    for dt in ("bool", "uint8", "int8", "int64", "float32", "complex64"):
        assert retrograd.is_signed(retrograd.zeros(1, dtype=getattr(retrograd, dt))) == torch.is_signed(
            torch.zeros(1, dtype=getattr(torch, dt))
        )
        for to in ("bool", "uint8", "int64", "float16", "float64", "complex128"):
            assert retrograd.can_cast(getattr(retrograd, dt), getattr(retrograd, to)) == torch.can_cast(
                getattr(torch, dt), getattr(torch, to)
            )
    assert retrograd.is_same_size(retrograd.zeros(2, 3), retrograd.ones(2, 3))
    assert not retrograd.zeros(2, 3).is_same_size(retrograd.ones(3, 2))
    assert retrograd.get_device(retrograd.zeros(1)) == -1
    x = retrograd.ones(2, requires_grad=True)
    assert not retrograd.detach(x * 2).requires_grad
    assert retrograd.typename(3) == torch.typename(3) == "int"
    assert retrograd.typename(retrograd.zeros(1)) == torch.typename(torch.zeros(1))
    assert retrograd.typename(np.ndarray) == torch.typename(np.ndarray)


@pytest.mark.parametrize("indices", [[4, 7, -1, 30], [[1, 5], [0, 2]], 3])
def test_unravel_index_vs_torch(indices):
    for shape in ((2, 4), (3, 2, 2), 5):
        a = retrograd.unravel_index(retrograd.tensor(indices), shape)
        b = torch.unravel_index(torch.tensor(indices), shape)
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x.numpy(), y.numpy())
            assert tuple(x.shape) == tuple(y.shape)
            assert x.dtype.name == "int64"


def test_unravel_index_errors():
    with pytest.raises(TypeError, match="integer dtype"):
        retrograd.unravel_index(retrograd.tensor([1.0]), (2, 3))
    with pytest.raises(ValueError, match="negative values"):
        retrograd.unravel_index(retrograd.tensor([1]), (2, -3))


def test_split_with_sizes_and_positive_errors():
    with pytest.raises(RuntimeError, match="to sum exactly to 6"):
        retrograd.split_with_sizes(retrograd.arange(6), [2, 3])
    with pytest.raises(RuntimeError, match="on a bool tensor is not supported"):
        retrograd.positive(retrograd.tensor([True]))


def test_geqrf_vs_torch():
    for shape in ((4, 3), (3, 5), (2, 3, 3)):
        a = RNG.standard_normal(shape)
        ours, theirs = retrograd.geqrf(rg(a)), torch.geqrf(th(a))
        close(ours.a, theirs.a, atol=1e-12)
        close(ours.tau, theirs.tau, atol=1e-12)
    # recorded as PyTorch records it: the forward runs, the backward refuses
    a, tau = retrograd.geqrf(retrograd.ones(2, 2, requires_grad=True))
    assert type(a.grad_fn).__name__ == "GeqrfBackward0" and tau.grad_fn is a.grad_fn
    with pytest.raises(NotImplementedError, match="^the derivative for 'geqrf' is not implemented.$"):
        a.sum().backward()


def test_i0_in_place_function():
    x = rg([0.5, 1.5])
    assert retrograd.i0_(x) is x
    close(x, torch.i0(th([0.5, 1.5])))


# --- Tensor-only methods ------------------------------------------------------------------------------


def test_tensor_properties_vs_torch():
    a, b = retrograd.zeros(2, 3, dtype=retrograd.float64), torch.zeros(2, 3, dtype=torch.float64)
    assert (a.itemsize, a.nbytes, a.is_cpu, a.is_meta) == (b.itemsize, b.nbytes, b.is_cpu, b.is_meta)
    assert a.const_data_ptr() == a.data_ptr()
    assert a.cfloat().dtype is retrograd.complex64 and a.cdouble().dtype is retrograd.complex128
    assert a.reshape_as(retrograd.zeros(3, 2)).shape == (3, 2)


@pytest.mark.parametrize("size", [(1, 3), (3,), (2, 1), (1, 1), ()])
def test_sum_to_size_vs_torch(size):
    a = RNG.standard_normal((2, 3))
    both(lambda m, x: x.sum_to_size(size) if size else x.sum_to_size(()), a)
    with pytest.raises(RuntimeError, match=r"is not expandable to size \{\[2, 3\]\}"):
        retrograd.ones(2, 3).sum_to_size(2)


@pytest.mark.parametrize("shape", [(3, 3), (7, 3), (3, 5), (3, 3, 3)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal_vs_torch(shape, wrap):
    a = retrograd.zeros(shape).fill_diagonal_(2.5, wrap)
    b = torch.zeros(shape).fill_diagonal_(2.5, wrap)
    close(a, b)


def test_fill_diagonal_errors():
    with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
        retrograd.zeros(3).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="equal length"):
        retrograd.zeros(2, 3, 4).fill_diagonal_(1)


def test_apply_map_map2_vs_torch():
    a, b = rg([1, 2, 3]), th([1, 2, 3])
    close(a.apply_(lambda v: v * 2.7), b.apply_(lambda v: v * 2.7))
    x, y = rg([1.0, 2.0]), th([1.0, 2.0])
    x.map_(rg([3.0, 4.0]), lambda u, v: u * v)
    y.map_(th([3.0, 4.0]), lambda u, v: u * v)
    close(x, y)
    x.map2_(rg([3.0, 4.0]), rg([5.0]), lambda s, u, v: s + u * v)
    y.map2_(th([3.0, 4.0]), th([5.0]), lambda s, u, v: s + u * v)
    close(x, y)
    with pytest.raises(RuntimeError, match="Can't call apply_"):
        retrograd.ones(2, requires_grad=True).apply_(abs)
    with pytest.raises(TypeError, match="expected torch.FloatTensor for 'other'"):
        retrograd.ones(2).map_(retrograd.ones(2, dtype=retrograd.int64), max)


def test_float_power_in_place():
    x = rg([1.0, 2.0, 3.0])
    x.float_power_(2.5)
    close(x, th([1.0, 2.0, 3.0]).float_power_(2.5))
    with pytest.raises(RuntimeError, match="has dtype Float but the operation's result requires dtype Double"):
        retrograd.ones(2).float_power_(2)


def test_polygamma_methods():
    x = rg([0.7, 2.5])
    close(x.polygamma(2), th([0.7, 2.5]).polygamma(2))
    close(x.clone().polygamma_(1), th([0.7, 2.5]).polygamma_(1))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("n", [1, 7, 40])
def test_random_fills_match_pytorch_bit_for_bit(dtype, n):
    for method, args in (("cauchy_", (0.5, 2.0)), ("log_normal_", (1.0, 0.5)), ("geometric_", (0.3,))):
        retrograd.manual_seed(11)
        torch.manual_seed(11)
        a = getattr(retrograd.empty(n, dtype=getattr(retrograd, dtype)), method)(*args)
        b = getattr(torch.empty(n, dtype=getattr(torch, dtype)), method)(*args)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(retrograd.rand(3).numpy(), torch.rand(3).numpy())  # same stream after


def test_random_fill_defaults_generator_and_errors():
    g, tg = retrograd.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    np.testing.assert_array_equal(
        retrograd.empty(5, dtype=retrograd.int64).geometric_(0.2, generator=g).numpy(),
        torch.empty(5, dtype=torch.int64).geometric_(0.2, generator=tg).numpy(),
    )
    retrograd.manual_seed(1)
    torch.manual_seed(1)
    close(retrograd.empty(4).log_normal_(), torch.empty(4).log_normal_())
    with pytest.raises(RuntimeError, match="sigma > 0.0"):
        retrograd.empty(2).cauchy_(0, 0)
    with pytest.raises(RuntimeError, match=r"p to be in \(0, 1\)"):
        retrograd.empty(2).geometric_(1.5)
    with pytest.raises(RuntimeError, match="std > 0.0"):
        retrograd.empty(2).log_normal_(0, -1)
