"""Op table: the nn.functional ops of issue 13's second pass (margin losses, ctc, embedding_bag, unpooling,
fractional pooling, affine_grid and grid_sample).

Inputs that are not differentiated (class indices, lengths, offsets, pool indices, random samples) are
integer arrays or constants built inside the call, so only the float arrays are checked.
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, positive, rand


def F(m):
    return m.nn.functional


def case(name, call, *makers, ref=None, variant="", **kw) -> OpCase:
    return OpCase("F." + name, call, inputs_of(*makers), ref, variant=variant, **kw)


def ints(high, *shape, low=0):
    return lambda rng: rng.integers(low, high, shape)


def const(value):
    return lambda rng: np.asarray(value)


def multi_margin_ref(x, y, p=1, margin=1.0, w=None):
    n, c = x.shape
    xy = x[np.arange(n), y][:, None]
    h = np.maximum(margin - xy + x, 0) ** p
    h[np.arange(n), y] = 0
    if w is not None:
        h = h * w[y][:, None]
    return (h.sum(1) / c).mean()


def multilabel_margin_ref(x, y):
    total = 0.0
    for xs, ys in zip(x, y):
        stop = np.flatnonzero(ys < 0)
        tgt = ys[: stop[0] if stop.size else len(ys)]
        others = [i for i in range(len(xs)) if i not in set(tgt)]
        total += sum(max(0.0, 1 - xs[j] + xs[i]) for j in tgt for i in others) / len(xs)
    return total / len(x)


def soft_margin_ref(x, y):
    logsig = -np.logaddexp(0, -x)
    return (-(y * logsig + (1 - y) * (-np.logaddexp(0, x)))).mean(1).mean()


def ctc_ref(x, targets, in_len, tgt_len, blank=0):
    """Sum over all alignments by brute force over the (tiny) label lattice, in probability space."""
    lp = x - np.log(np.exp(x).sum(2, keepdims=True))
    losses = []
    for b in range(x.shape[1]):
        ext = [blank]
        for lab in targets[b, : tgt_len[b]]:
            ext += [lab, blank]
        alpha = np.zeros(len(ext))
        alpha[0] = np.exp(lp[0, b, ext[0]])
        if len(ext) > 1:
            alpha[1] = np.exp(lp[0, b, ext[1]])
        for t in range(1, in_len[b]):
            new = alpha.copy()
            new[1:] += alpha[:-1]
            for s in range(2, len(ext)):
                if ext[s] != blank and ext[s] != ext[s - 2]:
                    new[s] += alpha[s - 2]
            alpha = new * np.exp(lp[t, b, ext])
        p = alpha[-1] + (alpha[-2] if len(ext) > 1 else 0)
        losses.append(-np.log(p) / max(tgt_len[b], 1))
    return np.mean(losses)


def bag_ref(w, idx, offsets, mode):
    ends = list(offsets[1:]) + [len(idx)]
    out = []
    for s, e in zip(offsets, ends):
        rows = w[idx[s:e]]
        if not len(rows):
            out.append(np.zeros(w.shape[1]))
        else:
            out.append({"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode])
    return np.stack(out)


def affine_ref(theta, h, w):
    xs = np.linspace(-1, 1, w) * (w - 1) / w
    ys = np.linspace(-1, 1, h) * (h - 1) / h
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    base = np.stack([gx, gy, np.ones_like(gx)], -1)
    return np.einsum("hwk,nik->nhwi", base, theta)


def bilinear_ref(x, grid):
    """grid_sample, bilinear, zeros padding, align_corners=False, by loops."""
    n, c, h, w = x.shape
    out = np.zeros((n, c) + grid.shape[1:3])
    for b in range(n):
        for i in range(grid.shape[1]):
            for j in range(grid.shape[2]):
                px = ((grid[b, i, j, 0] + 1) * w - 1) / 2
                py = ((grid[b, i, j, 1] + 1) * h - 1) / 2
                x0, y0 = int(np.floor(px)), int(np.floor(py))
                for yy, wy in ((y0, 1 - (py - y0)), (y0 + 1, py - y0)):
                    for xx, wx in ((x0, 1 - (px - x0)), (x0 + 1, px - x0)):
                        if 0 <= yy < h and 0 <= xx < w:
                            out[b, :, i, j] += x[b, :, yy, xx] * wy * wx
    return out


def pool_indices(rng, lead, size, k):
    """Flat indices of one pixel per k-window of a plane of `size`, as max_pool*d(return_indices=True) gives."""
    nd = len(size)
    out = tuple(s // k for s in size)
    grids = np.meshgrid(*[np.arange(o) for o in out], indexing="ij")
    flat = np.zeros(lead + out, dtype=np.int64)
    for a in range(nd):
        pos = grids[a] * k + rng.integers(0, k, lead + out)
        flat = flat * size[a] + pos
    return flat


SAMPLES_2D = np.array([[[0.3, 0.7], [0.1, 0.9]]])
SAMPLES_3D = np.array([[[0.2, 0.5, 0.8], [0.6, 0.4, 0.05]]])
CTC_TARGETS = np.array([[1, 2, 2], [3, 1, 0]])


def _ctc(m, x, reduction="mean", zero_infinity=False, targets=CTC_TARGETS, in_len=(5, 4), tgt_len=(3, 2)):
    return F(m).ctc_loss(
        x.log_softmax(2),
        m.tensor(targets),
        m.tensor(list(in_len)),
        m.tensor(list(tgt_len)),
        reduction=reduction,
        zero_infinity=zero_infinity,
    )


def _bag(m, w, idx, mode, **kw):
    return F(m).embedding_bag(idx, w, m.tensor([0, 2, 2, 5]), mode=mode, **kw)


CASES = [
    case(
        "multi_margin_loss", lambda m, x, y: F(m).multi_margin_loss(x, y), rand(4, 5), ints(5, 4), ref=multi_margin_ref
    ),
    case(
        "multi_margin_loss",
        lambda m, x, y: F(m).multi_margin_loss(
            x, y, p=2, margin=0.6, weight=m.tensor([0.5, 1.0, 1.5, 2.0, 0.7], dtype=x.dtype)
        ),
        rand(4, 5),
        ints(5, 4),
        ref=lambda x, y: multi_margin_ref(x, y, 2, 0.6, np.array([0.5, 1, 1.5, 2, 0.7])),
        variant="p2-weight",
    ),
    case(
        "multi_margin_loss",
        lambda m, x, y: F(m).multi_margin_loss(x, y, reduction="none"),
        rand(5),
        ints(5),
        variant="1d",
    ),
    case(
        "multilabel_margin_loss",
        lambda m, x, y: F(m).multilabel_margin_loss(x, y),
        rand(3, 4),
        const([[3, 0, -1, 1], [0, 1, 2, 3], [2, 2, -1, 0]]),
        ref=multilabel_margin_ref,
    ),
    case(
        "multilabel_margin_loss",
        lambda m, x, y: F(m).multilabel_margin_loss(x, y, reduction="none"),
        rand(4),
        const([1, 3, -1, 0]),
        variant="1d",
    ),
    case(
        "multilabel_soft_margin_loss",
        lambda m, x, y: F(m).multilabel_soft_margin_loss(x, y),
        rand(3, 4),
        rand(3, 4, low=0.0),
        ref=soft_margin_ref,
    ),
    case(
        "multilabel_soft_margin_loss",
        lambda m, x, y, w: F(m).multilabel_soft_margin_loss(x, y, w, reduction="none"),
        rand(3, 4),
        rand(3, 4, low=0.0),
        positive(4),
        variant="weight",
    ),
    case(
        "triplet_margin_with_distance_loss",
        lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(a, p, n),
        rand(4, 3),
        rand(4, 3),
        rand(4, 3),
    ),
    case(
        "triplet_margin_with_distance_loss",
        lambda m, a, p, n: F(m).triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda u, v: (u - v).abs().sum(-1), margin=2.0, swap=True, reduction="none"
        ),
        rand(4, 3),
        rand(4, 3),
        rand(4, 3),
        variant="l1-swap",
    ),
    case("ctc_loss", lambda m, x: _ctc(m, x), rand(5, 2, 4), ref=lambda x: ctc_ref(x, CTC_TARGETS, (5, 4), (3, 2))),
    case(
        "ctc_loss",
        lambda m, x: _ctc(m, x, "none", targets=np.array([1, 2, 2, 3, 1])),
        rand(5, 2, 4),
        variant="concatenated",
    ),
    case(
        "ctc_loss",
        lambda m, x: _ctc(m, x, "sum", True, np.array([[1, 1, 1], [2, 0, 0]]), (4, 5), (3, 0)),
        rand(5, 2, 3),
        variant="zero_infinity",
    ),
    case(
        "ctc_loss",
        lambda m, x: F(m).ctc_loss(
            x.log_softmax(1), m.tensor([2, 1]), m.tensor(4), m.tensor(2), blank=3, reduction="none"
        ),
        rand(4, 4),
        variant="unbatched",
    ),
    case(
        "embedding_bag",
        lambda m, w, i: _bag(m, w, i, "sum"),
        rand(6, 3),
        ints(6, 7),
        ref=lambda w, i: bag_ref(w, i, [0, 2, 2, 5], "sum"),
    ),
    case(
        "embedding_bag",
        lambda m, w, i: _bag(m, w, i, "mean"),
        rand(6, 3),
        ints(6, 7),
        ref=lambda w, i: bag_ref(w, i, [0, 2, 2, 5], "mean"),
        variant="mean",
    ),
    case(
        "embedding_bag",
        lambda m, w, i: _bag(m, w, i, "max"),
        rand(6, 3),
        ints(6, 7),
        ref=lambda w, i: bag_ref(w, i, [0, 2, 2, 5], "max"),
        variant="max",
    ),
    case(
        "embedding_bag",
        lambda m, w, i, s: _bag(m, w, i, "sum", per_sample_weights=s, padding_idx=1),
        rand(6, 3),
        const([1, 2, 4, 1, 0, 5, 3]),
        rand(7),
        variant="weights-padding",
    ),
    case(
        "embedding_bag", lambda m, w, i: F(m).embedding_bag(i, w, mode="mean"), rand(6, 3), ints(6, 2, 3), variant="2d"
    ),
    case(
        "max_unpool1d",
        lambda m, x, i: F(m).max_unpool1d(x, i, 2),
        rand(2, 3, 4),
        lambda rng: pool_indices(rng, (2, 3), (8,), 2),
    ),
    case(
        "max_unpool2d",
        lambda m, x, i: F(m).max_unpool2d(x, i, 2),
        rand(1, 2, 2, 3),
        lambda rng: pool_indices(rng, (1, 2), (4, 6), 2),
    ),
    case(
        "max_unpool2d",
        lambda m, x, i: F(m).max_unpool2d(x, i, 2, output_size=(5, 7)),
        rand(2, 2, 3),
        lambda rng: pool_indices(rng, (2,), (4, 6), 2),
        variant="output_size",
    ),
    case(
        "max_unpool3d",
        lambda m, x, i: F(m).max_unpool3d(x, i, 2),
        rand(1, 2, 2, 1, 2),
        lambda rng: pool_indices(rng, (1, 2), (4, 2, 4), 2),
    ),
    case(
        "fractional_max_pool2d",
        lambda m, x: F(m).fractional_max_pool2d(
            x, 2, output_size=(3, 4), _random_samples=m.tensor(SAMPLES_2D, dtype=x.dtype)
        ),
        rand(1, 2, 7, 6),
    ),
    case(
        "fractional_max_pool2d_with_indices",
        lambda m, x: F(m).fractional_max_pool2d_with_indices(
            x, (2, 3), output_size=(4, 2), _random_samples=m.tensor(SAMPLES_2D, dtype=x.dtype)
        ),
        rand(2, 7, 6),
    ),
    case(
        "fractional_max_pool3d",
        lambda m, x: F(m).fractional_max_pool3d(
            x, 2, output_size=(2, 3, 2), _random_samples=m.tensor(SAMPLES_3D, dtype=x.dtype)
        ),
        rand(1, 2, 5, 6, 4),
    ),
    case(
        "fractional_max_pool3d_with_indices",
        lambda m, x: F(m).fractional_max_pool3d_with_indices(
            x, 2, output_size=2, _random_samples=m.tensor(SAMPLES_3D, dtype=x.dtype)
        ),
        rand(2, 4, 5, 4),
    ),
    case(
        "affine_grid",
        lambda m, t: F(m).affine_grid(t, [2, 3, 4, 5], align_corners=False),
        rand(2, 2, 3),
        ref=lambda t: affine_ref(t, 4, 5),
    ),
    case(
        "affine_grid",
        lambda m, t: F(m).affine_grid(t, [1, 1, 2, 3, 4], align_corners=True),
        rand(1, 3, 4),
        variant="3d",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, align_corners=False),
        rand(2, 2, 3, 4),
        rand(2, 3, 2, 2, low=-1.2, high=1.2),
        ref=bilinear_ref,
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bilinear", "border", True),
        rand(1, 2, 3, 4),
        rand(1, 3, 2, 2, low=-1.3, high=1.3),
        variant="border",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bilinear", "reflection", False),
        rand(1, 2, 3, 4),
        rand(1, 3, 2, 2, low=-2.5, high=2.5),
        variant="reflection",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "nearest", "zeros", False),
        rand(1, 2, 3, 4),
        rand(1, 3, 2, 2, low=-1.2, high=1.2),
        variant="nearest",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bilinear", "zeros", True),
        rand(1, 2, 3, 2, 3),
        rand(1, 2, 2, 1, 3, low=-1.1, high=1.1),
        variant="trilinear",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bicubic", "zeros", False),
        rand(1, 2, 4, 5),
        rand(1, 3, 2, 2, low=-1.3, high=1.3),
        variant="bicubic",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bicubic", "border", True),
        rand(1, 2, 4, 5),
        rand(1, 3, 2, 2, low=-1.3, high=1.3),
        variant="bicubic_border",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bicubic", "reflection", False),
        rand(1, 2, 4, 5),
        rand(1, 3, 2, 2, low=-2.5, high=2.5),
        variant="bicubic_reflection",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "bilinear", "reflection", True),
        rand(1, 2, 3, 2, 3),
        rand(1, 2, 2, 1, 3, low=-2.5, high=2.5),
        variant="trilinear_reflection",
    ),
    case(
        "grid_sample",
        lambda m, x, g: F(m).grid_sample(x, g, "nearest", "border", True),
        rand(1, 2, 3, 2, 3),
        rand(1, 2, 2, 1, 3, low=-1.3, high=1.3),
        variant="nearest_3d",
    ),
]
