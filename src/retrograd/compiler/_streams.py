"""Printing inside a recorded function is a graph break.

The generated code replays array calls only, so a `print` (or any write to `sys.stdout` or
`sys.stderr`) in a compiled function would happen once, while recording, and then never again;
PyTorch breaks its graph there and prints on every call. While any thread records, both streams
are wrapped (as `contextlib.redirect_stdout` would) by a forwarder that reports a write made by
a recording thread before passing it on.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

from . import _trace

_REASON = "print() or another write to sys.stdout/sys.stderr (Python side effects are not replayed)"
_lock = threading.Lock()
_users = 0
_saved: dict[str, Any] = {}


class _WatchedStream:
    """A text stream that reports writes made while its thread records, then forwards them."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        rec = _trace.current()
        # one break per print: its pieces (the text, then "\n") come with no op between them
        if rec is not None and text and not (rec.breaks and rec.breaks[-1] == _REASON and not rec.segments[-1]):
            rec.graph_break(_REASON)  # with fullgraph=True this raises before anything is printed
        return self._stream.write(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def watched() -> Iterator[None]:
    """Wrap sys.stdout and sys.stderr for the block (shared by threads recording at once)."""
    global _users
    with _lock:
        if _users == 0:
            for name in ("stdout", "stderr"):
                stream = getattr(sys, name)
                if stream is not None:
                    _saved[name] = stream
                    setattr(sys, name, _WatchedStream(stream))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                for name, stream in _saved.items():
                    current = getattr(sys, name)
                    if isinstance(current, _WatchedStream) and current._stream is stream:
                        setattr(sys, name, stream)  # left alone if the program replaced it meanwhile
                _saved.clear()
