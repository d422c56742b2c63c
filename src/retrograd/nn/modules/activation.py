"""Activation modules: one per activation of nn.functional, with PyTorch's signatures and reprs."""

from __future__ import annotations

import warnings
from typing import Any

from ... import dtypes as _dt
from ... import sigmoid, tanh  # the public faces, as `torch.sigmoid` in PyTorch's modules
from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish",
    "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus",
    "Softshrink", "PReLU", "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax",
]


def _inplace(flag: bool, lead: str = ", ") -> str:
    return f"{lead}inplace=True" if flag else ""


class _Inplace(Module):
    """An activation whose only option is `inplace`; prints `inplace=True` when set."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return _inplace(self.inplace, "")


class Threshold(Module):
    """`input` where `input > threshold`, else `value`.

    Args:
        threshold (float): the cut-off; inputs at or below it are replaced.
        value (float): what replaces them.
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Threshold): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.Threshold(0.5, -1.0)
        >>> m
        Threshold(threshold=0.5, value=-1.0)
        >>> m(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-1., -1., -1.,  1.,  3.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace(self.inplace)}"


class ReLU(_Inplace):
    """`max(0, x)`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (ReLU): a module that applies `relu` elementwise; any shape in, the same shape out.

    Examples:
        >>> relu = nn.ReLU()
        >>> relu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)


class RReLU(Module):
    """Randomized leaky relu: slopes from U(lower, upper) in training, their mean in eval.

    Args:
        lower (float): the lower bound of the random slope (default 1/8).
        upper (float): the upper bound of the random slope (default 1/3).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (RReLU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.RReLU(0.1, 0.3).eval()
        >>> m(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.4000, -0.1000,  0.0000,  1.0000,  3.0000])
        >>> m.train()(retrograd.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace(self.inplace)}"


class Hardtanh(Module):
    """`clamp(x, min_val, max_val)`.

    Args:
        min_val (float): the lower end of the linear region (default -1).
        max_val (float): the upper end of the linear region (default 1).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Hardtanh): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.Hardtanh(-1.0, 2.0)
        >>> m
        Hardtanh(min_val=-1.0, max_val=2.0)
        >>> m(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-1.0000, -0.5000,  0.0000,  1.0000,  2.0000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self.inplace)}"


class ReLU6(Hardtanh):
    """`min(max(0, x), 6)`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (ReLU6): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.ReLU6()(retrograd.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace, "")


class Sigmoid(Module):
    """`1 / (1 + exp(-x))`.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (Sigmoid): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Sigmoid()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0.2689, 0.5000, 0.8808])
    """

    def forward(self, input: Tensor) -> Tensor:
        return sigmoid(input)


class Hardsigmoid(Module):
    """`clamp(x / 6 + 1/2, 0, 1)`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Hardsigmoid): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Hardsigmoid()(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([0.1667, 0.4167, 0.5000, 0.6667, 1.0000])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Tanh(Module):
    """`tanh(x)`.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (Tanh): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Tanh()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.7616,  0.0000,  0.9640])
    """

    def forward(self, input: Tensor) -> Tensor:
        return tanh(input)


class SiLU(_Inplace):
    """`x * sigmoid(x)`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (SiLU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.SiLU()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2689,  0.0000,  1.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, inplace=self.inplace)


