# mypy: disable-error-code="attr-defined,assignment,misc,arg-type"
# (pickle's Python pickler and unpickler classes are untyped)
"""A weights-only pickle reader: the opcodes `torch.save` writes, and nothing that can run code.

This is not `pickle.Unpickler` with a filter: it interprets the small set of protocol-2 opcodes
that PyTorch's own weights-only loader accepts, one at a time, and checks each against rules:

- GLOBAL resolves only names in an allow-list (retrograd's stand-ins for PyTorch's rebuild
  functions, plain containers, dtypes, and what the user added with `add_safe_globals`);
- REDUCE calls only allow-listed callables, NEWOBJ builds only allow-listed classes;
- BUILD sets state only on OrderedDicts (a state dict's `_metadata`) and on instances of
  user-allowed classes: never on tensors or shared objects such as dtypes;
- APPEND only extends lists, SETITEM only fills dicts;
- every length is checked against the bytes left before anything is read or allocated, and
  what allow-listed callables copy is charged to a budget proportional to the pickle's size;
- tuples may nest at most `MAX_TUPLE_DEPTH` levels (hashing a deeper tuple overflows the C stack).

Refusals raise `CheckpointError`, malformed input `pickle.UnpicklingError`.
"""

from __future__ import annotations

import _compat_pickle
import collections
import pickle
import struct
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from ._display_name import package_name

__all__ = ["CheckpointError", "MAX_TUPLE_DEPTH", "Refusal", "WEIGHTS_ONLY_FAILED", "WeightsOnlyUnpickler"]

MAX_TUPLE_DEPTH = 2000
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")
_SETITEM_TARGETS = (dict, collections.OrderedDict, collections.Counter)
# Besides what the pickle itself spells out, allow-listed callables may copy this many
# times its length (plus a constant) before the load is refused as a memory bomb.
_COPY_BUDGET_FACTOR = 2
_COPY_BUDGET_SLACK = 1 << 20


class CheckpointError(pickle.UnpicklingError, RuntimeError):
    """A checkpoint retrograd will not load: malformed, truncated or inconsistent, or asking for
    something a weights-only load refuses. The message names the file, except for a global that
    is not allowed: that one is PyTorch's message word for word.

    It is both a `pickle.UnpicklingError` (what `torch.load` raises when a weights-only load
    refuses a file) and a `RuntimeError` (what PyTorch raises for a corrupt archive)."""


class EmptyCheckpointError(CheckpointError, EOFError):
    """An empty file. Also an `EOFError`, what PyTorch's `torch.load` raises there (its unpickler runs
    out of input), so `except EOFError` around a load of a cache file still catches it."""


class UnpicklingError(CheckpointError):
    """A weights-only load refusing a global. Named as the `pickle.UnpicklingError` PyTorch raises
    there, since programs print `type(e).__name__`; still a `CheckpointError`."""


WEIGHTS_ONLY_FAILED = "Weights only load failed."


def _unsafe_load_advice() -> str:
    load = f"{package_name()}.load"
    return (f"In PyTorch 2.6, we changed the default value of the `weights_only` argument in `{load}` from "
            f"`False` to `True`. Re-running `{load}` with `weights_only` set to `False` will likely succeed, but "
            "it can result in arbitrary code execution. Do it only if you got the file from a trusted source.")


