"""`torch.nn.utils.prune`: zero out parts of a parameter through a mask, reapplied before every forward.

Pruning `module.weight` reparametrises it: the parameter moves to `weight_orig`, a buffer
`weight_mask` (ones where kept, zeros where pruned) joins it, and `weight` becomes the plain
tensor `weight_mask * weight_orig`, recomputed by a forward pre-hook (the pruning method
itself) so that gradients reach `weight_orig` only where the mask keeps it. Pruning the same
tensor again prunes among what is left: the methods pile up in a `PruningContainer`, each new
mask computed on the entries (unstructured) or slices (structured) still kept. `remove` makes
the pruned values permanent and the parameter plain again.

Which entries go: the smallest |x| (`l1_unstructured`, or the smallest `importance_scores`), the
slices along `dim` of smallest n-norm (`ln_structured`), random ones (drawn with `rand`, so
after the same `manual_seed` the same as PyTorch's), or a given mask. `amount` is a fraction of
the entries (rounded) or a count.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from ... import ops
from ..._display_name import package_class
from ...random import rand, rand_like
from ...tensor import Tensor
from ..modules.module import Module
from .convert_parameters import parameters_to_vector

__all__ = [
    "BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
    "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
    "l1_unstructured", "random_structured", "ln_structured", "global_unstructured", "custom_from_mask",
    "remove", "is_pruned",
]


class BasePruningMethod(ABC):
    """A way to choose what to prune; also the forward pre-hook that recomputes the pruned tensor.

    Subclasses define `compute_mask(t, default_mask)` and `PRUNING_TYPE` ("unstructured",
    "structured" with a `dim`, or "global"); `apply(module, name, ...)` prunes a module's tensor.

    Args:
        (none): subclasses take their own (`amount`, `dim`, ...).

    Returns:
        (BasePruningMethod): a method; calling it as `method(module, inputs)` recomputes the pruned tensor.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> class Odd(prune.BasePruningMethod):
        ...     PRUNING_TYPE = "unstructured"
        ...     def compute_mask(self, t, default_mask):
        ...         mask = default_mask.clone()
        ...         mask.view(-1)[1::2] = 0
        ...         return mask
        >>> Odd().prune(retrograd.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([1., 0., 3., 0.])
    """

    PRUNING_TYPE: str
    _tensor_name: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # the methods' reprs read `torch.nn.utils.prune.L1Unstructured` under the alias

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._name(module), self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask for `t`, given the mask it has so far."""

    def _name(self, module: Module) -> str:
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        return self._tensor_name

    def apply_mask(self, module: Module) -> Tensor:
        """The pruned tensor, `<name>_mask * <name>_orig` (differentiable in the original)."""
        name = self._name(module)
        orig = getattr(module, name + "_orig")
        return getattr(module, name + "_mask").to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module: Module, name: str, *args: Any, importance_scores: Tensor | None = None,
              **kwargs: Any) -> BasePruningMethod:
        """Prune `module.<name>` with a new `cls(*args, **kwargs)`, after any pruning it already has."""
        method = _method_for(cls, module, name, args, kwargs)
        orig = getattr(module, name)
        if importance_scores is not None and importance_scores.shape != orig.shape:
            raise AssertionError(
                f"importance_scores should have the same shape as parameter {name} of {module}, "
                f"got {importance_scores.shape} vs {orig.shape}"
            )
        first = not isinstance(method, PruningContainer)
        if first:  # the parameter moves to <name>_orig
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ops.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores if importance_scores is not None else orig, default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:  # put the parameter back as it was
                module.register_parameter(name, module._parameters.pop(name + "_orig"))
            raise
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None, importance_scores: Tensor | None = None) -> Tensor:
        """`t` with this method's mask applied (no module involved)."""
        if importance_scores is not None and importance_scores.shape != t.shape:
            raise AssertionError(
                f"importance_scores should have the same shape as tensor t, got {importance_scores.shape} vs {t.shape}"
            )
        scores = importance_scores if importance_scores is not None else t
        return t * self.compute_mask(scores, default_mask if default_mask is not None else ops.ones_like(t))

    def remove(self, module: Module) -> None:
        """Make the pruning permanent: `<name>` becomes a parameter holding the pruned values."""
        name = self._name(module)
        pruned = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        orig = module._parameters.pop(name + "_orig")
        orig.data = pruned.data
        del module._buffers[name + "_mask"]
        setattr(module, name, orig)


