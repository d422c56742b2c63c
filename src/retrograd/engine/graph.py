"""The backward graph: nodes (what `grad_fn` is), their edges and saved tensors.

A node is created by an operation whose inputs require grad. It holds an edge
`(node, output_nr)` per input, the tensors its derivative rule reads (and
nothing else), and hooks. Nodes never point back at the tensors they produced,
so a graph is freed as soon as its output is dropped: no reference cycles.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._display_name import package_name
from . import tensor_type as _tt
from .anomaly_mode import anomaly
from .dual_levels import carry as _carry_tangent
from .dual_levels import levels as _dual_levels
from .grad_mode import state
from .inference import NO_VERSION, SAVE_REFUSAL

if TYPE_CHECKING:
    from ..tensor import Tensor

_sequence = itertools.count()

_HOOKS_AFTER_FREE = (
    "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved variables after calling backward."
)
FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class RemovableHandle:
    """Returned by every `register_*hook`; `remove()` unregisters the hook.

    Its `id` is unique across all handles (PyTorch's `handle.id`). A hook kept in a list (tensor
    and node hooks) is removed from it by identity; one kept in an ordered dict under the id
    (module hooks) is dropped there and from the flag dicts (`with_kwargs`, ...) that may hold it.
    """

    __slots__ = ("_hooks", "_hook", "_flags", "id")
    _next_id = 0

    def __init__(self, hooks: list | dict, hook: Any = None, flags: tuple = ()) -> None:
        self._hooks = hooks
        self._hook = hook
        self._flags = flags
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        if isinstance(self._hooks, dict):
            for d in (self._hooks, *self._flags):
                d.pop(self.id, None)
        elif self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:  # where PyTorch keeps the class, as hook-logging code prints it
        return f"<{package_name()}.utils.hooks.RemovableHandle object at {hex(id(self))}>"


def add_keyed_hook(hooks: dict, hook: Callable, prepend: bool = False, flags: tuple = (),
                   extra: tuple = ()) -> RemovableHandle:
    """hooks[new id] = hook (first if `prepend`, hooks being an OrderedDict), the id set True in each of
    `flags`; the handle also clears it from `extra` (flag dicts it might be set in later)."""
    handle = RemovableHandle(hooks, flags=flags + extra)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)  # type: ignore[attr-defined]
    for flag in flags:
        flag[handle.id] = True
    return handle


def _type_string(t: Tensor) -> str:
    return f"[{package_name()}.{t.dtype.legacy_name} [{', '.join(map(str, t.shape))}]]"


def _op_name(node_name: str) -> str:
    """`Exp` for `ExpBackward0`, `Clamp1` for `ClampBackward1`: the op (and overload) a node's output came
    from, as PyTorch's in-place error names it (C++ nodes such as `torch::autograd::CopySlices` whole)."""
    return re.sub(r"Backward0?(?=\d*$)", "", node_name)


def modified_error(t: Tensor, fn: Node | None, nr: int, version: int, expected: int) -> RuntimeError:
    """PyTorch's error for a tensor a backward needs, changed in place since it was saved: `fn`
    and `nr` name the op whose output `nr` it is (None: a leaf or a constant)."""
    where = f", which is output {nr} of {_op_name(fn.name())}," if fn is not None else ""
    if anomaly.enabled:  # the forward stack of the failing node was just shown
        hint = ("the backtrace further above shows the operation that failed to compute its gradient. "
                "The variable in question was changed in there or anywhere later. Good luck!")
    else:
        hint = ("enable anomaly detection to find the operation that failed to compute its gradient, with "
                f"{package_name()}.autograd.set_detect_anomaly(True, check_nan=False).")
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {_type_string(t)}{where} is at version {version}; "
        f"expected version {expected} instead. Hint: {hint}"
    )


_PACK_MODIFIED = (
    "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook cannot be "
    "modified by in-place operations as this can lead to unexpected side-effects. Please open an issue if you need "
    "to perform in-place operations on the input to a pack hook."
)


