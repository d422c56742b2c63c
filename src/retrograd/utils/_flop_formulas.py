"""The FLOP formulas of `torch.utils.flop_counter`, keyed by the retrograd primitives they count.

PyTorch counts the aten ops its dispatcher runs: `aten.mm`, `aten.addmm`, `aten.bmm`,
`aten.baddbmm`, `aten.convolution` and `aten.convolution_backward` (the math path of attention
runs as `aten.bmm`; its fused CPU kernel is counted as nothing). Each retrograd primitive that
stands for one of those ops gets a `forward(tensors, attrs) -> [(packet, flops)]` and a `backward`
(the same with the inputs' `requires_grad`), written with PyTorch's formulas (torch/utils/
flop_counter.py: a product is `2 m n k`, bias additions are not counted).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "OpOverloadPacket", "FORMULAS", "CONVOLUTION_RULES", "conv_flop_count", "sdpa_flop_count",
    "sdpa_backward_flop_count",
]

Shape = Sequence[int]
Counts = list[tuple["OpOverloadPacket", int]]


class OpOverloadPacket:
    """An aten op's name as a key of `get_flop_counts()`: prints as PyTorch's (`aten.mm`).

    Examples:
        >>> from retrograd.utils._flop_formulas import MM
        >>> str(MM), repr(MM)
        ('aten.mm', "<OpOverloadPacket(op='aten.mm')>")
    """

    def __init__(self, name: str) -> None:
        self.__name__ = name
        self._qualified_op_name = f"aten::{name}"

    def __str__(self) -> str:
        return f"aten.{self.__name__}"

    def __repr__(self) -> str:
        return f"<OpOverloadPacket(op='aten.{self.__name__}')>"


MM = OpOverloadPacket("mm")
ADDMM = OpOverloadPacket("addmm")
BMM = OpOverloadPacket("bmm")
BADDBMM = OpOverloadPacket("baddbmm")
CONVOLUTION = OpOverloadPacket("convolution")
CONVOLUTION_BACKWARD = OpOverloadPacket("convolution_backward")


def conv_flop_count(x_shape: Shape, w_shape: Shape, out_shape: Shape, transposed: bool = False) -> int:
    """Multiplications and additions of a convolution (N, C, *S) * (O, C/g, *k): PyTorch's count,
    over the output's positions (the input's for a transposed one); the bias is not counted."""
    conv_shape = (x_shape if transposed else out_shape)[2:]
    c_out, c_in, *filter_size = w_shape
    return math.prod(conv_shape) * math.prod(filter_size) * x_shape[0] * c_out * c_in * 2


def sdpa_flop_count(q: Shape, k: Shape, v: Shape) -> int:
    """Q Kᵀ and P V of attention over (*, H, L, E) queries and (*, H_kv, S, E) keys: 2 products."""
    batch = math.prod(q[:-2])
    return 2 * batch * q[-2] * k[-2] * (q[-1] + v[-1])


def sdpa_backward_flop_count(q: Shape, k: Shape, v: Shape, needs: Sequence[bool]) -> int:
    """The products of attention's backward for the inputs that need a gradient (`needs` for q, k, v):
    dP = G Vᵀ (for q or k), dV = Pᵀ G, dQ = dS K, dK = dSᵀ Q."""
    batch, sq, sk = math.prod(q[:-2]), q[-2], k[-2]
    per = 2 * batch * sq * sk  # times the inner size of each product
    return per * (v[-1] * (needs[0] or needs[1]) + v[-1] * needs[2] + q[-1] * needs[0] + q[-1] * needs[1])


def _mm(tensors: Sequence[Any], attrs: dict) -> Counts:
    (m, k), n = tensors[-2].shape, tensors[-1].shape[1]
    return [(MM, 2 * m * n * k)]


def _mm_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool]) -> Counts:
    flops = _mm(tensors, attrs)[0][1]
    return [(MM, flops * (needs[-2] + needs[-1]))]


def _addmm(tensors: Sequence[Any], attrs: dict) -> Counts:
    return [(ADDMM, _mm(tensors, attrs)[0][1])]


def _bmm(tensors: Sequence[Any], attrs: dict) -> Counts:
    (b, m, k), n = tensors[-2].shape, tensors[-1].shape[2]
    return [(BMM, 2 * b * m * n * k)]


def _bmm_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool]) -> Counts:
    return [(BMM, _bmm(tensors, attrs)[0][1] * (needs[-2] + needs[-1]))]


def _baddbmm(tensors: Sequence[Any], attrs: dict) -> Counts:
    return [(BADDBMM, _bmm(tensors, attrs)[0][1])]


def _matmul(tensors: Sequence[Any], attrs: dict) -> Counts:
    """A batched `@`: PyTorch's bmm over the broadcast batch, or one folded mm; a vector that
    requires grad, or a vector on the right, is folded into an mv (not counted)."""
    a, b = tensors[0].shape, tensors[1].shape
    if len(b) == 1 or len(a) == 1 and tensors[0].requires_grad:
        return []
    m = a[-2] if len(a) >= 2 else 1
    batch = math.prod(_broadcast(a[:-2], b[:-2]))
    return [(BMM if attrs.get("bmm") else MM, 2 * batch * m * a[-1] * b[-1])]


def _matmul_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool]) -> Counts:
    return [(packet, flops * (needs[0] + needs[1])) for packet, flops in _matmul(tensors, attrs)]


def _broadcast(a: Shape, b: Shape) -> tuple[int, ...]:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    return tuple(max(x, y) for x, y in zip(a, b))


def _convolution(tensors: Sequence[Any], attrs: dict, out_shape: Shape) -> Counts:
    x, w = tensors[0].shape, tensors[1].shape
    return [(CONVOLUTION, conv_flop_count(x, w, out_shape, transposed="spatial" in attrs))]


def _convolution_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool], out_shape: Shape) -> Counts:
    """PyTorch's convolution_backward: the input's gradient as the other kind of convolution of the
    output's gradient, the weight's as a convolution of the input and the output's gradient."""
    x, w, go = tuple(tensors[0].shape), tuple(tensors[1].shape), tuple(out_shape)
    transposed = "spatial" in attrs
    flops = 0
    if needs[0]:
        flops += conv_flop_count(go, w, x, not transposed)
    if needs[1]:
        def t(shape: Shape) -> list[int]:
            return [shape[1], shape[0], *shape[2:]]

        if transposed:
            flops += conv_flop_count(t(go), t(x), t(w))
        else:
            flops += conv_flop_count(t(x), t(go), t(w))
    return [(CONVOLUTION_BACKWARD, flops)]


