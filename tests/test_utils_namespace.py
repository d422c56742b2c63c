"""`retrograd.utils` reaches its submodules as PyTorch's does after a plain import."""

import subprocess
import sys

import pytest


def test_checkpoint_reachable_without_its_own_import():
    code = (
        "import retrograd as torch\n"
        "x = torch.ones(3, requires_grad=True)\n"
        "y = torch.utils.checkpoint.checkpoint(lambda t: (t * t).sum(), x, use_reentrant=False)\n"
        "y.backward()\n"
        "print(x.grad.tolist())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[2.0, 2.0, 2.0]"


def test_unknown_attribute_is_an_attribute_error():
    import retrograd.utils

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        retrograd.utils.nope  # noqa: B018
