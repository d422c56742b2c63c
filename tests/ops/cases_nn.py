"""Op table: torch.nn.functional's layers, norms, attention and losses (named "F.<name>").

Random ops (dropout) reseed retrograd's generator inside the case, so every
call draws the same mask and gradcheck sees a deterministic function; they are
compared with PyTorch only where no randomness is involved (eval mode, p = 0).
Integer arrays (class indices, ±1 targets) are not differentiated; targets that
PyTorch cannot differentiate are passed as integers and cast inside the case.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .harness import OpCase, inputs_of, positive, rand

no_grad = dict(grad=False, gradgrad=False)


def F(m):
    return m.nn.functional


def ints(low: int, high: int, *shape: int):
    return lambda rng: rng.integers(low, high, shape)


def fixed(values):
    return lambda rng: np.array(values)


def probs(*shape: int, axis: int = -1):
    def make(rng):
        p = rng.uniform(0.1, 1.0, shape)
        return p / p.sum(axis=axis, keepdims=True)
    return make


def seeded(call):
    """Reseed before each call: the same dropout mask every time."""
    def fn(m, *args):
        m.manual_seed(0)
        return call(m, *args)
    return fn


def with_grad(call):
    """`call(m, idx, w)` and its gradient in `w`: for rules that are not the derivative (padding_idx)."""
    def fn(m, idx, w):
        w = w.detach().requires_grad_(True)
        y = call(m, idx, w)
        (g,) = m.autograd.grad((y * m.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum(), w)
        return y.detach(), g
    return fn


def values_and_grads(call):
    """`call(m, *args)` and its gradients in the float args: for kinks where PyTorch's rule is not the derivative."""
    def fn(m, *args):
        args = [a.detach().requires_grad_(True) if a.is_floating_point() else a for a in args]
        y = call(m, *args)
        wanted = [a for a in args if a.is_floating_point()]
        grads = m.autograd.grad((y * m.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum(), wanted)
        return (y.detach(), *grads)
    return fn


CLASS_WEIGHT = [0.5, 1.5, 1.0, 2.0]


def const(m, values, like):
    """A constant tensor (not an input of the case) in `like`'s dtype."""
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=like.dtype)


def case(name, call, *makers, ref=None, variant="", **kw) -> OpCase:
    return OpCase("F." + name, call, inputs_of(*makers), ref, variant=variant, **kw)


# --- NumPy references ------------------------------------------------------------------------

def linear_ref(x, w, b=None):
    out = x @ w.T
    return out if b is None else out + b


def layer_norm_ref(x, k, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    out = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    out = out if w is None else out * w
    return out if b is None else out + b


def log_softmax(x, axis):
    s = x - x.max(axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis, keepdims=True))


def ce_ref(x, t):
    return -log_softmax(x, 1)[np.arange(len(t)), t].mean()


def sdpa_ref(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    p = np.exp(s - s.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)) @ v


