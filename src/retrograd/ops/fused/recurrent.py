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

The forward saves the activated gates, the cells and tanh of the cells. On the CPU the loop runs
on transposed (4H, N) blocks (see `_to_blocks`) and the backward first computes every gate's local
derivative for all steps at once, so a step costs one small product and seven array calls; on a GPU
each step is one fused kernel in PyTorch's (N, 4H) layout. The backward is a
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
from ..kernels.accumulate import row_sums
from ..linalg.multiply_add import biased_matmul
from ..shape.slicing import stack
from .recompute import differentiate, recorded

__all__: list[str] = []  # reached through retrograd.nn.LSTM


def _sigmoid_(xp: Any, a: Any) -> None:
    """σ(a) = 1 / (1 + e^-a) in place (accurate to an ulp for every a; e^-a = inf gives 0)."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)


# On the CPU the recurrence runs transposed: each step's gates are one contiguous (4H, N) block,
# in the order o, i, f, g, so the three sigmoid gates are one slice, the gates that dc scales in
# the backward are one slice, and W_hh (4H, H) @ hᵀ (H, N) is the faster product for small N.
def _to_blocks(xp: Any, a: Any, hidden: int) -> Any:
    """Rows (or entries) of a 4H weight in PyTorch's gate order i, f, g, o -> o, i, f, g."""
    return xp.concatenate([a[3 * hidden :], a[: 3 * hidden]])


def _from_blocks(xp: Any, a: Any, hidden: int) -> Any:
    """Rows in the order o, i, f, g -> PyTorch's i, f, g, o."""
    return xp.concatenate([a[hidden:], a[:hidden]])


def _forward(xp: Any, x: Any, w_ih: Any, w_hh: Any, *rest: Any, reverse: bool) -> tuple:
    *biases, h, c = rest
    if kernel(xp, "lstm_cell", x, w_ih, w_hh, h, c) is not None:  # same test as the backward's
        return _forward_fused(xp, x, w_ih, w_hh, biases, h, c, reverse)
    steps, batch, features = x.shape
    hidden = w_hh.shape[1]
    inputs, w_in = x.reshape(steps * batch, features), _to_blocks(xp, w_ih, hidden).T
    if biases:  # every step's input at once, the two biases summed into the product
        xw = biased_matmul(xp, inputs, w_in, _to_blocks(xp, biases[0] + biases[1], hidden))
    else:
        xw = inputs @ w_in
    gates = xp.ascontiguousarray(xw.reshape(steps, batch, 4 * hidden).transpose(0, 2, 1))  # (L, 4H, N)
    w = _to_blocks(xp, w_hh, hidden)
    h, c = xp.ascontiguousarray(h.T), xp.ascontiguousarray(c.T)
    out = xp.empty((steps, hidden, batch), gates.dtype)
    cells = xp.empty_like(out)
    tanhs = xp.empty_like(out)
    hw = xp.empty((4 * hidden, batch), gates.dtype)
    ig = xp.empty((hidden, batch), gates.dtype)
    for t in reversed(range(steps)) if reverse else range(steps):
        z = gates[t]  # the step's pre-activations, replaced by the activated gates
        xp.matmul(w, h, out=hw)
        z += hw
        _sigmoid_(xp, z[: 3 * hidden])
        o, i, f, g = z[:hidden], z[hidden : 2 * hidden], z[2 * hidden : 3 * hidden], z[3 * hidden :]
        xp.tanh(g, out=g)
        c = xp.multiply(f, c, out=cells[t])
        xp.multiply(i, g, out=ig)
        c += ig
        xp.tanh(c, out=tanhs[t])
        h = xp.multiply(o, tanhs[t], out=out[t])
    return xp.ascontiguousarray(out.transpose(0, 2, 1)), h.T.copy(), c.T.copy(), gates, cells, tanhs


def _forward_fused(xp: Any, x: Any, w_ih: Any, w_hh: Any, biases: list, h: Any, c: Any, reverse: bool) -> tuple:
    """The GPU's layout: gates (L, N, 4H) in PyTorch's order, one fused kernel launch per step."""
    steps, batch, features = x.shape
    hidden = w_hh.shape[1]
    gates = (x.reshape(steps * batch, features) @ w_ih.T).reshape(steps, batch, 4 * hidden)
    for b in biases:
        gates += b
    w_t = xp.ascontiguousarray(w_hh.T)
    out = xp.empty((steps, batch, hidden), x.dtype)
    cells = xp.empty_like(out)
    tanhs = xp.empty_like(out)
    fused = kernel(xp, "lstm_cell", gates, c)
    for t in reversed(range(steps)) if reverse else range(steps):
        z = gates[t]
        z += h @ w_t
        fused(c, hidden, z, cells[t], tanhs[t], out[t])
        h, c = out[t], cells[t]
    return out, h.copy(), c.copy(), gates, cells, tanhs


