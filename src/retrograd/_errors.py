"""PyTorch's exception classes for device failures: `torch.OutOfMemoryError`, `torch.AcceleratorError`.

retrograd raises neither on the CPU (a failed host allocation is NumPy's `MemoryError`, as PyTorch's
CPU allocator raises a plain RuntimeError), but programs name them in `except` clauses
(`except torch.cuda.OutOfMemoryError:` around a batch-size search), which must evaluate.
"""

from __future__ import annotations

from ._display_name import public_class

__all__ = ["AcceleratorError", "OutOfMemoryError"]


class OutOfMemoryError(RuntimeError):
    """Exception raised when device is out of memory (also `torch.cuda.OutOfMemoryError`).

    Args:
        *args: the message, as for any exception.

    Returns:
        OutOfMemoryError: a RuntimeError a program can catch by this name.

    Examples:
        >>> try:
        ...     raise retrograd.cuda.OutOfMemoryError("CUDA out of memory")
        ... except retrograd.OutOfMemoryError as e:
        ...     print(e)
        CUDA out of memory
    """


class AcceleratorError(RuntimeError):
    """Exception raised while executing on device.

    Args:
        *args: the message, as for any exception.

    Returns:
        AcceleratorError: a RuntimeError a program can catch by this name.

    Examples:
        >>> issubclass(retrograd.AcceleratorError, RuntimeError)
        True
    """


for _cls in (OutOfMemoryError, AcceleratorError):
    public_class(_cls)  # `torch.OutOfMemoryError` under the alias, as PyTorch names them
