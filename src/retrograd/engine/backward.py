"""The backward engine: `backward()` and `grad()` over a graph of nodes.

Two passes, no recursion. Discovery walks the graph from the roots with an
explicit stack, counting how many edges point at each node. Execution pops
ready nodes from a heap (newest node first, as PyTorch does, so sums happen in
the same order), adds up the gradients each node receives, runs it, and hands
its results on; a node is ready when every edge into it has delivered.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy

from .._user_frames import frames_up
from ..backend import namespace
from ..backend.host_memory import before_training
from ..backend.sparse import SparseCOO
from ..backend.sparse import add_into as sparse_add_into
from ..backend.sparse_compressed import SparseCompressed
from . import grad_dtypes
from . import primitive as _primitive  # (its `tracer`, read at call time: retrograd.compile)
from . import tensor_type as _tt
from .anomaly_mode import anomaly, check_results, print_forward_stack
from .grad_layout import is_dense, laid_out_for, owned_view
from .grad_mode import in_func_transform, state
from .graph import AccumulateGrad, Node
from .hook_checks import checked_value, checked_values
from .views import edge
from .vmap_hook import batched_grad as _batched_grad
from .vmap_hook import hook as _vmap

if TYPE_CHECKING:
    from ..tensor import Tensor


def _discover(roots: Sequence[Node]) -> tuple[dict[Node, int], list[Node]]:
    """Incoming-edge counts of every node reachable from `roots`, and a post-order."""
    deps: dict[Node, int] = {}
    order: list[Node] = []
    seen = set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, children = stack[-1]
            for child, _ in children:
                if child is None:
                    continue
                deps[child] = deps.get(child, 0) + 1
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    return deps, order


def _count_edges(roots: Sequence[Node]) -> dict[Node, int]:
    """Incoming-edge counts of every node reachable from `roots` (each root listed, with 0 if none).

    `_discover` without the post-order, which only a `grad()` with inputs needs; the usual
    `backward()` takes this shorter walk.
    """
    deps: dict[Node, int] = dict.fromkeys(roots, 0)
    stack = list(deps)
    while stack:
        node = stack.pop()
        edges = node._edges  # next_functions without the property: None is one input in two slots
        for child, _ in edges if edges is not None else ((node._input, 0),):
            if child is None:
                continue
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                stack.append(child)
    return deps


class _Task:
    """The backward currently running: an id, the nodes it can reach, and whether a reentrant
    checkpoint may run in it (not in a grad() or a backward(inputs=...), nor inside one, as PyTorch).
    A pass restricted to targets also keeps which nodes lead to them (`needed`)."""

    def __init__(self, task_id: int, reachable: Any, checkpoint_valid: bool = True,
                 needed: dict | None = None, targets: dict | None = None) -> None:
        self.id = task_id
        self.reachable = reachable
        self.checkpoint_valid = checkpoint_valid
        self.needed = needed
        self.targets = targets
        self.callbacks: list[Callable[[], None]] = []  # queue_callback's, run when the pass ends

    def will_execute(self, node: Node | None) -> bool:
        """Whether this pass runs `node` (PyTorch's `_will_engine_execute_node`): any node it reaches,
        or with targets, a target or a node that leads to one (a reached leaf that is not an input
        of `backward(inputs=...)` is skipped)."""
        if self.needed is None:
            return node in self.reachable
        return node in self.targets or self.needed.get(node, False)  # type: ignore[operator]


_NO_TASK = _Task(0, {})
_task_ids = itertools.count(1)


def current_task() -> _Task:
    tasks = state.backward_tasks
    return tasks[-1] if tasks else _NO_TASK


def queue_callback(callback: Callable[[], None]) -> None:
    """Run `callback()` once the running backward pass has gone through every node (PyTorch's
    `Variable._execution_engine.queue_callback`); outside a backward, PyTorch's RuntimeError."""
    if not state.backward_tasks:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    state.backward_tasks[-1].callbacks.append(callback)


def is_checkpoint_valid() -> bool:
    """Whether a reentrant checkpoint may recompute in the running backward (PyTorch's
    `torch.autograd._is_checkpoint_valid`): True outside any backward, False inside a `grad()` or a
    `backward(inputs=...)` and in any backward nested in one.

    Returns:
        bool: True unless the running backward (or one around it) was restricted to given inputs.

    Examples:
        >>> retrograd.autograd._is_checkpoint_valid()
        True
    """
    return current_task().checkpoint_valid


def _needed(order: list[Node], targets: dict[Node, Any]) -> dict[Node, bool]:
    """Nodes that lead to a target; the others need not run."""
    needed: dict[Node, bool] = {}
    for node in order:  # children come before parents in a post-order
        needed[node] = any(
            child is not None and (child in targets or needed.get(child, False)) for child, _ in node.next_functions
        )
    return needed


def _first(n_outputs: int, nr: int, g: Tensor) -> list:
    """A node's gradient buffer holding `g` at output `nr`, None elsewhere."""
    buffer: list = [None] * n_outputs
    buffer[nr] = g
    return buffer


def _add(a: Tensor | None, b: Tensor) -> Tensor:
    return b if a is None else a + b


def run(
    roots: Sequence[tuple[Node, int]],
    root_grads: Sequence[Tensor],
    retain_graph: bool,
    create_graph: bool,
    targets: dict[Node, list[int]] | None = None,
    accumulate: bool = True,
) -> dict[tuple[Node, int], Tensor]:
    """Propagate `root_grads` from `roots` through the graph.

    With `targets`, only nodes leading to them run, and the gradient arriving at
    each (node, output_nr) target is captured and returned. With `accumulate`,
    AccumulateGrad nodes that run add into their leaf's `.grad`.
    """
    before_training()  # a training loop starts: keep freed array memory mapped (backend/host_memory)
    if _primitive.tracer is not None:  # retrograd.compile is recording a backward inside the function
        _primitive.tracer.backward(roots, retain_graph, create_graph, targets, accumulate)
    root_nodes = [n for n, _ in roots]
    if targets is None:
        deps = _count_edges(root_nodes)  # keys: every node this pass can reach
        needed = None
    else:
        deps, order = _discover(root_nodes)
        deps.update((n, deps.get(n, 0)) for n in root_nodes)
        needed = _needed(order, targets)
    outer_tasks = state.backward_tasks
    # a pass restricted to targets skips the nodes that do not lead to them, which a reentrant
    # checkpoint's inner backward would not know (PyTorch's checkpoint_valid: exec_info is empty)
    checkpoint_valid = targets is None and (outer_tasks[-1].checkpoint_valid if outer_tasks else True)
    task = _Task(next(_task_ids), deps.keys(), checkpoint_valid, needed, targets)
    state.backward_tasks = outer_tasks + (task,)
    buffers: dict[Node, list[Any]] = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(node, [None] * node.n_outputs)
        buf[nr] = _add(buf[nr], g)
    captured: dict[tuple[Node, int], Any] = {}
    heap: list = []
    for node in buffers:
        if deps.get(node, 0) == 0:
            heapq.heappush(heap, (-node._seq, id(node), node))
    prev, prev_mode = state.enabled, state.grad_mode
    state.enabled = state.grad_mode = create_graph  # hooks see grad mode == create_graph, as in PyTorch
    heappush, heappop = heapq.heappush, heapq.heappop  # locals: called once per node
    plain = needed is None and not anomaly.enabled  # every input wanted, no anomaly checks
    plain_leaves = accumulate and targets is None  # every leaf reached accumulates
    # PyTorch computes inf/NaN gradients silently; NumPy's own Python functions (sum, prod,
    # det...) would warn in their modules, past the package's filter. Once per backward.
    quiet = numpy.errstate(all="ignore")
    quiet.__enter__()
    try:
        following = None  # the one node ready next when the heap is empty: a chain skips the heap
        while heap or following is not None:
            if following is not None:
                node, following = following, None
            else:
                node = heappop(heap)[2]
            grads = buffers.pop(node, None)
            if grads is None:
                grads = [None] * node.n_outputs
            if (
                type(node) is AccumulateGrad and plain_leaves
                and not (node._tensor_hooks or node._pre_hooks or node._post_hooks or node._variable._hooks)
            ):
                _accumulate(node, grads[0], create_graph)  # a leaf without hooks: no children to hand on to
                continue
            if node._tensor_hooks or node._pre_hooks or type(node) is AccumulateGrad:
                grads = _call_pre_hooks(node, grads)
            if targets is not None and node in targets:
                for nr in targets[node]:
                    if grads[nr] is not None:
                        captured[(node, nr)] = grads[nr]
            if plain and type(node) is not AccumulateGrad and not node._post_hooks and grads[0] is not None:
                results = node.apply(grads, None)  # the common case, _execute's path written out
                if not retain_graph:
                    node.release()
            else:
                results = _execute(node, grads, needed, targets, accumulate, create_graph, retain_graph)
            edges = node._edges  # next_functions without the property: None is one input in two slots
            if edges is None:
                edges = ((node._input, node._input_nr),)
            for (child, nr), g in zip(edges, results):
                if child is None:
                    continue
                if g is not None:
                    pending = buffers.get(child)
                    if pending is None:
                        buffers[child] = [g] if child.n_outputs == 1 else _first(child.n_outputs, nr, g)
                    else:
                        pending[nr] = g if pending[nr] is None else _buffer_sum(pending[nr], g)
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    if following is None and not heap:
                        following = child
                    else:
                        heappush(heap, (-child._seq, id(child), child))
            if following is not None and heap:  # not alone after all: the heap orders them
                heappush(heap, (-following._seq, id(following), following))
                following = None
            results = g = None  # type: ignore[assignment]  # hold no gradient past its node: `_accumulate` counts references
        while task.callbacks:  # queued by hooks during the pass; a callback may queue more
            task.callbacks.pop(0)()
    finally:
        quiet.__exit__(None, None, None)
        state.enabled, state.grad_mode = prev, prev_mode
        state.backward_tasks = outer_tasks
    return captured


def _execute(
    node: Node,
    grads: list,
    needed: dict | None,
    targets: dict | None,
    accumulate: bool,
    create_graph: bool,
    retain_graph: bool,
) -> tuple:
    """Run one node: accumulate into a leaf, or apply its derivative rules."""
    if type(node) is AccumulateGrad:
        if accumulate and (targets is None or node in targets):
            _accumulate(node, grads[0], create_graph)
            if node._post_hooks:  # PyTorch's (): a leaf's node hands nothing on
                _call_post_hooks(node, (), grads)
        return ()
    if needed is not None and not needed[node]:
        return (None,) * len(node.next_functions)
    if (grads[0] is None if len(grads) == 1 else all(g is None for g in grads)) and not node.runs_without_grads:
        return (None,) * len(node.next_functions)
    if needed is None and not anomaly.enabled:
        results = node.apply(grads, None)  # the common case: every input is wanted
    else:
        results = _apply_filtered(node, grads, needed, targets)
    if node._post_hooks:
        results = _call_post_hooks(node, results, grads)
    if not retain_graph:
        node.release()
    return results


def _apply_filtered(node: Node, grads: list, needed: dict | None, targets: dict | None) -> tuple:
    """node.apply when only some inputs lead to a target, or under anomaly mode."""
    wanted = None
    if needed is not None:
        nf = node.next_functions
        wanted = lambda i: nf[i][0] in targets or needed.get(nf[i][0], False)  # type: ignore[operator]
    if anomaly.enabled:
        return _apply_watched(node, grads, wanted)
    return node.apply(grads, wanted)


def _apply_watched(node: Node, grads: list, wanted: Any) -> tuple:
    """node.apply under anomaly mode: show the forward stack on errors and NaN."""
    try:
        results = node.apply(grads, wanted)
    except Exception:
        print_forward_stack(node)
        raise
    if anomaly.check_nan:
        check_results(node, results)
    return results


def _call_pre_hooks(node: Node, grads: list) -> list:
    if node._tensor_hooks:
        # tensor hooks first, then retain_grad's (it must see the final gradient)
        hooks = sorted(node._tensor_hooks, key=lambda e: getattr(e[1], "retains_grad", False))
        for nr, hook in hooks:
            if grads[nr] is not None:
                new = checked_value(hook, hook(grads[nr]), grads[nr])
                if new is not None:
                    grads[nr] = new
    if isinstance(node, AccumulateGrad):
        leaf = node.variable
        if grad_dtypes.chosen and grads[0] is not None:  # a leaf's grad_dtype, before its hooks
            grads[0] = grad_dtypes.cast_for(leaf, grads[0])
        if leaf._hooks and grads[0] is not None:
            for hook in list(leaf._hooks):
                new = checked_value(hook, hook(grads[0]), grads[0])
                if new is not None:
                    grads[0] = new
    if node._pre_hooks:
        for hook in list(node._pre_hooks):
            new = checked_values(hook, hook(tuple(grads)), grads)
            if new is not None:
                grads = list(new)
    return grads


def _call_post_hooks(node: Node, results: tuple, grads: list) -> tuple:
    if node._post_hooks:
        for hook in list(node._post_hooks):
            new = checked_values(hook, hook(results, tuple(grads)), results, count=False)
            if new is not None:
                results = tuple(new)
    return results


# The references to a gradient that reaches `_accumulate` from the engine, when nothing else
# holds it: the node's gradient buffer, `_accumulate`'s own argument, and getrefcount's argument.
# Its array: the tensor's `_data` and getrefcount's argument. Anything more (a hook that kept it,
# retain_grad, a second edge it also went to, a saved tensor, a view of the array) is counted.
_ENGINE_REFS = 3
_TENSOR_REFS = 2


def _buffer_sum(old: Tensor, g: Tensor) -> Tensor:
    """Two gradients of one input summed as PyTorch's input buffer does: to a sparse one the new
    one is added first (`g + old`: a sparse sum keeps its first operand's entries first), unless
    grad mode is on (create_graph), where a dense one goes first (sparse + dense is refused)."""
    if type(old._data) is SparseCOO and (type(g._data) is not SparseCOO or not state.enabled):
        return g + old
    return old + _in_layout_of(old, g)


def _in_layout_of(old: Tensor, g: Tensor) -> Tensor:
    """`g` stored as `old` when both are sparse compressed (CSR + CSC, which users cannot add, meet
    where a transposed matrix's gradient joins the matrix's own)."""
    if type(old._data) is SparseCompressed and type(g._data) is SparseCompressed and old._data.layout != g._data.layout:
        return g.to_sparse_csr() if old._data.by_rows else g.to_sparse_csc()
    return g


def _unshared(g: Tensor, any_layout: bool = False) -> bool:
    """Whether `g` and its array are referenced by the engine only, so `.grad` may be `g` itself.

    The array must also own its memory, or be a whole reshape of an array nothing else holds
    (a bias gradient: the engine's sum reshaped; not a broadcast view, which is read-only), be
    writeable and C-contiguous (dense in any order, with `any_layout`), and the tensor carry no graph.
    """
    a = g._data
    return (
        type(a) is numpy.ndarray
        and (a.base is None or owned_view(a))
        and a.flags.writeable
        and (a.flags.c_contiguous or (any_layout and is_dense(a)))
        and g._grad_fn is None
        and not g._requires_grad
        and sys.getrefcount(g) == _ENGINE_REFS + 1  # + the local `g` of this function
        and sys.getrefcount(a) == _TENSOR_REFS + 1  # + the local `a`
    )


def _accumulate(node: AccumulateGrad, g: Tensor | None, create_graph: bool) -> None:
    """leaf.grad += g, in place when it is safe, as PyTorch does."""
    if g is None:
        return
    leaf = node.variable
    if grad_dtypes.chosen:
        g = grad_dtypes.cast_for(leaf, g)
    old = leaf._grad
    if old is None:
        plain = type(g) is _tt.Tensor and not (create_graph and g._requires_grad)
        if plain and not state.grad_layout_enforced and _unshared(g, any_layout=True):
            leaf._grad = g  # the layout contract relaxed: a gradient nothing else holds keeps its layout
        elif (laid_out := laid_out_for(leaf._data, g._data) if plain else None) is not None:
            leaf._grad = _tt.make(laid_out)  # a leaf whose gradient keeps its own strides (channels_last, transposed)
        elif create_graph and type(g._data) is not SparseCOO:
            # PyTorch stores a copy that autograd records (CopyBackwards), never the gradient
            # itself: that may be a view (a transposed matmul's), whose `.grad.detach_()` refuses
            fresh = _tt.make(namespace(leaf._data).empty_like(leaf._data, dtype=g._data.dtype))
            leaf._grad = fresh.copy_(g)
        elif create_graph:
            leaf._grad = g
        elif type(g._data) is SparseCOO and type(g) is _tt.Tensor:
            # PyTorch stores a fresh sparse gradient with contiguous values as
            # `_sparse_coo_tensor_unsafe(indices, values)`: the same entries, flagged coalesced only
            # below two of them; other values (a broadcast `.sum()` gradient) it clones, contiguous
            a = g._data
            if a.values.flags.c_contiguous:
                leaf._grad = _tt.make(SparseCOO(a.indices, a.values, a.shape, a.nnz < 2))
            else:
                leaf._grad = _tt.make(SparseCOO(a.indices.copy(), a.values.copy(), a.shape, a.coalesced))
        elif type(g) is _tt.Tensor:
            # nothing else holds a fresh gradient: it becomes .grad as it is (PyTorch steals it too);
            # anything else gets a copy of the array, what detach().clone() makes without two op calls
            leaf._grad = g if _unshared(g) else _tt.make(g._data.copy())
        else:
            leaf._grad = g.detach().clone()
    elif type(old._data) is SparseCOO:  # a new sparse sum (a dense gradient goes first: sparse + dense is refused)
        leaf._grad = old + g if type(g._data) is SparseCOO else g + old
    elif create_graph or type(old._data) is SparseCompressed or type(g._data) is SparseCompressed:
        leaf._grad = old + _in_layout_of(old, g)  # (a compressed operand: a new sum, dense unless both are)
    elif type(g._data) is SparseCOO:  # into a dense gradient, in place
        sparse_add_into(old._data, g._data)
        old._version_counter.value += 1
    else:
        old._data += g._data
        old._version_counter.value += 1
    if _primitive.tracer is not None:  # retrograd.compile replays what became `.grad`
        _primitive.tracer.accumulated(leaf, old, g)
    for hook in list(leaf._post_acc_hooks or ()):
        if hook(leaf) is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")


# --- the public entry points ------------------------------------------------------------


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    return (x,) if isinstance(x, _tt.Tensor) else tuple(x)


def _is_edge(x: Any) -> bool:
    """Whether `x` is a GradientEdge (`autograd.graph`'s named tuple `(node, output_nr)`), which an
    input may be given as in place of its tensor."""
    return isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], Node)


