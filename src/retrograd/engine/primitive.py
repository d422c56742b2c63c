"""Primitive operations: a forward on arrays and one derivative rule per input.

A `Primitive` is the unit every differentiable op is built from. Its forward
takes the backend module and input arrays; each derivative takes the incoming
gradient and, *by parameter name*, what it reads: input tensors (`a`, `b`), the
output (`out`), an input's shape (`a_shape`) or a keyword attribute of the call
(`dim`). Names are read once, when the primitive is defined, so a node saves
exactly the tensors its rules read and nothing more.

Rules are written with retrograd's own ops, so they are differentiable: under
`create_graph=True` they record a graph like any other code; otherwise the
engine runs them with recording off. Broadcasting and dtype are undone here,
once, not in each rule.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

import numpy

from .. import backend
from ..backend import meta
from ..backend.sparse import SparseCOO, SparseUnsupported
from ..backend.sparse_compressed import SparseCompressed
from . import bfloat16 as _bf16
from . import numpy_errors
from . import tensor_type as _tt
from .anomaly_mode import anomaly as _anomaly
from .anomaly_mode import check_forward, record_stack
from .fit import fit as _fit
from .fit import zeros_for as _zeros_for
from .forward_ad import levels as _fw_levels
from .forward_ad import propagate as _propagate_tangents
from .grad_mode import state
from .graph import FREED_MESSAGE, Node, SavedTensor, _sequence
from .saved_attributes import expose, saved_names
from .views import edge, link_view
from .vmap_hook import NOT_BATCHED
from .vmap_hook import hook as _vmap
from .wide_sum import leading_sum

if TYPE_CHECKING:
    from ..tensor import Tensor

Rule = Callable[..., Any]


class Primitive:
    """One op: `forward(xp, *arrays, **attrs)` and a derivative rule per input.

    `inputs` names the tensor arguments; `derivatives[i]` is the rule for input i
    (None where the op is not differentiable in it). `n_outputs > 1` makes the
    forward return that many arrays and the rules receive a tuple of gradients.
    `extras` names arrays the forward returns after its outputs (indices, masks);
    rules read them like attributes. `view=True` marks ops whose output may share
    memory with input 0. `constant_edges` adds empty edges for operands that are
    Python numbers, so `next_functions` looks like PyTorch's. `joint=True` takes ONE rule
    that returns every input's gradient at once, for ops whose input gradients come out of
    one shared computation (a recurrence's backward through time). NumPy's floating-point
    warnings from ufuncs called in retrograd's modules are silenced by the package's
    warnings filter (backend/numpy_warnings.py), at no cost; `quiet=True` (an errstate around the
    forward, ~1-2 µs) is only for forwards that call NumPy's Python-level functions
    (linalg, nan-reductions), whose warnings come from NumPy's own modules.

    `holomorphic=True` marks ops whose rules are written for real inputs (transposes, no
    conjugates) and whose forward is holomorphic in each input (products, inverses,
    determinants): for a complex gradient the engine runs conj(rule(conj g)), PyTorch's
    convention for holomorphic functions, so the rule needs no complex case of its own.

    `saves_number=True` marks ops whose attributes PyTorch saves as tensors (the number of `x * 3`
    or `x / 3`, a sparse constructor's indices): a second backward through the freed node raises
    there, so it does here.

    `array_rules` (optional, one per input, None where there is none) compute what the rules
    compute, on arrays: `rule(xp, g, *reads)` with the same saved values and attributes as the
    rule of that input, by name, then any of the `extras` (what the forward kept for them). The
    engine runs them for a plain first-order backward (nothing records it: no `create_graph`, no
    `retrograd.compile` recording, no forward-mode tangents, no vmap batch) of one real dtype,
    where a rule's op calls would cost more than the arithmetic of a small model's step. Each
    must call the very kernels its rule's ops call, in the same order, so both give the same
    bits (compiled steps record the rules). They run inside the backward pass's errstate, so
    they may call a quiet primitive's kernel without the primitive's own.

    `half_forward` (optional) replaces the usual float16/bfloat16 path
    (compute in float32, round the result once; see engine/bfloat16.py) for kernels where
    PyTorch also rounds an intermediate value to the input's dtype (log_softmax's row sums, float16
    sigmoid_backward's steps): `half_forward(xp, *arrays, **attrs)` receives the half arrays and
    returns the half result.

    `into` (optional) is the forward written into a given array: `into(xp, *arrays, *attrs, out)`,
    with the forward's parameters and then `out`, an array of the result's shape, dtype and
    layout. Only generated code (retrograd.compile) calls it, passing an input that dies at this
    op, so the op allocates nothing; it must give the forward's bits. Eager calls never do: an
    input there may still be held elsewhere.

    `linear=True` marks ops whose forward is linear in every input and whose PyTorch jvp is the op
    itself (cat, stack, sum, mean): an output's forward-mode tangent is then the op applied to the
    inputs' tangents (zeros where an input has none), instead of one extra backward through the
    rules, whose summed zero-padded pieces turn a -0.0 tangent entry into +0.0 and whose last node
    is not the op's (a tangent that depends on a parameter shows PyTorch's `SumBackward0`).
    """

    __slots__ = (
        "name",
        "node_name",
        "forward",
        "derivatives",
        "inputs",
        "reads",
        "n_outputs",
        "extras",
        "view",
        "saves",
        "saves_any",
        "constant_edges",
        "multi_output_view",
        "storage_view",
        "saves_number",
        "node_class",
        "single",
        "joint",
        "array_rules",
        "array_reads",
        "half_forward",
        "attributes",
        "into",
        "linear",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        derivatives: Sequence[Rule | None],
        *,
        inputs: Sequence[str] = ("a",),
        node_name: str | None = None,
        n_outputs: int = 1,
        extras: Sequence[str] = (),
        view: bool = False,
        quiet: bool = False,
        constant_edges: int = 0,
        joint: bool = False,
        array_rules: Sequence[Rule | None] = (),
        holomorphic: bool = False,
        saves_number: bool = False,
        half_forward: Callable[..., Any] | None = None,
        into: Callable[..., Any] | None = None,
        linear: bool = False,
    ) -> None:
        if joint:  # the one rule stands for every input (and reads what all of them need)
            derivatives = tuple(derivatives) * len(inputs)
        if "out" in inputs:
            raise ValueError(f"{name}: an input may not be called 'out' (rules read the output by that name)")
        if len(derivatives) != len(inputs):
            raise ValueError(f"{name}: one derivative per input ({inputs}) is required")
        self.name = name
        self.node_name = node_name or _camel(name) + "Backward0"
        self.node_class: type[OpNode] | None = None  # made on the first recording: most ops of a program never record
        self.attributes = _attribute_names(forward, inputs) + tuple(extras)
        self.joint = joint
        self.linear = linear
        self.single = len(inputs) == 1 and n_outputs == 1 and not joint  # OpNode.apply's short path
        _register(self, forward)
        self.forward = _quiet(forward) if quiet else forward
        self.derivatives = tuple(derivatives)
        self.inputs = tuple(inputs)
        self.reads = tuple(_parameter_names(r) for r in self.derivatives)
        if holomorphic:
            self.derivatives = tuple(_conjugating(r) for r in self.derivatives)
        # per input: the saved values its rule reads (input names or "out")
        names = set(self.inputs)
        self.saves = tuple(tuple(n for n in reads if n == "out" or n in names) for reads in self.reads)
        self.saves_any = any(self.saves)
        self.n_outputs = n_outputs
        self.extras = tuple(extras)
        self.view = view
        self.constant_edges = ((None, 0),) * constant_edges
        # set on the view steps of split/unbind pieces: PyTorch forbids in-place changes to them
        self.multi_output_view = False
        # set on as_strided: its view is placed by storage offset and strides, not by element
        # positions, so a recipe with it cannot be replayed on a tensor laid out otherwise (a gradient)
        self.storage_view = False
        self.saves_number = saves_number
        self.array_rules = _checked_array_rules(self, tuple(array_rules)) if array_rules else None
        self.half_forward = _quiet(half_forward) if quiet and half_forward is not None else half_forward
        self.array_reads = tuple(_parameter_names(r)[1:] for r in array_rules)  # after (xp, g)
        if into is not None and _parameter_names(into) != _parameter_names(forward) + ("out",):
            raise ValueError(f"{name}: `into` takes the forward's parameters and then `out`")
        self.into = into

    def __call__(self, *tensors: Tensor, **attrs: Any) -> Any:
        """Run the forward; record a node when grad mode is on and an input requires grad."""
        if _vmap.active:  # inside vmap: batched inputs go to their batching rule
            out = _vmap.dispatch(self, tensors, attrs)  # type: ignore[misc]
            if out is not NOT_BATCHED:
                return out
        first = tensors[0]
        try:  # free in Python 3.11 unless it raises
            data = first._data
        except AttributeError:
            raise _argument_error(self.name, tensors) from None
        xp = _NAMESPACES.get(type(data)) or backend.namespace(data)
        # one and two inputs spelled out: nearly every call, and they need no list or generator
        try:
            if len(tensors) == 1:
                if (data.dtype is _BF16 or data.dtype is _F16) and not self.view and type(data) not in _PAYLOADS:
                    half = self.half_forward  # in float32, rounded once (or rounded where PyTorch's kernel rounds)
                    if half is None:
                        result = _bf16.forward(self.forward, xp, (data,), attrs)
                    else:
                        result = half(xp, data, **attrs)
                else:
                    result = self.forward(xp, data, **attrs)
                record = first._requires_grad and state.enabled
            elif len(tensors) == 2:
                second = tensors[1]
                if type(second._data) is not type(data) or (  # on two devices? (engine.devices)
                    xp is not numpy and second._data.device != data.device
                ):
                    first, second = tensors = align_devices(self.name, tensors)
                    data = first._data
                    xp = backend.namespace(data)
                if (data.dtype is _BF16 or data.dtype is _F16 or second._data.dtype is _BF16
                        or second._data.dtype is _F16) and not self.view:
                    half = self.half_forward
                    if half is None:
                        result = _bf16.forward(self.forward, xp, (data, second._data), attrs)
                    else:
                        result = half(xp, data, second._data, **attrs)
                else:
                    result = self.forward(xp, data, second._data, **attrs)
                record = (first._requires_grad or second._requires_grad) and state.enabled
            else:
                if any(type(t._data) is not type(data) for t in tensors) or (  # on several devices?
                    xp is not numpy and any(t._data.device != data.device for t in tensors)
                ):
                    tensors = align_devices(self.name, tensors)
                    xp = backend.namespace(tensors[0]._data)
                arrays = tuple([t._data for t in tensors])
                if not self.view and any(a.dtype is _BF16 or a.dtype is _F16 for a in arrays):
                    half = self.half_forward
                    if half is None:
                        result = _bf16.forward(self.forward, xp, arrays, attrs)
                    else:
                        result = half(xp, *arrays, **attrs)
                else:
                    result = self.forward(xp, *arrays, **attrs)
                record = state.enabled and any(t._requires_grad for t in tensors)
        except ValueError as e:  # NumPy's broadcast failure: PyTorch's RuntimeError instead
            raise numpy_errors.translate(e, [t._data for t in tensors] + list(attrs.values())) from None
        except AttributeError:  # an input that is not a tensor (None, a string...)
            raise _argument_error(self.name, tensors) from None
        except RuntimeWarning:  # NumPy's floating-point warning, made an error by a user's filter
            return _silently(self, tensors, attrs)
        except SparseUnsupported:  # a sparse COO input refused the dense forward (backend/sparse.py)
            return sparse_kernel(self, tensors, attrs)
        return self._wrap(xp, tensors, result, attrs, record)

    def first_node_class(self) -> type[OpNode]:
        """The class of this op's nodes, looked up (made, for a new name) and kept when it first records;
        the node base class learns the op's saved-value names then (`grad_fn._saved_self`, ...)."""
        expose(OpNode, self.inputs, self.attributes)
        self.node_class = node_class(self.node_name)
        return self.node_class

    def scalar(self, t: Tensor, c: Any) -> Tensor:
        """`self(t, c=c)` for ops whose forward is `(xp, a, c)`: a tensor and a Python number.

        Passing `c` by position skips packing and unpacking keyword arguments, about a
        fifth of what `x * 2` costs; the attribute dict is built only if a node or a
        tangent needs it.
        """
        if _vmap.active:
            return self(t, c=c)
        try:  # free in Python 3.11 unless it raises
            data = t._data
        except AttributeError:
            raise _argument_error(self.name, (t,)) from None
        xp = _NAMESPACES.get(type(data)) or backend.namespace(data)
        try:
            if data.dtype is _BF16 or data.dtype is _F16:
                result = _bf16.forward(self.forward, xp, (data,), {}, (c,))
            elif data.ndim == 0 and xp is numpy:
                # NumPy's scalar arithmetic is ~8x cheaper than its ufunc path for 0-d arrays, with
                # the same IEEE result: compute on the element, then wrap it back into a 0-d array
                result = numpy.asarray(self.forward(xp, data[()], c))
            else:
                result = self.forward(xp, data, c)
        except RuntimeWarning:  # as in __call__
            return _silently(self, (t,), {"c": c})
        except SparseUnsupported:
            return sparse_kernel(self, (t,), {"c": c})
        if type(result) is not xp.ndarray:
            result = xp.asarray(result)
        if _fw_levels.level is not None or _anomaly.enabled or tracer is not None:
            return self._wrap(xp, (t,), result, {"c": c}, t._requires_grad and state.enabled)
        if t._requires_grad and state.enabled and not self.saves_any:
            out = _make(result, True)
            out._grad_fn = _scalar_node(self, t, c)
            return out
        if t._requires_grad and state.enabled:
            return self._wrap(xp, (t,), result, {"c": c}, True)
        return _make(result)

    def _wrap(self, xp: Any, tensors: tuple, result: Any, attrs: dict, record: bool) -> Any:
        """Tensors for the forward's arrays, plus the node, view link, tangents and anomaly check."""
        if self.extras:
            k = self.n_outputs
            extra = result[k:]
            result = result[0] if k == 1 else result[:k]
            attrs.update(zip(self.extras, extra))
        if self.n_outputs == 1:
            if type(result) is not xp.ndarray and (type(result) not in _NAMESPACES or xp is meta.xp):
                result = xp.asarray(result)  # NumPy reductions and 0-d arithmetic return scalars
            out = _make(result, record)
            outs: tuple = (out,)
        else:
            outs = tuple(_make(xp.asarray(r), record, None, i) for i, r in enumerate(result))
            out = outs  # type: ignore[assignment]
        if self.view and (result.size == 0 or xp.may_share_memory(result, tensors[0]._data)):
            link_view(out, tensors[0], self, attrs)
        if record:
            node = (self.node_class or self.first_node_class())(self, tensors, outs, attrs)
            for o in outs:
                o._grad_fn = node
        if (
            _fw_levels.level is not None
            and not state.computing_tangents
            and not state.inference  # inference mode turns forward AD off too, as in PyTorch
            and any(t._fw_grad is not None or (t._base is not None and t._base._fw_grad is not None) for t in tensors)
        ):
            _propagate_tangents(self, tensors, outs, attrs)
        if _anomaly.enabled:
            _watch(self, tensors, outs)
        if tracer is not None:
            tracer(self, tensors, outs, attrs)
        if observer is not None:
            observer(self, tensors, outs, attrs)
        return out


def align_devices(name: str, tensors: tuple) -> tuple:
    """Inputs moved onto one device or PyTorch's mixed-device error (engine.devices installs it)."""
    return tensors


# primitive name -> the sparse op run instead when a sparse COO input refuses the dense forward,
# `kernel(tensors, attrs)`; filled by the modules of ops/sparse as they load (they register here,
# as tensor.py registers the Tensor class, so the engine imports nothing above it)
_PAYLOADS = (SparseCOO, SparseCompressed)  # the sparse layouts' `_data`: no array rules run on them

SPARSE_KERNELS: dict[str, Callable[[tuple, dict], Any]] = {}
# imports the sparse ops, which fill these tables; set by `retrograd.ops` (they load on first use:
# a program without sparse tensors never imports them)
load_sparse_ops: Callable[[], Any] | None = None


# primitive name -> the kernel that runs the primitive itself on a sparse input's coalesced values,
# `kernel(prim, tensors, attrs)`: the ops with f(0) = 0 (abs, sqrt, tanh, ...); filled by ops/sparse too
SPARSE_VALUEWISE: dict[str, Callable[[Primitive, tuple, dict], Any]] = {}


def sparse_kernel(prim: Primitive, tensors: tuple, attrs: dict) -> Any:
    """`prim` on sparse COO inputs: the sparse op registered for its name, else PyTorch's error for
    an operator the SparseCPU backend lacks."""
    if not all(isinstance(t, _tt.Tensor) for t in tensors):
        raise NotImplementedError(SPARSE_MISSING.format(prim.name)) from None  # not chained to the refusal
    if not SPARSE_KERNELS and load_sparse_ops is not None:  # a sparse payload made without them (zeros(layout=))
        load_sparse_ops()
    compressed = [t for t in tensors if type(t._data) is SparseCompressed]
    if compressed:
        return compressed_kernel(prim, tensors, attrs, compressed[0]._data.layout)
    kernel = SPARSE_KERNELS.get(prim.name)
    if kernel is not None:
        return kernel(tensors, attrs)
    valuewise = SPARSE_VALUEWISE.get(prim.name)
    if valuewise is None:
        raise NotImplementedError(SPARSE_MISSING.format(prim.name)) from None  # not chained to the refusal
    return valuewise(prim, tensors, attrs)


# primitive name -> the op run instead when a sparse CSR/CSC input refuses the dense forward, as
# SPARSE_KERNELS (filled by ops/sparse/compressed*.py); COMPRESSED_VALUEWISE as SPARSE_VALUEWISE
COMPRESSED_KERNELS: dict[str, Callable[[tuple, dict], Any]] = {}
COMPRESSED_VALUEWISE: dict[str, Callable[[Primitive, tuple, dict], Any]] = {}

# the primitives PyTorch refuses on a compressed tensor from its dispatcher (NotImplementedError);
# the others (exp, sigmoid, sum over a dim, ...) refuse it inside their kernel (RuntimeError)
_COMPRESSED_UNDISPATCHED = (
    "view", "reshape", "as_strided", "expand", "permute", "index", "index_put_", "copy_", "index_select",
)


def compressed_kernel(prim: Primitive, tensors: tuple, attrs: dict, layout: str) -> Any:
    """`prim` with a sparse CSR/CSC input: the compressed op registered for it, else PyTorch's error."""
    kernel = COMPRESSED_KERNELS.get(prim.name)
    if kernel is not None:
        return kernel(tensors, attrs)
    valuewise = COMPRESSED_VALUEWISE.get(prim.name)
    if valuewise is not None:
        return valuewise(prim, tensors, attrs)
    backend_name = "SparseCsrCPU"
    if prim.name in _COMPRESSED_UNDISPATCHED:
        raise NotImplementedError(SPARSE_MISSING.format(prim.name).replace("'SparseCPU'", f"'{backend_name}'"))
    raise RuntimeError("unsupported tensor layout: " + ("SparseCsr" if layout == "sparse_csr" else "SparseCsc"))


SPARSE_MISSING = (
    "Could not run 'aten::{0}' with arguments from the 'SparseCPU' backend. This could be because the operator "
    "doesn't exist for this backend, or was omitted during the selective/custom build process (if using custom build)."
)


def _argument_error(name: str, tensors: tuple) -> BaseException:
    """PyTorch's TypeError naming the first argument that is not a tensor (the error itself if all are)."""
    for i, t in enumerate(tensors):
        if not hasattr(t, "_data"):
            argument = "input" if i == 0 else "other"
            return TypeError(f"{name}(): argument '{argument}' (position {i + 1}) must be Tensor, not {type_name(t)}")
    return sys.exc_info()[1] or RuntimeError(f"{name}(): bad arguments")


_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a `class` statement


def type_name(value: Any) -> str:
    """How PyTorch's argument errors name a value's type, its C `tp_name`: `float`, `numpy.ndarray`,
    `decimal.Decimal` for types written in C, the bare name (`Fraction`, a user's `Foo`) for classes."""
    kind = type(value)
    if kind.__flags__ & _HEAP_TYPE or kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__}.{kind.__name__}"


