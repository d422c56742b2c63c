"""MaxUnpool1d/2d/3d and FractionalMaxPool2d/3d, as in torch.nn.modules.pooling."""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "FractionalMaxPool2d", "FractionalMaxPool3d"]


def _ntuple(value: Any, n: int) -> tuple:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


class _MaxUnpoolNd(Module):
    _nd = 0

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self._nd)
        self.stride = _ntuple(stride if stride is not None else kernel_size, self._nd)
        self.padding = _ntuple(padding, self._nd)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Inverse of MaxPool1d: values back at their `indices`, zeros elsewhere.

    Args:
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).

    Returns:
        (MaxUnpool1d): a module; `unpool(input, indices, output_size=None)` maps (N, C, L) or (C, L) maxima and the
            int64 indices `MaxPool1d(return_indices=True)` gave back to the unpooled size.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0]]])
        >>> pooled, idx = nn.MaxPool1d(2, return_indices=True)(x)
        >>> unpool = nn.MaxUnpool1d(2)
        >>> unpool
        MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))
        >>> unpool(pooled, idx)
        tensor([[[0., 3., 0., 5., 4., 0.]]])
    """

    _nd = 1

    def forward(self, input: Tensor, indices: Tensor, output_size: list[int] | None = None) -> Tensor:
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """Inverse of MaxPool2d: values back at their `indices`, zeros elsewhere.

    Args:
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).

    Returns:
        (MaxUnpool2d): a module; `unpool(input, indices, output_size=None)` maps (N, C, H, W) or (C, H, W) maxima
            and the int64 indices `MaxPool2d(return_indices=True)` gave back to the unpooled size.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> pooled, idx = nn.MaxPool2d(2, return_indices=True)(x)
        >>> unpool = nn.MaxUnpool2d(2)
        >>> unpool
        MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
        >>> unpool(pooled, idx)
        tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  5.,  0.,  7.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 13.,  0., 15.]]]])
    """

    _nd = 2

    def forward(self, input: Tensor, indices: Tensor, output_size: list[int] | None = None) -> Tensor:
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool3d(_MaxUnpoolNd):
    """Inverse of MaxPool3d: values back at their `indices`, zeros elsewhere.

    Args:
        kernel_size (int or tuple): the window size of the max pooling being inverted.
        stride (int or tuple, optional): its stride (default `kernel_size`).
        padding (int or tuple): its padding (default 0).

    Returns:
        (MaxUnpool3d): a module; `unpool(input, indices, output_size=None)` maps (N, C, D, H, W) or (C, D, H, W)
            maxima and the int64 indices `MaxPool3d(return_indices=True)` gave back to the unpooled size.

    Examples:
        >>> x = retrograd.arange(64.0).reshape(1, 1, 4, 4, 4)
        >>> pooled, idx = nn.MaxPool3d(2, return_indices=True)(x)
        >>> unpool = nn.MaxUnpool3d(2)
        >>> unpool
        MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))
        >>> unpool(pooled, idx).shape
        retrograd.Size([1, 1, 4, 4, 4])
    """

    _nd = 3

    def forward(self, input: Tensor, indices: Tensor, output_size: list[int] | None = None) -> Tensor:
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class _FractionalMaxPoolNd(Module):
    _nd = 0

    def __init__(
        self,
        kernel_size: Any,
        output_size: Any = None,
        output_ratio: Any = None,
        return_indices: bool = False,
        _random_samples: Tensor | None = None,
    ) -> None:
        super().__init__()
        nd, name = self._nd, type(self).__name__
        self.kernel_size = _ntuple(kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, nd) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, nd) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max pooling over pseudo-random windows shrinking (N, C, H, W) to `output_size` or by `output_ratio`.

    Args:
        kernel_size (int or tuple): the window size (an int for all 2 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (float or tuple, optional): the output size as a fraction in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): also return the maxima's flat indices (default False).
        _random_samples (Tensor, optional): `(N, C, 2)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        (FractionalMaxPool2d): a module mapping (N, C, H, W) or (C, H, W) to the pooled size (and the int64 flat
            indices with `return_indices`).

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8)
        >>> pool = nn.FractionalMaxPool2d(2, output_ratio=0.5)
        >>> pool(x).shape
        retrograd.Size([1, 2, 4, 4])
        >>> nn.FractionalMaxPool2d(3, output_size=5, return_indices=True)(x)[1].shape
        retrograd.Size([1, 2, 5, 5])
    """

    _nd = 2

    def forward(self, input: Tensor) -> Any:
        return F.fractional_max_pool2d(
            input,
            self.kernel_size,
            self.output_size,
            self.output_ratio,
            self.return_indices,
            _random_samples=self._random_samples,
        )


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Max pooling over pseudo-random windows shrinking (N, C, T, H, W) to `output_size` or by `output_ratio`.

    Args:
        kernel_size (int or tuple): the window size (an int for all 3 dims, or one per dim).
        output_size (int or tuple, optional): the output size of the pooled dims.
        output_ratio (float or tuple, optional): the output size as a fraction in (0, 1) of the input's; give this
            or `output_size`.
        return_indices (bool): also return the maxima's flat indices (default False).
        _random_samples (Tensor, optional): `(N, C, 3)` numbers in [0, 1) that place the windows; drawn when None.

    Returns:
        (FractionalMaxPool3d): a module mapping (N, C, T, H, W) or (C, T, H, W) to the pooled size (and the int64
            flat indices with `return_indices`).

    Examples:
        >>> x = retrograd.randn(1, 2, 8, 8, 8)
        >>> pool = nn.FractionalMaxPool3d(2, output_ratio=0.5)
        >>> pool(x).shape
        retrograd.Size([1, 2, 4, 4, 4])
        >>> nn.FractionalMaxPool3d(3, output_size=5, return_indices=True)(x)[1].shape
        retrograd.Size([1, 2, 5, 5, 5])
    """

    _nd = 3

    def forward(self, input: Tensor) -> Any:
        return F.fractional_max_pool3d(
            input,
            self.kernel_size,
            self.output_size,
            self.output_ratio,
            self.return_indices,
            _random_samples=self._random_samples,
        )
