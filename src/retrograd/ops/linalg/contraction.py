"""einsum: Einstein summation, contracted one pair of operands at a time.

The equation is first made explicit (ellipses become letters, the implicit output is
spelled out). Three or more operands are contracted pairwise in the order NumPy's
greedy `einsum_path` picks; each pair is one batched matrix product (BLAS).

The derivative of an operand is another einsum: the output gradient contracted with the
other operand (conjugated when complex), onto the operand's own subscripts. Letters only that operand
carries are broadcast back (`expand`), repeated letters (diagonals) are restored
with identity masks, so every rule is differentiable to any order.
"""

from __future__ import annotations

import math
import string
from typing import Any

from ... import dtypes as _dt
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as autocasting
from ..autocast_policy import lower_precision
from ..kernels.small_bmm import batched_matmul
from ..shape.diagonals import diagonal
from ..shape.views import permute
from .common import check_same_dtype, eye_like

__all__ = ["einsum"]

LETTERS = string.ascii_letters


def einsum(*args: Any) -> Tensor:
    """`einsum("ij,jk->ik", a, b)`: sums of products over the repeated subscripts.

    Supports '...', the implicit output (letters seen once, sorted), operands given as a
    list, and the sublist form `einsum(a, [0, 1], b, [1, 2], [0, 2])`.

    Args:
        *args (str and Tensor): the equation (e.g. `"bij,bjk->bik"`) followed by the operands (or one list of them).

    Returns:
        Tensor: the contraction, with the dims named on the right of `->` (or the unrepeated ones, sorted).

    Examples:
        >>> a, b = retrograd.ones(2, 3), retrograd.ones(3, 4)
        >>> retrograd.einsum("ij,jk->ik", a, b).shape
        retrograd.Size([2, 4])
        >>> retrograd.einsum("ii", retrograd.eye(3))
        tensor(3.)
    """
    if len(args) < 2:
        raise ValueError(
            "einsum(): must specify the equation string and at least one operand, or at least one operand "
            "and its subscripts list"
        )
    if isinstance(args[0], Tensor):
        equation, operands = _from_sublists(args)
    else:
        equation, *operands = args
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    subs, out = _parse(equation, [t._data.shape for t in operands])
    _check_sizes(subs, operands)
    if not _sums_a_product(subs, out):  # PyTorch multiplies (`mul`), which promotes: "hn,hn->hn" of complex and float
        dtype = _dt.result_type(*operands)
        return _contract([t if t.dtype is dtype else t.to(dtype) for t in operands], subs, out)
    if autocasting[0]:
        operands = lower_precision(list(operands))
    for t in operands[1:]:
        check_same_dtype(operands[0], t)
    return _contract(list(operands), subs, out)


def _sums_a_product(subs: list[str], out: str) -> bool:
    # PyTorch's einsum runs a batched matrix product (of one dtype, lowered by autocast) when some
    # letter shared by two operands is summed away ("ij,jk->ik", "i,i->"); pure products ("i,j->ij") multiply
    seen: set[str] = set()
    for letters in subs:
        if any(c in seen and c not in out for c in set(letters)):
            return True
        seen.update(letters)
    return False


def _subscript(n: Any) -> str:
    """A sublist's subscript as PyTorch names it: 0-25 are 'A'-'Z' and 26-51 'a'-'z', so that the implicit
    output (its letters sorted) keeps the numbers' order. Compared as PyTorch compares it: a tensor with
    several elements has no truth value."""
    if n is Ellipsis:
        return "..."
    if n >= 0 and n < 52:
        return _BY_NUMBER[n]
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


_BY_NUMBER = string.ascii_uppercase + string.ascii_lowercase


def _from_sublists(args: tuple) -> tuple[str, list]:
    def letters(sub: Any) -> str:
        return "".join(_subscript(s) for s in sub)

    operands = list(args[0::2])
    terms = [letters(s) for s in args[1::2]]
    if len(args) % 2:  # an odd count ends with the output sublist
        operands = operands[:-1]
        return ",".join(terms) + "->" + letters(args[-1]), operands
    return ",".join(terms[: len(operands)]), operands