def _run_pack_hook(pack: Callable[[Tensor], Any], t: Tensor) -> Any:
    """`pack(t)` as PyTorch runs it: with grad mode off (what it computes records no graph), and an
    error when it changed `t` in place."""
    version = t._version_counter.value
    grad_mode, enabled = state.grad_mode, state.enabled
    state.grad_mode = state.enabled = False
    try:
        packed = pack(t)
    finally:
        state.grad_mode, state.enabled = grad_mode, enabled
    if t._version_counter.value != version:
        raise RuntimeError(_PACK_MODIFIED)
    return packed


class SavedTensor:
    """A tensor a derivative rule reads, with the version it had when saved.

    Inputs are kept by reference. An op's own output is kept as bare data and
    rebuilt on unpack with `grad_fn` = the node, so node and output do not
    reference each other.
    """

    __slots__ = ("tensor", "data", "counter", "version", "output_nr", "packed", "unpack_hook", "unpacked", "dual")
    counter: Any  # the tensor's _Version, None once released
    unpacked: Any  # what the unpack hook returned, until released
    # an output saved inside a dual level, whose tangent (set after the op) goes to the rebuilt tensor:
    # forward over reverse differentiates the backward. Kept only there: node and output then form a
    # cycle, which the garbage collector frees
    dual: Tensor | None

    def __init__(self, t: Tensor, is_output: bool) -> None:
        counter = self.counter = t._version_counter
        if counter is NO_VERSION:  # an inference tensor
            raise RuntimeError(SAVE_REFUSAL)
        self.version = counter.value
        self.output_nr = t._output_nr if is_output else -1
        self.tensor = self.data = self.packed = self.unpack_hook = self.unpacked = self.dual = None
        if is_output and _dual_levels.level is not None:
            self.dual = t
        hooks = state.saved_tensors_hooks
        if hooks:  # saved_tensors_hooks (this thread's): the user decides how it is stored
            pack, self.unpack_hook = hooks[-1]
            self.packed = _run_pack_hook(pack, t)
        elif is_output:
            self.data = t._data
        else:
            self.tensor = t

    def unpack(self, node: Node) -> Tensor:
        if self.counter is None:
            raise RuntimeError(FREED_MESSAGE)
        if self.unpack_hook is not None:
            # once until released: a node's rules may read the same saved value more than once
            if self.unpacked is None:
                self.unpacked = self.unpack_hook(self.packed)
            t = self.unpacked
            if self.output_nr >= 0 and state.enabled:
                t = _tt.make(t._data, True, node, self.output_nr)
                return t if self.dual is None else self._with_tangent(t)
            return t
        if self.counter.value != self.version:
            self._raise_modified(node)
        if self.tensor is not None:
            return self.tensor
        t = _tt.make(self.data, True, node, self.output_nr) if state.enabled else _tt.make(self.data)
        return t if self.dual is None else self._with_tangent(t)  # (create_graph: t links back to node)

    def _with_tangent(self, t: Tensor) -> Tensor:
        """`t`, given the saved output's tangent while its dual level lasts."""
        tangent = self.dual._fw_grad  # type: ignore[union-attr]
        if tangent is not None and _dual_levels.level is not None:
            _carry_tangent(t, tangent)
        return t

    def register_hooks(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        """PyTorch's hooks for this one saved tensor (`grad_fn._raw_saved_self.register_hooks`): the
        tensor is packed now, and the backward reads what `unpack_hook` makes of the packed value."""
        if self.counter is None:
            raise RuntimeError(_HOOKS_AFTER_FREE)
        if self.unpack_hook is not None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor whose hooks have already been set. Hint: only one "
                "pair of hooks is allowed at a time."
            )
        t = self.tensor if self.tensor is not None else _tt.make(self.data)
        self.packed = _run_pack_hook(pack_hook, t)
        self.unpack_hook = unpack_hook
        self.tensor = self.data = None

    def array(self, node: Node) -> Any:
        """`unpack(node)._data` without making the tensor (checks and hooks as `unpack`)."""
        if self.unpack_hook is None and self.counter is not None and self.counter.value == self.version:
            return self.data if self.tensor is None else self.tensor._data
        return self.unpack(node)._data

    def _raise_modified(self, node: Node) -> None:
        # PyTorch names the forward op, the node's name without its "Backward0": for an output the
        # op that made it (the node that saved it), for an input the op that last wrote it (its
        # grad_fn now, often the in-place op itself; none for a leaf or a constant)
        if self.tensor is None:
            t, fn, nr = _tt.make(self.data), node, self.output_nr
        else:
            t = self.tensor
            fn, nr = t.grad_fn, t._output_nr
        raise modified_error(t, fn, nr, self.counter.value, self.version)

    def release(self) -> None:
        self.tensor = self.data = self.counter = self.packed = self.unpacked = self.dual = None

    @property
    def nbytes(self) -> int:
        """Bytes of array data this entry keeps alive (0 once released)."""
        source = self.data if self.data is not None else getattr(self.tensor, "_data", None)
        return int(source.nbytes) if source is not None else 0


