"""`torch._functorch.python_key.make_fx`, named so `import functorch` works; retrograd does not trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["make_fx"]


def make_fx(f: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """Would trace `f` into an FX graph of aten ops; retrograd runs eagerly and has no such tracer.

    Raises:
        NotImplementedError: always.
    """
    raise NotImplementedError("make_fx: retrograd runs eagerly and has no FX tracer (see docs/api-coverage.md)")
