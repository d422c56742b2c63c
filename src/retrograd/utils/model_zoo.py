"""`torch.utils.model_zoo`: the old name of `torch.hub.load_state_dict_from_url`, and `tqdm`.

`tqdm` is the progress bar of the `tqdm` package when it is installed, else a small stand-in that
writes the percentage to stderr, as PyTorch's (torchvision's dataset downloads import it from here).
"""

from __future__ import annotations

import importlib
import sys
from types import TracebackType
from typing import Any

__all__ = ["load_url"]


class _Faketqdm:
    """The part of tqdm's progress bar downloads use: `update(n)`, `write`, `close`, and `with`."""

    def __init__(self, total: float | None = None, disable: bool = False, unit: str | None = None, *args: Any,
                 **kwargs: Any) -> None:  # fmt: skip
        self.total = total
        self.disable = disable
        self.n: float = 0

    def update(self, n: float) -> None:
        """Count `n` more units and show the total (or the percentage of `total`)."""
        if self.disable:
            return
        self.n += n
        shown = f"{self.n:.1f} bytes" if self.total is None else f"{100 * self.n / float(self.total):.1f}%"
        sys.stderr.write(f"\r{shown}")
        sys.stderr.flush()

    def set_description(self, *args: Any, **kwargs: Any) -> None:
        """Ignored, as by PyTorch's stand-in."""

    def write(self, s: str) -> None:
        """Print a line on stderr."""
        sys.stderr.write(f"{s}\n")

    def close(self) -> None:
        """Stop showing progress."""
        self.disable = True

    def __enter__(self) -> _Faketqdm:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not self.disable:
            sys.stderr.write("\n")


try:
    from tqdm import tqdm
except ImportError:
    tqdm = _Faketqdm  # type: ignore[misc,assignment]


def load_url(url: str, *args: Any, **kwargs: Any) -> Any:
    """`retrograd.hub.load_state_dict_from_url(url, ...)` (hub sits above utils, so it is found at call time).

    Args:
        url (str): the checkpoint's address.
        *args: `model_dir`, `map_location`, `progress`, `check_hash`, `file_name`, in that order.
        **kwargs: the same by name, and `weights_only`.

    Returns:
        dict: the state dict, downloaded once into the hub's cache folder.

    Examples:
        >>> from retrograd.utils.model_zoo import load_url
        >>> callable(load_url)
        True
    """
    return importlib.import_module("retrograd.hub").load_state_dict_from_url(url, *args, **kwargs)