def not_a_tensor(name: str, value: Any, argument: str = "input", position: int = 1) -> TypeError:
    """PyTorch's TypeError for a non-tensor where an op takes a tensor."""
    return TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not {type_name(value)}")


def _watch(prim: Primitive, inputs: tuple, outputs: tuple) -> None:
    """Anomaly mode: remember where the node was made; optionally check the forward."""
    node = outputs[0]._grad_fn
    if node is not None:
        node.metadata["traceback_"] = record_stack()
    if _anomaly.check_forward:
        check_forward(prim, inputs, outputs)


def _silently(prim: Primitive, tensors: tuple, attrs: dict) -> Any:
    """`prim` run again with NumPy's floating-point warnings off.

    PyTorch computes inf and nan without a word. retrograd's warnings filter hides NumPy's
    warnings at no cost per op, but a user's filter comes first: under `-W error` (pytest's
    `filterwarnings = error`) a log(0) would raise. Forwards are pure, so running one again is
    safe; this path costs nothing until such a warning is raised. Called while the warning is
    being handled: one raised with NumPy's warnings already off is another's, and goes on.
    """
    if all(action == "ignore" for action in numpy.geterr().values()):
        raise  # noqa: PLE0704  (re-raises the warning being handled)
    with numpy.errstate(all="ignore"):
        return prim(*tensors, **attrs)


