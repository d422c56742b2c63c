"""Parametrizations: a module attribute computed from other tensors each time it is read.

`register_parametrization(module, "weight", P)` moves the parameter into
`module.parametrizations.weight.original` (or `original0`, `original1`, ... when P's
`right_inverse` returns several tensors) and replaces the attribute by a property that
returns P(original). The module's class is swapped for a subclass named
`Parametrized<Class>` that holds the property, as in PyTorch, so state_dict keys and
reprs match (`parametrizations.weight.original`).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from typing import Any

from ...engine.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

__all__ = [
    "cached",
    "ParametrizationList",
    "register_parametrization",
    "is_parametrized",
    "remove_parametrizations",
    "type_before_parametrizations",
    "transfer_parametrizations_and_params",
]

_cache_depth = 0
_cache: dict[tuple[int, str], Tensor] = {}


@contextlib.contextmanager
def cached() -> Iterator[None]:
    """Inside this context each parametrized tensor is computed once, on its first read.

    Returns:
        contextmanager: on exit the cache is cleared.

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> m = nn.Linear(2, 2)
        >>> _ = P.register_parametrization(m, 'weight', Double())
        >>> with P.cached():
        ...     same = m.weight is m.weight
        >>> same, m.weight is m.weight
        (True, False)
    """
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


def _register_parameter_or_buffer(module: Module, name: str, value: Tensor) -> None:
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _set_in_place(dest: Tensor, src: Any) -> None:
    """Make `dest` hold `src`'s values, keeping `dest`'s identity (optimizers may hold it)."""
    dest.data = src


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the tensor(s) they start from.

    Args:
        modules (sequence of Module): the parametrizations, applied in order.
        original (Tensor): the tensor being parametrized (stored as `original`, or `original0`, `original1`, ...
            when `right_inverse` returns several).
        unsafe (bool): skip the dtype and shape checks (default False).

    Returns:
        (ParametrizationList): a ModuleList whose call gives the parametrized value; `register_parametrization`
            makes these.

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> m = P.register_parametrization(nn.Linear(2, 2), 'weight', nn.Tanh())
        >>> type(m.parametrizations.weight).__name__
        'ParametrizationList'
        >>> m.parametrizations.weight
        ParametrizationList(
          (0): Tanh()
        )
    """

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        shape, dtype = original.shape, original.dtype
        with no_grad():
            new: Any = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(
                "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                f"Got {type(new).__name__}"
            )
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                    f"original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}"
                )
            with no_grad():
                _set_in_place(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError(
                        "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                        f"Got element {i} of the sequence with type {type(part).__name__}."
                    )
                if isinstance(original, Parameter):
                    part = Parameter(part, original.requires_grad)
                part.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", part)
        if not self.unsafe:
            value = self()
            if not isinstance(value, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
            if value.dtype != dtype:
                raise ValueError(
                    "Registering a parametrization may not change the dtype of the tensor, unless `unsafe` flag is "
                    f"enabled.\nunparametrized dtype: {dtype}\nparametrized dtype: {value.dtype}"
                )
            if value.shape != shape:
                raise ValueError(
                    "Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is "
                    f"enabled.\nunparametrized shape: {shape}\nparametrized shape: {value.shape}"
                )

    def right_inverse(self, value: Tensor) -> None:
        """Store `value` as the tensor's new value: run the right inverses backwards into the originals."""
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(
                        f"The tensor returned by `right_inverse` has dtype {value.dtype} while `original` has "
                        f"dtype {self.original.dtype}"
                    )
                _set_in_place(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError(
                    f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. Got a sequence "
                    f"of length {len(value)}."
                )
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError(
                        "'right_inverse' must return a sequence of tensors or reference-type opaques. Got element "
                        f"{i} of type {type(tensor).__name__}."
                    )
                if original_i.dtype != tensor.dtype:
                    raise ValueError(
                        f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} while `original{i}` has "
                        f"dtype {original_i.dtype}"
                    )
                _set_in_place(original_i, tensor)

    def forward(self) -> Tensor:
        """The parametrized tensor: the first parametrization on the original(s), then the others in turn."""
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _parametrized_deepcopy(self: Module, memo: dict) -> Module:
    if id(self) in memo:
        return memo[id(self)]
    replica = self.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    return replica


def _refuse_pickling(self: Module) -> Any:
    raise RuntimeError(
        "Serialization of parametrized modules is only supported through state_dict(). See:\n"
        "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
        "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
    )


def _inject_new_class(module: Module) -> None:
    """Swap the module's class for a `Parametrized<Class>` subclass that can hold the properties."""
    cls = type(module)
    namespace: dict[str, Any] = {"__getstate__": _refuse_pickling}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _parametrized_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _inject_property(module: Module, tensor_name: str) -> None:
    """`module.<tensor_name>` reads the parametrization (cached inside `cached()`) and assigns through it."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self: Module) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if not _cache_depth:
            return parametrization()
        key = (id(self), tensor_name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self: Module, value: Tensor) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(type(module), tensor_name, property(get_parametrized, set_original))


def _check_same(what: tuple[str, str], tensor_name: str, value: Tensor, reference: Tensor) -> None:
    """The checks of a parametrization added to an already parametrized tensor (without `unsafe`)."""
    if value.dtype != reference.dtype:
        raise ValueError(
            f"{what[0]} may not change the dtype of the tensor, unless the `unsafe` flag is enabled.\n"
            f"module.{tensor_name}.dtype: {reference.dtype}\n{what[1]}.dtype: {value.dtype}"
        )
    if value.shape != reference.shape:
        raise ValueError(
            f"{what[0]} may not change the shape of the tensor, unless the `unsafe` flag is enabled.\n"
            f"module.{tensor_name}.shape: {reference.shape}\n{what[1]}.shape: {value.shape}"
        )


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make `module.<tensor_name>` be `parametrization(original)` (stacking on earlier parametrizations).

    Args:
        module (Module): the module holding the tensor.
        tensor_name (str): the parameter or buffer to parametrize.
        parametrization (Module): maps the original tensor to the value `module.<tensor_name>` returns; an optional
            `right_inverse` maps an assigned value back.
        unsafe (bool): skip the checks that the parametrization keeps the dtype and shape (default False).

    Returns:
        Module: `module`, whose class is now a subclass with a `<tensor_name>` property; the original lives in
            `module.parametrizations.<tensor_name>.original`.

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> class Symmetric(nn.Module):
        ...     def forward(self, x):
        ...         return x.triu() + x.triu(1).T
        >>> m = P.register_parametrization(nn.Linear(3, 3), 'weight', Symmetric())
        >>> bool((m.weight == m.weight.T).all())
        True
        >>> P.is_parametrized(m, 'weight'), type(m).__name__
        (True, 'ParametrizedLinear')
        >>> m.parametrizations.weight.original.shape
        retrograd.Size([3, 3])
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            current = getattr(module, tensor_name)
            value = parametrization(current)
            if not isinstance(value, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
            _check_same(
                ("Registering a parametrization", f"parametrization(module.{tensor_name})"), tensor_name, value, current
            )
            if hasattr(parametrization, "right_inverse"):
                try:
                    inverse = parametrization.right_inverse(value)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(inverse, Tensor):
                        raise ValueError(
                            f"parametrization.right_inverse must return a tensor. Got: {type(inverse).__name__}"
                        )
                    if inverse.dtype != current.dtype:
                        raise ValueError(
                            "The tensor returned by parametrization.right_inverse must have the same dtype as "
                            f"module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                            f"module.{tensor_name}.dtype: {current.dtype}\nreturned dtype: {inverse.dtype}"
                        )
                    if inverse.shape != current.shape:
                        raise ValueError(
                            "The tensor returned by parametrization.right_inverse must have the same shape as "
                            f"module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                            f"module.{tensor_name}.shape: {current.shape}\nreturned shape: {inverse.shape}"
                        )
        plist = module.parametrizations[tensor_name]
        plist.append(parametrization)
        plist.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = plist
    else:
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name "
            f"'{tensor_name}'"
        )
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether `module` has a parametrization on `tensor_name` (on anything, when None).

    Args:
        module (Module): the module to ask.
        tensor_name (str, optional): the tensor; None asks about any tensor.

    Returns:
        bool: whether it has a parametrization there.

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> m = nn.Linear(2, 2)
        >>> P.is_parametrized(m)
        False
        >>> _ = P.register_parametrization(m, 'bias', nn.Tanh())
        >>> P.is_parametrized(m), P.is_parametrized(m, 'weight')
        (True, False)
    """
    parametrizations = module._modules.get("parametrizations") if isinstance(module, Module) else None
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Undo register_parametrization: keep the current value (default) or the original tensor.

    Args:
        module (Module): a parametrized module.
        tensor_name (str): the tensor whose parametrizations to remove.
        leave_parametrized (bool): keep the current (parametrized) value; if False, the original (default True).

    Returns:
        Module: `module`, with `<tensor_name>` a plain parameter or buffer again (and its original class once
            nothing is parametrized).

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> m = nn.Linear(2, 2)
        >>> _ = P.register_parametrization(m, 'weight', nn.ReLU())
        >>> m = P.remove_parametrizations(m, 'weight')
        >>> type(m).__name__, bool((m.weight >= 0).all())
        ('Linear', True)
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with no_grad():
                _set_in_place(original, getattr(module, tensor_name))
    elif leave_parametrized:
        value = getattr(module, tensor_name)
        original = Parameter(value) if value.requires_grad else value
    else:
        raise ValueError(
            "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a "
            "sequence of tensors."
        )
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The module's class as it was before any parametrization was registered.

    Args:
        module (Module): any module.

    Returns:
        type: its class before any parametrization was registered (its class, if none was).

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> m = P.register_parametrization(nn.Linear(2, 2), 'weight', nn.Identity())
        >>> type(m).__name__, P.type_before_parametrizations(m).__name__
        ('ParametrizedLinear', 'Linear')
    """
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(
    from_module: Module, to_module: Module, tensor_name: str | None = None
) -> Module:
    """Copy `from_module`'s parametrizations (and their originals) onto `to_module`.

    Args:
        from_module (Module): a parametrized module.
        to_module (Module): the module to copy onto; its tensors are replaced.
        tensor_name (str, optional): the one tensor to transfer; None transfers all.

    Returns:
        Module: `to_module`, with the same parametrizations and original values.

    Examples:
        >>> import retrograd.nn.utils.parametrize as P
        >>> a = P.register_parametrization(nn.Linear(2, 2), 'weight', nn.Tanh())
        >>> b = P.transfer_parametrizations_and_params(a, nn.Linear(2, 2))
        >>> P.is_parametrized(b, 'weight'), bool((b.weight == a.weight).all())
        (True, True)
    """
    if not isinstance(from_module, Module) or not isinstance(to_module, Module):
        raise AssertionError("transfer_parametrizations_and_params expects Modules")
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in from_module.parametrizations[name]:
            register_parametrization(to_module, name, parametrization)
        source, target = from_module.parametrizations[name], to_module.parametrizations[name]
        with no_grad():
            if source.is_tensor:
                target.original = source.original
            else:
                for i in range(source.ntensors):
                    setattr(target, f"original{i}", getattr(source, f"original{i}"))
    return to_module
