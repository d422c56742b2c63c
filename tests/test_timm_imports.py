"""Names timm reaches for in torch on its everyday paths, and what they do here: the TorchScript
fuser switches of `torch._C` that `timm.utils.set_jit_fuser` flips, and
`_get_privateuse1_backend_name`, which its optimizers ask for the devices they may capture on.
None of these tests needs timm."""

import pytest

import retrograd as rg

_SETTERS_RETURNING_THE_OLD_VALUE = ["_jit_set_profiling_executor", "_jit_set_profiling_mode", "_jit_set_llga_enabled"]
_SWITCHES = [  # (setter, getter or None, default)
    ("_jit_set_texpr_fuser_enabled", "_jit_texpr_fuser_enabled", True),
    ("_jit_override_can_fuse_on_cpu", "_jit_can_fuse_on_cpu", False),
    ("_jit_override_can_fuse_on_gpu", "_jit_can_fuse_on_gpu", False),
    ("_jit_set_llga_enabled", "_jit_llga_enabled", False),
]


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_jit_fuser_switches_keep_their_state():
    C = rg._C
    assert C._jit_set_profiling_mode(False) is True  # the default, handed back
    assert C._jit_set_profiling_mode(True) is False
    assert C._jit_set_profiling_executor(True) is True
    for setter, getter, default in _SWITCHES:
        assert getattr(C, getter)() is default, getter
        getattr(C, setter)(not default)
        assert getattr(C, getter)() is (not default), getter
        getattr(C, setter)(default)
        assert getattr(C, getter)() is default, getter
    assert C._jit_set_texpr_fuser_enabled(True) is None
    assert C._jit_set_nvfuser_enabled(False) is None and C._jit_set_nvfuser_guard_mode(False) is None


def test_timm_set_jit_fuser_sequence_runs():
    # what timm.utils.set_jit_fuser("te") does, then "old"
    C = rg._C
    C._jit_set_profiling_executor(True)
    C._jit_set_profiling_mode(True)
    C._jit_override_can_fuse_on_cpu(False)
    C._jit_override_can_fuse_on_gpu(True)
    C._jit_set_texpr_fuser_enabled(True)
    assert C._jit_can_fuse_on_gpu() is True
    C._jit_set_profiling_executor(False)
    C._jit_set_profiling_mode(False)
    C._jit_set_texpr_fuser_enabled(False)
    assert C._jit_texpr_fuser_enabled() is False and C._jit_set_profiling_mode(True) is False
    C._jit_set_profiling_executor(True)
    C._jit_set_texpr_fuser_enabled(True)
    C._jit_override_can_fuse_on_gpu(False)


def test_privateuse1_backend_name():
    assert rg._C._get_privateuse1_backend_name() == "privateuseone"


def test_jit_fuser_switches_vs_torch():
    torch = _torch()
    assert rg._C._get_privateuse1_backend_name() == torch._C._get_privateuse1_backend_name()
    for name in _SETTERS_RETURNING_THE_OLD_VALUE:
        seen = []
        for C in (rg._C, torch._C):
            first = getattr(C, name)(True)
            seen.append((first, getattr(C, name)(False), getattr(C, name)(first)))
        assert seen[0] == seen[1], name
    for setter, getter, default in _SWITCHES:
        assert getattr(torch._C, getter)() is getattr(rg._C, getter)() is default, getter
        assert getattr(torch._C, setter)(default) is None or setter in _SETTERS_RETURNING_THE_OLD_VALUE