class Node:
    """A step of the backward graph; `tensor.grad_fn` is one of these.

    Each node computes the gradients of an op's inputs from those of its outputs; `name()`
    gives PyTorch's name for it ("MulBackward0") and `next_functions` holds, per input, the
    (node, output index) pair the gradient goes to next. Nodes are made by ops, not by hand.

    Args:
        next_functions (tuple): the (node, output index) pairs of the op's inputs.

    Returns:
        (Node): the node.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> isinstance(y.grad_fn, retrograd.autograd.graph.Node), y.grad_fn.name()
        (True, 'SumBackward0')
        >>> y.grad_fn.next_functions[0][0].name()
        'MulBackward0'
    """

    __slots__ = (
        "_edges",
        "_input",
        "_input_nr",
        "_seq",
        "_pre_hooks",
        "_post_hooks",
        "_tensor_hooks",
        "_metadata",
        "__weakref__",
    )
    n_outputs = 1
    # built-in rules give no gradient when none comes in, so the engine skips them then; a custom
    # Function's backward runs anyway, as in PyTorch (it sees zeros, or None without materialize_grads)
    runs_without_grads = False
    _edges: tuple | None  # None: one input, in _input and _input_nr
    _input: Node | None
    _input_nr: int

    def __init__(self, next_functions: tuple) -> None:
        self._edges = next_functions
        self._seq = next(_sequence)
        self._pre_hooks: list | None = None
        self._post_hooks: list | None = None
        self._tensor_hooks: list | None = None  # (output_nr, hook) from Tensor.register_hook
        self._metadata: dict | None = None

    @property
    def next_functions(self) -> tuple:
        """Per input, the (node, output index) pair its gradient goes to ((None, 0) for a constant)."""
        edges = self._edges
        if edges is None:  # one input kept in two slots (see `link_input`)
            return ((self._input, self._input_nr),)
        return edges

    @next_functions.setter
    def next_functions(self, edges: tuple) -> None:
        self._edges = edges

    def link_input(self, node: Node | None, output_nr: int) -> None:
        """Set a single input's edge without tuples.

        A node holding tuples is three objects the cyclic garbage collector tracks instead of
        one; a chain of a million ops keeps a million nodes alive, and the collector's full
        passes over them cost more than the ops themselves (W5).
        """
        self._edges = None
        self._input = node
        self._input_nr = output_nr

    @property
    def metadata(self) -> dict:
        """A dict for users' annotations (created on first use)."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def name(self) -> str:
        return type(self).__name__

    def apply(self, grads: list, wanted: Callable[[int], bool] | None) -> tuple:
        """Gradients w.r.t. each input, given gradients w.r.t. each output."""
        raise NotImplementedError

    def release(self) -> None:
        """Drop saved tensors (after a backward without retain_graph)."""

    def register_hook(self, fn: Callable) -> RemovableHandle:
        """`fn(grad_inputs, grad_outputs)` runs after this node; may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        """`fn(grad_outputs)` runs before this node; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return RemovableHandle(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr: int, fn: Callable) -> RemovableHandle:
        hooks, entry = self._keep_tensor_hook(output_nr, fn)
        return RemovableHandle(hooks, entry)

    def _keep_tensor_hook(self, output_nr: int, fn: Callable) -> tuple[list, tuple[int, Callable]]:
        # without a handle: retain_grad's hook takes no handle id, as PyTorch's C++ one takes none
        if self._tensor_hooks is None:
            self._tensor_hooks = []
        entry = (output_nr, fn)
        self._tensor_hooks.append(entry)
        return self._tensor_hooks, entry

    def __call__(self, *grads: Any) -> Any:
        out = self.apply(list(grads), None)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds incoming gradients to `leaf.grad`."""

    __slots__ = ("_variable",)

    def __init__(self, variable: Tensor) -> None:
        super().__init__(())
        self._variable = variable
        self._seq = 1 << 62  # run as soon as ready, as PyTorch does

    @property
    def variable(self) -> Tensor:
        return self._variable

    def name(self) -> str:
        # PyTorch's C++ name for this node; its repr still says <AccumulateGrad object at ...>
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def apply(self, grads: list, wanted: Callable[[int], bool] | None) -> tuple:
        return ()


