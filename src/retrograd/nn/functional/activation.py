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
from ...ops.activation import exponential_linear as _elu
from ...ops.activation import piecewise as _act
from ...ops.activation import randomized_relu as _randomized
from ...ops.activation import smooth as _smooth
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
elu_ = _elu.elu_
selu_ = _elu.selu_
celu_ = _elu.celu_
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
    """`1 / (1 + exp(-input))` elementwise (`F.sigmoid` takes no `out=`, unlike `torch.sigmoid`).

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.sigmoid(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0.2689, 0.5000, 0.8808])
    """
    return input.sigmoid()  # the method, as PyTorch's: a subclass's `__torch_function__` sees Tensor.sigmoid


def tanh(input: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent (`F.tanh` takes no `out=`, unlike `torch.tanh`).

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.tanh(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.7616,  0.0000,  0.9640])
    """
    return input.tanh()  # the method, as PyTorch's: a subclass's `__torch_function__` sees Tensor.tanh


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
    """`min(max(input, 0), 6)` elementwise.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.relu6(retrograd.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return _act.hardtanh_(input, 0.0, 6.0) if inplace else _act.relu6(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """`input` where positive, `negative_slope * input` elsewhere.

    Args:
        input (Tensor): a floating tensor of any shape.
        negative_slope (float): the slope for negative inputs (default 0.01).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.leaky_relu(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]), 0.1)
        tensor([-0.2000, -0.0500,  0.0000,  1.0000,  3.0000])
    """
    if inplace:
        return _act.leaky_relu_(input, negative_slope)
    return _act.leaky_relu(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """`input` where positive, `alpha * (exp(input) - 1)` elsewhere.

    Args:
        input (Tensor): a floating tensor of any shape.
        alpha (float): the negative part saturates at `-alpha` (default 1).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.elu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.6321,  0.0000,  2.0000])
        >>> F.elu(retrograd.tensor([-1.0, 0.0, 2.0]), alpha=0.5)
        tensor([-0.3161,  0.0000,  2.0000])
    """
    return _elu.elu_(input, alpha) if inplace else _elu.elu(input, alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled elu with the self-normalising constants.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `scale * elu(input, alpha)` with scale ≈ 1.0507, alpha ≈ 1.6733; `input`'s shape.

    Examples:
        >>> F.selu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.1113,  0.0000,  2.1014])
    """
    return _elu.selu_(input) if inplace else _elu.selu(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """`max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`.

    Args:
        input (Tensor): a floating tensor of any shape.
        alpha (float): the scale of the negative part; must not be 0 (default 1).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.celu(retrograd.tensor([-1.0, 0.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  0.0000,  2.0000])
    """
    return _elu.celu_(input, alpha) if inplace else _elu.celu(input, alpha)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * sigmoid(input)`.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.silu(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.2689,  0.0000,  1.7616])
    """
    return _inplace.apply(input, _smooth.silu) if inplace else _smooth.silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * tanh(softplus(input))`.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.mish(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-0.3034,  0.0000,  1.9440])
    """
    return _inplace.apply(input, _smooth.mish) if inplace else _smooth.mish(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """`log(1 + exp(beta * x)) / beta`, linear where `beta * x > threshold`.

    Args:
        input (Tensor): a floating tensor of any shape.
        beta (float): the sharpness; larger is closer to relu (default 1).
        threshold (float): where `beta * input > threshold`, the output is `input` (default 20).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.softplus(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([0.3133, 0.6931, 2.1269])
        >>> F.softplus(retrograd.tensor([-1.0, 0.0, 2.0]), beta=2.0)
        tensor([0.0635, 0.3466, 2.0091])
    """
    return _smooth.softplus(input, beta, threshold)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """`clamp(input, min_val, max_val)`.

    Args:
        input (Tensor): a floating tensor of any shape.
        min_val (float): the lower end of the linear region (default -1).
        max_val (float): the upper end of the linear region (default 1).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.hardtanh(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-1.0000, -0.5000,  0.0000,  1.0000,  1.0000])
        >>> F.hardtanh(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]), 0.0, 2.0)
        tensor([0., 0., 0., 1., 2.])
    """
    if min_val > max_val:  # the Python function checks; the op itself does not
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _act.hardtanh_(input, min_val, max_val)
    return _act.hardtanh(input, min_val, max_val)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """`clamp(input / 6 + 1/2, 0, 1)`.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.hardsigmoid(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([0.1667, 0.4167, 0.5000, 0.6667, 1.0000])
    """
    return _inplace.apply(input, _smooth.hardsigmoid) if inplace else _smooth.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """`input * hardsigmoid(input)`.

    Args:
        input (Tensor): a floating tensor of any shape.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.hardswish(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]))
        tensor([-0.3333, -0.2083,  0.0000,  0.6667,  3.0000])
    """
    return _inplace.apply(input, _smooth.hardswish) if inplace else _smooth.hardswish(input)


def logsigmoid(input: Tensor) -> Tensor:
    """`log(sigmoid(input))`, computed without overflow.

    Args:
        input (Tensor): a floating tensor of any shape.

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.logsigmoid(retrograd.tensor([-1.0, 0.0, 2.0]))
        tensor([-1.3133, -0.6931, -0.1269])
        >>> F.logsigmoid(retrograd.tensor([-200.0]))
        tensor([-200.])
    """
    return _smooth.log_sigmoid(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """`input` where `input > threshold`, else `value`.

    Args:
        input (Tensor): a floating tensor of any shape.
        threshold (float): the cut-off; elements at or below it are replaced.
        value (float): what replaces them.
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.threshold(retrograd.tensor([-2.0, -0.5, 0.0, 1.0, 3.0]), 0.5, -1.0)
        tensor([-1., -1., -1.,  1.,  3.])
    """
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
    """Randomized leaky relu (slopes from U(lower, upper) in training, their mean in eval).

    Args:
        input (Tensor): a floating tensor of any shape.
        lower (float): the lower bound of the random slopes (default 1/8).
        upper (float): the upper bound of the random slopes (default 1/3).
        training (bool): draw a slope per negative element; if False use `(lower + upper) / 2` (default False).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: the result, `input`'s shape and dtype.

    Examples:
        >>> F.rrelu(retrograd.tensor([-1.0, 0.0, 2.0]), 0.1, 0.3)
        tensor([-0.2000,  0.0000,  2.0000])
        >>> _ = retrograd.manual_seed(0)
        >>> F.rrelu(retrograd.tensor([-1.0, 0.0, 2.0]), 0.1, 0.3, training=True)
        tensor([-0.2940,  0.0000,  2.0000])
    """
    if inplace:
        return _randomized.rrelu_(input, lower, upper, training)
    return _randomized.rrelu(input, lower, upper, training)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """In-place `rrelu`.

    Args:
        input (Tensor): a floating tensor of any shape.
        lower (float): the lower bound of the random slopes (default 1/8).
        upper (float): the upper bound of the random slopes (default 1/3).
        training (bool): draw a slope per negative element; if False use `(lower + upper) / 2` (default False).

    Returns:
        Tensor: `input`, overwritten.

    Examples:
        >>> x = retrograd.tensor([-1.0, 0.0, 2.0])
        >>> _ = F.rrelu_(x, 0.1, 0.3)
        >>> x
        tensor([-0.2000,  0.0000,  2.0000])
    """
    return _randomized.rrelu_(input, lower, upper, training)


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
    """`x - logsumexp(x, dim)`; without `dim`, PyTorch's deprecated implicit choice (warns).

    Args:
        input (Tensor): a floating tensor of any shape.
        dim (int): the dim to normalise along; None picks one from the rank, with a deprecation warning.
        _stacklevel (int): internal, the warning's stack level.
        dtype (dtype, optional): cast `input` to this dtype first (guards against overflow).

    Returns:
        Tensor: log-probabilities, `input`'s shape; `exp` of each slice along `dim` sums to 1.

    Examples:
        >>> F.log_softmax(retrograd.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[-2.4076, -1.4076, -0.4076]])
        >>> F.log_softmax(retrograd.tensor([1.0, 2.0]), dim=0, dtype=retrograd.float64)
        tensor([-1.3133, -0.3133], dtype=retrograd.float64)
    """
    if dim is None:
        dim = _dim.implicit_dim("log_softmax", input.dim(), _stacklevel)
    return _dim.log_softmax(input, dim, dtype)
