"""LayerNorm, GroupNorm and RMSNorm, and the affine weight/bias the normalisation layers share.

Parameters start at weight = 1, bias = 0, as in PyTorch.
"""

from __future__ import annotations

import numbers
from typing import Any

from ... import dtypes as _dt
from ...ops.creation import empty
from ...ops.from_data import tensor
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm", "CrossMapLRN2d"]


def register_affine(module: Module, shape: tuple, affine: bool, bias: bool, device: Any, dtype: Any) -> None:
    """Register `weight` and `bias` (or None placeholders) of `shape`."""
    if affine:
        module.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            module.bias = Parameter(empty(shape, device=device, dtype=dtype))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def reset_affine(module: Module) -> None:
    """weight = 1, bias = 0 (where the module has them)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        init.zeros_(module.bias)



def _as_shape(normalized_shape: Any) -> tuple:
    if isinstance(normalized_shape, numbers.Integral):
        return (int(normalized_shape),)
    return tuple(normalized_shape)


class LayerNorm(Module):
    """Layer norm over the trailing `normalized_shape` dims, with elementwise weight (1) and bias (0).

    `y = (x - mean) / sqrt(var + eps) * weight + bias`, with the mean and (biased) variance taken
    over the last `len(normalized_shape)` dims of each sample.

    Args:
        normalized_shape (int or sequence of int): the trailing shape to normalise over.
        eps (float): added to the variance (default 1e-5).
        elementwise_affine (bool): learn `weight` (and `bias`) of `normalized_shape` (default True).
        bias (bool): learn a bias too (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LayerNorm): a module; the output has the input's shape.

    Examples:
        >>> norm = nn.LayerNorm(3)
        >>> norm(retrograd.tensor([[1.0, 2.0, 3.0]]))
        tensor([[-1.2247,  0.0000,  1.2247]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: _dt.dtype | None = None) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        register_affine(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight = 1, bias = 0."""
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Group norm of (N, C, *) inputs over groups of channels, per-channel weight (1) and bias (0).

    Args:
        num_groups (int): the number of groups; `num_channels` must divide by it.
        num_channels (int): C, the input's channels.
        eps (float): added to the variance (default 1e-5).
        affine (bool): learn a per-channel `weight` (ones) and `bias` (zeros) (default True).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (GroupNorm): a module mapping (N, C, *) to the same shape.

    Examples:
        >>> gn = nn.GroupNorm(2, 4)
        >>> gn
        GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
        >>> gn(retrograd.tensor([[1.0, 3.0, 0.0, 4.0]]))
        tensor([[-1.0000,  1.0000, -1.0000,  1.0000]],
               grad_fn=<NativeGroupNormBackward0>)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: _dt.dtype | None = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        register_affine(self, (num_channels,), affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight = 1, bias = 0."""
        reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """`x / √(mean(x²) + eps) * weight` over the trailing `normalized_shape` dims (eps: dtype's epsilon).

    Args:
        normalized_shape (int or sequence of int): the trailing dims to normalise over.
        eps (float, optional): added to the mean square; None uses the machine epsilon of the dtype
            it is computed in (float32's for float16 and bfloat16 input).
        elementwise_affine (bool): learn a `weight` of shape `normalized_shape` (ones) (default True).
        device (str or device, optional): where the parameters and buffers live.
        dtype (dtype, optional): their dtype (default float32).

    Returns:
        (RMSNorm): a module mapping (*, *normalized_shape) to the same shape.

    Examples:
        >>> norm = nn.RMSNorm(2)
        >>> norm
        RMSNorm((2,), eps=None, elementwise_affine=True)
        >>> norm(retrograd.tensor([[3.0, 4.0]]))
        tensor([[0.8485, 1.1314]], grad_fn=<MulBackward0>)
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True,
                 device: Any = None, dtype: _dt.dtype | None = None) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight = 1."""
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"



class LocalResponseNorm(Module):
    """Normalise each channel by the mean square of its `size` neighbouring channels (see F.local_response_norm).

    Args:
        size (int): the number of neighbouring channels to average over.
        alpha (float): the scale (default 1e-4).
        beta (float): the exponent (default 0.75).
        k (float): the additive constant (default 1).

    Returns:
        (LocalResponseNorm): a module mapping (N, C, *) to the same shape.

    Examples:
        >>> lrn = nn.LocalResponseNorm(2, alpha=1.0, beta=1.0)
        >>> lrn
        LocalResponseNorm(2, alpha=1.0, beta=1.0, k=1.0)
        >>> lrn(retrograd.tensor([[[1.0], [2.0], [3.0]]]))
        tensor([[[0.6667],
                 [0.5714],
                 [0.4000]]])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _cross_map_window(channels: int, size: int) -> list[list[float]]:
    """window[c][j] = 1 when channel j's square enters channel c's scale in PyTorch's CrossMapLRN2d.

    PyTorch slides a running sum over the channels: channel 0 sums the first ⌊(size-1)/2⌋+1
    squares, each next channel adds the square entering on the right and drops the one leaving
    on the left, except that channel 0's square is never dropped. The window reproduces that.
    """
    pre_pad = int((size - 1) / 2 + 1)
    rows = [[0.0] * channels for _ in range(channels)]
    for j in range(min(pre_pad, channels)):
        rows[0][j] = 1.0
    for c in range(1, channels):
        rows[c] = list(rows[c - 1])
        if c < channels - pre_pad + 1:
            rows[c][c + pre_pad - 1] += 1.0
        if c > pre_pad:
            rows[c][c - pre_pad] -= 1.0
    return rows


class CrossMapLRN2d(Module):
    """Lua Torch's cross-channel LRN of (N, C, H, W): x / (k + alpha/size · Σ_window x²)^beta.

    The window over channels is PyTorch's (see `_cross_map_window`). The gradient is the exact
    derivative of this forward (PyTorch's own backward assumes a symmetric window and does not
    pass gradcheck).

    Args:
        size (int): the number of neighbouring channels in the window.
        alpha (float): the scale (default 1e-4).
        beta (float): the exponent (default 0.75).
        k (float): the additive constant (default 1).

    Returns:
        (CrossMapLRN2d): a module mapping (N, C, H, W) to the same shape.

    Examples:
        >>> lrn = nn.CrossMapLRN2d(3, alpha=1.0, beta=1.0)
        >>> lrn(retrograd.tensor([[[[1.0]], [[2.0]], [[3.0]]]])).flatten()
        tensor([0.3750, 0.3529, 0.5294])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        window = tensor(_cross_map_window(input.size(1), self.size), dtype=input.dtype, device=input.device)
        summed = (input * input).permute(0, 2, 3, 1).matmul(window.T).permute(0, 3, 1, 2)
        return input * (summed * (self.alpha / self.size) + self.k).pow(-self.beta)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