X, W, B = rand(4, 3), rand(5, 3), rand(5)
LAYERS = [
    case("linear", lambda m, x, w, b: F(m).linear(x, w, b), X, W, B, ref=linear_ref),
    case("linear", lambda m, x, w: F(m).linear(x, w), X, W, ref=linear_ref, variant="no_bias"),
    case("linear", lambda m, x, w, b: F(m).linear(x, w, b), rand(2, 3, 3), W, B, ref=linear_ref, variant="3d"),
    case("linear", lambda m, x, w: F(m).linear(x, w), rand(2, 3, 3), W, ref=linear_ref, variant="3d_no_bias"),
    case("linear", lambda m, x, w, b: F(m).linear(x, w, b), rand(3), W, B, ref=linear_ref, variant="1d"),
    case("linear", lambda m, x, w, b: F(m).linear(x, w, b), rand(0, 3), W, B, ref=linear_ref, variant="empty"),
    case("bilinear", lambda m, a, b, w, c: F(m).bilinear(a, b, w, c), rand(3, 2), rand(3, 4), rand(5, 2, 4), rand(5),
         ref=lambda a, b, w, c: np.einsum("ni,kij,nj->nk", a, w, b) + c),
    case("bilinear", lambda m, a, b, w: F(m).bilinear(a, b, w), rand(2, 3, 2), rand(2, 3, 4), rand(5, 2, 4),
         ref=lambda a, b, w: np.einsum("...i,kij,...j->...k", a, w, b), variant="3d_no_bias"),
    case("dropout", seeded(lambda m, x: F(m).dropout(x, 0.4)), rand(5, 6), variant="train", vs_torch=False),
    case("dropout", seeded(lambda m, x: F(m).dropout(x * 1, 0.4, inplace=True)), rand(5, 6), variant="inplace",
         vs_torch=False),
    case("dropout", lambda m, x: F(m).dropout(x, 0.4, training=False), rand(5, 6), ref=lambda x: x, variant="eval"),
    case("dropout", lambda m, x: F(m).dropout(x, 1.0), rand(5, 6), ref=lambda x: x * 0, variant="p1"),
    case("dropout1d", seeded(lambda m, x: F(m).dropout1d(x, 0.5)), rand(3, 4, 5), vs_torch=False),
    case("dropout1d", seeded(lambda m, x: F(m).dropout1d(x, 0.5)), rand(4, 5), variant="unbatched", vs_torch=False),
    case("dropout2d", seeded(lambda m, x: F(m).dropout2d(x, 0.5)), rand(2, 4, 3, 2), vs_torch=False),
    case("dropout2d", lambda m, x: F(m).dropout2d(x, 0.5, False), rand(2, 4, 3, 2), ref=lambda x: x, variant="eval"),
    case("dropout3d", seeded(lambda m, x: F(m).dropout3d(x, 0.5)), rand(2, 3, 2, 2, 2), vs_torch=False),
    case("alpha_dropout", seeded(lambda m, x: F(m).alpha_dropout(x, 0.3, True)), rand(4, 5), vs_torch=False),
    case("alpha_dropout", lambda m, x: F(m).alpha_dropout(x, 0.3), rand(4, 5), ref=lambda x: x, variant="eval"),
    case("feature_alpha_dropout", seeded(lambda m, x: F(m).feature_alpha_dropout(x, 0.3, True)), rand(3, 4, 2),
         vs_torch=False),
    case("embedding", lambda m, i, w: F(m).embedding(i, w), ints(0, 6, 2, 3), rand(6, 4),
         ref=lambda i, w: w[i]),
    # the padding row gets no gradient and scale_grad_by_freq rescales it: compared with PyTorch only
    case("embedding", with_grad(lambda m, i, w: F(m).embedding(i, w, padding_idx=1)), fixed([[0, 1, 2], [1, 5, 0]]),
         rand(6, 4), variant="padding_idx", **no_grad),
    case("embedding", with_grad(lambda m, i, w: F(m).embedding(i, w, padding_idx=-1, scale_grad_by_freq=True)),
         fixed([0, 5, 2, 0, 0]), rand(6, 4), variant="scale_grad_by_freq", **no_grad),
    case("one_hot", lambda m, i: F(m).one_hot(i), ints(0, 5, 2, 3), ref=lambda i: np.eye(i.max() + 1)[i], **no_grad),
    case("one_hot", lambda m, i: F(m).one_hot(i, 7), ints(0, 5, 4), ref=lambda i: np.eye(7)[i],
         variant="num_classes", **no_grad),
    case("normalize", lambda m, x: F(m).normalize(x), rand(3, 4),
         ref=lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)),
    case("normalize", lambda m, x: F(m).normalize(x, p=1.0, dim=0), rand(3, 4),
         ref=lambda x: x / np.abs(x).sum(0, keepdims=True), variant="p1_dim0"),
    case("cosine_similarity", lambda m, a, b: F(m).cosine_similarity(a, b), rand(3, 4), rand(3, 4),
         ref=lambda a, b: (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)),
    case("cosine_similarity", lambda m, a, b: F(m).cosine_similarity(a, b, dim=-1), rand(2, 3, 4), rand(3, 4),
         variant="broadcast"),
    # below eps the norm is clamped but PyTorch keeps the unclamped norm's gradient: compared with PyTorch only
    case("cosine_similarity", values_and_grads(lambda m, a, b: F(m).cosine_similarity(a, b, 0, 0.5)),
         rand(3, 2, low=-0.1, high=0.1), rand(3, 2), variant="eps", **no_grad),
    case("pairwise_distance", lambda m, a, b: F(m).pairwise_distance(a, b), rand(3, 4), rand(3, 4),
         ref=lambda a, b: np.linalg.norm(a - b + 1e-6, axis=-1)),
    case("pairwise_distance", lambda m, a, b: F(m).pairwise_distance(a, b, 1.0, keepdim=True), rand(3, 4),
         rand(3, 4), variant="p1_keepdim"),
    case("pairwise_distance", lambda m, a, b: F(m).pairwise_distance(a, b, 3.0), rand(2, 3, 4), rand(4),
         variant="p3_broadcast"),
    case("pixel_shuffle", lambda m, x: F(m).pixel_shuffle(x, 2), rand(2, 8, 2, 3)),
    case("pixel_shuffle", lambda m, x: F(m).pixel_shuffle(x, 3), rand(9, 1, 2), variant="unbatched"),
    case("pixel_unshuffle", lambda m, x: F(m).pixel_unshuffle(x, 2), rand(1, 2, 4, 6)),
]

