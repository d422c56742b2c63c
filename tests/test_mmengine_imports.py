"""Names OpenMMLab's mmengine reads from torch when it is imported: `_ConvNd` and the deprecated
`_ConvTransposeMixin` from `torch.nn.modules.conv` (`parrots_wrapper`), `_take_tensors` from
`torch._utils` (bucketed all-reduce in `mmengine.dist`) and FSDP1's state-dict configs and
`MixedPrecision` from `torch.distributed.fsdp.api` (its FSDP wrapper module)."""

from __future__ import annotations

import dataclasses
import importlib
import warnings

import pytest

import retrograd as rg


def _conv(m) -> tuple:
    conv = importlib.import_module(m.__name__ + ".nn.modules.conv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        conv._ConvTransposeMixin.__init__  # noqa: B018 - the class is there; building one is deprecated
    return (
        [c.__name__ for c in m.nn.ConvTranspose2d.__mro__[:4]],
        issubclass(conv._ConvTransposeMixin, conv._ConvTransposeNd), issubclass(m.nn.Conv2d, conv._ConvNd), caught,
    )  # fmt: skip


def test_conv_base_classes():
    assert _conv(rg) == (["ConvTranspose2d", "_ConvTransposeNd", "_ConvNd", "Module"], True, True, [])


def test_conv_base_classes_vs_torch():
    torch = pytest.importorskip("torch")
    assert _conv(torch) == _conv(rg)


def test_conv_transpose_mixin_warns_when_built():
    conv = importlib.import_module("retrograd.nn.modules.conv")

    class Up(conv._ConvTransposeMixin, rg.nn.ConvTranspose1d):
        pass

    with pytest.warns(FutureWarning, match="`_ConvTransposeMixin` is a deprecated internal class"):
        layer = Up(2, 3, 2)
    assert layer(rg.ones(1, 2, 4)).shape == (1, 3, 5)


def _chunks(m) -> list:
    utils = importlib.import_module(m.__name__ + "._utils")
    tensors = [m.ones(2), m.ones(3, dtype=m.float64), m.ones(2), m.ones(1), m.ones(5), m.ones(2, dtype=m.float64)]
    return [[(t.dtype, t.numel()) for t in chunk] for chunk in utils._take_tensors(tensors, 16)]


def test_take_tensors_groups_by_type_up_to_the_byte_limit():
    f32, f64 = rg.float32, rg.float64
    # float32 of 2, 2, 1, 5 elements (8, 8, 4, 20 bytes) under 16 bytes: [2, 2], [1], [5] (a lone tensor
    # may pass the limit); float64 of 3, 2 (24, 16 bytes): [3] once the 2 arrives. A chunk is yielded
    # when it is full, the rest at the end in the order the types first came.
    assert _chunks(rg) == [
        [(f32, 2), (f32, 2)], [(f32, 1)], [(f64, 3)], [(f32, 5)], [(f64, 2)],
    ]  # fmt: skip


def test_take_tensors_vs_torch():
    torch = pytest.importorskip("torch")
    def named(m):
        return [[(str(d).split(".")[-1], n) for d, n in c] for c in _chunks(m)]

    assert named(torch) == named(rg)


CONFIGS = [
    "StateDictConfig", "FullStateDictConfig", "LocalStateDictConfig", "ShardedStateDictConfig", "OptimStateDictConfig",
    "FullOptimStateDictConfig", "LocalOptimStateDictConfig", "ShardedOptimStateDictConfig",
]  # fmt: skip


def _fsdp(m) -> tuple:
    api = importlib.import_module(m.__name__ + ".distributed.fsdp.api")
    fsdp1 = importlib.import_module(m.__name__ + ".distributed.fsdp.fully_sharded_data_parallel")
    configs = [(n, getattr(api, n).__mro__[1].__name__, repr(getattr(api, n)())) for n in CONFIGS]
    settings = api.StateDictSettings(api.StateDictType.FULL_STATE_DICT, api.FullStateDictConfig(rank0_only=True),
                                     api.FullOptimStateDictConfig())
    mixed = api.MixedPrecision(param_dtype=m.bfloat16)
    same = all(getattr(fsdp1, n) is getattr(api, n) is getattr(m.distributed.fsdp, n)
               for n in [*CONFIGS, "MixedPrecision", "StateDictSettings", "CPUOffload"])
    return configs, settings.state_dict_config.rank0_only, mixed.param_dtype, mixed.cast_root_forward_inputs, same


def test_fsdp_state_dict_configs():
    configs, rank0_only, param_dtype, cast_root, same = _fsdp(rg)
    assert configs[1] == ("FullStateDictConfig", "StateDictConfig",
                          "FullStateDictConfig(offload_to_cpu=False, rank0_only=False)")
    assert configs[6] == ("LocalOptimStateDictConfig", "OptimStateDictConfig",
                          "LocalOptimStateDictConfig(offload_to_cpu=False)")
    assert (rank0_only, param_dtype, cast_root, same) == (True, rg.bfloat16, True, True)
    assert all(dataclasses.is_dataclass(getattr(rg.distributed.fsdp, n)) for n in CONFIGS)


def test_fsdp_state_dict_configs_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _fsdp(rg), _fsdp(torch)
    assert ours[0] == theirs[0]
    assert (ours[1], str(ours[2])[10:], ours[3], ours[4]) == (theirs[1], str(theirs[2])[6:], theirs[3], theirs[4])
