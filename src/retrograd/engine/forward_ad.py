"""Forward-mode AD with dual tensors: `dual_level`, `make_dual` (`unpack_dual` is in `dual_unpack`).

Inside a `dual_level`, a tensor made by `make_dual(primal, tangent)` carries its
tangent through every primitive op. The tangent of an op's output is its
Jacobian-vector product, derived from the op's own reverse-mode rule: the rule
is linear in its incoming gradient `u`, so for each input

    J t = d/du <Jᵀu, t>

which one extra backward through the rule computes exactly. No op needs a
second, hand-written forward rule, and every op is covered.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import tensor_type as _tt
from .backward import grad
from .dual_levels import carry, levels
from .fit import fit
from .grad_mode import state
from .views import replay

if TYPE_CHECKING:
    from ..tensor import Tensor
    from .primitive import Primitive


def enter_dual_level() -> int:
    """Start a dual level by hand (prefer the `dual_level()` block, which also ends it).

    Returns:
        int: the level (0: retrograd supports one at a time), for `exit_dual_level(level=...)`.

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> level = fwAD.enter_dual_level()
        >>> d = fwAD.make_dual(retrograd.tensor(3.0), retrograd.tensor(1.0))
        >>> fwAD.unpack_dual(d.exp()).tangent
        tensor(20.0855)
        >>> fwAD.exit_dual_level(level=level)
    """
    if levels.level is not None:
        raise RuntimeError(
            "Nested forward mode AD is not supported at the moment"
        )
    levels.level = 0
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """End the dual level; tangents made inside it are forgotten.

    Args:
        level (int, optional): the level `enter_dual_level()` returned (default: the current one).

    Returns:
        None

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> level = fwAD.enter_dual_level()
        >>> x = fwAD.make_dual(retrograd.tensor(1.0), retrograd.tensor(2.0))
        >>> fwAD.unpack_dual(x).tangent
        tensor(2.)
        >>> fwAD.exit_dual_level(level=level)
        >>> fwAD.unpack_dual(x).tangent is None
        True
    """
    levels.level = None
    for t in list(levels.carriers.values()):  # as PyTorch: tangents do not outlive their level
        t._fw_grad = None
    levels.carriers = weakref.WeakValueDictionary()


@contextmanager
def dual_level() -> Iterator[int]:
    """A block in which dual tensors carry tangents (forward-mode AD); tangents are dropped at its end.

    Returns:
        (context manager): its value is the level number that `make_dual` and `unpack_dual` use by default.

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     x = fwAD.make_dual(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 0.0]))
        ...     print(fwAD.unpack_dual(x * x).tangent)
        tensor([2., 0.])
    """
    level = enter_dual_level()
    try:
        yield level
    finally:
        exit_dual_level(level=level)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A tensor sharing `tensor`'s data and graph that carries `tangent` (same shape).

    Args:
        tensor (Tensor): the primal, a floating-point or complex tensor.
        tangent (Tensor): the direction, the same shape as `tensor`.
        level (int, optional): the dual level (default: the innermost one).

    Returns:
        Tensor: a dual tensor; ops on it compute tangents of their results (forward mode).

    Examples:
        >>> import retrograd.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     x = fwAD.make_dual(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 0.0]))
        ...     print(fwAD.unpack_dual(x.sin()).tangent)
        tensor([0.5403, -0.0000])
    """
    if levels.level is None:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first."
        )
    # PyTorch checks the dtypes before the sizes
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not (t.is_floating_point() or t.is_complex()):
            raise ValueError(f"Expected {name} to be floating point or complex, but got: {t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, "
            f"this is not supported. Tensor is of size {list(tensor.shape)} while the given forward "
            f"gradient is of size {list(tangent.shape)}."
        )
    if getattr(tensor, "_level", 0) or getattr(tangent, "_level", 0):
        # the tangents are computed by backward passes through each op's rule, which vmap does not batch
        raise RuntimeError(
            "make_dual: dual tensors do not work under vmap in retrograd; for batched forward-mode "
            "derivatives, vmap retrograd.func.jvp (or use retrograd.func.jacfwd) instead"
        )
    dual = tensor.view_as(tensor)
    if tangent.dtype != tensor.dtype:
        tangent = tangent.to(tensor.dtype)
    elif tangent._data.strides != tensor._data.strides and not tangent._requires_grad:
        # as PyTorch: a tangent laid out unlike its primal is copied into the primal's layout, so
        # views of the dual can take the same view of the tangent
        laid_out = tensor._data.copy(order="K")
        laid_out[...] = tangent._data
        tangent = _tt.make(laid_out)
    carry(dual, tangent)
    return dual


def tangent_of(t: Tensor) -> Tensor | None:
    """`t`'s tangent. A view without one of its own sees its base's, through the same view ops (as PyTorch)."""
    tangent = t._fw_grad
    base = t._base
    if tangent is None and base is not None and base._fw_grad is not None:
        if any(prim.name == "primal_view" for prim, _ in t._view_steps):
            return None  # unpack_dual's primal, and views of it, are the value without the tangent
        tangent = _view_of(t._view_steps, base._fw_grad)
        carry(t, tangent)
    return tangent