def _quiet(forward: Callable[..., Any]) -> Callable[..., Any]:
    def quiet_forward(xp: Any, *args: Any, **kwargs: Any) -> Any:
        with numpy.errstate(all="ignore"):
            return forward(xp, *args, **kwargs)

    quiet_forward.__wrapped__ = forward  # type: ignore[attr-defined]  # the forward as written
    return quiet_forward


# Every primitive made so far, with the call stack that made it (innermost first, up to the
# module-level statement): `python -m retrograd.ops.rules` reads it. Primitives made again and
# again (per call, or per operand count) from the same place are kept once.
Site = tuple[str, int, str]  # file, line, function
_DEFINED: dict[tuple, tuple[Primitive, tuple[Site, ...]]] = {}


def _register(prim: Primitive, forward: Callable[..., Any]) -> None:
    frame: FrameType | None = sys._getframe(2)  # whoever called Primitive(...)
    sites: list[Site] = []
    while frame is not None and len(sites) < 6:
        code = frame.f_code
        sites.append((code.co_filename, frame.f_lineno, code.co_name))
        if code.co_name == "<module>":
            break
        frame = frame.f_back
    key = (getattr(forward, "__code__", forward), prim.node_name, sites[0][:2])
    if key not in _DEFINED:
        _DEFINED[key] = (prim, tuple(sites))


