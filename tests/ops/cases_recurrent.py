"""Op table: the fused LSTM and GRU layers that `nn.LSTM`/`nn.GRU` run (ops/fused/recurrent*.py), against NumPy.

gradcheck and gradgradcheck reach the weights, the input and the initial state; the second
derivatives go through the rule's recorded path (the composed recurrence). PyTorch's side is its
LSTM and GRU layer kernels (`_VF.lstm`, `_VF.gru`), the reverse direction as the forward one on the flipped sequence.
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
    if m.__name__ == "torch":  # PyTorch's LSTM layer; a reverse direction is the forward one on the flipped sequence
        xs = x.flip(0) if reverse else x
        out, h, c = m._VF.lstm(xs, (h0[None], c0[None]), [w_ih, w_hh, *biases], bool(biases), 1, 0.0, False,
                               False, False)
        return (out.flip(0) if reverse else out), h[0], c[0]
    from retrograd.ops.fused.recurrent import lstm_layer

    b_ih, b_hh = biases if biases else (None, None)
    return lstm_layer(x, w_ih, w_hh, b_ih, b_hh, h0, c0, reverse)


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


def gru_ref(x, w_ih, w_hh, *rest, reverse=False):
    """outputs, last h of one GRU layer, step by step in NumPy (b_hn inside r·(W_hn h + b_hn))."""
    *biases, h = rest
    b_ih, b_hh = biases if biases else (0, 0)
    outs = [None] * len(x)
    for t in reversed(range(len(x))) if reverse else range(len(x)):
        x_r, x_z, x_n = np.split(x[t] @ w_ih.T + b_ih, 3, axis=1)
        h_r, h_z, h_n = np.split(h @ w_hh.T + b_hh, 3, axis=1)
        r, z = _sigmoid(x_r + h_r), _sigmoid(x_z + h_z)
        n = np.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        outs[t] = h
    return np.stack(outs), h


def _call_gru(m, x, w_ih, w_hh, *rest, reverse):
    *biases, h0 = rest
    if m.__name__ == "torch":  # PyTorch's GRU layer; a reverse direction is the forward one on the flipped sequence
        xs = x.flip(0) if reverse else x
        out, h = m._VF.gru(xs, h0[None], [w_ih, w_hh, *biases], bool(biases), 1, 0.0, False, False, False)
        return (out.flip(0) if reverse else out), h[0]
    from retrograd.ops.fused.recurrent_gru import gru_layer

    b_ih, b_hh = biases if biases else (None, None)
    return gru_layer(x, w_ih, w_hh, b_ih, b_hh, h0, reverse)


def _gru_case(variant, bias, reverse):
    makers = [rand(STEPS, BATCH, FEATURES), rand(3 * HIDDEN, FEATURES), rand(3 * HIDDEN, HIDDEN)]
    makers += [rand(3 * HIDDEN), rand(3 * HIDDEN)] if bias else []
    makers += [rand(BATCH, HIDDEN)]
    return OpCase(
        "nn.GRU",
        lambda m, *ts: _call_gru(m, *ts, reverse=reverse),
        inputs_of(*makers),
        lambda *arrays: gru_ref(*arrays, reverse=reverse),
        variant=variant,
        atol=1e-6,
    )


CASES += [
    _gru_case("fused layer", True, False),
    _gru_case("fused layer, no bias", False, False),
    _gru_case("fused layer, reverse direction", True, True),
    _gru_case("fused layer, reverse, no bias", False, True),
]