def _docs_advice() -> str:
    return (f"\n\nCheck the documentation of {package_name()}.load to learn more about types accepted by default "
            "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


# PyTorch's words for a weights-only load refusing a global, kept verbatim: users search for them.

def unsupported_global_message(full: str) -> str:
    """The global `full` (`module.name`) is not allowed: how to allow it."""
    if full.startswith("builtins."):
        full = full[len("builtins."):]  # PyTorch names builtins bare ("frozenset")
    serialization = f"{package_name()}.serialization"
    return (
        f"{WEIGHTS_ONLY_FAILED} This file can still be loaded, to do so you have two options, "
        "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
        f"\n\t(1) {_unsafe_load_advice()}\n\t(2) Alternatively, to load with `weights_only=True` please check "
        "the recommended steps in the following error message.\n"
        f"\tWeightsUnpickler error: Unsupported global: GLOBAL {full} was not an allowed global by default. "
        f"Please use `{serialization}.add_safe_globals([{full}])` or the `{serialization}.safe_globals([{full}])` "
        f"context manager to allowlist this global if you trust this class/function.{_docs_advice()}"
    )


def blocked_module_message(full: str, module: str) -> str:
    """The global `full` is in a module no weights-only load may use (`os`, `sys`, ...)."""
    return (f"{WEIGHTS_ONLY_FAILED} {_unsafe_load_advice()}\n\n\nTrying to load unsupported GLOBAL {full} "
            f"whose module {module} is blocked.{_docs_advice()}")


class Refusal:
    """An allow-list entry for a name that is refused with a specific reason."""

    def __init__(self, why: str) -> None:
        self.why = why


class WeightsOnlyUnpickler:
    """Reads one pickle from `data`; `allowed` maps `module.name` to what GLOBAL pushes,
    `callables` are the objects REDUCE may call (by identity), `classes` those NEWOBJ and BUILD
    may use, and `persistent_load(pid)` answers BINPERSID for `('storage', ...)` ids."""

    def __init__(
        self,
        data: bytes | memoryview,
        source: str,
        allowed: Mapping[str, Any],
        callables: list[Any],
        classes: list[type],
        persistent_load: Callable[[Any], Any],
        encoding: str = "utf-8",
    ) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._source = source
        self._allowed = allowed
        self._callables = {id(c) for c in callables}
        self._classes = {id(c) for c in classes}
        self._persistent_load = persistent_load
        self._encoding = encoding
        self._budget = _COPY_BUDGET_FACTOR * len(data) + _COPY_BUDGET_SLACK
        self._tuple_depth: dict[int, tuple[tuple, int]] = {}  # only tuples nested 2+ deep
        self.stack: list[Any] = []
        self._metastack: list[list[Any]] = []
        self._memo: dict[int, Any] = {}

    @property
    def position(self) -> int:
        """How many bytes of `data` were read (after `load`: the pickle's length)."""
        return self._pos

    # --- reading the byte stream -------------------------------------------------------------

    def _read(self, n: int) -> memoryview:
        end = self._pos + n
        if end > len(self._data):
            raise pickle.UnpicklingError("the pickle ends in the middle of an instruction (truncated)")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def _unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self._read(struct.calcsize(fmt)))[0]

    def _line(self) -> str:
        end = bytes(self._data[self._pos : self._pos + 1024]).find(b"\n")
        if end < 0:
            raise pickle.UnpicklingError("a global's name is unterminated or longer than 1024 bytes")
        line = bytes(self._read(end + 1)[:-1])
        return line.decode("utf-8")

    # --- checks --------------------------------------------------------------------------------

    def refuse(self, why: str) -> CheckpointError:
        return CheckpointError(f"{self._source}: {why}")

    def charge(self, n: int) -> None:
        """Count `n` items or bytes that an allow-listed callable is about to copy."""
        self._budget -= n
        if self._budget < 0:
            raise self.refuse(
                "the pickle makes its allowed constructors copy far more data than the pickle holds (a memory bomb?)"
            )

    def _depth(self, item: Any) -> int:
        if type(item) is not tuple:
            return 0
        found = self._tuple_depth.get(id(item))
        return found[1] if found is not None and found[0] is item else 1

    def make_tuple(self, items: list[Any] | tuple[Any, ...]) -> tuple:
        t = tuple(items)
        depth = 1 + max(map(self._depth, t), default=0)
        if depth > MAX_TUPLE_DEPTH:
            raise self.refuse(f"tuples nested more than {MAX_TUPLE_DEPTH} levels deep")
        if depth > 1:
            self._tuple_depth[id(t)] = (t, depth)
        return t

    # --- the interpreter -----------------------------------------------------------------------

    def load(self) -> Any:
        dispatch = self._dispatch
        while True:
            code = self._read(1)[0]
            op = dispatch.get(code)
            if op is None:
                name = _OPCODE_NAMES.get(code, f"0x{code:02x}")
                raise self.refuse(f"the pickle uses the opcode {name}, which a weights-only load does not allow")
            if op is _stop:
                if not self.stack:
                    raise pickle.UnpicklingError("the pickle stops with an empty stack")
                return self.stack.pop()
            op(self)

    def pop_mark(self) -> list[Any]:
        items = self.stack
        self.stack = self._metastack.pop()
        return items

    def find_global(self, module: str, name: str) -> Any:
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        if module.split(".")[0] in _BLOCKED_MODULES:
            raise UnpicklingError(blocked_module_message(full, module))
        found = self._allowed.get(full)
        if isinstance(found, Refusal):
            raise self.refuse(f"refused to load the global '{full}' named in the checkpoint: {found.why}")
        if found is not None:
            return found
        # retrograd never imports or calls anything else a checkpoint names
        raise UnpicklingError(unsupported_global_message(full))

    def call(self, func: Any, args: Any) -> Any:
        if id(func) not in self._callables:
            raise self.refuse(f"refused to call {func!r} (pickle REDUCE): it is not an allowed callable")
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError(f"REDUCE arguments must be a tuple, got {type(args).__name__}")
        self.charge(sum(_copy_cost(a) for a in args))
        return func(*args)

    def new_object(self, cls: Any, args: Any) -> Any:
        if id(cls) not in self._classes or not isinstance(cls, type):
            raise self.refuse(f"refused to create an object of {cls!r} (pickle NEWOBJ): it is not an allowed class")
        if not isinstance(args, tuple):
            raise pickle.UnpicklingError(f"NEWOBJ arguments must be a tuple, got {type(args).__name__}")
        self.charge(sum(_copy_cost(a) for a in args))
        return cls.__new__(cls, *args)

    def build(self, inst: Any, state: Any) -> None:
        if type(inst) is collections.OrderedDict:
            if not (isinstance(state, dict) and all(isinstance(k, str) for k in state)):
                raise self.refuse("an OrderedDict's state must be a dict of attributes")
            inst.__dict__.update(state)
            return
        if id(type(inst)) not in self._classes or type(inst) in _NEVER_BUILT:
            raise self.refuse(
                f"refused to set attributes on a {type(inst).__name__} object (pickle BUILD): only an "
                "OrderedDict's own attributes (a state dict's _metadata) and objects of classes allowed "
                "with add_safe_globals may be set"
            )
        if hasattr(inst, "__setstate__"):
            inst.__setstate__(state)
            return
        slots = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        if state:
            inst.__dict__.update(state)
        for key, value in (slots or {}).items():
            setattr(inst, key, value)


