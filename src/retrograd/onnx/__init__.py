"""`torch.onnx`: importable, so scripts that export only on request run; exporting itself raises.

retrograd has no graph exporter: a program reaches `export` only when asked to write an ONNX
file (word_language_model's `--onnx-export`, say), and then learns why it cannot. Libraries
register symbolic functions for their custom operators at import (torchvision's `nms` and
`roi_align`, written with `symbolic_helper.parse_args` and `symbolic_opset11`); the registry
keeps them, and nothing reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import symbolic_helper, symbolic_opset11

__all__ = [
    "OnnxExporterError", "dynamo_export", "export", "is_in_onnx_export", "register_custom_op_symbolic",
    "symbolic_helper", "symbolic_opset11", "unregister_custom_op_symbolic",
]  # fmt: skip

_NO_EXPORT = "retrograd cannot export ONNX models: it has no graph exporter"


def export(model: Any, args: Any = (), f: Any = None, *pargs: Any, **kwargs: Any) -> Any:
    """Raises NotImplementedError: retrograd has no ONNX exporter.

    Args:
        model (Module or callable): the model PyTorch would export.
        args (tuple): its example inputs.
        f (str or file, optional): where PyTorch would write the file.
        *pargs: PyTorch's further positional options.
        **kwargs: PyTorch's keyword options (opset_version, dynamic_axes, ...).

    Returns:
        None: never returns.

    Examples:
        >>> retrograd.onnx.export(retrograd.nn.Linear(2, 2), (retrograd.ones(1, 2),), "m.onnx")
        Traceback (most recent call last):
            ...
        NotImplementedError: retrograd cannot export ONNX models: it has no graph exporter
    """
    raise NotImplementedError(_NO_EXPORT)


def dynamo_export(model: Any, *model_args: Any, **kwargs: Any) -> Any:
    """Raises NotImplementedError, as `export`.

    Args:
        model (Module or callable): the model PyTorch would export.
        *model_args: its example inputs.
        **kwargs: PyTorch's options.

    Returns:
        None: never returns.

    Examples:
        >>> retrograd.onnx.dynamo_export(retrograd.nn.Linear(2, 2), retrograd.ones(1, 2))
        Traceback (most recent call last):
            ...
        NotImplementedError: retrograd cannot export ONNX models: it has no graph exporter
    """
    raise NotImplementedError(_NO_EXPORT)


def is_in_onnx_export() -> bool:
    """False: nothing is ever being exported.

    Returns:
        bool: False.

    Examples:
        >>> retrograd.onnx.is_in_onnx_export()
        False
    """
    return False


class OnnxExporterError(RuntimeError):
    """Errors of the ONNX exporter (a malformed custom operator name, here)."""


_SYMBOLICS: dict[tuple[str, int], Callable[..., Any]] = {}  # (domain::name, opset) -> symbolic function


def register_custom_op_symbolic(symbolic_name: str, symbolic_fn: Callable[..., Any], opset_version: int) -> None:
    """Keep `symbolic_fn` as the ONNX translation of the custom operator `symbolic_name` ("domain::name").

    Raises:
        OnnxExporterError: the name is not `domain::name`.
        ValueError: the domain is `onnx`.

    Examples:
        >>> retrograd.onnx.register_custom_op_symbolic("mylib::f", lambda g, x: x, 11)
        >>> retrograd.onnx.unregister_custom_op_symbolic("mylib::f", 11)
    """
    if symbolic_name.startswith("::"):
        symbolic_name = f"aten{symbolic_name}"
    if not re.match(r"^[a-zA-Z0-9-_]+::[a-zA-Z-_]+[a-zA-Z0-9-_]*$", symbolic_name):
        raise OnnxExporterError(
            f"Failed to register operator {symbolic_name}. The symbolic name must match the format domain::name, "
            "and should start with a letter and contain only alphanumeric characters"
        )
    if symbolic_name.split("::")[0] == "onnx":
        raise ValueError(f"Failed to register operator {symbolic_name}. onnx domain cannot be modified.")
    _SYMBOLICS[(symbolic_name, opset_version)] = symbolic_fn


def unregister_custom_op_symbolic(symbolic_name: str, opset_version: int) -> None:
    """Forget the symbolic function `register_custom_op_symbolic` kept for this name and opset."""
    if symbolic_name.startswith("::"):
        symbolic_name = f"aten{symbolic_name}"
    _SYMBOLICS.pop((symbolic_name, opset_version), None)
