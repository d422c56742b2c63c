"""Test configuration: tests that compare with PyTorch carry the `pytorch` marker.

CI runs the suite once without PyTorch (those tests skip) and once more with
`-m pytorch` after installing torch==2.13.0.
"""

from __future__ import annotations

import pytest

import retrograd
from retrograd import _user_frames


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pytorch: compares retrograd with PyTorch (skipped without torch)")
    config.addinivalue_line("markers", "mpi: runs 2 ranks under mpiexec (skipped without mpi4py and mpiexec)")
    config.addinivalue_line(
        "markers", "device: runs on the CUDA device: the CPU stand-in, or a real GPU through CuPy (tests/device)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pytorch" in item.nodeid or "vs_torch" in item.nodeid:
            item.add_marker(pytest.mark.pytorch)


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Tests may change the default dtype, default device or grad mode; put them back. Each test starts
    as a new process would for the warnings PyTorch gives once per process (TORCH_WARN_ONCE)."""
    dtype, device = retrograd.get_default_dtype(), retrograd.get_default_device()
    _user_frames._warned_once.clear()
    yield
    retrograd.set_default_dtype(dtype)
    retrograd.set_default_device(device)
    retrograd.engine.grad_mode.state.enabled = retrograd.engine.grad_mode.state.grad_mode = True
