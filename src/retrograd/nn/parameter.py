"""nn.Parameter: a tensor a Module registers as one of its parameters."""

from __future__ import annotations

import weakref
from typing import Any

from .._display_name import public_class
from .._torch_function import _disabled_torch_function_impl
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that a Module treats as a parameter (requires grad by default).

    It shares memory with the tensor it is made from, as in PyTorch.

    Args:
        data (Tensor, optional): the values; the parameter shares their memory (default: an empty tensor).
        requires_grad (bool): whether it requires grad (default True).

    Returns:
        (Parameter): a Tensor subclass; assigned to a Module attribute, it is registered in `parameters()`.

    Examples:
        >>> w = nn.Parameter(retrograd.zeros(2))
        >>> w
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        >>> m = nn.Module()
        >>> m.w = w
        >>> [name for name, _ in m.named_parameters()]
        ['w']
        >>> nn.Parameter(retrograd.ones(1), requires_grad=False).requires_grad
        False
    """

    __slots__ = ()
    __torch_function__ = _disabled_torch_function_impl  # ops on parameters give plain tensors, as PyTorch's

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        from ..ops.creation import empty

        if data is None:
            data = empty(0)
        p = cls._make(data._data)
        if requires_grad:  # PyTorch's wording here is the attribute's, not requires_grad_()'s
            p._switch_requires_grad(True, "Only Tensors of floating point and complex dtype can require gradients")
        return p  # type: ignore[return-value]  # _make builds an instance of cls

    # no __init__ of its own: Tensor's takes any arguments, so a subclass whose __new__ takes more
    # (`Params4bit(data, requires_grad, quant_state=...)`) is built as under PyTorch

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> Parameter:
        # PyTorch copies a Parameter by building a new one of its class from its values: the
        # copy has no .grad (a plain tensor's deepcopy keeps its gradient); `clone` keeps the
        # strides (a channels-last weight's copy is channels-last)
        p = type(self)(Tensor._make(self._data).clone(), self._requires_grad)
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol: Any) -> Any:  # a program's own attributes travel as the state
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad), self.__dict__ or None)


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    return Parameter._make(data, requires_grad)  # type: ignore[return-value]


public_class(Parameter, "nn.parameter")  # under the alias: `torch.nn.parameter.Parameter`, as PyTorch's


class _BufferMeta(type):
    """`isinstance(t, nn.Buffer)` asks whether `t` was marked as a buffer: an nn.Buffer is a plain
    Tensor (as in PyTorch, `type(nn.Buffer(t))` is Tensor), so the check reads its mark."""

    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A tensor that, assigned to a Module attribute, registers as a buffer (`persistent` or not).

    Args:
        data (Tensor, optional): the values (default: an empty tensor).
        persistent (bool): whether the buffer is part of the module's `state_dict` (default True).

    Returns:
        (Tensor): a plain Tensor sharing `data`'s memory (detached, keeping its `requires_grad`),
        marked as a buffer; the module stores that very tensor in its buffers.

    Examples:
        >>> m = nn.Module()
        >>> m.running = nn.Buffer(retrograd.zeros(2), persistent=False)
        >>> m.count = nn.Buffer(retrograd.tensor(0))
        >>> list(m.named_buffers())
        [('running', tensor([0., 0.])), ('count', tensor(0))]
        >>> list(m.state_dict())
        ['count']
        >>> type(m.running).__name__, isinstance(m.running, nn.Buffer)
        ('Tensor', True)
    """

    persistent: bool  # set on the marked tensor
    __torch_function__ = _disabled_torch_function_impl  # (its instances are plain Tensors anyway)

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Buffer:
        from ..ops.creation import empty

        if data is None:
            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent  # type: ignore[attr-defined]  # a tensor's own attributes
        t._is_buffer = True  # type: ignore[attr-defined]
        return t  # type: ignore[return-value]  # a marked Tensor stands for the Buffer


# --- lazy modules: parameters and buffers whose shape the first forward decides -------------------

_DATA_SLOT = Tensor._data  # the slot behind `_data`; the uninitialized classes hide it behind a property
_USE_MESSAGE = (
    "Attempted to use an uninitialized parameter. This error happens when you are using a `LazyModule` or "
    "explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. When using LazyModules Call "
    "`forward` with a dummy batch to initialize the parameters before calling torch functions"
)
_SHAPE_MESSAGE = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
    "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to "
    "initialize the parameters before accessing their attributes."
)


