"""The recurrences behind RNN, LSTM and GRU (and their cells), built from tensor ops.

Each layer and direction projects the whole input sequence with ONE matrix product
(`(L·N, I) @ W_ihᵀ`), then loops over time steps in Python: the loop is inherent to
a recurrence, every step is a handful of ops. Gates follow PyTorch's order and formulas:

    RNN   h' = act(W_ih x + b_ih + W_hh h + b_hh)
    LSTM  i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh)   (σ, σ, tanh, σ)
          c' = f c + i g,   h' = o tanh(c')   (then h' = W_hr h' with a projection)
    GRU   r, z = σ(W_ir x + b_ir + W_hr h + b_hr), σ(W_iz x + b_iz + W_hz h + b_hz)
          n = tanh(W_in x + b_in + r (W_hn h + b_hn)),   h' = (1 - z) n + z h
"""

from __future__ import annotations

from collections.abc import Sequence

from ... import ops
from ..._user_frames import warn_once
from ...backends import cpu, mkldnn
from ...engine.grad_mode import is_grad_enabled
from ...ops import autocast_policy
from ...ops.fused import recurrent, recurrent_gru
from ...ops.shape.slicing import cat, stack
from ...tensor import Tensor

State = tuple[Tensor, ...]  # (h,) or, for LSTM, (h, c); each (N, H)


def under_autocast(mode: str, x: Tensor, states: State, weights: list) -> tuple[Tensor, State, list]:
    """The inputs a layer runs with under CPU autocast: PyTorch lowers the whole LSTM layer.

    The LSTM layer is on PyTorch's lower-precision list, so its input, states and weights are
    cast up front. The RNN and GRU layers (and the cells) are composites there: their matrix
    products are cast one by one by the products' own autocast hooks, and the gate arithmetic
    runs in the promoted dtype (a float32 state keeps a GRU's output float32).
    `weights` is a list of per-direction tuples (None where absent).
    """
    if mode != "LSTM" or not autocast_policy.enabled():
        return x, states, weights
    x, states = autocast_policy.lower_precision(x, tuple(states))
    return x, states, [tuple(autocast_policy.lower_precision(w) for w in ws) for ws in weights]


def warn_projections_without_onednn(x: Tensor) -> None:
    """PyTorch's one-time warning when its LSTM with `proj_size` would run on oneDNN but cannot.

    PyTorch picks oneDNN for a non-empty CPU input, with `torch.backends.mkldnn.enabled`, that is
    float32, bfloat16 on a CPU with oneDNN's bfloat16 kernels, or float16 outside grad mode on one
    with its float16 kernels; oneDNN has no projections, so PyTorch says so once and runs its own.
    `x` is the input after autocast. (A packed input goes to PyTorch's packed kernel, which does not ask.)
    """
    kind = x.dtype.name
    onednn = kind == "float32" or (kind == "bfloat16" and cpu.onednn_bfloat16()) or (
        kind == "float16" and not is_grad_enabled() and cpu.onednn_float16())
    if onednn and mkldnn.enabled and x.device.type == "cpu" and x.numel() != 0:
        warn_once("lstm: projections without oneDNN",
                  "LSTM with projections is not supported with oneDNN. Using default implementation.")


def project(x: Tensor, w_ih: Tensor, bias: Tensor | None) -> Tensor:
    """`x @ w_ih.T + bias` for every step at once: x (L, N, I) -> (L, N, G)."""
    steps, batch, features = x.shape
    flat = x.reshape(steps * batch, features)
    out = flat @ w_ih.t() if bias is None else ops.addmm(bias, flat, w_ih.t())
    return out.reshape(steps, batch, out.shape[1])


def step(mode: str, xw: Tensor, state: State, w_hh_t: Tensor, b_hh: Tensor | None, w_hr_t: Tensor | None) -> State:
    """One time step: xw (N, G) is the input projection with b_ih, state the previous (h[, c]).

    The hidden side `h W_hhᵀ + b_hh` is its own product and then added to xw, as PyTorch's cells
    do (folding b_hh into xw rounds differently)."""
    h = state[0]
    hw = h @ w_hh_t if b_hh is None else ops.addmm(b_hh, h, w_hh_t)
    if mode == "RNN_TANH":
        return (ops.tanh(hw + xw),)
    if mode == "RNN_RELU":
        return (ops.relu(hw + xw),)
    if mode == "LSTM":
        h, c = recurrent.cell(hw + xw, state[1])
        return (h if w_hr_t is None else h @ w_hr_t, c)
    return (recurrent_gru.cell(xw, hw, h),)


