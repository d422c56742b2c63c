"""Op table: the fused LSTM layer (ops/fused/recurrent.py) through `nn.LSTM`, against a NumPy recurrence.

Each case calls an `nn.LSTM` with the case's arrays as its weights (`func.functional_call`), so
gradcheck and gradgradcheck reach the weights, the input and the initial state; the second
derivatives go through the rule's recorded path (the composed recurrence).
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, rand

STEPS, BATCH, FEATURES, HIDDEN = 3, 2, 3, 2


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def lstm_ref(x, w_ih, w_hh, *rest, reverse=False):
    """outputs, last h, last c of one LSTM layer, step by step in NumPy."""
    *biases, h, c = rest
    outs = [None] * len(x)
    for t in reversed(range(len(x))) if reverse else range(len(x)):
        z = x[t] @ w_ih.T + h @ w_hh.T + sum(biases)
        i, f, g, o = np.split(z, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        outs[t] = h
    return np.stack(outs), h, c


def _call(m, x, w_ih, w_hh, *rest, reverse):
    *biases, h0, c0 = rest
    lstm = m.nn.LSTM(FEATURES, HIDDEN, bias=bool(biases), bidirectional=reverse, dtype=x.dtype)
    suffix = "_reverse" if reverse else ""
    weights = {f"weight_ih_l0{suffix}": w_ih, f"weight_hh_l0{suffix}": w_hh}
    if biases:
        weights.update({f"bias_ih_l0{suffix}": biases[0], f"bias_hh_l0{suffix}": biases[1]})
    if reverse:  # the forward direction's weights are fixed; the case's arrays drive the reverse one
        weights = {**{k: v.detach() for k, v in lstm.named_parameters() if "reverse" not in k}, **weights}
        h0 = m.stack([m.zeros_like(h0), h0])
        c0 = m.stack([m.zeros_like(c0), c0])
    else:
        h0, c0 = h0[None], c0[None]
    out, (h, c) = m.func.functional_call(lstm, weights, (x, (h0, c0)))
    if reverse:
        return out[..., HIDDEN:], h[1], c[1]
    return out, h[0], c[0]


def _case(variant, bias, reverse):
    makers = [rand(STEPS, BATCH, FEATURES), rand(4 * HIDDEN, FEATURES), rand(4 * HIDDEN, HIDDEN)]
    makers += [rand(4 * HIDDEN), rand(4 * HIDDEN)] if bias else []
    makers += [rand(BATCH, HIDDEN), rand(BATCH, HIDDEN)]
    return OpCase(
        "nn.LSTM",
        lambda m, *ts: _call(m, *ts, reverse=reverse),
        inputs_of(*makers),
        lambda *arrays: lstm_ref(*arrays, reverse=reverse),
        variant=variant,
        atol=1e-6,
    )


CASES = [
    _case("fused layer", True, False),
    _case("fused layer, no bias", False, False),
    _case("fused layer, reverse direction", True, True),
    _case("fused layer, reverse, no bias", False, True),
]
