"""Access to MPI through mpi4py, loaded only when a process group is made.

Importing `mpi4py.MPI` initialises MPI, so `import retrograd.distributed` must not do it:
`is_available` only looks for the package, and `mpi()` imports it on first real use.
"""

from __future__ import annotations

import importlib.util
from typing import Any

_MISSING = (
    "Distributed package doesn't have MPI built in: retrograd.distributed runs on MPI through mpi4py. "
    "Install both with `pip install 'retrograd[distributed]'` (mpi4py and Open MPI wheels)."
)


def is_available() -> bool:
    """True when mpi4py is installed, so a process group can be made."""
    return importlib.util.find_spec("mpi4py") is not None


def mpi() -> Any:
    """The `mpi4py.MPI` module (initialising MPI on first call); RuntimeError when not installed."""
    if not is_available():
        raise RuntimeError(_MISSING)
    from mpi4py import MPI

    return MPI
