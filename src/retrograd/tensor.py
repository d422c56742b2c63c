"""Tensor: an n-dimensional array that records the operations done on it.

A Tensor wraps a backend array (`_data`) and the autograd state PyTorch keeps:
`requires_grad`, `grad`, `grad_fn` (the node that made it), a version counter
shared with its views, and hooks. The math lives in `retrograd.ops`; methods
and operators here only forward to it, so each op has one implementation.
"""

from __future__ import annotations

import builtins
import copy
import numbers
import operator
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import _layouts, _storage
from . import _torch_function as _tf
from . import dtypes as _dt
from . import tensor_methods as _methods
from ._display_name import package_name, public_class
from ._op_method import dtype_conversion
from ._printing import tensor_repr
from ._user_frames import user_stacklevel, warn_once
from .backend import CPU, NO_ATEN_CUDA, as_device, cuda_backend, device, device_of, is_cuda_array, namespace
from .backend.meta import MetaArray
from .backend.sparse import SparseCOO
from .backend.sparse_compressed import SparseCompressed
from .dtypes import dtype
from .engine import devices as _devices
from .engine import grad_dtypes as _grad_dtypes
from .engine import inplace as _inplace
from .engine import primitive as _primitive
from .engine import register_tensor
from .engine import vmap_hook as _vmap
from .engine.backward import backward as _backward
from .engine.captures import check_uncaptured as _check_uncaptured
from .engine.captures import open_scopes as _open_scopes
from .engine.grad_mode import box_blocks as _box_blocks
from .engine.grad_mode import in_func_transform as _in_func_transform
from .engine.grad_mode import state as _grad_state
from .engine.graph import RemovableHandle
from .engine.hooks import retain_grad_hook
from .engine.inference import NO_VERSION as _NO_VERSION
from .engine.versions import Version as _Version
from .engine.versions import new_version_box as _new_version_box
from .engine.views import set_own_requires_grad as _set_own_requires_grad
from .tensor_methods import TensorMethods

_REQUIRES_GRAD_IN_TRANSFORM = (
    "You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* APIs) "
    "inside of a function being transformed by a functorch transform. This is unsupported, please attempt to "
    "use the functorch transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside "
    "of a function being transformed instead."
)


_new = object.__new__  # bound once: _make runs for every op


class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints as `retrograd.Size([2, 3])`.

    Slicing and `+` give a Size again; it compares equal to the plain tuple with the same ints.

    Args:
        iterable (iterable of int): the dims, outermost first (default: none, the shape of a 0-d tensor).

    Returns:
        (Size): the shape; `numel()` is the product of its dims.

    Examples:
        >>> s = retrograd.zeros(2, 3).shape
        >>> s, s.numel(), s == (2, 3)
        (retrograd.Size([2, 3]), 6, True)
        >>> s[1:], s + (4,)
        (retrograd.Size([3]), retrograd.Size([2, 3, 4]))
    """

    def __new__(cls, iterable: Any = ()) -> Size:
        dims = tuple(iterable)
        for d in dims:
            if type(d) is not builtins.int:  # a bool, a NumPy int, a one-element integer tensor: its index
                return tuple.__new__(cls, [_size_dim(d, i) for i, d in enumerate(dims)])
        return tuple.__new__(cls, dims)

    def __repr__(self) -> str:
        return f"{package_name()}.Size([{', '.join(map(str, self))}])"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key: Any) -> Any:
        out = tuple.__getitem__(self, key)
        return tuple.__new__(Size, out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            # PyTorch's Size only concatenates: the other operand's `__radd__` answers first, so
            # `shape + np.array(1)` is NumPy's elementwise sum (MONAI's crop centres)
            reflected = getattr(type(other), "__radd__", None)
            try:
                result = NotImplemented if reflected is None else reflected(other, self)
            except TypeError:  # a tensor's add refuses a Size
                result = NotImplemented
            if result is not NotImplemented:
                return result
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to {package_name()}.Size")
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __radd__(self, other: Any) -> Size:  # (3,) + size: a Size too, as in PyTorch
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, other + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__


def _size_dim(d: Any, i: builtins.int) -> builtins.int:
    """One dim given to `Size(...)` as an int: anything with `__index__`, else PyTorch's TypeError."""
    try:
        return operator.index(d)
    except TypeError:
        raise TypeError(
            f"{package_name()}.Size() takes an iterable of 'int' (item {i} is '{_primitive.type_name(d)}')"
        ) from None


# `x.grad = ...` (`zero_grad()` among them) inside a retrograd.compile recording: generated code
# replays array calls only, so the function runs eagerly
_T_NOT_2D_WARNING = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an "
    "error in a future release. Consider `x.mT` to transpose batches of matrices or "
    "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor."
)
_VOLATILE_SET_WARNING = "volatile was removed and now has no effect. Use `with torch.no_grad():` instead."
_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)


_TO_KEYWORDS = {"dtype", "device", "copy", "non_blocking", "memory_format"}
def _compressed_name(data: SparseCompressed) -> str:
    """'CSR' or 'CSC', as PyTorch's messages name a compressed layout."""
    return "CSR" if data.by_rows else "CSC"


_NO_STORAGE = "Cannot access data pointer of Tensor that doesn't have storage"  # (a sparse tensor's)


def _to_arg_type(value: Any) -> builtins.str:
    """How PyTorch names an argument's type in `to()`'s error (`torch.memory_format`, `int`)."""
    if isinstance(value, (_layouts.memory_format, dtype, device)):
        return "torch." + type(value).__name__
    return type(value).__name__


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)\n"
)


def _check_to_arguments(args: tuple, kwargs: dict) -> None:
    """PyTorch's TypeError for `to()` arguments that fit none of its three signatures."""
    if len(args) > 4:
        raise TypeError(f"to() takes from 0 to 4 positional arguments but {len(args)} were given")

    def is_device(v: Any) -> builtins.bool:
        return v is None or isinstance(v, (builtins.str, device)) or (type(v) is builtins.int)

    first = args[0] if args else None
    flags = args[2:] if is_device(first) else args[1:]  # after (device, dtype), or after the dtype or tensor
    kw_dtype, layout = kwargs.get("dtype"), kwargs.get("memory_format")
    fits = (
        (is_device(first) or isinstance(first, (dtype, Tensor, builtins.float)))  # PyTorch reads a float too
        and (not is_device(first) or len(args) < 2 or args[1] is None or isinstance(args[1], dtype))
        and len(flags) <= 2
        and all(isinstance(f, builtins.bool) for f in flags)
        and set(kwargs) <= _TO_KEYWORDS
        and (kw_dtype is None or isinstance(kw_dtype, dtype))
        and is_device(kwargs.get("device"))
        and all(isinstance(kwargs.get(k, False), builtins.bool) for k in ("copy", "non_blocking"))
        and (layout is None or type(layout).__name__ == "memory_format")
    )
    if fits:
        return
    named = [f"{k}={_to_arg_type(v)}" for k, v in kwargs.items()]
    got = ", ".join([_to_arg_type(a) for a in args] + named) if args else ", ".join(named) + ", "
    raise TypeError(
        f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n{_TO_SIGNATURES}"
    )