def _copy_cost(arg: Any) -> int:
    return len(arg) if isinstance(arg, (list, tuple, dict, set, str, bytes, bytearray)) else 0


# Classes whose objects are never changed by BUILD, even when allowed as globals: tensors
# (a pickle must not write into rebuilt tensors), and types or shared singletons.
_NEVER_BUILT: set[type] = {type}


def never_build(cls: type) -> None:
    """Refuse BUILD on objects of `cls` even if it is an allowed class (tensors)."""
    _NEVER_BUILT.add(cls)


# --- opcode handlers (each reads its operands and updates the stack) ---------------------------


def _stop(u: WeightsOnlyUnpickler) -> None:  # handled in load()
    raise AssertionError


def _proto(u: WeightsOnlyUnpickler) -> None:
    protocol = u._read(1)[0]
    if protocol > pickle.HIGHEST_PROTOCOL:
        raise pickle.UnpicklingError("unsupported pickle protocol")
    if protocol != 2:  # PyTorch's warning, word for word
        warnings.warn(f"Detected pickle protocol {protocol} in the checkpoint, which was not the default pickle "
                      f"protocol used by `{package_name()}.load` (2). The weights_only Unpickler might not support "
                      "all instructions implemented by this protocol, please file an issue for adding support if "
                      "you encounter this.", UserWarning, stacklevel=2)


