"""ParameterList and ParameterDict: containers of parameters and of any other values, as PyTorch's.

Members are the module's attributes (named '0', '1', ... or by key), set with setattr, so a
Parameter is registered, a Module becomes a child, and any other object stays a plain attribute.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..._display_name import package_name
from ..parameter import Parameter
from .module import Module


class ParameterList(Module):
    """A list of parameters and other values (plain tensors are wrapped as Parameters).

    Members live as the module's attributes '0', '1', ...: a Parameter is registered (so
    `parameters()` finds it), a Module becomes a child, anything else is a plain attribute.

    Args:
        values (iterable, optional): the initial members; plain tensors are wrapped as Parameters.

    Returns:
        (ParameterList): a module that holds values in order, indexable and iterable like a list.

    Examples:
        >>> params = nn.ParameterList([retrograd.zeros(2), retrograd.ones(3), 'note'])
        >>> params
        ParameterList(
            (0): Parameter containing: [retrograd.float32 of size 2]
            (1): Parameter containing: [retrograd.float32 of size 3]
            (2): Object of type: str
        )
        >>> params[1]
        Parameter containing:
        tensor([1., 1., 1.], requires_grad=True)
        >>> len(params), len(list(params.parameters()))
        (3, 2)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _attr(self, idx: Any) -> str:
        """The attribute name of index `idx` ('2' for -1 of three)."""
        idx = operator.index(idx)
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range")
        return str(idx % len(self))

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            out = self.__class__()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        return getattr(self, self._attr(idx))

    def __setitem__(self, idx: int, value: Any) -> None:
        # every way into the list ends here, so this is the one place that wraps tensors;
        # setattr registers a Parameter and refuses a non-Parameter over one, as PyTorch's
        setattr(self, self._attr(idx), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def __dir__(self) -> list[str]:
        return [key for key in super().__dir__() if not key.isdigit()]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")

    def append(self, value: Any) -> ParameterList:
        """Add `value` at the end (a plain tensor as a Parameter); returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each of `values`; returns self."""
        from ...tensor import Tensor

        if not isinstance(values, Iterable) or isinstance(values, Tensor):  # a tensor is never unpacked
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        # PyTorch indents these by two more spaces, and names the dtype
        return "\n".join(f"  ({i}): {_member_repr(p, str(p.dtype) if _is_tensor(p) else '')}"
                         for i, p in enumerate(self))


class ParameterDict(Module):
    """An ordered dict of parameters and other values (plain tensors are wrapped as Parameters).

    Members live as the module's attributes named by their keys: a Parameter is registered (so
    `parameters()` finds it), a Module becomes a child, anything else is a plain attribute.

    Args:
        parameters (mapping or iterable of (str, value) pairs, optional): the initial members; plain tensors
            are wrapped as Parameters. A plain dict is added in sorted key order, as PyTorch does.

    Returns:
        (ParameterDict): a module that holds values by name, in insertion order, like a dict.

    Examples:
        >>> params = nn.ParameterDict({'scale': retrograd.ones(2)})
        >>> params['shift'] = retrograd.zeros(2)
        >>> params['steps'] = 5
        >>> params
        ParameterDict(
            (scale): Parameter containing: [retrograd.FloatTensor of size 2]
            (shift): Parameter containing: [retrograd.FloatTensor of size 2]
            (steps): Object of type: int
        )
        >>> [name for name, _ in params.named_parameters()]
        ['scale', 'shift']
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def _key_to_attr(self, key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is "
                f"not a string (type is '{type(key).__name__}'). Open an issue on "
                "github if you need non-string keys."
            )
        return key

    def __getitem__(self, key: str) -> Any:
        return getattr(self, self._key_to_attr(key))

    def __setitem__(self, key: str, value: Any) -> None:
        # the key is recorded before it is checked, as in PyTorch (a bad key stays in keys())
        self._keys[key] = None
        setattr(self, self._key_to_attr(key), _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._key_to_attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")

    def keys(self) -> Iterable[str]:
        return self._keys.keys()

    def values(self) -> Iterable[Any]:
        return (self[k] for k in self._keys)

    def items(self) -> Iterable[tuple[str, Any]]:
        return ((k, self[k]) for k in self._keys)

    def update(self, parameters: Any) -> None:
        """Set each (key, value) of `parameters`: a ParameterDict or OrderedDict in order, a dict sorted."""
        if not isinstance(parameters, Iterable):
            raise TypeError(
                "ParametersDict.update should be called with an iterable of key/value pairs, but got "
                + type(parameters).__name__
            )
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs: Iterable[Any] = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = checked_pairs(parameters, "ParameterDict")
        for key, value in pairs:
            self[key] = value

    # the rest of dict's methods, as PyTorch's ParameterDict has them
    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same members (the same Parameter objects)."""
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        return ParameterDict((k, default) for k in keys)

    def __or__(self, other: ParameterDict) -> ParameterDict:
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: ParameterDict) -> ParameterDict:
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self

    def extra_repr(self) -> str:
        # PyTorch's quirks: two leading spaces, the legacy tensor type name
        return "\n".join(f"  ({k}): {_member_repr(p, _type_name(p) if _is_tensor(p) else '')}"
                         for k, p in self.items())


def checked_pairs(pairs: Iterable[Any], container: str) -> Iterator[tuple[Any, Any]]:
    """The (key, value) pairs of a sequence given to `container.update` (ParameterDict,
    ModuleDict), with PyTorch's errors for an element that is not one."""
    for j, p in enumerate(pairs):
        if not isinstance(p, Iterable):
            raise TypeError(f"{container} update sequence element #{j} should be Iterable; is{type(p).__name__}")
        if len(p) != 2:  # type: ignore[arg-type]
            raise ValueError(f"{container} update sequence element #{j} has length {len(p)}; 2 is required")  # type: ignore[arg-type]
        yield p[0], p[1]  # type: ignore[index]


def _is_tensor(value: Any) -> bool:
    from ...tensor import Tensor

    return isinstance(value, Tensor)


def _member_repr(value: Any, type_text: str) -> str:
    """One member's line after its key: a tensor's kind, type and size, or any other object's type."""
    if not _is_tensor(value):
        return f"Object of type: {type(value).__name__}"
    size = "x".join(str(s) for s in value.shape)
    device = f" ({value.device})" if value.device.type == "cuda" else ""
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    return f"{kind} containing: [{type_text} of size {size}{device}]"


def _as_parameter(value: Any) -> Any:
    """A plain tensor wrapped as a Parameter; anything else (a Parameter included) as it is."""
    if _is_tensor(value) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _type_name(p: Any) -> str:
    return f"{package_name()}.{p.dtype.legacy_name}"
