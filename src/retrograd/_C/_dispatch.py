"""`torch._C.DispatchKey`, `DispatchKeySet` and the guards that exclude keys from dispatch.

PyTorch routes each operator call through keys (autograd, autocast, a backend); libraries name
them when they register kernels or step around a layer: torchvision builds the set of autocast
keys at import and calls its ops under `_ExcludeDispatchKeyGuard(keys)`. retrograd calls ops
directly, so the keys are names with PyTorch's numbers and the guards change nothing.

Tensor subclasses step around `__torch_function__` the same way: torchvision's tv_tensors run
each op under `DisableTorchFunctionSubclass()`, inside which a subclass's methods run as plain
Tensor methods (`retrograd/_torch_function.py`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from types import TracebackType

from .._display_name import public_class
from .._torch_function import DisabledSubclasses, enabled

__all__ = [
    "DisableTorchFunction", "DisableTorchFunctionSubclass", "DispatchKey", "DispatchKeySet",
    "_ExcludeDispatchKeyGuard", "_IncludeDispatchKeyGuard", "_is_torch_function_enabled",
]  # fmt: skip


class DispatchKey(enum.IntEnum):
    """The dispatch keys PyTorch's Python code names most (their numbers are PyTorch's)."""

    Undefined = 0
    CompositeExplicitAutogradNonFunctional = 155
    CompositeExplicitAutograd = 154
    CompositeImplicitAutogradNestedTensor = 153
    CompositeImplicitAutograd = 151
    AutogradNestedTensor = 22
    AutogradOther = 20
    Autograd = 150
    Conjugate = 16
    ZeroTensor = 18
    Negative = 17
    BackendSelect = 11
    ADInplaceOrView = 19
    PythonTLSSnapshot = 41
    Python = 13
    FuncTorchDynamicLayerFrontMode = 42
    FuncTorchDynamicLayerBackMode = 14
    FuncTorchBatchedDecomposition = 152
    FuncTorchBatched = 34
    FuncTorchVmapMode = 36
    FuncTorchGradWrapper = 39
    PythonDispatcher = 46
    PreDispatch = 45
    Functionalize = 15
    AutocastCPU = 24
    AutocastMPS = 31
    AutocastXPU = 27
    AutocastHPU = 29
    AutocastIPU = 28
    AutocastCUDA = 32
    AutocastPrivateUse1 = 33
    Dense = 1
    CPU = 49
    CUDA = 50
    HIP = 51
    XLA = 52
    MPS = 53
    IPU = 54
    XPU = 55
    HPU = 56
    VE = 57
    Lazy = 58
    MTIA = 59
    MAIA = 60
    PrivateUse1 = 61
    PrivateUse2 = 62
    PrivateUse3 = 63
    Meta = 64

    def __repr__(self) -> str:
        return f"<DispatchKey.{self.name}: {self.value}>"

    def __str__(self) -> str:
        return f"DispatchKey.{self.name}"


def _print_order(key: DispatchKey) -> tuple[bool, int]:
    """PyTorch prints a set's backend keys (CPU, CUDA, ...) first, then the others by number."""
    return (not DispatchKey.CPU <= key <= DispatchKey.Meta, key.value)


class DispatchKeySet:
    """A set of dispatch keys: `DispatchKeySet(key)`, joined with `|`.

    >>> keys = retrograd._C.DispatchKeySet(retrograd._C.DispatchKey.AutocastCPU)
    >>> keys | retrograd._C.DispatchKeySet(retrograd._C.DispatchKey.CPU)
    DispatchKeySet(CPU, AutocastCPU)
    """

    __slots__ = ("_keys",)

    def __init__(self, key: DispatchKey | None = None) -> None:
        self._keys: frozenset[DispatchKey] = frozenset() if key is None else frozenset((DispatchKey(key),))

    @classmethod
    def _of(cls, keys: Iterable[DispatchKey]) -> DispatchKeySet:
        made = cls()
        made._keys = frozenset(keys)
        return made

    def __or__(self, other: DispatchKeySet) -> DispatchKeySet:
        if not isinstance(other, DispatchKeySet):
            raise TypeError(
                "__or__(): incompatible function arguments. The following argument types are supported:\n"
                "    1. (self: torch._C.DispatchKeySet, arg0: torch._C.DispatchKeySet) -> torch._C.DispatchKeySet"
            )
        return DispatchKeySet._of(self._keys | other._keys)

    def has(self, key: DispatchKey) -> bool:
        """Whether `key` is in the set."""
        return key in self._keys

    def add(self, key: DispatchKey) -> DispatchKeySet:
        """A new set with `key` added."""
        return DispatchKeySet._of(self._keys | {key})

    def remove(self, key: DispatchKey) -> DispatchKeySet:
        """A new set without `key`."""
        return DispatchKeySet._of(self._keys - {key})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DispatchKeySet) and self._keys == other._keys

    def __hash__(self) -> int:
        return hash(self._keys)

    def __repr__(self) -> str:
        return f"DispatchKeySet({', '.join(key.name for key in sorted(self._keys, key=_print_order))})"


class _ExcludeDispatchKeyGuard:
    """`with _ExcludeDispatchKeyGuard(keys):` skips those keys in PyTorch; retrograd has no dispatcher to skip."""

    def __init__(self, keys: DispatchKeySet) -> None:
        self.keys = keys

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


class _IncludeDispatchKeyGuard(_ExcludeDispatchKeyGuard):
    """`with _IncludeDispatchKeyGuard(key):` adds a key in PyTorch; nothing to add here."""


class DisableTorchFunctionSubclass(DisabledSubclasses):
    """`with DisableTorchFunctionSubclass():` runs ops without subclasses' `__torch_function__`.

    >>> with retrograd._C.DisableTorchFunctionSubclass():
    ...     retrograd._C._is_torch_function_enabled()
    False
    """


class DisableTorchFunction(DisabledSubclasses):
    """`with DisableTorchFunction():` also skips torch-function modes (retrograd has none)."""


# printed as PyTorch's: <class 'torch._C.DisableTorchFunctionSubclass'>
for _guard in (DisableTorchFunctionSubclass, DisableTorchFunction):
    public_class(_guard, "_C")


def _is_torch_function_enabled() -> bool:
    """False inside `DisableTorchFunctionSubclass()` or `DisableTorchFunction()`, else True."""
    return enabled()