class Tensor(TensorMethods):
    """A multi-dimensional array with autograd; build one with `retrograd.tensor` or a factory.

    Calling the class itself is PyTorch's legacy constructor, which always makes the default
    float dtype; `retrograd.tensor(data)` infers the dtype from the data instead.

    Args:
        *args: nothing (an empty tensor), sizes as ints or a `Size` (an uninitialised tensor of
            that shape), a sequence of numbers (converted to the default float dtype), or a tensor
            (returned as an alias sharing its memory).
        device (str or device, optional): must be the CPU.

    Returns:
        Tensor: a tensor without a graph (requires_grad=False).

    Examples:
        >>> retrograd.Tensor([1, 2])
        tensor([1., 2.])
        >>> retrograd.Tensor(2, 3).shape
        retrograd.Size([2, 3])
        >>> isinstance(retrograd.tensor([1, 2]), retrograd.Tensor)
        True
    """

    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad_fn",
        "_output_nr",
        "_grad",
        "_version_box",
        "_base",
        "_view_steps",
        "_view_version",
        "_view_meta",
        "_grad_acc",
        "_retains_grad",
        "_hooks",
        "_post_acc_hooks",
        "_fw_grad",
        "__weakref__",
        "__dict__",  # a program's own attributes (fast.ai's `out.g = ...`), as PyTorch tensors take them
    )
    __array_priority__ = 1000  # NumPy defers to our reflected operators

    _data: Any
    _requires_grad: builtins.bool
    _grad_fn: Any
    _output_nr: builtins.int
    _grad: Tensor | None
    _version_box: _Version | None
    _base: Tensor | None
    _view_steps: tuple
    _view_version: builtins.int
    _view_meta: Any  # set on views only (engine.views.link_view)
    _grad_acc: Any
    _retains_grad: builtins.bool
    _hooks: list | None
    _post_acc_hooks: list | None
    _fw_grad: Tensor | None

    @classmethod
    def _make(
        cls, data: Any, requires_grad: builtins.bool = False, grad_fn: Any = None, output_nr: builtins.int = 0
    ) -> Tensor:
        """Wrap an array without any checks: the fast path every op uses."""
        t = _new(cls)
        t._data = data
        t._requires_grad = requires_grad
        t._grad_fn = grad_fn
        t._output_nr = output_nr
        t._grad = None
        # made on first use: most tensors are never saved nor changed in place (NO_VERSION: an inference tensor)
        t._version_box = None if not _box_blocks[0] else _new_version_box()
        t._base = None
        t._view_steps = ()
        t._view_version = 0
        t._grad_acc = None
        t._retains_grad = False
        t._hooks = None
        t._post_acc_hooks = None
        t._fw_grad = None
        return t

    def __new__(cls, *args: Any, device: Any = None) -> Tensor:
        """The legacy constructor: `Tensor()`, `Tensor(2, 3)` (uninitialised), `Tensor([1, 2])`.

        New code uses `retrograd.tensor(data)` or a factory such as `retrograd.zeros`. Called
        on a subclass (`MyTensor(t)`), it makes an instance of that subclass.
        """
        return _methods._ops.legacy_new(None, args, device, cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # __new__ did the work (and subclasses such as Parameter have their own)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _tf.prepare_subclass(cls)  # its methods go through its `__torch_function__` (_torch_function.py)

    @classmethod
    def __torch_function__(
        cls, func: Callable[..., Any], types: Any, args: Any = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        """PyTorch's protocol for subclasses, the default: `func(*args, **kwargs)` with the protocol
        off, tensor results (also in a tuple or list) made instances of `cls`.

        A subclass overrides it to decide what its methods return, calling
        `super().__torch_function__(func, types, args, kwargs)` for the default; retrograd routes a
        subclass's methods, operators and tensor-valued properties through it, and the public
        functions (`retrograd.cat`, `nn.functional.relu`, ...) called with an instance among their
        arguments. NotImplemented when a class in `types` is not a base of `cls`.

        Examples:
            >>> class Image(retrograd.Tensor): pass
            >>> x = retrograd.ones(2).as_subclass(Image)
            >>> x + 1
            Image([2., 2.])
        """
        return _tf.default_torch_function(cls, func, types, args, kwargs)

    @staticmethod
    def _make_subclass(cls: type, data: Tensor, require_grad: builtins.bool = False) -> Tensor:
        """`data`'s memory as a detached leaf of class `cls` (a Tensor subclass), as PyTorch's."""
        return _methods._ops.make_subclass(cls, data, require_grad)

    def as_subclass(self, cls: type) -> Tensor:
        """This tensor's memory, as an instance of `cls`, a subclass of Tensor.

        Changes in one show in the other, and the result stays in the autograd graph (an alias,
        `AliasBackward0`). The result's methods go through `cls.__torch_function__`: by default
        they give `cls` instances too.

        Args:
            cls (type): a subclass of Tensor (or Tensor itself).

        Returns:
            Tensor: an alias of this tensor whose class is `cls`.

        Examples:
            >>> class Image(retrograd.Tensor): pass
            >>> retrograd.zeros(2).as_subclass(Image)
            Image([0., 0.])
        """
        return _methods._ops.as_subclass(self, cls)

    # --- metadata ----------------------------------------------------------------------

    @property
    def shape(self) -> Size:
        """The size of each dimension, as a `retrograd.Size`.

        Args:
            self (Tensor): any tensor; a 0-d tensor has the empty shape.

        Returns:
            Size: a tuple of ints, one per dimension (what `size()` gives).

        Examples:
            >>> x = retrograd.zeros(2, 3)
            >>> x.shape
            retrograd.Size([2, 3])
            >>> x.shape[0], retrograd.tensor(5.0).shape
            (2, retrograd.Size([]))
        """
        return tuple.__new__(Size, self._data.shape)

    def size(self, dim: builtins.int | None = None) -> Any:
        """The shape, or the length of one dimension.

        Args:
            dim (int, optional): a dimension (negative counts from the end); omitted for the whole shape.

        Returns:
            Size or int: the shape as a `retrograd.Size` (a tuple), or the length of `dim`.

        Examples:
            >>> x = retrograd.zeros(2, 3)
            >>> x.size()
            retrograd.Size([2, 3])
            >>> x.size(-1)
            3
        """
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[_wrap_own_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> dtype:
        """The element type, such as `retrograd.float32`."""
        return _dt.from_numpy(self._data.dtype)

    @property
    def device(self) -> device:
        """Where the data lives: `device(type='cpu')` or `device(type='cuda', index=0)`."""
        return CPU if type(self._data) is np.ndarray else device_of(self._data)

    @property
    def is_cuda(self) -> builtins.bool:
        """Whether the data is on a CUDA device.

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for a tensor made on, or moved to, a `"cuda"` device; False in host memory.

        Examples:
            >>> retrograd.zeros(2).is_cuda
            False
        """
        return is_cuda_array(self._data)

    @property
    def is_cpu(self) -> builtins.bool:
        """Whether the data is in host memory.

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True when `device.type` is `"cpu"` (the default), the opposite of `is_cuda`.

        Examples:
            >>> retrograd.zeros(2).is_cpu
            True
        """
        return type(self._data) is np.ndarray or not (is_cuda_array(self._data) or type(self._data) is MetaArray)

    @property
    def is_meta(self) -> builtins.bool:
        """Whether the tensor is on the data-less "meta" device (a shape and a dtype, no values).

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for a tensor made on, or moved to, `"meta"`.

        Examples:
            >>> retrograd.ones(3).is_meta, retrograd.ones(3, device="meta").is_meta
            (False, True)
        """
        return type(self._data) is MetaArray

    @property
    def is_sparse(self) -> builtins.bool:
        """Whether the tensor has the sparse COO layout (indices and values, not an array).

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for tensors made by `sparse_coo_tensor` or `to_sparse()`; `layout` is then `sparse_coo`.

        Examples:
            >>> retrograd.ones(3).is_sparse, retrograd.ones(3).to_sparse().is_sparse
            (False, True)
        """
        return type(self._data) is SparseCOO

    @property
    def is_quantized(self) -> builtins.bool:
        """False: retrograd has no quantized tensors.

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: always False.

        Examples:
            >>> retrograd.ones(3).is_quantized
            False
        """
        return False

    # Devices and layouts retrograd has no tensors on or in: libraries test these flags (torchmetrics
    # reads `x.is_mps` before each bincount), and they are never true here.
    @property
    def is_mps(self) -> builtins.bool:
        """False: retrograd has no such tensor (an Apple-GPU (MPS) tensor in PyTorch)."""
        return False

    @property
    def is_xla(self) -> builtins.bool:
        """False: retrograd has no such tensor (an XLA (TPU) tensor in PyTorch)."""
        return False

    @property
    def is_xpu(self) -> builtins.bool:
        """False: retrograd has no such tensor (an Intel-GPU (XPU) tensor in PyTorch)."""
        return False

    @property
    def is_ipu(self) -> builtins.bool:
        """False: retrograd has no such tensor (a Graphcore IPU tensor in PyTorch)."""
        return False

    @property
    def is_mtia(self) -> builtins.bool:
        """False: retrograd has no such tensor (an MTIA tensor in PyTorch)."""
        return False

    @property
    def is_maia(self) -> builtins.bool:
        """False: retrograd has no such tensor (a MAIA tensor in PyTorch)."""
        return False

    @property
    def is_vulkan(self) -> builtins.bool:
        """False: retrograd has no such tensor (a Vulkan tensor in PyTorch)."""
        return False

    @property
    def is_mkldnn(self) -> builtins.bool:
        """False: retrograd has no such tensor (a tensor in the MKL-DNN layout in PyTorch)."""
        return False

    @property
    def is_nested(self) -> builtins.bool:
        """False: retrograd has no such tensor (a nested (ragged) tensor in PyTorch)."""
        return False

    @property
    def layout(self) -> _layouts.layout:
        """How the elements are stored: `strided` (dense), `sparse_coo`, `sparse_csr` or `sparse_csc`.

        Args:
            self (Tensor): any tensor.

        Returns:
            layout: `retrograd.sparse_coo` for a sparse tensor, else `retrograd.strided`.

        Examples:
            >>> retrograd.eye(2).layout, retrograd.eye(2).to_sparse().layout
            (retrograd.strided, retrograd.sparse_coo)
        """
        data = self._data
        if type(data) is SparseCompressed:
            return _layouts.sparse_csr if data.by_rows else _layouts.sparse_csc
        return _layouts.sparse_coo if type(data) is SparseCOO else _layouts.strided

    @property
    def is_sparse_csr(self) -> builtins.bool:
        """Whether the tensor has the sparse CSR layout (compressed rows; not CSC nor COO).

        Returns:
            bool: True for tensors made by `sparse_csr_tensor` or `to_sparse_csr()`.

        Examples:
            >>> retrograd.eye(2).to_sparse_csr().is_sparse_csr, retrograd.eye(2).is_sparse_csr
            (True, False)
        """
        return type(self._data) is SparseCompressed and self._data.by_rows

    @property
    def itemsize(self) -> builtins.int:
        """The size of one element in bytes (the property form of `element_size()`).

        Args:
            self (Tensor): any tensor.

        Returns:
            int: 4 for float32, 8 for float64 and int64, 1 for bool and uint8, and so on.

        Examples:
            >>> retrograd.zeros(2, dtype=retrograd.float64).itemsize
            8
            >>> retrograd.zeros(2, dtype=retrograd.int16).itemsize
            2
        """
        return self._data.itemsize

    @property
    def nbytes(self) -> builtins.int:
        """The bytes the elements take: numel × itemsize.

        Args:
            self (Tensor): any tensor (a view counts only its own elements, not its base's).

        Returns:
            int: `numel() * itemsize`.

        Examples:
            >>> retrograd.zeros(2, 3).nbytes
            24
            >>> retrograd.zeros(10, dtype=retrograd.int16)[:4].nbytes
            8
        """
        return int(self._data.size) * self._data.itemsize

    @property
    def ndim(self) -> builtins.int:
        """The number of dimensions (the property form of `dim()`).

        Args:
            self (Tensor): any tensor.

        Returns:
            int: `len(self.shape)`; 0 for a scalar tensor.

        Examples:
            >>> retrograd.zeros(2, 3).ndim
            2
            >>> retrograd.tensor(7).ndim
            0
        """
        return self._data.ndim

    def dim(self) -> builtins.int:
        """The number of dimensions (`ndimension()` is the same method, `ndim` the property).

        Returns:
            int: how many sizes the shape has; 0 for a tensor holding one number without dims.

        Examples:
            >>> x = retrograd.ones(4, 1, 2)
            >>> x.dim(), x.ndimension()
            (3, 3)
            >>> x[0, 0, 0].dim()
            0
        """
        return self._data.ndim

    ndimension = dim

    def numel(self) -> builtins.int:
        """The number of elements: the product of the shape (`nelement` is another name).

        Returns:
            int: 1 for a 0-d tensor, 0 when any dimension is 0.

        Examples:
            >>> x = retrograd.zeros(2, 3)
            >>> x.numel(), x.nelement()
            (6, 6)
            >>> retrograd.tensor(1.5).numel()
            1
        """
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> builtins.int:
        """The size of one element in bytes, set by the dtype (`itemsize` as a method).

        Returns:
            int: the bytes per element, whatever the shape (`nbytes` is the whole tensor's).

        Examples:
            >>> retrograd.tensor([1, 2]).element_size()
            8
            >>> retrograd.zeros(3, dtype=retrograd.float16).element_size()
            2
        """
        return self._data.itemsize

    def is_floating_point(self) -> builtins.bool:
        """Whether the dtype is a floating-point type.

        Returns:
            bool: True for float16, bfloat16, float32 and float64; False for integer, bool and
                complex tensors.

        Examples:
            >>> retrograd.tensor([1.0]).is_floating_point()
            True
            >>> retrograd.tensor([1]).is_floating_point()
            False
        """
        return _dt.is_floating(self._data.dtype)

    def is_complex(self) -> builtins.bool:
        """Whether the dtype is complex (complex64 or complex128).

        Returns:
            bool: True for complex tensors, even when every imaginary part is 0.

        Examples:
            >>> retrograd.tensor([1 + 2j]).is_complex()
            True
            >>> retrograd.tensor([1.0]).is_complex()
            False
        """
        return self._data.dtype.kind == "c"

    def is_contiguous(self, memory_format: Any = _layouts.contiguous_format) -> builtins.bool:
        """Whether the elements are laid out in row-major order (or `memory_format`'s) without gaps.

        Args:
            memory_format (memory_format): `contiguous_format` (default; `preserve_format` asks the
                same), or `channels_last` / `channels_last_3d`: the channel dim (1) fastest, then W,
                H, (D,) N, as PyTorch; always False for a tensor of another rank than 4 / 5.

        Returns:
            bool: True when the strides are those of a fresh tensor of this shape in that format
                (size-1 dims may have any stride); transposed or stepped views are not.

        Examples:
            >>> x = retrograd.arange(6).reshape(2, 3)
            >>> x.is_contiguous(), x.t().is_contiguous()
            (True, False)
            >>> y = retrograd.zeros(2, 3, 4, 5).contiguous(memory_format=retrograd.channels_last)
            >>> y.is_contiguous(), y.is_contiguous(memory_format=retrograd.channels_last)
            (False, True)
        """
        name = _layouts.format_name("is_contiguous", memory_format)
        if type(self._data) is SparseCOO:  # no strides: PyTorch answers False
            return False
        if type(self._data) is SparseCompressed:
            raise RuntimeError(f"Sparse {_compressed_name(self._data)} tensors do not have is_contiguous")
        if name in ("contiguous_format", "preserve_format"):
            return builtins.bool(self._data.flags.c_contiguous)
        return _layouts.is_contiguous_as(self._data.shape, self.stride(), name)

    def stride(self, dim: builtins.int | None = None) -> Any:
        """The step in elements between neighbours along each dimension, or along `dim`.

        Args:
            dim (int, optional): one dimension (negative counts from the end); omitted for all of them.

        Returns:
            tuple of int or int: the strides, counted in elements (not bytes), or the one of `dim`.

        Examples:
            >>> x = retrograd.zeros(2, 3)
            >>> x.stride()
            (3, 1)
            >>> x.t().stride(), x.stride(-1)
            ((1, 3), 1)
        """
        data = self._data
        if type(data) is SparseCompressed:
            raise RuntimeError(f"Sparse {_compressed_name(data)} tensors do not have strides")
        if data.size == 0 and not any(data.strides):  # NumPy gives empty arrays zero strides; PyTorch's
            strides = _storage.contiguous_strides(data.shape)  # are contiguous ones, a 0 counted as 1
        else:
            strides = tuple(s // data.itemsize for s in data.strides)
        return strides if dim is None else strides[_wrap_own_dim(dim, data.ndim)]

    def data_ptr(self) -> builtins.int:
        """The address of the first element.

        Returns:
            int: the memory address of the tensor's first element (of a view: where the view starts);
                useful to tell whether two tensors share memory. 0 on the meta device (no memory).

        Examples:
            >>> x = retrograd.arange(4)
            >>> x[1].data_ptr() - x.data_ptr()
            8
            >>> x.clone().data_ptr() == x.data_ptr()
            False
        """
        if is_cuda_array(self._data):
            return int(self._data.data.ptr)
        if type(self._data) is MetaArray:
            return 0
        if self.is_sparse:
            raise RuntimeError(_NO_STORAGE)
        return int(self._data.__array_interface__["data"][0])

    @property
    def _cdata(self) -> builtins.int:
        """An integer naming this tensor object (PyTorch's: the address of its C++ TensorImpl, one
        per Python tensor). Pyro compares it to tell whether a parameter was replaced."""
        return id(self)

    def get_device(self) -> builtins.int:
        """The CUDA device index, or -1 for CPU tensors.

        Returns:
            int: `device.index` of a CUDA tensor (0 for `"cuda:0"`), -1 for a tensor in host memory.

        Examples:
            >>> retrograd.zeros(2).get_device()
            -1
        """
        index = self.device.index
        return -1 if index is None else index

    @property
    def name(self) -> builtins.str | None:
        """The name a tracer gave this tensor; None for every tensor of an eager program (read-only).

        Args:
            self (Tensor): any tensor.

        Returns:
            None: eager tensors carry no name (PyTorch's JIT tracer named its values).

        Examples:
            >>> retrograd.ones(2).name is None
            True
        """
        return None

    @property
    def is_leaf(self) -> builtins.bool:
        """Whether no recorded op made this tensor (it has no `grad_fn`).

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for tensors the user made (with or without `requires_grad`) and for results
                computed without grad; False for results of recorded ops. Backward fills `.grad`
                of leaves only (unless `retain_grad` was called).

        Examples:
            >>> x = retrograd.tensor([1.0], requires_grad=True)
            >>> x.is_leaf, (x * 2).is_leaf
            (True, False)
            >>> with retrograd.no_grad():
            ...     (x * 2).is_leaf
            True
        """
        return self.grad_fn is None

    @property
    def grad_fn(self) -> Any:
        """The node that made this tensor (None for leaves).

        Args:
            self (Tensor): any tensor.

        Returns:
            Node or None: the backward node of the recorded op that made this tensor (named after it,
                such as `MulBackward0`), through which backward reaches the inputs; None for leaves.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * 2).grad_fn
            <MulBackward0 object at 0x...>
            >>> x.grad_fn is None
            True
        """
        if self._base is not None and self._view_version != self._version_counter.value:
            _inplace.refresh_view(self)
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node: Any) -> None:
        self._grad_fn = node

    @property
    def T(self) -> Tensor:
        """The dimensions in reverse order (the transpose of a matrix).

        Args:
            self (Tensor): a tensor of at most 2 dims (PyTorch deprecates `T` on other ranks: use
                `mT` or `permute`).

        Returns:
            Tensor: a view with the dims reversed (`permute(n-1, ..., 0)`).

        Examples:
            >>> x = retrograd.arange(6).reshape(2, 3)
            >>> x.T
            tensor([[0, 3],
                    [1, 4],
                    [2, 5]])
        """
        ndim = self._data.ndim
        if ndim == 0:  # each of the two warnings once per process, as PyTorch's TORCH_WARN_ONCE
            warn_once("T: 0-d", "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")
        elif ndim != 2:
            warn_once("T: not 2-d", _T_NOT_2D_WARNING)
        return _methods._ops.permute(self, tuple(range(ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The transpose of the last two dimensions (a batch of matrices).

        Args:
            self (Tensor): a tensor of shape `(*, m, n)`, at least 2-d.

        Returns:
            Tensor: a view of shape `(*, n, m)`, `transpose(-2, -1)`.

        Examples:
            >>> retrograd.zeros(4, 2, 3).mT.shape
            retrograd.Size([4, 3, 2])
        """
        if self._data.ndim < 2:  # (a matrix property on a hot path: checked inline)
            if self._data.ndim == 0:  # deprecated, still the identity (a view), as in PyTorch
                warn_once("mT: 0-d", "Tensor.mT is deprecated on 0-D tensors. " + _IDENTITY_0D)
                return _methods._ops.permute(self, ())
            raise _not_matrices(self, "mT")
        return _methods._ops.transpose(self, -2, -1)

    @property
    def H(self) -> Tensor:
        """The conjugate transpose (equal to `T` for real tensors).

        Args:
            self (Tensor): a matrix (2-d) or a vector.

        Returns:
            Tensor: `T` with every element conjugated (a lazy conjugate view for complex tensors).

        Examples:
            >>> retrograd.tensor([[1 + 1j, 2]]).H
            tensor([[1.-1.j],
                    [2.-0.j]])
        """
        if self._data.ndim == 0:  # deprecated, the conjugate (PyTorch's warning names H, not T)
            warn_once("H: 0-d", "Tensor.H is deprecated on 0-D tensors. Consider using x.conj().")
            return _methods._ops.conj(self)
        return _methods._ops.conj(self.T)

    @property
    def mH(self) -> Tensor:
        """The conjugate transpose of the last two dimensions (equal to `mT` for real tensors).

        Args:
            self (Tensor): a batch of matrices, shape `(*, m, n)`.

        Returns:
            Tensor: shape `(*, n, m)`, `mT` with every element conjugated.

        Examples:
            >>> z = retrograd.tensor([[[1j, 2]], [[3, -1j]]])
            >>> z.mH.shape
            retrograd.Size([2, 2, 1])
            >>> z.mH[1]
            tensor([[3.-0.j],
                    [-0.+1.j]])
        """
        if self._data.ndim < 2:
            if self._data.ndim == 0:  # deprecated, the conjugate, as in PyTorch
                warn_once("mH: 0-d", "Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().")
                return _methods._ops.conj(self)
            raise _not_matrices(self, "mH")
        return _methods._ops.conj(self.mT)

    @property
    def real(self) -> Tensor:
        """The real parts (a view; the tensor itself when it is real).

        Args:
            self (Tensor): any tensor.

        Returns:
            Tensor: for a complex tensor, a float view of its real parts (writing to it changes the
                tensor); a real tensor is returned as it is.

        Examples:
            >>> z = retrograd.tensor([1 + 2j, 3 - 1j])
            >>> z.real
            tensor([1., 3.])
            >>> z.real[0] = 5
            >>> z
            tensor([5.+2.j, 3.-1.j])
        """
        return _methods._ops.real(self)

    @real.setter
    def real(self, value: Any) -> None:
        # PyTorch's setter writes through the view: `z.real = v` is `z.real.copy_(v)`
        self.real[...] = value

    @property
    def imag(self) -> Tensor:
        """The imaginary parts (a view; an error for real tensors).

        Args:
            self (Tensor): a complex tensor; a real one raises RuntimeError.

        Returns:
            Tensor: a float view of the imaginary parts (writing to it changes the tensor).

        Examples:
            >>> z = retrograd.tensor([1 + 2j, 3 - 1j])
            >>> z.imag
            tensor([ 2., -1.])
        """
        return _methods._ops.imag(self)

    @imag.setter
    def imag(self, value: Any) -> None:
        self.imag[...] = value

    # --- autograd state ----------------------------------------------------------------

    @property
    def requires_grad(self) -> builtins.bool:
        """Whether autograd records the operations on this tensor.

        Assigning to it is `requires_grad_(flag)` (only float and complex leaves can be switched on).

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for leaves made with `requires_grad=True` and for the results of recorded ops
                on them.

        Examples:
            >>> w = retrograd.zeros(2)
            >>> w.requires_grad
            False
            >>> w.requires_grad = True
            >>> (w + 1).requires_grad
            True
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self._switch_requires_grad(flag, "only Tensors of floating point and complex dtype can require gradients")

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set whether autograd records operations on this leaf; returns self.

        Args:
            requires_grad (bool): whether to record (default True). Only floating point and complex
                tensors can require grad; a non-leaf can only be switched on (no change).

        Returns:
            Tensor: this tensor.

        Examples:
            >>> w = retrograd.ones(2).requires_grad_()
            >>> w.requires_grad
            True
            >>> (w * 3).sum().backward()
            >>> w.grad
            tensor([3., 3.])
        """
        if _in_func_transform():  # the transforms own which tensors are differentiated
            raise RuntimeError(_REQUIRES_GRAD_IN_TRANSFORM)
        return self._set_requires_grad(requires_grad)

    def _set_requires_grad(self, requires_grad: builtins.bool = True) -> Tensor:
        """requires_grad_ without the refusal inside torch.func transforms: for the library's own
        leaves (factories' `requires_grad=True`, the transforms' inputs)."""
        return self._switch_requires_grad(requires_grad, "only Tensors of floating point dtype can require gradients")

    def _switch_requires_grad(self, requires_grad: builtins.bool, refusal: str) -> Tensor:
        """requires_grad_'s work; `refusal` is the message for a dtype that cannot require grad (PyTorch's
        wording differs between the method, the attribute and the factories' argument)."""
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind not in "fc" and self._data.dtype is not _BF16:
            raise RuntimeError(refusal)
        if requires_grad and self._version_box is _NO_VERSION and not _grad_state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        if self._base is not None:
            _set_own_requires_grad(self, self._requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward (None until then; for leaves and `retain_grad` tensors).

        Each backward adds to it, so training loops reset it (`optimizer.zero_grad()` or
        `x.grad = None`). Reading it on a non-leaf that did not `retain_grad` (and was given no `.grad`) warns and
        gives None.

        Args:
            self (Tensor): a leaf that requires grad, or a non-leaf after `retain_grad()`.

        Returns:
            Tensor or None: d(output)/d(self) with this tensor's shape and dtype, summed over the
                backward calls so far.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> x.grad is None
            True
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
        # PyTorch warns only when there is nothing to give: a .grad assigned to a non-leaf reads quietly
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        if _primitive.tracer is not None and self._grad is not None:  # retrograd.compiler: a .grad from before the call
            _primitive.tracer.read_grad(self._grad)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if not _grad_dtypes.allows(self, value):
                chosen = _grad_dtypes.choice(self)  # (a non-leaf has none: its own dtype is the rule)
                wanted = self.dtype if chosen is _grad_dtypes.UNCHOSEN else chosen
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype.c10_name}' to a tensor with "
                    f"grad_dtype '{wanted.kind_name}'. The gradient must match the tensor's grad_dtype "
                    "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a "
                    "specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes "
                    "of a tensor and its gradient may break downstream systems that assume they match."
                )
        if _primitive.tracer is not None:  # retrograd.compiler replays `.grad = None`, nothing else
            _primitive.tracer.set_grad(self, value)
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        if _primitive.tracer is not None:
            _primitive.tracer.set_grad(self, None)
        self._grad = None

    @property
    def grad_dtype(self) -> dtype | None:
        """The dtype this leaf's gradient is cast to on its way into `.grad` (default: the leaf's own).

        Setting a dtype makes backward cast incoming gradients to it before this tensor's hooks see
        them (and `.grad =` accept only it); None lets a gradient of any dtype through. Only leaves
        have one. Use with care: code that reads `.grad` may assume it has the tensor's dtype.

        Args:
            self (Tensor): a leaf (a tensor without `grad_fn`).

        Returns:
            dtype or None: the chosen dtype; None where any dtype is allowed.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> x.grad_dtype
            retrograd.float32
            >>> x.grad_dtype = retrograd.float64
            >>> (x * 2).sum().backward()
            >>> x.grad
            tensor([2., 2.], dtype=retrograd.float64)
        """
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        chosen = _grad_dtypes.choice(self)
        return self.dtype if chosen is _grad_dtypes.UNCHOSEN else chosen

    @grad_dtype.setter
    def grad_dtype(self, value: dtype | None) -> None:
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if value is not None and not isinstance(value, dtype):
            raise RuntimeError(
                f"grad_dtype must be a {package_name()}.dtype or None, but got {type(value).__name__}"
            )
        old = self._grad
        if old is not None and value is not None and old.dtype != value:
            raise RuntimeError(
                f"Cannot set grad_dtype to '{value.kind_name}' because there is already a gradient with dtype "
                f"'{old.dtype.c10_name}'. Please clear the gradient (.grad = None) before changing grad_dtype, or "
                "ensure the new grad_dtype matches the existing gradient's dtype."
            )
        _grad_dtypes.choose(self, value)

    @property
    def data(self) -> Tensor:
        """The same storage without autograd history (changes to it are not tracked).

        Prefer `detach()`, which shares the version counter so autograd notices in-place changes.
        Assigning `x.data = other` swaps in another tensor's values (of any shape and dtype; a tensor
        that requires grad takes only floating-point or complex values, as in PyTorch).

        Args:
            self (Tensor): any tensor.

        Returns:
            Tensor: a leaf with `requires_grad=False` sharing this tensor's memory.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> x.data
            tensor([1., 2.])
            >>> x.data[0] = 5
            >>> x
            tensor([5., 2.], requires_grad=True)
        """
        out = Tensor._make(self._data)
        if out._version_box is not None and out._version_box is not _NO_VERSION:  # in a func transform:
            out._version_box.scope = getattr(self._version_counter, "scope", 0)  # the memory is where it was made
        return out

    @data.setter
    def data(self, value: Tensor) -> None:
        # PyTorch lets `.data` take a tensor of another shape or dtype; autograd history stays
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and not (value.is_floating_point() or value.is_complex()):
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data

    @property
    def volatile(self) -> builtins.bool:
        """Always False, with PyTorch's warning: `volatile` (before 0.4) gave way to `no_grad()`.

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: False. Setting it warns and changes nothing.

        Examples:
            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     retrograd.ones(2).volatile
            False
        """
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value: builtins.bool) -> None:
        warnings.warn(_VOLATILE_SET_WARNING, UserWarning, stacklevel=2)

    @property
    def retains_grad(self) -> builtins.bool:
        """Whether this non-leaf keeps its gradient in `.grad` (see `retain_grad`).

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True after `retain_grad()` on a non-leaf; False otherwise, leaves included (they
                keep their gradient anyway).

        Examples:
            >>> x = retrograd.tensor([1.0], requires_grad=True)
            >>> y = x * 2
            >>> y.retains_grad
            False
            >>> y.retain_grad()
            >>> y.retains_grad
            True
        """
        return self._retains_grad

    @property
    def output_nr(self) -> builtins.int:
        """Which output of its `grad_fn` this tensor is.

        Args:
            self (Tensor): any tensor.

        Returns:
            int: the position among the outputs of the op that made it (0 for single-output ops and
                for leaves).

        Examples:
            >>> x = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
            >>> first, second = x.unbind(0)
            >>> first.output_nr, second.output_nr
            (0, 1)
        """
        return self._output_nr

    @property
    def _version_counter(self) -> _Version:
        """The version counter shared with this tensor's views (bumped by in-place changes)."""
        box = self._version_box
        if box is None:
            box = self._version_box = _Version()
        return box

    @_version_counter.setter
    def _version_counter(self, counter: _Version) -> None:
        self._version_box = counter

    @property
    def _version(self) -> builtins.int:
        """How many in-place changes this tensor's memory has seen (its views count too), as PyTorch's
        `Tensor._version`: autograd compares it with the count when a tensor was saved."""
        box = self._version_box
        if box is _NO_VERSION:
            raise RuntimeError("Inference tensors do not track version counter.")
        return 0 if box is None else box.value

    def _is_view(self) -> builtins.bool:
        """Whether this tensor is a view of another (its `_base`), as PyTorch's `Tensor._is_view()`."""
        return self._base is not None

    def is_inference(self) -> builtins.bool:
        """Whether this is an inference tensor: made inside `inference_mode()`, or a view of one.

        Args:
            self (Tensor): any tensor.

        Returns:
            bool: True for a tensor made in inference mode (outside it, autograd may not save it
                and in-place ops may not change it); False otherwise, `inference_mode(False)` included.

        Examples:
            >>> with retrograd.inference_mode():
            ...     made_inside = retrograd.ones(2)
            >>> made_inside.is_inference(), retrograd.ones(2).is_inference()
            (True, False)
        """
        return self._version_box is _NO_VERSION

    def detach(self) -> Tensor:
        """A tensor sharing this data and version counter, cut from the graph.

        Args:
            self (Tensor): any tensor.

        Returns:
            Tensor: the same memory with `requires_grad=False` and no `grad_fn`; in-place changes
                to it show in this tensor (and autograd notices them through the shared version).

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y
            tensor([2., 4.])
            >>> y.requires_grad
            False
        """
        if _vmap.hook.active:  # under vmap, `torch.Tensor.detach(t)` (einx's stop_gradient) keeps t batched
            out = _vmap.batched("elementwise", Tensor.detach, self)
            if out is not _vmap.NOT_BATCHED:
                return out
        t = Tensor._make(self._data)
        t._version_counter = self._version_counter
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place; it becomes a leaf.

        Views of tensors that require grad cannot be detached in place (use `detach()`).

        Returns:
            Tensor: this tensor, now with `requires_grad=False` and no `grad_fn`.

        Examples:
            >>> x = retrograd.tensor([1.0], requires_grad=True)
            >>> y = x * 2
            >>> y.detach_()
            tensor([2.])
            >>> y.is_leaf, y.requires_grad
            (True, False)
        """
        if _open_scopes[0]:
            _check_uncaptured(self, "detach_")
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the Optimizer."
                "zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` during backward.

        Args:
            self (Tensor): a tensor that requires grad; for a leaf this does nothing (leaves keep
                theirs anyway).

        Returns:
            None: from now on, backward fills `self.grad`.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> y = x * 3
            >>> y.retain_grad()
            >>> (y * y).sum().backward()
            >>> y.grad
            tensor([ 6., 12.])
        """
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self.grad_fn._keep_tensor_hook(self._output_nr, retain_grad_hook(self))
        self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """`hook(grad)` runs when this tensor's gradient is computed; may return a new one.

        Args:
            hook (callable): `hook(grad) -> Tensor or None`; a returned tensor replaces the gradient
                for the rest of the backward pass (and in `.grad`).

        Returns:
            RemovableHandle: `handle.remove()` unregisters the hook.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = x.register_hook(lambda g: g * 10)
            >>> x.sum().backward()
            >>> x.grad
            tensor([10., 10.])
            >>> handle.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """`hook(tensor)` runs after a gradient has been added to this leaf's `.grad`.

        Optimizers can use it to update a parameter as soon as its gradient is complete.

        Args:
            hook (callable): `hook(tensor) -> None`, called with this tensor (read `tensor.grad`).

        Returns:
            RemovableHandle: `handle.remove()` unregisters the hook.

        Examples:
            >>> w = retrograd.tensor([1.0, 2.0], requires_grad=True)
            >>> handle = w.register_post_accumulate_grad_hook(lambda t: print("grad:", t.grad))
            >>> (w * 3).sum().backward()
            grad: tensor([3., 3.])
            >>> handle.remove()
        """
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return RemovableHandle(self._post_acc_hooks, hook)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: builtins.bool | None = None,
        create_graph: builtins.bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate the gradient of this tensor into the `.grad` of the graph's leaves.

        Args:
            gradient (Tensor, optional): d(loss)/d(self), of this tensor's shape; needed unless it
                has one element (then 1 is used).
            retain_graph (bool, optional): keep the graph so backward can run through it again
                (default: `create_graph`).
            create_graph (bool): record the backward pass too, for higher-order derivatives.
            inputs (Tensor or sequence of Tensor, optional): accumulate only into these tensors'
                `.grad` instead of every leaf.

        Returns:
            None: the gradients are added to `.grad` (which starts as None).

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4., 6.])
        """
        _backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # --- conversions -------------------------------------------------------------------

    def item(self) -> Any:
        """The single value as a Python number.

        Args:
            self (Tensor): a tensor with exactly one element (any number of dims).

        Returns:
            int, float, bool or complex: the value, as the Python type matching the dtype;
                RuntimeError if the tensor has more than one element.

        Examples:
            >>> retrograd.tensor([[2.5]]).item()
            2.5
            >>> retrograd.arange(4).sum().item()
            6
        """
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        value = self._data.reshape(()).item()
        if _primitive.tracer is not None:  # retrograd.compiler: Python now depends on the value
            return _primitive.tracer.read_item(self, value)
        return value

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers.

        Args:
            self (Tensor): any tensor; a 0-d tensor gives a plain number.

        Returns:
            list or number: nested lists, one level per dim, of Python ints, floats or bools.

        Examples:
            >>> retrograd.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
            >>> retrograd.tensor(0.5).tolist()
            0.5
        """
        if _primitive.tracer is not None:  # retrograd.compiler: Python now depends on the values
            _primitive.tracer.read(self, "tolist")
        if self.is_sparse:
            raise RuntimeError(_NO_STORAGE)
        return self._data.tolist()

    def numpy(self, *, force: builtins.bool = False) -> np.ndarray:
        """The data as a NumPy array sharing memory (call detach() first if it requires grad, unless
        grad mode is off).

        Args:
            force (bool): when True, also allowed on tensors that require grad (the array is
                still shared; autograd does not see changes made through it).

        Returns:
            numpy.ndarray: a new array over the tensor's own memory, so writes through it show in the tensor;
                RuntimeError for a tensor that requires grad while grad mode is on, unless `force=True`.

        Examples:
            >>> t = retrograd.zeros(3)
            >>> a = t.numpy()
            >>> a[0] = 7
            >>> t
            tensor([7., 0., 0.])
        """
        if _primitive.tracer is not None:  # retrograd.compiler: Python now depends on the values
            _primitive.tracer.read(self, "numpy")
        # refused only where autograd would record: PyTorch checks grad mode too (no_grad, inference_mode)
        if self._requires_grad and not force and _grad_state.enabled:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if type(self._data) is not np.ndarray and (is_cuda_array(self._data) or type(self._data) is MetaArray):
            raise TypeError(_NOT_ON_HOST.format(self.device))
        if type(self._data) is SparseCOO:
            raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")
        if type(self._data) is SparseCompressed:
            name = "SparseCsr" if self._data.by_rows else "SparseCsc"
            raise TypeError(f"can't convert {name} layout tensor to numpy. Use Tensor.to_dense() first.")
        if self._data.dtype is _BF16:  # NumPy has no bfloat16 (ml_dtypes' is not NumPy's)
            raise TypeError("Got unsupported ScalarType BFloat16")
        return self._data.view()  # the same memory in an array of its own: `a.shape = ...` leaves the tensor alone

    def __array__(self, dtype: Any = None) -> np.ndarray:
        """NumPy's view of the data; refused, like `numpy()`, while the tensor requires grad in grad mode.

        No `copy` keyword, as PyTorch's: NumPy then copies for `np.array(t)` itself (with its
        DeprecationWarning about the keyword, which PyTorch's programs print too) and refuses
        `np.array(t, copy=False)`, while `np.asarray(t)` shares the memory.
        """
        if _primitive.tracer is not None:  # retrograd.compiler: Python now depends on the values
            _primitive.tracer.read(self, "__array__")
        if self._requires_grad and _grad_state.enabled:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if type(self._data) is not np.ndarray and (is_cuda_array(self._data) or type(self._data) is MetaArray):
            raise TypeError(_NOT_ON_HOST.format(self.device))
        if self._data.dtype is _BF16 and dtype is None:
            raise TypeError("Got unsupported ScalarType BFloat16")
        # an array of its own over the same memory, as numpy() gives (its shape and flags are the caller's)
        return self._data.view() if dtype is None else self._data.astype(dtype, copy=False)

    def __array_wrap__(self, array: Any) -> Tensor:
        """NumPy ufuncs on tensors give tensors (`np.sin(t)`, `t + array`), 0-d results included, as
        in PyTorch; a bool result is uint8, as PyTorch's legacy rule has it (`np.isnan(t)`).

        The one argument is PyTorch's: NumPy 2 calls it again without `context` and `return_scalar`,
        with the DeprecationWarning that PyTorch's programs print too.
        """
        array = np.asarray(array)
        return Tensor._make(array.astype(np.uint8) if array.dtype == np.bool_ else array)

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        if self._requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> tuple[builtins.int, builtins.int]:
        return self._data.__dlpack_device__()

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert dtype and/or device: `to(dtype)`, `to(device, dtype)`, `to(other)`.

        Args:
            *args (dtype or device or Tensor): the target: `to(dtype)`, `to(device)`,
                `to(device, dtype)`, or `to(other)` for both the dtype and the device of the tensor `other`.
            **kwargs: `device=` and `dtype=` name the target; `copy=True` makes a new tensor even when
                nothing changes; `non_blocking=` is accepted (copies here are synchronous);
                `memory_format=` lays a copy out as `clone(memory_format=)` does (default
                `preserve_format`), and asks for a copy unless the tensor's strides already
                follow that format's order (PyTorch's `suggest_memory_format()`).

        Returns:
            Tensor: this tensor itself when it already has the dtype, device (and layout) asked
                for and `copy` is False, else a converted copy; gradients flow back through it.

        Examples:
            >>> x = retrograd.tensor([1.7, -2.2])
            >>> x.to(retrograd.int64)
            tensor([ 1, -2])
            >>> x.to("cpu") is x
            True
            >>> x.to(retrograd.tensor([1], dtype=retrograd.float64)).dtype
            retrograd.float64
        """
        if args and (type(args[0]) is type or (len(args) > 1 and type(args[1]) is type)):
            args = tuple(_dt.from_python_type(a) for a in args)  # `to(float)`: Python's float is float64
        if type(kwargs.get("dtype")) is type:
            kwargs["dtype"] = _dt.from_python_type(kwargs["dtype"])
        _check_to_arguments(args, kwargs)
        layout = kwargs.get("memory_format")
        target_dtype = kwargs.get("dtype")
        dev = kwargs.get("device")
        flags = args[2:] if len(args) > 2 and not isinstance(args[0], (dtype, Tensor)) else args[1:]
        copy = kwargs.get("copy", len(flags) == 2 and flags[1])  # (non_blocking, copy) by position
        for a in args:
            if isinstance(a, dtype):
                target_dtype = a
            elif isinstance(a, Tensor):
                target_dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, device, builtins.int)) and not isinstance(a, builtins.bool):
                dev = a
        out = self
        if dev is not None:
            target = as_device(dev)  # "cuda" without a CUDA backend raises PyTorch's AssertionError
            out = _devices.to_device(self, target)
        if target_dtype is not None and target_dtype.np != out._data.dtype:
            out = _methods._ops.to_dtype(out, target_dtype)
        if layout is not None:
            return self._laid_out_as(out, _layouts.format_name("to", layout), copy)
        return _methods._ops.clone(out) if copy and out is self else out

    def _laid_out_as(self, out: Tensor, name: builtins.str, copy: builtins.bool) -> Tensor:
        """`out` (`self`, or a fresh conversion of it) laid out as memory format `name`, as
        PyTorch's `to(memory_format=)`: `self` only when its strides already follow the format."""
        if name == "preserve_format":
            return _methods._ops.clone(out) if copy and out is self else out
        if name != "contiguous_format":
            _layouts.channels_last_strides(out._data.shape, name)  # PyTorch's error for another rank
        if out is self:
            if not copy and _layouts.suggested_format(self._data.shape, self.stride()) == name:
                return self
            out = _methods._ops.to_dtype(self, self.dtype)  # a fresh copy: PyTorch's ToCopyBackward0
        # out's array is its own (nothing shares it yet): lay it out in place of its row-major copy
        out._data = _methods._ops.kernels.placement.laid_out(namespace(out._data), out._data, name)
        return out

    def cpu(self, memory_format: Any = None) -> Tensor:
        """This tensor on the CPU (itself when it is there already).

        Args:
            memory_format (memory_format, optional): the copy's layout, as `to(memory_format=)`.

        Returns:
            Tensor: `self` for a tensor in host memory, else a copy there (recorded in the graph).

        Examples:
            >>> x = retrograd.ones(2)
            >>> x.cpu() is x
            True
        """
        if memory_format is not None:
            return self.to(CPU, memory_format=memory_format)
        return self if type(self._data) is np.ndarray else _devices.to_device(self, CPU)

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False, memory_format: Any = None) -> Tensor:
        """This tensor on a CUDA device (the current one, or `device`).

        Args:
            device (int or str or device, optional): the target, such as `0` or `"cuda:1"`; the current
                CUDA device when omitted. A non-CUDA device raises RuntimeError.
            non_blocking (bool): accepted for PyTorch compatibility; the copy is synchronous.
            memory_format (memory_format, optional): the copy's layout, as `to(memory_format=)`.

        Returns:
            Tensor: the tensor in that device's memory (itself when it is there already); raises
                when no CUDA device is available.

        Examples:
            >>> x = retrograd.ones(2)
            >>> y = x.cuda() if retrograd.cuda.is_available() else x
            >>> y.sum().item()
            2.0
        """
        if device is None:
            device = "cuda"
        target = as_device(device)  # a bare int is a CUDA ordinal
        if target.type != "cuda":
            raise RuntimeError(f"Invalid device, must be cuda device, got {target}")
        if memory_format is not None:
            return self.to(target, memory_format=memory_format)
        return _devices.to_device(self, target)

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False, **kwargs: Any) -> Any:
        """The legacy type name (`'torch.FloatTensor'`), or this tensor converted to `dtype`.

        PyTorch's names are used so that code comparing them runs unchanged.

        Args:
            dtype (dtype or type or str, optional): the target: a dtype, a legacy type
                (`retrograd.LongTensor`) or its name (`'torch.LongTensor'`); omitted to ask for the name.
            non_blocking (bool): accepted for PyTorch compatibility; conversions are synchronous.
            **kwargs: only `async`, the old name of `non_blocking`.

        Returns:
            str or Tensor: the type name when `dtype` is omitted, else `self.to(dtype)`.

        Examples:
            >>> x = retrograd.tensor([1.5, 2.5])
            >>> x.type()
            'torch.FloatTensor'
            >>> x.type(retrograd.int64)
            tensor([1, 2])
            >>> x.type('torch.DoubleTensor').type()
            'torch.DoubleTensor'
        """
        for key in kwargs:  # PyTorch's only extra keyword: `async`, the old name of non_blocking
            if key != "async":
                raise TypeError(f"type() got an unexpected keyword argument '{key}'")
        if type(self._data) is SparseCompressed:
            raise RuntimeError("Unimplemented backend SparseCsrCPU")
        if dtype is None:
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return (prefix + "sparse." if type(self._data) is SparseCOO else prefix) + self.dtype.legacy_name
        if dtype is Tensor or dtype in ("torch.Tensor", "retrograd.Tensor"):
            dtype = _dt.get_default_dtype()  # `x.type(torch.Tensor)`: the default tensor type's dtype
        on_cuda = False
        if isinstance(dtype, str):
            on_cuda = dtype.startswith(("torch.cuda.", "retrograd.cuda."))
            dtype = _legacy_dtype(dtype)
        elif not isinstance(dtype, _dt.dtype):
            if not isinstance(dtype, builtins.type):
                raise TypeError("dtype must be a type, str, or dtype object")
            carried = getattr(dtype, "dtype", None)  # retrograd.FloatTensor and friends carry theirs
            if not isinstance(carried, _dt.dtype):  # `x.type(float)`: not a tensor type
                raise ValueError(f"invalid type: '{dtype.__name__}'")
            on_cuda = getattr(dtype, "is_cuda", False) is True  # `cuda.FloatTensor`, not a CPU one
            dtype = carried
        if type(non_blocking) is not builtins.bool:
            kind = _primitive.type_name(non_blocking)
            raise TypeError(f"type(): argument 'non_blocking' (position 2) must be bool, not {kind}")
        if on_cuda:
            if cuda_backend() is None:
                raise RuntimeError(NO_ATEN_CUDA)
            return self.to("cuda", dtype, non_blocking=non_blocking)
        return self.to(dtype)

    float = dtype_conversion("float")
    double = dtype_conversion("double")
    half = dtype_conversion("half")
    bfloat16 = dtype_conversion("bfloat16")
    long = dtype_conversion("long")
    int = dtype_conversion("int")
    short = dtype_conversion("short")
    char = dtype_conversion("char")
    byte = dtype_conversion("byte")
    bool = dtype_conversion("bool")

    def type_as(self, other: Tensor) -> Tensor:
        """Converted to `other`'s dtype.

        Args:
            other (Tensor): the tensor whose dtype to take (its device is not used).

        Returns:
            Tensor: `self.to(other.dtype)`: `self` when the dtypes match, else a converted copy.

        Examples:
            >>> x = retrograd.tensor([1.7, -0.5])
            >>> x.type_as(retrograd.tensor([0]))
            tensor([1, 0])
        """
        if not isinstance(other, Tensor):
            raise _primitive.not_a_tensor("type_as", other, "other")
        return self.to(other.dtype)

    def clone(self, *, memory_format: Any = None) -> Tensor:
        """A copy with its own memory; gradients flow back to this tensor.

        Args:
            memory_format (memory_format, optional): `preserve_format` (default) keeps the order of
                the strides, `contiguous_format` is row-major, `channels_last` (4-D) and
                `channels_last_3d` (5-D) put the channel dim fastest.

        Returns:
            Tensor: a new tensor with the same values, dtype and `requires_grad` (recorded in the
                graph: its gradient goes to this tensor).

        Examples:
            >>> a = retrograd.tensor([1.0, 2.0])
            >>> b = a.clone()
            >>> b[0] = 5.0
            >>> a, b
            (tensor([1., 2.]), tensor([5., 2.]))
        """
        return _methods._ops.clone(self, memory_format=memory_format)

    def contiguous(self, memory_format: Any = _layouts.contiguous_format) -> Tensor:
        """This tensor if its memory is contiguous, else a contiguous copy.

        Args:
            memory_format (memory_format): `contiguous_format` (default, row-major) or
                `channels_last` (4-D) / `channels_last_3d` (5-D); `preserve_format` raises, as in PyTorch,
                where a copy is needed.

        Returns:
            Tensor: `self` when already contiguous in that format (`is_contiguous(memory_format)`),
                else a copy laid out so (recorded in the graph).

        Examples:
            >>> x = retrograd.arange(6).reshape(2, 3).t()
            >>> x.is_contiguous()
            False
            >>> x.contiguous().is_contiguous()
            True
            >>> x.contiguous().view(-1)
            tensor([0, 3, 1, 4, 2, 5])
        """
        name = _layouts.format_name("contiguous", memory_format)
        if self.is_contiguous(memory_format):
            return self
        if name == "preserve_format":  # PyTorch's, only once a copy is needed
            raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
        return _methods._ops.clone(self, memory_format=memory_format)

    # --- Python protocol ---------------------------------------------------------------

    def __len__(self) -> builtins.int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        # methods, as PyTorch's: a subclass's `__torch_function__` sees `dim` and `unbind`; its pieces keep its class
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self) -> Tensor:
        # PyTorch's: one tensor flipped along dim 0 (a 0-d tensor is itself), not Python's row iterator
        return self if self._data.ndim == 0 else _methods._ops.flip(self, (0,))

    def __bool__(self) -> builtins.bool:
        if _primitive.tracer is not None:  # retrograd.compiler: Python now depends on the values
            _primitive.tracer.read(self, "__bool__")
        if self._data.size != 1:
            many = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        if type(self._data) is MetaArray:  # (a meta array's own bool is False, for retrograd's checks)
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return bool(self._data.reshape(()))

    def __float__(self) -> builtins.float:
        if self._requires_grad and _grad_state.enabled:  # PyTorch is silent with grad mode off
            warn_scalar_of_graph()  # (before refusing a tensor of many elements, as PyTorch)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(_real_scalar(self.item(), "double"))

    def __int__(self) -> builtins.int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(_real_scalar(self.item(), "int64_t"))

    def __index__(self) -> builtins.int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self) -> builtins.complex:
        if self._requires_grad and _grad_state.enabled:  # PyTorch is silent with grad mode off
            warn_scalar_of_graph()  # (before refusing a tensor of many elements, as PyTorch)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex(self.item())

    def __hash__(self) -> builtins.int:
        return id(self)

    def __contains__(self, element: Any) -> builtins.bool:
        if not isinstance(element, (Tensor, numbers.Number, np.generic)):
            raise RuntimeError(
                f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}."
            )
        if isinstance(element, Tensor):  # PyTorch compares `element == self`: its shapes in that order
            return bool((element == self).any())
        return bool((self == element).any())

    def __repr__(self) -> str:
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        # A meta scalar has no value; a subclass (a Parameter) formats as an object, as in PyTorch.
        if self._data.ndim == 0 and type(self._data) is not MetaArray and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Pickling copies the data anyway; copy.copy shares it, as in PyTorch. A program's own
        # attributes travel as the state (pickle and copy put them back in the new __dict__). A
        # subclass comes back as itself, without its __init__ (MONAI's MetaTensor), as in PyTorch.
        args = (self._data, self._requires_grad)
        return (_rebuild, args if type(self) is Tensor else (*args, type(self)), self.__dict__ or None)

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment.  If you were attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
            )
        # one copy of each storage per deepcopy: views copied together still share memory (as PyTorch)
        t = type(self)._make(_storage.deepcopy_data(self._data, memo), self._requires_grad)
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        if self.__dict__:
            t.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return t