Q, K, V = rand(2, 2, 3, 4), rand(2, 2, 5, 4), rand(2, 2, 5, 3)


def bool_mask(rng):
    m = rng.random((3, 5)) > 0.4
    m[:, 0] = True
    return m


def blocked_mask(rng):
    m = bool_mask(rng)
    m[1] = False  # a query with no key to attend: zeros, not NaN
    return m


ATTENTION = [
    case("scaled_dot_product_attention", lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v), Q, K, V,
         ref=sdpa_ref),
    case("scaled_dot_product_attention", lambda m, q, k, v, a: F(m).scaled_dot_product_attention(q, k, v, a),
         Q, K, V, bool_mask, variant="bool_mask"),
    case("scaled_dot_product_attention", lambda m, q, k, v, a: F(m).scaled_dot_product_attention(q, k, v, a),
         Q, K, V, blocked_mask, variant="blocked_row"),
    case("scaled_dot_product_attention", lambda m, q, k, v, a: F(m).scaled_dot_product_attention(q, k, v, a),
         Q, K, V, rand(2, 1, 3, 5), variant="float_mask"),
    case("scaled_dot_product_attention",
         lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3), Q, K, V,
         variant="causal_scale"),
    case("scaled_dot_product_attention", lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v),
         rand(3, 4), rand(5, 4), rand(5, 2), ref=sdpa_ref, variant="2d"),
    case("scaled_dot_product_attention",
         lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v, enable_gqa=True),
         rand(1, 4, 3, 2), rand(1, 2, 3, 2), rand(1, 2, 3, 2), variant="gqa"),
    case("scaled_dot_product_attention",
         seeded(lambda m, q, k, v: F(m).scaled_dot_product_attention(q, k, v, dropout_p=0.3)), Q, K, V,
         variant="dropout", vs_torch=False),
]


def bn_train(m, x, w, b):
    rm, rv = m.zeros(3, dtype=x.dtype), m.ones(3, dtype=x.dtype)
    return F(m).batch_norm(x, rm, rv, w, b, True, 0.2)


def bn_running_stats(m, x):
    rm, rv = const(m, [0.1, 0.2, 0.3], x), const(m, [1.0, 2.0, 0.5], x)
    F(m).batch_norm(x, rm, rv, None, None, True, 0.2)
    return rm, rv


def bn_eval(m, x, w, b):
    return F(m).batch_norm(x, const(m, [0.1, -0.2, 0.3], x), const(m, [1.0, 2.0, 0.5], x), w, b, False, eps=0.1)


