"""Optimizer: the base class that holds parameter groups and per-parameter state.

It follows PyTorch's layout so code and checkpoints carry over: `param_groups`
is a list of dicts (the hyper-parameters filled in from `defaults`), `state`
maps each parameter to a dict of buffers (tensors), and `state_dict()` replaces
parameters by integer indices. A built-in optimizer writes `step()` as
`return self._step_groups(closure)` and states only its maths: the state a
parameter starts with (`_new_state`), the buffers its update reads
(`_BUFFERS`) and the update of one parameter (`_update`). The template here
does the rest: the closure, the grad mode (updates are not recorded unless the
optimizer was built with differentiable=True), the loop over groups and
parameters with gradients, state creation, the step counter, the fused and
capturable checks, maximize and weight decay, and the two kinds of operands of
an update.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

from .._display_name import package_class
from ..dtypes import dtype as _dtype
from ..dtypes import float32, float64, get_default_dtype
from ..engine import primitive as _primitive  # (its `tracer`: retrograd.compile)
from ..engine.grad_mode import enable_grad, set_grad_enabled
from ..engine.graph import RemovableHandle, add_keyed_hook
from ..ops.from_data import tensor as _tensor
from ..tensor import Tensor
from . import _functional as F
from ._hooks import (
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
    with_step_hooks,
)

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter every parameter group must give (no default)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    """PyTorch's `typename`: 'retrograd.FloatTensor' for tensors, 'module.Qualname' otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if qualname is None:
        module, qualname = obj.__class__.__module__ or "", obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def scalar_dtype(fused: bool | None = None) -> _dtype:
    """The dtype of scalar state such as 'step': float32, or float64 under a float64 default."""
    if fused:
        return float32
    return float64 if get_default_dtype() == float64 else float32


def new_scalar_state(value: float, fused: bool | None = None) -> Tensor:
    """A 0-d tensor holding a counter or running product (PyTorch keeps these as tensors)."""
    return _tensor(value, dtype=scalar_dtype(fused))


