"""PyTorch's distributed exception classes, all RuntimeErrors, so `except RuntimeError` still catches them."""

from __future__ import annotations

__all__ = ["DistBackendError", "DistError", "DistNetworkError", "DistStoreError", "QueueEmptyError"]


class DistError(RuntimeError):
    """An error of the distributed package."""


class DistBackendError(DistError):
    """A backend (the transport of a collective) failed."""


class DistStoreError(DistError):
    """The rendezvous (PyTorch's store) failed, e.g. not every rank arrived before the timeout."""


class DistNetworkError(DistError):
    """A network operation failed."""


class QueueEmptyError(DistStoreError):
    """A store queue was empty (PyTorch's store API)."""
