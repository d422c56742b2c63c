"""grad, grad_and_value, vjp, linearize, jvp, jacrev, jacfwd, hessian: derivatives as functions.

Each transform runs the function on fresh differentiable copies of its inputs and calls the
engine's backward on them. Inside vmap the copies carry every open batch level explicitly
(`_Region`), so each example gets its own gradient. Forward mode uses the double-vjp identity
`J t = d/du <Jᵀu, t>`: one backward builds `Jᵀu` as a graph linear in `u`, a second gives
`J t` for any `t` — batched over many `t` at once for `jacfwd`, like `jacrev` batches `vjp`s.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

from .._generator import default_generator
from ..engine.backward import grad as _engine_grad
from ..engine.captures import CaptureScope
from ..engine.grad_mode import enable_grad, state
from ..engine.transform_levels import innermost_level, outer_face
from ..tensor import Tensor
from . import _pytree
from ._batched import current_levels, peel, rewrap
from .batching.randomness import RANDOM_ERROR
from .vmap import vmap


class _Region:
    """One transform's view of its inputs: physical leaves carrying the open vmap levels.

    When are the derivatives themselves differentiable (create_graph)? As in PyTorch, a transform
    always differentiates with a graph internally, and what reaches the caller keeps its history
    towards anything else that requires grad, when grad mode is on at the call: an input that
    requires grad, a tensor the function closes over (`w` in `grad(lambda x: (x * w).sum())(x)`,
    whose result can be differentiated w.r.t. `w`), or an outer transform. Under `no_grad` the
    results are cut. We build that graph only when one of these exists, and find closure tensors
    by one walk over the function's graph, looking for leaves that are not ours.
    """

    def __init__(self) -> None:
        self.levels = current_levels()
        self.needs_graph = state.func_grad_depth > 0  # an outer transform differentiates our results
        self.leaves: list[Tensor] = []
        self.clean: dict[int, object] = {}  # graph nodes known not to reach a closure tensor (kept alive)

    def enter(self, x: Any) -> tuple[Tensor, Tensor]:
        """(physical leaf, what the function sees) for input `x`."""
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if not (x.is_floating_point() or x.is_complex()):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        p = self.physical(x)
        if p.requires_grad:
            self.needs_graph = True
            with enable_grad():  # a leaf of ours even under no_grad, where results are cut
                p = _entry_view(p)
        else:
            p = _private_leaf(p.detach())
        self.leaves.append(p)
        return p, self.logical(p)

    def physical(self, t: Tensor) -> Tensor:
        for lv in reversed(self.levels):
            t = peel(t, lv.level, lv.size)
        return t

    def logical(self, t: Tensor) -> Tensor:
        for lv in self.levels:
            t = rewrap(t, lv.level)
        return t

    def create_graph(self) -> bool:
        return state.enabled and (self.needs_graph or state.func_grad_depth > 0)

    def note_closures(self, outputs: list, leaves: list) -> None:
        """Keep graphs when physical `outputs` reach a tensor that requires grad other than our `leaves`
        (one the function closes over, a module's parameters): the caller can differentiate them."""
        graphed = [o for o in outputs if o.requires_grad]
        if graphed and not self.needs_graph and state.enabled and _reaches_other_leaves(graphed, leaves):
            self.needs_graph = True

    def backward(
        self, outputs: list, leaves: list, cotangents: list, retain_graph: bool = True, create_graph: bool | None = None
    ) -> list:
        """d<outputs, cotangents>/d(leaves) as the function sees them (zeros where unused)."""
        outs, cots = [], []
        for o, c in zip(outputs, cotangents):
            p = self.physical(o)
            if p.requires_grad:
                outs.append(p)
                cots.append(self.physical(c))
        self.note_closures(outs, leaves)
        if create_graph is None:
            create_graph = self.create_graph()
        if outs:
            grads = _engine_grad(
                outs, leaves, cots, retain_graph=retain_graph, create_graph=create_graph, allow_unused=True
            )
        else:
            grads = (None,) * len(leaves)
        # an unused input's gradient is zeros (not `leaf * 0`: that keeps -0. and NaN)
        return [self.logical(g if g is not None else _zeros_like(leaf)) for g, leaf in zip(grads, leaves)]

    def result(self, t: Any) -> Any:
        """A tensor handed back to the caller: cut from our leaves unless someone differentiates it.

        Tensor by tensor, as PyTorch unwraps each one: with a closure tensor `w`, `vjp(lambda z:
        (z.sin(), z * w), x)` hands back `z.sin()` without history and `z * w` with it.
        """
        if not isinstance(t, Tensor):
            return t
        if not state.enabled:
            return t.detach()
        if state.func_grad_depth > 0:
            return t
        p = self.physical(t)
        if p.requires_grad and _reaches_other_leaves([p], self.leaves, self.clean):
            return t
        return t.detach()


def _remember(registry: dict, t: Tensor, value: Any = None) -> None:
    """Note `t` in `registry` by id, with `value`, for as long as `t` lives (the weak reference
    stored with it proves that the id still names `t`)."""
    key = id(t)

    def forget(ref: weakref.ref) -> None:
        entry = registry.get(key)
        if entry is not None and entry[0] is ref:
            del registry[key]

    registry[key] = (weakref.ref(t, forget), value)


def _recalled(registry: dict, t: Tensor) -> tuple | None:
    """`t`'s (reference, value) entry in `registry`, or None."""
    entry = registry.get(id(t))
    return entry if entry is not None and entry[0]() is t else None


# The leaves transforms make for inputs that did not require grad (and jacfwd's dummy cotangents).
# An inner transform that keeps its graph for an outer one (`jacrev(jacrev(f, argnums=1), argnums=0)`)
# hands back results that still reach its own leaf; no caller can differentiate w.r.t. it, so it is
# no closure tensor.
_private_leaves: dict[int, tuple] = {}


def _private_leaf(t: Tensor) -> Tensor:
    """`t` made a leaf that requires grad, remembered as a transform's own."""
    _remember(_private_leaves, t._set_requires_grad())
    return t


def _is_private_leaf(t: Tensor) -> bool:
    return _recalled(_private_leaves, t) is not None


# The views a transform makes of inputs that require grad (its leaves for them), each with its input:
# what PyTorch shows when printing the view unwrapped.
_entry_views: dict[int, tuple] = {}


def _entry_view(x: Tensor) -> Tensor:
    """A view of `x` for the function to differentiate against, remembered as a transform's own."""
    p = x.view_as(x)
    _remember(_entry_views, p, x)
    return p


def _outer_face(t: Tensor) -> Tensor | None:
    """The tensor whose autograd state PyTorch prints for `t` unwrapped from every transform (None:
    none): the input itself for a transform's view of it; else `t` where it reaches a tensor that
    requires grad outside the transforms (a closure tensor, an input that did)."""
    while (entry := _recalled(_entry_views, t)) is not None:
        t = entry[1]
    if _is_private_leaf(t):
        return None
    if t.grad_fn is None:
        return t if t.requires_grad else None
    return t if _reaches_other_leaves([t], []) else None


outer_face[0] = _outer_face


def _reaches_other_leaves(outputs: list, leaves: list, clean: dict[int, object] | None = None) -> bool:
    """True when the graph of `outputs` reaches a leaf that requires grad other than `leaves` and
    other transforms' own leaves (a closure tensor). `clean` holds nodes an earlier walk found no
    such leaf behind; a walk that finds none adds its nodes, so repeated walks stay linear."""
    ours = {id(leaf) for leaf in leaves}
    seen: dict[int, object] = {}
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen or (clean is not None and id(node) in clean):
            continue
        seen[id(node)] = node
        variable = getattr(node, "_variable", None)
        if variable is not None and id(variable) not in ours and not _is_private_leaf(variable):
            return True
        stack.extend(fn for fn, _ in node.next_functions if fn is not None)
    if clean is not None:
        clean.update(seen)
    return False


class _Running:
    """While the function runs: grad mode on, the depth that tells inner transforms to keep graphs,
    and a capture scope refusing in-place changes to tensors the function neither made nor was given.

    What it was given are all the tensors among its arguments, differentiated or not (as PyTorch
    wraps them all for the transform's level). In a forward-mode transform (`forward`), `no_grad`
    inside the function still records: PyTorch's forward AD ignores grad mode, and our tangents
    come from the recorded graph. A reverse-mode transform inside it honours `no_grad` again.
    """

    def __init__(self, *arguments: Any, forward: bool = False, levels: int = 1) -> None:
        given = [t for t in _pytree.flatten(arguments)[0] if isinstance(t, Tensor)]
        # PyTorch's level for the transform (printed in its wrappers): one deeper than the innermost
        # open one; jacfwd is a vmap and a jvp there (`levels` 2); 0 for our own passes after the function
        self.scope = CaptureScope(given, innermost_level() + levels if levels else 0)
        self.forward = forward

    def __enter__(self) -> None:
        self.prev = state.enabled, state.grad_mode, state.forward_transform
        state.enabled = state.grad_mode = True
        state.forward_transform = self.forward
        state.func_grad_depth += 1
        self.scope.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.scope.__exit__()
        state.func_grad_depth -= 1
        state.enabled, state.grad_mode, state.forward_transform = self.prev


_ONLY_TENSORS = "{api}: expected f(*primals) to return only tensors, got unsupported type {kind}"


def _check_vjp_outputs(outs: list) -> None:
    """vjp's (and jacrev's) outputs: tensors that can carry a gradient."""
    for o in outs:
        if not isinstance(o, Tensor):
            raise RuntimeError(_ONLY_TENSORS.format(api="vjp(f, *primals)", kind=type(o)))
        if not (o.is_floating_point() or o.is_complex()):
            raise RuntimeError(
                "vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype "
                f"{o.dtype}"
            )


def _refuse_complex(api: str, values: Any, is_input: bool) -> None:
    """jacrev and jacfwd take and give real tensors only (PyTorch's message says "input idx" for both)."""
    for idx, x in enumerate(_pytree.flatten(values)[0]):
        if isinstance(x, Tensor) and x.is_complex():
            kind = "inputs" if is_input else "outputs"
            raise RuntimeError(
                f"{api}: Expected all {kind} to be real but received complex tensor at flattened input idx: {idx}"
            )


def _check_argnums(argnums: Any, n: int) -> None:
    """PyTorch's checks of `argnums` against `n` positional arguments, with its errors."""
    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    elif not isinstance(argnums, int):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in argnums if isinstance(argnums, tuple) else (argnums,):
        if not isinstance(a, int):
            raise RuntimeError(f"argnum must be int, got: {type(a)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnum={a}, but only {n} positional inputs")


def _diff_args(args: tuple, argnums: Any) -> Any:
    if isinstance(argnums, int):
        return args[argnums]
    return tuple(args[a] for a in argnums)


def _replace_args(args: tuple, argnums: Any, new: Any) -> list:
    out = list(args)
    if isinstance(argnums, int):
        out[argnums] = new
    else:
        for a, v in zip(argnums, new):
            out[a] = v
    return out


# how PyTorch names the transform that checks `(output, aux)` (jacrev is a vjp there, jacfwd a jvp)
_AUX_CALLER = {
    "grad_and_value": "grad_and_value(f)(*args)",
    "vjp": "vjp(f, *primals)",
    "jacrev": "vjp(f, *primals)",
    "jvp": "jvp(f, primals, tangents)",
    "jacfwd": "jvp(f, primals, tangents)",
}


def _split_aux(output: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return output, None
    if not (isinstance(output, (tuple, list)) and len(output) == 2):
        raise RuntimeError(
            f"{_AUX_CALLER.get(name, name)}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return output[0], output[1]


def _start(args: tuple, argnums: Any) -> tuple[_Region, list, Any, list]:
    """A region, the leaves for the inputs at argnums, their tree spec and the new argument list."""
    region = _Region()
    flat, spec = _pytree.flatten(_diff_args(args, argnums))
    pairs = [region.enter(x) for x in flat]
    leaves = [p for p, _ in pairs]
    seen = _pytree.unflatten([q for _, q in pairs], spec)
    return region, leaves, spec, _replace_args(args, argnums, seen)


# --- reverse mode ------------------------------------------------------------------------------


def grad_and_value(func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """A function returning (gradient of `func`'s scalar output w.r.t. argnums, the output).

    Args:
        func (callable): returns a one-element tensor (or `(output, aux)` with has_aux).
        argnums (int or tuple of int): which positional arguments to differentiate (default 0).
        has_aux (bool): func returns `(output, aux)`; aux is passed through undifferentiated.

    Returns:
        callable: takes func's arguments and returns `(gradient, output)` (`((gradient, output), aux)`
            with has_aux); the gradient is shaped like the argument, a tuple for a tuple of argnums.

    Examples:
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> retrograd.func.grad_and_value(f)(retrograd.tensor([1.0, 2.0]))
        (tensor([ 3., 12.]), tensor(9.))
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_argnums(argnums, len(args))
        region, leaves, spec, new_args = _start(args, argnums)
        with _Running(new_args, kwargs):
            output = func(*new_args, **kwargs)
        output, aux = _split_aux(output, has_aux, "grad_and_value")
        if not isinstance(output, Tensor):
            raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(output)}")
        if output.dim() != 0:
            raise RuntimeError(
                f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
                f"{output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
            )
        grads = region.backward([output], leaves, [_ones_like(output)])
        grads = _pytree.unflatten([region.result(g) for g in grads], spec)
        value = region.result(output)
        if has_aux:
            return grads, (value, _pytree.tree_map(region.result, aux))
        return grads, value

    return wrapper


def grad(func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """A function returning the gradient of `func`'s scalar output w.r.t. its inputs at argnums.

    `func.grad` composes: `grad(grad(f))` is the second derivative, and it works under `vmap`.

    Args:
        func (callable): returns a tensor with one element (or `(output, aux)` with `has_aux`).
        argnums (int or tuple of int): which positional arguments to differentiate (default 0).
        has_aux (bool): `func` returns `(output, aux)`; the new function then returns
            `(gradient, aux)`.

    Returns:
        callable: takes `func`'s arguments, returns the gradient (a tuple for a tuple `argnums`).

    Examples:
        >>> from retrograd.func import grad
        >>> def f(x):
        ...     return (x ** 2).sum()
        >>> grad(f)(retrograd.tensor([1.0, 3.0]))
        tensor([2., 6.])
        >>> grad(grad(retrograd.sin))(retrograd.tensor(0.0))
        tensor(-0.)
    """
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        grads, value = both(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple:
    """(func(*primals), vjp_fn): vjp_fn(cotangents) gives the vector-Jacobian products per primal.

    Args:
        func (callable): takes the primals, returns a tensor or a tuple of tensors.
        *primals (Tensor): where to evaluate.
        has_aux (bool): func returns `(output, aux)`; aux is returned as a third element.

    Returns:
        tuple: `(func(*primals), vjp_fn)`; `vjp_fn(cotangents)` returns a tuple with one product
            per primal, shaped like it.

    Examples:
        >>> def f(x):
        ...     return x ** 2
        >>> out, vjp_fn = retrograd.func.vjp(f, retrograd.tensor([1.0, 2.0]))
        >>> out
        tensor([1., 4.])
        >>> vjp_fn(retrograd.tensor([1.0, 1.0]))
        (tensor([2., 4.]),)
    """
    argnums = tuple(range(len(primals)))
    region, leaves, spec, new_args = _start(primals, argnums)
    with _Running(new_args):
        output = func(*new_args)
    output, aux = _split_aux(output, has_aux, "vjp")
    outs, out_spec = _pytree.flatten(output)
    _check_vjp_outputs(outs)

    def vjp_fn(cotangents: Any, *, retain_graph: bool = True, create_graph: bool | None = None) -> tuple:
        cots, cot_spec = _pytree.flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the "
                f"function. cotangents: {_pytree.pprint(cotangents)}, primal output: {_pytree.pprint(output)}"
            )
        for o, c in zip(outs, cots):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of {c.shape} and output[0] has a shape of "
                    f"{o.shape}."
                )
        if create_graph is None:  # PyTorch: a graph whenever grad mode is on (and something requires grad)
            create_graph = None if state.enabled else False
        grads = region.backward(outs, leaves, cots, retain_graph=retain_graph, create_graph=create_graph)
        return tuple(_pytree.unflatten([region.result(g) for g in grads], spec))

    region.note_closures([region.physical(o) for o in outs], leaves)
    result = _pytree.tree_map(region.result, output)
    if has_aux:
        return result, vjp_fn, _pytree.tree_map(region.result, aux)
    return result, vjp_fn


def jacrev(
    func: Callable[..., Any],
    argnums: Any = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
    _preallocate_and_copy: bool = False,
) -> Callable[..., Any]:
    """The Jacobian of `func` w.r.t. argnums by reverse mode: all rows in one batched backward.

    Best when the output is smaller than the input; composes with `vmap` and `jacfwd`.

    Args:
        func (callable): returns a tensor (or `(output, aux)` with `has_aux`).
        argnums (int or tuple of int): which positional arguments to differentiate (default 0).
        has_aux (bool): `func` returns `(output, aux)`; the new function then returns
            `(jacobian, aux)`.
        chunk_size (int, optional): compute at most this many rows at a time.

    Returns:
        callable: takes `func`'s arguments, returns the Jacobian, of shape
            `output.shape + input.shape`.

    Examples:
        >>> from retrograd.func import jacrev
        >>> jacrev(retrograd.sin)(retrograd.tensor([0.0, 0.0]))
        tensor([[1., 0.],
                [0., 1.]])
    """
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _refuse_complex("jacrev", args, is_input=True)
        _check_argnums(argnums, len(args))
        region, leaves, spec, new_args = _start(args, argnums)
        with _Running(new_args, kwargs):
            output = func(*new_args, **kwargs)
        output, aux = _split_aux(output, has_aux, "jacrev")
        outs, out_spec = _pytree.flatten(output)
        _check_vjp_outputs(outs)
        _refuse_complex("jacrev", outs, is_input=False)
        sizes = [o.numel() for o in outs]
        total = sum(sizes)
        from .. import ops

        basis = ops.eye(total, dtype=outs[0].dtype) if total else None

        def rows(row: Tensor) -> list:
            cots, start = [], 0
            for o, n in zip(outs, sizes):
                cots.append(row[start : start + n].reshape(o.shape))
                start += n
            return region.backward(outs, leaves, cots)

        logical_leaves = [region.logical(p) for p in leaves]
        if total and _preallocate_and_copy:
            per_input = _rows_into_place(rows, basis, chunk_size or total, logical_leaves)  # type: ignore[arg-type]
        elif total:
            per_input = vmap(rows, chunk_size=chunk_size)(basis)
        else:
            per_input = [ops.zeros((0,) + tuple(q.shape), dtype=q.dtype) for q in logical_leaves]
        jac_leaves = []
        start = 0
        for o, n in zip(outs, sizes):
            blocks = [
                r[start : start + n].reshape(tuple(o.shape) + tuple(q.shape)) for r, q in zip(per_input, logical_leaves)
            ]
            jac_leaves.append(_pytree.unflatten([region.result(b) for b in blocks], spec))
            start += n
        result = _pytree.unflatten(jac_leaves, out_spec)
        if has_aux:
            return result, _pytree.tree_map(region.result, aux)
        return result

    return wrapper


def _rows_into_place(rows: Callable, basis: Tensor, chunk: int, leaves: list) -> list:
    """jacrev's `_preallocate_and_copy=True`: the Jacobian rows allocated once, each chunk copied in."""
    from .. import ops

    n = basis.shape[0]
    out = [ops.empty((n,) + tuple(q.shape), dtype=q.dtype) for q in leaves]
    for start in range(0, n, chunk):
        part = vmap(rows)(basis[start : start + chunk])
        for o, p in zip(out, part):
            o[start : start + p.shape[0]] = p
    return out


# --- forward mode by double vjp ----------------------------------------------------------------


def _linearized(
    func: Callable, args: tuple, argnums: Any, kwargs: dict, has_aux: bool, name: str, strict: bool = False
) -> tuple:
    """Run `func` once; return (region, leaves, spec, outs, out_spec, aux, jvp of flat tangents)."""
    for x in _pytree.flatten(_diff_args(args, argnums))[0]:
        _check_dual_dtype("primal", x)
    region, leaves, spec, new_args = _start(args, argnums)
    with _Running(new_args, kwargs, forward=True, levels=2 if name == "jacfwd" else 1):
        output = func(*new_args, **kwargs)
    output, aux = _split_aux(output, has_aux, name)
    outs, out_spec = _pytree.flatten(output)
    for o in outs:
        if not isinstance(o, Tensor):
            raise RuntimeError(_ONLY_TENSORS.format(api="jvp(f, primals, tangents)", kind=type(o)))
    phys = [region.physical(o) for o in outs]
    region.note_closures(phys, leaves)
    from .. import ops

    # Jᵀu as a graph linear in the dummy cotangents u
    dummies = [_private_leaf(ops.zeros_like(p)) if p.requires_grad else None for p in phys]
    pairs = [(p, u) for p, u in zip(phys, dummies) if u is not None]
    if pairs:
        with _Running(new_args, kwargs, levels=0):
            vjps = _engine_grad(
                [p for p, _ in pairs],
                leaves,
                [u for _, u in pairs],
                retain_graph=True,
                create_graph=True,
                allow_unused=True,
            )
    else:
        vjps = (None,) * len(leaves)
    used = [(g, t_index) for t_index, g in enumerate(vjps) if g is not None and g.requires_grad]

    def push(tangents: list) -> list:
        """J t for flat tangents `t` (one per leaf), as the function sees them."""
        wanted = [u for u in dummies if u is not None]
        if used and wanted:
            gs = [g for g, _ in used]
            ts = [region.physical(tangents[i]) for _, i in used]
            results = _engine_grad(
                gs, wanted, ts, retain_graph=True, create_graph=region.create_graph(), allow_unused=True
            )
        else:
            results = (None,) * len(wanted)
        it = iter(results)
        out = []
        for o, u in zip(outs, dummies):
            r = next(it) if u is not None else None
            if r is None and strict:
                raise RuntimeError(
                    "jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is "
                    "not allowed with strict=True."
                )
            out.append(region.logical(r) if r is not None else ops.zeros_like(o))
        return out

    return region, leaves, spec, outs, out_spec, aux, push


def _check_dual_dtype(name: str, x: Any) -> None:
    """make_dual's check, which PyTorch's forward-mode transforms meet first for an integer input."""
    if isinstance(x, Tensor) and not (x.is_floating_point() or x.is_complex()):
        raise ValueError(f"Expected {name} to be floating point or complex, but got: {x.dtype}")


def _check_tangents(primals: list, tangents: list) -> None:
    """PyTorch's checks, in its order: tensors only, then make_dual's dtype and size checks per pair."""
    for name, flat in (("primals", primals), ("tangents", tangents)):
        if not flat:
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to contain at least one Tensor.")
        for t in flat:
            if not isinstance(t, Tensor):
                raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to only contain Tensors, got {type(t)}")
    for p, t in zip(primals, tangents):
        _check_dual_dtype("primal", p)
        _check_dual_dtype("tangent", t)
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(  # PyTorch's make_dual error
                "Trying to set a forward gradient that has a different size than that of the original Tensor, "
                f"this is not supported. Tensor is of size {list(p.shape)} while the given forward gradient is of "
                f"size {list(t.shape)}."
            )


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False, has_aux: bool = False) -> tuple:
    """(func(*primals), the Jacobian of func times tangents).

    Args:
        func (callable): takes the primals, returns a tensor or a tuple of tensors.
        primals (tuple of Tensor): where to evaluate.
        tangents (tuple of Tensor): the directions, one per primal, with the same shapes.
        strict (bool): raise RuntimeError if an output does not depend on the primals (default False).
        has_aux (bool): func returns `(output, aux)`; aux is returned as a third element.

    Returns:
        tuple: `(func(*primals), jvp_out)`, the product shaped like the output.

    Examples:
        >>> def f(x):
        ...     return x ** 2
        >>> retrograd.func.jvp(f, (retrograd.tensor([1.0, 2.0]),), (retrograd.tensor([1.0, 0.0]),))
        (tensor([1., 4.]), tensor([2., 0.]))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    flat_p, pspec = _pytree.flatten(primals)
    flat_t, tspec = _pytree.flatten(tangents)
    if pspec != tspec:
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
            f"{_pytree.structure(primals)} and tangents with structure {_pytree.structure(tangents)}"
        )
    _check_tangents(flat_p, flat_t)
    region, _, _, outs, out_spec, aux, push = _linearized(
        func, primals, tuple(range(len(primals))), {}, has_aux, "jvp", strict
    )
    # PyTorch's primal outputs come out of its dual tensors as aliases (AliasBackward0 in a graph)
    result = _pytree.unflatten([_alias_in_graph(region.result(o)) for o in outs], out_spec)
    tangent_out = _pytree.unflatten([region.result(t) for t in push(flat_t)], out_spec)
    if has_aux:
        return result, tangent_out, _pytree.tree_map(region.result, aux)
    return result, tangent_out


def linearize(func: Callable[..., Any], *primals: Any) -> tuple:
    """(func(*primals), jvp_fn): jvp_fn(*tangents) gives the Jacobian-vector product at primals.

    Args:
        func (callable): takes the primals, returns a tensor or a tuple of tensors.
        *primals (Tensor): where to linearize.

    Returns:
        tuple: `(func(*primals), jvp_fn)`; `jvp_fn(*tangents)` is the Jacobian at primals times
            the tangents (as many as primals, with their shapes).

    Examples:
        >>> out, jvp_fn = retrograd.func.linearize(retrograd.sin, retrograd.tensor([0.0, 1.0]))
        >>> out
        tensor([0.0000, 0.8415])
        >>> jvp_fn(retrograd.tensor([1.0, 1.0]))
        tensor([1.0000, 0.5403])
    """
    region, _, _, outs, out_spec, _, push = _linearized(
        func, primals, tuple(range(len(primals))), {}, False, "linearize"
    )
    flat_p, pspec = _pytree.flatten(primals)

    def jvp_fn(*tangents: Any) -> Any:
        flat_t, tspec = _pytree.flatten(tangents)
        if tspec != pspec:
            raise RuntimeError(
                f"Expected the tangents {_pytree.structure(tangents)} to have the same argspec as the primals "
                f"{_pytree.structure(primals)}"
            )
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):  # PyTorch's checks, in its order
            for what in ("shape", "device", "dtype"):
                if getattr(t, what) != getattr(p, what):
                    raise RuntimeError(
                        f"tangent:{i} with {what} {getattr(t, what)} in flattened pytree doesn't match the {what} "
                        f"{getattr(p, what)} of the corresponding primal."
                    )
        return _pytree.unflatten(push(flat_t), out_spec)

    return _pytree.unflatten([region.result(o) for o in outs], out_spec), jvp_fn


def jacfwd(
    func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False, *, randomness: str = "error"
) -> Callable[..., Any]:
    """The Jacobian of `func` w.r.t. argnums by forward mode: all columns in one batched pass.

    Best when the input is smaller than the output; `jacfwd(jacrev(f))` gives the Hessian.

    Args:
        func (callable): returns a tensor (or `(output, aux)` with `has_aux`).
        argnums (int or tuple of int): which positional arguments to differentiate (default 0).
        has_aux (bool): `func` returns `(output, aux)`; the new function then returns
            `(jacobian, aux)`.
        randomness (str): random ops inside: `'error'` (default), `'different'` or `'same'`.

    Returns:
        callable: takes `func`'s arguments, returns the Jacobian, of shape
            `output.shape + input.shape`.

    Examples:
        >>> from retrograd.func import jacfwd, jacrev
        >>> def f(x):
        ...     return x ** 2
        >>> jacfwd(f)(retrograd.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
        >>> jacfwd(jacrev(lambda x: (x ** 3).sum()))(retrograd.tensor([1.0]))
        tensor([[6.]])
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _refuse_complex("jacfwd", args, is_input=True)
        _check_argnums(argnums, len(args))
        if randomness == "different":  # every column runs the function with its own draws
            return _jacfwd_per_column(func, args, kwargs, argnums, has_aux)
        # the columns are a vmap in PyTorch: with randomness="error" a random op in func raises
        before = default_generator.get_state() if randomness == "error" else None
        region, leaves, spec, outs, out_spec, aux, push = _linearized(func, args, argnums, kwargs, has_aux, "jacfwd")
        _refuse_complex("jacfwd", outs, is_input=False)
        if before is not None and default_generator.get_state()._data.tobytes() != before._data.tobytes():
            default_generator.set_state(before)  # PyTorch refuses before drawing: the generator has not moved
            raise RuntimeError(RANDOM_ERROR)
        logical_leaves = [region.logical(p) for p in leaves]
        sizes = [q.numel() for q in logical_leaves]
        total = sum(sizes)
        from .. import ops

        def columns(col: Tensor) -> list:
            tangents, start = [], 0
            for q, n in zip(logical_leaves, sizes):
                tangents.append(col[start : start + n].reshape(q.shape))
                start += n
            return push(tangents)

        basis = ops.eye(total, dtype=logical_leaves[0].dtype)
        per_output = vmap(columns, randomness=randomness)(basis)  # [total, *out_shape] per output
        jac_leaves = []
        for o, cols in zip(outs, per_output):
            blocks, start = [], 0
            for q, n in zip(logical_leaves, sizes):
                block = _columns_last(cols[start : start + n], tuple(o.shape), tuple(q.shape))
                blocks.append(region.result(block))
                start += n
            jac_leaves.append(_pytree.unflatten(blocks, spec))
        result = _pytree.unflatten(jac_leaves, out_spec)
        if has_aux:
            return result, _pytree.tree_map(region.result, aux)
        return result

    return wrapper


def _jacfwd_per_column(func: Callable, args: tuple, kwargs: dict, argnums: Any, has_aux: bool) -> Any:
    """jacfwd with randomness="different": a vmap over the basis of jvps of the whole function."""
    from .. import ops

    diff = _diff_args(args, argnums)
    flat, spec = _pytree.flatten(diff)
    sizes = [x.numel() for x in flat]

    def of_diff(*flat_primals: Any) -> Any:
        return func(*_replace_args(args, argnums, _pytree.unflatten(list(flat_primals), spec)), **kwargs)

    def column(col: Tensor) -> Any:
        tangents, start = [], 0
        for x, n in zip(flat, sizes):
            tangents.append(col[start : start + n].reshape(x.shape))
            start += n
        result = jvp(of_diff, tuple(flat), tuple(tangents), has_aux=has_aux)
        return (result[1], result[2]) if has_aux else result[1]

    basis = ops.eye(sum(sizes), dtype=flat[0].dtype)
    per_output = vmap(column, randomness="different")(basis)  # [total, *out_shape]
    if has_aux:  # the first column's aux
        per_output, aux = per_output
        aux = _pytree.tree_map(lambda a: a[0] if isinstance(a, Tensor) else a, aux)
    outs, out_spec = _pytree.flatten(per_output)
    _refuse_complex("jacfwd", outs, is_input=False)
    jac_leaves = []
    for cols in outs:
        blocks, start = [], 0
        out_shape = tuple(cols.shape[1:])
        for x, n in zip(flat, sizes):
            blocks.append(_columns_last(cols[start : start + n], out_shape, tuple(x.shape)))
            start += n
        jac_leaves.append(_pytree.unflatten(blocks, spec))
    result = _pytree.unflatten(jac_leaves, out_spec)
    return (result, aux) if has_aux else result


def _alias_in_graph(t: Tensor) -> Tensor:
    from ..ops.shape.views import alias

    return alias(t) if t.requires_grad else t


def _columns_last(block: Tensor, out_shape: tuple, in_shape: tuple) -> Tensor:
    """jacfwd's columns `[n, *out_shape]` for one input as `[*out_shape, *in_shape]`: moved last, then
    split into the input's shape as PyTorch does (a view; a 0-d input's one column squeezed away)."""
    if not out_shape:
        return block.squeeze(-1) if not in_shape else block.reshape(in_shape)
    block = block.movedim(0, -1)
    return block.squeeze(-1) if not in_shape else block.unflatten(-1, in_shape)


def hessian(func: Callable[..., Any], argnums: Any = 0) -> Callable[..., Any]:
    """The Hessian of `func`'s scalar output: `jacfwd(jacrev(func))`, forward over reverse as PyTorch.

    The forward-mode outer Jacobian gives PyTorch's layout: for a vector input the result is the
    transpose of a contiguous matrix (strides `(1, n)`), so `.view(-1)` refuses as PyTorch's does.

    Args:
        func (callable): returns a one-element tensor.
        argnums (int or tuple of int): which positional arguments to differentiate (default 0).

    Returns:
        callable: takes func's arguments and returns the Hessian, of shape
            `input.shape + input.shape` for one argument.

    Examples:
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> retrograd.func.hessian(f)(retrograd.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    second = jacfwd(jacrev(func, argnums), argnums)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _refuse_complex("jacfwd", args, is_input=True)  # before jacrev's own refusal, in jacfwd's words
        return second(*args, **kwargs)

    return wrapper


def _ones_like(t: Tensor) -> Tensor:
    from .. import ops

    return ops.ones_like(t)


def _zeros_like(t: Tensor) -> Tensor:
    from .. import ops

    return ops.zeros_like(t)
