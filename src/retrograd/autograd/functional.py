"""Functional derivatives: vjp, jvp, jacobian, hessian, vhp, hvp (PyTorch's signatures).

Each takes a function of tensors and the point to differentiate at. Inputs and
outputs may be a tensor or a tuple of tensors; results follow the same
structure as PyTorch's. Inputs are cut from any outer graph unless
`create_graph=True`, in which case the results are themselves differentiable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine import forward_ad as fwAD
from ..engine.backward import grad as _grad
from ..engine.dual_unpack import unpack_dual
from ..engine.grad_mode import enable_grad
from ..ops.creation import eye, ones_like, zeros, zeros_like
from ..ops.shape.slicing import stack
from ..tensor import Tensor
from ._functional_strict import check_requires_grad, fill_in_zeros
from .function import FunctionCtx


def _as_tuple(x: Any, what: str, fn_name: str) -> tuple[bool, tuple]:
    if isinstance(x, Tensor):
        return False, (x,)
    if not isinstance(x, tuple) or not all(isinstance(t, Tensor) for t in x):
        raise TypeError(
            f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors but the given {what} "
            f"has type {type(x)}."
        )
    return True, x


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh leaves that require grad (or graph-connected aliases under create_graph)."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(True) for t in inputs)


def _finish(x: Any, create_graph: bool) -> Any:
    if isinstance(x, tuple):
        return tuple(_finish(t, create_graph) for t in x)
    return x if create_graph or x is None else x.detach()


def _check_v(v: Any, like: tuple, fn_name: str, what: str, like_is_tuple: bool) -> tuple:
    """`v` as a tuple matching `like` (the outputs for vjp, the inputs for jvp/vhp/hvp), PyTorch's errors."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            says = (
                "the user-provided function returns a single Tensor"
                if what == "output"
                else "the input to the user-provided function is a single Tensor"
            )
            raise RuntimeError(f"The vector v can only be None if {says} with a single element.")
        return (ones_like(like[0]),)
    _, vs = _as_tuple(v, "v", fn_name)
    if len(vs) != len(like):
        if not like_is_tuple:
            raise RuntimeError("The given v should contain a single Tensor.")
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            where = f"Entry {i} in v" if like_is_tuple else "v"
            raise RuntimeError(f"{where} has invalid size: should be {b.shape} but got {a.shape}.")
    return vs


def _differentiable(outputs: tuple) -> list:
    return [o for o in outputs if o.requires_grad]


def vjp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), vᵀ J): the vector-Jacobian product at `inputs`.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensor): where to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like func's output (may be
            omitted when the output has one element).
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if an output does not depend on an input (else that part is zeros).

    Returns:
        tuple: `(func(inputs), vjp)`, the product shaped like `inputs`.

    Examples:
        >>> def f(x):
        ...     return x ** 2
        >>> retrograd.autograd.functional.vjp(f, retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 1.0]))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
        xs = _prepare(xs, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "vjp")
        check_requires_grad(outs, "outputs", strict)
        vs = _check_v(v, outs, "vjp", "output", out_tuple)
        pairs = [(o, w) for o, w in zip(outs, vs) if o.requires_grad]
        grads: tuple = (None,) * len(xs)
        if pairs:
            grads = _grad(
                [o for o, _ in pairs], xs, [w for _, w in pairs], create_graph=create_graph, allow_unused=True
            )
        grads = fill_in_zeros(grads, xs, strict, create_graph, "back")
    outs = _finish(outs, create_graph)
    grads = _finish(grads, create_graph)
    return (outs if out_tuple else outs[0]), (grads if is_tuple else grads[0])


def jvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensor): where to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like `inputs` (may be omitted
            when the input has one element).
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if an output does not depend on an input (else that part is zeros).

    Returns:
        tuple: `(func(inputs), jvp)`, the product shaped like func's output.

    Examples:
        >>> def f(x):
        ...     return x ** 2
        >>> retrograd.autograd.functional.jvp(f, retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 1.0]))
        (tensor([1., 4.]), tensor([2., 4.]))
    """

    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
        xs = _prepare(xs, create_graph)
        vs = _check_v(v, xs, "jvp", "input", is_tuple)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "jvp")
        check_requires_grad(outs, "outputs", strict)
        # u ↦ Jᵀu is linear, so J v = d/du <Jᵀu, v>
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        pairs = [(o, u) for o, u in zip(outs, us) if o.requires_grad]
        jvps: tuple = (None,) * len(outs)
        gs: tuple = (None,) * len(xs)
        if pairs:
            gs = _grad([o for o, _ in pairs], xs, [u for _, u in pairs], create_graph=True, allow_unused=True)
        check_requires_grad(gs, "grad_inputs", strict)
        used = [(g, w) for g, w in zip(gs, vs) if g is not None and g.requires_grad]
        if used:
            total = sum(((g * w).sum() for g, w in used[1:]), (used[0][0] * used[0][1]).sum())
            jvps = _grad(total, us, create_graph=create_graph, allow_unused=True)
        jvps = fill_in_zeros(jvps, outs, strict, create_graph, "back_trick")
    outs = _finish(outs, create_graph)
    jvps = _finish(jvps, create_graph)
    return (outs if out_tuple else outs[0]), (jvps if out_tuple else jvps[0])


def _reverse_jacobian(outs: tuple, xs: tuple, create_graph: bool, strict: bool) -> list[list]:
    """J[i][j] = d outs[i] / d xs[j], shape outs[i].shape + xs[j].shape, one backward per output element."""

    result = []
    for i, out in enumerate(outs):
        rows: list[list] = [[] for _ in xs]
        flat = out.reshape(-1)
        for k in range(flat.numel()):
            grads: tuple = (None,) * len(xs)
            if out.requires_grad:
                grads = _grad(flat[k], xs, retain_graph=True, create_graph=create_graph, allow_unused=True)
            for j, (g, x) in enumerate(zip(grads, xs)):
                if g is not None and strict and create_graph and not g.requires_grad:
                    # PyTorch's message names the output's index where it says input
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is independent of input {i}. This is not "
                        "allowed in strict mode when create_graph=True."
                    )
                if g is None:
                    if strict:
                        raise RuntimeError(
                            f"Output {i} of the user-provided function is independent of input {j}. "
                            "This is not allowed in strict mode."
                        )
                    g = zeros_like(x)
                rows[j].append(g)
        result.append(
            [
                stack(r).reshape(tuple(out.shape) + tuple(x.shape))
                if r
                else zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype)
                for r, x in zip(rows, xs)
            ]
        )
    return result


def _batchable(outs: tuple) -> bool:
    """True when every node behind `outs` is one of retrograd's own rules, with no hooks.

    Then a backward may run on batched cotangents (all rows at once) and give what one backward
    per row gives. A custom Function's backward or a hook is user code that may not expect a
    batch, so graphs with them keep the row-by-row loop, as PyTorch's `vectorize=False` does.
    """
    seen: set[int] = set()
    stack = [o.grad_fn for o in outs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, FunctionCtx) or node._pre_hooks or node._post_hooks or node._tensor_hooks:
            return False
        stack.extend(fn for fn, _ in node.next_functions if fn is not None)
    return True


def _batched_reverse_jacobian(outs: tuple, xs: tuple, create_graph: bool) -> list[list]:
    """J[i][j] as in `_reverse_jacobian`, every row from one backward batched over the rows of an identity."""
    sizes = [o.numel() for o in outs]
    total = sum(sizes)
    cotangents, start = [], 0
    for o, n in zip(outs, sizes):
        rows = eye(total, dtype=o.dtype)[:, start : start + n]
        cotangents.append(rows.reshape((total,) + tuple(o.shape)))
        start += n
    pairs = [(o, c) for o, c in zip(outs, cotangents) if o.requires_grad]
    grads: tuple = (None,) * len(xs)
    if pairs and total:
        grads = _grad(
            [o for o, _ in pairs], xs, [c for _, c in pairs],
            retain_graph=True, create_graph=create_graph, allow_unused=True, is_grads_batched=True,
        )
    result, start = [], 0
    for o, n in zip(outs, sizes):
        shape = tuple(o.shape)
        result.append([
            zeros(shape + tuple(x.shape), dtype=x.dtype)
            if g is None
            else g[start : start + n].reshape(shape + tuple(x.shape))
            for g, x in zip(grads, xs)
        ])
        start += n
    return result


def _batched_forward_jacobian(outs: tuple, xs: tuple, create_graph: bool) -> list[list]:
    """J[i][j] column by column, all columns at once: J t = d/du <Jᵀu, t>, batched over the tangents t."""
    us = [zeros_like(o).requires_grad_(True) for o in outs]
    pairs = [(o, u) for o, u in zip(outs, us) if o.requires_grad]
    sizes = [x.numel() for x in xs]
    total = sum(sizes)
    jvps: tuple = (None,) * len(outs)
    if pairs and total:
        vjps = _grad([o for o, _ in pairs], xs, [u for _, u in pairs], create_graph=True, allow_unused=True)
        tangents, start = [], 0
        for x, n in zip(xs, sizes):
            tangents.append(eye(total, dtype=x.dtype)[:, start : start + n].reshape((total,) + tuple(x.shape)))
            start += n
        used = [(g, t) for g, t in zip(vjps, tangents) if g is not None and g.requires_grad]
        if used:
            wanted = [u for _, u in pairs]
            found = _grad(
                [g for g, _ in used], wanted, [t for _, t in used],
                create_graph=create_graph, allow_unused=True, is_grads_batched=True,
            )
            by_output = dict(zip((id(u) for u in wanted), found))
            jvps = tuple(by_output.get(id(u)) for u in us)
    result = []
    for o, jv in zip(outs, jvps):
        row, start = [], 0
        for x, n in zip(xs, sizes):
            shape = tuple(o.shape) + tuple(x.shape)
            if jv is None:
                row.append(zeros(shape, dtype=o.dtype))
            else:
                block = jv[start : start + n]  # (n, *out_shape)
                row.append((block.movedim(0, -1) if o.dim() else block).reshape(shape))
            start += n
        result.append(row)
    return result


def _forward_jacobian(func: Callable[..., Any], xs: tuple) -> tuple[tuple, list[list]]:
    """The Jacobian column by column with dual tensors: one forward pass per input element.

    The tangents are recorded like any op where an input requires grad: the caller detaches them.
    """

    cols: list[list[list]] = []
    outs: tuple = ()
    for j, x in enumerate(xs):
        for k in range(x.numel()):
            tangent = zeros_like(x)
            tangent._data.reshape(-1)[k] = 1
            with fwAD.dual_level():
                duals = tuple(fwAD.make_dual(t, tangent) if n == j else t for n, t in enumerate(xs))
                _, res = _as_tuple(func(*duals), "outputs of the user-provided function", "jacobian")
                outs = tuple(unpack_dual(r).primal for r in res)
                tans = [unpack_dual(r).tangent for r in res]
            if not cols:
                cols = [[[] for _ in xs] for _ in res]
            for i, (r, t) in enumerate(zip(res, tans)):
                cols[i][j].append(t if t is not None else zeros_like(r))
    jac = [
        [stack(c, dim=-1).reshape(tuple(o.shape) + tuple(x.shape)) for c, x in zip(per_out, xs)]
        for per_out, o in zip(cols, outs)
    ]
    return outs, jac


def jacobian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of `func` at `inputs`: shape `output.shape + input.shape` per pair.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensor): where to evaluate the Jacobian.
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if an output does not depend on an input (else the block is zeros).
        vectorize (bool): compute all rows in one batched pass instead of one per output element.
        strategy (str): `'reverse-mode'` (default) or `'forward-mode'` (needs `vectorize=True`).

    Returns:
        Tensor or tuple: one tensor for one input and one output; otherwise (nested) tuples
            indexed `[output][input]`.

    Examples:
        >>> def f(x):
        ...     return x ** 2
        >>> retrograd.autograd.functional.jacobian(f, retrograd.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):  # PyTorch asserts it
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not '
                'supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.'
            )
        if strict:
            raise RuntimeError(
                'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
                "are not supported together (yet). Please either set `strict=False` or "
                '`strategy="reverse-mode"`.'
            )
        if not vectorize:  # PyTorch's message, its missing space included
            raise NotImplementedError(
                "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                "only implemented for `vectorize=True`."
            )
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
        # PyTorch's forward mode runs on the inputs as given, not on detached copies: where one
        # requires grad, the Jacobian is a function of it and keeps its graph, create_graph or not
        keep_graph = create_graph or (strategy == "forward-mode" and any(x.requires_grad for x in xs))
        xs = _prepare(xs, keep_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of the user-provided function", "jacobian")
        if strict:
            for i, o in enumerate(outs):
                if not o.requires_grad:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function does not require gradients. The outputs must be "
                        "computed in a differentiable manner from the input when running in strict mode."
                    )
        if strict and vectorize:  # PyTorch refuses the pair only after running func and checking its outputs
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported "
                "together. Please either set `strict=False` or `vectorize=False`."
            )
        if strategy == "forward-mode" and _batchable(outs):
            jac = _batched_forward_jacobian(outs, xs, keep_graph)
        elif strategy == "forward-mode":  # user code in the graph: dual tensors, one pass per input element
            _, jac = _forward_jacobian(func, xs)
        elif vectorize:  # one batched backward for all rows of all outputs
            jac = _batched_reverse_jacobian(outs, xs, create_graph)
        elif not strict and _batchable(outs):
            # what the loop gives, one batched backward per output: a row's cotangent is zero on the
            # other outputs, whose +0 contributions would turn a -0.0 entry into +0.0
            jac = [_batched_reverse_jacobian((o,), xs, create_graph)[0] for o in outs]
        else:
            jac = _reverse_jacobian(outs, xs, create_graph, strict)
    jac = [[_finish(t, keep_graph) for t in row] for row in jac]
    if strategy == "forward-mode":  # PyTorch's forward mode leaves its per-input lists as lists
        if out_tuple:
            return jac if is_tuple else tuple(row[0] for row in jac)
        return jac[0] if is_tuple else jac[0][0]
    if out_tuple and is_tuple:
        return tuple(tuple(row) for row in jac)
    if out_tuple:
        return tuple(row[0] for row in jac)
    if is_tuple:
        return tuple(jac[0])
    return jac[0][0]


def hessian(
    func: Callable[..., Any],
    inputs: Any,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar `func` at `inputs`: shape `input.shape + input.shape`.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor with one element.
        inputs (Tensor or tuple of Tensor): where to evaluate the Hessian.
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if the output does not depend on an input (else the block is zeros).
        vectorize (bool): compute the rows in one batched pass.
        outer_jacobian_strategy (str): `'reverse-mode'` (default) or `'forward-mode'` for the
            outer Jacobian.

    Returns:
        Tensor or tuple: one tensor for one input; otherwise tuples indexed `[input_i][input_j]`.

    Examples:
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> retrograd.autograd.functional.hessian(f, retrograd.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    is_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):  # PyTorch asserts it, without the hint
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar(*args: Any) -> Any:
        out = func(*args)
        returned_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        check_requires_grad(outs, "outputs", strict)
        return _one_element(outs, returned_tuple, "hessian").reshape(())

    def gradient(*args: Any) -> Any:
        with enable_grad():
            out = scalar(*args)
            grads = _grad(out, args, create_graph=True, allow_unused=True) if out.requires_grad else (None,) * len(args)
        # PyTorch's inner Jacobian is not strict: an unused input gets zeros, which the check refuses
        grads = fill_in_zeros(grads, args, False, True, "back")
        check_requires_grad(grads, "jacobian", strict)
        return grads if is_tuple else grads[0]

    if outer_jacobian_strategy == "forward-mode":
        # PyTorch's outer forward pass makes its inputs require grad (its inner reverse pass needs
        # them to), so the Hessian keeps a graph back to them even where the caller's did not
        xs = tuple(x if x.requires_grad else x.detach().requires_grad_(True) for x in xs)
    return jacobian(
        gradient,
        xs if is_tuple else xs[0],
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )


def _one_element(outs: tuple, returned_tuple: bool, name: str) -> Any:
    """The scalar output of a Hessian product's function, or PyTorch's errors naming `name`."""
    if returned_tuple:
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
    return outs[0]


def vhp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), vᵀ H): a vector-Hessian product of a scalar function.

    Args:
        func (callable): takes the tensors of `inputs`, returns a one-element tensor.
        inputs (Tensor or tuple of Tensor): where to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like `inputs` (may be omitted
            when the input has one element).
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if the output does not depend on an input (else that part is zeros).

    Returns:
        tuple: `(func(inputs), vhp)`, the product shaped like `inputs`.

    Examples:
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> retrograd.autograd.functional.vhp(f, retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 1.0]))
        (tensor(9.), tensor([ 6., 12.]))
    """
    return _vector_hessian(func, inputs, v, create_graph, strict, "vhp")