def defined() -> list[tuple[Primitive, tuple[Site, ...]]]:
    """Every distinct primitive made so far, in the order made, with where it was made."""
    return list(_DEFINED.values())


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _one_real_dtype(dt: Any, dtypes: tuple) -> bool:
    """Whether a gradient of dtype `dt` meets inputs of that same real dtype: no promotion to work out.

    Not float16 (nor bfloat16, kind "V"): its rules run as primitives, in float32 rounded once
    (engine/bfloat16.py), where NumPy's kernels would compute in float16."""
    if dt.kind != "f" or dt is _F16:
        return False
    for d in dtypes:
        if d != dt:
            return False
    return True


def _checked_array_rules(prim: Primitive, rules: tuple) -> tuple:
    """`rules` if each reads what its input's rule reads (by name, after `xp, g`), else ValueError."""
    if prim.n_outputs != 1 or prim.joint or len(rules) != len(prim.inputs):
        raise ValueError(f"{prim.name}: array rules need one output and one rule (or None) per input")
    for rule, reads in zip(rules, prim.reads):
        names = _parameter_names(rule)[1:]
        if rule is not None and (names[: len(reads)] != reads or any(n not in prim.extras for n in names[len(reads):])):
            raise ValueError(f"{prim.name}: an array rule must read {reads} after (xp, g), then extras only")
    return rules


