"""`gradient`: the derivative of sampled values estimated by finite differences, as `numpy.gradient`.

Inside, second-order central differences; at the two edges one-sided differences of first or
second order (`edge_order`). The samples are evenly spaced (a scalar spacing per dim) or sit at
given coordinates (a 1-D tensor per dim, non-uniform formula). Everything is composed of slices,
arithmetic and `cat`, so gradients of every order come from theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from ...tensor import Tensor
from ..kernels.operands import numpy_alias, tensor_of, wrap_dim
from ..shape.join import cat

__all__ = ["gradient"]

_SPACING_KINDS = "unspecified, a scalar"


def _is_scalar(value: Any) -> bool:
    """A Number, or a 0-dim tensor (PyTorch's parser reads it as a Number)."""
    if isinstance(value, Tensor):
        return value.dim() == 0
    return isinstance(value, (Number, np.number))


def _dims_of(x: Tensor, dim: int | Sequence[int] | None) -> list[int]:
    """The dims to differentiate along, in the order given (None: all of them)."""
    if dim is None:
        return list(range(x.dim()))
    if isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        return [wrap_dim(int(dim), x.dim())]
    if isinstance(dim, (str, Tensor)) or not isinstance(dim, Sequence):
        raise TypeError(f"gradient(): argument 'dim' must be tuple of ints, not {type(dim).__name__}")
    dims = [wrap_dim(d, x.dim()) for d in dim]
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def _spacings_of(x: Tensor, spacing: Any, dim: Any, dims: list[int]) -> list[Any]:
    """One spacing per dim: a scalar, or a 1-D tensor of coordinates."""
    if _is_scalar(spacing):
        return [spacing.item() if isinstance(spacing, Tensor) else spacing] * len(dims)
    if isinstance(spacing, Tensor) or not isinstance(spacing, Sequence):
        raise TypeError(
            f"gradient(): argument 'spacing' must be a Number, a tuple of Scalars or a tuple of Tensors, "
            f"not {type(spacing).__name__}"
        )
    if len(spacing) != len(dims):
        if dim is None:
            raise RuntimeError(
                f"torch.gradient expected spacing to be {_SPACING_KINDS}, or a list of length equal to "
                f"'self.dim() = {x.dim()}', since dim argument was not given, but got a list of length {len(spacing)}"
            )
        raise RuntimeError(
            f"torch.gradient expected spacing to be {_SPACING_KINDS} or it's spacing and dim arguments to have "
            f"the same length, but got a spacing argument of length {len(spacing)} and a dim argument of "
            f"length {len(dims)}."
        )
    if spacing and isinstance(spacing[0], Tensor):
        for i, s in enumerate(spacing):
            if not isinstance(s, Tensor):
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(s).__name__}")
            if s.dim() != 1:
                raise RuntimeError(
                    "torch.gradient expected each element of spacing to have one dimension, but got an element "
                    f"with {s.dim()} dimensions!"
                )
        return list(spacing)
    for i, s in enumerate(spacing):
        if not _is_scalar(s) or isinstance(s, Tensor):
            raise TypeError(f"gradient(): expected a Number as element {i} of 'spacing', but got {type(s).__name__}")
    return list(spacing)


def _uniform(x: Tensor, d: int, dx: Any, edge_order: int) -> Tensor:
    """Evenly spaced samples `dx` apart along `d`."""
    center = (x.narrow(d, 2, x.shape[d] - 2) - x.narrow(d, 0, x.shape[d] - 2)) / dx
    if edge_order == 1:
        prepend = (x.narrow(d, 1, 1) - x.narrow(d, 0, 1)) / dx
        append = (x.narrow(d, -1, 1) - x.narrow(d, -2, 1)) / dx
    else:  # the one-sided second-order stencils (-3/2, 2, -1/2) and (1/2, -2, 3/2)
        prepend = (-1.5 * x.narrow(d, 0, 1) + 2 * x.narrow(d, 1, 1) - 0.5 * x.narrow(d, 2, 1)) / dx
        append = (0.5 * x.narrow(d, -3, 1) - 2 * x.narrow(d, -2, 1) + 1.5 * x.narrow(d, -1, 1)) / dx
    return cat([prepend, center / 2, append], d)