def _view_of(steps: tuple, tangent: Tensor) -> Tensor:
    """The tangent of a view: the view's recipe applied to its source's tangent (shared memory, so a
    later in-place change of either tangent shows in the other); a copy where the tangent's layout
    allows no such view."""
    outer = state.computing_tangents  # (tangent_of may be asked while tangents are being computed)
    state.computing_tangents = True
    try:
        return replay(steps, tangent)
    except RuntimeError:
        return replay(steps, tangent.contiguous())
    finally:
        state.computing_tangents = outer


def propagate(prim: Primitive, inputs: tuple, outputs: tuple, attrs: dict) -> None:
    """Set the tangents of `outputs` from those of `inputs` (called by Primitive)."""
    tangents = [tangent_of(t) for t in inputs]
    if all(t is None for t in tangents):  # views of unpack_dual's primal: their base's tangent is not theirs
        return
    out = outputs[0]
    if prim.view and len(outputs) == 1 and out._base is not None and not any(tangents[1:]):
        carry(out, _view_of(((prim, attrs),), tangents[0]))  # type: ignore[arg-type]
        return
    if prim.linear:
        carry(out, _linear_tangent(prim, inputs, tangents, attrs))
        return
    state.computing_tangents = True
    prev = state.enabled
    state.enabled = True
    try:
        cotangents = tuple(
            _tt.zeros_like(o, requires_grad=o.is_floating_point() or o.is_complex()) for o in outputs
        )
        u = cotangents[0] if len(outputs) == 1 else cotangents
        # reverse over forward: a tangent that depends on the primals keeps its graph to them
        create_graph = prev and _any_requires_grad(inputs)
        named = _rule_arguments(prim, inputs, outputs, attrs, create_graph)
        total = None
        joint = None  # a joint rule's gradients for every input, computed once
        for i, rule in enumerate(prim.derivatives):
            t = tangents[i]
            if t is None or rule is None:
                continue
            if prim.joint:
                joint = joint or rule(u, *[named(n) for n in prim.reads[i]])
                v = joint[i]
            else:
                v = rule(u, *[named(n) for n in prim.reads[i]])
            if v is None:
                continue
            v = fit(v, inputs[i]._data.shape, inputs[i]._data.dtype, None, i)  # type: ignore[arg-type]
            # <v, t> as real vectors: Re Σ conj(v)·t (just Σ v·t for real tensors)
            term = (v.conj() * t).sum()
            term = term.real if term.is_complex() else term
            total = term if total is None else total + term
        if total is None or not total.requires_grad:
            return
        wanted = [c for c in cotangents if c.requires_grad]
        jvps = grad(total, wanted, allow_unused=True, create_graph=create_graph)
    finally:
        state.enabled = prev
        state.computing_tangents = False
    summed = _summed_terms(prim)
    k = 0
    for out, c in zip(outputs, cotangents):
        if c.requires_grad:
            j = jvps[k]
            k += 1
            if summed and j is not None and j.requires_grad:
                state.computing_tangents = True  # (the step is part of the tangent, which has none)
                try:
                    j = summed(j)
                finally:
                    state.computing_tangents = False
            carry(out, j if j is not None else _tt.zeros_like(out))


# ops whose PyTorch jvp is a sum of one term per input (`other_t * self_p + self_t * other_p` for
# mul, `mat1_t.mm(mat2_p) + mat1_p.mm(mat2_t)` for mm), a zero term standing in for an input
# without a tangent: their tangents end in an AddBackward0 node whatever inputs carry one
_SUMMED_JVPS = ("MulBackward0", "MmBackward0", "AddmmBackward0", "MvBackward0", "DotBackward0", "BmmBackward0")


_zero_term_added: list = []  # that AddBackward0 step, a Primitive: registered by dual_unpack, which imports this module


def register_zero_term_added(step: Any) -> None:
    """Keep the op that adds a tangent's zero term (made where Primitive can be imported)."""
    _zero_term_added[:] = [step]


def _summed_terms(prim: Primitive) -> Any:
    """The AddBackward0 step that ends `prim`'s tangents in PyTorch, or None."""
    if not _zero_term_added or (prim.node_name or "") not in _SUMMED_JVPS:
        return None
    return _zero_term_added[0]


def _linear_tangent(prim: Primitive, inputs: tuple, tangents: list, attrs: dict) -> Tensor:
    """The tangent of a linear op's output: the op of the inputs' tangents, zeros standing in for missing ones."""
    outer = state.computing_tangents
    state.computing_tangents = True
    try:
        return prim(*[_tt.zeros_like(x) if t is None else t for x, t in zip(inputs, tangents)], **attrs)
    finally:
        state.computing_tangents = outer


def _any_requires_grad(inputs: tuple) -> bool:
    return any(t._requires_grad or (t._fw_grad is not None and t._fw_grad._requires_grad) for t in inputs)


def _rule_arguments(prim: Primitive, inputs: tuple, outputs: tuple, attrs: dict, keep_graph: bool) -> Any:
    """A lookup of what a rule reads by name: the primal values, cut from any graph unless `keep_graph`."""
    primals = {name: t if keep_graph else t.detach() for name, t in zip(prim.inputs, inputs)}
    outs = outputs if keep_graph else tuple(o.detach() for o in outputs)

    def named(name: str) -> Any:
        if name in primals:
            return primals[name]
        if name == "out":
            return outs[0] if len(outs) == 1 else outs
        if name in attrs:
            return attrs[name]
        if name.endswith("_shape"):
            return inputs[prim.inputs.index(name[:-6])]._data.shape
        raise RuntimeError(f"{prim.node_name}: cannot provide {name!r} for forward-mode AD")

    return named