def _as_inputs(x: Any) -> tuple:
    """The inputs given: a tensor, a GradientEdge or a sequence of them."""
    return (x,) if _is_edge(x) else _as_tuple(x)


def _input_edge(t: Any) -> tuple:
    """The (node, output_nr) an input's gradient is captured at: the edge itself, or the tensor's."""
    return (t[0], t[1]) if _is_edge(t) else edge(t)


def _one_like(a: Any) -> Any:
    """A fresh array of ones shaped like `a`, whose one element `backward()` starts from (a 0-d
    NumPy array by its constructor: a fifth of `ones_like`'s cost)."""
    if type(a) is numpy.ndarray and a.ndim == 0:
        return numpy.array(1, a.dtype)
    return namespace(a).ones_like(a)


def _root_grads(outputs: tuple, given: Any, create_graph: bool) -> list:
    """The gradient each output starts from, checked in PyTorch's order: each given one (or the
    implicit 1 of a scalar that requires grad), then that none is missing; outputs that do not
    require grad get None here and are refused by `_roots`."""
    grads = (None,) * len(outputs) if given is None else _as_tuple(given)
    result: list[Any] = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if not out.requires_grad:
                result.append(None)
                continue
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            result.append(_tt.make(_one_like(out._data)))  # fresh: no detach
            continue
        elif not isinstance(g, type(out)):
            g = _tt.from_value(g, like=out)
        if g.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}."
            )
        if g.dtype.is_complex != out.dtype.is_complex:
            raise RuntimeError(
                "For complex Tensors, both grad_output and output are required to have the same dtype. Mismatch in "
                f"dtype: grad_output[{i}] has a dtype of {g.dtype} and output[{i}] has a dtype of {out.dtype}."
            )
        result.append(g if create_graph else g.detach())
    if len(result) != len(outputs):  # (extra gradients are dropped, as PyTorch's zip drops them)
        raise RuntimeError(f"got {len(outputs)} tensors and {len(result)} gradients")
    return result


