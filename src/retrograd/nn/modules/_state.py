"""Loading state dicts into modules, and printing module trees like PyTorch."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...engine.grad_mode import no_grad
from ...ops.kernels.arg_types import class_repr
from ...tensor import Tensor

if TYPE_CHECKING:
    from .module import Module, _IncompatibleKeys


EXTRA_STATE = "_extra_state"  # the key suffix of a module's get_extra_state() entry


def save_tree(root: Module, destination: Any, prefix: str, keep_vars: bool) -> Any:
    """`state_dict()`'s walk, PyTorch's protocol without recursion.

    Per module: its `_metadata` entry, its state-dict pre hooks, `_save_to_state_dict` (its own
    parameters, persistent buffers and extra state), its children, then its post hooks. A
    private (`_register_state_dict_hook`) post hook of the root may return a new dict.
    """
    stack: list[tuple[Module, str, dict | None]] = [(root, prefix, None)]
    while stack:
        module, pre, local_metadata = stack.pop()
        if local_metadata is not None:  # the module's subtree is saved: its post hooks
            for hook in list(module._state_dict_hooks.values()):
                result = hook(module, destination, pre, local_metadata)
                if getattr(hook, "_from_public_api", False):
                    if result is not None:
                        raise RuntimeError("state_dict post-hook must return None")
                elif result is not None and module is root:
                    destination = result
            continue
        local_metadata = {"version": module._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[pre[:-1]] = local_metadata
        for hook in list(module._state_dict_pre_hooks.values()):
            hook(module, pre, keep_vars)
        module._save_to_state_dict(destination, pre, keep_vars)
        stack.append((module, pre, local_metadata))
        for name, child in reversed(module._modules.items()):
            if child is not None:
                stack.append((child, pre + name + ".", None))
    return destination


def save_own(module: Module, destination: Any, prefix: str, keep_vars: bool) -> None:
    """`_save_to_state_dict`: the module's parameters, persistent buffers and extra state."""
    from ..parameter import is_lazy
    from .module import Module

    for name, p in module._parameters.items():
        if p is not None:  # an uninitialized (lazy) one is saved as it is, as in PyTorch
            destination[prefix + name] = p if keep_vars or is_lazy(p) else p.detach()
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent_buffers_set:
            destination[prefix + name] = b if keep_vars or is_lazy(b) else b.detach()
    if type(module).get_extra_state is not Module.get_extra_state:
        destination[prefix + EXTRA_STATE] = module.get_extra_state()


def load_tree(root: Module, state_dict: Any, strict: bool, assign: bool) -> _IncompatibleKeys:
    """`load_state_dict()`: each module's `_load_from_state_dict` on its keys, its children, then its
    post hooks; PyTorch's errors for what is left (missing, unexpected, mismatched)."""
    from .module import _IncompatibleKeys

    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {class_repr(state_dict)}.")
    metadata = getattr(state_dict, "_metadata", None)
    state_dict = OrderedDict(state_dict)
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    incompatible = _IncompatibleKeys(missing, unexpected)
    stack: list[tuple[Module, Any, str]] = [(root, state_dict, "")]
    while stack:
        module, local, prefix = stack.pop()
        if local is None:  # the module's subtree is loaded: its post hooks
            for hook in list(module._load_state_dict_post_hooks.values()):
                if hook(module, incompatible) is not None:
                    raise AssertionError(
                        "Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return "
                        "new values, if incompatible_keys need to be modified, it should be done inplace."
                    )
            continue
        local_metadata = dict(metadata.get(prefix[:-1], {})) if metadata is not None else {}
        if assign:
            local_metadata["assign_to_params_buffers"] = True
        module._load_from_state_dict(local, prefix, local_metadata, True, missing, unexpected, errors)
        stack.append((module, None, prefix))
        for name, child in reversed(module._modules.items()):
            if child is not None:
                child_prefix = prefix + name + "."
                stack.append((child, {k: v for k, v in local.items() if k.startswith(child_prefix)}, child_prefix))
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError(
            "Error(s) in loading state_dict for {}:\n\t{}".format(type(root).__name__, "\n\t".join(errors))
        )
    return incompatible


def _warn_copy_into_meta(key: str) -> None:
    """PyTorch's warning that copying into a meta tensor keeps nothing (a skeleton loads with assign)."""
    warnings.warn(
        f"for {key}: copying from a non-meta parameter in the checkpoint to a meta parameter in the current model, "
        "which is a no-op. (Did you mean to pass `assign=True` to assign items in the state dictionary to their "
        "corresponding key in the module instead of copying them in place?)",
        stacklevel=4,  # as PyTorch's: the line in load_state_dict that calls `_load_from_state_dict`
    )


def load_own(module: Module, state_dict: Any, prefix: str, local_metadata: dict, strict: bool,
             missing: list[str], unexpected: list[str], errors: list[str]) -> None:
    """`_load_from_state_dict`: the module's pre hooks, then its own entries copied (or assigned) in."""
    from ..parameter import Parameter, is_lazy
    from .module import Module

    for hook in list(module._load_state_dict_pre_hooks.values()):
        hook(state_dict, prefix, local_metadata, strict, missing, unexpected, errors)
    own = [(k, v) for k, v in module._parameters.items() if v is not None]
    own += [(k, v) for k, v in module._buffers.items() if v is not None and k not in module._non_persistent_buffers_set]
    assign = local_metadata.get("assign_to_params_buffers", False)
    for name, target in own:
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing.append(key)
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor):
            errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like object '
                          f"from checkpoint but received {type(value)}")
            continue
        if is_lazy(target):  # a lazy module's parameter takes the shape it is given, or stays lazy
            if is_lazy(value):
                continue
            target.materialize(value.shape)
        if target.ndim == 0 and value.shape == (1,):  # PyTorch accepts a one-element vector for a scalar
            value = value[0]
        if value.shape != target.shape:
            errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                          f"the shape in current model is {target.shape}.")
            continue
        if target.is_meta and not value.is_meta and not assign:
            _warn_copy_into_meta(key)
        try:
            if assign:
                if isinstance(target, Parameter):
                    if isinstance(value, Parameter):
                        value.requires_grad_(target.requires_grad)
                    else:
                        value = Parameter(value, target.requires_grad)
                setattr(module, name, value)
            else:
                with no_grad():
                    target.copy_(value)
        except Exception as e:
            errors.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                          f"{target.size()} and whose dimensions in the checkpoint are {value.size()}, an "
                          f"exception occurred : {e.args}.")
    extra_key = prefix + EXTRA_STATE
    if type(module).set_extra_state is not Module.set_extra_state:
        if extra_key in state_dict:
            module.set_extra_state(state_dict[extra_key])
        elif strict:
            missing.append(extra_key)
    elif strict and extra_key in state_dict:
        unexpected.append(extra_key)
    if strict:
        names = {name for name, _ in own}
        for key in state_dict:
            if key.startswith(prefix) and key != extra_key:
                head, dot, _ = key[len(prefix):].partition(".")
                if (head not in module._modules) if dot else (head not in names):
                    unexpected.append(key)


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def module_repr(module: Module) -> str:
    """`Name(extra)` or a multi-line listing of children, exactly as PyTorch prints it."""
    extra = module.extra_repr()
    extra_lines = extra.split("\n") if extra else []
    child_lines = [f"({key}): {_indent(repr(child), 2)}" for key, child in module._modules.items()]
    lines = extra_lines + child_lines
    text = module._get_name() + "("
    if lines:
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        else:
            text += "\n  " + "\n  ".join(lines) + "\n"
    return text + ")"
