"""Lazy modules: Linear, convolutions and norms whose input size the first forward decides.

Until that forward they hold UninitializedParameter/UninitializedBuffer; a forward pre-hook reads
the input's size, materializes them, re-draws them with the layer's usual initialisation, and turns
the module into its non-lazy class (`cls_to_become`: LazyLinear becomes Linear), as in PyTorch.
Loading a state dict with real tensors materializes them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from ... import dtypes as _dt
from ...ops.from_data import tensor
from ...tensor import Tensor
from ..parameter import Parameter, UninitializedBuffer, UninitializedParameter, is_lazy
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d, _NormBase
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Linear

__all__ = [
    "LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
]  # fmt: skip


class LazyModuleMixin:
    """A module whose parameters are materialized by its first forward (see the module docstring)."""

    cls_to_become: type | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)  # type: ignore[attr-defined]

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize the parameters from the first input's size."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer of this module is still uninitialized."""
        members = list(self._parameters.values()) + list(self._buffers.values())  # type: ignore[attr-defined]
        return any(is_lazy(t) for t in members)


def _infer_parameters(module: Any, args: tuple) -> None:
    """The forward pre-hook: materialize from `args`, then become the non-lazy class."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    object.__delattr__(module, "_initialize_hook")
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """Linear whose `in_features` is the last dim of the first input.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_features (int): the size of each output's last dim.
        bias (bool): learn an additive bias (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyLinear): a module that becomes a `Linear(in_features, out_features)` at its first call, `in_features`
            being the input's last dim.

    Examples:
        >>> layer = nn.LazyLinear(3)
        >>> layer.weight
        <UninitializedParameter>
        >>> layer(retrograd.ones(2, 5)).shape
        retrograd.Size([2, 3])
        >>> layer
        Linear(in_features=5, out_features=3, bias=True)
        >>> layer.weight.shape
        retrograd.Size([3, 5])
    """

    cls_to_become = Linear
    weight: UninitializedParameter
    bias: UninitializedParameter

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: _dt.dtype | None = None
                 ) -> None:  # fmt: skip
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params():
            self.in_features = input.shape[-1]
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()


class _LazyConvMixin(LazyModuleMixin):
    """What the lazy convolutions share: in_channels from the input, weight shaped as the class's."""

    _n: int
    groups: int
    out_channels: int
    in_channels: int
    kernel_size: tuple
    transposed: bool
    weight: Parameter
    bias: Parameter
    _get_name: Callable[[], str]

    def _lazy_setup(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()  # type: ignore[misc]

    def _get_in_channels(self, input: Tensor) -> int:
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(
                f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {self._get_name()}, but got "
                f"input of size: {input.shape}"
            )
        return input.shape[1] if input.dim() == n + 2 else input.shape[0]

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        # the other forward arguments (ConvTranspose's output_size) do not change the parameters' shapes
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups)
            else:
                shape = (self.out_channels, self.in_channels // self.groups)
            cast(UninitializedParameter, self.weight).materialize((*shape, *self.kernel_size))
            if self.bias is not None:
                cast(UninitializedParameter, self.bias).materialize((self.out_channels,))
            self.reset_parameters()


class _LazyConv(_LazyConvMixin):
    """The constructor of LazyConv1d/2d/3d: Conv{n}d's arguments less in_channels."""

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._lazy_setup(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvMixin):
    """The constructor of LazyConvTranspose1d/2d/3d: ConvTranspose{n}d's arguments less in_channels."""

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                         padding_mode, device, dtype)  # fmt: skip
        self._lazy_setup(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """Conv1d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): padding added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConv1d): a module that becomes a `Conv1d(in_channels, out_channels, ...)` at its first call,
            `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConv1d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8)).shape
        retrograd.Size([2, 4, 6])
        >>> m.weight.shape
        retrograd.Size([4, 3, 3])
        >>> m
        Conv1d(3, 4, kernel_size=(3,), stride=(1,))
    """

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """Conv2d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): padding added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConv2d): a module that becomes a `Conv2d(in_channels, out_channels, ...)` at its first call,
            `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConv2d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8, 8)).shape
        retrograd.Size([2, 4, 6, 6])
        >>> m.weight.shape
        retrograd.Size([4, 3, 3, 3])
        >>> m
        Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))
    """

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """Conv3d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): padding added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        padding_mode (str): `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConv3d): a module that becomes a `Conv3d(in_channels, out_channels, ...)` at its first call,
            `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConv3d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8, 8, 8)).shape
        retrograd.Size([2, 4, 6, 6, 6])
        >>> m.weight.shape
        retrograd.Size([4, 3, 3, 3, 3])
        >>> m
        Conv3d(3, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    """

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """ConvTranspose1d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): undoes a convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConvTranspose1d): a module that becomes a `ConvTranspose1d(in_channels, out_channels, ...)` at its
            first call, `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConvTranspose1d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8)).shape
        retrograd.Size([2, 4, 10])
        >>> m.weight.shape
        retrograd.Size([3, 4, 3])
        >>> m
        ConvTranspose1d(3, 4, kernel_size=(3,), stride=(1,))
    """

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """ConvTranspose2d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): undoes a convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConvTranspose2d): a module that becomes a `ConvTranspose2d(in_channels, out_channels, ...)` at its
            first call, `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConvTranspose2d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8, 8)).shape
        retrograd.Size([2, 4, 10, 10])
        >>> m.weight.shape
        retrograd.Size([3, 4, 3, 3])
        >>> m
        ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(1, 1))
    """

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """ConvTranspose3d whose `in_channels` is the first input's channel count.

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        out_channels (int): channels of the output, C_out.
        kernel_size (int or tuple): the kernel size.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): undoes a convolution's padding (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        bias (bool): learn a bias per output channel (default True).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding_mode (str): only `'zeros'` is supported.
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (LazyConvTranspose3d): a module that becomes a `ConvTranspose3d(in_channels, out_channels, ...)` at its
            first call, `in_channels` being the input's dim 1 (dim 0 unbatched).

    Examples:
        >>> m = nn.LazyConvTranspose3d(4, 3)
        >>> m.weight
        <UninitializedParameter>
        >>> m(retrograd.ones(2, 3, 8, 8, 8)).shape
        retrograd.Size([2, 4, 10, 10, 10])
        >>> m.weight.shape
        retrograd.Size([3, 4, 3, 3, 3])
        >>> m
        ConvTranspose3d(3, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    """

    cls_to_become = ConvTranspose3d


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """The lazy batch and instance norms: num_features is the first input's dim 1."""

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *, bias: bool = True
                 ) -> None:  # fmt: skip
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=_dt.int64, device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            for name in ("weight", "bias", "running_mean", "running_var"):
                member = getattr(self, name)
                if member is not None:
                    member.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """BatchNorm1d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyBatchNorm1d): a module that becomes a `BatchNorm1d(num_features)` at its first call, `num_features`
            being the input's channel count.

    Examples:
        >>> norm = nn.LazyBatchNorm1d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3)).shape
        retrograd.Size([2, 3])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """BatchNorm2d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyBatchNorm2d): a module that becomes a `BatchNorm2d(num_features)` at its first call, `num_features`
            being the input's channel count.

    Examples:
        >>> norm = nn.LazyBatchNorm2d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3, 4, 4)).shape
        retrograd.Size([2, 3, 4, 4])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """BatchNorm3d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyBatchNorm3d): a module that becomes a `BatchNorm3d(num_features)` at its first call, `num_features`
            being the input's channel count.

    Examples:
        >>> norm = nn.LazyBatchNorm3d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3, 2, 2, 2)).shape
        retrograd.Size([2, 3, 2, 2, 2])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        BatchNorm3d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """InstanceNorm1d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyInstanceNorm1d): a module that becomes a `InstanceNorm1d(num_features)` at its first call,
            `num_features` being the input's channel count.

    Examples:
        >>> norm = nn.LazyInstanceNorm1d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3, 4)).shape
        retrograd.Size([2, 3, 4])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """InstanceNorm2d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyInstanceNorm2d): a module that becomes a `InstanceNorm2d(num_features)` at its first call,
            `num_features` being the input's channel count.

    Examples:
        >>> norm = nn.LazyInstanceNorm2d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3, 4, 4)).shape
        retrograd.Size([2, 3, 4, 4])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """InstanceNorm3d whose `num_features` is the first input's dim 1 (size C).

    Its parameters are `UninitializedParameter`s until the first call, which fixes their shapes from the input and
    initialises them as the eager module does.

    Args:
        eps (float): added to the variance (default 1e-5).
        momentum (float, optional): the running statistics' update rate (default 0.1).
        affine (bool): learn a per-channel `weight` and `bias` (default True).
        track_running_stats (bool): keep running statistics (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).
        bias (bool): learn the bias too, when `affine` (default True).

    Returns:
        (LazyInstanceNorm3d): a module that becomes a `InstanceNorm3d(num_features)` at its first call,
            `num_features` being the input's channel count.

    Examples:
        >>> norm = nn.LazyInstanceNorm3d()
        >>> norm.weight
        <UninitializedParameter>
        >>> norm(retrograd.ones(2, 3, 2, 2, 2)).shape
        retrograd.Size([2, 3, 2, 2, 2])
        >>> norm.weight.shape
        retrograd.Size([3])
        >>> norm
        InstanceNorm3d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm3d
