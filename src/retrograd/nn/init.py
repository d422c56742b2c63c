"""nn.init: in-place initialisers with PyTorch's formulas and defaults.

Each fills a tensor with recording off and returns it. Random ones draw from the
default generator (or `generator=`) with PyTorch's calls in PyTorch's order, and
compute bounds with PyTorch's float arithmetic, so after the same `manual_seed` they
give PyTorch's values (`orthogonal_` up to the QR factorisation's rounding).
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

from .. import _missing, ops
from .._display_name import public_function as name_in_package
from .._torch_function import handle_torch_function, has_torch_function
from ..engine.grad_mode import no_grad
from ..linalg import qr
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "trunc_normal_",
    "sparse_",
    "uniform",
    "normal",
    "constant",
    "eye",
    "dirac",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "orthogonal",
    "sparse",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float | int:
    """The recommended gain for an activation (e.g. √2 for relu, 5/3 for tanh).

    Args:
        nonlinearity (str): 'linear', 'conv1d'/'conv2d'/'conv3d', 'conv_transpose1d'/2d/3d,
            'sigmoid' (gain 1), 'tanh' (5/3), 'relu' (√2), 'leaky_relu' (√(2 / (1 + slope²)))
            or 'selu' (3/4); anything else raises ValueError.
        param (float, optional): the negative slope for 'leaky_relu' (default 0.01).

    Returns:
        float: the gain, a factor for the standard deviation of the weights.

    Examples:
        >>> nn.init.calculate_gain("tanh")
        1.6666666666666667
        >>> nn.init.calculate_gain("relu")
        1.4142135623730951
        >>> nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1  # an int, as PyTorch returns it (it prints as 1)
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]  # a list: PyTorch's message prints its repr
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with U(a, b).

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.
        a (float): the lower bound (default 0).
        b (float): the upper bound (default 1).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.init.uniform_(retrograd.empty(2, 3), -1.0, 1.0)
        tensor([[-0.0075,  0.5364, -0.8230],
                [-0.7359, -0.3852,  0.2682]])
    """
    if has_torch_function((tensor,)):  # a mode sees the call (Lightning's `_EmptyInit` skips it)
        return handle_torch_function(uniform_, (tensor,), tensor=tensor, a=a, b=b, generator=generator)
    return _fill_uniform(tensor, a, b, generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with N(mean, std²).

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.
        mean (float): the mean (default 0).
        std (float): the standard deviation (default 1).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.init.normal_(retrograd.empty(2, 3), mean=1.0, std=0.1)
        tensor([[1.1541, 0.9707, 0.7821],
                [1.0568, 0.8915, 0.8601]])
    """
    if has_torch_function((tensor,)):
        return handle_torch_function(normal_, (tensor,), tensor=tensor, mean=mean, std=std, generator=generator)
    return _fill_normal(tensor, mean, std, generator)


# PyTorch's four initialisers above (and `kaiming_uniform_`) go through `__torch_function__`; the others
# fill the tensor directly, so a mode sees their `Tensor.uniform_`/`Tensor.normal_` calls, not `init.*`.


