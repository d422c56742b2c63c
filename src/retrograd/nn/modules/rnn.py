"""Recurrent layers: RNN, LSTM, GRU and the single-step cells, with PyTorch's parameters.

Parameter names, shapes, gate order, initialisation U(-1/√H, 1/√H), input layouts
(time-major, `batch_first`, unbatched), errors and reprs follow PyTorch 2.13. The
recurrence itself lives in `_rnn_scan.py`.
"""

from __future__ import annotations

import math
import numbers
import warnings
import weakref
from typing import Any

from ... import ops
from ...ops import autocast_policy
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from . import _rnn_scan as scan
from .module import Module
from .rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")


def _check_sizes(input_size: Any, hidden_size: Any, num_layers: int, bias: Any, batch_first: Any) -> None:
    if not isinstance(bias, bool):
        raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
    if not isinstance(input_size, int):
        raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")


def _check_dropout(dropout: Any, num_layers: int) -> None:
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:  # type: ignore[operator]
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
        )
    if dropout > 0 and num_layers == 1:  # type: ignore[operator]
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
            stacklevel=4,
        )


class RNNBase(Module):
    """Shared construction, checks and forward of RNN, LSTM and GRU (`mode` picks the recurrence).

    Args:
        mode (str): `'RNN_TANH'`, `'RNN_RELU'`, `'LSTM'` or `'GRU'`.
        input_size (int): features per time step of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        num_layers (int): stacked layers (default 1).
        bias (bool): learn biases (default True).
        batch_first (bool): inputs and outputs are (N, L, ·) instead of (L, N, ·) (default False).
        dropout (float): dropout on the outputs of each layer but the last (default 0).
        bidirectional (bool): also run backwards in time; outputs are then 2·H wide (default False).
        proj_size (int): for LSTM, project the hidden state to this size (default 0).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (RNNBase): the recurrent module for `mode`, with parameters `weight_ih_l{k}`, `weight_hh_l{k}`,
            `bias_ih_l{k}`, `bias_hh_l{k}` (`_reverse` too when bidirectional).

    Examples:
        >>> base = nn.RNNBase('GRU', 2, 3)
        >>> [name for name, _ in base.named_parameters()]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
        >>> base.weight_ih_l0.shape
        retrograd.Size([9, 2])
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _check_dropout(dropout, num_layers)
        _check_sizes(input_size, hidden_size, num_layers, bias, batch_first)
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                self._add_layer(layer, direction, device, dtype)
        self._init_flat_weights()
        self.reset_parameters()

    def _add_layer(self, layer: int, direction: int, device: Any, dtype: Any) -> None:
        """Register one layer/direction's parameters under PyTorch's names, in PyTorch's order."""
        gates = _GATES[self.mode] * self.hidden_size
        real_hidden = self.proj_size or self.hidden_size
        in_size = self.input_size if layer == 0 else real_hidden * (2 if self.bidirectional else 1)
        shapes: dict[str, tuple[int, ...]] = {"weight_ih": (gates, in_size), "weight_hh": (gates, real_hidden)}
        if self.bias:
            shapes.update(bias_ih=(gates,), bias_hh=(gates,))
        if self.proj_size > 0:
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        suffix = "_reverse" if direction == 1 else ""
        names = []
        for kind, shape in shapes.items():
            name = f"{kind}_l{layer}{suffix}"
            setattr(self, name, Parameter(ops.empty(shape, dtype=dtype, device=device)))
            names.append(name)
        self._flat_weights_names.extend(names)
        self._all_weights.append(names)

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/√hidden_size, 1/√hidden_size)."""
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # PyTorch keeps the weights forward reads in a list, `_flat_weights`, kept up to date when a
    # weight is assigned and re-read when an attribute no longer is the weight it last read (a
    # parametrization, functional_call, higher's fast weights). Reading them as PyTorch does (each
    # `hasattr` then `getattr`, as often) runs a random parametrization (weight drop) as often.
    def _init_flat_weights(self) -> None:
        self._flat_weights = [getattr(self, n) if hasattr(self, n) else None for n in self._flat_weights_names]
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None for w in self._flat_weights]

    def _weights_have_changed(self) -> bool:
        for ref, name in zip(self._flat_weight_refs, self._flat_weights_names, strict=True):
            weight = getattr(self, name) if hasattr(self, name) else None
            if weight is not None and ref is not None and ref() is not weight:
                return True
        return False

    def _update_flat_weights(self) -> None:
        if self._weights_have_changed():
            self._init_flat_weights()

    def __setattr__(self, name: str, value: Any) -> None:
        if "_flat_weights" in self.__dict__ and name in self._flat_weights_names:
            self._flat_weights[self._flat_weights_names.index(name)] = value  # as PyTorch's __setattr__
        super().__setattr__(name, value)

    def _apply(self, fn: Any, recurse: bool = True) -> Module:
        self._flat_weight_refs = []
        result = super()._apply(fn, recurse)
        self._init_flat_weights()
        return result

    def __getstate__(self) -> dict[str, Any]:
        self._update_flat_weights()
        return {k: v for k, v in self.__dict__.items() if k != "_flat_weight_refs"}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({k: v for k, v in state.items() if k not in ("_flat_weights", "_flat_weight_refs")})
        self._init_flat_weights()

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch uses it to pack weights for cuDNN."""

    def _layer_weights(self) -> list[tuple[Tensor | None, ...]]:
        """(w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction, None where absent.

        Read as attributes, not from `_parameters`: a weight may be computed (the older
        `nn.utils.weight_norm` sets a plain tensor) or parametrized (`orthogonal(rnn, "weight_hh_l0")`).
        """
        read = dict(zip(self._flat_weights_names, self._flat_weights, strict=True))
        return [
            tuple(read.get(f"{kind}_l{layer}{'_reverse' if direction else ''}") for kind in _KINDS)
            for layer in range(self.num_layers)
            for direction in range(2 if self.bidirectional else 1)
        ]

    def check_input(self, input: Tensor, batch_sizes: Tensor | None = None) -> None:
        """PyTorch's checks of the (batched, 3-D) input: dtype, rank and feature size."""
        wdtype = self._flat_weights[0].dtype
        if input.dtype != wdtype and not autocast_policy.enabled():  # (autocast casts them alike, as PyTorch)
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({wdtype}). "
                f"Convert input: input.to({wdtype}), or convert model: model.to({input.dtype})"
            )
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.size(-1)}"
            )

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None = None) -> tuple[int, int, int]:
        """(num_layers · num_directions, N, proj_size or hidden_size)."""
        if batch_sizes is not None:  # a packed sequence: its first step holds the whole batch
            batch = int(batch_sizes[0])
        else:
            batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), batch, self.proj_size or self.hidden_size)

    def check_hidden_size(
        self, hx: Tensor, expected: tuple[int, int, int], msg: str = "Expected hidden size {}, got {}"
    ) -> None:
        """Raise PyTorch's RuntimeError when hx is not `expected`."""
        if tuple(hx.size()) != expected:
            raise RuntimeError(msg.format(expected, list(hx.size())))

    def _batched(self, input: Tensor, hx: Any, name: str) -> tuple[Tensor, Any, bool]:
        """Add the batch dim to an unbatched (L, H_in) input and its (2-D) states."""
        if input.dim() not in (2, 3):
            tail = " tensor instead" if name == "RNN" else " instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tail}")
        batched = input.dim() == 3
        if name != "LSTM" and hx is not None and not isinstance(hx, Tensor):
            # PyTorch reads hx.dim() first: an LSTM's (h, c) pair handed to a GRU fails there
            raise AttributeError(f"'{type(hx).__name__}' object has no attribute 'dim'")
        states = () if hx is None else (tuple(hx) if isinstance(hx, (tuple, list)) else (hx,))
        if name == "LSTM" and isinstance(hx, Tensor):  # PyTorch reads hx[0] and hx[1]: along a tensor's dim 0
            if len(hx) < 2:
                raise IndexError(f"index {len(hx)} is out of bounds for dimension 0 with size {len(hx)}")
            states = (hx[0], hx[1])
        want = 3 if batched else 2
        read = states[:2] if name == "LSTM" else states  # PyTorch looks at hx[0] and hx[1] only
        if any(s.dim() != want for s in read):
            dims = ", ".join(f"{s.dim()}-D" for s in read)
            what, cx = ("batched 3-D", "3-D") if batched else ("unbatched 2-D", "2-D")
            if len(read) == 2:
                raise RuntimeError(f"For {what} input, hx and cx should also be {cx} but got ({dims}) tensors")
            raise RuntimeError(f"For {what} input, hx should also be {cx} but got {dims} tensor")
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
            states = tuple(s.unsqueeze(1) for s in states)
        return input, states, batched

    def _zero_states(self, input: Tensor) -> tuple[Tensor, ...]:
        shape = self.get_expected_hidden_size(input)
        h = ops.zeros(shape, dtype=input.dtype, device=input.device)
        if self.mode != "LSTM":
            return (h,)
        return (h, ops.zeros(shape[:2] + (self.hidden_size,), dtype=input.dtype, device=input.device))

    def _check_states(self, input: Tensor, states: tuple[Tensor, ...]) -> None:
        expected = self.get_expected_hidden_size(input)
        self._check_state_dtype(states[0])
        if self.mode != "LSTM":
            self.check_hidden_size(states[0], expected)
            return
        self.check_hidden_size(states[0], expected, "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(states[1], expected[:2] + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
        if len(states) != 2:
            raise RuntimeError("lstm expects two hidden states")

    def _check_state_dtype(self, h: Tensor) -> None:
        """PyTorch's error for an h_0 whose dtype is not the weights': its product `h W_hhᵀ` raises.

        Under autocast the products cast their operands themselves (and raise there if they must).
        """
        w = self._flat_weights[1]  # weight_hh_l0, as forward reads it
        if h.dtype == w.dtype or autocast_policy.enabled():
            return
        if self.bias:  # addmm(b_hh, h, W_hhᵀ)
            names = f"{h.dtype.kind_name} and {w.dtype.kind_name}"
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {names}")
        names = f"{h.dtype.c10_name} != {w.dtype.c10_name}"
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {names}")

    def _run(self, input: Any, hx: Any, name: str) -> tuple[Any, tuple[Tensor, ...]]:
        """Shared forward: returns the output and the final states with the caller's layout."""
        from ..utils.rnn import PackedSequence

        self._update_flat_weights()
        if isinstance(input, PackedSequence):
            return self._run_packed(input, hx)
        input, states, batched = self._batched(input, hx, name)
        if not states:
            states = self._zero_states(input)
        self.check_input(input)
        self._check_states(input, states)
        x = input.transpose(0, 1) if self.batch_first else input
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x, states, weights = scan.under_autocast(self.mode, x, states, self._layer_weights())
        if self.proj_size > 0:
            scan.warn_projections_without_onednn(x)
        out, finals = scan.run_layers(
            self.mode, x, states, weights, self.num_layers, self.bidirectional, self.dropout, self.training,
        )
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(0 if self.batch_first else 1)
            finals = tuple(s.squeeze(1) for s in finals)
        return out, finals

    def _run_packed(self, packed: Any, hx: Any) -> tuple[Any, tuple[Tensor, ...]]:
        """Forward over a PackedSequence: states are permuted into the packed (sorted) order and back."""
        data, sizes = packed.data, [int(n) for n in packed.batch_sizes.tolist()]
        sort, unsort = packed.sorted_indices, packed.unsorted_indices
        layers = self.num_layers * (2 if self.bidirectional else 1)
        expected = (layers, sizes[0], self.proj_size or self.hidden_size)
        if hx is None:
            states: tuple[Tensor, ...] = (ops.zeros(expected, dtype=data.dtype, device=data.device),)
            if self.mode == "LSTM":
                states += (ops.zeros(expected[:2] + (self.hidden_size,), dtype=data.dtype, device=data.device),)
        else:
            states = self._packed_states(hx, sort)
        self.check_input(data, packed.batch_sizes)
        if self.mode != "LSTM":
            self.check_hidden_size(states[0], expected)
        else:
            self.check_hidden_size(states[0], expected, "Expected hidden[0] size {}, got {}")
            self.check_hidden_size(states[1], expected[:2] + (self.hidden_size,),
                                   "Expected hidden[1] size {}, got {}")
        data, states, weights = scan.under_autocast(self.mode, data, states, self._layer_weights())
        out, finals = scan.run_layers_packed(
            self.mode, data, sizes, states, weights, self.num_layers, self.bidirectional, self.dropout, self.training,
        )
        if unsort is not None:
            finals = tuple(s.index_select(1, unsort) for s in finals)
        return type(packed)(out, packed.batch_sizes, sort, unsort), finals

    def _packed_states(self, hx: Any, sort: Tensor | None) -> tuple[Tensor, ...]:
        """The given states of a packed forward, in the packed (sorted) batch order.

        PyTorch hands a GRU's or RNN's hx to `index_select` (or `size`) as a tensor, and an LSTM's
        (h, c) to `hx[0]`, `hx[1]` and then to a kernel that wants exactly two states.
        """
        if self.mode != "LSTM" and not isinstance(hx, Tensor):
            attr = "size" if sort is None else "index_select"
            raise AttributeError(f"'{type(hx).__name__}' object has no attribute '{attr}'")
        states = tuple(hx) if isinstance(hx, (tuple, list)) else (hx,)
        if self.mode == "LSTM" and len(states) != 2:
            if sort is not None and len(states) < 2:
                raise IndexError("tuple index out of range")
            raise RuntimeError("lstm expects two hidden states")
        if sort is not None:
            states = tuple(s.index_select(1, sort) for s in states)
        return states

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _no_proj(kwargs: dict) -> None:
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(RNNBase):
    """Elman RNN, h' = tanh or relu(W_ih x + b_ih + W_hh h + b_hh); input (L, N, H_in) -> (output, h_n).

    Args:
        input_size (int): features per time step of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        num_layers (int): stacked layers (default 1).
        nonlinearity (str): `'tanh'` (default) or `'relu'`.
        *args: `bias`, `batch_first`, `dropout`, `bidirectional`, `device`, `dtype` in that order (see Other
            Parameters).
        **kwargs: the same, by name.

    Other Parameters:
        bias (bool): learn biases (default True).
        batch_first (bool): inputs and outputs are (N, L, ·) instead of (L, N, ·) (default False).
        dropout (float): dropout on the outputs of each layer but the last (default 0).
        bidirectional (bool): also run backwards in time; outputs are then 2·H wide (default False).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (RNN): a module; `rnn(input, h_0=None)` gives `(output, h_n)`, output (L, N, D·H) (or (N, L, D·H) with
            batch_first, (L, D·H) unbatched) and h_n (D·num_layers, N, H), with D = 2 if bidirectional else 1.

    Examples:
        >>> rnn = nn.RNN(4, 6, num_layers=2)
        >>> rnn
        RNN(4, 6, num_layers=2)
        >>> output, h_n = rnn(retrograd.zeros(5, 3, 4))
        >>> output.shape, h_n.shape
        (retrograd.Size([5, 3, 6]), retrograd.Size([2, 3, 6]))
        >>> nn.RNN(4, 6, nonlinearity='relu', bidirectional=True)(retrograd.zeros(5, 4))[0].shape
        retrograd.Size([5, 12])
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 *args: Any, **kwargs: Any) -> None:
        _no_proj(kwargs)
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, *args, **kwargs)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """input (L, N, H_in), (N, L, H_in) with batch_first, or (L, H_in); hx (layers·dirs, N, H)."""
        out, (h,) = self._run(input, hx, "RNN")
        return out, h


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o); returns (output, (h_n, c_n)).

    Args:
        input_size (int): features per time step of the input, H_in.
        hidden_size (int): features of the hidden state, H.

    Other Parameters:
        num_layers (int): stacked layers (default 1).
        bias (bool): learn biases (default True).
        batch_first (bool): inputs and outputs are (N, L, ·) instead of (L, N, ·).
        dropout (float): dropout between layers, all but the last (default 0).
        bidirectional (bool): also run backwards in time; outputs are then 2·H wide.
        proj_size (int): project the hidden state to this size (default 0, no projection).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LSTM): a module; `lstm(input, (h_0, c_0))` gives `(output, (h_n, c_n))`, output
            (L, N, D·H) and each state (D·num_layers, N, H), with D = 2 if bidirectional else 1.

    Examples:
        >>> lstm = nn.LSTM(input_size=4, hidden_size=6, num_layers=2, batch_first=True)
        >>> output, (h_n, c_n) = lstm(retrograd.zeros(3, 5, 4))
        >>> output.shape, h_n.shape, c_n.shape
        (retrograd.Size([3, 5, 6]), retrograd.Size([2, 3, 6]), retrograd.Size([2, 3, 6]))
    """

    def __init__(self, input_size: int, hidden_size: int, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", input_size, hidden_size, *args, **kwargs)

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None = None) -> tuple[int, int, int]:
        """(num_layers · num_directions, N, hidden_size)."""
        return self.get_expected_hidden_size(input, batch_sizes)[:2] + (self.hidden_size,)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """input (L, N, H_in) or batch_first or unbatched; hx = (h_0, c_0), each (layers·dirs, N, ·)."""
        out, (h, c) = self._run(input, hx, "LSTM")
        return out, (h, c)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n); returns (output, h_n).

    Args:
        input_size (int): features per time step of the input, H_in.
        hidden_size (int): features of the hidden state, H.
        *args: `num_layers`, `bias`, `batch_first`, `dropout`, `bidirectional`, `device`, `dtype` in that order (see
            Other Parameters).
        **kwargs: the same, by name.

    Other Parameters:
        num_layers (int): stacked layers (default 1).
        bias (bool): learn biases (default True).
        batch_first (bool): inputs and outputs are (N, L, ·) instead of (L, N, ·) (default False).
        dropout (float): dropout on the outputs of each layer but the last (default 0).
        bidirectional (bool): also run backwards in time; outputs are then 2·H wide (default False).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (GRU): a module; `gru(input, h_0=None)` gives `(output, h_n)`, output (L, N, D·H) (or (N, L, D·H) with
            batch_first) and h_n (D·num_layers, N, H), with D = 2 if bidirectional else 1.

    Examples:
        >>> gru = nn.GRU(input_size=4, hidden_size=6, batch_first=True)
        >>> gru
        GRU(4, 6, batch_first=True)
        >>> output, h_n = gru(retrograd.zeros(3, 5, 4))
        >>> output.shape, h_n.shape
        (retrograd.Size([3, 5, 6]), retrograd.Size([1, 3, 6]))
        >>> gru.weight_ih_l0.shape
        retrograd.Size([18, 4])
    """

    def __init__(self, input_size: int, hidden_size: int, *args: Any, **kwargs: Any) -> None:
        _no_proj(kwargs)
        super().__init__("GRU", input_size, hidden_size, *args, **kwargs)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """input (L, N, H_in), (N, L, H_in) with batch_first, or (L, H_in); hx (layers·dirs, N, H)."""
        out, (h,) = self._run(input, hx, "GRU")
        return out, h

