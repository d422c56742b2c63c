"""nn.Parameter: a tensor a Module registers as one of its parameters."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that a Module treats as a parameter (requires grad by default).

    It shares memory with the tensor it is made from, as in PyTorch.

    >>> import retrograd as torch
    >>> torch.nn.Parameter(torch.zeros(2))
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        from ..ops.creation import empty

        if data is None:
            data = empty(0)
        p = cls._make(data._data)
        if requires_grad:
            p.requires_grad_(True)
        return p  # type: ignore[return-value]  # _make builds an instance of cls

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> Parameter:
        p: Parameter = Parameter._make(self._data.copy(), self._requires_grad)  # type: ignore[assignment]
        if self._grad is not None:
            p._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    return Parameter._make(data, requires_grad)  # type: ignore[return-value]