def _parse(equation: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """Explicit subscripts per operand and for the output (ellipses replaced by letters)."""
    for i, ch in enumerate(equation):
        if ch not in LETTERS and ch not in " .,->":
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]"
            )
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    counts = [_ellipsis_dims(t, s, i) for i, (t, s) in enumerate(zip(terms, shapes))]
    unused = [c for c in LETTERS if c not in equation]
    ell = "".join(unused[: max(counts, default=0)])
    subs = [t.replace("...", ell[len(ell) - n :] if n else "") for t, n in zip(terms, counts)]
    if arrow:
        for ch in rhs.replace("...", ""):
            if ch not in lhs:
                raise RuntimeError(
                    f"einsum(): output subscript {ch} does not appear in the equation for any input operand"
                )
            if rhs.count(ch) > 1:
                raise RuntimeError(f"einsum(): output subscript {ch} appears more than once in the output")
        return subs, rhs.replace("...", ell)
    once = sorted(c for c in set(lhs) if c in LETTERS and lhs.count(c) == 1)
    return subs, ell + "".join(once)


def _ellipsis_dims(term: str, shape: tuple, i: int) -> int:
    labels = len(term.replace("...", ""))
    if "..." in term:
        if labels > len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({labels}) is more than the number "
                f"of dimensions ({len(shape)}) for operand {i}"
            )
        return len(shape) - labels
    if labels != len(shape):
        raise RuntimeError(
            f"einsum(): the number of subscripts in the equation ({labels}) does not match the number "
            f"of dimensions ({len(shape)}) for operand {i} and no ellipsis was given"
        )
    return 0


def _check_sizes(subs: list[str], operands: list) -> None:
    size: dict[str, int] = {}
    for i, (s, t) in enumerate(zip(subs, operands)):
        own: dict[str, int] = {}
        for ch, n in zip(s, t._data.shape):
            if ch in own and own[ch] != n:
                raise RuntimeError(
                    f"einsum(): subscript {ch} is repeated for operand {i} but the sizes don't match, {n} != {own[ch]}"
                )
            own[ch] = n
            prev = size.get(ch, 1)
            if n != prev and n != 1 and prev != 1:
                raise RuntimeError(
                    f"einsum(): subscript {ch} has size {n} for operand {i} which does not broadcast "
                    f"with previously seen size {prev}"
                )
            size[ch] = max(prev, n) if ch in size else n


def _contract(ops: list, subs: list[str], out: str) -> Tensor:
    """Contract all operands into `out`, one pair at a time (NumPy's greedy order)."""
    if len(ops) == 1:
        return _single(ops[0], subs[0], out)
    if len(ops) == 2:
        return _pair(ops[0], ops[1], subs[0], subs[1], out)
    import numpy

    shapes_only = [numpy.broadcast_to(numpy.zeros((), t._data.dtype), t._data.shape) for t in ops]  # no values read
    path = numpy.einsum_path(",".join(subs) + "->" + out, *shapes_only, optimize="greedy")[0][1:]
    for step in path:
        picked = [(ops[i], subs[i]) for i in step]
        for i in sorted(step, reverse=True):
            del ops[i], subs[i]
        outside = set(out).union(*subs)
        t, s = picked[0]
        if len(picked) == 1:
            target = out if not ops else "".join(dict.fromkeys(c for c in s if c in outside))
            t, s = _single(t, s, target), target
        for j, (u, su) in enumerate(picked[1:], 2):  # a step may group more than two operands
            keep = outside.union(*(x[1] for x in picked[j:]))
            target = out if not ops and j == len(picked) else "".join(dict.fromkeys(c for c in s + su if c in keep))
            t, s = _pair(t, u, s, su, target), target
        ops.append(t)
        subs.append(s)
    return ops[0]


# --- forward on arrays ---------------------------------------------------------------------

def _single_forward(xp: Any, a: Any, sa: str, so: str) -> Any:
    r = xp.einsum(f"{sa}->{so}", a)
    return r.copy() if xp.may_share_memory(r, a) else r  # NumPy may return a view


def _reduce_own(xp: Any, x: Any, s: str, keep: str) -> tuple[Any, str]:
    """Take the diagonals of repeated letters and sum letters no one else needs."""
    uniq = "".join(dict.fromkeys(s))
    target = "".join(c for c in uniq if c in keep)
    if target != s:
        x = xp.einsum(f"{s}->{target}", x)
    return x, target


def _pair_forward(xp: Any, a: Any, b: Any, sa: str, sb: str, so: str) -> Any:
    """One pair as a batched matrix product: (batch, kept_a, contracted) @ (batch, contracted, kept_b)."""
    a, sa = _reduce_own(xp, a, sa, sb + so)
    b, sb = _reduce_own(xp, b, sb, sa + so)
    size = {c: n for s, x in ((sa, a), (sb, b)) for c, n in zip(s, x.shape) if n != 1}
    batch = [c for c in so if c in sa and c in sb]
    kept_a = [c for c in so if c in sa and c not in sb]
    kept_b = [c for c in so if c in sb and c not in sa]
    summed = [c for c in sa if c in sb and c not in so]
    A = _arrange(xp, a, sa, batch, kept_a, summed, size)
    B = _arrange(xp, b, sb, batch, summed, kept_b, size)
    r = batched_matmul(xp, A, B) if summed else A * B  # no contraction: an outer product per batch
    r = r.reshape([size.get(c, 1) for c in batch + kept_a + kept_b])
    order = batch + kept_a + kept_b
    return r.transpose([order.index(c) for c in so])


