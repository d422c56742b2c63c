"""Identity, Linear and Bilinear: the affine maps of torch.nn.modules.linear.

Constructor signatures, parameter names and shapes, default initialisation and
`extra_repr` follow PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

from ... import dtypes as _dt
from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear"]


def _empty(shape: tuple, device: Any, dtype: _dt.dtype | None) -> Tensor:
    return empty(shape, device=device, dtype=dtype)


class Identity(Module):
    """Returns its input unchanged; accepts (and ignores) any constructor arguments.

    Args:
        *args: any positional arguments; ignored.
        **kwargs: any keyword arguments; ignored.

    Returns:
        (Identity): a module that returns its input, as a placeholder for a layer that may be swapped in.

    Examples:
        >>> m = nn.Identity(54, unused='ok')
        >>> m
        Identity()
        >>> x = retrograd.ones(2, 3)
        >>> m(x) is x
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """`y = x Wᵀ + b`: `(*, in_features)` -> `(*, out_features)`.

    W ~ kaiming_uniform_(a=√5), i.e. U(±1/√in_features); b ~ U(±1/√in_features).

    Args:
        in_features (int): the size of each input's last dim.
        out_features (int): the size of each output's last dim.
        bias (bool): learn an additive bias (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Linear): a module with `weight` (out_features, in_features) and `bias` (out_features,);
            calling it maps `(*, in_features)` to `(*, out_features)`.

    Examples:
        >>> layer = nn.Linear(3, 2)
        >>> layer.weight.shape
        retrograd.Size([2, 3])
        >>> layer(retrograd.ones(4, 3)).shape
        retrograd.Size([4, 2])
        >>> with retrograd.no_grad():
        ...     _ = layer.weight.fill_(1.0)
        ...     _ = layer.bias.zero_()
        >>> layer(retrograd.tensor([1.0, 2.0, 3.0])).tolist()
        [6.0, 6.0]
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: _dt.dtype | None = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_empty((out_features, in_features), device, dtype))
        if bias:
            self.bias = Parameter(_empty((out_features,), device, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw weight and bias from the default distributions."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """The Linear that PyTorch uses for MultiheadAttention.out_proj (same maths, its own name in
    reprs); it lives here as in PyTorch, so a saved attention module names PyTorch's class."""


class Bilinear(Module):
    """`y_k = x1ᵀ W_k x2 + b_k`: (*, in1), (*, in2) -> (*, out); W, b ~ U(±1/√in1).

    Args:
        in1_features (int): the size of the first input's last dim.
        in2_features (int): the size of the second input's last dim.
        out_features (int): the size of the output's last dim.
        bias (bool): learn an additive bias (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Bilinear): a module with `weight` (out, in1, in2) and `bias` (out,); `module(x1, x2)` maps (*, in1) and (*,
            in2) to (*, out).

    Examples:
        >>> bl = nn.Bilinear(2, 3, 4)
        >>> bl
        Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)
        >>> bl.weight.shape
        retrograd.Size([4, 2, 3])
        >>> bl(retrograd.ones(5, 2), retrograd.ones(5, 3)).shape
        retrograd.Size([5, 4])
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: _dt.dtype | None = None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(_empty((out_features, in1_features, in2_features), device, dtype))
        if bias:
            self.bias = Parameter(_empty((out_features,), device, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw weight and bias from U(±1/√in1_features)."""
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features={self.in1_features})")
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )

