"""`__torch_function__`: Tensor subclasses (and tensor-like objects) see the calls made on them, as in PyTorch.

In PyTorch a call with an instance of a Tensor subclass among its arguments goes through the
class's `__torch_function__(func, types, args, kwargs)`. The default one (Tensor's) runs `func`
with the protocol switched off and returns tensor results as the subclass, so `image + 1` and
`torch.exp(image)` are `Image`s; libraries override it to carry metadata (fastai's `TensorBase`,
MONAI's `MetaTensor`), to decide which results keep the class (torchvision's tv_tensors), or to
implement functions for an object that is no tensor at all (a "tensor-like").

PyTorch checks the arguments of every call for such classes. retrograd keeps plain tensors out of
that cost until such a class exists:

- Functions: the public namespaces (`retrograd`, `nn.functional`, `linalg`, `fft`, `special`)
  hand out each function as `public_function(func)`, which checks the arguments before calling
  `func`. Until a class that overrides the protocol has been defined (a Tensor subclass) or met
  (a tensor-like), the check is one flag read and one set lookup of the first argument's type;
  a tensor-like further on is found when `func` cannot take it (`add(t, d)` raises, and the face
  then asks `d`'s class). The code inside retrograd calls the functions themselves, as PyTorch's
  C++ does. The face of a name PyTorch writes in C++ is a `BuiltinFunction` (`_builtin_faces`),
  which does not bind when stored on a class, as PyTorch's built-ins do not.
- Methods: Tensor's methods and operators are the ops themselves (no cost) until the first class
  that overrides the protocol is defined (`Tensor.__init_subclass__` calls `prepare_subclass`) or
  met, or a TorchFunctionMode is entered. Then (`start_overriding`) each becomes a `CheckedMethod`
  that looks at `self` and its arguments: `image.add(1)`, `t.add(image)`, `t - image` and
  `mask.lt(proxy)` go through the protocol, reported as PyTorch reports them. Only retrograd's own
  attributes do (a method a library patches onto Tensor, as fastai's `set_meta`, stays plain
  Python, as in PyTorch). A subclass itself gets only the tensor-valued properties (`T`, `data`,
  ...), whose getters dispatch. A tensor-like that no function has met yet is not noticed by a
  plain tensor's method: `t.add(d)` raises until `retrograd.add(t, d)` or another function has
  seen `d`'s class (FX's proxies announce themselves).

A class that sets `__torch_function__ = _disabled_torch_function_impl` (Parameter, vmap's batched
tensors) takes part in neither. Python's conversions dispatch (`float(x)`, `len(x)`, `repr(x)`,
`1.0 in x`, `reversed(x)`); properties that give no tensor (`shape`, `dtype`, `grad`: retrograd's
own code reads them where PyTorch's C++ reads fields), hashing, pickling and the functions PyTorch
leaves out of the protocol (the factories, `is_tensor`, `result_type`, ...: `IGNORED_FUNCTIONS`) do
not call `__torch_function__`.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterable
from types import FunctionType, MethodType, TracebackType
from typing import Any

from ._builtin_faces import BuiltinFunction, builtin_in_pytorch
from ._display_name import package_name
from ._display_name import public_function as name_in_package
from ._functional_args import as_pytorch_passes_them, python_written

__all__ = [
    "DisabledSubclasses", "enabled", "public_function", "publish", "handle_torch_function", "has_torch_function",
    "default_torch_function", "get_default_nowrap_functions", "prepare_subclass", "register_tensor_class",
    "start_overriding",
]  # fmt: skip


class _State(threading.local):
    disabled = 0  # how many `DisableTorchFunction(Subclass)` blocks this thread is inside
    modes: tuple = ()  # the TorchFunctionModes entered on this thread, innermost last


STATE = _State()


def enabled() -> bool:
    """Whether subclasses' `__torch_function__` runs now (False inside `DisableTorchFunctionSubclass()`)."""
    return STATE.disabled == 0


class DisabledSubclasses:
    """`with DisabledSubclasses():` runs its block without subclasses' `__torch_function__` (this thread)."""

    def __enter__(self) -> None:
        STATE.disabled += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        STATE.disabled -= 1


def push_mode(mode: Any) -> None:
    """Enter a TorchFunctionMode: from now on its `__torch_function__` sees this thread's calls first."""
    start_overriding()
    STATE.modes += (mode,)


def pop_mode() -> Any:
    """Leave the innermost TorchFunctionMode, and return it."""
    *outer, mode = STATE.modes
    STATE.modes = tuple(outer)
    return mode


