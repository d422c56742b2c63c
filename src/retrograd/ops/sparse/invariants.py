"""The process-wide switch of sparse invariant checks (`torch.sparse.check_sparse_tensor_invariants`).

PyTorch checks a new sparse tensor's indices against its size only when asked: by the
constructor's `check_invariants=True` or by this switch. Until a program sets the switch either
way, its first constructor call that leaves `check_invariants` unset warns, once per process,
that the checks are implicitly off. retrograd keeps the bounds check on unless a program turns it
off (an argument of False, or the switch disabled): an index past the size would otherwise fail
later, far from its cause.
"""

from __future__ import annotations

import warnings

from ..._user_frames import user_stacklevel

__all__ = ["checks_enabled", "set_checks_enabled", "checks_for_call", "warn_compressed_beta_once"]

_IMPLICIT = (
    "Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) will occur when operating on a "
    "sparse tensor which violates the invariants, but checks incur performance overhead. To silence this warning, "
    "explicitly opt in or out. See `torch.sparse.check_sparse_tensor_invariants.__doc__` for guidance."
)

_switch: bool | None = None  # None: never set by the program
_warned = False


def checks_enabled() -> bool:
    """Whether the switch is on (PyTorch's default: off)."""
    return bool(_switch)


def set_checks_enabled(enabled: bool) -> None:
    """Turn the checks on or off for constructors called without `check_invariants`."""
    global _switch
    _switch = bool(enabled)


def checks_for_call(check_invariants: bool | None) -> bool:
    """Whether a constructor called with this `check_invariants` checks its bounds; warns, once per
    process, where PyTorch's would because neither the argument nor the switch was set."""
    global _warned
    if check_invariants is not None:
        return bool(check_invariants)
    if _switch is None and not _warned:
        _warned = True
        warnings.warn(_IMPLICIT, UserWarning, stacklevel=user_stacklevel())
    return _switch is not False


_beta_warned = False


def warn_compressed_beta_once() -> None:
    """PyTorch's warning, once per process, that its CSR/CSC layouts are in beta: given where it
    makes its first compressed tensor (also inside a sparse COO @ sparse COO product)."""
    global _beta_warned
    if not _beta_warned:
        _beta_warned = True
        warnings.warn(
            "Sparse CSR tensor support is in beta state. If you miss a functionality in the sparse tensor support, "
            "please submit a feature request to https://github.com/pytorch/pytorch/issues.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
