"""torch.nn.functional's activations (relu, gelu, softmax, ...) with PyTorch's signatures.

Each function here is a thin spelling of an op in `retrograd.ops` with the
signature `torch.nn.functional` gives it: the `inplace=` flag, the implicit
softmax dim, the `F.logsigmoid` name. The maths and derivatives live in
`retrograd/ops/activation/`.
"""

from __future__ import annotations

from ... import dtypes as _dt
from ...engine import inplace as _inplace
from ...ops.activation import along_dim as _dim
from ...ops.activation import piecewise as _act
from ...ops.activation import smooth as _smooth
from ...ops.elementwise import pointwise as _pointwise
from ...tensor import Tensor

__all__ = [
    "relu",
    "relu_",
    "relu6",
    "leaky_relu",
    "leaky_relu_",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "softsign",
    "hardtanh",
    "hardtanh_",
    "hardsigmoid",
    "hardswish",
    "logsigmoid",
    "softmax",
    "log_softmax",
    "softmin",
    "glu",
    "threshold",
    "threshold_",
    "prelu",
    "rrelu",
    "rrelu_",
    "hardshrink",
    "softshrink",
    "tanhshrink",
    "sigmoid",
    "tanh",
]

# Same signatures as PyTorch's: re-exported unchanged.
relu_ = _act.relu_
leaky_relu_ = _act.leaky_relu_
elu_ = _act.elu_
selu_ = _act.selu_
celu_ = _act.celu_
hardtanh_ = _act.hardtanh_
threshold_ = _act.threshold_
gelu = _smooth.gelu
softsign = _smooth.softsign
hardshrink = _act.hardshrink
softshrink = _act.softshrink
tanhshrink = _smooth.tanhshrink
prelu = _act.prelu
glu = _dim.glu
softmin = _dim.softmin


def sigmoid(input: Tensor) -> Tensor:
    """`1 / (1 + exp(-input))` elementwise (`F.sigmoid` takes no `out=`, unlike `torch.sigmoid`)."""
    return _pointwise.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent (`F.tanh` takes no `out=`, unlike `torch.tanh`)."""
    return _pointwise.tanh(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """`max(input, 0)` elementwise.

    Args:
        input (Tensor): any shape.
        inplace (bool): overwrite `input` instead of making a new tensor (default False).

    Returns:
        Tensor: `input`'s shape and dtype, with negative values set to 0.

    Examples:
        >>> F.relu(retrograd.tensor([-2.0, 0.5, 3.0]))
        tensor([0.0000, 0.5000, 3.0000])
    """
    return _act.relu_(input) if inplace else _act.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """`min(max(input, 0), 6)` elementwise."""
    return _act.hardtanh_(input, 0.0, 6.0) if inplace else _act.relu6(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """`input` where positive, `negative_slope * input` elsewhere."""
    if inplace:
        return _act.leaky_relu_(input, negative_slope)
    return _act.leaky_relu(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """`input` where positive, `alpha * (exp(input) - 1)` elsewhere."""
    return _act.elu_(input, alpha) if inplace else _act.elu(input, alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled elu with the self-normalising constants."""
    return _act.selu_(input) if inplace else _act.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """`max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`."""
    return _act.celu_(input, alpha) if inplace else _act.celu(input, alpha)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * sigmoid(input)`."""
    return _inplace.apply(input, _smooth.silu) if inplace else _smooth.silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * tanh(softplus(input))`."""
    return _inplace.apply(input, _smooth.mish) if inplace else _smooth.mish(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """`log(1 + exp(beta * x)) / beta`, linear where `beta * x > threshold`."""
    return _smooth.softplus(input, beta, threshold)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """`clamp(input, min_val, max_val)`."""
    if inplace:
        return _act.hardtanh_(input, min_val, max_val)
    return _act.hardtanh(input, min_val, max_val)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """`clamp(input / 6 + 1/2, 0, 1)`."""
    return _inplace.apply(input, _smooth.hardsigmoid) if inplace else _smooth.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * hardsigmoid(input)`."""
    return _inplace.apply(input, _smooth.hardswish) if inplace else _smooth.hardswish(input)


def logsigmoid(input: Tensor) -> Tensor:
    """`log(sigmoid(input))`, computed without overflow."""
    return _smooth.log_sigmoid(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """`input` where `input > threshold`, else `value`."""
    if inplace:
        return _act.threshold_(input, threshold, value)
    return _act.threshold(input, threshold, value)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky relu (slopes from U(lower, upper) in training, their mean in eval)."""
    if inplace:
        return _act.rrelu_(input, lower, upper, training)
    return _act.rrelu(input, lower, upper, training)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """In-place `rrelu`."""
    return _act.rrelu_(input, lower, upper, training)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dt.dtype | None = None) -> Tensor:
    """`exp(x) / exp(x).sum(dim)`; without `dim`, PyTorch's deprecated implicit choice (warns).

    Args:
        input (Tensor): a floating point tensor.
        dim (int): the dim whose entries sum to 1; always pass it.
        _stacklevel (int): where the warning about a missing `dim` points (internal).
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: `input`'s shape, positive, summing to 1 along `dim`.

    Examples:
        >>> F.softmax(retrograd.tensor([[0.0, 1.0], [2.0, 2.0]]), dim=-1)
        tensor([[0.2689, 0.7311],
                [0.5000, 0.5000]])
    """
    if dim is None:
        dim = _dim.implicit_dim("softmax", input.dim(), _stacklevel)
    return _dim.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dt.dtype | None = None) -> Tensor:
    """`x - logsumexp(x, dim)`; without `dim`, PyTorch's deprecated implicit choice (warns)."""
    if dim is None:
        dim = _dim.implicit_dim("log_softmax", input.dim(), _stacklevel)
    return _dim.log_softmax(input, dim, dtype)