_BF16 = _dt.BFLOAT16_NP
_scalar_warning = {"shown": False}


_IDENTITY_0D = "This function is the identity in these cases."


def _not_matrices(t: Tensor, name: str) -> RuntimeError:
    return RuntimeError(
        f"tensor.{name} is only supported on matrices or batches of matrices. Got {t._data.ndim}-D tensor."
    )


def _real_scalar(value: Any, c_type: str) -> Any:
    """A complex value as a real one for float()/int(), as PyTorch's checked conversion: only
    when its imaginary part is zero (and, for int64_t, its real part is a finite int64)."""
    if not isinstance(value, builtins.complex):
        return value
    fits = value.imag == 0
    if c_type == "int64_t":
        fits = fits and np.isfinite(value.real) and -(2**63) <= value.real < 2**63
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
    return value.real


def warn_scalar_of_graph() -> None:
    """PyTorch's warning for float()/complex() of a tensor that requires grad (and for such a tensor
    read as a float in `tensor([...])`): once per process, as its TORCH_WARN_ONCE (`.item()` and
    `int()` say nothing)."""
    if not _scalar_warning["shown"]:
        _scalar_warning["shown"] = True
        warnings.warn(
            "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
            "Consider using tensor.detach() first.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


_NOT_ON_HOST = (
    "can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first."
)


def _rebuild(data: np.ndarray, requires_grad: bool, cls: type = Tensor) -> Tensor:
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"a tensor can't be rebuilt as {cls!r:.100}, which is no Tensor subclass")
    return cls._make(data, requires_grad)


