"""The systems under test, by name, and how a worker process loads one.

Names: `retrograd`, `retrograd@/path/to/src` (retrograd imported from another source tree, e.g. a
`git worktree` of an older commit), `retrograd-compiled` (steps wrapped in `retrograd.compile`),
`pytorch`, `pytorch-compiled` (`torch.compile`; opt-in only) and `numpy-handwritten` (the floor:
forward and backward written out in NumPy, no autograd). Nothing here imports a library at import
time: each system is loaded only inside its own worker process.
"""

from __future__ import annotations

import functools
import importlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .workloads import Unsupported

DEFAULT_SYSTEMS = ("retrograd", "retrograd-compiled", "pytorch", "numpy-handwritten")
PLAIN = ("retrograd", "retrograd-compiled", "pytorch", "pytorch-compiled", "numpy-handwritten")
TORCH_THREADS = 2  # the benchmark rule: torch.set_num_threads(2); every other library keeps its default
FLOOR = "numpy-handwritten"
REFERENCE = "pytorch"


@dataclass(frozen=True)
class System:
    """A parsed system name: which library, compiled or not, and (for `retrograd@PATH`) its source tree."""

    name: str  # as given on the command line
    library: str  # "retrograd", "torch" or "numpy"
    compiled: bool = False
    source: str = ""  # the directory put first on sys.path for `retrograd@PATH`

    @property
    def is_floor(self) -> bool:
        """Whether this is the hand-written NumPy floor (no autograd library)."""
        return self.library == "numpy"

    @property
    def is_retrograd(self) -> bool:
        """Whether this system runs some retrograd (this tree's, another tree's, or compiled)."""
        return self.library == "retrograd"

    def child_env(self) -> dict[str, str]:
        """The environment of this system's worker processes: for `retrograd@PATH`, PATH first on PYTHONPATH."""
        env = dict(os.environ)
        if self.source:
            env["PYTHONPATH"] = os.pathsep.join(p for p in (self.source, env.get("PYTHONPATH", "")) if p)
        return env

    def label(self) -> str:
        """A short column title: `retrograd@<commit>` for another tree inside a git checkout, else the name."""
        if not self.source:
            return self.name
        commit = source_commit(self.source)
        return f"retrograd@{commit}" if commit else f"retrograd@{Path(self.source).name}"


def parse_system(name: str) -> System:
    """A `System` from its command-line name; ValueError for an unknown one or a missing source tree."""
    if name.startswith("retrograd@"):
        source = os.path.abspath(os.path.expanduser(name.partition("@")[2]))
        if not (Path(source) / "retrograd" / "__init__.py").is_file():
            raise ValueError(f"{name}: {source} has no retrograd/__init__.py (give the tree's src directory)")
        return System(name, "retrograd", source=source)
    if name not in PLAIN:
        raise ValueError(f"unknown system {name!r}: choose from {', '.join(PLAIN)} or retrograd@/path/to/src")
    library = {"retrograd": "retrograd", "pytorch": "torch", "numpy": "numpy"}[name.split("-")[0]]
    return System(name, library, compiled=name.endswith("-compiled"))


@functools.cache
def source_commit(source: str) -> str:
    """The short git commit of the checkout holding `source` ('' if it is not in one), '+dirty' if modified."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", source, *args], capture_output=True, text=True, timeout=30)
        return done.stdout.strip() if done.returncode == 0 else ""

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = commit and git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return ""
    return commit + ("+dirty" if dirty else "")


def load_module(system: System) -> ModuleType:
    """Import a system's library in this (worker) process; PyTorch gets 2 intra-op threads.

    For `retrograd@PATH` the module must come from PATH (the worker's PYTHONPATH puts it first);
    anything else is an ImportError rather than a silent measurement of the wrong tree.
    """
    if system.source and system.source not in sys.path:
        sys.path.insert(0, system.source)
    module = importlib.import_module(system.library)
    if system.source:
        where = os.path.realpath(module.__file__ or "")
        if not where.startswith(os.path.realpath(system.source) + os.sep):
            raise ImportError(f"{system.name}: retrograd was imported from {where}, not from {system.source}")
    if system.library == "torch":
        module.set_num_threads(TORCH_THREADS)
    return module


def compiler(system: System, module: ModuleType) -> Any:
    """The library's `compile` for a compiled system (None for a plain one); Unsupported if there is none."""
    if not system.compiled:
        return None
    compile_fn = getattr(module, "compile", None)
    if compile_fn is None:
        raise Unsupported(f"{module.__name__} has no compile()")
    return compile_fn
