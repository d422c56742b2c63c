"""An LSTM layer as one primitive: the recurrence and its backward through time in array code.

Composed from tensor ops, one LSTM time step records a dozen nodes (a matrix product, the
gate split, three sigmoids, two tanhs, the products and sums), so a 35-step, 2-layer model
records ~1,000 nodes per forward pass and Python spends more time on them than NumPy spends
computing. Here one layer in one direction is one node (PyTorch's `MkldnnRnnLayerBackward0`):

    forward   xw = x W_ihᵀ + b_ih + b_hh                       one product for all steps
              per step: z = xw[t] + h W_hhᵀ;  i, f, g, o = σ(z_i), σ(z_f), tanh(z_g), σ(z_o)
                        c = f c + i g;  h = o tanh(c)
    backward  per step, newest first, with dh, dc the gradients reaching h and c:
                        dh += g_out[t];  dc += dh o (1 - tanh²c)
                        dz = (dc g i(1-i), dc c_prev f(1-f), dc i (1-g²), dh tanh(c) o(1-o))
                        dh = dz W_hh;  dc = dc f
              then dx = dz W_ih, dW_ih = Σ dzᵀ x, dW_hh = Σ dzᵀ h_prev, db = Σ dz (all steps at once)

The forward saves the activated gates, the cells and tanh of the cells. The backward is a
primitive of its own (so `retrograd.compile` records it as one call); it is not differentiable.
When the backward itself is recorded (`create_graph=True`, forward-mode AD), the rule runs the
same recurrence composed from tensor ops and differentiates that instead, so derivatives of
any order stay exact.
"""

from __future__ import annotations

from typing import Any

from ...backend.cuda_kernels import kernel
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .. import addmm, sigmoid, tanh
from ..shape.slicing import stack
from .recompute import differentiate, recorded

__all__: list[str] = []  # reached through retrograd.nn.LSTM