def _arrange(xp: Any, x: Any, s: str, batch: list, rows: list, cols: list, size: dict) -> Any:
    """Permute `x` to (batch, rows, cols), broadcast size-1 batch dims, view as a 3-D stack."""
    order = batch + rows + cols
    x = xp.broadcast_to(x.transpose([s.index(c) for c in order]), [size.get(c, 1) for c in order])
    return x.reshape([math.prod(size.get(c, 1) for c in part) for part in (batch, rows, cols)])


# --- derivatives -----------------------------------------------------------------------------

def _place(r: Tensor, present: str, sa: str, a_shape: tuple) -> Tensor:
    """Turn a gradient over `present` letters into one over the operand's subscripts `sa`."""
    uniq = "".join(dict.fromkeys(sa))
    size = {c: a_shape[sa.index(c)] for c in uniq}
    if present != uniq:  # letters only this operand had: the gradient is the same along them
        have = {c: r.shape[present.index(c)] for c in present}
        r = r.reshape([have.get(c, 1) for c in uniq]).expand([have.get(c, size[c]) for c in uniq])
    if uniq == sa:
        return r
    # repeated letters: the gradient lives on the diagonal, zero elsewhere
    r = r.reshape([r.shape[uniq.index(c)] if sa.index(c) == p else 1 for p, c in enumerate(sa)])
    for p, c in enumerate(sa):
        q = sa.index(c)
        if q != p:
            shape = [1] * len(sa)
            shape[q] = shape[p] = size[c]
            r = r * eye_like(r, size[c]).reshape(shape)
    return r


def _single_grad(g: Tensor, a_shape: tuple, sa: str, so: str) -> Tensor:
    present = "".join(c for c in dict.fromkeys(sa) if c in so)
    return _place(g.permute([so.index(c) for c in present]), present, sa, a_shape)


def _pair_grad(g: Tensor, other: Tensor, own_shape: tuple, s_own: str, s_other: str, so: str) -> Tensor:
    # d/dA Σ A·B over the summed letters = G contracted with B̄ onto A's letters: the partner
    # conjugated, as PyTorch's bmm/mul backward does (so the signs of zero parts match too)
    present = "".join(c for c in dict.fromkeys(s_own) if c in so or c in s_other)
    if other.is_complex():
        other = other.conj()
    r = _pair(g, other, so, s_other, present)
    return _place(r, present, s_own, own_shape)


_single_sum = Primitive("einsum", _single_forward, [_single_grad], node_name="SumBackward1", holomorphic=True)
_pair_rules = [
    lambda g, b, a_shape, sa, sb, so: _pair_grad(g, b, a_shape, sa, sb, so),
    lambda g, a, b_shape, sa, sb, so: _pair_grad(g, a, b_shape, sb, sa, so),
]
_pair_view = Primitive("einsum", _pair_forward, _pair_rules, inputs=("a", "b"), node_name="ViewBackward0")
_pair_mul = Primitive("einsum", _pair_forward, _pair_rules, inputs=("a", "b"), node_name="MulBackward0")


def _single(a: Tensor, sa: str, so: str) -> Tensor:
    if any(c not in so for c in sa):
        return _single_sum(a, sa=sa, so=so)
    # nothing summed: a view of `a`, as in PyTorch (a diagonal per repeated letter, then a permute)
    while len(set(sa)) < len(sa):
        p = next(i for i, c in enumerate(sa) if c in sa[i + 1:])
        q = sa.index(sa[p], p + 1)
        a = diagonal(a, 0, p, q)  # the diagonal's dim goes last
        sa = sa[:p] + sa[p + 1:q] + sa[q + 1:] + sa[p]
    return permute(a, [sa.index(c) for c in so])


def _pair(a: Tensor, b: Tensor, sa: str, sb: str, so: str) -> Tensor:
    contracts = any(c not in so for c in sa + sb) or len(set(sa)) < len(sa) or len(set(sb)) < len(sb)
    return (_pair_view if contracts else _pair_mul)(a, b, sa=sa, sb=sb, so=so)
