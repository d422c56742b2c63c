"""`import torch` that means retrograd, on request: `install_as_torch()` and `python -m retrograd run`.

An import hook (a finder on `sys.meta_path`) answers `torch` and every `torch.X.Y` with
retrograd's own module `retrograd.X.Y`: the same module object under two names, so
`import torch.nn as nn` gives `retrograd.nn` and `isinstance(nn.Linear(2, 2).weight,
retrograd.Tensor)` holds. Nothing is installed unless asked for.

Processes that `multiprocessing` starts with 'spawn' or 'forkserver' (DataLoader workers, a
`Pool`) begin afresh and re-run the main script as `__mp_main__` before anything else, so for
a script run with `python -m retrograd run` the script's module names this module as its
`__spec__`: such a child then runs this module as `__mp_main__`, which installs the alias
and runs the script, and the script's `import torch` means retrograd there too.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import os
import runpy
import sys
from types import ModuleType, TracebackType
from typing import Any

from . import version
from ._display_name import set_package_name

__all__ = ["install_as_torch", "is_installed_as_torch", "uninstall_as_torch", "run_script"]

# The script `python -m retrograd run` runs, for the processes multiprocessing spawns from it.
_SCRIPT_ENV = "RETROGRAD_RUN_SCRIPT"


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `torch[.X.Y]` and loads it as the already-imported `retrograd[.X.Y]`."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "retrograd" + fullname[len("torch") :]
        try:
            found = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            found = None
        if found is None and fullname != "torch":
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: retrograd (standing in for torch) has no {real!r}. "
                "See docs/api-coverage.md for what retrograd provides.",
                name=fullname,
            )
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # The retrograd module itself: one object, two names. The import system keeps its
        # `__name__`, since it is set, but writes the alias's spec over its own...
        module = importlib.import_module("retrograd" + spec.name[len("torch") :])
        self._own_specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # ...which goes back here (the module already ran under its retrograd name): with a
        # spec named `torch`, later relative imports inside retrograd would resolve wrongly
        alias = module.__spec__.name  # type: ignore[union-attr]
        module.__spec__ = self._own_specs.pop(alias, module.__spec__)  # type: ignore[union-attr]
        _name_shadowed_submodules(module.__spec__.name, alias)  # type: ignore[union-attr]

    def __init__(self) -> None:
        self._own_specs: dict[str, importlib.machinery.ModuleSpec | None] = {}


def _name_shadowed_submodules(real: str, alias: str) -> None:
    """Enter under their `torch` names the loaded submodules of `real` that a function of the same
    name hides (`autograd.gradcheck`, `nn.utils.weight_norm`), as PyTorch's are loaded with `torch`.

    Importing such a submodule by its alias for the first time would otherwise make the import
    system set it on the package in the function's place (`torch.autograd.gradcheck(...)` would
    then call a module); for a name already in `sys.modules` it sets nothing.
    """
    for name, submodule in list(sys.modules.items()):
        parent, _, child = name.rpartition(".")
        if not name.startswith(real + ".") or submodule is None:
            continue
        attribute = getattr(sys.modules.get(parent), child, submodule)
        if attribute is not submodule and not isinstance(attribute, ModuleType):
            sys.modules.setdefault(alias + name[len(real) :], submodule)


_ALIAS = _TorchAlias()


def install_as_torch() -> None:
    """Make `import torch` (and `torch.nn`, `torch.optim`, ...) import retrograd from now on.

    Raises RuntimeError if the real PyTorch is already imported in this process, since two
    libraries answering to one name would mix their tensors.

    >>> import retrograd
    >>> retrograd.install_as_torch()
    >>> import torch
    >>> torch is retrograd
    True
    >>> retrograd.uninstall_as_torch()
    """
    existing = sys.modules.get("torch")
    if existing is not None and existing is not sys.modules["retrograd"]:
        raise RuntimeError(
            "install_as_torch(): the real PyTorch is already imported in this process "
            f"({getattr(existing, '__file__', existing)!s}); call install_as_torch() before anything imports torch."
        )
    if _ALIAS not in sys.meta_path:
        sys.meta_path.insert(0, _ALIAS)
    set_package_name("torch")  # reprs read `torch.Size`, `torch.float32`, as the program expects
    _set_version(version.as_torch())  # programs choose code paths by torch.__version__
    # `torch.__name__` is "torch": Pyro checks it before patching `torch.distributions` (its
    # submodules keep their own names, which the import system and `uninstall_as_torch` read)
    sys.modules["retrograd"].__name__ = "torch"


def _set_version(value: str) -> None:
    retrograd = sys.modules["retrograd"]
    retrograd.__version__ = version.__version__ = value  # type: ignore[attr-defined]


def is_installed_as_torch() -> bool:
    """Whether `install_as_torch()` is in effect (`import torch` gives retrograd)."""
    return _ALIAS in sys.meta_path


def uninstall_as_torch() -> None:
    """Undo `install_as_torch()`: forget the `torch` names it made (retrograd stays imported)."""
    if _ALIAS in sys.meta_path:
        sys.meta_path.remove(_ALIAS)
    set_package_name("retrograd")
    _set_version(version.RETROGRAD_VERSION)
    retrograd = sys.modules["retrograd"]
    retrograd.__name__ = "retrograd"
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        if sys.modules[name] is retrograd or getattr(sys.modules[name], "__name__", "").startswith("retrograd"):
            del sys.modules[name]


def run_script(path: str, args: list[str]) -> None:
    """Run a Python file as `__main__` with `torch` meaning retrograd (`python -m retrograd run`)."""
    install_as_torch()
    sys.argv = [path, *args]
    # as `python script.py` does: the script's folder first on the path, for its sibling modules
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    if not os.path.isfile(path):  # a folder or zip with a __main__.py
        runpy.run_path(path, run_name="__main__")
        return
    os.environ[_SCRIPT_ENV] = os.path.abspath(path)
    try:
        _run_as_main(path)
    except Exception as error:
        _exit_as_python_would(error)


def _run_as_main(path: str) -> None:
    """`runpy.run_path(path, run_name="__main__")`, with this module as the `__spec__` that
    multiprocessing's spawned children re-run as their `__mp_main__` (see the module docstring)."""
    with io.open_code(path) as source:
        # dont_inherit: the script gets no `from __future__` flags of this module (its annotations stay objects)
        code = compile(source.read(), os.path.abspath(path), "exec", dont_inherit=True)
    module = ModuleType("__main__")
    spec = importlib.machinery.ModuleSpec(__name__, None)
    # `__package__` "" keeps relative imports an error, as in any script (not relative to retrograd).
    # `__file__` absolute, as Python (3.9+) gives a script run from the command line
    module.__dict__.update(
        __file__=os.path.abspath(path), __cached__=None, __loader__=None, __package__="", __spec__=spec
    )
    previous = sys.modules["__main__"]
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules["__main__"] = previous


