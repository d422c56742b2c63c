"""Modules as functions of their state: functional_call, stack_module_state, batch norm for vmap.

Modules are used by duck typing (`named_parameters`, `_parameters`, ...): `retrograd.nn`
sits above this package and is not imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..tensor import Tensor


def _slots(module: Any) -> dict[str, tuple[Any, str, str]]:
    """Every parameter and buffer name, duplicates included: name -> (owner, registry, attribute)."""
    found: dict[str, tuple[Any, str, str]] = {}
    for prefix, sub in module.named_modules(remove_duplicate=False):
        for registry in ("_parameters", "_buffers"):
            for attr, value in sub.__dict__[registry].items():
                if value is not None:
                    found[(prefix + "." if prefix else "") + attr] = (sub, registry, attr)
    return found


def _untied(slots: dict[str, tuple[Any, str, str]], values: dict[str, Any]) -> dict[str, Any]:
    """`values` with a tensor given for one name of a tied tensor also under its other names.

    PyTorch's `_untie_named_tensors_map`, quirks included: two different tensors for one tied
    tensor raise its ValueError, and when two of three tied names are given, the third is read
    from `values` (a KeyError).
    """
    names_of: dict[int, list[str]] = {}  # the tensor's id -> every name it has
    for name, (sub, registry, attr) in slots.items():
        names_of.setdefault(id(sub.__dict__[registry][attr]), []).append(name)
    tied = {name: names for names in names_of.values() if len(names) > 1 for name in names}
    given = [name for name in values if name in tied]
    for name in given:
        names = tied[name]
        if sum(n in values for n in names) > 1 and len({id(values[n]) for n in names}) != 1:
            raise ValueError(
                f"functional_call got multiple values for keys {sorted(names)}, "
                "which are tied. Consider using tie_weights=False"
            )
    untied = dict(values)
    for name in given:
        for other in tied[name]:
            untied[other] = values[name]
    return untied


@contextmanager
def _swapped(module: Any, values: dict[str, Any], tie_weights: bool, strict: bool) -> Iterator[None]:
    slots = _slots(module)
    if tie_weights:  # a tied tensor replaced under one name is replaced under all of them
        values = _untied(slots, values)
    unexpected = [k for k in values if k not in slots]
    if strict:  # the error lists both kinds sorted, as PyTorch's
        missing = sorted(k for k in slots if k not in values)
        if missing or unexpected:
            parts = []
            if unexpected:
                parts.append("Unexpected key(s): " + ", ".join(repr(k) for k in sorted(unexpected)) + ".")
            if missing:
                parts.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(parts))
    saved = []
    try:
        for name, (sub, registry, attr) in slots.items():
            table = sub.__dict__[registry]
            old = table[attr]
            new = values.get(name, old)
            if new is not old:
                saved.append((table, attr, old))
                table[attr] = new
        for name in unexpected:  # a plain attribute path: set it for the call, as PyTorch does
            owner_path, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_path) if owner_path else module
            saved.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
            owner.__dict__[attr] = values[name]
        yield
    finally:
        for table, attr, old in reversed(saved):
            if old is _MISSING:
                table.pop(attr, None)
            else:
                table[attr] = old


_MISSING = object()


def functional_call(
    module: Any,
    parameter_and_buffer_dicts: Any,
    args: Any = None,
    kwargs: dict | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """Call `module` with its parameters and buffers replaced by the given tensors.

    Args:
        module (Module): the module to call.
        parameter_and_buffer_dicts (dict or sequence of dict): tensors by dotted name
            (`"0.weight"`); names not given keep the module's own tensors.
        args (Tensor or tuple, optional): the positional arguments of the call.
        kwargs (dict, optional): the keyword arguments of the call.
        tie_weights (bool): a tensor given for one of two tied names is used for both (default True).
        strict (bool): require a tensor for every parameter and buffer, and no unknown names.

    Returns:
        the module's output; the module's own parameters are unchanged afterwards.

    Examples:
        >>> lin = nn.Linear(2, 1)
        >>> params = {"weight": retrograd.tensor([[1.0, 2.0]]), "bias": retrograd.tensor([0.5])}
        >>> retrograd.func.functional_call(lin, params, (retrograd.tensor([[1.0, 1.0]]),))
        tensor([[3.5000]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        values = dict(parameter_and_buffer_dicts)
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        values = _merged(parameter_and_buffer_dicts)
    else:
        raise ValueError(
            f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
            f"{type(parameter_and_buffer_dicts)}"
        )
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values, tie_weights, strict):
        return module(*args, **(kwargs or {}))


def _merged(dicts: Sequence[Any]) -> dict[str, Any]:
    """One dict from several, with PyTorch's errors for a non-dict and for keys given more than once."""
    if not all(isinstance(d, dict) for d in dicts):
        raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
    counts: dict[str, int] = {}
    for d in dicts:
        for k in d:
            counts[k] = counts.get(k, 0) + 1
    repeated = [k for k, n in counts.items() if n > 1]  # every one, in first-seen order
    if repeated:
        raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    return {k: v for d in dicts for k, v in d.items()}


def stack_module_state(models: Any) -> tuple[dict, dict]:
    """The parameters and buffers of identical models, each stacked along a new dim 0.

    Args:
        models (sequence of Module): modules of the same class and the same shapes.

    Returns:
        tuple: `(params, buffers)`, two dicts from dotted name to the stacked tensor, of shape
            `(len(models), *shape)`; the stacked parameters are new leaves that require grad.

    Examples:
        >>> models = [nn.Linear(2, 1) for _ in range(3)]
        >>> params, buffers = retrograd.func.stack_module_state(models)
        >>> {name: p.shape for name, p in params.items()}
        {'weight': retrograd.Size([3, 1, 2]), 'bias': retrograd.Size([3, 1])}
        >>> buffers
        {}
    """
    from .. import ops

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(named: list) -> dict:
        out = {}
        for name, _ in named:
            pieces = [dict(m.named_parameters()).get(name, dict(m.named_buffers()).get(name)) for m in models]
            value = ops.stack([p.detach() for p in pieces])
            if pieces[0].requires_grad:
                value.requires_grad_()
            out[name] = value
        return out

    return stacked(list(models[0].named_parameters())), stacked(list(models[0].named_buffers()))


def replace_all_batch_norm_modules_(root: Any) -> Any:
    """Make every batch norm in `root` use batch statistics only (no running stats), for vmap.

    Args:
        root (Module): the module to change in place, with its submodules.

    Returns:
        Module: `root`, whose batch norms no longer track running statistics.

    Examples:
        >>> model = nn.Sequential(nn.BatchNorm1d(2))
        >>> model = retrograd.func.replace_all_batch_norm_modules_(model)
        >>> model[0].running_mean is None, model[0].track_running_stats
        (True, False)
    """
    for module in root.modules():
        names = {c.__name__ for c in type(module).__mro__}
        if "_BatchNorm" in names or "_NormBase" in names or type(module).__name__.startswith("BatchNorm"):
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root


__all__ = ["functional_call", "stack_module_state", "replace_all_batch_norm_modules_"]
del Tensor