def _global(u: WeightsOnlyUnpickler) -> None:
    module = u._line()
    u.stack.append(u.find_global(module, u._line()))


def _inst(u: WeightsOnlyUnpickler) -> None:
    # protocol 0's INST names a class and calls it at once: refuse by name, whatever it is
    module = u._line()
    u.find_global(module, u._line())
    raise u.refuse("the pickle uses the opcode INST, which a weights-only load does not allow")


def _reduce(u: WeightsOnlyUnpickler) -> None:
    args = u.stack.pop()
    u.stack[-1] = u.call(u.stack[-1], args)


def _newobj(u: WeightsOnlyUnpickler) -> None:
    args = u.stack.pop()
    u.stack[-1] = u.new_object(u.stack[-1], args)


def _build(u: WeightsOnlyUnpickler) -> None:
    state = u.stack.pop()
    u.build(u.stack[-1], state)


def _append(u: WeightsOnlyUnpickler) -> None:
    item = u.stack.pop()
    if type(u.stack[-1]) is not list:
        raise u.refuse(f"APPEND only adds to lists, not to a {type(u.stack[-1]).__name__}")
    u.stack[-1].append(item)


def _appends(u: WeightsOnlyUnpickler) -> None:
    items = u.pop_mark()
    if type(u.stack[-1]) is not list:
        raise u.refuse(f"APPENDS only adds to lists, not to a {type(u.stack[-1]).__name__}")
    u.stack[-1].extend(items)


def _setitems_from(u: WeightsOnlyUnpickler, items: list[Any]) -> None:
    target = u.stack[-1]
    if type(target) not in _SETITEM_TARGETS:
        raise u.refuse(f"SETITEM only fills dicts, OrderedDicts and Counters, not a {type(target).__name__}")
    if len(items) % 2:
        raise pickle.UnpicklingError("SETITEMS with an odd number of items")
    # (keys are hashed: tuples built here nest at most MAX_TUPLE_DEPTH deep, see make_tuple)
    for key, value in zip(items[::2], items[1::2]):
        target[key] = value


def _setitem(u: WeightsOnlyUnpickler) -> None:
    value = u.stack.pop()
    key = u.stack.pop()
    _setitems_from(u, [key, value])


def _setitems(u: WeightsOnlyUnpickler) -> None:
    _setitems_from(u, u.pop_mark())


def _mark(u: WeightsOnlyUnpickler) -> None:
    u._metastack.append(u.stack)
    u.stack = []


def _tuple_n(n: int) -> Callable[[WeightsOnlyUnpickler], None]:
    def op(u: WeightsOnlyUnpickler) -> None:
        if len(u.stack) < n:
            raise pickle.UnpicklingError("stack underflow")
        items = u.stack[len(u.stack) - n :]
        del u.stack[len(u.stack) - n :]
        u.stack.append(u.make_tuple(items))

    return op


def _tuple(u: WeightsOnlyUnpickler) -> None:
    t = u.make_tuple(u.pop_mark())  # (pop_mark replaces u.stack: pop before appending)
    u.stack.append(t)


def _push(value_factory: Callable[[], Any]) -> Callable[[WeightsOnlyUnpickler], None]:
    return lambda u: u.stack.append(value_factory())


def _binint(u: WeightsOnlyUnpickler) -> None:
    u.stack.append(u._unpack("<i"))


