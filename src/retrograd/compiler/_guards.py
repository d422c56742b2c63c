"""Guards of a recording: what the generated code froze, checked before each call runs it.

A recording freezes Python values and tensors the function reaches outside its arguments:
a module's structure and training flags, the globals and closure cells its code names, the
attributes of modules and plain objects among them. Each guard is a function that says
whether those are still as they were; the compiled callable re-records when one says no.
"""

from __future__ import annotations

import logging
import os
import sysconfig
from types import FunctionType, MethodType, ModuleType
from typing import Any

from ..tensor import Tensor


def module_tensors(module: Any) -> tuple[dict, Any, Any]:
    """Parameters and buffers by array (read at call time), and a guard on the module's structure."""
    named: dict = {}
    for name, p in module.named_parameters():
        named.setdefault(id(p._data), (name.replace(".", "_"), p))
    for name, b in module.named_buffers():
        if b is not None:
            named.setdefault(id(b._data), (name.replace(".", "_"), b))
    modules = list(module.modules())
    owners = [(m._parameters, n, p) for m in modules for n, p in m._parameters.items()]
    owners += [(m._buffers, n, b) for m in modules for n, b in m._buffers.items()]

    def guard() -> tuple:
        return tuple([m.training for m in modules]) + tuple([d.get(n) is p for d, n, p in owners])

    return named, guard, guard()


_PLAIN = (int, float, bool, str, type(None), complex)


def python_guard(fn: Any, module: Any, arguments: tuple) -> Any:
    """A check that what the function reads from Python is as it was when recorded.

    The recording freezes Python numbers and the tensors a function reaches through globals,
    closures, its arguments and module attributes. So the names its code reads from its globals
    and its closure cells, and those of the program's own functions and module methods it reaches
    (a helper reading a global `LR`), are kept (numbers and strings by value, anything else by identity), and
    so are the plain attributes, submodules and hook counts of every module among them or being
    compiled (`self.scale`, `self.use_relu`, a layer swapped for another, a hook added), and the
    attributes of the other objects among them (a config's `cfg.temperature`, a bound method's
    `self.k`, an argument's fields, two levels deep), with the lengths of lists, dicts and sets
    among them: a change re-records, as PyTorch's guards do. Checked right after the recording
    run too, it tells whether the function itself changes that state.
    """
    modules: list = [module] if module is not None else []
    slots, cells, found = _function_reads(fn, [getattr(fn, "__self__", None), *arguments])
    modules += [v for v in found if _is_module(v)]
    slots += _object_attributes([v for v in found if _is_plain_object(v)])
    for top in modules:
        for m in top.modules():
            slots += [(m.__dict__, n) for n, v in m.__dict__.items() if type(v) in _PLAIN or _user_container(n, v)]
            slots += [(m._modules, n) for n in m._modules]
            # a parameter or buffer replaced (`model.bias = nn.Parameter(...)`): the code reads the old one
            slots += [(m._parameters, n) for n in m._parameters] + [(m._buffers, n) for n in m._buffers]
    hooks = [m.__dict__[n] for top in modules for m in top.modules() for n in _HOOK_DICTS if n in m.__dict__]
    hook_counts = [len(h) for h in hooks]
    plain = [(d, n) for d, n in slots if type(d[n]) in _PLAIN]
    objects = [(d, n) for d, n in slots if type(d[n]) not in _PLAIN]
    plain_values = tuple([d[n] for d, n in plain])
    object_values = [d[n] for d, n in objects]
    cell_values = [c.cell_contents for c in cells]
    plain_cells = [type(v) in _PLAIN for v in cell_values]
    # lists, dicts and sets by what they hold: an append, or `hp["lr"] = 0.05` the code froze
    # (an optimizer's param_groups too), is a change the code would not repeat
    containers = [v for v in object_values + cell_values if isinstance(v, _CONTAINERS)]
    contents = _contents(containers)
    if not slots and not cells:
        return None
    # the flags `model.train()` / `model.eval()` set (not those of a program's own `train` override,
    # which may do more than set them)
    all_modules = [m for top in modules for m in top.modules()]
    flags = {id(m.__dict__) for m in all_modules} if all(map(_retrograd_train, all_modules)) else set()

    def rest_same() -> bool:
        if [len(h) for h in hooks] != hook_counts or not _same_contents(containers, contents):
            return False
        for (d, n), expected in zip(objects, object_values):
            if d.get(n, _MISSING) is not expected:
                return False
        for c, expected, by_value in zip(cells, cell_values, plain_cells):
            value = c.cell_contents
            if (value != expected) if by_value else (value is not expected):
                return False
        return True

    def guard() -> bool:
        return tuple([d.get(n, _MISSING) for d, n in plain]) == plain_values and rest_same()

    def mode_switches() -> list | None:
        if not rest_same():
            return None
        switches = []
        for (d, n), before in zip(plain, plain_values):
            now = d.get(n, _MISSING)
            if now is before or (type(now) is type(before) and now == before):
                continue
            if n != "training" or id(d) not in flags or type(now) is not bool:
                return None
            switches.append((d, before, now))
        return switches

    return PythonGuard(guard, mode_switches)