def _conjugating(rule: Rule | None) -> Rule | None:
    """`rule` for a holomorphic op, extended to complex gradients as conj(rule(conj g, ...))."""
    if rule is None:
        return None

    def conjugated(g: Any, *reads: Any) -> Any:
        if not _any_complex(g):
            return rule(g, *reads)
        return _conj(rule(_conj(g), *reads))

    return conjugated


def _any_complex(g: Any) -> bool:
    if type(g) is tuple:  # the gradients of several outputs
        return any(x is not None and x._data.dtype.kind == "c" for x in g)
    return g._data.dtype.kind == "c"


def _conj(g: Any) -> Any:
    if type(g) is tuple:  # several outputs' gradients, or a joint rule's results
        return tuple(None if x is None else x.conj() for x in g)
    return None if g is None else g.conj()


def _attribute_names(forward: Callable[..., Any], inputs: Sequence[str]) -> tuple[str, ...]:
    """The keyword attributes a forward `(xp, *inputs, **attributes)` takes, by name."""
    code = getattr(forward, "__code__", None)
    if code is None:
        return ()
    names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
    return tuple(n for n in names if n not in inputs)


def _parameter_names(rule: Rule | None) -> tuple[str, ...]:
    if rule is None:
        return ()
    code = rule.__code__
    return code.co_varnames[1 : code.co_argcount]  # skip the gradient argument


