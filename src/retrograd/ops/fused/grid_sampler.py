"""grid_sample as one primitive per dimensionality, as PyTorch's grid_sampler_2d / grid_sampler_3d.

The forward and the first-order backward (gradients for the input and the grid) run in array code
(`grid_sampler_2d`, `grid_sampler_3d`), so `out.grad_fn` is PyTorch's GridSampler2DBackward0 /
GridSampler3DBackward0 and float32 results carry PyTorch's CPU bits. The backward is a primitive of
its own (so `retrograd.compile` records it as one call); it is not differentiable. When the backward
is itself recorded (`create_graph=True`, forward-mode AD, vmap), the rule differentiates the same
sampling composed from tensor ops instead (`grid_sample_composed`), so higher derivatives are exact,
as PyTorch's double backward through grid_sample is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...dtypes import bfloat16, float16
from ...engine.primitive import Primitive
from ...tensor import Tensor
from . import grid_sampler_2d, grid_sampler_3d
from .grid_sample_composed import composed
from .recompute import differentiate, recorded

__all__: list[str] = []


def _backward(kernel: Any) -> Callable[..., Any]:
    def backward(xp: Any, g: Any, x: Any, grid: Any, mode: str, padding_mode: str, align_corners: bool,
                 input_grad: bool) -> tuple:
        d_input, d_grid = kernel.backward(xp, g, x, grid, mode, padding_mode, align_corners, input_grad)
        return (xp.zeros((), d_grid.dtype) if d_input is None else d_input), d_grid

    return backward


_BACKWARD = {
    nd: Primitive(f"grid_sampler_{nd}d_backward", _backward(kernel), [None] * 3, inputs=("g", "x", "grid"),
                  n_outputs=2)
    for nd, kernel in ((2, grid_sampler_2d), (3, grid_sampler_3d))
}


def _rule(g: Tensor, x: Tensor, grid: Tensor, mode: str, padding_mode: str, align_corners: bool) -> tuple:
    if recorded(g):  # the backward is recorded or batched: differentiate the composed sampling
        return differentiate(lambda a, b: composed(a, b, mode, padding_mode, align_corners), (x, grid), g)
    wanted = x.requires_grad  # as PyTorch's output_mask: no input gradient unless the input needs one
    d_input, d_grid = _BACKWARD[x.dim() - 2](g, x, grid, mode=mode, padding_mode=padding_mode,
                                             align_corners=align_corners, input_grad=wanted)
    return (d_input if wanted else None), d_grid


_HALF_TYPES = (float16, bfloat16)
_SAMPLERS = {
    nd: Primitive(f"grid_sampler_{nd}d", kernel.forward, [_rule], inputs=("x", "grid"),
                  node_name=f"GridSampler{nd}DBackward0", joint=True)
    for nd, kernel in ((2, grid_sampler_2d), (3, grid_sampler_3d))
}


def grid_sampler(x: Tensor, grid: Tensor, mode: str, padding_mode: str, align_corners: bool) -> Tensor:
    """Samples of x (N, C, H, W) or (N, C, D, H, W) at grid (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3).

    Arguments are checked by the caller (`F.grid_sample`); `mode` is 'bilinear', 'nearest' or
    'bicubic' (4-D only), `padding_mode` 'zeros', 'border' or 'reflection'. float16 and bfloat16 are
    sampled by the composed ops: PyTorch's kernels round every operation to the half type (no fused
    multiply-adds), as the composed ops do, where the primitive computes in float32.
    """
    if x.dtype in _HALF_TYPES:
        return composed(x, grid, mode, padding_mode, align_corners)
    return _SAMPLERS[x.dim() - 2](x, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
