"""A GRU layer as one primitive: the recurrence and its backward through time in array code.

The same idea as the LSTM layer (recurrent.py): composed from tensor ops a GRU step records a
dozen nodes, so a sequence costs Python far more than NumPy. Here one layer in one direction is
one node. Gates in PyTorch's order r, z, n; b_hh stays on the hidden side because b_hn is
scaled by the reset gate:

    forward   xw = x W_ihᵀ + b_ih                                one product for all steps
              per step: hw = h W_hhᵀ + b_hh
                        r, z = σ(xw_r + hw_r), σ(xw_z + hw_z);  n = tanh(xw_n + r hw_n)
                        h = n + z (h_prev - n)
    backward  per step, newest first, with dh the gradient reaching h:
                        dh += g_out[t]
                        dn = dh [(1 - z)(1 - n²)];  dz = dh [(h_prev - n) z(1 - z)];  dr = dn [hw_n r(1 - r)]
                        dxw = (dr, dz, dn);  dhw = (dr, dz, dn r)
                        dh = dh z + dhw W_hh
              then dx = dxw W_ih, dW_ih = Σ dxwᵀ x, dW_hh = Σ dhwᵀ h_prev, db_ih = Σ dxw, db_hh = Σ dhw

The factors in brackets need no dh: the array path computes them for all steps before the loop.
The forward saves the activated gates and hw_n. The backward is a primitive of its own (so
`retrograd.compile` records it as one call); it is not differentiable. When the backward itself
is recorded (`create_graph=True`, forward-mode AD), the rule runs the same recurrence composed
from tensor ops and differentiates that instead, so derivatives of any order stay exact.
"""

from __future__ import annotations

from typing import Any

from ...backend.cuda_kernels import kernel
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .. import addmm, sigmoid, tanh
from ..shape.slicing import stack
from .recompute import differentiate, recorded
from .recurrent import _sigmoid_

__all__: list[str] = []  # reached through retrograd.nn.GRU


def _forward(xp: Any, x: Any, w_ih: Any, w_hh: Any, *rest: Any, reverse: bool) -> tuple:
    *biases, h = rest
    b_ih, b_hh = biases if biases else (None, None)
    steps, batch, features = x.shape
    hidden = w_hh.shape[1]
    gates = (x.reshape(steps * batch, features) @ w_ih.T).reshape(steps, batch, 3 * hidden)
    if b_ih is not None:
        gates += b_ih
    w_t = xp.ascontiguousarray(w_hh.T)  # BLAS is markedly faster on contiguous operands
    out = xp.empty((steps, batch, hidden), x.dtype)
    hns = xp.empty_like(out)  # W_hn h + b_hn of every step: the backward needs it
    fused = kernel(xp, "gru_cell", gates, h)  # one launch per step on a GPU
    for t in reversed(range(steps)) if reverse else range(steps):
        a = gates[t]  # the step's input side, replaced by the activated gates
        hw = h @ w_t
        if b_hh is not None:
            hw += b_hh
        if fused is not None:
            fused(h, hw, hidden, a, hns[t], out[t])
            h = out[t]
            continue
        rz = a[:, : 2 * hidden]
        rz += hw[:, : 2 * hidden]
        _sigmoid_(xp, rz)
        hn = hns[t]
        hn[...] = hw[:, 2 * hidden :]
        n = a[:, 2 * hidden :]
        n += a[:, :hidden] * hn
        xp.tanh(n, out=n)
        h_new = out[t]
        xp.subtract(h, n, out=h_new)
        h_new *= a[:, hidden : 2 * hidden]
        h_new += n
        h = h_new
    return out, h.copy(), gates, hns


def _backward(
    xp: Any,
    g_out: Any,
    g_h: Any,
    x: Any,
    w_ih: Any,
    w_hh: Any,
    h0: Any,
    out: Any,
    gates: Any,
    hns: Any,
    reverse: bool,
    biased: bool,
) -> tuple:
    steps, batch, hidden = out.shape
    dxw = xp.empty_like(gates)
    dhw = xp.empty_like(gates)
    dh = g_h.copy()
    h_prevs = xp.concatenate([out[1:], h0[None]] if reverse else [h0[None], out[:-1]])
    fused = kernel(xp, "gru_cell_backward", gates, dh)  # one launch per step on a GPU
    r, z, n = gates[..., :hidden], gates[..., hidden : 2 * hidden], gates[..., 2 * hidden :]
    if fused is None:  # the factors that need no dh, for all steps at once: dn = dh a_n, dz = dh a_z, dr = dn a_r
        a_n = (1 - z) * (1 - n * n)
        a_z = (h_prevs - n) * z * (1 - z)
        a_r = hns * r * (1 - r)
    for t in range(steps) if reverse else reversed(range(steps)):
        di, dg = dxw[t], dhw[t]
        if fused is not None:
            fused(gates[t], h_prevs[t], hns[t], g_out[t], hidden, di, dg, dh)
            dh += dg @ w_hh
            continue
        dh += g_out[t]
        dn = xp.multiply(dh, a_n[t], out=di[:, 2 * hidden :])
        xp.multiply(dn, a_r[t], out=di[:, :hidden])
        xp.multiply(dh, a_z[t], out=di[:, hidden : 2 * hidden])
        dg[:, : 2 * hidden] = di[:, : 2 * hidden]
        xp.multiply(dn, r[t], out=dg[:, 2 * hidden :])
        dh *= z[t]
        dh += dg @ w_hh
    flat_x = dxw.reshape(steps * batch, 3 * hidden)
    flat_h = dhw.reshape(steps * batch, 3 * hidden)
    dx = (flat_x @ w_ih).reshape(x.shape)
    dw_ih = flat_x.T @ x.reshape(steps * batch, x.shape[2])
    dw_hh = flat_h.T @ h_prevs.reshape(steps * batch, hidden)
    db = (flat_x.sum(0), flat_h.sum(0)) if biased else ()
    return (dx, dw_ih, dw_hh, *db, dh)


