"""The globals a pickle names, found by reading its opcodes without running any of them
(what `serialization.get_unsafe_globals_in_checkpoint` reports)."""

from __future__ import annotations

import _compat_pickle
import pickle
import pickletools

__all__ = ["globals_in_pickle"]

_STRING_OPS = ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING", "STRING")


def _python3_name(module: str, name: str) -> str:
    """`module.name` as Python 3 spells it (protocol-2 pickles write `__builtin__.set`)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    elif module in _compat_pickle.IMPORT_MAPPING:
        module = _compat_pickle.IMPORT_MAPPING[module]
    return f"{module}.{name}"


def globals_in_pickle(data: bytes) -> list[str]:
    """Each `module.name` the pickle `data` names with GLOBAL or STACK_GLOBAL, once, in order.

    STACK_GLOBAL (protocol 4+) takes its two names from the stack: they are followed here
    through the last two strings pushed, directly or from the memo."""
    found: dict[str, None] = {}
    memo: dict[int, object] = {}
    strings: list[object] = [None, None]  # the last two values pushed, when they were strings
    try:
        for op, arg, _ in pickletools.genops(data):
            pushed: object = None
            if op.name == "GLOBAL":
                module, name = str(arg).split(" ", 1)
                found[_python3_name(module, name)] = None
            elif op.name == "STACK_GLOBAL" and all(isinstance(s, str) for s in strings):
                found[_python3_name(*strings)] = None  # type: ignore[arg-type]
            elif op.name in _STRING_OPS:
                pushed = arg
            elif op.name in ("BINGET", "LONG_BINGET", "GET"):
                pushed = memo.get(arg)  # type: ignore[arg-type]
            elif op.name in ("BINPUT", "LONG_BINPUT", "PUT", "MEMOIZE"):
                memo[len(memo) if op.name == "MEMOIZE" else arg] = strings[-1]  # type: ignore[index]
                continue  # stores, pushes nothing
            elif op.name in ("FRAME", "PROTO"):
                continue
            strings = [strings[-1], pushed]
    except ValueError as e:  # pickletools' word for a malformed pickle
        raise pickle.UnpicklingError(f"malformed pickle: {e}") from None
    return list(found)
