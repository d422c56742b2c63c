"""`torch.version`: the versions a program can read, e.g. `torch.version.cuda` to pick a GPU path.

retrograd is not built against CUDA, ROCm or XPU (GPUs are reached through CuPy, see
`retrograd.cuda`), so those are None, as in PyTorch's CPU builds.

`__version__` is retrograd's own. Programs written for PyTorch often choose code paths by
`torch.__version__` (`version.parse(torch.__version__) >= version.parse("2.0")`); while
retrograd stands in for `torch` (`install_as_torch`, `python -m retrograd run`) it reads as the
PyTorch release whose API retrograd follows, with retrograd's version as the local label:
`2.13.0+retrograd.0.1.0`, a `TorchVersion` that compares with strings and tuples as PyTorch's.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TorchVersion", "__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu"]

RETROGRAD_VERSION = "0.1.0"
TORCH_API_VERSION = "2.13.0"  # the PyTorch release whose API and numbers retrograd follows
__version__: Any = RETROGRAD_VERSION
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False
git_version = "Unknown"


def _key(v: Any) -> tuple:
    """(release numbers, local label) of a version string or tuple, for ordering (PEP 440's, simplified)."""
    if isinstance(v, tuple):
        return tuple(int(x) for x in v), ""
    public, _, local = str(v).partition("+")
    release = []
    for part in public.split("."):
        digits = "".join(c for c in part if c.isdigit()) if part[:1].isdigit() else ""
        if not digits:
            break
        release.append(int(digits))
        if not part.isdigit():  # "0rc1": a pre-release ends the release numbers
            break
    return tuple(release), local


class TorchVersion(str):
    """A version string that compares by its numbers, with strings and tuples, as PyTorch's does.

    Args:
        version (str): the version, such as "2.13.0+cpu".

    Returns:
        (TorchVersion): the string, comparable: `v >= "2.0"`, `v >= (2, 0)`.

    Examples:
        >>> from retrograd.version import TorchVersion
        >>> v = TorchVersion("2.13.0+retrograd.0.1.0")
        >>> v >= "2.0", v > (2, 1), v < "10.0"
        (True, True, True)
    """

    def _compare(self, other: Any, op: str) -> bool:
        if not isinstance(other, (str, tuple)):
            return NotImplemented  # type: ignore[return-value]
        a, b = _key(self), _key(other)
        if isinstance(other, tuple):  # a tuple names only release numbers
            n = len(b[0])
            a, b = (a[0][:n], ""), (b[0], "")
        return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b, "eq": a == b}[op]

    def __lt__(self, other: Any) -> bool:
        return self._compare(other, "lt")

    def __le__(self, other: Any) -> bool:
        return self._compare(other, "le")

    def __gt__(self, other: Any) -> bool:
        return self._compare(other, "gt")

    def __ge__(self, other: Any) -> bool:
        return self._compare(other, "ge")

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str) and str.__eq__(self, other):
            return True
        return isinstance(other, (str, tuple)) and self._compare(other, "eq")

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def as_torch() -> TorchVersion:
    """The version retrograd shows as `torch.__version__`."""
    return TorchVersion(f"{TORCH_API_VERSION}+retrograd.{RETROGRAD_VERSION}")