_NAMESPACES = backend._NAMESPACES
_BF16 = _bf16.BF16
_F16 = _bf16.F16
# retrograd.compiler sets this while it records a function (in any thread; the tracer itself
# checks which): called as tracer(primitive, input tensors, output tensors, attrs) after each op,
# and tracer.graph_break(reason) by code that changes state the recording cannot replay
tracer: Any = None  # the compiler's recording (retrograd.compiler._trace), while one runs
# utils.flop_counter sets this while a FlopCounterMode is open: called as
# observer(primitive, input tensors, output tensors, attrs) after each op; None costs one read
observer: Any = None
_make: Callable[..., Tensor] = None  # type: ignore[assignment]  # Tensor._make, bound on first import of tensor


def _scalar_node(op: Primitive, t: Tensor, c: Any) -> OpNode:
    """OpNode(op, (t,), (out,), {"c": c}) for a tensor-and-number op that saves nothing.

    The same fields as OpNode.__init__ fills, set directly: W1-style chains of scalar ops
    create one of these per op, and the general constructor's branches cost ~30% of it.
    """
    node = _new_node(op.node_class or op.first_node_class())
    fn = t._grad_fn
    if fn is not None and t._base is None:
        node._edges = None  # node.link_input(fn, nr) written out
        node._input = fn
        node._input_nr = t._output_nr
    else:
        node.link_input(*edge(t))
    node._seq = next(_sequence)
    node._pre_hooks = node._post_hooks = node._tensor_hooks = node._metadata = None
    node.op = op
    node.n_outputs = 1
    node.attrs = {"c": c}
    a = t._data
    node.shapes = (a.shape,)
    node.dtypes = (a.dtype,)
    node.out_meta = None
    node.saved = _NOTHING_SAVED  # shared: nothing writes into a node's empty saved mapping
    return node


_new_node = object.__new__
_NOTHING_SAVED: dict = {}