def _fill_uniform(tensor: Tensor, a: float, b: float, generator: Any) -> Tensor:
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def _fill_normal(tensor: Tensor, mean: float, std: float, generator: Any) -> Tensor:
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill `tensor` with `val` in place, without recording a graph; returns it.

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.
        val (float): the value.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> nn.init.constant_(retrograd.empty(2, 2), 0.5)
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])
    """
    if has_torch_function((tensor,)):
        return handle_torch_function(constant_, (tensor,), tensor=tensor, val=val)
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with zeros in place, without recording a graph; returns it.

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> nn.init.zeros_(retrograd.ones(3))
        tensor([0., 0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def ones_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with ones in place, without recording a graph; returns it.

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> nn.init.ones_(retrograd.empty(2, 2))
        tensor([[1., 1.],
                [1., 1.]])
    """
    with no_grad():
        return tensor.fill_(1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity.

    Args:
        tensor (Tensor): a 2-D tensor; non-square ones get ones on the main diagonal.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> nn.init.eye_(retrograd.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(ops.eye(*tensor.shape, dtype=tensor.dtype))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-5-D conv weight so the convolution is the identity (per group).

    Args:
        tensor (Tensor): a 3-, 4- or 5-D conv weight `(out_channels, in_channels / groups, *k)`.
        groups (int): the number of groups; `out_channels` must divide by it (default 1).

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> w = nn.init.dirac_(retrograd.empty(2, 2, 3))
        >>> w
        tensor([[[0., 1., 0.],
                 [0., 0., 0.]],
        <BLANKLINE>
                [[0., 0., 0.],
                 [0., 1., 0.]]])
        >>> x = retrograd.tensor([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]])
        >>> F.conv1d(x, w, padding=1)
        tensor([[[1., 2., 3.],
                 [4., 5., 6.]]])
    """
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_per_group = tensor.shape[0] // groups
    centre = tuple(s // 2 for s in tensor.shape[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min(out_per_group, tensor.shape[1])):
                tensor[(g * out_per_group + d, d) + centre] = 1
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """U(-a, a) with a = gain·√(6 / (fan_in + fan_out)).

    Glorot initialisation; keeps the variance of activations and gradients about equal across
    layers for tanh-like activations.

    Args:
        tensor (Tensor): at least 2-D (a Linear weight (out, in), a Conv weight (out, in, k...)).
        gain (float): a scale factor, e.g. `nn.init.calculate_gain('tanh')` (default 1).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> w = retrograd.empty(20, 30)
        >>> _ = nn.init.xavier_uniform_(w)
        >>> bool(w.abs().max() <= (6 / (20 + 30)) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * (gain * math.sqrt(2.0 / float(fan_in + fan_out)))  # PyTorch's rounding
    return _fill_uniform(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).

    Args:
        tensor (Tensor): at least 2-D (a Linear weight (out, in), a Conv weight (out, in, k...)).
        gain (float): a scale factor, e.g. `nn.init.calculate_gain('tanh')` (default 1).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.init.xavier_normal_(retrograd.empty(2, 3))
        tensor([[ 0.9746, -0.1856, -1.3780],
                [ 0.3595, -0.6859, -0.8845]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return _fill_normal(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _warn_zero_elements() -> None:
    """PyTorch's two kaiming initialisers warn (every time) that an empty tensor gets nothing;
    the warning names their caller's line."""
    warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)


def kaiming_uniform_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Any = None
) -> Tensor:
    """U(-b, b) with b = gain·√(3 / fan) (He initialisation).

    Keeps the variance of activations about equal across ReLU-like layers; `nn.Linear` and
    `nn.Conv2d` initialise their weights with it (`a=√5`).

    Args:
        tensor (Tensor): at least 2-D (a Linear weight (out, in), a Conv weight (out, in, k...)).
        a (float): the negative slope of the leaky ReLU that follows (default 0).
        mode (str): `'fan_in'` (default; preserves the forward pass) or `'fan_out'` (the backward).
        nonlinearity (str): `'leaky_relu'` (default) or `'relu'`, which set the gain.
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> w = retrograd.empty(64, 100)
        >>> _ = nn.init.kaiming_uniform_(w, nonlinearity="relu")
        >>> bool(w.abs().max() <= (2 ** 0.5) * (3 / 100) ** 0.5)
        True
    """
    if has_torch_function((tensor,)):
        return handle_torch_function(
            kaiming_uniform_, (tensor,), tensor=tensor, a=a, mode=mode, nonlinearity=nonlinearity, generator=generator
        )
    if 0 in tensor.shape:
        _warn_zero_elements()
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    bound = math.sqrt(3.0) * std  # PyTorch's rounding of gain·√(3 / fan)
    return _fill_uniform(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Any = None
) -> Tensor:
    """N(0, std²) with std = gain / √fan.

    He initialisation for relu-like layers: keeps the activations' (mode='fan_in') or the
    gradients' (mode='fan_out') variance about constant across layers.

    Args:
        tensor (Tensor): at least 2-D (a Linear weight (out, in), a Conv weight (out, in, k...)).
        a (float): the negative slope of the leaky_relu that follows (default 0).
        mode (str): 'fan_in' (default) or 'fan_out', the fan that `std` divides by.
        nonlinearity (str): the activation for `calculate_gain`, 'leaky_relu' (default) or
            'relu'.
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> nn.init.kaiming_normal_(retrograd.empty(2, 3), mode="fan_out", nonlinearity="relu")
        tensor([[ 1.5410, -0.2934, -2.1788],
                [ 0.5684, -1.0845, -1.3986]])
    """
    if 0 in tensor.shape:
        _warn_zero_elements()
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    return _fill_normal(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Any = None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a normal sample.

    Args:
        tensor (Tensor): at least 2-D; dims after the first are flattened into columns.
        gain (float): a scale factor for the result (default 1).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph) with orthonormal rows
            (or columns, whichever are fewer), times `gain`.

    Examples:
        >>> w = nn.init.orthogonal_(retrograd.empty(3, 5))
        >>> retrograd.allclose(w @ w.T, retrograd.eye(3), atol=1e-6)
        True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0 or tensor.is_meta:  # nothing to fill, so nothing is drawn
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = ops.zeros((rows, cols), dtype=tensor.dtype)
    _fill_normal(flat, 0.0, 1.0, generator)  # PyTorch's draws; its QR (LAPACK) may round differently
    with no_grad():
        q, r = qr(flat if rows >= cols else flat.t())
        q = q * r.diagonal().sign()
        if rows < cols:
            q = q.t()
        return tensor.copy_((gain * q).reshape(tensor.shape))


def trunc_normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0, generator: Any = None
) -> Tensor:
    """Fill with N(mean, std²) truncated to [a, b].

    Uses PyTorch's rejection sampling (same draws, same order): out-of-range normals are redrawn
    when most of the mass is inside [a, b], else uniform candidates on [a, b] are accepted with
    probability pdf / peak.

    Args:
        tensor (Tensor): the tensor to fill in place; any shape.
        mean (float): the mean of the normal (default 0).
        std (float): its standard deviation (default 1).
        a (float): the lower cut-off (default -2).
        b (float): the upper cut-off (default 2).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> w = nn.init.trunc_normal_(retrograd.empty(1000), std=1.0, a=-0.5, b=0.5)
        >>> bool(w.min() >= -0.5), bool(w.max() <= 0.5)
        (True, True)
        >>> nn.init.trunc_normal_(retrograd.empty(3), std=0.02)
        tensor([-0.0465, -0.0273, -0.0148])
    """

    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if tensor.is_meta:  # no values to sample: PyTorch draws nothing (and does not warn)
        return tensor
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    with no_grad():
        if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
            data = _redraw_outside(tensor, mean, std, a, b, generator)
        else:
            data = _accept_uniform(tensor, mean, std, a, b, generator)
        return tensor.copy_(data)


def _fresh(tensor: Tensor) -> Tensor:
    return ops.empty(tensor.shape, dtype=tensor.dtype)


def _redraw_outside(tensor: Tensor, mean: float, std: float, a: float, b: float, generator: Any) -> Tensor:
    # the bounds rounded to the tensor's dtype, as PyTorch compares them
    lo, hi = ops.tensor(a, dtype=tensor.dtype), ops.tensor(b, dtype=tensor.dtype)
    result = _fresh(tensor).normal_(mean, std, generator=generator)
    while True:
        outside = (result < lo) | (result > hi)
        if not outside.any():
            return result
        result = ops.where(outside, _fresh(tensor).normal_(mean, std, generator=generator), result)


def _accept_uniform(tensor: Tensor, mean: float, std: float, a: float, b: float, generator: Any) -> Tensor:
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def log_ratio(x: Tensor) -> Tensor:  # log(pdf(x) / pdf(mode)), op by op in the tensor's dtype
        z = (x - mean) / std
        return (z * z) * -0.5 - log_peak

    def rejected(x: Tensor) -> Tensor:
        return _fresh(tensor).uniform_(generator=generator).log() > log_ratio(x)

    result = _fresh(tensor).uniform_(a, b, generator=generator)
    pending = rejected(result)
    while pending.any():
        candidates = _fresh(tensor).uniform_(a, b, generator=generator)
        result = ops.where(pending, candidates, result)
        pending = ops.where(pending, rejected(candidates), pending)
    return result


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Any = None) -> Tensor:
    """A 2-D tensor with a fraction `sparsity` of each column zeroed, the rest N(0, std²).

    Args:
        tensor (Tensor): a 2-D tensor `(rows, columns)`.
        sparsity (float): the fraction of each column set to 0 (`ceil(sparsity * rows)` entries).
        std (float): the standard deviation of the nonzero entries (default 0.01).
        generator (Generator, optional): the random number generator to draw from.

    Returns:
        Tensor: `tensor`, filled in place (without recording a graph).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> w = nn.init.sparse_(retrograd.empty(4, 3), sparsity=0.5, std=1.0)
        >>> (w == 0).sum(dim=0)
        tensor([2, 2, 2])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if tensor.is_meta:  # no values to sample: PyTorch draws nothing
        return tensor
    rows, cols = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    from ..random import randperm

    _fill_normal(tensor, 0.0, std, generator)
    with no_grad():
        for c in range(cols):
            tensor[randperm(rows)[:zeros], c] = 0  # PyTorch permutes with the default generator here
    return tensor


# --- the deprecated names without the trailing underscore (old programs still call them) ------------------


def _deprecated(old: str) -> None:
    warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{old}_`.", FutureWarning, stacklevel=3)


def uniform(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `uniform_`, with PyTorch's FutureWarning."""
    _deprecated("uniform")
    return uniform_(*args, **kwargs)


def normal(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `normal_`, with PyTorch's FutureWarning."""
    _deprecated("normal")
    return normal_(*args, **kwargs)


def constant(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `constant_`, with PyTorch's FutureWarning."""
    _deprecated("constant")
    return constant_(*args, **kwargs)


def eye(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `eye_`, with PyTorch's FutureWarning."""
    _deprecated("eye")
    return eye_(*args, **kwargs)


def dirac(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `dirac_`, with PyTorch's FutureWarning."""
    _deprecated("dirac")
    return dirac_(*args, **kwargs)


def xavier_uniform(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `xavier_uniform_`, with PyTorch's FutureWarning."""
    _deprecated("xavier_uniform")
    return xavier_uniform_(*args, **kwargs)


def xavier_normal(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `xavier_normal_`, with PyTorch's FutureWarning."""
    _deprecated("xavier_normal")
    return xavier_normal_(*args, **kwargs)


def kaiming_uniform(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `kaiming_uniform_`, with PyTorch's FutureWarning."""
    _deprecated("kaiming_uniform")
    return kaiming_uniform_(*args, **kwargs)


def kaiming_normal(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `kaiming_normal_`, with PyTorch's FutureWarning."""
    _deprecated("kaiming_normal")
    return kaiming_normal_(*args, **kwargs)


def orthogonal(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `orthogonal_`, with PyTorch's FutureWarning."""
    _deprecated("orthogonal")
    return orthogonal_(*args, **kwargs)


def sparse(*args: Any, **kwargs: Any) -> Tensor:
    """Deprecated: `sparse_`, with PyTorch's FutureWarning."""
    _deprecated("sparse")
    return sparse_(*args, **kwargs)


for _name in __all__:  # `__module__` reads torch.nn.init under the alias, as a mode's check expects
    name_in_package(globals()[_name], "nn.init")
del _name

if not TYPE_CHECKING:  # a name PyTorch has and retrograd lacks says so (see retrograd._missing)

    def __getattr__(name: str) -> Any:
        return _missing.module_attribute(__name__, name)
