"""`torch.compiler.disable`: functions that always run as ordinary Python, never recorded.

A recording freezes what a function does on its first call, so a disabled function called
inside one would lose its side effects (prints, counters, NumPy calls) on later calls. Calling
one is therefore a graph break: the compiled function runs eagerly, as PyTorch runs the
disabled frame outside its graphs (and `fullgraph=True` raises, as PyTorch's does).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import _trace

# PyTorch's wording when fullgraph=True meets a disabled function
SKIP_MESSAGE = "Skip calling `torch.compiler.disable()`d function"


def disabled(fn: Callable, recursive: bool, reason: str | None) -> Callable:
    """`fn` wrapped so that calling it inside a recording ends the recording first.

    With `recursive=True` nothing it calls is recorded either, so `is_compiling()` is False
    inside it; with `recursive=False` only its own frame is skipped and the recording stays
    installed while it runs (so its callees still see `is_compiling()` True).
    """

    @functools.wraps(fn)
    def run_eagerly(*args: Any, **kwargs: Any) -> Any:
        rec = _trace.current()
        if rec is None:
            if recursive and _trace.compiling():  # a check's eager run, or backend="eager"
                with _trace.suspended():
                    return fn(*args, **kwargs)
            return fn(*args, **kwargs)
        why = (
            f"{SKIP_MESSAGE}\n  Explanation: Skip calling function `{fn}` since it was wrapped "
            f"with `torch.compiler.disable` (reason: {reason})"
        )
        if rec.fullgraph:
            raise _trace.Unsupported(why)
        rec.graph_break(why)
        if not recursive:
            return fn(*args, **kwargs)
        with _trace.suspended():
            return fn(*args, **kwargs)

    return run_eagerly
