"""NumPy's floating-point warnings from retrograd's internals stay unseen where a runner puts its own
catch-all filter first (unittest), while a user's own NumPy code still warns (backend/numpy_warnings)."""

import subprocess
import sys
import textwrap
import warnings

import retrograd as torch
from retrograd.backend import numpy_warnings


def test_unittests_default_filter_shows_no_warnings_from_retrograd(tmp_path):
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""
        import unittest
        import numpy as np
        import retrograd as torch

        class Edges(unittest.TestCase):
            def test_log_of_zero_and_friends(self):
                x = torch.tensor([0.0, -1.0, 1000.0], requires_grad=True)
                y = torch.log(x).sum() + torch.exp(x).sum() + torch.sqrt(x).sum()
                y.backward()
                self.assertTrue(torch.isinf(torch.log(torch.tensor(0.0))))

            def test_users_own_numpy_still_warns(self):
                np.log(np.zeros(1))

        if __name__ == "__main__":
            unittest.main()
    """))
    done = subprocess.run([sys.executable, "test_user.py"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert "OK" in done.stderr, done.stderr
    assert "retrograd" not in done.stderr, done.stderr
    assert "test_user.py" in done.stderr and "divide by zero encountered in log" in done.stderr  # the user's own


def test_the_display_hook_drops_only_numpys_floating_point_warnings_from_retrograd_files():
    shown = []
    display = numpy_warnings.without_own_warnings(lambda message, *rest: shown.append(str(message)))
    own_file = torch.__file__
    display("divide by zero encountered in log", RuntimeWarning, own_file, 1)
    display("overflow encountered in exp", RuntimeWarning, own_file, 1)
    assert shown == []
    display("divide by zero encountered in log", RuntimeWarning, "/home/me/model.py", 1)  # the user's own
    display("tensor warning", RuntimeWarning, own_file, 1)  # not NumPy's floating-point message
    display("invalid value encountered", UserWarning, own_file, 1)  # not a RuntimeWarning
    assert shown == ["divide by zero encountered in log", "tensor warning", "invalid value encountered"]


def test_installing_the_display_hook_wraps_once():
    with warnings.catch_warnings():
        original = warnings.showwarning = lambda *args: None
        numpy_warnings.install_display_hook()
        hooked = warnings.showwarning
        numpy_warnings.install_display_hook()
        assert hooked is not original and warnings.showwarning is hooked


_EDGES = """
import warnings
import {lib} as lib
with warnings.catch_warnings():
    warnings.simplefilter("default")  # what unittest's runner turns on
    lib.log(lib.tensor([0.0, -1.0]))
    lib.sqrt(lib.tensor([-1.0]))
    (lib.tensor([1.0, 0.0]) / lib.tensor([0.0, 0.0])).exp()
print("done")
"""


def test_default_filter_in_front_shows_nothing_from_retrograd_vs_torch():
    """PyTorch gives no warning for log(0) under unittest's 'default' filter; neither does retrograd."""
    libs = ["retrograd"]
    try:
        import torch  # noqa: F401
        libs.append("torch")
    except ImportError:
        pass
    for lib in libs:
        done = subprocess.run([sys.executable, "-c", _EDGES.format(lib=lib)], capture_output=True, text=True,
                              timeout=300)
        assert (done.stdout, done.stderr) == ("done\n", ""), (lib, done.stderr)