def _convolution_rule(tensors: Sequence[Any], attrs: dict, out_shape: Shape) -> Counts:
    """A convolution's derivative recorded as ops (create_graph): the input's gradient as a
    convolution of the output's gradient, counted as PyTorch's convolution_backward counts it."""
    return [(CONVOLUTION_BACKWARD, _convolution(tensors, attrs, out_shape)[0][1])]


def _convolution_weight(tensors: Sequence[Any], attrs: dict, out_shape: Shape) -> Counts:
    """The weight's gradient of a convolution from (N, C, *S) and (N, O, *T), recorded as an op:
    PyTorch's count of it in convolution_backward (every channel pair, whatever the groups)."""
    p, q = tensors[0].shape, tensors[1].shape
    return [(CONVOLUTION_BACKWARD, math.prod(out_shape[2:]) * math.prod(q[2:]) * p[0] * p[1] * q[1] * 2)]


def _attention(tensors: Sequence[Any], attrs: dict) -> Counts:
    """PyTorch's CPU flash kernel (counted as nothing) takes equal head sizes; otherwise its math path runs bmm."""
    q, k, v = (t.shape for t in tensors[:3])
    if q[-1] == v[-1] == k[-1]:
        return []
    return [(BMM, sdpa_flop_count(q, k, v))]


def _attention_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool]) -> Counts:
    q, k, v = (t.shape for t in tensors[:3])
    if q[-1] == v[-1] == k[-1]:
        return []
    return [(BMM, sdpa_backward_flop_count(q, k, v, needs))]


def _einsum(tensors: Sequence[Any], attrs: dict) -> Counts:
    """A contraction of two operands: PyTorch's one bmm over (batch, kept in a, summed) x (batch,
    summed, kept in b), or a multiplication (not counted) when nothing is summed."""
    if len(tensors) != 2:  # one operand: a sum or a view
        return []
    sa, sb, so = attrs["sa"], attrs["sb"], attrs["so"]
    sizes = dict(zip(sa, tensors[0].shape)) | dict(zip(sb, tensors[1].shape))
    summed = [c for c in dict.fromkeys(sa) if c in sb and c not in so]
    if not summed:
        return []
    kept = [c for c in dict.fromkeys(sa + sb) if c in so]
    return [(BMM, 2 * math.prod(sizes[c] for c in kept) * math.prod(sizes[c] for c in summed))]


def _einsum_backward(tensors: Sequence[Any], attrs: dict, needs: Sequence[bool]) -> Counts:
    return [(packet, flops * (needs[0] + needs[1])) for packet, flops in _einsum(tensors, attrs)]


def _with_output(rule: Callable[..., Counts]) -> Callable[..., Counts]:
    """A formula that reads only the inputs, called as one that is also given the output's shape."""
    return lambda tensors, attrs, *rest: rule(tensors, attrs, *rest[:-1])


# the primitives of a convolution's derivative rules, seen when the rules are recorded (create_graph)
CONVOLUTION_RULES: tuple[Callable[..., Counts], Callable[..., Counts]] = (_convolution_rule, lambda *args: [])
# primitive name -> (forward(tensors, attrs, out_shape), backward(tensors, attrs, needs, out_shape))
FORMULAS: dict[str, tuple[Callable[..., Counts], Callable[..., Counts]]] = {
    "mm": (_with_output(_mm), _with_output(_mm_backward)),
    "addmm": (_with_output(_addmm), _with_output(_mm_backward)),
    "bmm": (_with_output(_bmm), _with_output(_bmm_backward)),
    "baddbmm": (_with_output(_baddbmm), _with_output(_bmm_backward)),
    "matmul": (_with_output(_matmul), _with_output(_matmul_backward)),
    "einsum": (_with_output(_einsum), _with_output(_einsum_backward)),
    "convolution": (_convolution, _convolution_backward),
    "convolution_weight": (_convolution_weight, lambda *args: []),
    "scaled_dot_product_attention": (_with_output(_attention), _with_output(_attention_backward)),
}