def _sigmoid_(xp: Any, a: Any) -> None:
    """σ(a) = 1 / (1 + e^-a) in place (accurate to an ulp for every a; e^-a = inf gives 0)."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)


def _forward(xp: Any, x: Any, w_ih: Any, w_hh: Any, *rest: Any, reverse: bool) -> tuple:
    *biases, h, c = rest
    steps, batch, features = x.shape
    hidden = w_hh.shape[1]
    gates = (x.reshape(steps * batch, features) @ w_ih.T).reshape(steps, batch, 4 * hidden)
    for b in biases:
        gates += b
    w_t = xp.ascontiguousarray(w_hh.T)  # BLAS is markedly faster on contiguous operands
    out = xp.empty((steps, batch, hidden), x.dtype)
    cells = xp.empty_like(out)
    tanhs = xp.empty_like(out)
    fused = kernel(xp, "lstm_cell", gates, c)  # one launch per step on a GPU
    for t in reversed(range(steps)) if reverse else range(steps):
        z = gates[t]  # the step's pre-activations, replaced by the activated gates
        z += h @ w_t
        if fused is not None:
            fused(c, hidden, z, cells[t], tanhs[t], out[t])
            h, c = out[t], cells[t]
            continue
        g = xp.tanh(z[:, 2 * hidden : 3 * hidden])
        _sigmoid_(xp, z)
        z[:, 2 * hidden : 3 * hidden] = g
        c_new, tanh_c, h = cells[t], tanhs[t], out[t]
        xp.multiply(z[:, hidden : 2 * hidden], c, out=c_new)
        c_new += z[:, :hidden] * g
        xp.tanh(c_new, out=tanh_c)
        xp.multiply(z[:, 3 * hidden :], tanh_c, out=h)
        c = c_new
    return out, h.copy(), c.copy(), gates, cells, tanhs


def _backward(xp: Any, g_out: Any, g_h: Any, g_c: Any, x: Any, w_ih: Any, w_hh: Any, h0: Any, c0: Any,
              out: Any, gates: Any, cells: Any, tanhs: Any, reverse: bool, biased: bool) -> tuple:
    steps, batch, hidden = out.shape
    dz = xp.empty_like(gates)
    dh = g_h.copy()
    dc = g_c.copy()
    fused = kernel(xp, "lstm_cell_backward", gates, dh)  # one launch per step on a GPU
    for t in range(steps) if reverse else reversed(range(steps)):
        prev = t + 1 if reverse else t - 1
        c_prev = cells[prev] if 0 <= prev < steps else c0
        if fused is not None:
            fused(gates[t], c_prev, tanhs[t], g_out[t], hidden, dz[t], dh, dc)
            dh = dz[t] @ w_hh
            continue
        a = gates[t]
        i, f, g, o = a[:, :hidden], a[:, hidden : 2 * hidden], a[:, 2 * hidden : 3 * hidden], a[:, 3 * hidden :]
        tanh_c = tanhs[t]
        dh += g_out[t]
        dc += dh * o * (1 - tanh_c * tanh_c)
        d = dz[t]
        d[:, :hidden] = dc * g * i * (1 - i)
        d[:, hidden : 2 * hidden] = dc * c_prev * f * (1 - f)
        d[:, 2 * hidden : 3 * hidden] = dc * i * (1 - g * g)
        d[:, 3 * hidden :] = dh * tanh_c * o * (1 - o)
        dc *= f
        dh = d @ w_hh
    flat = dz.reshape(steps * batch, 4 * hidden)
    h_prev = xp.concatenate([out[1:], h0[None]] if reverse else [h0[None], out[:-1]])
    dx = (flat @ w_ih).reshape(x.shape)
    dw_ih = flat.T @ x.reshape(steps * batch, x.shape[2])
    dw_hh = flat.T @ h_prev.reshape(steps * batch, hidden)
    db = (flat.sum(0),) * 2 if biased else ()
    return (dx, dw_ih, dw_hh, *db, dh, dc)


_BACKWARD = {
    biased: Primitive(
        "lstm_layer_backward",
        _backward,  # `biased` comes with each call, as an attribute
        [None] * 12,
        inputs=("g_out", "g_h", "g_c", "x", "w_ih", "w_hh", "h0", "c0", "hs", "gates", "cells", "tanhs"),
        n_outputs=7 if biased else 5,
    )
    for biased in (True, False)
}


def cell(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM cell update from its pre-activations (N, 4H) and the cell (N, H): the new (h, c)."""
    i, f, g, o = gates.chunk(4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


def composed(x: Tensor, w_ih: Tensor, w_hh: Tensor, *rest: Tensor, reverse: bool) -> tuple[Tensor, Tensor, Tensor]:
    """The same layer written with tensor ops (what the rule differentiates when it is recorded)."""
    *biases, h, c = rest
    steps, batch, features = x.shape
    xw = x.reshape(steps * batch, features) @ w_ih.t()
    for b in biases:
        xw = xw + b
    xw = xw.reshape(steps, batch, -1)
    w_t = w_hh.t()
    outputs = []
    for t in reversed(range(steps)) if reverse else range(steps):
        h, c = cell(addmm(xw[t], h, w_t), c)
        outputs.append(h)
    if reverse:
        outputs.reverse()
    return stack(outputs), h, c


def _rule(grads: tuple, inputs: tuple, out: tuple, gates: Any, cells: Any, tanhs: Any, reverse: bool) -> tuple:
    if recorded(grads):  # the backward is recorded or batched: differentiate the composed recurrence
        return differentiate(lambda *ts: composed(*ts, reverse=reverse), inputs, grads)
    saved = [Tensor._make(a) for a in (gates, cells, tanhs)]
    h0, c0 = inputs[-2:]
    biased = len(inputs) == 7
    return _BACKWARD[biased](*grads, *inputs[:3], h0, c0, out[0], *saved, reverse=reverse, biased=biased)


def _rule_biased(grads: tuple, x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, h0: Tensor,
                 c0: Tensor, out: tuple, gates: Any, cells: Any, tanhs: Any, reverse: bool) -> tuple:
    return _rule(grads, (x, w_ih, w_hh, b_ih, b_hh, h0, c0), out, gates, cells, tanhs, reverse)


def _rule_unbiased(grads: tuple, x: Tensor, w_ih: Tensor, w_hh: Tensor, h0: Tensor, c0: Tensor, out: tuple,
                   gates: Any, cells: Any, tanhs: Any, reverse: bool) -> tuple:
    return _rule(grads, (x, w_ih, w_hh, h0, c0), out, gates, cells, tanhs, reverse)


_EXTRAS = ("gates", "cells", "tanhs")
_NODE = "MkldnnRnnLayerBackward0"
_LAYER = {
    True: Primitive("lstm_layer", _forward, [_rule_biased], inputs=("x", "w_ih", "w_hh", "b_ih", "b_hh", "h0", "c0"),
                    n_outputs=3, extras=_EXTRAS, node_name=_NODE, joint=True),
    False: Primitive("lstm_layer", _forward, [_rule_unbiased], inputs=("x", "w_ih", "w_hh", "h0", "c0"),
                     n_outputs=3, extras=_EXTRAS, node_name=_NODE, joint=True),
}


def lstm_layer(x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None, h0: Tensor,
               c0: Tensor, reverse: bool = False) -> tuple[Tensor, Tensor, Tensor]:
    """One LSTM layer in one direction: x (L, N, I), h0 and c0 (N, H) -> outputs (L, N, H), last h, last c.

    Weights as in `nn.LSTM` (w_ih (4H, I), w_hh (4H, H), biases (4H,) or both None), gates in
    PyTorch's order i, f, g, o; `reverse` runs the sequence from its last step.
    """
    if b_ih is None or b_hh is None:
        return _LAYER[False](x, w_ih, w_hh, h0, c0, reverse=reverse)
    return _LAYER[True](x, w_ih, w_hh, b_ih, b_hh, h0, c0, reverse=reverse)
