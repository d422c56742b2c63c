"""Names Hugging Face PEFT and Accelerate reach for in torch, and what they do here:
`nn.init._calculate_correct_fan` (PEFT's VeRA and FourierFT import it), `torch._dynamo.eval_frame`
(bound on `import torch._dynamo`: Accelerate's `is_compiled_module` reads it as an attribute), and
`torch.distributed.fsdp.fully_sharded_data_parallel` with FSDP1's option enums (Accelerate's
`unwrap_model` and `get_state_dict` import `FullyShardedDataParallel` and `StateDictType` from there
whenever torch.distributed is available, FSDP or not)."""

import importlib

import pytest

import retrograd as rg


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def _fans(m):
    w = m.zeros(6, 4, 3, 3)
    rows = [m.nn.init._calculate_correct_fan(w, mode) for mode in ("fan_in", "fan_out", "FAN_IN")]
    with pytest.raises(ValueError) as info:
        m.nn.init._calculate_correct_fan(w, "fan_avg")
    return rows, str(info.value)


def test_calculate_correct_fan():
    assert _fans(rg) == ([36, 54, 36], "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']")


def test_calculate_correct_fan_vs_torch():
    assert _fans(rg) == _fans(_torch())


def _eval_frame(m):
    dynamo = importlib.import_module(m.__name__ + "._dynamo")
    module = m.nn.Linear(2, 2)
    return dynamo.eval_frame.OptimizedModule is dynamo.OptimizedModule, isinstance(
        module, dynamo.eval_frame.OptimizedModule
    )


def test_dynamo_eval_frame_is_an_attribute():
    assert _eval_frame(rg) == (True, False)


def test_dynamo_eval_frame_vs_torch():
    assert _eval_frame(rg) == _eval_frame(_torch())


def _fsdp1(m):
    fsdp = importlib.import_module(m.__name__ + ".distributed.fsdp")
    fsdp1 = importlib.import_module(m.__name__ + ".distributed.fsdp.fully_sharded_data_parallel")
    names = ("StateDictType", "ShardingStrategy", "BackwardPrefetch")
    enums = [[(e.name, e.value) for e in getattr(fsdp1, n)] for n in names]
    same = all(getattr(fsdp, n) is getattr(fsdp1, n) for n in ("FullyShardedDataParallel", "StateDictType"))
    wrapped = isinstance(m.nn.Linear(2, 2), fsdp1.FullyShardedDataParallel)
    return enums, same, wrapped, fsdp.StateDictType.__module__.replace(m.__name__, "torch")


def test_fsdp1_names():
    assert _fsdp1(rg) == (
        [[("FULL_STATE_DICT", 1), ("LOCAL_STATE_DICT", 2), ("SHARDED_STATE_DICT", 3)],
         [("FULL_SHARD", 1), ("SHARD_GRAD_OP", 2), ("NO_SHARD", 3), ("HYBRID_SHARD", 4), ("_HYBRID_SHARD_ZERO2", 5)],
         [("BACKWARD_PRE", 1), ("BACKWARD_POST", 2)]],
        True, False, "torch.distributed.fsdp.api",
    )  # fmt: skip
    with pytest.raises(NotImplementedError, match="retrograd has no FSDP yet"):
        rg.distributed.fsdp.fully_sharded_data_parallel.FullyShardedDataParallel(rg.nn.Linear(2, 2))


def test_fsdp1_names_vs_torch():
    assert _fsdp1(rg) == _fsdp1(_torch())


def _cpp_extension(m):
    ext = importlib.import_module(m.__name__ + ".utils.cpp_extension")
    return ext.CUDA_HOME, ext.ROCM_HOME, ext.is_ninja_available() in (True, False), callable(ext.load_inline)


def test_cpp_extension_cannot_build():
    # PEFT's BOFT tries `load(...)` in a try/except and falls back to Python when it raises
    ext = rg.utils.cpp_extension
    assert _cpp_extension(rg) == (None, None, True, True)
    with pytest.raises(RuntimeError, match="retrograd cannot build C\\+\\+/CUDA extensions.*'fbd_cuda'"):
        ext.load(name="fbd_cuda", sources=["fbd_cuda.cpp", "fbd_cuda_kernel.cu"], verbose=True)
    with pytest.raises(RuntimeError, match="retrograd cannot build"):
        ext.load_inline("inline_ext", cpp_sources="int f() { return 1; }")


def test_cpp_extension_vs_torch():
    torch = _torch()
    if importlib.import_module("torch.utils.cpp_extension").CUDA_HOME is not None:
        pytest.skip("this PyTorch sees a CUDA toolkit")
    assert _cpp_extension(rg) == _cpp_extension(torch)