def _exit_as_python_would(error: Exception) -> None:
    """Report an uncaught error of the script as `python script.py` does, and exit with status 1.

    The traceback shows the script's frames, not retrograd's: PyTorch's ops are C++, so its
    traceback of `a.sum(dim=5)` ends at that line, where retrograd's would go on through the
    op's Python (set RETROGRAD_FULL_TRACEBACK=1 to see those frames). The runner's own frames
    (`run_script`, the `exec`) go too; a syntax error shows no frames at all. SystemExit and
    KeyboardInterrupt are not Exceptions and pass through.
    """
    full = bool(os.environ.get("RETROGRAD_FULL_TRACEBACK"))
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:  # the error, and those it was raised from or during
        seen.add(id(link))
        traceback = link.__traceback__
        while traceback is not None and traceback.tb_frame.f_code.co_filename == __file__:
            traceback = traceback.tb_next
        link.__traceback__ = traceback if full else _without_frames_in(traceback, _PACKAGE)
        link = link.__cause__ or link.__context__
    sys.excepthook(type(error), error, error.__traceback__)  # the hook prints the error's own
    sys.exit(1)


_PACKAGE = (os.path.dirname(os.path.abspath(__file__)) + os.sep,)


def _without_frames_in(traceback: TracebackType | None, hidden: tuple[str, ...]) -> TracebackType | None:
    """`traceback` less its entries whose file starts with one of `hidden` (relinked in place); all of
    them if nothing else would be left (an error inside retrograd itself, such as at import)."""
    kept = []
    entry = traceback
    while entry is not None:
        if not entry.tb_frame.f_code.co_filename.startswith(hidden):
            kept.append(entry)
        entry = entry.tb_next
    if not kept:
        return traceback
    for before, after in zip(kept, kept[1:]):
        before.tb_next = after
    kept[-1].tb_next = None
    return kept[0]


def _script_in_spawned_child() -> dict[str, Any]:
    """The globals of the script of `python -m retrograd run`, run again as `__mp_main__` in a
    process multiprocessing spawned from it, with the alias installed first."""
    install_as_torch()
    return runpy.run_path(os.environ[_SCRIPT_ENV], run_name="__mp_main__")


if __name__ == "__mp_main__" and _SCRIPT_ENV in os.environ:
    # This file run as the main module of a spawned child (not imported): the definitions above
    # are a copy; the alias is the one of the imported module.
    from retrograd.torch_alias import _script_in_spawned_child as _run_script

    globals().update(_run_script())