def _backward(xp: Any, g_out: Any, g_h: Any, g_c: Any, x: Any, w_ih: Any, w_hh: Any, h0: Any, c0: Any,
              out: Any, gates: Any, cells: Any, tanhs: Any, reverse: bool, biased: bool) -> tuple:
    if kernel(xp, "lstm_cell_backward", x, w_ih, w_hh, h0, c0) is not None:
        return _backward_fused(xp, g_out, g_h, g_c, x, w_ih, w_hh, h0, c0, out, gates, cells, tanhs, reverse,
                               biased)
    steps, batch, hidden = out.shape
    o, i, f, g = (gates[:, k * hidden : (k + 1) * hidden] for k in range(4))
    # every gate's local derivative, for all steps at once; the loop only scales them by dh and dc
    dz = xp.empty_like(gates)
    d_sig, sig = dz[:, : 3 * hidden], gates[:, : 3 * hidden]
    xp.subtract(1, sig, out=d_sig)
    d_sig *= sig  # σ' = s (1 - s) for o, i, f
    dg = dz[:, 3 * hidden :]
    xp.multiply(g, g, out=dg)
    xp.subtract(1, dg, out=dg)  # tanh' = 1 - g²
    dz[:, :hidden] *= tanhs  # ∂h/∂z_o = tanh(c) σ'
    dz[:, hidden : 2 * hidden] *= g  # ∂c/∂z_i = g σ'
    first, later, earlier = (steps - 1, slice(0, -1), slice(1, None)) if reverse else (0, slice(1, None), slice(0, -1))
    if steps:
        dz[first, 2 * hidden : 3 * hidden] *= c0.T  # ∂c/∂z_f = c_prev σ'
    dz[later, 2 * hidden : 3 * hidden] *= cells[earlier]
    dg *= i  # ∂c/∂z_g = i tanh'
    dc_dh = tanhs * tanhs
    xp.subtract(1, dc_dh, out=dc_dh)
    dc_dh *= o  # ∂h/∂c = o (1 - tanh² c)
    g_out = xp.ascontiguousarray(g_out.transpose(0, 2, 1))
    w = _to_blocks(xp, w_hh, hidden).T  # (H, 4H): dh = W_hhᵀ dz
    dh, dc = g_h.T.copy(), g_c.T.copy()  # C order: the loop updates them in place
    scratch = xp.empty_like(dh)
    for t in range(steps) if reverse else reversed(range(steps)):
        dh += g_out[t]
        dc += xp.multiply(dh, dc_dh[t], out=scratch)
        d = dz[t]
        d[:hidden] *= dh
        d_ifg = d[hidden:].reshape(3, hidden, batch)
        d_ifg *= dc
        dc *= f[t]
        dh = w @ d
    flat = xp.ascontiguousarray(dz.transpose(1, 0, 2)).reshape(4 * hidden, steps * batch)
    h_prev = xp.concatenate([out[1:], h0[None]] if reverse else [h0[None], out[:-1]])
    dx = (flat.T @ _to_blocks(xp, w_ih, hidden)).reshape(x.shape)
    dw_ih = _from_blocks(xp, flat @ x.reshape(steps * batch, x.shape[2]), hidden)
    dw_hh = _from_blocks(xp, flat @ h_prev.reshape(steps * batch, hidden), hidden)
    db = (_from_blocks(xp, row_sums(xp, flat, 1).reshape(-1), hidden),) * 2 if biased else ()
    return (dx, dw_ih, dw_hh, *db, dh.T.copy(), dc.T.copy())


def _backward_fused(xp: Any, g_out: Any, g_h: Any, g_c: Any, x: Any, w_ih: Any, w_hh: Any, h0: Any, c0: Any,
                    out: Any, gates: Any, cells: Any, tanhs: Any, reverse: bool, biased: bool) -> tuple:
    """The backward of `_forward_fused`'s layout, one fused kernel launch per step."""
    steps, batch, hidden = out.shape
    dz = xp.empty_like(gates)
    dh = g_h.copy()
    dc = g_c.copy()
    fused = kernel(xp, "lstm_cell_backward", gates, dh)
    for t in range(steps) if reverse else reversed(range(steps)):
        prev = t + 1 if reverse else t - 1
        c_prev = cells[prev] if 0 <= prev < steps else c0
        fused(gates[t], c_prev, tanhs[t], g_out[t], hidden, dz[t], dh, dc)
        dh = dz[t] @ w_hh
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