class OpNode(Node):
    """The node a Primitive records: saved tensors, attributes and input metadata."""

    __slots__ = ("op", "saved", "attrs", "shapes", "dtypes", "out_meta", "n_outputs")
    shapes: tuple
    dtypes: tuple

    def __init__(self, op: Primitive, inputs: Sequence[Tensor], outputs: tuple, attrs: dict) -> None:
        # Node.__init__ written out, and one and two inputs without comprehensions: this runs
        # once per recorded op, so every call counts
        if len(inputs) == 1:
            a = inputs[0]._data
            edges: tuple = (edge(inputs[0]),)
            self.shapes = (a.shape,)
            self.dtypes = (a.dtype,)
        elif len(inputs) == 2:
            a = inputs[0]._data
            b = inputs[1]._data
            edges = (edge(inputs[0]), edge(inputs[1]))
            self.shapes = (a.shape, b.shape)
            self.dtypes = (a.dtype, b.dtype)
        else:
            edges = tuple([edge(t) for t in inputs])
            self.shapes = tuple([t._data.shape for t in inputs])
            self.dtypes = tuple([t._data.dtype for t in inputs])
        if op.constant_edges:
            edges += op.constant_edges
        self._edges = edges
        self._seq = next(_sequence)
        self._pre_hooks = self._post_hooks = self._tensor_hooks = self._metadata = None
        self.op = op
        self.n_outputs = op.n_outputs
        self.attrs = attrs
        self.out_meta = tuple((o._data.shape, o._data.dtype) for o in outputs) if len(outputs) > 1 else None
        saved: dict[str, Any] = {}
        if op.saves_any:
            for i, names in enumerate(op.saves):
                if names and edges[i][0] is not None:
                    for name in names:
                        if name in saved:
                            continue
                        if name == "out":
                            saved[name] = tuple([SavedTensor(o, True) for o in outputs])
                        else:
                            saved[name] = SavedTensor(inputs[op.inputs.index(name)], False)
        self.saved = saved

    def __dir__(self) -> list[str]:
        # the class carries a property for every saved-value name of every op (`expose`): list
        # only the ones this node answers
        names = [n for n in super().__dir__() if not n.startswith(("_saved_", "_raw_saved_"))]
        return sorted(set(names) | set(saved_names(self)))

    @property
    def next_functions(self) -> tuple:
        """Per input, the (node, output index) pair its gradient goes to; (None, 0) for constants."""
        edges = self._edges
        if edges is None:  # one input in two slots (`link_input`), then the op's constant operands
            return ((self._input, self._input_nr),) + self.op.constant_edges
        return edges

    @next_functions.setter
    def next_functions(self, edges: tuple) -> None:
        self._edges = edges

    def _lookup(self, name: str) -> Any:
        attrs = self.attrs
        if name in attrs:
            return attrs[name]
        saved = self.saved.get(name)
        if saved is not None:
            if name == "out":
                outs = tuple(s.unpack(self) for s in saved)
                return outs[0] if len(outs) == 1 else outs
            return saved.unpack(self)
        if name.endswith("_shape"):
            return self.shapes[self.op.inputs.index(name[:-6])]
        raise RuntimeError(f"{self.name()}: saved value {name!r} is not available")

    def apply(self, grads: list, wanted: Callable[[int], bool] | None) -> tuple:
        op = self.op
        if op.array_rules is not None and not state.enabled and tracer is None and _fw_levels.level is None:
            g = grads[0]
            # (not a vmap batch, nor a sparse gradient, which the tensor rules hand to the sparse kernels)
            if type(g) is _tt.Tensor and type(g._data) not in _PAYLOADS and _one_real_dtype(g._data.dtype, self.dtypes):
                return self._apply_arrays(g, wanted)
        if op.single:  # one input and one output, as most ops: the loop below written out
            rule = op.derivatives[0]
            edges = self._edges  # next_functions without the property: None is one input in two slots
            first = self._input if edges is None else edges[0][0]
            if rule is None or first is None or (wanted and not wanted(0)):
                return (None,)
            reads = op.reads[0]
            if not reads:
                grad = rule(grads[0])
            elif len(reads) == 1:
                name = reads[0]
                attrs = self.attrs
                grad = rule(grads[0], attrs[name] if name in attrs else self._lookup(name))
            else:
                grad = rule(grads[0], *[self._lookup(n) for n in reads])
            if grad is not None:
                data = grad._data
                if data.shape != self.shapes[0] or data.dtype != self.dtypes[0]:
                    grad = _fit(grad, self.shapes[0], self.dtypes[0], self, 0)
            return (grad,)
        if op.n_outputs == 1:
            g = grads[0]
        else:
            like = next(x for x in grads if x is not None)
            g = tuple(_zeros_for(self, i, x, like) for i, x in enumerate(grads))
        edges = self.next_functions
        results: list = []
        if op.joint:
            joint_rule = op.derivatives[0]
            assert joint_rule is not None  # a joint primitive is made with its one rule
            grads = joint_rule(g, *[self._lookup(n) for n in op.reads[0]])
            for i, grad in enumerate(grads):
                if grad is None or edges[i][0] is None or (wanted and not wanted(i)):
                    results.append(None)
                    continue
                data = grad._data
                if data.shape != self.shapes[i] or data.dtype != self.dtypes[i]:
                    grad = _fit(grad, self.shapes[i], self.dtypes[i], self, i)
                results.append(grad)
            return tuple(results)
        for i, rule in enumerate(op.derivatives):
            if rule is None or edges[i][0] is None or (wanted and not wanted(i)):
                results.append(None)
                continue
            reads = op.reads[i]
            # no reads and one read spelled out: they need no argument list
            if not reads:
                grad = rule(g)
            elif len(reads) == 1:
                grad = rule(g, self._lookup(reads[0]))
            else:
                grad = rule(g, *[self._lookup(n) for n in reads])
            if grad is not None:
                data = grad._data
                if data.shape != self.shapes[i] or data.dtype != self.dtypes[i]:
                    grad = _fit(grad, self.shapes[i], self.dtypes[i], self, i)
            results.append(grad)
        return tuple(results)

    def _apply_arrays(self, g: Tensor, wanted: Callable[[int], bool] | None) -> tuple:
        """`apply` by the op's array rules: the same gradients, without an op call per rule.

        An array rule may return NotImplemented for a case it leaves to its rule.
        """
        op = self.op
        edges = self._edges
        if edges is None:  # one input in two slots (`link_input`)
            edges = self.next_functions
        a = g._data
        xp = _NAMESPACES.get(type(a)) or backend.namespace(a)
        attrs = self.attrs
        results: list = []
        for i, rule in enumerate(op.array_rules):  # type: ignore[arg-type]
            if rule is None or edges[i][0] is None or (wanted and not wanted(i)):
                results.append(None)
                continue
            args = []
            for name in op.array_reads[i]:  # attributes as they are, saved tensors as their arrays
                if name in attrs:
                    args.append(attrs[name])
                    continue
                saved = self.saved.get(name)
                if type(saved) is tuple and len(saved) == 1:  # the output of a one-output op
                    saved = saved[0]
                if type(saved) is SavedTensor:
                    args.append(saved.array(self))  # no tensor around it
                else:
                    value = self._lookup(name)
                    args.append(value._data if isinstance(value, _tt.Tensor) else value)
            data = rule(xp, a, *args)
            if data is NotImplemented:
                grad = op.derivatives[i](g, *[self._lookup(n) for n in op.reads[i]])  # type: ignore[misc]
                if grad is None:
                    results.append(None)
                    continue
                data = grad._data
            else:
                if type(data) is not type(a):
                    data = xp.asarray(data)  # NumPy's 0-d arithmetic gives scalars
                grad = _make(data)
            shape = self.shapes[i]
            if data.shape != shape or data.dtype != self.dtypes[i]:
                if data.shape[1:] == shape and data.dtype == self.dtypes[i] and type(data) is numpy.ndarray:
                    grad = _make(leading_sum(data, 1).reshape(shape))  # a bias: `fit`'s sum, without a tensor
                else:
                    grad = _fit(grad, shape, self.dtypes[i], self, i)
            results.append(grad)
        return tuple(results)

    def release(self) -> None:
        if self.op.saves_number:
            self.attrs = _FREED_NUMBER
        if not self.saved:
            return
        for s in self.saved.values():
            for x in s if isinstance(s, tuple) else (s,):
                x.release()

    @property
    def _saved_tensors(self) -> tuple:
        return tuple(self._lookup(n) for n in self.saved)