def _check_input(t: Any) -> None:
    if not (isinstance(t, _tt.Tensor) or _is_edge(t)):
        raise RuntimeError(f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}")


def _roots(outputs: tuple) -> list:
    roots = []
    for i, out in enumerate(outputs):
        node, nr = edge(out)
        if node is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        roots.append((node, nr))
    return roots


def _refuse_batched_outputs(outputs: tuple) -> None:
    """Inside vmap, an output batched by it has no history autograd.grad can follow (in PyTorch the
    batching wrapper has none): torch.func.grad/vjp differentiate per example instead."""
    for i, out in enumerate(outputs):
        if _vmap.is_batched is not None and _vmap.is_batched(out):
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


_warned = {"create_graph": False}
_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak."
)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into the `.grad` of every leaf of the graph.

    `retrograd.autograd.backward(y)` is `y.backward()`, for several outputs at once.

    Args:
        tensors (Tensor or sequence of Tensor): the outputs to differentiate.
        grad_tensors (Tensor or sequence of Tensor, optional): d(loss)/d(output) for each output;
            may be omitted for outputs with one element.
        retain_graph (bool, optional): keep the graph for another backward (default: `create_graph`).
        create_graph (bool): record the backward pass, for higher-order derivatives.
        grad_variables (Tensor or sequence of Tensor, optional): the old name of `grad_tensors`
            (deprecated: a FutureWarning).
        inputs (Tensor or sequence of Tensor, optional): accumulate only into these tensors (a
            GradientEdge may stand for one: the pass runs as far as it).

    Returns:
        None: the gradients are added to `.grad`.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> a, b = x * 2, x ** 2
        >>> retrograd.autograd.backward([a.sum(), b.sum()])
        >>> x.grad
        tensor([4., 6.])
    """
    if in_func_transform():
        raise RuntimeError(
            "backward() called inside a functorch transform. This is not supported, please use functorch.grad or "
            "functorch.vjp instead or call backward() outside of functorch transforms."
        )
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError(
                "`grad_tensors` and `grad_variables` (deprecated) arguments both passed to `backward()`. Please only "
                "use `grad_tensors`."
            )
        grad_tensors = grad_variables
    outputs = _as_tuple(tensors)
    grads = _root_grads(outputs, grad_tensors, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and not _warned["create_graph"]:  # PyTorch warns once per process
        _warned["create_graph"] = True
        warnings.warn(_CREATE_GRAPH_CYCLE, UserWarning, stacklevel=frames_up(3))
    roots = _roots(outputs)
    if inputs is not None:
        inputs = _as_inputs(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        targets: dict[Node, list[int]] = {}
        for t in inputs:
            _check_input(t)
            node, nr = _input_edge(t)
            if node is None:  # PyTorch retains the grad of each input first
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            targets.setdefault(node, []).append(nr)
        captured = run(roots, grads, retain_graph, create_graph, targets, accumulate=True)
        for t in inputs:  # non-leaf inputs get their gradient in .grad, like leaves
            if _is_edge(t):
                continue  # a GradientEdge has no .grad to fill (PyTorch's fills none either)
            node, nr = edge(t)
            g = captured.get((node, nr))
            # (a retain_grad() tensor's hook already put its gradient in .grad while the pass ran)
            if not isinstance(node, AccumulateGrad) and g is not None and not t._retains_grad:
                t._grad = g if t._grad is None else t._grad + g
        return
    run(roots, grads, retain_graph, create_graph)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """d(outputs)/d(inputs) as a tuple, one entry per input; `.grad` fields are untouched.

    Args:
        outputs (Tensor or sequence of Tensor): the outputs to differentiate.
        inputs (Tensor or sequence of Tensor): the tensors to differentiate with respect to (or
            their `autograd.graph.get_gradient_edge`, where the tensor itself is not at hand).
        grad_outputs (Tensor or sequence of Tensor, optional): d(loss)/d(output) for each output
            (may be omitted for outputs with one element).
        retain_graph (bool, optional): keep the graph for another pass (default: `create_graph`).
        create_graph (bool): record the pass, so the result can be differentiated again.
        only_inputs (bool): must be True (deprecated in PyTorch).
        allow_unused (bool, optional): give None for inputs the outputs do not depend on, instead
            of raising.
        is_grads_batched (bool): treat the first dim of `grad_outputs` as a batch (one
            vector-Jacobian product per row).
        materialize_grads (bool): give zeros instead of None for unused inputs.

    Returns:
        tuple of Tensor: the gradient for each input, in order.

    Examples:
        >>> x = retrograd.tensor(3.0, requires_grad=True)
        >>> y = x ** 3
        >>> (dy,) = retrograd.autograd.grad(y, x, create_graph=True)
        >>> dy
        tensor(27., grad_fn=<MulBackward0>)
        >>> retrograd.autograd.grad(dy, x)
        (tensor(18.),)
    """
    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient "
            "for other parts of the graph, please use torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    inputs = _as_inputs(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if is_grads_batched:  # one backward vmapped over dim 0 of the grad_outputs (retrograd.func)
        return _batched_grad(
            outputs, inputs, _as_tuple(grad_outputs), retain_graph, create_graph, allow_unused, materialize_grads
        )
    if _vmap.active:
        _refuse_batched_outputs(outputs)
    grads = _root_grads(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(outputs)
    targets: dict[Node, list[int]] = {}
    edges: list[tuple[Node, int] | None] = []
    for t in inputs:
        _check_input(t)
        node, nr = _input_edge(t)
        if node is None:
            if _is_edge(t) or not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            edges.append(None)  # a view made with recording off: its gradient goes nowhere (unused)
            continue
        targets.setdefault(node, []).append(nr)
        edges.append((node, nr))
    captured = run(roots, grads, retain_graph, create_graph, targets, accumulate=False)
    result = []
    for i, (t, e) in enumerate(zip(inputs, edges)):
        g = captured.get(e) if e is not None else None
        if g is None:
            if materialize_grads:
                if _is_edge(t):  # no tensor to shape the zeros after
                    raise RuntimeError("materialize_grads cannot be used when the given input is a GradientEdge")
                g = _tt.zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)