class PythonGuard:
    """`python_guard`'s check, called as a function; `mode_switches()`, after the recording run,
    tells whether all the function changed of that state is modules' training flags
    (`model.eval()` inside it): then `[(module.__dict__, flag before, flag after)]`, else None.
    The code is valid for the flags the call starts with, and the call ends with those it set."""

    __slots__ = ("check", "mode_switches")

    def __init__(self, check: Any, mode_switches: Any) -> None:
        self.check = check
        self.mode_switches = mode_switches

    def __call__(self) -> bool:
        return bool(self.check())


def _function_reads(fn: Any, values: list) -> tuple[list, list, list]:
    """(global slots, closure cells, values found) of `fn` and of the program's own functions it
    reaches through them or through `values` (methods of its modules' classes too), up to
    `_FUNCTIONS` functions: nested code (comprehensions, lambdas) included."""
    slots: list = []
    cells: list = []
    found: list = list(values)
    functions = [getattr(fn, "__func__", fn)] + _functions_of(found)
    seen: set = set()
    named: set = set()  # (id(dict), name) of the slots kept
    i = 0
    while i < len(functions) and len(seen) < _FUNCTIONS:
        func = functions[i]
        i += 1
        code = getattr(func, "__code__", None)
        if code is None or id(func) in seen or not _user_code(code):
            continue
        seen.add(id(func))
        scope = getattr(func, "__globals__", {})
        new_slots = [(scope, n) for n in _names(code) if n in scope and not isinstance(scope[n], ModuleType)]
        new_cells = [c for c in getattr(func, "__closure__", None) or () if _filled(c)]
        new = [d[n] for d, n in new_slots] + [c.cell_contents for c in new_cells]
        fresh = [(d, n) for d, n in new_slots if (id(d), n) not in named]
        named.update((id(d), n) for d, n in fresh)
        slots += fresh
        cells += new_cells
        found += new
        functions += _functions_of(new)
    return slots, cells, found


def _names(code: Any) -> list:
    """The global names a code object reads, its nested code objects' included, each once."""
    names: dict = {}
    stack = [code]
    while stack:
        c = stack.pop()
        names.update(dict.fromkeys(c.co_names))
        stack.extend(k for k in c.co_consts if hasattr(k, "co_names"))
    return list(names)


def _functions_of(values: list) -> list:
    """Functions among `values`: plain and bound ones, and the methods of modules' own classes."""
    functions: list = []
    for v in values:
        if isinstance(v, (FunctionType, MethodType)):
            functions.append(getattr(v, "__func__", v))
        elif _is_module(v):
            for cls in type(v).__mro__:
                functions += [f for f in vars(cls).values() if isinstance(f, FunctionType)]
    return functions


def _retrograd_train(module: Any) -> bool:
    """Whether `module.train` is retrograd's own (it sets the training flags and nothing else)."""
    code = getattr(getattr(type(module), "train", None), "__code__", None)
    return code is not None and code.co_filename.startswith(_LIBRARY_DIRS[0])