def grad_accumulator(leaf: Tensor) -> AccumulateGrad:
    """The one AccumulateGrad node of a leaf, held weakly so it does not leak."""
    ref = leaf._grad_acc
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(leaf)
        leaf._grad_acc = weakref.ref(node)
    return node


class saved_tensors_hooks:
    """Inside this block, tensors saved for backward go through `pack_hook` and `unpack_hook`.

    Use it e.g. to compress saved tensors or move them elsewhere until backward needs them.

    Args:
        pack_hook (callable): takes a tensor being saved, returns anything to keep instead.
        unpack_hook (callable): takes what pack_hook returned, returns a tensor equal to the original.

    Returns:
        (saved_tensors_hooks): a context manager.

    Examples:
        >>> from retrograd.autograd.graph import saved_tensors_hooks
        >>> def pack(t):
        ...     print("pack", tuple(t.shape))
        ...     return t
        >>> def unpack(t):
        ...     print("unpack")
        ...     return t
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> with saved_tensors_hooks(pack, unpack):
        ...     y = x * x
        pack (2,)
        pack (2,)
        >>> y.sum().backward()
        unpack
        unpack
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if state.saved_tensors_hooks_disabled is not None:  # inside autograd.graph.disable_saved_tensors_hooks
            raise RuntimeError(state.saved_tensors_hooks_disabled)
        self._outer = state.saved_tensors_hooks
        state.saved_tensors_hooks = self._outer + ((self.pack_hook, self.unpack_hook),)
        return self

    def __exit__(self, *exc: object) -> None:
        state.saved_tensors_hooks = self._outer


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors on the CPU (where retrograd's tensors already live: a copy).

    Args:
        pin_memory (bool): pin the saved copies in PyTorch (no pinned memory here).
        device_type (str): the device type the saved tensors come from (default "cuda").

    Returns:
        (save_on_cpu): a context manager.

    Examples:
        >>> from retrograd.autograd.graph import save_on_cpu
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> with save_on_cpu():
        ...     y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([2., 4.])
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: (t.detach().clone(), t), lambda packed: packed[0])


def graph_stats(t: Tensor) -> dict[str, int]:
    """How big the graph behind `t` is: nodes, saved tensors and the bytes they hold."""
    start = t.grad_fn
    seen: set[int] = set()
    stack = [start] if start is not None else []
    nodes = saved = nbytes = 0
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes += 1
        for entry in _saved_entries(node):
            saved += 1
            nbytes += entry.nbytes
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return {"nodes": nodes, "saved_tensors": saved, "saved_bytes": nbytes}


def _saved_entries(node: Node) -> list[SavedTensor]:
    entries: list[SavedTensor] = []
    for value in list(getattr(node, "saved", {}).values()) + list(getattr(node, "_saved", ())):
        for s in value if isinstance(value, tuple) else (value,):
            if isinstance(s, SavedTensor):
                entries.append(s)
    return entries