def _legacy_dtype(name: str) -> dtype:
    """The dtype a legacy type name such as 'torch.LongTensor' stands for."""
    prefix, _, kind = name.rpartition(".")
    if prefix.endswith(".cuda") and cuda_backend() is None:
        raise RuntimeError(NO_ATEN_CUDA)  # PyTorch's CPU build, before it reads the type's name
    for d in _dt.ALL:
        if d.legacy_name == kind and prefix in ("torch", "retrograd", "torch.cuda", "retrograd.cuda"):
            return d
    raise ValueError(f"invalid type: '{name}'")


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dimension index in range(ndim), from a possibly negative one (IndexError if out of range)."""
    n = max(ndim, 1)
    if type(dim) is not builtins.int:
        dim = _dim_index(dim)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _wrap_own_dim(dim: int, ndim: int) -> int:
    """`_wrap_dim` for `size(dim)` and `stride(dim)`, which in PyTorch find no dimension in a 0-dim tensor
    (ops that take a `dim` wrap a scalar's 0 and -1)."""
    if ndim == 0:
        dim = dim if type(dim) is builtins.int else _dim_index(dim)
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _dim_index(dim: Any) -> builtins.int:
    """A dim given as another integer type (NumPy, 0-d int tensor); PyTorch's TypeError for anything else
    (a bool too, which Python would read as 0 or 1)."""
    if type(dim) is builtins.bool:
        raise TypeError("argument 'dim' must be int, not bool")
    try:
        return operator.index(dim)
    except TypeError:
        raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}") from None


def is_tensor(obj: object) -> bool:
    """Whether `obj` is a retrograd Tensor (a subclass such as `nn.Parameter` counts).

    Args:
        obj (object): anything.

    Returns:
        bool: `isinstance(obj, retrograd.Tensor)`.

    Examples:
        >>> retrograd.is_tensor(retrograd.ones(2)), retrograd.is_tensor([1.0, 2.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def _grad_enabled() -> bool:
    return _grad_state.enabled


# The engine sits below this module and learns of Tensor here, once.
register_tensor(Tensor)
_tf.register_tensor_class(Tensor)


public_class(Tensor)  # `<class 'torch.Tensor'>` under the alias, as PyTorch's
public_class(Size)