class Mish(_Inplace):
    """`x * tanh(softplus(x))`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Mish): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Mish()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.3034,  0.0000,  1.9440])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, inplace=self.inplace)


class Hardswish(Module):
    """`x * hardsigmoid(x)`.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (Hardswish): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Hardswish()(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.3333, -0.2083,  0.0000,  0.6667,  3.0000])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class ELU(Module):
    """`x` for x > 0, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha (float): the saturation value for large negative inputs is `-alpha` (default 1).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (ELU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.ELU(alpha=0.5)
        >>> m
        ELU(alpha=0.5)
        >>> m(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.3161,  0.0000,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace(self.inplace)}"


class CELU(ELU):
    """`max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`.

    Args:
        alpha (float): the scale of the negative part; must not be 0 (default 1).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (CELU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.CELU(alpha=2.0)(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.7869,  0.0000,  2.0000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class SELU(_Inplace):
    """`scale * elu(x, alpha)` with the self-normalising constants.

    Args:
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (SELU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.SELU()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.1113,  0.0000,  2.1014])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)


class GLU(Module):
    """`a * sigmoid(b)` for the halves a, b of the input along `dim`.

    Args:
        dim (int): the dim to split in two halves; its size must be even (default -1).

    Returns:
        (GLU): a module mapping `(*, 2n, *)` to `(*, n, *)` along `dim`.

    Examples:
        >>> m = nn.GLU()
        >>> m(retrograd.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
        >>> m(retrograd.ones(4, 6)).shape
        retrograd.Size([4, 3])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GELU(Module):
    """`x * Φ(x)` (or its tanh approximation with approximate='tanh').

    Args:
        approximate (str): 'none' for the exact erf form, 'tanh' for the tanh approximation
            (default 'none').

    Returns:
        (GELU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> nn.GELU()(x)
        tensor([-0.1587,  0.0000,  1.9545])
        >>> nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
        >>> nn.GELU(approximate="tanh")(x)
        tensor([-0.1588,  0.0000,  1.9546])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    """0 on [-lambd, lambd], x elsewhere.

    Args:
        lambd (float): the half-width of the band sent to 0 (default 0.5).

    Returns:
        (Hardshrink): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Hardshrink(0.5)(retrograd.tensor([-2.0, -0.5, 0.2, 0.6]))
        tensor([-2.0000,  0.0000,  0.0000,  0.6000])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class LeakyReLU(Module):
    """`x` for x > 0, `negative_slope * x` otherwise.

    Args:
        negative_slope (float): the slope for negative inputs (default 0.01).
        inplace (bool): overwrite the input instead of making a new tensor (default False).

    Returns:
        (LeakyReLU): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.LeakyReLU(0.1)
        >>> m
        LeakyReLU(negative_slope=0.1)
        >>> m(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.2000, -0.0500,  0.0000,  1.0000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace(self.inplace)}"


class LogSigmoid(Module):
    """`log(sigmoid(x))`.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (LogSigmoid): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.LogSigmoid()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.3133, -0.6931, -0.1269])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softplus(Module):
    """`log(1 + exp(beta x)) / beta`, linear above `threshold`.

    Args:
        beta (float): the sharpness; larger is closer to relu (default 1).
        threshold (float): above `beta * x > threshold` the output is just `x` (default 20).

    Returns:
        (Softplus): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> m = nn.Softplus(beta=2.0)
        >>> m
        Softplus(beta=2.0, threshold=20.0)
        >>> m(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0.0635, 0.3466, 2.0091])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Hardshrink):
    """`x - lambd` above lambd, `x + lambd` below -lambd, 0 between.

    Args:
        lambd (float): the half-width of the band sent to 0; must be >= 0 (default 0.5).

    Returns:
        (Softshrink): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Softshrink(0.5)(retrograd.tensor([-2.0, -0.5, 0.2, 1.5]))
        tensor([-1.5000, -0.0000,  0.0000,  1.0000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class PReLU(Module):
    """Leaky relu with learned slopes: one shared, or one per channel (`num_parameters`), all `init`.

    Args:
        num_parameters (int): 1 for one shared slope, or the number of channels (dim 1 of the
            input) for one slope each (default 1).
        init (float): the starting value of every slope (default 0.25).
        device (str or device, optional): where the weight lives.
        dtype (dtype, optional): the weight's dtype (default float32).

    Returns:
        (PReLU): a module with a learnable `weight` of shape `(num_parameters,)`; any shape in,
            the same shape out.

    Examples:
        >>> m = nn.PReLU()
        >>> m.weight
        Parameter containing:
        tensor([0.2500], requires_grad=True)
        >>> m(retrograd.tensor([-2.0, 0.0, 1.0]))
        tensor([-0.5000,  0.0000,  1.0000], grad_fn=<PreluKernelBackward0>)
        >>> nn.PReLU(num_parameters=3)(retrograd.ones(2, 3, 4)).shape
        retrograd.Size([2, 3, 4])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: _dt.dtype | None = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope to `init`."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softsign(Module):
    """`x / (1 + |x|)`.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (Softsign): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Softsign()(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.6667, -0.3333,  0.0000,  0.5000,  0.7500])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    """`x - tanh(x)`.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (Tanhshrink): a module that applies it elementwise; any shape in, the same shape out.

    Examples:
        >>> nn.Tanhshrink()(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2384,  0.0000,  1.0360])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class _AlongDim(Module):
    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(_AlongDim):
    """`softmax(-x)` along `dim`.

    Args:
        dim (int): the dim whose slices sum to 1. None picks one from the input's rank, with a
            deprecation warning; pass it explicitly.

    Returns:
        (Softmin): a module whose output has the input's shape, values in (0, 1).

    Examples:
        >>> m = nn.Softmin(dim=1)
        >>> m
        Softmin(dim=1)
        >>> m(retrograd.tensor([[1.0, 2.0, 3.0]]))
        tensor([[0.6652, 0.2447, 0.0900]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax(_AlongDim):
    """`exp(x) / Σ exp(x)` along `dim`.

    Args:
        dim (int): the dim whose slices sum to 1. None picks one from the input's rank, with a
            deprecation warning; pass it explicitly.

    Returns:
        (Softmax): a module whose output has the input's shape, values in (0, 1).

    Examples:
        >>> m = nn.Softmax(dim=-1)
        >>> p = m(retrograd.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
        >>> p
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
        >>> p.sum(dim=-1)
        tensor([1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_AlongDim):
    """`x - logsumexp(x)` along `dim`.

    Args:
        dim (int): the dim to normalise along. None picks one from the input's rank, with a
            deprecation warning; pass it explicitly.

    Returns:
        (LogSoftmax): a module whose output has the input's shape, values <= 0.

    Examples:
        >>> nn.LogSoftmax(dim=1)(retrograd.tensor([[1.0, 2.0, 3.0]]))
        tensor([[-2.4076, -1.4076, -0.4076]])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) inputs.

    Args:
        *args: none; the module takes no constructor arguments.

    Returns:
        (Softmax2d): a module mapping `(N, C, H, W)` or `(C, H, W)` to the same shape, summing to
            1 over `C` at every position.

    Examples:
        >>> x = retrograd.tensor([[[[0.0, 1.0]], [[0.0, -1.0]]]])
        >>> x.shape
        retrograd.Size([1, 2, 1, 2])
        >>> nn.Softmax2d()(x)
        tensor([[[[0.5000, 0.8808]],
        <BLANKLINE>
                 [[0.5000, 0.1192]]]])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
