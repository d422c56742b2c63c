"""The package name that reprs print: `retrograd`, or `torch` while retrograd stands in for torch.

`torch.Size([2, 3])`, `torch.float32` and `torch.FloatTensor` are what a PyTorch program
prints; when `python -m retrograd run` (or `install_as_torch()`) makes `import torch` mean
retrograd, the program's output should read the same as under PyTorch.
"""

from __future__ import annotations

__all__ = ["package_name", "set_package_name"]

_name = "retrograd"


def package_name() -> str:
    """The prefix reprs use for retrograd's names: "retrograd" or "torch"."""
    return _name


def set_package_name(name: str) -> None:
    """Print reprs as `<name>.Size(...)`, `<name>.float32`, ... from now on."""
    global _name
    if name not in ("retrograd", "torch"):
        raise ValueError(f"package name must be 'retrograd' or 'torch', not {name!r}")
    _name = name