def _user_code(code: Any) -> bool:
    """Code of the program itself, not of retrograd, the standard library or installed packages."""
    name = code.co_filename
    return not (name.startswith(_LIBRARY_DIRS) or "site-packages" in name or "dist-packages" in name)


_FUNCTIONS = 64  # functions whose reads are guarded, at most
_LIBRARY_DIRS = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,  # retrograd
    sysconfig.get_paths()["stdlib"] + os.sep,
    "<frozen",
)
_MISSING = object()
_CONTAINERS = (list, dict, set)
_ITEMS = 1024  # entries of containers compared one by one; past that, only their lengths


def _contents(containers: list) -> list:
    """What lists, dicts (keys and values) and tuples hold, in order and nested, as (kind, value)
    pairs: numbers and strings by type and value, containers by type and length, other objects
    (kind None) by identity; sets, and containers past `_ITEMS` entries in all, by length only."""
    out: list = []
    stack = list(reversed(containers))
    while stack:
        v = stack.pop()
        kind = type(v)
        if kind in _PLAIN:
            out.append((kind, v))
        elif isinstance(v, (list, tuple, dict, set)):
            out.append((kind, len(v)))
            if len(out) + 2 * len(v) <= _ITEMS and not isinstance(v, set):
                stack.extend(reversed(_items(v)))
        else:
            out.append((None, v))
    return out


def _same_contents(containers: list, recorded: list) -> bool:
    """Whether `_contents(containers)` would equal `recorded`, walked without building it (each
    compiled call checks this)."""
    stack = list(reversed(containers))
    n = len(recorded)
    i = 0
    while stack:
        if i == n:
            return False
        v = stack.pop()
        kind, expected = recorded[i]
        i += 1
        if kind is None:
            if v is not expected:
                return False
        elif type(v) is not kind:
            return False
        elif kind in _PLAIN:
            if v is not expected and v != expected:
                return False
        else:
            if len(v) != expected:
                return False
            if i + 2 * len(v) <= _ITEMS and kind is not set and not issubclass(kind, set):
                stack.extend(reversed(_items(v)))
    return i == n


def _items(v: Any) -> list:
    return [x for pair in v.items() for x in pair] if isinstance(v, dict) else list(v)


# a module's hooks run inside the recording: ones added later need a new one
_HOOK_DICTS = ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks", "_backward_pre_hooks")


def _user_container(name: str, value: Any) -> bool:
    """A list, dict or set a program keeps on its module (`self.history`), not the module's own."""
    return isinstance(value, _CONTAINERS) and not name.startswith("_")


def _is_plain_object(value: Any) -> bool:
    """An instance of a program's own class, whose attributes the function may read (`cfg.lr`)."""
    return (
        hasattr(value, "__dict__")
        and not isinstance(value, (type, ModuleType, Tensor))
        and not callable(value)
        and not _is_module(value)
    )


def _object_attributes(objects: list, depth: int = 2) -> list:
    """(object.__dict__, name) for every attribute of `objects` and of plain objects among them,
    but those their class names in `_unguarded_attributes` (an optimizer's state, which its
    step, run at every compiled call, keeps up to date itself)."""
    slots: list = []
    seen: set = set()
    level = objects
    for _ in range(depth):
        following = []
        for obj in level:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            attributes = vars(obj)
            own = getattr(type(obj), "_unguarded_attributes", ())  # bookkeeping the object keeps itself
            if isinstance(obj, logging.Logger):  # (a `log.debug(...)` fills the memo of its level checks)
                own = ("_cache",)
            slots += [(attributes, n) for n in attributes if n not in own]
            following += [v for v in attributes.values() if _is_plain_object(v)]
        level = following
    return slots


def _filled(cell: Any) -> bool:
    try:
        return cell.cell_contents is not _MISSING
    except ValueError:  # a closure cell not yet assigned
        return False


def _is_module(value: Any) -> bool:
    """An nn.Module, known by its registries (the compiler sits below nn and does not import it)."""
    return hasattr(value, "_modules") and hasattr(value, "_parameters") and hasattr(value, "modules")