def _vector_hessian(
    func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool, strict: bool, name: str
) -> tuple:
    """vhp and hvp (the same product: the Hessian is symmetric), with errors naming `name`."""
    with enable_grad():
        is_tuple, xs = _as_tuple(inputs, "inputs", name)
        xs = _prepare(xs, create_graph)
        vs = _check_v(v, xs, name, "input", is_tuple)
        out = func(*xs)
        returned_tuple, outs = _as_tuple(out, "outputs of the user-provided function", name)
        check_requires_grad(outs, "outputs", strict)
        out = _one_element(outs, returned_tuple, name)
        grads = _grad(out, xs, create_graph=True, allow_unused=True) if out.requires_grad else (None,) * len(xs)
        check_requires_grad(grads, "jacobian", strict)
        pairs = [(g, w) for g, w in zip(grads, vs) if g is not None and g.requires_grad]
        result: tuple = (None,) * len(xs)
        if pairs:
            total = sum(((g * w).sum() for g, w in pairs[1:]), (pairs[0][0] * pairs[0][1]).sum())
            result = _grad(total, xs, create_graph=create_graph, allow_unused=True)
        stage = "double_back_trick" if name == "hvp" else "double_back"
        result = fill_in_zeros(result, xs, strict, create_graph, stage)
    return _finish(out, create_graph), (_finish(result, create_graph) if is_tuple else _finish(result[0], create_graph))


def hvp(
    func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple:
    """(func(inputs), H v); equals vhp because the Hessian is symmetric.

    Args:
        func (callable): takes the tensors of `inputs`, returns a one-element tensor.
        inputs (Tensor or tuple of Tensor): where to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like `inputs` (may be omitted
            when the input has one element).
        create_graph (bool): record the computation, so the result can be differentiated.
        strict (bool): raise if the output does not depend on an input (else that part is zeros).

    Returns:
        tuple: `(func(inputs), hvp)`, the product shaped like `inputs`.

    Examples:
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> retrograd.autograd.functional.hvp(f, retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 1.0]))
        (tensor(9.), tensor([ 6., 12.]))
    """
    return _vector_hessian(func, inputs, v, create_graph, strict, "hvp")
