"""Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..._display_name import package_name
from ..parameter import Parameter
from .module import Module


def _index(idx: int, n: int) -> int:
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range")
    return idx % n


class _MappingOfMembers:
    """The read side of a dict over one of a Module's registries (`_registry` names it)."""

    _registry: str

    def _members(self) -> dict:
        return self.__dict__[self._registry]

    def __getitem__(self, key: str) -> Any:
        return self._members()[key]

    def __delitem__(self, key: str) -> None:
        del self._members()[key]

    def __len__(self) -> int:
        return len(self._members())

    def __iter__(self) -> Iterator[str]:
        return iter(self._members())

    def __contains__(self, key: object) -> bool:
        return key in self._members()

    def keys(self) -> Iterable[str]:
        return self._members().keys()

    def values(self) -> Iterable[Any]:
        return self._members().values()

    def items(self) -> Iterable[tuple[str, Any]]:
        return self._members().items()


class _ModuleSequence(Module):
    """The list side Sequential and ModuleList share: members in `_modules`, in order."""

    def _renumber(self, members: list[Module]) -> None:
        """Register `members` under the keys '0', '1', ... (after a deletion or an insertion)."""
        self._modules.clear()
        for i, m in enumerate(members):
            self._modules[str(i)] = m

    def _insert(self, index: int, module: Module) -> None:
        members = list(self._modules.values())
        members.insert(index, module)
        self._renumber(members)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Any:
        """Add `module` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Any:
        """Append each of `modules`; returns self."""
        for m in modules:
            self.append(m)
        return self

    def pop(self, index: int = -1) -> Module:
        """Remove the module at `index` (default the last) and return it; the rest are renumbered."""
        members = list(self._modules.values())
        module = members.pop(_index(index, len(members)))
        self._renumber(members)
        return module

    def __add__(self, other: Any) -> Any:
        """A new container of this one's modules followed by `other`'s (the same module objects)."""
        if not isinstance(other, type(self)):
            raise ValueError(f"add operator supports only objects of {type(self).__name__} class, "
                             f"but {type(other)} is given.")
        combined = type(self)()
        for m in [*self, *other]:
            combined.append(m)
        return combined


class Sequential(_ModuleSequence):
    """Modules applied one after another; built from modules or an OrderedDict of them.

    Args:
        *args (Module or OrderedDict): the modules in order (named `'0'`, `'1'`, ...), or one
            `OrderedDict` mapping names to modules.

    Returns:
        (Sequential): a module whose `forward(x)` feeds `x` through each module in turn; it can be
            indexed, sliced, iterated and appended to.

    Examples:
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> model(retrograd.zeros(3, 4)).shape
        retrograd.Size([3, 2])
        >>> model[1]
        ReLU()
        >>> len(model)
        3
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self))]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index(idx, len(self))]
        self.add_module(key, module)

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        for key in keys[idx] if isinstance(idx, slice) else [keys[_index(idx, len(keys))]]:
            del self._modules[key]
        self._renumber(list(self._modules.values()))

    def insert(self, index: int, module: Module) -> Sequential:
        self._insert(index, module)
        return self

    def __iadd__(self, other: Sequential) -> Sequential:  # type: ignore[misc]
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        for m in list(other):
            self.append(m)
        return self

    def __mul__(self, other: int) -> Sequential:
        """A new Sequential of this one's modules repeated `other` times (the same module objects)."""
        if not isinstance(other, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        if other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")
        repeated = Sequential()
        for _ in range(other):
            for m in self:
                repeated.append(m)
        return repeated

    __rmul__ = __mul__

    def __imul__(self, other: int) -> Sequential:
        if not isinstance(other, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        if other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")
        members = list(self) * other
        self._renumber(members)
        return self


class ModuleList(_ModuleSequence):
    """A list of modules, registered so their parameters are found.

    Args:
        modules (iterable of Module, optional): the initial members.

    Returns:
        (ModuleList): a module that holds its members in order, indexable and iterable like a list; their parameters
            are its parameters.

    Examples:
        >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        >>> len(layers)
        3
        >>> layers.append(nn.ReLU())
        ModuleList(
          (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
          (3): ReLU()
        )
        >>> layers[-1]
        ReLU()
        >>> len(list(layers.parameters()))
        6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self)))]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(idx, len(self))), module)

    def __delitem__(self, idx: int | slice) -> None:
        members = list(self._modules.values())
        del members[idx]
        self._renumber(members)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:  # type: ignore[misc]
        return self.extend(modules)

    def __repr__(self) -> str:
        """Like PyTorch: runs of identical children print once, as `(0-2): 3 x Layer(...)`."""
        from ._state import _indent

        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        runs: list[list] = []  # [first index, last index, repr]
        for i, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = [_indent(f"({a}): {text}" if a == b else f"({a}-{b}): {b - a + 1} x {text}", 2) for a, b, text in runs]
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index: int, module: Module) -> None:
        self._insert(index, module)


class ModuleDict(_MappingOfMembers, Module):
    """An ordered dict of modules.

    Args:
        modules (mapping or iterable of (str, Module) pairs, optional): the initial members.

    Returns:
        (ModuleDict): a module that holds its members by name, in insertion order, like a dict; their parameters are
            its parameters.

    Examples:
        >>> blocks = nn.ModuleDict({'act': nn.ReLU(), 'proj': nn.Linear(2, 3)})
        >>> list(blocks.keys())
        ['act', 'proj']
        >>> blocks['act']
        ReLU()
        >>> blocks['norm'] = nn.LayerNorm(3)
        >>> [name for name, _ in blocks.named_parameters()]
        ['proj.weight', 'proj.bias', 'norm.weight', 'norm.bias']
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    _registry = "_modules"

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module


class ParameterList(Module):
    """A list of parameters (plain tensors are wrapped as Parameters).

    Args:
        values (iterable of Tensor, optional): the initial members; plain tensors are wrapped as Parameters.

    Returns:
        (ParameterList): a module that holds parameters in order, indexable and iterable like a list.

    Examples:
        >>> params = nn.ParameterList([retrograd.zeros(2), retrograd.ones(3)])
        >>> params
        ParameterList(
            (0): Parameter containing: [retrograd.float32 of size 2]
            (1): Parameter containing: [retrograd.float32 of size 3]
        )
        >>> params[1]
        Parameter containing:
        tensor([1., 1., 1.], requires_grad=True)
        >>> len(list(params.parameters()))
        2
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        for v in values or ():
            self.append(v)

    def __getitem__(self, idx: int) -> Any:
        return self._parameters[str(_index(idx, len(self)))]

    def __setitem__(self, idx: int, value: Any) -> None:
        self.register_parameter(str(_index(idx, len(self))), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        self.register_parameter(str(self._size), _as_parameter(value))
        object.__setattr__(self, "_size", self._size + 1)
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        lines = []  # PyTorch indents these by two more spaces, and names the dtype
        for i, p in enumerate(self):
            size = "x".join(str(s) for s in p.shape)
            lines.append(f"  ({i}): Parameter containing: [{p.dtype} of size {size}]")
        return "\n".join(lines)


class ParameterDict(_MappingOfMembers, Module):
    """An ordered dict of parameters (plain tensors are wrapped as Parameters).

    Args:
        parameters (mapping or iterable of (str, Tensor) pairs, optional): the initial members; plain tensors are
            wrapped as Parameters.

    Returns:
        (ParameterDict): a module that holds parameters by name, in insertion order, like a dict.

    Examples:
        >>> params = nn.ParameterDict({'scale': retrograd.ones(2)})
        >>> params['shift'] = retrograd.zeros(2)
        >>> params
        ParameterDict(
            (scale): Parameter containing: [retrograd.FloatTensor of size 2]
            (shift): Parameter containing: [retrograd.FloatTensor of size 2]
        )
        >>> [name for name, _ in params.named_parameters()]
        ['scale', 'shift']
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    _registry = "_parameters"

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value))

    def update(self, parameters: Any) -> None:
        pairs = parameters.items() if isinstance(parameters, (Mapping, ParameterDict)) else parameters
        for key, value in pairs:
            self[key] = value

    # the rest of dict's methods, as PyTorch's ParameterDict has them
    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Any:
        value = self._parameters[key]
        del self._parameters[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        key = next(reversed(self._parameters))
        return key, self.pop(key)

    def clear(self) -> None:
        self._parameters.clear()

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self._parameters:
            self[key] = default
        return self._parameters[key]

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same Parameter objects."""
        return ParameterDict(dict(self._parameters))

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
        lines = []  # PyTorch's quirks: two leading spaces, the legacy tensor type name
        for key, p in self._parameters.items():
            size = "x".join(str(s) for s in p.shape)
            lines.append(f"  ({key}): Parameter containing: [{_type_name(p)} of size {size}]")
        return "\n".join(lines)


def _as_parameter(value: Any) -> Any:
    from ...tensor import Tensor

    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _type_name(p: Any) -> str:
    return f"{package_name()}.{p.dtype.legacy_name}"