def _through_mode(func: Callable[..., Any], overloaded: list[Any], args: tuple, kwargs: dict | None) -> Any:
    """The innermost mode's answer to a call (NotImplemented passes it on to the arguments' classes).
    The mode is left while its handler runs, so the handler's own calls reach the next one out."""
    modes = STATE.modes
    STATE.modes = modes[:-1]
    try:
        return modes[-1].__torch_function__(func, tuple(type(a) for a in overloaded), args, kwargs)
    finally:
        STATE.modes = modes


class _DisabledImpl:
    """`torch._C._disabled_torch_function_impl`: `func(*args, **kwargs)` without the protocol.

    A subclass that sets `__torch_function__ = _disabled_torch_function_impl` opts out: its
    instances take part in no dispatch (nn.Parameter, PyTorch Geometric's `Index`). An object,
    not a function, so that reading it through an instance does not bind it.
    """

    __slots__ = ()

    def __call__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        return func(*args, **(kwargs or {}))

    def __repr__(self) -> str:
        return "<built-in function _disabled_torch_function_impl>"


_disabled_torch_function_impl = _DisabledImpl()

_PACKAGE = __name__.partition(".")[0]
_tensor: type = object  # retrograd.Tensor, set by `register_tensor_class` when tensor.py is imported


def register_tensor_class(cls: type) -> None:
    """Name the Tensor class (tensor.py calls this once; this module sits below it)."""
    global _tensor
    _tensor = cls
    _PLAIN.add(cls)


def dispatches(cls: type) -> bool:
    """Whether instances of `cls` (a Tensor subclass or a tensor-like) dispatch through `__torch_function__`.

    PyTorch's own tensors are no tensor-likes of retrograd's (their `__torch_function__` would call
    retrograd's function back): `retrograd.from_dlpack(torch_tensor)` converts them.
    """
    if cls is _tensor or getattr(cls, "__torch_function__", _disabled_torch_function_impl) is (
        _disabled_torch_function_impl
    ):
        return False
    return issubclass(cls, _tensor) or not any(k.__module__ == "torch._C" for k in cls.__mro__)


# --- the protocol ---------------------------------------------------------------------------


def _overloaded(relevant_args: Iterable[Any]) -> list[Any]:
    """The arguments whose class dispatches, one per class, a subclass before its bases (PyTorch's order)."""
    found: list[Any] = []
    classes: list[type] = []
    for arg in relevant_args:
        kind = type(arg)
        if kind in classes or not dispatches(kind):
            continue
        at = len(found)
        for i, other in enumerate(classes):
            if issubclass(kind, other):
                at = i
                break
        found.insert(at, arg)
        classes.insert(at, kind)
    return found


def _flat(args: Iterable[Any]) -> list[Any]:
    """The arguments, with lists and tuples of them opened one level (`cat([a, b])`'s tensors count;
    not slices' bounds: PyTorch's `t[:n]` with a tensor-like n raises Python's TypeError)."""
    out: list[Any] = []
    for a in args:
        if type(a) is list or type(a) is tuple:
            out.extend(a)
        else:
            out.append(a)
    return out


def _overriding_among(args: Iterable[Any]) -> list[Any]:
    """The arguments (opened by `_flat`) whose class overrides the protocol; the classes found not
    to are remembered in `_PLAIN`, so the next call skips them at once."""
    found = []
    for arg in _flat(args):
        kind = type(arg)
        if kind in _PLAIN:
            continue
        if dispatches(kind):
            found.append(arg)
        else:
            _PLAIN.add(kind)
    return found


# --- the function side: the public face of each function ------------------------------------

# True once a class that overrides the protocol has been defined (a Tensor subclass) or met (a
# tensor-like): from then on a public function checks every argument, before only the first, and
# plain tensors' methods check theirs (`start_overriding`).
overriding = False

# The types met as arguments that do not override the protocol (Tensor, numbers, lists,
# Parameter, ...): the first argument's type is looked up here before anything else is done.
_PLAIN: set[type] = {int, float, bool, complex, str, type(None), list, tuple, slice}

