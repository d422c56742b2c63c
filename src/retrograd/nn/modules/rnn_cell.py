"""Single-step recurrent cells: RNNCell, LSTMCell, GRUCell (same maths as the layers, one step)."""

from __future__ import annotations

import math
from typing import Any

from ... import ops
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from . import _rnn_scan as scan
from .module import Module

__all__ = ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


class RNNCellBase(Module):
    """Parameters weight_ih (G·H, H_in), weight_hh (G·H, H), bias_ih, bias_hh (G·H) of a cell with G gates.

    Args:
        input_size (int): features of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        bias (bool): learn `bias_ih` and `bias_hh`.
        num_chunks (int): the gate count G (1 RNN, 4 LSTM, 3 GRU).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (RNNCellBase): a module with `weight_ih` (G·H, H_in), `weight_hh` (G·H, H) and, with bias, `bias_ih`,
            `bias_hh` (G·H,), all drawn from U(±1/√H).

    Examples:
        >>> cell = nn.RNNCellBase(2, 3, True, 4)
        >>> cell
        RNNCellBase(2, 3)
        >>> cell.weight_ih.shape, cell.weight_hh.shape
        (retrograd.Size([12, 2]), retrograd.Size([12, 3]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(ops.empty((gates, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(ops.empty((gates, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(ops.empty(gates, dtype=dtype, device=device))
            self.bias_hh = Parameter(ops.empty(gates, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/√hidden_size, 1/√hidden_size)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _step(self, mode: str, name: str, input: Tensor, hx: Any) -> tuple[Tensor, ...]:
        """Check shapes, add the batch dim to 1-D inputs, run one step, drop the batch dim again."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = () if hx is None else (tuple(hx) if mode == "LSTM" else (hx,))
        for idx, s in enumerate(states):
            if s.dim() not in (1, 2):
                what = f"hx[{idx}]" if mode == "LSTM" else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            # PyTorch reads hx[0] and hx[1] here (an IndexError for a 1-tuple)
            states = (states[0].unsqueeze(0), states[1].unsqueeze(0)) if mode == "LSTM" and states \
                else tuple(s.unsqueeze(0) for s in states)
        if mode == "LSTM" and states and len(states) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        if not states:
            zeros = ops.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
            states = (zeros, zeros) if mode == "LSTM" else (zeros,)
        self._check(input, states)
        w_ih_t = self.weight_ih.t()
        xw = input @ w_ih_t if self.bias_ih is None else ops.addmm(self.bias_ih, input, w_ih_t)
        out = scan.step(mode, xw, states, self.weight_hh.t(), self.bias_hh, None)
        return out if batched else tuple(s.squeeze(0) for s in out)

    def _check(self, input: Tensor, states: tuple[Tensor, ...]) -> None:
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        for i, s in enumerate(states):
            if s.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {s.size(0)}")
            if s.size(1) != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {s.size(1)}, expected {self.hidden_size}"
                )


class RNNCell(RNNCellBase):
    """h' = tanh or relu(W_ih x + b_ih + W_hh h + b_hh); input (N, H_in) or (H_in), hx (N, H) or (H).

    Args:
        input_size (int): features of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        bias (bool): learn `bias_ih` and `bias_hh` (default True).
        nonlinearity (str): `'tanh'` (default) or `'relu'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (RNNCell): a module; `cell(input, hx=None)` with input (N, H_in) or (H_in,) and hx (N, H) or (H,) (zeros
            when None) gives h' of hx's shape.

    Examples:
        >>> cell = nn.RNNCell(4, 6)
        >>> cell
        RNNCell(4, 6)
        >>> h = cell(retrograd.zeros(3, 4))
        >>> h.shape
        retrograd.Size([3, 6])
        >>> cell(retrograd.zeros(3, 4), h).shape
        retrograd.Size([3, 6])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """The next hidden state (N, H) (or (H) for unbatched input)."""
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(modes[self.nonlinearity], "RNNCell", input, hx)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o); hx = (h, c), each (N, H) or (H); returns (h', c').

    Args:
        input_size (int): features of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        bias (bool): learn `bias_ih` and `bias_hh` (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LSTMCell): a module; `cell(input, hx=None)` with input (N, H_in) or (H_in,) and hx = (h, c), each (N, H) or
            (H,) (zeros when None), gives (h', c').

    Examples:
        >>> cell = nn.LSTMCell(4, 6)
        >>> cell
        LSTMCell(4, 6)
        >>> h, c = cell(retrograd.zeros(3, 4))
        >>> h.shape, c.shape
        (retrograd.Size([3, 6]), retrograd.Size([3, 6]))
        >>> cell.weight_ih.shape
        retrograd.Size([24, 4])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """(h', c'), each (N, H) (or (H) for unbatched input)."""
        h, c = self._step("LSTM", "LSTMCell", input, hx)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n); input (N, H_in) or (H_in), hx (N, H) or (H).

    Args:
        input_size (int): features of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        bias (bool): learn `bias_ih` and `bias_hh` (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (GRUCell): a module; `cell(input, hx=None)` with input (N, H_in) or (H_in,) and hx (N, H) or (H,) (zeros
            when None) gives h' of hx's shape.

    Examples:
        >>> cell = nn.GRUCell(4, 6)
        >>> cell
        GRUCell(4, 6)
        >>> cell(retrograd.zeros(3, 4)).shape
        retrograd.Size([3, 6])
        >>> cell.weight_hh.shape
        retrograd.Size([18, 6])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """The next hidden state (N, H) (or (H) for unbatched input)."""
        return self._step("GRU", "GRUCell", input, hx)[0]
