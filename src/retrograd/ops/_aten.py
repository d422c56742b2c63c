"""`torch.ops.aten`: PyTorch's built-in operators by their ATen names (`aten.add.Tensor(a, b)`).

Libraries name ATen overloads at import time as table keys (PyTorch Geometric's `Index` and
`EdgeIndex` map `aten.cat.default` and friends to their own handlers), and code written against
`torch.ops.aten` calls them. An `aten.<name>` packet exists for every retrograd op and Tensor method
and for the few ATen-only names below; each overload (`.default`, `.Tensor`, ...) calls the same
retrograd function, since retrograd keeps no table of ATen schemas to pick among them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..tensor import Tensor
from .fused import conv as _conv

__all__: list[str] = []  # internal: nothing here is an op


def _slice(t: Tensor, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1) -> Tensor:
    return t[(slice(None),) * (dim % max(t.dim(), 1)) + (slice(start, end, step),)]


def _convolution(
    x: Tensor, w: Tensor, b: Tensor | None, stride: Any, padding: Any, dilation: Any, transposed: bool,
    output_padding: Any, groups: int, *cudnn_flags: Any,
) -> Tensor:
    """aten.convolution (and aten._convolution, whose cuDNN flags change nothing): (N, C, *S) inputs only."""
    nd = w.dim() - 2
    stride, dilation = _conv.expand_param(stride, nd, "stride"), _conv.expand_param(dilation, nd, "dilation")
    pad = _conv.expand_param(padding, nd, "padding")
    pads = tuple((p, p) for p in pad)
    _conv.check_conv_args(x, w, b, stride, pads, dilation, groups, transposed)
    if not transposed:
        return _conv.conv(x, w, b, stride, pads, dilation, groups)
    out_pad = _conv.expand_param(output_padding, nd, "output_padding")
    spatial = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(x.shape[2:], stride, pad, dilation, w.shape[2:], out_pad)
    )
    return _conv.conv_transpose(x, w, b, stride, pads, dilation, groups, spatial)


# ATen operators that are not retrograd functions or Tensor methods under the same name
_ATEN_ONLY: dict[str, Callable[..., Any]] = {
    "_to_copy": lambda t, **kwargs: t.to(**{k: v for k, v in kwargs.items() if k in ("dtype", "device")}, copy=True),
    "alias": lambda t: t.view_as(t),
    "_pin_memory": lambda t, device=None: t.pin_memory(),
    "slice": _slice,
    "index": lambda t, indices: t[tuple(indices)],
    "_local_scalar_dense": lambda t: t.item(),
    "convolution": _convolution,
    "_convolution": _convolution,
}


# ATen operators that exist in PyTorch, named here so tables keyed by them can be built; calling one raises
_NOT_IMPLEMENTED = ("_sparse_addmm", "_sparse_mm_reduce_impl")


def _not_implemented(name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"aten.{name} is not implemented in retrograd")

    return call


def _implementation(name: str) -> Callable[..., Any] | None:
    ops = importlib.import_module("retrograd.ops")
    if name in ops.__all__:
        return getattr(ops, name)
    method = getattr(Tensor, name, None)
    if callable(method):
        return method
    return _ATEN_ONLY.get(name) or (_not_implemented(name) if name in _NOT_IMPLEMENTED else None)


class OpOverload:
    """One overload of an ATen operator (`aten.add.Tensor`): calling it runs the operator."""

    def __init__(self, packet: OpOverloadPacket, overload: str) -> None:
        self.overloadpacket = packet
        self._overloadname = overload

    def name(self) -> str:
        """The schema name, `aten::add.Tensor`."""
        return f"aten::{self.overloadpacket.__name__}.{self._overloadname}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.overloadpacket(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<OpOverload(op='aten.{self.overloadpacket.__name__}', overload='{self._overloadname}')>"


class OpOverloadPacket:
    """An ATen operator with all its overloads (`aten.add`); `.default`, `.Tensor`, ... select one."""

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.__name__ = name
        self._fn = fn
        self._overloads: dict[str, OpOverload] = {}

    def __getattr__(self, overload: str) -> OpOverload:
        if overload.startswith("__"):
            raise AttributeError(overload)
        found = self._overloads.get(overload)
        if found is None:
            found = self._overloads[overload] = OpOverload(self, overload)
        return found

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<OpOverloadPacket(op='aten.{self.__name__}')>"


class AtenNamespace:
    """`torch.ops.aten`: an `OpOverloadPacket` per operator name, made on first use."""

    def __init__(self) -> None:
        self._packets: dict[str, OpOverloadPacket] = {}

    def __getattr__(self, name: str) -> OpOverloadPacket:
        found = self._packets.get(name)
        if found is None:
            fn = None if name.startswith("__") else _implementation(name)
            if fn is None:
                raise AttributeError(f"'_OpNamespace' 'aten' object has no attribute '{name}'")
            found = self._packets[name] = OpOverloadPacket(name, fn)
        return found

    def __repr__(self) -> str:
        return "<module 'torch.ops.aten' from 'torch.ops'>"
