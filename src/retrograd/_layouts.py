"""PyTorch's layout and memory-format objects: `torch.strided`, `torch.channels_last`, ...

retrograd has one layout (dense, strided) and lays new tensors out contiguously; these objects
exist so that code passing `layout=torch.strided` or `memory_format=torch.contiguous_format`
runs, and prints what PyTorch prints. The creation functions accept the values that ask for what
retrograd does and refuse the others (`ops.kernels.placement`).
"""

from __future__ import annotations

from typing import TypeVar

from ._display_name import package_name

_C = TypeVar("_C", bound="_NamedConstant")

__all__ = [
    "layout", "strided", "memory_format", "contiguous_format", "channels_last", "channels_last_3d",
    "preserve_format", "legacy_contiguous_format",
]  # fmt: skip


class _NamedConstant:
    """One of a fixed set of named values, printed `torch.<name>` and pickled by name."""

    __slots__ = ("_name",)
    _name: str

    def __new__(cls, *args: object, **kwargs: object) -> _NamedConstant:
        raise TypeError(f"cannot create '{package_name()}.{cls.__name__}' instances")

    @classmethod
    def _make(cls: type[_C], name: str) -> _C:
        """The one instance called `name` (PyTorch users never create these)."""
        value = object.__new__(cls)
        value._name = name
        return value

    def __repr__(self) -> str:
        return package_name() + "." + self._name

    def __reduce__(self) -> str:
        return self._name  # pickled as this module's global of that name


class layout(_NamedConstant):
    """How a tensor's elements are stored: retrograd has only `retrograd.strided` (dense).

    The class exists for `layout=` arguments and `isinstance` checks; its values are module
    constants and it cannot be instantiated.

    Args:
        *args: refused, as is any keyword: `retrograd.strided` is the one value.

    Returns:
        (layout): never; constructing one raises TypeError.

    Examples:
        >>> retrograd.ones(2).layout
        retrograd.strided
        >>> isinstance(retrograd.strided, retrograd.layout)
        True
    """

    __slots__ = ()


class memory_format(_NamedConstant):
    """The order a new tensor's dims are laid out in memory (`memory_format=` of `clone`, `to`, ...).

    Its values are module constants: `contiguous_format` (row-major; what retrograd always makes),
    `channels_last`, `channels_last_3d` and `preserve_format`; the class cannot be instantiated.

    Args:
        *args: refused, as is any keyword: use the module constants.

    Returns:
        (memory_format): never; constructing one raises TypeError.

    Examples:
        >>> retrograd.contiguous_format, isinstance(retrograd.channels_last, retrograd.memory_format)
        (retrograd.contiguous_format, True)
        >>> retrograd.ones(2, 3).clone(memory_format=retrograd.contiguous_format).is_contiguous()
        True
    """

    __slots__ = ()


strided = layout._make("strided")
contiguous_format = memory_format._make("contiguous_format")
channels_last = memory_format._make("channels_last")
channels_last_3d = memory_format._make("channels_last_3d")
preserve_format = memory_format._make("preserve_format")
legacy_contiguous_format = contiguous_format  # PyTorch's is the same object
