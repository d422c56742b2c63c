"""Device tests: the stand-in CUDA device (CPU CI) and real CUDA through CuPy (skips without a GPU)."""

from __future__ import annotations

import pytest

import retrograd as rg
from retrograd import backend
from retrograd.backend import standin


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/device/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.device)


@pytest.fixture
def cuda():
    """ "cuda" served by the stand-in device for the test; yields the transfer counter."""
    with backend.standin_device():
        standin.transfers.clear()
        yield standin.transfers
    rg.set_default_device(None)