NORMS = [
    case("layer_norm", lambda m, x, w, b: F(m).layer_norm(x, (4,), w, b), rand(3, 4), rand(4), rand(4),
         ref=lambda x, w, b: layer_norm_ref(x, 1, w, b)),
    case("layer_norm", lambda m, x: F(m).layer_norm(x, (2, 3), eps=0.1), rand(2, 2, 3),
         ref=lambda x: layer_norm_ref(x, 2, eps=0.1), variant="2dims_no_affine"),
    case("layer_norm", lambda m, x, w: F(m).layer_norm(x, [3], w), rand(2, 2, 3), rand(3),
         ref=lambda x, w: layer_norm_ref(x, 1, w), variant="weight_only"),
    case("layer_norm", lambda m, x, b: F(m).layer_norm(x, [3], None, b), rand(2, 3), rand(3),
         ref=lambda x, b: layer_norm_ref(x, 1, None, b), variant="bias_only"),
    case("batch_norm", bn_train, rand(4, 3, 2), rand(3), rand(3), variant="train"),
    case("batch_norm", lambda m, x, w, b: F(m).batch_norm(x, None, None, w, b, True), rand(4, 3, 2, 2), rand(3),
         rand(3), variant="train_4d_no_stats"),
    case("batch_norm", lambda m, x: F(m).batch_norm(x, None, None, training=True), rand(5, 3),
         ref=lambda x: (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), variant="train_2d_no_affine"),
    case("batch_norm", bn_running_stats, rand(4, 3, 2), variant="running_stats", **no_grad),
    case("batch_norm", bn_eval, rand(4, 3, 2), rand(3), rand(3), variant="eval"),
    case("group_norm", lambda m, x, w, b: F(m).group_norm(x, 2, w, b), rand(2, 4, 3), rand(4), rand(4)),
    case("group_norm", lambda m, x: F(m).group_norm(x, 3, eps=0.01), rand(2, 6, 2, 2), variant="4d_no_affine"),
    case("group_norm", lambda m, x, w, b: F(m).group_norm(x, 1, w, b), rand(3, 2), rand(2), rand(2), variant="2d"),
    case("rms_norm", lambda m, x, w: F(m).rms_norm(x, (4,), w), rand(3, 4), rand(4),
         ref=lambda x, w: x / np.sqrt((x * x).mean(-1, keepdims=True) + np.finfo(float).eps) * w),
    case("rms_norm", lambda m, x: F(m).rms_norm(x, (2, 3), eps=0.1), rand(2, 2, 3), variant="2dims_eps"),
    case("instance_norm", lambda m, x, w, b: F(m).instance_norm(x, weight=w, bias=b), rand(2, 3, 4), rand(3), rand(3)),
    case("instance_norm", lambda m, x: F(m).instance_norm(x), rand(2, 2, 2, 3), variant="4d"),
]


def ce_weighted(m, x, t, reduction="mean", **kw):
    return F(m).cross_entropy(x, t, const(m, CLASS_WEIGHT, x), reduction=reduction, **kw)


def targets_with_ignored(rng):
    t = rng.integers(0, 4, 5)
    t[2] = -100
    return t


def nll_input(rng):
    return log_softmax(rng.uniform(-1, 1, (5, 4)), 1)


CE_X, CE_T = rand(5, 4), ints(0, 4, 5)
CLASS_LOSSES = [
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t), CE_X, CE_T, ref=ce_ref),
    *[case("cross_entropy", lambda m, x, t, r=r: ce_weighted(m, x, t, r), CE_X, targets_with_ignored,
           variant=f"weight_ignore_{r}") for r in ("mean", "sum", "none")],
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t, ignore_index=1), CE_X, CE_T,
         variant="ignore_index"),
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t, reduction="none"), rand(2, 4, 3, 2),
         ints(0, 4, 2, 3, 2), variant="nd_none"),
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t), rand(2, 4, 3), ints(0, 4, 2, 3), variant="3d"),
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t), rand(4), fixed(2), variant="unbatched"),
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t), rand(3, 5, low=-500, high=500),
         ints(0, 5, 3), variant="large_logits", gradgrad=False),
    *[case("cross_entropy", lambda m, x, t, r=r: ce_weighted(m, x, t, r, label_smoothing=0.2), CE_X,
           targets_with_ignored, variant=f"label_smoothing_{r}") for r in ("mean", "sum", "none")],
    case("cross_entropy", lambda m, x, t: F(m).cross_entropy(x, t, label_smoothing=0.1), rand(2, 4, 3),
         ints(0, 4, 2, 3), variant="label_smoothing_3d"),
    *[case("cross_entropy", lambda m, x, p, r=r: F(m).cross_entropy(x, p, reduction=r), CE_X,
           probs(5, 4), variant=f"probs_{r}") for r in ("mean", "sum", "none")],
    case("cross_entropy", lambda m, x, p: F(m).cross_entropy(x, p, const(m, CLASS_WEIGHT, x), label_smoothing=0.3),
         rand(2, 4, 3), probs(2, 4, 3, axis=1), variant="probs_weight_smoothing"),
    case("nll_loss", lambda m, x, t: F(m).nll_loss(x, t), nll_input, CE_T,
         ref=lambda x, t: -x[np.arange(len(t)), t].mean()),
    *[case("nll_loss", lambda m, x, t, r=r: F(m).nll_loss(x, t, const(m, CLASS_WEIGHT, x), reduction=r), nll_input,
           targets_with_ignored, variant=f"weight_ignore_{r}") for r in ("mean", "sum", "none")],
    case("nll_loss", lambda m, x, t: F(m).nll_loss(x, t), rand(2, 4, 3, 2), ints(0, 4, 2, 3, 2), variant="4d"),
    case("nll_loss", lambda m, x, t: F(m).nll_loss(x, t, reduction="none"), rand(2, 4, 3), ints(0, 4, 2, 3),
         variant="3d_none"),
    *[case("cross_entropy", lambda m, x, t, r=r: ce_weighted(m, x, t, r), rand(2, 4, 2, 1, 2),
           ints(0, 4, 2, 2, 1, 2), variant=f"5d_weight_{r}") for r in ("mean", "none")],
    case("nll_loss", lambda m, x, t: F(m).nll_loss(x, t, reduction="none"), rand(4), fixed(3), variant="unbatched"),
]