# The functions that call no `__torch_function__`, by namespace (the path inside the package), as
# PyTorch 2.13 does: the factories and samplers that take no tensor (and `tensor`, `as_tensor`,
# `full`, the sparse constructors, which take one without dispatching), the queries of global
# state, `is_tensor`. (PyTorch's `get_ignored_functions()` also names `result_type`, `normal`,
# `rand_like`, `as_strided`, `fill`, `vander`, `linspace`, ... which do dispatch.) F.sigmoid, F.tanh
# and the upsample functions dispatch through what they call: the tensor's method, F.interpolate.
IGNORED_FUNCTIONS = {
    "": frozenset({
        "arange", "as_tensor", "asarray", "bartlett_window", "blackman_window", "broadcast_shapes", "can_cast",
        "compile", "cond", "empty", "empty_permuted", "empty_quantized", "empty_strided", "eye", "from_file",
        "from_numpy", "frombuffer", "full", "hamming_window", "hann_window", "is_storage", "is_tensor",
        "kaiser_window", "load", "manual_seed", "ones", "promote_types", "rand", "randint", "randn", "randperm",
        "range", "save", "scalar_tensor", "seed", "initial_seed", "get_rng_state", "set_rng_state",
        "sparse_bsc_tensor", "sparse_bsr_tensor", "sparse_compressed_tensor", "sparse_coo_tensor",
        "sparse_csc_tensor", "sparse_csr_tensor", "tensor", "tril_indices", "triu_indices", "typename", "vmap",
        "zeros",
        # the settings and queries of global state (their fixed-stacklevel warnings name the caller's line)
        "are_deterministic_algorithms_enabled", "autocast_decrement_nesting", "autocast_increment_nesting",
        "clear_autocast_cache", "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype",
        "get_default_device", "get_deterministic_debug_mode", "get_device_module", "get_float32_matmul_precision",
        "get_num_interop_threads", "get_num_threads", "init_num_threads", "is_autocast_cache_enabled",
        "is_autocast_cpu_enabled", "is_autocast_enabled", "is_deterministic_algorithms_warn_only_enabled",
        "is_warn_always_enabled", "set_anomaly_enabled", "set_autocast_cache_enabled", "set_autocast_cpu_dtype",
        "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled", "set_autocast_gpu_dtype",
        "set_default_device", "set_deterministic_debug_mode", "set_float32_matmul_precision", "set_flush_denormal",
        "set_num_interop_threads", "set_num_threads", "set_warn_always", "use_deterministic_algorithms",
    }),
    "fft": frozenset({"fftfreq", "rfftfreq"}),
    "nn.functional": frozenset({
        "sigmoid", "tanh", "upsample", "upsample_bilinear", "upsample_nearest",
        "grouped_mm", "scaled_grouped_mm", "scaled_mm", "handle_torch_function", "boolean_dispatch",
    }),
}  # fmt: skip


# The factories of `_SEEN_BY_MODES` that read their argument as data: a tensor-like there is not
# asked (PyTorch's `torch.tensor(d)` says "Could not infer dtype"), where `zeros(d)` asks d's class.
_READ_AS_DATA = {
    "": frozenset({
        "as_tensor", "asarray", "sparse_bsc_tensor", "sparse_bsr_tensor", "sparse_compressed_tensor",
        "sparse_coo_tensor", "sparse_csc_tensor", "sparse_csr_tensor", "tensor",
    }),
}  # fmt: skip


# The functions left out that a TorchFunctionMode still sees, as in PyTorch 2.13: the factories and
# the dtype queries (not `from_numpy`, `range`, `is_tensor`, the seeds or the global settings).
_SEEN_BY_MODES = {
    "": frozenset({
        "arange", "as_tensor", "asarray", "bartlett_window", "blackman_window", "can_cast", "empty", "empty_permuted",
        "empty_quantized", "empty_strided", "eye", "full", "hamming_window", "hann_window", "kaiser_window", "ones",
        "promote_types", "rand", "randint", "randn", "randperm", "scalar_tensor", "sparse_bsc_tensor",
        "sparse_bsr_tensor", "sparse_compressed_tensor", "sparse_coo_tensor", "sparse_csc_tensor", "sparse_csr_tensor",
        "tensor", "tril_indices", "triu_indices", "zeros",
    }),
}  # fmt: skip


def public_function(func: Callable[..., Any], module: str, name: str) -> Callable[..., Any]:
    """`func` as the namespace `module` hands it out under `name`: a call with an argument whose
    class overrides `__torch_function__` goes through it (with this function as `func`), as
    PyTorch's functions do, and so does every call inside a TorchFunctionMode. `func` itself when it
    is no Python function (a class, a constant), when it is public already (`torch.conv2d` is
    `F.conv2d`) or when PyTorch leaves the name out of the protocol (a factory such as `ones` is
    still seen by a mode: `_SEEN_BY_MODES`).

    >>> class Image(retrograd.Tensor): pass
    >>> retrograd.exp(retrograd.zeros(2).as_subclass(Image))
    Image([1., 1.])
    """
    where = module.partition(".")[2]  # the path inside the package ("retrograd" or "torch" under the alias)
    if not isinstance(func, FunctionType) or getattr(func, "_public_function", False):
        return func
    ignored = name in IGNORED_FUNCTIONS.get(where, ())
    if ignored and name not in _SEEN_BY_MODES.get(where, ()):
        return func
    known = _PUBLIC_FACES.get((where, func))
    if known is not None:  # an alias in the same namespace (`_segment_reduce` is `segment_reduce`)
        return known
    builtin = builtin_in_pytorch(where, name)  # (then it must not bind when stored on a class)
    if ignored:
        public = _seen_by_modes(func, name not in _READ_AS_DATA.get(where, ()), builtin)
    else:
        public = _dispatching(func, builtin, name not in _READ_IN_PYTHON.get(where, ()))
    # pickle finds a function by its module and name: those of the namespace, where the public face
    # lives (`torch.nn.functional` under the alias, as classes are named)
    public.__qualname__ = name
    name_in_package(public, where)
    public._public_function = True  # type: ignore[attr-defined]
    _PUBLIC_FACES[where, func] = public
    return public