class Optimizer:
    """Base class for all optimizers: parameter groups, per-parameter state, state_dict.

    >>> import retrograd as torch
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> opt = torch.optim.SGD([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([0., 0.], requires_grad=True)

    Args:
        params (iterable): the parameters to optimise (tensors or `(name, tensor)` pairs), or dicts
            of parameter groups with their own options.
        defaults (dict): the options of every group that does not set them itself (e.g. `{"lr": 0.1}`).

    Returns:
        (Optimizer): an optimizer with `param_groups`, `state`, `zero_grad()`, `state_dict()`;
            subclasses define `step()`.

    Examples:
        >>> class PlainSGD(retrograd.optim.Optimizer):
        ...     def __init__(self, params, lr=0.1):
        ...         super().__init__(params, {"lr": lr})
        ...     @retrograd.no_grad()
        ...     def step(self, closure=None):
        ...         for group in self.param_groups:
        ...             for p in group["params"]:
        ...                 if p.grad is not None:
        ...                     p.add_(p.grad, alpha=-group["lr"])
        >>> w = nn.Parameter(retrograd.tensor([1.0, 2.0]))
        >>> opt = PlainSGD([w], lr=0.5)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w.detach()
        tensor([0., 0.])
    """

    # Keys older state dicts may lack, filled in by __setstate__ (PyTorch's per-class setdefaults).
    _GROUP_FALLBACKS: dict[str, Any] = {}
    # Per-parameter state entries PyTorch keeps as 0-d tensors; floats from old checkpoints are converted.
    _SCALAR_STATE: tuple[str, ...] = ()

    # What `step()` changes on the instance (a compiled function that steps the optimizer runs the
    # step at every call, so its guards need not watch these): see retrograd.compiler's guards.
    _unguarded_attributes: tuple[str, ...] = ("state", "_opt_called", "_inside_step", "_recording_update")

    def _update_is_recordable(self) -> bool:
        """Whether a retrograd.compile recording may record this step's update as tensor ops: it
        keeps no state between steps (which the code would not carry), so only SGD without momentum."""
        return False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `torch.optim.adam.Adam` under the alias
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = with_step_hooks(step)  # type: ignore[method-assign]

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._init_hook_registries()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + _typename(params)
            )
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _init_hook_registries(self) -> None:
        """Create the hook registries this instance lacks (a new one, or one restored by unpickling)."""
        d = self.__dict__
        self._optimizer_step_pre_hooks: OrderedDict[int, Callable] = d.get("_optimizer_step_pre_hooks", OrderedDict())
        self._optimizer_step_post_hooks: OrderedDict[int, Callable] = d.get("_optimizer_step_post_hooks", OrderedDict())
        self._optimizer_state_dict_pre_hooks: OrderedDict[int, Callable] = d.get(
            "_optimizer_state_dict_pre_hooks", OrderedDict()
        )
        self._optimizer_state_dict_post_hooks: OrderedDict[int, Callable] = d.get(
            "_optimizer_state_dict_post_hooks", OrderedDict()
        )
        self._optimizer_load_state_dict_pre_hooks: OrderedDict[int, Callable] = d.get(
            "_optimizer_load_state_dict_pre_hooks", OrderedDict()
        )
        self._optimizer_load_state_dict_post_hooks: OrderedDict[int, Callable] = d.get(
            "_optimizer_load_state_dict_post_hooks", OrderedDict()
        )

    # --- pickling and printing ----------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_hook_registries()
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._GROUP_FALLBACKS.items():
                group.setdefault(key, value)
            for p in group["params"]:
                p_state = self.state.get(p, {})
                for key in self._SCALAR_STATE:
                    if key in p_state and not isinstance(p_state[key], Tensor):
                        p_state[key] = new_scalar_state(float(p_state[key]), group.get("fused"))

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # --- hooks -----------------------------------------------------------------------------------

    @staticmethod
    def _register(registry: OrderedDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
        return add_keyed_hook(registry, hook, prepend)

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs before step; it may return new (args, kwargs)."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs after step."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer)` runs before `state_dict()` builds its result."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer, state_dict)` runs after `state_dict()`; it may return a replacement."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer, state_dict)` runs before loading; it may return a replacement."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer)` runs after `load_state_dict()`."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # --- state_dict ------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: buffers}, 'param_groups': [group with 'params' as indices]}.

        Indices number the parameters in group order; the buffers are the live tensors.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        index_of: dict[int, int] = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            # PyTorch's numbering: it advances by the group's length, and a parameter repeated
            # inside a group takes the index of its last position there.
            index_of.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in index_of})
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        packed_state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load groups and state saved by `state_dict()` (parameters matched by position)."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        saved_ids = chain.from_iterable(g["params"] for g in saved_groups)
        id_map = dict(zip(saved_ids, chain.from_iterable(g["params"] for g in groups)))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], v, k, state_dict["param_groups"])
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # --- gradients and steps -----------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to None by default, else to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    if _primitive.tracer is not None:  # retrograd.compile: a later call may find a .grad to reset
                        _primitive.tracer.reset_grad(p, set_to_none)
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; `closure` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def _step_groups(self, closure: Callable[[], Any] | None) -> Any:
        """The body shared by the built-in optimizers' `step`: closure, then each group's update."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with set_grad_enabled(bool(self.defaults.get("differentiable", False))):
            for group in self.param_groups:
                self._update_group(group)
        return loss

    # --- the update template of the built-in optimizers -------------------------------------------

    # The per-parameter state entries `_update` receives after (param, grad), in this order.
    _BUFFERS: tuple[str, ...] = ()
    # check_capturable's arguments, for the optimizers that have a `capturable` flag.
    _CAPTURABLE_CHECK: dict[str, Any] = {}
    # PyTorch's adaptive optimizers update a complex parameter as (real, imag) pairs of reals
    # (`view_as_real` on the parameter, its gradient and its buffers), so a squared-gradient
    # average is kept per part rather than being the square of the complex gradient.
    _COMPLEX_AS_REAL = False
    # Whether foreach=True with differentiable=True fails at the step, as PyTorch's multi-tensor
    # updates do (all but SGD's, which runs into its in-place update on a leaf instead).
    _FOREACH_REFUSES_AUTOGRAD = True
    # Whether the first op that meets a state buffer has the gradient on its left (Rprop's
    # `grad * prev`), so PyTorch's shape errors name the gradient as tensor a.
    _GRAD_FIRST = False

    def _update_group(self, group: dict[str, Any]) -> None:
        """One step of every parameter of `group` that has a gradient."""
        params = [p for p in group["params"] if p.grad is not None]
        sparse = [p.grad.is_sparse for p in params]  # (nn.Embedding(sparse=True) makes them)
        if any(sparse) and self._SPARSE_REFUSAL is not None:
            raise RuntimeError(self._SPARSE_REFUSAL.format(name=type(self).__name__))
        states = [self._state_of(p, group) for p in params]
        if params and "capturable" in group and not group.get("fused"):  # PyTorch's fused kernels take the CPU
            F.check_capturable(group["capturable"], **self._CAPTURABLE_CHECK)
        if params and group.get("foreach") and group.get("differentiable") and self._FOREACH_REFUSES_AUTOGRAD:
            raise AssertionError("_foreach ops don't support autograd")  # PyTorch's multi-tensor steps
        # arrays, or tensors: differentiable=True, or a retrograd.compile recording of the update
        # (the same bits: the tensor ops round as the array updates do)
        fast = not group.get("differentiable", False) and not self.__dict__.get("_recording_update", False)
        lr = F.hyper(group["lr"], group)
        for p, state, is_sparse in zip(params, states, sparse):
            step = F.advance_step(state["step"]) if "step" in state else 0.0
            if is_sparse:
                self._sparse_update(p, step=step, lr=lr, group=group, state=state)
                continue
            if p.is_sparse:  # a sparse parameter with a dense gradient: the update's refusal, at its turn
                raise RuntimeError(self._SPARSE_PARAM_REFUSAL or f"{type(self).__name__} takes no sparse parameters")
            buffers = [state.get(name) for name in self._BUFFERS]
            param, grad, *operands = F.operands(fast, p, p.grad, *buffers)  # (0-d: one-element views)
            if self._COMPLEX_AS_REAL and p.is_complex():
                param, grad, *operands = (F.real_pairs(x) for x in (param, grad, *operands))
            if not (fast and group.get("fused") and self._fused_update(param, grad, *operands, step=step, lr=lr,
                                                                       group=group)):
                grad = F.regularized_grad(param, grad, lr, group, self.defaults)
                try:
                    self._update(F.math_of(fast, p), param, grad, *operands, step=step, lr=lr, group=group,
                                 state=state)
                except ValueError as error:  # NumPy's, where loaded state does not fit the parameter
                    raise F.state_shape_error(error, grad, operands, self._GRAD_FIRST) from None
            if fast:
                if p.dim() == 0:
                    F.scalar_buffers_back(state, self._BUFFERS)
                F.touch(p, *buffers)

    # PyTorch's error for a sparse parameter with a dense gradient, where known
    _SPARSE_PARAM_REFUSAL: str | None = None

    # PyTorch's error for a sparse gradient ({name}: the optimizer's class); None for the
    # optimizers whose `_sparse_update` takes them (SGD, Adagrad)
    _SPARSE_REFUSAL: str | None = "{name} does not support sparse gradients"

    def _sparse_update(self, p: Tensor, *, step: float, lr: Any, group: dict[str, Any], state: dict[str, Any]) -> None:
        """One update of `p` from its sparse COO gradient (only where `_SPARSE_REFUSAL` is None)."""
        raise NotImplementedError

    def _state_of(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """`p`'s state, started by `_new_state` on its first step (fused=True checks `p` first)."""
        if group.get("fused"):
            F.check_fused_param(p)
        state = self.state[p]
        if len(state) == 0:
            state.update(self._new_state(p, group))
        return state

    def _new_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of a parameter before its first step (a built-in optimizer's buffers)."""
        raise NotImplementedError

    def _update(self, xp: Any, param: Any, grad: Any, *buffers: Any, step: float, lr: Any,
                group: dict[str, Any], state: dict[str, Any]) -> None:
        """One update of one parameter, in place on arrays (`xp` NumPy) or recorded tensors."""
        raise NotImplementedError

    def _fused_update(self, param: Any, grad: Any, *buffers: Any, step: float, lr: Any, group: dict[str, Any]) -> bool:
        """A `fused=True` update of one parameter's arrays where PyTorch's fused kernel rounds otherwise
        than its single-tensor update (weight decay and maximize included); False: none, `_update` runs."""
        return False

    # --- parameter groups -------------------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with 'params' and optional hyper-parameters)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. Please use a list instead."
            )
        _split_names(param_group, list(params))
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _split_names(param_group: dict[str, Any], params: list) -> None:
    """Accept `named_parameters()` items: (name, tensor) pairs become 'params' + 'param_names'."""
    names = [p[0] for p in params if isinstance(p, tuple)]
    param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
    if names:
        if len(names) != len(params):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        param_group["param_names"] = names


def _cast_state(param: Tensor, value: Any, param_id: Any, saved_groups: Iterable[dict]) -> Any:
    """A loaded state entry moved to the parameter's dtype ('step' kept, unless fused/capturable)."""
    fused = capturable = False
    for group in saved_groups:
        if param_id in group["params"]:
            fused, capturable = group.get("fused", False), group.get("capturable", False)
            break

    def cast(key: Any, v: Any) -> Any:
        if isinstance(v, Tensor):
            if key == "step":
                return v.to(float32) if (capturable or fused) else v
            return v.to(param.dtype) if param.is_floating_point() else v
        if isinstance(v, (list, tuple)):
            return type(v)(cast(None, x) for x in v)
        return v

    if isinstance(value, dict):
        return {k: cast(k, v) for k, v in value.items()}
    return cast(None, value)


package_class(Optimizer)  # (its subclasses register themselves: `__init_subclass__`)
