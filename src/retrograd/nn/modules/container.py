"""Containers: Sequential, ModuleList, ModuleDict (ParameterList, ParameterDict come from parameter_containers)."""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .module import Module
from .parameter_containers import ParameterDict, ParameterList, checked_pairs  # the first two: PyTorch's are here


def _index(idx: int, n: int) -> int:
    idx = operator.index(idx)  # PyTorch's TypeError for a float, str or None; a bool counts as 0 or 1
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

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of `modules`; returns self (PyTorch checks that they come as an iterable)."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got {type(modules).__name__}")
        return super().extend(modules)

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
        if not isinstance(modules, Iterable):
            raise TypeError(
                "ModuleDict.update should be called with an iterable of key/value pairs, but got "
                + type(modules).__name__
            )
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs: Iterable[tuple[str, Module]] = modules.items()
        else:
            pairs = checked_pairs(modules, "ModuleDict")
        for key, module in pairs:
            self[key] = module


__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]
