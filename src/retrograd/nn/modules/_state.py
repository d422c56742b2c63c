"""Loading state dicts into modules, and printing module trees like PyTorch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...engine.grad_mode import no_grad
from ...tensor import Tensor

if TYPE_CHECKING:
    from .module import Module, _IncompatibleKeys


def load_into(module: Module, state_dict: Any, strict: bool, assign: bool) -> _IncompatibleKeys:
    """Copy matching entries of `state_dict` into `module`; PyTorch's errors for the rest."""
    from ..parameter import Parameter, is_lazy
    from .module import _IncompatibleKeys

    if not hasattr(state_dict, "items"):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    own = module.state_dict(keep_vars=True)
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    errors = []
    for key, target in own.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor):
            errors.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like object '
                f"from checkpoint but received {type(value)}"
            )
            continue
        if is_lazy(target):  # a lazy module's parameter takes the shape it is given, or stays lazy
            if not is_lazy(value):
                target.materialize(value.shape)
            else:
                continue
        if value.shape != target.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                f"the shape in current model is {target.shape}."
            )
            continue
        if assign:
            _replace(module, key, Parameter(value, target.requires_grad) if isinstance(target, Parameter) else value)
        else:
            with no_grad():
                target.copy_(value)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError(
            "Error(s) in loading state_dict for {}:\n\t{}".format(type(module).__name__, "\n\t".join(errors))
        )
    return _IncompatibleKeys(missing, unexpected)


def _replace(module: Module, key: str, value: Tensor) -> None:
    path, _, name = key.rpartition(".")
    owner = module.get_submodule(path)
    if name in owner._parameters:
        owner._parameters[name] = value
    else:
        owner._buffers[name] = value


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