_BACKWARD = {
    biased: Primitive(
        "gru_layer_backward",
        _backward,  # `biased` comes with each call, as an attribute
        [None] * 9,
        inputs=("g_out", "g_h", "x", "w_ih", "w_hh", "h0", "hs", "gates", "hns"),
        n_outputs=6 if biased else 4,
    )
    for biased in (True, False)
}


def cell(xw: Tensor, hw: Tensor, h: Tensor) -> Tensor:
    """One GRU update from the input side xw and hidden side hw (N, 3H, biases included): the new h."""
    x_r, x_z, x_n = xw.chunk(3, 1)
    h_r, h_z, h_n = hw.chunk(3, 1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return n + z * (h - n)


def composed(x: Tensor, w_ih: Tensor, w_hh: Tensor, *rest: Tensor, reverse: bool) -> tuple[Tensor, Tensor]:
    """The same layer written with tensor ops (what the rule differentiates when it is recorded)."""
    *biases, h = rest
    steps, batch, features = x.shape
    flat = x.reshape(steps * batch, features)
    xw = (flat @ w_ih.t() if not biases else addmm(biases[0], flat, w_ih.t())).reshape(steps, batch, -1)
    w_t = w_hh.t()
    outputs = []
    for t in reversed(range(steps)) if reverse else range(steps):
        hw = h @ w_t if not biases else addmm(biases[1], h, w_t)
        h = cell(xw[t], hw, h)
        outputs.append(h)
    if reverse:
        outputs.reverse()
    return stack(outputs), h


def _rule(grads: tuple, inputs: tuple, out: tuple, gates: Any, hns: Any, reverse: bool) -> tuple:
    if recorded(grads):  # the backward is recorded or batched: differentiate the composed recurrence
        return differentiate(lambda *ts: composed(*ts, reverse=reverse), inputs, grads)
    saved = [Tensor._make(a) for a in (gates, hns)]
    biased = len(inputs) == 6
    return _BACKWARD[biased](*grads, *inputs[:3], inputs[-1], out[0], *saved, reverse=reverse, biased=biased)


def _rule_biased(
    grads: tuple,
    x: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor,
    b_hh: Tensor,
    h0: Tensor,
    out: tuple,
    gates: Any,
    hns: Any,
    reverse: bool,
) -> tuple:
    return _rule(grads, (x, w_ih, w_hh, b_ih, b_hh, h0), out, gates, hns, reverse)


def _rule_unbiased(
    grads: tuple, x: Tensor, w_ih: Tensor, w_hh: Tensor, h0: Tensor, out: tuple, gates: Any, hns: Any, reverse: bool
) -> tuple:
    return _rule(grads, (x, w_ih, w_hh, h0), out, gates, hns, reverse)


_EXTRAS = ("gates", "hns")
# PyTorch's CPU GRU is composed; its output's node is the stack of the steps' hidden states
_NODE = "StackBackward0"
_LAYER = {
    True: Primitive(
        "gru_layer",
        _forward,
        [_rule_biased],
        inputs=("x", "w_ih", "w_hh", "b_ih", "b_hh", "h0"),
        n_outputs=2,
        extras=_EXTRAS,
        node_name=_NODE,
        joint=True,
    ),
    False: Primitive(
        "gru_layer",
        _forward,
        [_rule_unbiased],
        inputs=("x", "w_ih", "w_hh", "h0"),
        n_outputs=2,
        extras=_EXTRAS,
        node_name=_NODE,
        joint=True,
    ),
}


def gru_layer(
    x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None, h0: Tensor, reverse: bool = False
) -> tuple[Tensor, Tensor]:
    """One GRU layer in one direction: x (L, N, I), h0 (N, H) -> outputs (L, N, H), last h.

    Weights as in `nn.GRU` (w_ih (3H, I), w_hh (3H, H), biases (3H,) or both None), gates in
    PyTorch's order r, z, n; `reverse` runs the sequence from its last step.
    """
    if b_ih is None or b_hh is None:
        return _LAYER[False](x, w_ih, w_hh, h0, reverse=reverse)
    return _LAYER[True](x, w_ih, w_hh, b_ih, b_hh, h0, reverse=reverse)
