"""`torch.distributed.elastic.multiprocessing.errors.record`: the decorator torchrun scripts put on `main`.

An exception escaping the decorated function is written, as TorchElastic's JSON, to the file
that `TORCHELASTIC_ERROR_FILE` names (when the launcher set it), then raised on; a
`SystemExit(0)` inside it returns None.
"""

from __future__ import annotations

import functools
import json
import os
import time
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["record"]


def _record_exception(error: BaseException) -> None:
    path = os.environ.get("TORCHELASTIC_ERROR_FILE")
    if path is None:
        return
    info = {"py_callstack": traceback.format_exc(), "timestamp": str(int(time.time()))}
    with open(path, "w") as file:
        json.dump({"message": {"message": f"{type(error).__name__}: {error}", "extraInfo": info}}, file)


def record(fn: Callable[..., Any], error_handler: Any = None) -> Callable[..., Any]:
    """`fn`, with an escaping exception recorded for the launcher before it propagates.

    Args:
        fn (callable): the entry point, usually `main`.
        error_handler: an object with `record_exception(e)` to use instead of the error file.

    Examples:
        >>> from retrograd.distributed.elastic.multiprocessing.errors import record
        >>> @record
        ... def main():
        ...     return 3
        >>> main()
        3
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SystemExit as exit_:
            if exit_.code == 0:
                return None
            raise
        except Exception as error:
            if error_handler is not None:
                error_handler.record_exception(error)
            else:
                _record_exception(error)
            raise

    return wrapper
