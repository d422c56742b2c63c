"""Op table: `F.linear_cross_entropy`, the reference composition and the chunked kernel
(ops/fused/linear_cross_entropy.py), against NumPy.

The chunked cases split 5 rows into chunks of 2 and keep their precomputed gradients
(`allow_retain_graph`: gradcheck runs several backwards of one graph); gradgradcheck goes through the
kernel's recorded path (the reference composition differentiated). Class indices are fixed inside the calls.
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, rand

TARGET = [1, 3, 0, 3, 2]
IGNORED = [1, -100, 0, 3, 2]
CLASS_WEIGHT = [0.5, 1.0, 2.0, 1.5]


def _log_softmax(z):
    shifted = z - z.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


def lce_ref(x, w, b=None, target=TARGET, class_weight=None, reduction="mean"):
    z = x @ w.T + (0 if b is None else b)
    t = np.asarray(target)
    kept = t != -100
    idx = np.where(kept, t, 0)
    cw = np.ones(w.shape[0]) if class_weight is None else np.asarray(class_weight)
    wt = cw[idx] * kept
    rows = -wt * _log_softmax(z)[np.arange(len(t)), idx]
    return {"none": rows, "sum": rows.sum(), "mean": rows.sum() / wt.sum()}[reduction]


def _call(m, x, w, b=None, *, target=TARGET, class_weight=None, reduction="mean", chunk=2):
    options = None if chunk is None else m.nn.LinearCrossEntropyOptions(batch_chunk_size=chunk, allow_retain_graph=True)
    weight = None if class_weight is None else m.tensor(class_weight, dtype=x.dtype)
    return m.nn.functional.linear_cross_entropy(x, w, m.tensor(target), linear_bias=b, weight=weight,
                                                reduction=reduction, options=options)


def _case(variant, *, bias=False, **kw):
    makers = [rand(5, 3), rand(4, 3)] + ([rand(4)] if bias else [])
    return OpCase("F.linear_cross_entropy", lambda m, *ts: _call(m, *ts, **kw), inputs_of(*makers),
                  lambda *arrays: lce_ref(*arrays, **{k: v for k, v in kw.items() if k != "chunk"}), variant=variant)


CASES = [
    _case("reference", chunk=None),
    _case("reference, bias, weights, ignored, sum", bias=True, target=IGNORED, class_weight=CLASS_WEIGHT,
          reduction="sum", chunk=None),
    _case("chunked"),
    _case("chunked, bias", bias=True),
    _case("chunked, weights, ignored", target=IGNORED, class_weight=CLASS_WEIGHT),
    _case("chunked, sum, bias", bias=True, reduction="sum"),
    _case("chunked, none, bias, ignored", bias=True, target=IGNORED, reduction="none"),
]
