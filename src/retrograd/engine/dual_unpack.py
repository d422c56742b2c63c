"""`unpack_dual`: a dual tensor's primal and tangent.

The primal is a view of the dual tensor without its tangent. PyTorch records it with a C++ node
that has no Python class of its own (`Identity`: its `type()` is `CppFunction`, its name
`torch::autograd::Identity`, and reprs print `grad_fn=<Identity>`). A module apart from
`forward_ad` because that view is a Primitive, and `primitive` imports `forward_ad`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .dual_levels import levels
from .forward_ad import register_zero_term_added, tangent_of
from .grad_mode import state
from .primitive import Primitive

if TYPE_CHECKING:
    from ..tensor import Tensor

# d/da a = 1
primal_view = Primitive(
    "primal_view", lambda xp, a: a.view(), [lambda g: g], node_name="torch::autograd::Identity", view=True
)

# d/da (a + 0) = 1: a tangent of mul, mm, ... with PyTorch's last node (its jvp adds the terms of
# every input, an efficient zero tensor for an input without a tangent, which leaves the bits alone)
zero_term_added = Primitive("tangent_zero_term_add", lambda xp, a: a.copy(), [lambda g: g], node_name="AddBackward0")
register_zero_term_added(zero_term_added)


class UnpackedDualTensor(NamedTuple):
    """A dual tensor taken apart: its primal and its tangent (None when it has none).

    Args:
        primal (Tensor): the value, without the tangent.
        tangent (Tensor or None): the directional derivative carried at the level.

    Returns:
        (UnpackedDualTensor): a named tuple, as `unpack_dual` returns.

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     unpacked = fwAD.unpack_dual(fwAD.make_dual(retrograd.tensor(1.0), retrograd.tensor(2.0)))
        >>> unpacked.primal, unpacked.tangent
        (tensor(1.), tensor(2.))
        >>> fwAD.UnpackedDualTensor(retrograd.tensor(1.0), None)
        UnpackedDualTensor(primal=tensor(1.), tangent=None)
    """

    primal: Any
    tangent: Any


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent): the primal is a view without the tangent; tangent may be None.

    Args:
        tensor (Tensor): a tensor, dual or not.
        level (int, optional): the dual level (default: the innermost one).

    Returns:
        (UnpackedDualTensor): the named tuple `(primal, tangent)`; tangent is None when `tensor`
            carries none at that level.

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     x = fwAD.make_dual(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 0.0]))
        ...     primal, tangent = fwAD.unpack_dual(x ** 2)
        ...     print(primal, tangent)
        tensor([1., 4.]) tensor([2., 0.])
    """
    # no tangents while they are being computed elsewhere: inside a custom Function's forward, whose
    # outputs' tangents come from its jvp, PyTorch's forward AD is off and shows none
    tangent = tangent_of(tensor) if levels.level is not None and not state.computing_tangents else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    state.computing_tangents = True  # the primal view must not get a tangent of its own
    try:
        primal = primal_view(tensor)
    finally:
        state.computing_tangents = False  # (it was off: checked above)
    return UnpackedDualTensor(primal, tangent)
