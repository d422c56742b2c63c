"""Op table: the functional forms added with issue 13's nn work (channel_shuffle, local_response_norm, lp_pool*, pdist)."""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, positive, rand


def F(m):
    return m.nn.functional


def case(name, call, *makers, ref=None, variant="", **kw) -> OpCase:
    return OpCase("F." + name, call, inputs_of(*makers), ref, variant=variant, **kw)


def pdist_ref(x, p=2.0):
    i, j = np.triu_indices(len(x), 1)
    d = np.abs(x[i] - x[j])
    return d.max(1) if np.isinf(p) else (d**p).sum(1) ** (1 / p)


def shuffle_ref(x, g):
    n, c = x.shape[:2]
    return x.reshape(n, g, c // g, *x.shape[2:]).swapaxes(1, 2).reshape(x.shape)


def lrn_ref(x, size, alpha=1e-4, beta=0.75, k=1.0):
    c = x.shape[1]
    sq = np.pad(x * x, [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (x.ndim - 2))
    div = sum(sq[:, i : i + c] for i in range(size)) / size
    return x / (k + alpha * div) ** beta


def lp_pool1d_ref(x, p, k):
    steps = x.shape[-1] // k
    return ((x[..., : steps * k].reshape(*x.shape[:-1], steps, k) ** p).sum(-1)) ** (1 / p)


CASES = [
    case("channel_shuffle", lambda m, x: F(m).channel_shuffle(x, 2), rand(2, 6, 3), ref=lambda x: shuffle_ref(x, 2)),
    case(
        "channel_shuffle",
        lambda m, x: F(m).channel_shuffle(x, 3),
        rand(1, 6, 2, 2),
        ref=lambda x: shuffle_ref(x, 3),
        variant="4d",
    ),
    case(
        "local_response_norm", lambda m, x: F(m).local_response_norm(x, 3), rand(2, 5, 4), ref=lambda x: lrn_ref(x, 3)
    ),
    case(
        "local_response_norm",
        lambda m, x: F(m).local_response_norm(x, 2, 0.1, 0.5, 2.0),
        rand(2, 4, 3, 2),
        ref=lambda x: lrn_ref(x, 2, 0.1, 0.5, 2.0),
        variant="4d",
    ),
    case(
        "local_response_norm",
        lambda m, x: F(m).local_response_norm(x, 4, 0.2),
        rand(1, 5, 2, 2, 2),
        ref=lambda x: lrn_ref(x, 4, 0.2),
        variant="5d",
    ),
    case("lp_pool1d", lambda m, x: F(m).lp_pool1d(x, 2, 3), rand(2, 3, 7), ref=lambda x: lp_pool1d_ref(x, 2, 3)),
    case(
        "lp_pool1d",
        lambda m, x: F(m).lp_pool1d(x, 1.5, 2),
        positive(2, 3, 6),
        ref=lambda x: lp_pool1d_ref(x, 1.5, 2),
        variant="p1.5",
    ),
    case("lp_pool2d", lambda m, x: F(m).lp_pool2d(x, 2, 2, stride=1), positive(2, 2, 4, 3)),
    case("lp_pool2d", lambda m, x: F(m).lp_pool2d(x, 3, (2, 1), ceil_mode=True), positive(1, 2, 5, 3), variant="ceil"),
    case("lp_pool3d", lambda m, x: F(m).lp_pool3d(x, 2, 2), positive(1, 2, 4, 4, 2)),
    case("pdist", lambda m, x: F(m).pdist(x), rand(5, 3), ref=pdist_ref),
    case("pdist", lambda m, x: F(m).pdist(x, 1.5), rand(4, 3), ref=lambda x: pdist_ref(x, 1.5), variant="p1.5"),
    case(
        "pdist",
        lambda m, x: F(m).pdist(x, float("inf")),
        rand(4, 3),
        ref=lambda x: pdist_ref(x, np.inf),
        variant="inf",
        gradgrad=False,
    ),
]