def _dispatching(func: Callable[..., Any], builtin: bool, parsed: bool = True) -> Callable[..., Any]:
    """The public face of `func`: through a mode and the arguments' classes, else `func`; a
    `BuiltinFunction` for a `builtin` name (handlers are given the face itself as `func`). A non-tensor
    where a `parsed` function declares a tensor is PyTorch's TypeError (`_not_a_tensor`)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if overriding and (STATE.modes or not _known_plain(args, kwargs)) or (args and type(args[0]) not in _PLAIN):
            result = _dispatch(public, args, kwargs)
            if result is not _NO_OVERRIDE:
                return result
            return func(*args, **kwargs)
        try:
            return func(*args, **kwargs)
        except (TypeError, AttributeError) as error:
            # a tensor-like met for the first time past the first argument (`add(t, d)`): the
            # function could not take it, so its class answers (free unless the call raises)
            result = _dispatch(public, args, kwargs)
            if result is _NO_OVERRIDE:
                wrong = None
                if parsed and isinstance(error, AttributeError):
                    wrong = _not_a_tensor(func, args, kwargs, error)
                if wrong is not None:
                    raise wrong from None
                raise
            return result

    functools.update_wrapper(call, func)
    public = BuiltinFunction(call) if builtin else call  # (which copies the names and docstring)
    return public


def _not_a_tensor(func: Callable[..., Any], args: tuple, kwargs: dict, error: AttributeError) -> TypeError | None:
    """PyTorch's TypeError for an argument declared a Tensor that is none (`F.gelu(None)`, `F.nll_loss(x, 3)`),
    from the AttributeError the function met reading it as one; None when the error has another cause.

    PyTorch's argument parser refuses such an argument before its function runs; here the function
    finds out when it first reads a tensor attribute of it, so the failed lookup names the argument.
    """
    if error.name is None or isinstance(error.obj, _tensor):  # (a raised AttributeError, or a tensor's own)
        return None
    parameters = list(inspect.signature(func).parameters.values())
    position = next((i for i, a in enumerate(args) if a is error.obj), None)
    if position is not None:
        if position >= len(parameters) or parameters[position].kind not in _POSITIONAL:
            return None
        parameter = parameters[position]
    else:
        name = next((k for k, v in kwargs.items() if v is error.obj), None)
        named = [p for p in parameters if p.name == name]
        if not named:
            return None
        parameter = named[0]
        position = parameters.index(parameter)
    if "Tensor" not in str(parameter.annotation):  # (a size, a number, a string: not this message)
        return None
    kind = type(error.obj)
    shown = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return TypeError(
        f"{func.__name__}(): argument '{parameter.name}' (position {position + 1}) must be Tensor, not {shown}"
    )


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)

# The functions PyTorch writes in Python that read a tensor argument themselves, by namespace: a
# non-tensor there is the AttributeError of that read in PyTorch too (`F.mse_loss(x, None)`: 'NoneType'
# object has no attribute 'size'), so `_not_a_tensor` leaves theirs as it is.
_READ_IN_PYTHON = {
    "": frozenset({
        "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_tensors", "cartesian_prod", "cdist",
        "chain_matmul", "einsum", "lu", "meshgrid", "norm", "split", "stft", "istft", "tensordot", "unique",
        "unique_consecutive", "unravel_index",
    }),
    "nn.functional": frozenset({
        "binary_cross_entropy", "binary_cross_entropy_with_logits", "embedding_bag", "glu", "huber_loss",
        "instance_norm", "interpolate", "l1_loss", "linear_cross_entropy", "log_softmax", "margin_ranking_loss",
        "mse_loss", "normalize", "smooth_l1_loss", "softmax", "softmin", "softsign", "tanhshrink",
        "triplet_margin_with_distance_loss", "upsample", "upsample_bilinear", "upsample_nearest",
    }),
}  # fmt: skip


def _seen_by_modes(func: Callable[..., Any], parses: bool, builtin: bool) -> Callable[..., Any]:
    """The public face of a factory PyTorch leaves out of the protocol: a mode sees its calls, and
    unless it reads its argument as data (`parses` False: `tensor`, `as_tensor`) an argument it
    cannot take (a tensor-like size or end: FX's `torch.zeros(x.shape)`, `torch.arange(n)`) is
    handed to that argument's class, as PyTorch's argument parser does."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if STATE.modes and not STATE.disabled:
            result = _through_mode(public, [], args, kwargs or None)
            if result is not NotImplemented:
                return result
        try:
            return func(*args, **kwargs)
        except (TypeError, AttributeError):
            overloaded = _overriding_among((*args, *kwargs.values())) if parses and not STATE.disabled else []
            if not overloaded:
                raise
            start_overriding()
            result = _first_answer(_overloaded(overloaded), public, args, kwargs or None)
            if result is NotImplemented:
                raise _dispatch_failed(f"{_public_module(public)}.{public.__name__}", overloaded) from None
            return result

    functools.update_wrapper(call, func)
    public = BuiltinFunction(call) if builtin else call
    public._modes_only = True  # type: ignore[attr-defined]  # (not among the overridable functions)
    return public


_PUBLIC_FACES: dict[tuple[str, Callable[..., Any]], Callable[..., Any]] = {}


def publish(namespace: dict[str, Any], name_prefix: str = "") -> None:
    """Make the functions a namespace module lists in `__all__` their public faces (`public_function`);
    a module whose names are all imported or defined when it loads (`linalg`, `fft`) calls it last.
    `name_prefix` starts their `__name__`, as PyTorch's `torch.linalg.inv.__name__` is "linalg_inv"."""
    module = namespace["__name__"]
    for name in namespace["__all__"]:
        public = namespace[name] = public_function(namespace[name], module, name)
        if name_prefix and getattr(public, "_public_function", False):
            public.__name__ = name_prefix + name


_NO_OVERRIDE = object()


def _dispatch(public: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """`public(*args, **kwargs)` through the `__torch_function__` of the arguments' classes that
    override it (lists opened one level), or `_NO_OVERRIDE` when there are none."""
    if STATE.disabled:
        return _NO_OVERRIDE
    overloaded = _overriding_among((*args, *kwargs.values()))
    if not overloaded and not STATE.modes:
        return _NO_OVERRIDE
    start_overriding()  # (a tensor-like met: every argument is checked from now on)
    if public.__module__.partition(".")[2] == "nn.functional":  # reported as PyTorch's do
        if python_written(public):  # every parameter with a default by keyword
            args, kwargs = as_pytorch_passes_them(public, args, kwargs)
            return _handled(public, _overloaded(overloaded), args, kwargs)
        return _handled(public, _overloaded(overloaded), args, kwargs or None)
    overloaded = _overloaded(overloaded)  # one per class (`stack([d, d])` names DiagonalTensor once)
    if STATE.modes:
        result = _through_mode(public, overloaded, args, kwargs or None)
        if result is not NotImplemented or not overloaded:
            return result
    result = _first_answer(overloaded, public, args, kwargs or None)
    if result is NotImplemented:
        raise _dispatch_failed(f"{_public_module(public)}.{public.__name__}", overloaded)
    return result


def _public_module(func: Callable[..., Any]) -> str:
    """`func`'s module as the program knows it: `torch.linalg` under the alias."""
    module = str(getattr(func, "__module__", None))
    if module.partition(".")[0] == _PACKAGE:
        module = package_name() + module[len(_PACKAGE) :]
    return module


def _dispatch_failed(name: str, overloaded: list[Any]) -> TypeError:
    """PyTorch's error for a call of its own functions or methods that every `__torch_function__` declined."""
    kinds = "".join(f"  - tensor subclass {type(a)}\n" for a in overloaded)
    return TypeError(
        f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers returned NotImplemented:\n\n"
        f"{kinds}\nFor more information, try re-running with TORCH_LOGS=not_implemented"
    )


def has_torch_function(relevant_args: Iterable[Any]) -> bool:
    """Whether any of `relevant_args` would dispatch: its class has an enabled `__torch_function__`
    other than Tensor's own (a plain tensor does not count), and no `DisableTorchFunctionSubclass` is open.

    >>> class Image(retrograd.Tensor): pass
    >>> retrograd.overrides.has_torch_function((retrograd.ones(1).as_subclass(Image),))
    True
    >>> retrograd.overrides.has_torch_function((retrograd.ones(1), 2.0))
    False
    """
    return STATE.disabled == 0 and (
        bool(STATE.modes) or any(type(a) is not _tensor and dispatches(type(a)) for a in relevant_args)
    )


def handle_torch_function(
    public_api: Callable[..., Any], relevant_args: Iterable[Any], *args: Any, **kwargs: Any
) -> Any:
    """Call `public_api(*args, **kwargs)` through the `__torch_function__` of the classes in
    `relevant_args` that implement it, most derived first, until one does not return NotImplemented.

    Raises:
        TypeError: every implementation returned NotImplemented.

    >>> class Logged(retrograd.Tensor):
    ...     @classmethod
    ...     def __torch_function__(cls, func, types, args=(), kwargs=None):
    ...         print("called", func.__name__)
    ...         return super().__torch_function__(func, types, args, kwargs)
    >>> x = retrograd.ones(2).as_subclass(Logged)
    >>> y = retrograd.overrides.handle_torch_function(retrograd.Tensor.add, (x,), x, 1)
    called add
    >>> type(y).__name__
    'Logged'
    """
    return _handled(public_api, _overloaded(relevant_args), args, kwargs)


def _handled(public_api: Callable[..., Any], overloaded: list[Any], args: tuple, kwargs: dict | None) -> Any:
    """`handle_torch_function`'s work, with `kwargs` as the handlers get it (None from C++-written calls)."""
    result = NotImplemented
    if STATE.modes and not STATE.disabled:
        result = _through_mode(public_api, overloaded, args, kwargs)
    if result is NotImplemented:
        result = _first_answer(overloaded, public_api, args, kwargs)
    if result is NotImplemented:
        name = f"{_public_module(public_api)}.{getattr(public_api, '__name__', public_api)}"
        raise TypeError(
            f"no implementation found for '{name}' on types that implement __torch_function__: "
            f"{[type(a) for a in overloaded]}"
        )
    return result


def _first_answer(overloaded: list[Any], public_api: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """The first result of the classes' `__torch_function__` that is not NotImplemented (or NotImplemented).
    `kwargs` is None for a call without keyword arguments, as PyTorch's C++ hands it."""
    types = tuple(type(a) for a in overloaded)
    for arg in overloaded:
        result = arg.__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    return NotImplemented


@functools.cache
def get_default_nowrap_functions() -> frozenset[Callable[..., Any]]:
    """The functions whose results Tensor's default `__torch_function__` leaves as they are (the
    gradient and the base of a tensor are not made the subclass)."""
    return frozenset({_tensor._base.__get__, _tensor.grad.__get__, _tensor._grad.__get__})  # type: ignore[attr-defined]


def default_torch_function(cls: type, func: Callable[..., Any], types: Any, args: Any, kwargs: Any) -> Any:
    """Tensor's `__torch_function__`: `func` with the protocol off, tensor results made `cls`."""
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisabledSubclasses():
        result = func(*args, **kwargs)
        if func in get_default_nowrap_functions():
            return result
        return _convert(result, cls)


def _convert(result: Any, cls: type) -> Any:
    """Tensors in `result` (itself, or the items of a tuple or list) as instances of `cls`."""
    if cls is _tensor:
        return result
    if isinstance(result, _tensor) and not isinstance(result, cls):
        return result.as_subclass(cls)  # type: ignore[attr-defined]
    if isinstance(result, (tuple, list)):
        items = [_convert(r, cls) for r in result]
        make = getattr(type(result), "_make", None)  # a named result (`max(dim=...)`'s values, indices)
        return make(items) if make is not None else type(result)(items)
    return result


# --- Tensor's side: its methods and operators (`CheckedMethod`s once a class overrides the protocol),
# and its tensor-valued properties on each subclass (`SubclassProperty`)

# The operators, item access, the conversions (`float(x)`, `len(x)`, `repr(x)`, `1.0 in x`) and
# `reversed` dispatch, as PyTorch's do; hashing, iteration (which calls `unbind`, a method) and
# pickling call Tensor's own.
# `_BINARY`: the operators of two operands. When every `__torch_function__` declines one it returns
# NotImplemented (PyTorch turns their TypeError into it), so Python tries the reflected operator and then
# says "unsupported operand type(s) for +: 'Tagged' and 'Other'".
_ARITHMETIC = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift",
               "rshift")  # fmt: skip
_COMPARISONS = frozenset({"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"})
_BINARY = frozenset(f"__{op}__" for base in _ARITHMETIC for op in (base, "r" + base, "i" + base)) | _COMPARISONS
_OPERATORS = _BINARY | frozenset({
    "__neg__", "__pos__", "__abs__", "__invert__", "__getitem__", "__setitem__", "__float__", "__int__", "__bool__",
    "__index__", "__complex__", "__len__", "__contains__", "__reversed__", "__array__", "__format__", "__repr__",
    "__rdiv__",
})  # fmt: skip
# The method an operator hands to `__torch_function__`, where PyTorch's is not the operator itself:
# `t - s` reports Tensor.sub, `t += s` Tensor.add_, `t ** 2` Tensor.pow, `2 / t` Tensor.__rdiv__ (`==`,
# `//`, `&` report their operator).
_OPERATOR_METHODS = {
    "__add__": "add", "__radd__": "add", "__iadd__": "add_", "__sub__": "sub", "__isub__": "sub_",
    "__mul__": "mul", "__rmul__": "mul", "__imul__": "mul_", "__truediv__": "div", "__itruediv__": "div_",
    "__ifloordiv__": "floor_divide_", "__matmul__": "matmul", "__mod__": "remainder", "__rand__": "bitwise_and",
    "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge", "__pos__": "positive",
    "__neg__": "neg", "__abs__": "abs", "__pow__": "pow", "__rtruediv__": "__rdiv__",
}  # fmt: skip
# `as_subclass` is how a `__torch_function__` unwraps (`x.as_subclass(Tensor)`): PyTorch does not dispatch it.
_NOT_DISPATCHED = frozenset({"as_subclass"})
# The properties whose value is a tensor (made the subclass by the default `__torch_function__`). The
# others (`shape`, `dtype`, `grad`) stay plain: retrograd's own Python code reads them where PyTorch's
# C++ reads its fields, and a subclass's `__torch_function__` must not answer for that.
_TENSOR_PROPERTIES = frozenset({"T", "mT", "H", "mH", "data", "real", "imag"})


def _static(name: str) -> Any:
    for klass in _tensor.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    raise AttributeError(name)


def _reported(name: str) -> Callable[..., Any]:
    """What `__torch_function__` receives for Tensor attribute `name` (`Tensor.sub` for `__sub__`)."""
    reported = _OPERATOR_METHODS.get(name)
    return getattr(_tensor, name if reported is None or not hasattr(_tensor, reported) else reported)


# The methods PyTorch writes in Python (torch/_tensor.py), whose `handle_torch_function` hands a handler
# `kwargs={}` where its C++ methods hand None.
_PYTHON_METHODS = frozenset({
    "__rsub__", "__rtruediv__", "__rdiv__", "__floordiv__", "__rfloordiv__", "__pow__", "__rpow__", "__rmod__",
    "__rlshift__", "__rrshift__", "__rmatmul__", "__len__", "__contains__", "__reversed__", "unflatten",
})  # fmt: skip


def _method_answer(name: str, instance: Any, args: tuple, kwargs: dict, overloaded: list[Any]) -> Any:
    """Tensor method `name` called through the innermost mode, then the `__torch_function__` of the
    `overloaded` arguments. A binary operator that every one declines, or that raises a TypeError,
    gives NotImplemented (PyTorch's operators turn one into the other), so Python tries the reflected one."""
    func, binary = _reported(name), name in _BINARY
    keywords = kwargs if name in _PYTHON_METHODS else kwargs or None
    try:
        result = NotImplemented
        if STATE.modes:
            result = _through_mode(func, overloaded, (instance, *args), keywords)
        if result is NotImplemented and overloaded:
            result = _first_answer(overloaded, func, (instance, *args), keywords)
    except TypeError:
        if binary:
            return NotImplemented
        raise
    if result is NotImplemented and not binary:
        raise _dispatch_failed(f"{package_name()}.Tensor.{name}", overloaded)
    return result


class SubclassProperty:
    """A tensor-valued Tensor property on a subclass: reading it goes through `__torch_function__`
    with the property's getter, as PyTorch's do; setting it sets Tensor's."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        prop = _static(self.name)
        if instance is None:
            return prop
        if STATE.disabled or not dispatches(type(instance)):
            return prop.__get__(instance, owner)
        result = _first_answer(_overloaded((instance,)), prop.__get__, (instance,), None)
        if result is NotImplemented:
            raise _dispatch_failed(f"{package_name()}.Tensor.{self.name}.__get__", [instance])
        return result

    def __set__(self, instance: Any, value: Any) -> None:
        _static(self.name).__set__(instance, value)

    def __delete__(self, instance: Any) -> None:
        _static(self.name).__delete__(instance)



def _patched_on(value: Any) -> bool:
    """Whether a Tensor attribute comes from outside retrograd: a method a library adds to Tensor (fastai
    patches in `set_meta`, `as_subclass`, ...) is plain Python in PyTorch and reaches no `__torch_function__`."""
    module = getattr(value.fget if isinstance(value, property) else value, "__module__", None)
    return isinstance(module, str) and module.partition(".")[0] != _PACKAGE


@functools.cache
def _dispatched_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Tensor methods and operators that go through the protocol (`CheckedMethod`s once a class
    overrides it), and the tensor-valued properties a subclass routes through it (`SubclassProperty`)."""
    methods: dict[str, None] = {}
    properties: dict[str, None] = {}
    for klass in reversed(_tensor.__mro__[:-1]):
        for name, value in vars(klass).items():
            if _patched_on(value):
                continue
            if name in _OPERATORS:
                methods[name] = None
            elif name.startswith("_") or name in _NOT_DISPATCHED or isinstance(value, (staticmethod, classmethod)):
                continue
            elif isinstance(value, property):
                if name in _TENSOR_PROPERTIES:
                    properties[name] = None
            elif callable(value) or hasattr(value, "__get__"):  # functions and the method-table rows
                methods[name] = None
    return tuple(methods), tuple(properties)


def prepare_subclass(cls: type) -> None:
    """A new Tensor subclass whose `__torch_function__` is enabled: from now on Tensor's methods check
    for it (`start_overriding`), and it gets the tensor-valued properties that dispatch, except for
    the ones it (or a class between it and Tensor) defines itself."""
    if not dispatches(cls):
        return  # opted out (nn.Parameter, vmap's BatchedTensor)
    own = set().union(*(vars(k) for k in cls.__mro__[: cls.__mro__.index(_tensor)]))
    for name in _dispatched_names()[1]:
        if name not in own:
            setattr(cls, name, SubclassProperty(name))
    start_overriding()


# --- the plain side: once a class overrides the protocol, plain tensors' methods check their arguments

# The Tensor methods PyTorch dispatches on `self` alone: the ones its Python code checks with
# `has_torch_function_unary`, and `new_tensor`/`set_`, which read their argument as data.
_SELF_ONLY = frozenset({
    "backward", "register_hook", "register_post_accumulate_grad_hook", "norm", "lu", "stft", "istft", "resize",
    "split", "unique", "unique_consecutive", "unflatten", "dim_order", "__contains__", "__reversed__", "__format__",
    "__array__", "new_tensor", "set_",
})  # fmt: skip


def start_overriding() -> None:
    """From now on a class overrides the protocol (a Tensor subclass was defined, or a tensor-like
    met): public functions check every argument, and plain tensors' methods check theirs, as
    PyTorch's do (`t.add(image)` is answered by `Image.__torch_function__`). Until then a plain
    tensor's method costs nothing more."""
    global overriding
    if overriding:
        return
    overriding = True
    for name in _dispatched_names()[0]:
        setattr(_tensor, name, CheckedMethod(name, getattr(_tensor, name)))


def _known_plain(args: tuple, kwargs: dict) -> bool:
    """Whether every argument (lists and tuples opened one level) is of a class known not to override
    the protocol: the common call, answered without building anything."""
    for arg in args:
        kind = type(arg)
        if kind not in _PLAIN:
            return False
        if kind is list or kind is tuple:
            for item in arg:
                if type(item) not in _PLAIN:
                    return False
    return not kwargs or _known_plain(tuple(kwargs.values()), {})


class CheckedMethod:
    """A Tensor method that first looks for a TorchFunctionMode, and among its arguments for a class
    that overrides the protocol (only at `self` for the `_SELF_ONLY` methods, as PyTorch).

    It compares and hashes as the method it wraps: sets and dicts of Tensor methods made before the
    switch (torchvision's `_FORCE_TORCHFUNCTION_SUBCLASS`, fastai's `_opt`) still find it. Like
    PyTorch's methods it is a method descriptor, not a Python function.
    """

    def __init__(self, name: str, method: Callable[..., Any]) -> None:
        functools.update_wrapper(self, method)
        self._name, self._method, self._self_only = name, method, name in _SELF_ONLY

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return self if instance is None else MethodType(self, instance)

    def __call__(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        if STATE.disabled or (
            not STATE.modes and type(instance) in _PLAIN and (self._self_only or _known_plain(args, kwargs))
        ):
            return self._method(instance, *args, **kwargs)
        overloaded = _overriding_among((instance,) if self._self_only else (instance, *args, *kwargs.values()))
        if not overloaded and not STATE.modes:
            return self._method(instance, *args, **kwargs)
        return _method_answer(self._name, instance, args, kwargs, _overloaded(overloaded))

    def __eq__(self, other: object) -> bool:
        # (two names of one method, `__rtruediv__` and `__rdiv__`, are equal as PyTorch's one function)
        twin = type(other) is CheckedMethod and other._method is self._method  # type: ignore[attr-defined]
        return other is self or other is self._method or twin

    def __hash__(self) -> int:
        return hash(self._method)

    def __repr__(self) -> str:
        return repr(self._method)

    def __reduce__(self) -> tuple:
        return getattr, (_tensor, self._name)
