"""Where an op is defined and how it is differentiated: `python -m retrograd.ops.rules NAME`.

What `derivatives.yaml` gives PyTorch readers: for an op or node name (`exp`,
`MaxBackward0`, `layer_norm`), the file:line of each of its primitives, the forward
and the derivative rule for each input, printed as written in the source.

NAME is looked up in this order, stopping at the first step that finds something:

1. primitives whose name or node name is NAME (`exp`, `max`, `MaxBackward0`);
2. the primitives that a public function called NAME reaches (`retrograd.NAME`,
   `retrograd.nn.functional.NAME`, `retrograd.linalg.NAME`): the ones its code names,
   else the ones the functions it names reach, at most four calls deep (primitives
   without any derivative, such as a loss's class weights, are left out);
3. primitives whose node name contains NAME in CamelCase (`layer_norm` finds
   `NativeLayerNormBackward0`).

Primitives are known once they are made (see `engine.primitive.defined`): this module
imports every module of `retrograd.ops` and `retrograd.nn` first.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import os
import pkgutil
import sys
import types
from collections.abc import Iterable
from typing import Any

from ..engine.primitive import Primitive, Site, defined

__all__ = ["find", "describe", "main"]

_DEPTH = 4  # how many calls deep step 2 follows a public function
_PUBLIC = ("retrograd", "retrograd.nn.functional", "retrograd.linalg")
_PACKAGES = ("retrograd.ops", "retrograd.nn")


def load_all() -> None:
    """Import every module that makes primitives, so that all of them are registered."""
    for package in _PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            if not info.name.endswith(".__main__") and info.name != "retrograd.ops.rules":
                importlib.import_module(info.name)


def find(name: str) -> list[tuple[Primitive, tuple[Site, ...]]]:
    """The primitives NAME stands for (see the module docstring for the order of the steps)."""
    known = defined()
    hits = [d for d in known if name in (d[0].name, d[0].node_name)]
    if hits:
        return hits
    reached = _reached_from(_public_functions(name))
    hits = [d for d in known if d[0] in reached]
    if hits:
        return hits
    camel = "".join(part[:1].upper() + part[1:] for part in name.split("_"))
    return [d for d in known if camel and camel in d[0].node_name]


def _public_functions(name: str) -> list[Any]:
    found = []
    for module_name in _PUBLIC:
        obj = getattr(importlib.import_module(module_name), name, None)
        if callable(obj) and obj not in found:
            found.append(obj)
    return found


def _reached_from(functions: list[Any]) -> list[Primitive]:
    """Primitives named by the code of `functions`, or of the functions they name (breadth first)."""
    level, seen = list(functions), set()
    for _ in range(_DEPTH):
        prims: list[Primitive] = []
        following: list[Any] = []
        for fn in level:
            for obj in _named_by(fn):
                if isinstance(obj, Primitive):
                    # helpers without a derivative (class weights, window maxima, statistics) are
                    # not what NAME means: found by their own names only
                    if obj not in prims and any(r is not None for r in obj.derivatives):
                        prims.append(obj)
                elif isinstance(obj, types.FunctionType) and obj.__module__.startswith("retrograd"):
                    if id(obj) not in seen:
                        seen.add(id(obj))
                        following.append(obj)
        if prims:
            return prims
        level = following
    return []


def _named_by(fn: Any) -> Iterable[Any]:
    """The global objects a function's code names: `g` and `g.attr` for each global `g` it loads."""
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    scope = fn.__globals__
    objects: list[Any] = []
    codes = [code]
    while codes:  # nested functions and lambdas, without recursion
        c = codes.pop()
        codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        loaded: Any = None  # the global the previous instruction loaded, if any
        for ins in dis.get_instructions(c):
            if ins.opname == "LOAD_GLOBAL" and ins.argval in scope:
                loaded = scope[ins.argval]
                objects.append(loaded)
                continue
            if ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and isinstance(loaded, types.ModuleType):
                value = vars(loaded).get(ins.argval)
                if value is not None:
                    objects.append(value)
            loaded = None
    return list({id(o): o for o in objects}.values())


def _where(obj: Any) -> tuple[str, int, str]:
    """(file:line, source as written) of a function or lambda; empty source if it has none."""
    obj = inspect.unwrap(obj)
    try:
        lines, first = inspect.getsourcelines(obj)
        path = inspect.getsourcefile(obj) or "?"
    except (OSError, TypeError):
        return "?", 0, repr(obj)
    return _short(path), first, "".join(lines).rstrip()


def _short(path: str) -> str:
    """A path relative to the directory that holds the `retrograd` package (src/ in a checkout)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def describe(prim: Primitive, sites: tuple[Site, ...]) -> str:
    """One primitive: where it is made, its forward, and the derivative for each input."""
    made = sites[-1] if sites[-1][2] == "<module>" else sites[0]
    head = f"{prim.name} ({prim.node_name})  made at {_short(made[0])}:{made[1]}"
    if made is not sites[0]:
        head += f"  by {sites[0][2]}() at {_short(sites[0][0])}:{sites[0][1]}"
    out = [head]
    path, line, src = _where(prim.forward)
    out += [f"  forward  {path}:{line}", _indent(src)]
    for input_name, rule in zip(prim.inputs, prim.derivatives):
        if rule is None:
            out.append(f"  d/d{input_name}: not differentiable")
            continue
        path, line, src = _where(rule)
        out += [f"  d/d{input_name}  {path}:{line}", _indent(src)]
    return "\n".join(out)


def _indent(src: str) -> str:
    return "\n".join("    | " + line for line in src.splitlines())


def main(argv: list[str] | None = None) -> int:
    """Print the rules of each NAME given; exit status 1 if one is unknown."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m retrograd.ops.rules NAME [NAME ...]   (an op, node or nn.functional name)")
        return 0 if args else 2
    load_all()
    status = 0
    for name in args:
        hits = find(name)
        if not hits:
            print(f"{name}: no primitive found", file=sys.stderr)
            status = 1
        for prim, sites in hits:
            print(describe(prim, sites))
            print()
    return status


if __name__ == "__main__":
    sys.exit(main())
