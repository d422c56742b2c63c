"""`torch.onnx`: importable, so scripts that export only on request run; exporting itself raises.

retrograd has no graph exporter: a program reaches `export` only when asked to write an ONNX
file (word_language_model's `--onnx-export`, say), and then learns why it cannot.
"""

from __future__ import annotations

from typing import Any

__all__ = ["export", "dynamo_export", "is_in_onnx_export"]

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