class UninitializedTensorMixin:
    """What UninitializedParameter and UninitializedBuffer share: no data until `materialize(shape)`.

    They keep a dtype and a device (in a 0-element placeholder); using their values raises
    ValueError and reading their shape RuntimeError, as in PyTorch.
    """

    __slots__ = ()
    __torch_function__ = _disabled_torch_function_impl  # its values refuse every use anyway
    cls_to_become: type
    _requires_grad: bool  # the Tensor slot of the class this mixes into

    @property
    def _data(self) -> Any:
        raise ValueError(_USE_MESSAGE)

    @_data.setter
    def _data(self, value: Any) -> None:
        _DATA_SLOT.__set__(self, value)

    def _placeholder(self) -> Any:
        return _DATA_SLOT.__get__(self)

    @property
    def dtype(self) -> Any:
        from ..dtypes import from_numpy

        return from_numpy(self._placeholder().dtype)

    @property
    def device(self) -> Any:
        return Tensor._make(self._placeholder()).device

    @property
    def shape(self) -> Any:
        raise RuntimeError(_SHAPE_MESSAGE)

    def is_floating_point(self) -> bool:
        return bool(self.dtype.is_floating_point)

    def is_complex(self) -> bool:
        return bool(self.dtype.is_complex)

    def size(self, dim: int | None = None) -> Any:
        from ..tensor import Size

        return Size((0,)) if dim is None else Tensor._make(self._placeholder()).size(dim)  # PyTorch's answer

    def requires_grad_(self, requires_grad: bool = True) -> Any:
        """Refused before materialization, as PyTorch (`lazy_model.requires_grad_(False)` raises there;
        setting the `requires_grad` attribute is allowed)."""
        raise ValueError(_USE_MESSAGE)

    def numpy(self, *, force: bool = False) -> Any:
        """Refused, as PyTorch: there are no values yet (before the requires-grad check)."""
        raise ValueError(_USE_MESSAGE)

    @property
    def data(self) -> Tensor:
        """The 0-element placeholder as a plain Tensor, as PyTorch: `lazy.weight.data.normal_()` does nothing."""
        return Tensor._make(self._placeholder())

    @data.setter
    def data(self, value: Tensor) -> None:  # Module.to and friends swap in a converted placeholder
        _DATA_SLOT.__set__(self, _DATA_SLOT.__get__(value))  # a lazy one's placeholder, or the array

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give it uninitialized memory of `shape` (its dtype/device unless given); it becomes `cls_to_become`."""
        from ..ops.creation import empty

        if isinstance(shape, int):
            shape = (shape,)
        data = empty(tuple(shape), device=device or self.device, dtype=dtype or self.dtype)
        _DATA_SLOT.__set__(self, data._data)
        self.__class__ = self.cls_to_become  # type: ignore[assignment]

    def _converted(self, dtype: Any = None, device: Any = None) -> Any:
        """A new uninitialized tensor of this kind with `dtype` and `device` (its own unless given)."""
        cls: Any = type(self)
        return cls(self._requires_grad, device or self.device, dtype or self.dtype)

    def _like(self, placeholder: Tensor) -> Any:
        return self._converted(placeholder.dtype, placeholder.device)

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """A new uninitialized tensor with the dtype/device given (as `Tensor.to` reads them)."""
        return self._like(Tensor._make(self._placeholder()).to(*args, **kwargs))

    def float(self) -> Any:
        from ..dtypes import float32

        return self._converted(float32)

    def double(self) -> Any:
        from ..dtypes import float64

        return self._converted(float64)

    def half(self) -> Any:
        from ..dtypes import float16

        return self._converted(float16)

    def cpu(self, memory_format: Any = None) -> Any:
        return self._like(Tensor._make(self._placeholder()).cpu(memory_format=memory_format))

    def cuda(self, device: Any = None, non_blocking: bool = False, memory_format: Any = None) -> Any:
        return self._like(Tensor._make(self._placeholder()).cuda(device, non_blocking, memory_format))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __deepcopy__(self, memo: dict) -> Any:
        other = self._converted()
        memo[id(self)] = other
        return other

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (type(self), (self._requires_grad, None, self.dtype))


def _placeholder_data(device: Any, dtype: Any) -> Any:
    from ..ops.creation import empty

    return empty(0, device=device, dtype=dtype)._data


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (a lazy module's, before its first forward).

    Args:
        requires_grad (bool): whether the parameter will require grad (default True).
        device (str or device, optional): where it will live.
        dtype (dtype, optional): its dtype (default float32).

    Returns:
        (UninitializedParameter): a placeholder with no data; `materialize(shape)` turns it into a `Parameter` in place.

    Examples:
        >>> p = nn.UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', retrograd.Size([2, 3]))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> UninitializedParameter:
        p = cls._make(_placeholder_data(device, dtype), requires_grad)
        return p  # type: ignore[return-value]

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (a lazy module's, before its first forward).

    Args:
        requires_grad (bool): whether the buffer will require grad (default False).
        device (str or device, optional): where it will live.
        dtype (dtype, optional): its dtype (default float32).
        persistent (bool): whether it will be part of the module's `state_dict` (default True).

    Returns:
        (UninitializedBuffer): a placeholder with no data; `materialize(shape)` turns it into a plain Tensor in place.

    Examples:
        >>> b = nn.UninitializedBuffer()
        >>> b
        <UninitializedBuffer>
        >>> b.materialize((4,))
        >>> type(b).__name__, b.shape
        ('Tensor', retrograd.Size([4]))
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(
        cls, requires_grad: bool = False, device: Any = None, dtype: Any = None, persistent: bool = True
    ) -> UninitializedBuffer:
        b = cls._make(_placeholder_data(device, dtype), requires_grad)
        if not persistent:  # no room for a flag (it becomes a Tensor in place): kept aside while it lives
            _NOT_PERSISTENT[id(b)] = True
            weakref.finalize(b, _NOT_PERSISTENT.pop, id(b), None)
        return b  # type: ignore[return-value]

    def __init__(
        self, requires_grad: bool = False, device: Any = None, dtype: Any = None, persistent: bool = True
    ) -> None:
        pass


_NOT_PERSISTENT: dict[int, bool] = {}  # id -> True for the UninitializedBuffers made with persistent=False


def buffer_persistence(value: Any) -> bool | None:
    """For an nn.Buffer or UninitializedBuffer, whether it is persistent; None for anything else."""
    if isinstance(value, Buffer):
        return value.persistent
    if isinstance(value, UninitializedBuffer):
        return id(value) not in _NOT_PERSISTENT
    return None


def is_lazy(t: Any) -> bool:
    """Whether `t` is an uninitialized parameter or buffer."""
    return isinstance(t, UninitializedTensorMixin)