class _FreedNumber(dict):
    """A released node's attributes where PyTorch would have freed the saved number: reading raises."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError(FREED_MESSAGE)


_FREED_NUMBER = _FreedNumber()
_NODE_CLASSES: dict[str, type[OpNode]] = {}


def node_class(node_name: str) -> type[OpNode]:
    """The OpNode subclass named like PyTorch's node (`type(y.grad_fn).__name__ == "MulBackward0"`).

    One class per name, shared by the primitives that record it; it adds nothing but the name.
    """
    cls = _NODE_CLASSES.get(node_name)
    if cls is None:
        cls = _NODE_CLASSES[node_name] = _new_node_class(node_name)
    return cls


# C++ nodes PyTorch binds no Python class for: their type is CppFunction
_UNBOUND_CPP_NODES = frozenset({"torch::autograd::Identity"})


def _new_node_class(node_name: str) -> type[OpNode]:
    namespace: dict[str, Any] = {"__slots__": (), "__module__": __name__}
    class_name = node_name
    if "::" in node_name:  # a C++ node: `name()` is the qualified name, the class its last part
        class_name = "CppFunction" if node_name in _UNBOUND_CPP_NODES else node_name.rsplit("::", 1)[1]
        namespace["name"] = lambda self: node_name
        namespace["__repr__"] = lambda self: f"<{class_name} object at {hex(id(self))}>"
    return type(class_name, (OpNode,), namespace)


# The engine's own op: a broadcast gradient summed over its leading dims (every bias gradient)
# when the backward is itself recorded (create_graph, compile). It runs `fit`'s kernel, so
# recorded and compiled gradients keep the bits of eager ones; PyTorch's node for `sum_to`.
broadcast_sum = Primitive(
    "broadcast_sum",
    lambda xp, a, lead: leading_sum(a, lead),
    [lambda g, a_shape: g.expand(a_shape)],  # every summed element contributes once
    node_name="SumBackward1",
)