def _method_for(cls: type, module: Module, name: str, args: tuple, kwargs: dict) -> BasePruningMethod:
    """A new `cls(*args, **kwargs)` for `module.<name>`, in a PruningContainer with the method already there."""
    earlier = [(key, hook) for key, hook in module._forward_pre_hooks.items()
               if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
    if len(earlier) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of module {module}. "
                             "Use a PruningContainer.")
    for key, _ in earlier:
        del module._forward_pre_hooks[key]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if not earlier:
        return method
    old = earlier[0][1]
    container = old if isinstance(old, PruningContainer) else PruningContainer(old)
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """The methods applied to one tensor, in order; its mask is the last one's, computed on what is left.

    Pruning a tensor a second time puts both methods in one container (the module's hook).

    Args:
        *methods (BasePruningMethod): the methods so far, all for the same tensor name.

    Returns:
        (PruningContainer): a sequence of methods (`len`, iteration, indexing).

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = retrograd.nn.Linear(4, 2)
        >>> _ = prune.l1_unstructured(layer, "weight", amount=2)
        >>> _ = prune.random_unstructured(layer, "weight", amount=2)
        >>> hook = next(iter(layer._forward_pre_hooks.values()))
        >>> type(hook).__name__, len(hook), int(layer.weight_mask.sum())
        ('PruningContainer', 2, 4)
    """

    def __init__(self, *methods: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if len(methods) == 1:
            self._tensor_name = methods[0]._tensor_name
        for method in methods:
            self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' to "
                f"PruningContainer {self}. Found '{method._tensor_name}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Any:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: int) -> BasePruningMethod:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The last method's mask, computed on the entries (or slices) the mask so far keeps."""
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        if method.PRUNING_TYPE == "unstructured":
            kept: Any = default_mask == 1
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` '
                                     "defined.")
            dim = method.dim if method.dim >= 0 else t.dim() + method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {t.dim()}")
            alive = default_mask.sum(dim=[d for d in range(t.dim()) if d != dim]) != 0
            kept = tuple(alive if d == dim else slice(None) for d in range(t.dim()))
        elif method.PRUNING_TYPE == "global":
            kept = (slice(None),) * t.dim()
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
        mask[kept] = method.compute_mask(t[kept], default_mask=default_mask[kept]).to(dtype=mask.dtype)
        return mask


class Identity(BasePruningMethod):
    """Prunes nothing: the reparametrisation with a mask of ones (see `identity`).

    Args:
        (none)

    Returns:
        (Identity): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> prune.Identity().prune(retrograd.tensor([1.0, -2.0]))
        tensor([ 1., -2.])
    """

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes `amount` entries chosen at random (where `rand_like(t)` draws its largest numbers).

    Args:
        amount (float or int): a fraction of the entries in [0, 1], or how many.

    Returns:
        (RandomUnstructured): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> int((prune.RandomUnstructured(amount=3).prune(retrograd.ones(10)) == 0).sum())
        3
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: float) -> None:
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return _without_ranked(default_mask, _count(self.amount, t.nelement()), lambda: rand_like(t), largest=True)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the `amount` entries of smallest absolute value.

    Args:
        amount (float or int): a fraction of the entries in [0, 1], or how many.

    Returns:
        (L1Unstructured): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> prune.L1Unstructured(amount=0.5).prune(retrograd.tensor([0.1, -3.0, 2.0, 0.05]))
        tensor([ 0., -3.,  2.,  0.])
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: float) -> None:
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return _without_ranked(default_mask, _count(self.amount, t.nelement()), lambda: ops.abs(t), largest=False)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes `amount` slices along `dim` chosen at random.

    Args:
        amount (float or int): a fraction of the slices in [0, 1], or how many.
        dim (int): the dim whose slices are pruned whole (default -1).

    Returns:
        (RandomStructured): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> pruned = prune.RandomStructured(amount=1, dim=0).prune(retrograd.ones(3, 2))
        >>> pruned.sum(1).tolist().count(0.0)
        1
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: float, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.dim = amount, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        size = _structured_size(t, self.dim)
        count = _count(self.amount, size)
        if not count:
            return default_mask
        draws = rand(size)
        return _slices_kept(t, self.dim % t.dim(), draws > ops.kthvalue(draws, k=count).values, default_mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float, dim: int = -1) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the `amount` slices along `dim` of smallest `n`-norm.

    Args:
        amount (float or int): a fraction of the slices in [0, 1], or how many.
        n (int, float, inf, -inf, 'fro', 'nuc'): the norm's order.
        dim (int): the dim whose slices are compared and pruned (default -1).

    Returns:
        (LnStructured): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> prune.LnStructured(amount=1, n=2, dim=0).prune(retrograd.tensor([[1.0, 1.0], [0.1, 0.2]]))
        tensor([[1., 1.],
                [0., 0.]])
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount: float, n: Any, dim: int = -1) -> None:
        _check_amount(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        size = _structured_size(t, self.dim)
        count = _count(self.amount, size)
        dim = self.dim % t.dim()
        norms = ops.norm(t, p=self.n, dim=[d for d in range(t.dim()) if d != dim])
        keep = ops.topk(norms, k=size - count, largest=True).indices
        if not count:
            return default_mask
        return _slices_kept(t, dim, keep, default_mask)

    @classmethod
    def apply(cls, module: Module, name: str, amount: float, n: Any, dim: int,  # type: ignore[override]
              importance_scores: Tensor | None = None) -> BasePruningMethod:
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where the given mask is 0.

    Args:
        mask (Tensor): 1 to keep, 0 to prune, the pruned tensor's shape.

    Returns:
        (CustomFromMask): the method.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> prune.CustomFromMask(retrograd.tensor([1, 0, 1])).prune(retrograd.tensor([4.0, 5.0, 6.0]))
        tensor([4., 0., 6.])
    """

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if default_mask.shape != self.mask.shape:
            raise AssertionError(
                f"default_mask shape {default_mask.shape} must match self.mask shape {self.mask.shape}"
            )
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor) -> BasePruningMethod:  # type: ignore[override]
        return super().apply(module, name, mask=mask)


# --- the functional forms ---------------------------------------------------------------------------


def identity(module: Module, name: str) -> Module:
    """Reparametrise `module.<name>` with a mask of ones (prune nothing).

    Args:
        module (Module): the module.
        name (str): the parameter's name.

    Returns:
        Module: `module`, with `<name>_orig`, `<name>_mask` and the hook.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.identity(retrograd.nn.Linear(2, 2), "weight")
        >>> sorted(name for name, _ in layer.named_buffers())
        ['weight_mask']
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: float) -> Module:
    """Prune `amount` of `module.<name>`'s entries, chosen at random.

    Args:
        module (Module): the module.
        name (str): the parameter's name.
        amount (float or int): a fraction of the entries in [0, 1], or how many.

    Returns:
        Module: `module`, pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.random_unstructured(retrograd.nn.Linear(4, 2), "weight", amount=0.25)
        >>> int((layer.weight_mask == 0).sum())
        2
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: float, importance_scores: Tensor | None = None) -> Module:
    """Prune the `amount` entries of `module.<name>` of smallest |value| (or smallest `importance_scores`).

    Args:
        module (Module): the module.
        name (str): the parameter's name.
        amount (float or int): a fraction of the entries in [0, 1], or how many.
        importance_scores (Tensor, optional): scores of the parameter's shape used instead of |value|.

    Returns:
        Module: `module`, pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = retrograd.nn.Linear(2, 1)
        >>> with retrograd.no_grad():
        ...     _ = layer.weight.copy_(retrograd.tensor([[0.5, -2.0]]))
        >>> prune.l1_unstructured(layer, "weight", amount=1).weight
        tensor([[ 0., -2.]], grad_fn=<MulBackward0>)
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: float, dim: int) -> Module:
    """Prune `amount` slices of `module.<name>` along `dim`, chosen at random.

    Args:
        module (Module): the module.
        name (str): the parameter's name (2-d or more).
        amount (float or int): a fraction of the slices in [0, 1], or how many.
        dim (int): the dim whose slices are pruned whole.

    Returns:
        Module: `module`, pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.random_structured(retrograd.nn.Linear(3, 4), "weight", amount=2, dim=0)
        >>> layer.weight_mask.sum(1).tolist().count(0.0)
        2
    """
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount: float, n: Any, dim: int,
                  importance_scores: Tensor | None = None) -> Module:
    """Prune the `amount` slices of `module.<name>` along `dim` of smallest `n`-norm.

    Args:
        module (Module): the module.
        name (str): the parameter's name (2-d or more).
        amount (float or int): a fraction of the slices in [0, 1], or how many.
        n (int, float, inf, -inf, 'fro', 'nuc'): the norm's order.
        dim (int): the dim whose slices are compared and pruned.
        importance_scores (Tensor, optional): scores of the parameter's shape whose norms decide instead.

    Returns:
        Module: `module`, pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.ln_structured(retrograd.nn.Conv2d(1, 4, 3), "weight", amount=0.5, n=2, dim=0)
        >>> layer.weight_mask.sum((1, 2, 3)).tolist().count(0.0)
        2
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune `module.<name>` where `mask` is 0.

    Args:
        module (Module): the module.
        name (str): the parameter's name.
        mask (Tensor): 1 to keep, 0 to prune, the parameter's shape.

    Returns:
        Module: `module`, pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.custom_from_mask(retrograd.nn.Linear(2, 3), "bias", retrograd.tensor([1, 0, 1]))
        >>> layer.bias[1].item()
        0.0
    """
    CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(parameters: Iterable[tuple[Module, str]], pruning_method: type,
                        importance_scores: dict | None = None, **kwargs: Any) -> None:
    """Prune several tensors as one: `pruning_method(**kwargs)` (unstructured) chooses among all their entries.

    Args:
        parameters (iterable of (Module, str)): the tensors.
        pruning_method (type): an unstructured method, e.g. `L1Unstructured`.
        importance_scores (dict, optional): (module, name) -> scores used instead of the values.
        **kwargs: the method's arguments (`amount`).

    Returns:
        None

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> a, b = retrograd.nn.Linear(2, 2), retrograd.nn.Linear(2, 2)
        >>> prune.global_unstructured([(a, "weight"), (b, "weight")], prune.L1Unstructured, amount=4)
        >>> int((a.weight == 0).sum() + (b.weight == 0).sum())
        4
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    scores = importance_scores if importance_scores is not None else {}
    if not isinstance(scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    all_scores = parameters_to_vector([scores.get((m, name), getattr(m, name)) for m, name in parameters])
    masks_so_far = parameters_to_vector(
        [getattr(m, name + "_mask") if hasattr(m, name + "_mask") else ops.ones_like(getattr(m, name))
         for m, name in parameters]
    )
    method = pruning_method(**kwargs)
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container = PruningContainer()
    container._tensor_name = method._tensor_name = "temp"
    container.add_pruning_method(method)
    final = container.compute_mask(all_scores, masks_so_far)
    start = 0
    for m, name in parameters:
        param = getattr(m, name)
        custom_from_mask(m, name, mask=final[start : start + param.numel()].view_as(param))
        start += param.numel()


def remove(module: Module, name: str) -> Module:
    """Make `module.<name>`'s pruning permanent and drop its mask and hook.

    Args:
        module (Module): a module whose `name` was pruned.
        name (str): the parameter's name.

    Returns:
        Module: `module`, with `<name>` a plain parameter holding the pruned values.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> layer = prune.l1_unstructured(retrograd.nn.Linear(2, 2), "weight", amount=1)
        >>> layer = prune.remove(layer, "weight")
        >>> sorted(name for name, _ in layer.named_parameters()), list(layer.named_buffers())
        (['bias', 'weight'], [])
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module: Module) -> bool:
    """Whether `module` or one of its submodules has a pruning hook.

    Args:
        module (Module): the module to look through.

    Returns:
        bool: True if some tensor in it is pruned.

    Examples:
        >>> from retrograd.nn.utils import prune
        >>> net = retrograd.nn.Sequential(retrograd.nn.Linear(2, 2))
        >>> before = prune.is_pruned(net)
        >>> _ = prune.identity(net[0], "weight")
        >>> before, prune.is_pruned(net)
        (False, True)
    """
    return any(isinstance(hook, BasePruningMethod) for _, sub in module.named_modules()
               for hook in sub._forward_pre_hooks.values())


# --- masks, amounts and dims ---------------------------------------------------------------------------


def _without_ranked(default_mask: Tensor, count: int, scores: Any, largest: bool) -> Tensor:
    """`default_mask` with 0 at the `count` entries whose `scores()` rank first (made only when needed:
    random scores draw numbers)."""
    mask = default_mask.clone()
    if count:
        mask.view(-1)[ops.topk(scores().view(-1), k=count, largest=largest).indices] = 0
    return mask


def _slices_kept(t: Tensor, dim: int, chosen: Tensor, default_mask: Tensor) -> Tensor:
    """1 on the slices of `t` along `dim` that `chosen` picks (a mask or indices), 0 elsewhere, times the
    mask so far."""
    mask = ops.zeros_like(t)
    mask[tuple(chosen if d == dim else slice(None) for d in range(t.dim()))] = 1
    mask *= default_mask.to(dtype=mask.dtype)
    return mask


def _check_amount(amount: Any) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    integral = isinstance(amount, numbers.Integral)
    if (integral and amount < 0) or (not integral and not 0.0 <= float(amount) <= 1.0):  # type: ignore[operator]
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _count(amount: Any, size: int) -> int:
    """How many of `size` entries (or slices) to prune: a count as given, a fraction rounded."""
    integral = isinstance(amount, numbers.Integral)
    count = int(amount) if integral else round(amount * size)
    if integral and count > size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to prune={size}")
    return count


def _structured_size(t: Tensor, dim: int) -> int:
    if t.dim() <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. Found tensor of shape "
                         f"{t.shape} with {t.dim()} dims")
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")
    return t.shape[dim]


package_class(BasePruningMethod)  # (its subclasses register themselves: `__init_subclass__`)