def without_warnings(fn, *args):
    """`fn(*args)` with its warnings (a broadcast target's size warning) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def pm_one(*shape):
    return lambda rng: rng.choice([-1, 1], shape)


def as_float(t, like):
    return t.to(like.dtype)


REDUCTIONS = ("mean", "sum", "none")
ELEMENT_WEIGHT = np.linspace(0.2, 2.0, 12).reshape(3, 4)
PAIR = (rand(3, 4), rand(3, 4))
PROB = rand(3, 4, low=0.05, high=0.95)
POINTWISE_LOSSES = [
    *[case(n, lambda m, a, b, n=n, r=r: getattr(F(m), n)(a, b, reduction=r), *PAIR, variant=r)
      for n in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss") for r in REDUCTIONS],
    case("mse_loss", lambda m, a, b: F(m).mse_loss(a, b, weight=const(m, ELEMENT_WEIGHT, a)), *PAIR,
         variant="weight"),
    case("l1_loss", lambda m, a, b: F(m).l1_loss(a, b, weight=const(m, ELEMENT_WEIGHT, a), reduction="sum"), *PAIR,
         variant="weight_sum"),
    case("huber_loss", lambda m, a, b: F(m).huber_loss(a, b, delta=0.4, weight=const(m, ELEMENT_WEIGHT, a)), *PAIR,
         variant="delta_weight"),
    case("smooth_l1_loss", lambda m, a, b: F(m).smooth_l1_loss(a, b, beta=0.3), *PAIR, variant="beta"),
    case("smooth_l1_loss", lambda m, a, b: F(m).smooth_l1_loss(a, b, beta=0.0), *PAIR, variant="beta0"),
    *[case("binary_cross_entropy", lambda m, x, t, r=r: F(m).binary_cross_entropy(x, t, const(m, CLASS_WEIGHT, x),
                                                                                  reduction=r),
           PROB, rand(3, 4, low=0, high=1), variant=r) for r in REDUCTIONS],
    case("binary_cross_entropy", lambda m, x, t: F(m).binary_cross_entropy(x, t), PROB, rand(3, 4, low=0, high=1),
         ref=lambda x, t: -(t * np.log(x) + (1 - t) * np.log(1 - x)).mean(), variant="no_weight"),
    case("binary_cross_entropy", lambda m, x, t: F(m).binary_cross_entropy(x, t.detach(), reduction="none"),
         fixed([0.0, 1.0, 0.5, 1e-50]), fixed([0.0, 1.0, 1.0, 1.0]), variant="clamped_logs", **no_grad),
    *[case("binary_cross_entropy_with_logits",
           lambda m, x, t, r=r: F(m).binary_cross_entropy_with_logits(
               x, t, const(m, CLASS_WEIGHT, x), reduction=r, pos_weight=const(m, [2.0, 0.5, 1.0, 3.0], x)),
           rand(3, 4, low=-3, high=3), rand(3, 4, low=0, high=1), variant=r)
      for r in REDUCTIONS],
    case("binary_cross_entropy_with_logits", lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t),
         rand(6, low=-800, high=800), rand(6, low=0, high=1), variant="large_logits"),
    *[case("kl_div", lambda m, x, t, r=r: F(m).kl_div(x, t, reduction=r),
           lambda rng: np.log(probs(3, 4)(rng)), probs(3, 4), variant=r) for r in ("batchmean", "sum", "none")],
    case("kl_div", lambda m, x, t: F(m).kl_div(x, t, reduction="batchmean", log_target=True),
         lambda rng: np.log(probs(3, 4)(rng)), lambda rng: np.log(probs(3, 4)(rng)), variant="log_target"),
    case("kl_div", lambda m, x: F(m).kl_div(x, const(m, [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]], x), reduction="sum"),
         rand(2, 3), variant="zero_target"),
    *[case("soft_margin_loss", lambda m, x, t, r=r: F(m).soft_margin_loss(x, as_float(t, x), reduction=r),
           rand(3, 4), pm_one(3, 4), variant=r) for r in REDUCTIONS],
    # the single-node losses (MseLossBackward0, ...) with a broadcast target, and logits losses without weights
    *[case(n, lambda m, a, b, n=n: without_warnings(getattr(F(m), n), a, b), rand(3, 4), rand(4), variant="broadcast")
      for n in ("mse_loss", "smooth_l1_loss", "huber_loss")],
    case("huber_loss", lambda m, a, b: F(m).huber_loss(a, b, reduction="none", delta=0.5,
                                                       weight=const(m, ELEMENT_WEIGHT, a)), *PAIR,
         variant="weight_none"),
    *[case("binary_cross_entropy_with_logits",
           lambda m, x, t, r=r: F(m).binary_cross_entropy_with_logits(x, t, reduction=r),
           rand(3, 4, low=-3, high=3), rand(3, 4, low=0, high=1), variant=f"plain_{r}") for r in REDUCTIONS],
    case("binary_cross_entropy_with_logits",
         lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t, pos_weight=const(m, [2.0, 0.5, 1.0, 3.0], x)),
         rand(3, 4, low=-3, high=3), rand(3, 4, low=0, high=1), variant="pos_weight_only"),
    *[case("hinge_embedding_loss",
           lambda m, x, t, r=r: F(m).hinge_embedding_loss(x, as_float(t, x), margin=0.5, reduction=r),
           rand(3, 4), pm_one(3, 4), variant=r) for r in REDUCTIONS],
    *[case("poisson_nll_loss", lambda m, x, t, r=r: F(m).poisson_nll_loss(x, t, reduction=r), rand(5),
           rand(5, low=0, high=3), variant=r) for r in REDUCTIONS],
    case("poisson_nll_loss", lambda m, x: F(m).poisson_nll_loss(x, const(m, [0.0, 0.5, 1.0, 2.0, 3.5, 7.0], x),
                                                                 log_input=False, full=True),
         positive(6), variant="rates_full"),
    *[case("gaussian_nll_loss", lambda m, x, t, v, r=r: F(m).gaussian_nll_loss(x, t, v, reduction=r), rand(3, 2),
           rand(3, 2), positive(3, 2), variant=r) for r in REDUCTIONS],
    case("gaussian_nll_loss", lambda m, x, t, v: F(m).gaussian_nll_loss(x, t, v, full=True), rand(3, 2), rand(3, 2),
         positive(3), variant="full_broadcast_var"),
]

EMBEDDING_LOSSES = [
    *[case("cosine_embedding_loss",
           lambda m, a, b, t, r=r: F(m).cosine_embedding_loss(a, b, as_float(t, a), 0.2, reduction=r),
           rand(4, 3), rand(4, 3), fixed([1, -1, 1, -1]), variant=r) for r in REDUCTIONS],
    case("cosine_embedding_loss", lambda m, a, b, t: F(m).cosine_embedding_loss(a, b, as_float(t, a)), rand(3),
         rand(3), fixed(-1), variant="unbatched"),
    *[case("margin_ranking_loss",
           lambda m, a, b, t, r=r: F(m).margin_ranking_loss(a, b, as_float(t, a), 0.1, reduction=r),
           rand(5), rand(5), pm_one(5), variant=r) for r in REDUCTIONS],
    *[case("triplet_margin_loss", lambda m, a, p, n, r=r: F(m).triplet_margin_loss(a, p, n, reduction=r),
           rand(4, 3), rand(4, 3), rand(4, 3), variant=r) for r in REDUCTIONS],
    case("triplet_margin_loss", lambda m, a, p, n: F(m).triplet_margin_loss(a, p, n, 2.0, p=1, swap=True),
         rand(4, 3), rand(4, 3), rand(4, 3), variant="p1_swap"),
]

CASES = LAYERS + ATTENTION + NORMS + CLASS_LOSSES + POINTWISE_LOSSES + EMBEDDING_LOSSES