def _along(coordinates: Tensor, d: int, ndim: int) -> Tensor:
    """A 1-D tensor shaped to broadcast along dim `d` of an `ndim`-dim tensor."""
    shape = [1] * ndim
    shape[d] = -1
    return coordinates.reshape(shape)


def _nonuniform(x: Tensor, d: int, coordinates: Tensor, edge_order: int) -> Tensor:
    """Samples at `coordinates` along `d`: the three-point formula for uneven steps h1, h2."""
    steps = coordinates[1:] - coordinates[:-1]
    h1, h2 = steps[:-1], steps[1:]
    # f'(x) ~ -h2/(h1(h1+h2)) f(x-h1) + (h2-h1)/(h1 h2) f(x) + h1/(h2(h1+h2)) f(x+h2)
    a = _along(-h2 / (h1 * (h1 + h2)), d, x.dim())
    b = _along((h2 - h1) / (h1 * h2), d, x.dim())
    c = _along(h1 / (h2 * (h1 + h2)), d, x.dim())
    n = x.shape[d]
    center = a * x.narrow(d, 0, n - 2) + b * x.narrow(d, 1, n - 2) + c * x.narrow(d, 2, n - 2)
    if edge_order == 1:
        prepend = (x.narrow(d, 1, 1) - x.narrow(d, 0, 1)) / steps[0]
        append = (x.narrow(d, -1, 1) - x.narrow(d, -2, 1)) / steps[-1]
    else:  # second-order one-sided stencils with uneven steps
        s0, s1 = steps[0], steps[1]
        prepend = (
            -(2.0 * s0 + s1) / (s0 * (s0 + s1)) * x.narrow(d, 0, 1)
            + (s0 + s1) / (s0 * s1) * x.narrow(d, 1, 1)
            + (-s0) / (s1 * (s0 + s1)) * x.narrow(d, 2, 1)
        )
        t1, t2 = steps[-1], steps[-2]
        append = (
            t1 / (t2 * (t1 + t2)) * x.narrow(d, -3, 1)
            - (t1 + t2) / (t1 * t2) * x.narrow(d, -2, 1)
            + (2 * t1 + t2) / (t1 * (t1 + t2)) * x.narrow(d, -1, 1)
        )
    return cat([prepend, center, append], d)


def gradient(
    input: Tensor,
    *,
    spacing: Any = 1,
    dim: int | Sequence[int] | None = None,
    edge_order: int = 1,
    axis: int | Sequence[int] | None = None,
) -> tuple[Tensor, ...]:
    """Estimate the derivative of samples along each dim by finite differences (central inside, one-sided at the edges).

    Args:
        input (Tensor): the samples, at least 1-d.
        spacing (number, list of numbers or tuple of Tensor): the step per dim, or the sample coordinates per dim
            (default 1).
        dim (int or list of int, optional): the dims to differentiate along; all of them when None.
        edge_order (int): 1 or 2, the accuracy order of the one-sided differences at the edges (default 1).

    Returns:
        tuple[Tensor, ...]: one tensor of `input`'s shape per dim (integer inputs give the default float).

    Examples:
        >>> y = retrograd.tensor([1.0, 4.0, 9.0, 16.0])
        >>> retrograd.gradient(y)
        (tensor([3., 4., 6., 7.]),)
        >>> retrograd.gradient(y, spacing=2.0, edge_order=2)
        (tensor([1., 2., 3., 4.]),)
        >>> retrograd.gradient(retrograd.tensor([[1.0, 2.0, 4.0], [2.0, 5.0, 9.0]]), dim=1)
        (tensor([[1.0000, 1.5000, 2.0000],
                [3.0000, 3.5000, 4.0000]]),)
    """
    if axis is not None:  # NumPy's name, which PyTorch accepts too
        dim = numpy_alias("gradient", dim, None, axis, "axis")
    x = tensor_of(input)
    dims = _dims_of(x, dim)
    spacings = _spacings_of(x, spacing, dim, dims)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(
        _nonuniform(x, d, s, edge_order) if isinstance(s, Tensor) else _uniform(x, d, s, edge_order)
        for d, s in zip(dims, spacings)
    )