def _binint1(u: WeightsOnlyUnpickler) -> None:
    u.stack.append(u._read(1)[0])


def _binint2(u: WeightsOnlyUnpickler) -> None:
    u.stack.append(u._unpack("<H"))


def _binfloat(u: WeightsOnlyUnpickler) -> None:
    u.stack.append(u._unpack(">d"))


def _long1(u: WeightsOnlyUnpickler) -> None:
    u.stack.append(pickle.decode_long(bytes(u._read(u._read(1)[0]))))


def _binunicode(u: WeightsOnlyUnpickler) -> None:
    size = u._unpack("<I")
    u.stack.append(str(u._read(size), "utf-8", "surrogatepass"))


def _short_binstring(u: WeightsOnlyUnpickler) -> None:
    raw = bytes(u._read(u._read(1)[0]))
    u.stack.append(raw if u._encoding == "bytes" else raw.decode(u._encoding, "strict"))


def _binpersid(u: WeightsOnlyUnpickler) -> None:
    pid = u.stack.pop()
    if type(pid) is not tuple or not pid or pid[0] not in ("storage", b"storage"):
        raise u.refuse(f"only persistent ids of storages ('storage', ...) are allowed, got {pid!r:.100}")
    u.stack.append(u._persistent_load(pid))


def _get(fmt: str) -> Callable[[WeightsOnlyUnpickler], None]:
    def op(u: WeightsOnlyUnpickler) -> None:
        index = u._unpack(fmt)
        if index not in u._memo:
            raise pickle.UnpicklingError(f"memo key {index} is not defined")
        u.stack.append(u._memo[index])

    return op


def _put(fmt: str) -> Callable[[WeightsOnlyUnpickler], None]:
    def op(u: WeightsOnlyUnpickler) -> None:
        u._memo[u._unpack(fmt)] = u.stack[-1]

    return op


_P = pickle
WeightsOnlyUnpickler._dispatch = {  # type: ignore[attr-defined]
    _P.PROTO[0]: _proto,
    _P.STOP[0]: _stop,
    _P.GLOBAL[0]: _global,
    _P.INST[0]: _inst,
    _P.REDUCE[0]: _reduce,
    _P.NEWOBJ[0]: _newobj,
    _P.BUILD[0]: _build,
    _P.APPEND[0]: _append,
    _P.APPENDS[0]: _appends,
    _P.SETITEM[0]: _setitem,
    _P.SETITEMS[0]: _setitems,
    _P.MARK[0]: _mark,
    _P.TUPLE[0]: _tuple,
    _P.TUPLE1[0]: _tuple_n(1),
    _P.TUPLE2[0]: _tuple_n(2),
    _P.TUPLE3[0]: _tuple_n(3),
    _P.EMPTY_TUPLE[0]: _push(tuple),
    _P.NONE[0]: _push(lambda: None),
    _P.NEWFALSE[0]: _push(lambda: False),
    _P.NEWTRUE[0]: _push(lambda: True),
    _P.EMPTY_LIST[0]: _push(list),
    _P.EMPTY_DICT[0]: _push(dict),
    _P.EMPTY_SET[0]: _push(set),
    _P.BININT[0]: _binint,
    _P.BININT1[0]: _binint1,
    _P.BININT2[0]: _binint2,
    _P.BINFLOAT[0]: _binfloat,
    _P.LONG1[0]: _long1,
    _P.BINUNICODE[0]: _binunicode,
    _P.SHORT_BINSTRING[0]: _short_binstring,
    _P.BINPERSID[0]: _binpersid,
    _P.BINGET[0]: _get("<B"),
    _P.LONG_BINGET[0]: _get("<I"),
    _P.BINPUT[0]: _put("<B"),
    _P.LONG_BINPUT[0]: _put("<I"),
}
_OPCODE_NAMES = {op.code.encode("latin-1")[0]: op.name for op in __import__("pickletools").opcodes}
