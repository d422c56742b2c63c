"""float16 and bfloat16 results of kernels whose rounding PyTorch spells out in its own way.

PyTorch computes these dtypes in float32 (its "opmath" type) and mostly rounds once at the end;
the tests here pin the places where its kernels differ from that, and the constants they use.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg
from retrograd import dtypes as _dt

from .torch_machine import AVX2_ROUNDING, avx512_kernels

needs_storage = pytest.mark.skipif(not _dt.HAS_BFLOAT16, reason="bfloat16 tensors need ml_dtypes")
HALVES = [pytest.param("bfloat16", marks=needs_storage), "float16"]


# --- rms_norm's default eps: the float32 epsilon for the dtypes computed in float32 ------------------


@pytest.mark.parametrize("dtype", HALVES)
def test_rms_norm_default_eps_is_float32s_for_half_input(dtype):
    # mean(x²) = 0.00025 is far below bfloat16's eps (0.0078) and float16's (0.00098): with either the
    # result would shrink towards 0; with float32's (1.2e-7) it is x / rms = (1, 2) / √2.5
    x = rg.tensor([[0.01, 0.02]]).to(getattr(rg, dtype))
    out = rg.nn.functional.rms_norm(x, (2,))
    assert out.dtype is x.dtype
    expected = (np.array([1.0, 2.0]) / np.sqrt(2.5)).astype(np.float32)
    np.testing.assert_allclose(out.float().numpy()[0], expected, rtol=4e-3)
    module = rg.nn.RMSNorm(2, dtype=x.dtype)
    assert rg.equal(module(x), out)


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", HALVES + ["float32", "float64"])
def test_rms_norm_default_eps_matches_pytorch(dtype):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(3, 8)) * 0.03
    ours = rg.nn.functional.rms_norm(rg.tensor(x).to(getattr(rg, dtype)), (8,))
    theirs = torch.nn.functional.rms_norm(torch.tensor(x).to(getattr(torch, dtype)), (8,))
    assert np.array_equal(ours.double().numpy(), theirs.double().numpy())


# --- log_softmax along the last dim: the row's log Σ exp is rounded to the dtype first --------------


def _rounded(values, dtype: str):
    """float64 `values` rounded to `dtype` (by way of float32, as PyTorch converts)."""
    return rg.tensor(np.asarray(values, dtype=np.float64)).to(getattr(rg, dtype))


@pytest.mark.parametrize(("dtype", "expected"), [
    pytest.param("bfloat16", [-1.1875, -1.1875, -0.94140625], marks=needs_storage),
    # one rounding at the end would give -1.189453125, -0.93896484375
    ("float16", [-1.1884765625, -1.1884765625, -0.9384765625]),
])
def test_log_softmax_last_dim_rounds_the_row_sum_and_its_log(dtype, expected):
    x = rg.tensor([0.0, 0.0, 0.25]).to(getattr(rg, dtype))
    assert rg.log_softmax(x, 0).tolist() == expected
    assert rg.log_softmax(x.view(1, 3), -1).tolist() == [expected]  # the loss's log_softmax too
    # Σ exp(x - max) = 2e^-0.25 + 1 rounds to the dtype, then its log does, then x - max - log is rounded
    row_sum = _rounded(2 * np.exp(-0.25) + 1, dtype).double().item()
    log_sum = _rounded(np.log(row_sum), dtype).double().item()
    assert expected == _rounded(np.array([0.0, 0.0, 0.25]) - 0.25 - log_sum, dtype).tolist()


@pytest.mark.parametrize("dtype", HALVES)
def test_log_softmax_other_dims_round_once(dtype):
    x = rg.tensor([[0.0], [0.0], [0.25]]).to(getattr(rg, dtype))
    exact = np.log(np.exp([0.0, 0.0, 0.25]) / np.exp([0.0, 0.0, 0.25]).sum())
    assert rg.log_softmax(x, 0).flatten().tolist() == _rounded(exact, dtype).tolist()


# --- logsumexp: every step of PyTorch's composite kernel rounded to the dtype ----------------------


@pytest.mark.parametrize(("dtype", "values", "expected"), [
    # one rounding at the end would give -0.2109375 and 1.4306640625
    pytest.param("bfloat16", [-3.375, -3.453125, -0.75, -1.3046875], -0.21484375, marks=needs_storage),
    ("float16", [0.25, -0.25, 0.75], 1.4296875),
])
def test_logsumexp_rounds_each_step_of_its_kernel(dtype, values, expected):
    x = rg.tensor(values).to(getattr(rg, dtype))
    assert rg.logsumexp(x, 0).item() == expected
    assert x.view(1, -1).logsumexp(-1, keepdim=True).tolist() == [[expected]]
    # x - max, its exp, their sum, its log and + max: each rounded to the dtype
    top = max(values)
    exps = [_rounded(np.exp(_rounded(v - top, dtype).item()), dtype).item() for v in values]
    log_sum = _rounded(np.log(_rounded(sum(exps), dtype).item()), dtype).item()
    assert _rounded(log_sum + top, dtype).item() == expected


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", HALVES)
@pytest.mark.parametrize("shape", [(4,), (5, 64), (2, 3, 17)])
def test_logsumexp_matches_pytorch_bit_for_bit(dtype, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).normal(size=shape) * 3
    x.flat[0] = -np.inf
    for dim in [0, -1, tuple(range(len(shape)))]:
        ours = rg.logsumexp(rg.tensor(x).to(getattr(rg, dtype)), dim)
        theirs = torch.logsumexp(torch.tensor(x).to(getattr(torch, dtype)), dim)
        assert ours.double().numpy().tolist() == theirs.double().numpy().tolist()


# --- backward kernels that PyTorch fuses: computed in float32, rounded once -------------------------


def _inputs(dtype: str, n: int = 64):
    rng = np.random.default_rng(7)
    x = rg.tensor(rng.normal(size=n) * 2).to(getattr(rg, dtype)).requires_grad_()
    g = rg.tensor(rng.normal(size=n)).to(getattr(rg, dtype))
    return x, g, x.detach().double().numpy(), g.double().numpy()


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _gelu_slope(a):
    erf = np.vectorize(math.erf)
    return 0.5 * (1 + erf(a / math.sqrt(2))) + a * np.exp(-a * a / 2) / math.sqrt(2 * math.pi)


def _softmax(a):
    e = np.exp(a - a.max())
    return e / e.sum()


FUSED_BACKWARDS = {  # op, and its input gradient from float64 x, g (and the half output y)
    "silu": (rg.nn.functional.silu, lambda x, g, y: g * _sigmoid(x) * (1 + x * (1 - _sigmoid(x)))),
    "gelu": (rg.nn.functional.gelu, lambda x, g, y: g * _gelu_slope(x)),
    "softmax": (lambda t: rg.softmax(t, -1), lambda x, g, y: y * (g - (g * y).sum())),
    "log_softmax": (lambda t: rg.log_softmax(t, -1), lambda x, g, y: g - np.exp(y) * g.sum()),
    "tanh": (rg.tanh, lambda x, g, y: g * (1 - y * y)),  # float16: once NumPy computed it in float16
}


@pytest.mark.parametrize("op", list(FUSED_BACKWARDS))
@pytest.mark.parametrize("dtype", HALVES)
def test_fused_backward_rounds_once(op, dtype):
    fn, expected_grad = FUSED_BACKWARDS[op]
    x, g, xs, gs = _inputs(dtype)
    y = fn(x)
    (grad,) = rg.autograd.grad(y, x, g)
    assert grad.dtype is x.dtype
    assert grad.tolist() == _rounded(expected_grad(xs, gs, y.detach().double().numpy()), dtype).tolist()


@pytest.mark.pytorch
@pytest.mark.parametrize("op", list(FUSED_BACKWARDS))
@pytest.mark.parametrize("dtype", HALVES)
def test_fused_backward_matches_pytorch_bit_for_bit(op, dtype):
    torch = pytest.importorskip("torch")
    fn, _ = FUSED_BACKWARDS[op]
    x, g, xs, gs = _inputs(dtype)
    (ours,) = rg.autograd.grad(fn(x), x, g)
    tx = torch.tensor(xs, dtype=getattr(torch, dtype), requires_grad=True)
    theirs_fn = {"silu": torch.nn.functional.silu, "gelu": torch.nn.functional.gelu, "tanh": torch.tanh,
                 "softmax": lambda t: torch.softmax(t, -1), "log_softmax": lambda t: torch.log_softmax(t, -1)}[op]
    (theirs,) = torch.autograd.grad(theirs_fn(tx), tx, torch.tensor(gs, dtype=getattr(torch, dtype)))
    assert ours.tolist() == theirs.tolist()


@pytest.mark.pytorch
@pytest.mark.parametrize("dtype", HALVES)
@pytest.mark.parametrize("shape", [(3,), (4, 10), (8, 64), (2, 3, 33)])
def test_log_softmax_forward_matches_pytorch_bit_for_bit(dtype, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).normal(size=shape)
    for dim in range(len(shape)):
        ours = rg.log_softmax(rg.tensor(x).to(getattr(rg, dtype)), dim)
        theirs = torch.log_softmax(torch.tensor(x).to(getattr(torch, dtype)), dim)
        assert ours.double().numpy().tolist() == theirs.double().numpy().tolist()


def test_softmax_and_silu_double_backward_records_as_pytorch():
    x = rg.randn(2, 5, dtype=rg.float64, requires_grad=True)
    (g,) = rg.autograd.grad(rg.softmax(x, -1), x, rg.randn(2, 5, dtype=rg.float64), create_graph=True)
    assert type(g.grad_fn).__name__ == "SoftmaxBackwardDataBackward0"
    assert g.grad_fn.next_functions[0] == (None, 0)
    assert type(g.grad_fn.next_functions[1][0]).__name__ == "SoftmaxBackward0"
    (g,) = rg.autograd.grad(rg.nn.functional.silu(x), x, rg.ones(2, 5, dtype=rg.float64), create_graph=True)
    assert type(g.grad_fn).__name__ == "MulBackward0"  # PyTorch composes silu' from ops under create_graph
    assert rg.autograd.gradgradcheck(lambda t: rg.softmax(t, -1), (x,))
    assert rg.autograd.gradgradcheck(rg.nn.functional.silu, (x,))


def test_half_forward_takes_any_number_of_inputs():
    from retrograd.engine.primitive import Primitive

    triple = Primitive("triple", lambda xp, a, b, c: a + b + c, [None, None, None], inputs=("a", "b", "c"),
                       half_forward=lambda xp, a, b, c: (a * 0 + 7).astype(a.dtype))  # marks that it ran
    halves = [rg.ones(2, dtype=rg.bfloat16) for _ in range(3)]
    out = triple(*halves)
    assert out.dtype == rg.bfloat16 and out.tolist() == [7.0, 7.0]
    assert triple(*[h.float() for h in halves]).tolist() == [3.0, 3.0]  # other dtypes take the forward


# --- conversion of a double to float16/bfloat16: by way of float32, so it can round twice -----------

# Each value lies just past the halfway point between two 16-bit neighbours, so near that float32
# rounds it onto the halfway point and ties-to-even then picks the lower neighbour: 1.0.
DOUBLE_ROUNDED = {"float16": 1.0 + 2**-11 + 2**-40, "bfloat16": 1.0 + 2**-8 + 2**-40}

CONVERSIONS = {
    "tensor": lambda m, v, dt: m.tensor([v], dtype=dt),
    "to": lambda m, v, dt: m.tensor([v], dtype=m.float64).to(dt),
    "full": lambda m, v, dt: m.full((1,), v, dtype=dt),
    "copy_": lambda m, v, dt: m.zeros(1, dtype=dt).copy_(m.tensor([v], dtype=m.float64)),
    "where": lambda m, v, dt: m.where(m.tensor([False]), m.zeros(1, dtype=dt), v),
}


@pytest.mark.parametrize("how", list(CONVERSIONS))
@pytest.mark.parametrize("dtype", HALVES)
def test_a_double_becomes_half_by_way_of_float32(how, dtype):
    value = DOUBLE_ROUNDED[dtype]
    if dtype == "float16":
        assert np.float16(value) == 1.0009765625  # NumPy's direct cast rounds once, up
    assert CONVERSIONS[how](rg, value, getattr(rg, dtype)).tolist() == [1.0]


@pytest.mark.pytorch
@pytest.mark.parametrize("how", list(CONVERSIONS))
@pytest.mark.parametrize("dtype", HALVES)
def test_a_double_becomes_half_as_in_pytorch(how, dtype):
    torch = pytest.importorskip("torch")
    values = [DOUBLE_ROUNDED[dtype], -0.3739013652680189, 65519.99, 1e-8]
    for value in values:
        ours = CONVERSIONS[how](rg, value, getattr(rg, dtype)).tolist()
        assert ours == CONVERSIONS[how](torch, value, getattr(torch, dtype)).tolist(), value


# --- a number past a 16-bit float's range: refused by most fills, rounded to ±inf by a few -----------

# Attention and contrastive losses mask with -1e9; in float16 (AMP) PyTorch refuses that fill value
# ("value cannot be converted to type c10::Half without overflow") instead of writing -inf.
_HALF_ERR = "value cannot be converted to type c10::Half without overflow"
_MASK = [True, True]
HALF_OVERFLOWS = {
    "masked_fill": (lambda m: m.ones(2, dtype=m.float16).masked_fill(m.tensor(_MASK), -1e9), _HALF_ERR),
    "masked_fill_": (lambda m: m.ones(2, dtype=m.float16).masked_fill_(m.tensor(_MASK), -1e9), _HALF_ERR),
    "masked_fill 0-d tensor": (lambda m: m.ones(2, dtype=m.float16).masked_fill(m.tensor(_MASK), m.tensor(-1e9)),
                               _HALF_ERR),
    "masked_fill finfo.min": (lambda m: m.ones(2, dtype=m.float16).masked_fill(m.tensor(_MASK), -65504.0),
                              [-65504.0, -65504.0]),
    "masked_fill -inf": (lambda m: m.ones(2, dtype=m.float16).masked_fill(m.tensor(_MASK), -math.inf),
                         [-math.inf, -math.inf]),
    "index_fill": (lambda m: m.ones(2, dtype=m.float16).index_fill(0, m.tensor([0]), -1e9), _HALF_ERR),
    "scatter value": (lambda m: m.ones(2, dtype=m.float16).scatter(0, m.tensor([0]), -1e9), _HALF_ERR),
    "scatter float32": (lambda m: m.ones(2).scatter(0, m.tensor([0]), -1e39),
                        "value cannot be converted to type float without overflow"),
    "clamp min": (lambda m: m.ones(2, dtype=m.float16).clamp(min=-1e9), _HALF_ERR),
    "clamp_max": (lambda m: m.ones(2, dtype=m.float16).clamp_max(1e5), _HALF_ERR),
    "clamp inf": (lambda m: m.ones(2, dtype=m.float16).clamp(max=math.inf), [1.0, 1.0]),
    "fill_": (lambda m: m.ones(2, dtype=m.float16).fill_(70000), _HALF_ERR),
    "full": (lambda m: m.full((2,), -1e9, dtype=m.float16), _HALF_ERR),
    "full_like": (lambda m: m.full_like(m.ones(2, dtype=m.float16), 1e5), _HALF_ERR),
    # PyTorch's paths that round instead: one element filled, scalar_tensor, where, t[i] = v
    "fill_ one element": (lambda m: m.ones(1, dtype=m.float16).fill_(65519.0), [65504.0]),
    "full one element": (lambda m: m.full((1, 1), 1e5, dtype=m.float16).flatten(), [math.inf]),
    "new_full one element": (lambda m: m.ones(3, dtype=m.float16).new_full((1,), -1e5), [-math.inf]),
    "scalar_tensor": (lambda m: m.scalar_tensor(1e5, dtype=m.float16).reshape(1), [math.inf]),
    "where": (lambda m: m.where(m.tensor(_MASK), m.ones(2, dtype=m.float16), 1e5), [1.0, 1.0]),
    "setitem": (lambda m: _set_first(m.ones(2, dtype=m.float16), -1e9), [-math.inf, 1.0]),
}


def _set_first(t, value):
    t[0] = value
    return t


def _half_overflow_outcome(m, case):
    try:
        return HALF_OVERFLOWS[case][0](m).tolist()
    except RuntimeError as e:
        return str(e)


@pytest.mark.parametrize("case", list(HALF_OVERFLOWS))
def test_a_number_past_float16s_range_is_refused_or_rounded(case):
    assert _half_overflow_outcome(rg, case) == HALF_OVERFLOWS[case][1]


@pytest.mark.pytorch
@pytest.mark.parametrize("case", list(HALF_OVERFLOWS))
def test_a_number_past_float16s_range_vs_torch(case):
    torch = pytest.importorskip("torch")
    assert _half_overflow_outcome(torch, case) == HALF_OVERFLOWS[case][1]


_BF16_ERR = "value cannot be converted to type c10::BFloat16 without overflow"
BF16_OVERFLOWS = [
    (lambda m: m.ones(2, dtype=m.bfloat16).masked_fill(m.tensor(_MASK), -1e39), _BF16_ERR),
    (lambda m: m.ones(2, dtype=m.bfloat16).fill_(1e39), _BF16_ERR),
    (lambda m: m.full((1,), 1e39, dtype=m.bfloat16).tolist(), [math.inf]),
    (lambda m: m.scalar_tensor(-1e39, dtype=m.bfloat16).reshape(1).tolist(), [-math.inf]),
]


def _outcome(call, m):
    try:
        return call(m)
    except RuntimeError as e:
        return str(e)


@needs_storage
@pytest.mark.parametrize(("call", "expected"), BF16_OVERFLOWS)
def test_a_number_past_bfloat16s_range_is_refused_or_rounded(call, expected):
    assert _outcome(call, rg) == expected


@pytest.mark.pytorch
@pytest.mark.parametrize(("call", "expected"), BF16_OVERFLOWS)
def test_a_number_past_bfloat16s_range_vs_torch(call, expected):
    torch = pytest.importorskip("torch")
    assert _outcome(call, torch) == expected


# One query over three keys (E = 1, scale 1): the scores are the keys. PyTorch's CPU flash kernel
# rounds the exponentials exp(s - max) to bfloat16 before their product with V, then scales by
# the reciprocal of the float32 row sum: 0.2216796875, where rounding only the output gives 0.2236328125.
_ATTENTION_KEYS = [-0.69921875, -0.2001953125, -0.5]
_ATTENTION_VALUES = [1.796875, 0.10009765625, -0.8984375]


def _one_query_attention(m):
    q = m.ones(1, 1, 1, 1, dtype=m.bfloat16)
    k = m.tensor(_ATTENTION_KEYS).reshape(1, 1, 3, 1).to(m.bfloat16)
    v = m.tensor(_ATTENTION_VALUES).reshape(1, 1, 3, 1).to(m.bfloat16)
    return m.nn.functional.scaled_dot_product_attention(q, k, v, scale=1.0).item()


def test_sdpa_rounds_the_exponentials_before_the_value_product():
    assert _one_query_attention(rg) == 0.2216796875


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("kind", ["none", "causal", "bool", "float"])
def test_sdpa_half_matches_pytorch_bit_for_bit(dtype, kind):
    torch = pytest.importorskip("torch")
    if not avx512_kernels():
        pytest.skip(AVX2_ROUNDING)
    assert _one_query_attention(rg) == _one_query_attention(torch)
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s).astype(np.float32) * 2 for s in [(2, 3, 7, 8), (2, 3, 9, 8), (2, 3, 9, 8)])
    mask = {"none": None, "causal": None, "bool": rng.random((7, 9)) > 0.3,
            "float": rng.standard_normal((2, 1, 7, 9)).astype(np.float32)}[kind]  # fmt: skip
    outs = []
    for m in (rg, torch):
        half = getattr(m, dtype)
        args = [m.from_numpy(a).to(half) for a in (q, k, v)]
        kw = {"is_causal": kind == "causal"}
        if mask is not None:
            kw["attn_mask"] = m.from_numpy(mask) if mask.dtype == bool else m.from_numpy(mask).to(half)
        outs.append(m.nn.functional.scaled_dot_product_attention(*args, **kw).float().numpy())
    np.testing.assert_array_equal(outs[0], outs[1])


# Grouped-query attention in bfloat16 (two query heads share one key/value head). PyTorch's CPU flash
# kernel writes each query head's key and value gradients into the shared head's bfloat16 gradient in
# turn, rounding after each; summing the two heads' rounded gradients and rounding once (what repeating
# the heads first gives) ends in ...0.111328125 and -0.859375 at entries 3 and 2.
_GQA = {
    "q": [[[[0.03, 1.36], [1.22, -0.51]], [[-0.3, -0.53], [0.57, -0.06]]]],
    "k": [[[[0.75, -1.85], [1.57, -0.1], [0.68, -0.14]]]],
    "v": [[[[-0.38, 0.46], [0.82, -0.2], [-0.15, 0.69]]]],
    "g": [[[[-0.87, -1.51], [0.39, -0.67]], [[-1.92, -0.81], [-0.47, -1.19]]]],
}


def _gqa_grads(m):
    q, k, v = (m.tensor(_GQA[n]).to(m.bfloat16).requires_grad_() for n in "qkv")
    out = m.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    out.backward(m.tensor(_GQA["g"]).to(m.bfloat16))
    return [t.grad.float().flatten().tolist() for t in (q, k, v)]


def test_sdpa_half_gqa_gradients_accumulate_head_by_head():
    _, dk, dv = _gqa_grads(rg)
    assert dk == [-0.1806640625, -0.0341796875, 0.29296875, 0.11181640625, -0.11328125, -0.0791015625]
    assert dv == [-1.046875, -1.171875, -0.86328125, -1.6484375, -0.96484375, -1.359375]


def test_sdpa_half_gqa_second_order_runs():
    q, k, v = (rg.tensor(_GQA[n]).to(rg.bfloat16).requires_grad_() for n in "qkv")
    out = rg.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    (dk,) = rg.autograd.grad(out.sum(), k, create_graph=True)
    assert dk.shape == k.shape and dk.requires_grad
    dk.sum().backward()
    assert q.grad.shape == q.shape


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("kind", ["none", "causal", "bool", "float", "gqa"])
def test_sdpa_half_backward_matches_pytorch(dtype, kind):
    torch = pytest.importorskip("torch")
    assert _gqa_grads(rg) == _gqa_grads(torch)
    rng = np.random.default_rng(1)
    heads = 1 if kind == "gqa" else 2
    q, g = (rng.standard_normal((2, 2, 5, 8)).astype(np.float32) for _ in range(2))
    k, v = (rng.standard_normal((2, heads, 5, 8)).astype(np.float32) for _ in range(2))
    mask = {"bool": rng.random((5, 5)) > 0.3, "float": rng.standard_normal((2, 1, 5, 5)).astype(np.float32)}.get(kind)
    grads = []
    for m in (rg, torch):
        half = getattr(m, dtype)
        ts = [m.from_numpy(a).to(half).requires_grad_() for a in (q, k, v)]
        kw = {"is_causal": kind == "causal", "enable_gqa": kind == "gqa"}
        if mask is not None:
            kw["attn_mask"] = m.from_numpy(mask) if mask.dtype == bool else m.from_numpy(mask).to(half)
        m.nn.functional.scaled_dot_product_attention(*ts, **kw).backward(m.from_numpy(g).to(half))
        grads.append([t.grad.float().numpy() for t in ts])
    # bfloat16 is exact here; float16's three more bits see float32 rounding noise (exp, sums) now and then
    for ours, theirs in zip(*grads):
        if dtype == "bfloat16":
            np.testing.assert_array_equal(ours, theirs)
        else:
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=2e-3)