def scan(mode: str, x: Tensor, state: State, weights: Sequence[Tensor | None], reverse: bool) -> tuple[Tensor, State]:
    """Run one layer in one direction: x (L, N, I) -> outputs (L, N, H_out) and the last state."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    assert w_ih is not None and w_hh is not None
    if mode == "LSTM" and w_hr is None:  # the common cases: one fused node per layer
        out, h, c = recurrent.lstm_layer(x, w_ih, w_hh, b_ih, b_hh, state[0], state[1], reverse)
        return out, (h, c)
    if mode == "GRU" and not autocast_policy.enabled():  # (under autocast, the step loop's products cast)
        out, h = recurrent_gru.gru_layer(x, w_ih, w_hh, b_ih, b_hh, state[0], reverse)
        return out, (h,)
    xw = project(x, w_ih, b_ih)
    # contiguous copies once per layer: BLAS is markedly faster on them than on transposed views
    w_hh_t = w_hh.t().contiguous()
    w_hr_t = None if w_hr is None else w_hr.t().contiguous()
    steps = xw.unbind(0)
    outputs = []
    for xw_t in reversed(steps) if reverse else steps:
        state = step(mode, xw_t, state, w_hh_t, b_hh, w_hr_t)
        outputs.append(state[0])
    if reverse:
        outputs.reverse()
    return stack(outputs), state


def run_layers(
    mode: str,
    x: Tensor,
    state0: State,
    weights: Sequence[Sequence[Tensor | None]],
    num_layers: int,
    bidirectional: bool,
    dropout: float,
    training: bool,
) -> tuple[Tensor, State]:
    """A stack of recurrent layers: x (L, N, I), state0 entries (layers·dirs, N, H) -> output, final states.

    `weights[layer * dirs + direction]` is (w_ih, w_hh, b_ih, b_hh, w_hr), absent ones None.
    Dropout with probability `dropout` is applied to the output of every layer but the last.
    """
    dirs = 2 if bidirectional else 1
    initial = [s.unbind(0) for s in state0]
    finals: list[list[Tensor]] = [[] for _ in state0]
    for layer in range(num_layers):
        outs = []
        for direction in range(dirs):
            k = layer * dirs + direction
            out, last = scan(mode, x, tuple(s[k] for s in initial), weights[k], direction == 1)
            outs.append(out)
            for kept, s in zip(finals, last):
                kept.append(s)
        x = outs[0] if dirs == 1 else cat(outs, 2)
        if dropout > 0 and training and layer < num_layers - 1:
            from ..functional.dropouts import dropout as _dropout

            x = _dropout(x, dropout, True)
    return x, tuple(stack(kept) for kept in finals)


def _refuse_short_packed(mode: str, data: Tensor, batch_sizes: list[int]) -> None:
    """PyTorch's error: an LSTM with one batch size throughout views the data as (T, B, *), the
    others narrow it step by step."""
    if mode == "LSTM" and len(set(batch_sizes)) == 1:
        shape = [len(batch_sizes), batch_sizes[0], *data.shape[1:]]
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {data.numel()}")
    start = 0
    for n in batch_sizes:
        if start + n > data.size(0):
            raise RuntimeError(f"start ({start}) + length ({n}) exceeds dimension size ({data.size(0)}).")
        start += n


def scan_packed(mode: str, data: Tensor, batch_sizes: list[int], state: State,
                weights: Sequence[Tensor | None], reverse: bool) -> tuple[Tensor, State]:
    """One layer and direction over a packed batch: data (sum(batch_sizes), I) -> packed outputs, last states.

    The sequences are sorted longest first, so step t runs the first batch_sizes[t] rows; the
    other rows keep their state (the reverse direction starts each sequence at its own last step).
    """
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    assert w_ih is not None and w_hh is not None
    if sum(batch_sizes) > data.size(0):  # fewer rows than the steps count (lengths past the padded input)
        _refuse_short_packed(mode, data, batch_sizes)
    xw = project(data.unsqueeze(0), w_ih, b_ih)[0]
    w_hh_t = w_hh.t().contiguous()
    w_hr_t = None if w_hr is None else w_hr.t().contiguous()
    steps = list(xw.split(batch_sizes, 0))
    order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
    outputs: list[Tensor] = [xw] * len(steps)
    batch = state[0].size(0)
    for t in order:
        n = batch_sizes[t]
        new = step(mode, steps[t], tuple(s[:n] for s in state), w_hh_t, b_hh, w_hr_t)
        state = new if n == batch else tuple(cat([a, s[n:]], 0) for a, s in zip(new, state))
        outputs[t] = new[0]
    return cat(outputs, 0), state


def run_layers_packed(
    mode: str,
    data: Tensor,
    batch_sizes: list[int],
    state0: State,
    weights: Sequence[Sequence[Tensor | None]],
    num_layers: int,
    bidirectional: bool,
    dropout: float,
    training: bool,
) -> tuple[Tensor, State]:
    """`run_layers` for a packed batch: data (sum(batch_sizes), I), states (layers·dirs, batch_sizes[0], H)."""
    dirs = 2 if bidirectional else 1
    initial = [s.unbind(0) for s in state0]
    finals: list[list[Tensor]] = [[] for _ in state0]
    x = data
    for layer in range(num_layers):
        outs = []
        for direction in range(dirs):
            k = layer * dirs + direction
            out, last = scan_packed(mode, x, batch_sizes, tuple(s[k] for s in initial), weights[k], direction == 1)
            outs.append(out)
            for kept, s in zip(finals, last):
                kept.append(s)
        x = outs[0] if dirs == 1 else cat(outs, 1)
        if dropout > 0 and training and layer < num_layers - 1:
            from ..functional.dropouts import dropout as _dropout

            x = _dropout(x, dropout, True)
    return x, tuple(stack(kept) for kept in finals)
