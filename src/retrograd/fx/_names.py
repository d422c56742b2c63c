"""Unique Python names for the nodes of a graph and the globals of its generated code."""

from __future__ import annotations

import builtins
import keyword
import re

__all__ = ["Namespace", "snake_case"]

_snake_case_sub = re.compile(r"(?<=[a-z])([A-Z])").sub


def snake_case(s: str) -> str:
    """`pascalCase` -> `pascal_case`, `ALL_CAPS` -> `all_caps` (node names from targets)."""
    return _snake_case_sub(r"_\1", s).lower()


_illegal_char = re.compile("[^0-9a-zA-Z_]+")
_name_regex = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")
# names a node may not take as they are (keywords, builtins: `sum` becomes `sum_1`)
_illegal_names: dict[str, object] = {k: object() for k in keyword.kwlist}
_illegal_names.update(builtins.__dict__)


class Namespace:
    """Unique names for the objects of one graph (or of one piece of generated code)."""

    def __init__(self) -> None:
        self._obj_to_name: dict[int, str] = {}
        self._used_names: set[str] = set()
        self._base_count: dict[str, int] = {}

    def create_name(self, candidate: str, obj: object | None) -> str:
        """A name built from `candidate` that nothing else in this namespace has (`add`, `add_1`, ...)."""
        if obj is not None and id(obj) in self._obj_to_name:
            return self._obj_to_name[id(obj)]
        match = _name_regex.match(candidate)
        if match is None:
            candidate = _illegal_char.sub("_", candidate) or "_unnamed"
            if candidate[0].isdigit():
                candidate = f"_{candidate}"
            match = _name_regex.match(candidate)
            assert match is not None
        base, num = match.group(1, 2)
        if num is None or candidate in self._used_names:
            num = self._base_count.get(base, 0)
            if _illegal_names.get(candidate, obj) is not obj:
                num += 1
                candidate = f"{base}_{num}"
        else:
            num = int(num)
        while candidate in self._used_names:
            num += 1
            candidate = f"{base}_{num}"
        self._used_names.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[id(obj)] = candidate
        return candidate

    def associate_name_with_obj(self, name: str, obj: object) -> None:
        """Record `name` as `obj`'s."""
        self._obj_to_name.setdefault(id(obj), name)
