"""The pytest plugin installed with retrograd (src/_retrograd_pytest.py): a user's tests do not
show NumPy's floating-point warnings from retrograd's internals, which PyTorch never gives."""

import subprocess
import sys
import textwrap
import warnings
from importlib import metadata

import pytest

import _retrograd_pytest
import retrograd  # noqa: F401  (installs the filters the plugin repeats)


def _plugin_installed():
    return any(ep.value == "_retrograd_pytest" for ep in metadata.entry_points(group="pytest11"))


def test_the_plugin_repeats_the_filter_retrograd_installs():
    action, message, category, module = _retrograd_pytest.FLOATING_POINT.split(":")
    installed = [f for f in warnings.filters if f[0] == "ignore" and f[2] is RuntimeWarning and f[3] is not None
                 and f[3].pattern.startswith("retrograd")]
    assert installed, "backend/numpy_warnings.py installs no filter for NumPy's floating-point warnings"
    assert any(f[1] is not None and f[1].pattern == message for f in installed)
    assert (action, category, module) == ("ignore", "RuntimeWarning", "retrograd")


def test_the_complex_cast_filter_names_numpys_class():
    line = _retrograd_pytest.complex_cast_filter()
    module, _, name = line.split(":")[2].rpartition(".")
    assert name == "ComplexWarning"
    assert getattr(__import__(module, fromlist=[name]), name) is not None


def test_a_users_test_file_shows_no_numpy_warnings_from_retrograd(tmp_path):
    if not _plugin_installed():
        pytest.skip("retrograd is not installed (pip install -e .): its pytest plugin is not registered")
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""
        import numpy as np
        import retrograd as torch

        def test_edges():
            x = torch.tensor([0.0, -1.0, 1000.0], requires_grad=True)
            y = torch.log(x).sum() + torch.exp(x).sum() + (torch.tensor([1.0]) / torch.tensor([0.0])).sum()
            y.backward()
            assert torch.isnan(x.grad).sum().item() == 0

        def test_users_own_numpy_still_warns():
            np.log(np.zeros(1))
    """))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "test_user.py")], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert "2 passed" in done.stdout, done.stdout + done.stderr
    assert "retrograd" not in done.stdout.split("warnings summary")[-1], done.stdout
    assert "test_users_own_numpy_still_warns" in done.stdout  # (the user's own NumPy warning is listed)
