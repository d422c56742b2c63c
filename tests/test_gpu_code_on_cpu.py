"""Programs written for a GPU, run where there is none: what PyTorch's CPU build says and does.

Checkpoints saved on a GPU, the legacy CUDA tensor types, `pin_memory` on factories, the
DataLoader's pinning arguments and `torch.cuda`'s memory and profiling helpers.
"""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg
from retrograd import backend
from retrograd.utils.data import DataLoader, TensorDataset

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

NO_CUDA_LOAD = (
    "Attempting to deserialize object on a CUDA device but retrograd.cuda.is_available() is False. "
    "If you are running on a CPU-only machine, please use retrograd.load with "
    "map_location=retrograd.device('cpu') to map your storages to the CPU."
)


def outcome(fn):
    """('ok', repr of the value) or ('raises', type name, message) of a call, warnings silenced."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", repr(fn()).replace("retrograd", "torch"))
    except Exception as e:  # noqa: BLE001
        return ("raises", type(e).__name__, str(e).replace("retrograd", "torch"))


# --- a checkpoint saved on a GPU ------------------------------------------------------------------


@pytest.fixture
def gpu_checkpoint(tmp_path):
    """A file whose tensors were saved from "cuda:0" (written on the stand-in CUDA device)."""
    path = tmp_path / "gpu.pt"
    with backend.standin_device():
        rg.save({"w": rg.arange(3.0).to("cuda")}, path)
    rg.set_default_device(None)
    return path


def test_gpu_checkpoint_needs_a_map_location(gpu_checkpoint):
    for map_location in (None, {"cuda:1": "cpu"}, "cuda", rg.device("cuda:0")):
        with pytest.raises(RuntimeError) as info:
            rg.load(gpu_checkpoint, map_location=map_location)
        assert str(info.value) == NO_CUDA_LOAD
    for map_location in ("cpu", rg.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage):
        loaded = rg.load(gpu_checkpoint, map_location=map_location)
        assert loaded["w"].tolist() == [0.0, 1.0, 2.0] and loaded["w"].device.type == "cpu"


@pytest.mark.parametrize("map_location", [None, {"cuda:1": "cpu"}, "cpu", {"cuda:0": "cpu"}])
def test_gpu_checkpoint_vs_torch(gpu_checkpoint, map_location):
    torch = pytest.importorskip("torch")
    ours = outcome(lambda: rg.load(gpu_checkpoint, map_location=map_location))
    assert ours == outcome(lambda: torch.load(gpu_checkpoint, map_location=map_location))


# --- legacy CUDA types ----------------------------------------------------------------------------

NO_ATEN_CUDA_START = "Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend"


def test_type_to_a_cuda_legacy_type_raises_without_cuda():
    x = rg.arange(3.0)
    for target in (rg.cuda.FloatTensor, rg.cuda.LongTensor, "torch.cuda.FloatTensor", "torch.cuda.NoSuchType"):
        with pytest.raises(RuntimeError, match=NO_ATEN_CUDA_START):
            x.type(target)
    assert rg.cuda.FloatTensor.is_cuda and not rg.FloatTensor.is_cuda
    assert x.type(rg.DoubleTensor).dtype == rg.float64 and x.type("torch.LongTensor").tolist() == [0, 1, 2]


def test_type_to_a_cuda_legacy_type_moves_the_tensor():
    with backend.standin_device():
        x = rg.arange(3.0)
        y = x.type(rg.cuda.LongTensor)
        z = x.type("torch.cuda.DoubleTensor")
        assert (y.device.type, y.dtype, z.device.type, z.dtype) == ("cuda", rg.int64, "cuda", rg.float64)
        names = (y.type(), z.type(), x.type())
        assert names == ("torch.cuda.LongTensor", "torch.cuda.DoubleTensor", "torch.FloatTensor")
    rg.set_default_device(None)


@needs_torch
@pytest.mark.parametrize("target", ["{}.cuda.FloatTensor", "'torch.cuda.FloatTensor'", "'torch.cuda.X'",
                                    "{}.DoubleTensor"])
def test_type_to_a_cuda_legacy_type_vs_torch(target):
    ours = outcome(lambda: eval("rg.arange(3.).type(" + target.format("rg") + ")"))
    assert ours == outcome(lambda: eval("torch.arange(3.).type(" + target.format("torch") + ")"))


# --- pin_memory on factories ----------------------------------------------------------------------

FACTORIES = [
    "zeros(2)", "ones(2)", "full((2,), 1.5)", "eye(2)", "arange(3)", "linspace(0, 1, 3)", "logspace(0, 1, 3)",
    "zeros_like(x)", "ones_like(x)", "empty_like(x)", "full_like(x, 2.0)", "empty(2)", "rand(2)", "tensor([1.0])",
]  # fmt: skip


@pytest.mark.parametrize("call", FACTORIES)
def test_factories_take_pin_memory(call):
    x = rg.ones(2)
    made = eval(f"rg.{call[:-1]}, pin_memory=False)", {"rg": rg, "x": x})
    assert made.shape == eval(f"rg.{call}", {"rg": rg, "x": x}).shape
    with pytest.raises(RuntimeError, match="^pin_memory=True requires a CUDA or other accelerator backend"):
        eval(f"rg.{call[:-1]}, pin_memory=True)", {"rg": rg, "x": x})


@needs_torch
@pytest.mark.parametrize("pin", [False, True])
@pytest.mark.parametrize("call", FACTORIES)
def test_factories_take_pin_memory_vs_torch(call, pin):
    made = f"{call[:-1]}, pin_memory={pin}).shape"  # rand: the same shape, not the same draws
    ours = outcome(lambda: eval(f"rg.{made}", {"rg": rg, "x": rg.ones(2)}))
    assert ours == outcome(lambda: eval(f"torch.{made}", {"torch": torch, "x": torch.ones(2)}))


# --- DataLoader -----------------------------------------------------------------------------------


def test_loader_warns_that_pin_memory_device_is_deprecated():
    data = TensorDataset(rg.arange(4.0))
    with pytest.warns(UserWarning) as record:
        next(iter(DataLoader(data, batch_size=2, pin_memory=True, pin_memory_device="cuda")))
    assert [str(w.message) for w in record] == [
        "pin_memory_device is deprecated, the current accelerator will be used as the device,"
        "ignore pin_memory_device='cuda'.",
        "'pin_memory' argument is set as true but no accelerator is found, then device pinned memory won't be used.",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        next(iter(DataLoader(data, batch_size=2, pin_memory_device="cuda")))  # nothing pinned: nothing said


@needs_torch
def test_loader_pin_memory_device_warnings_vs_torch():
    said = []
    for lib in (rg, torch):
        data = lib.utils.data.TensorDataset(lib.arange(4.0))
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            next(iter(lib.utils.data.DataLoader(data, batch_size=2, pin_memory=True, pin_memory_device="cuda")))
        said.append([str(w.message) for w in record])
    assert said[0] == said[1]


# --- torch.cuda's memory and profiling helpers, torch.mps ---------------------------------------

CPU_BUILD_CALLS = [
    "cuda.memory_cached()", "cuda.max_memory_cached()", "cuda.memory_stats()", "cuda.memory_stats_as_nested_dict()",
    "cuda.memory_summary()", "cuda.memory.memory_allocated()", "cuda.memory.max_memory_reserved()",
    "cuda.set_per_process_memory_fraction(0.5)", "cuda.is_current_stream_capturing()", "cuda._is_compiled()",
    "cuda.device_of(x).idx", "cuda.nvtx.range_push('a')", "cuda.nvtx.range_pop()", "cuda.nvtx.mark('a')",
    "cuda.Stream()", "mps.is_available()", "mps.device_count()", "mps.manual_seed(1)", "mps.empty_cache()",
    "mps.synchronize()", "mps.seed()", "mps.get_rng_state()", "mps.current_allocated_memory()",
    "mps.driver_allocated_memory()", "mps.recommended_max_memory()", "mps.set_per_process_memory_fraction(0.5)",
    "mps.set_per_process_memory_fraction(1)", "get_autocast_gpu_dtype()",
]  # fmt: skip


def test_cuda_helpers_answer_as_a_cpu_build():
    x = rg.ones(2)
    assert rg.cuda.memory_stats() == {} and type(rg.cuda.memory_stats()).__name__ == "OrderedDict"
    with pytest.warns(FutureWarning, match=r"^`retrograd.cuda.memory_cached` has been renamed to "
                                           r"`retrograd.cuda.memory_reserved`$"):
        assert rg.cuda.memory_cached() == 0
    resets_all = "reset_max_memory_allocated now calls retrograd.cuda.reset_peak_memory_stats"
    with pytest.warns(FutureWarning, match=resets_all), pytest.raises(AssertionError, match="not compiled with CUDA"):
        rg.cuda.reset_max_memory_allocated()
    with pytest.raises(KeyError, match="allocated_bytes.all.current"):
        rg.cuda.memory_summary()  # PyTorch's CPU build: its stats are empty
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        rg.cuda.set_per_process_memory_fraction(0.5)
    with pytest.raises(RuntimeError, match="^NVTX functions not installed. Are you sure you have a CUDA build[?]$"):
        with rg.cuda.nvtx.range("step {}", 1):
            pass
    with rg.cuda.device_of(x), rg.cuda.device(-1):  # a CPU tensor's device: nothing to switch
        pass
    with pytest.raises(RuntimeError, match="^PyTorch was compiled without CUDA support$"), rg.cuda.device(0):
        pass
    with pytest.raises(RuntimeError, match="^Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing$"):
        rg.cuda.is_current_stream_capturing()
    assert rg.cuda._is_compiled() is False


def test_mps_is_absent():
    assert rg.mps.is_available() is False and rg.mps.device_count() == 0 and rg.mps.manual_seed(0) is None
    with pytest.raises(RuntimeError, match=r"^Cannot execute emptyCache\(\) without MPS backend.$"):
        rg.mps.empty_cache()
    with pytest.raises(TypeError, match="must be `float`"):
        rg.mps.set_per_process_memory_fraction(1)


def test_cuda_memory_on_the_standin_device():
    with backend.standin_device():
        stats = rg.cuda.memory_stats()
        assert list(stats) == sorted(stats) and stats["allocated_bytes.all.current"] == rg.cuda.memory_allocated()
        assert rg.cuda.memory_summary().splitlines()[0].split() == ["Metric", "Cur", "Usage", "Peak", "Usage"]
        rg.cuda.set_per_process_memory_fraction(0.5)
        with pytest.raises(ValueError, match="Allowed range: 0~1"):
            rg.cuda.set_per_process_memory_fraction(1.5)
        assert rg.cuda.is_current_stream_capturing() is False and rg.cuda._is_compiled()
        assert rg.cuda.nvtx.range_push("a") == 0 and rg.cuda.nvtx.range_pop() == 0
        with rg.cuda.device_of(rg.ones(2, device="cuda:1")):
            assert rg.cuda.current_device() == 1
        assert rg.cuda.current_device() == 0
    rg.set_default_device(None)


def test_deprecated_gpu_autocast_dtype():
    with pytest.warns(DeprecationWarning, match=r"get_autocast_gpu_dtype\(\) is deprecated"):
        assert rg.get_autocast_gpu_dtype() == rg.float16
    with pytest.warns(DeprecationWarning, match=r"set_autocast_gpu_dtype\(dtype\) is deprecated"):
        rg.set_autocast_gpu_dtype(rg.bfloat16)
    try:
        assert rg.get_autocast_dtype("cuda") == rg.bfloat16
    finally:
        rg.set_autocast_dtype("cuda", rg.float16)


@needs_torch
@pytest.mark.parametrize("call", CPU_BUILD_CALLS)
def test_cpu_build_answers_vs_torch(call):
    ours = outcome(lambda: eval("rg." + call, {"rg": rg, "x": rg.ones(2)}))
    assert ours == outcome(lambda: eval("torch." + call, {"torch": torch, "x": torch.ones(2)}))


def test_amp_and_cuda_classes_print_torch_names_under_the_alias():
    from retrograd._display_name import set_package_name

    set_package_name("torch")
    try:
        names = [str(c) for c in (rg.amp.GradScaler, rg.amp.autocast, rg.cuda.amp.GradScaler, rg.cuda.device_of)]
    finally:
        set_package_name("retrograd")
    assert names == [
        "<class 'torch.amp.grad_scaler.GradScaler'>", "<class 'torch.amp.autocast_mode.autocast'>",
        "<class 'torch.cuda.amp.GradScaler'>", "<class 'torch.cuda.device_of'>",
    ]  # fmt: skip
    assert str(rg.amp.GradScaler) == "<class 'retrograd.amp.grad_scaler.GradScaler'>"


# --- deterministic mode fills uninitialised memory ------------------------------------------------


@pytest.fixture
def deterministic():
    rg.use_deterministic_algorithms(True)
    yield
    rg.use_deterministic_algorithms(False)
    rg.utils.deterministic.fill_uninitialized_memory = True


def test_deterministic_mode_fills_new_memory(deterministic):
    assert rg.empty(2).isnan().all() and rg.empty_like(rg.ones(2, 2)).isnan().all()
    assert rg.empty(2, dtype=rg.int8).tolist() == [127, 127] and rg.empty(1, dtype=rg.bool).tolist() == [True]
    assert rg.empty(2, dtype=rg.uint8).tolist() == [255, 255] and rg.ones(1).new_empty(2).isnan().all()
    assert rg.empty_strided((2, 2), (0, 1)).isnan().all()
    assert rg.empty(1, 2, 2, 2, memory_format=rg.channels_last).isnan().all()
    assert rg.ones(2, dtype=rg.int64).resize_(3).tolist() == [1, 1, 2**63 - 1]
    assert rg.utils.deterministic.fill_uninitialized_memory is True
    rg.utils.deterministic.fill_uninitialized_memory = False
    assert rg.empty(2).tolist() == [0.0, 0.0]  # retrograd's empty memory: zeros
    with pytest.raises(RuntimeError, match="^expected a bool, but got int$"):
        rg.utils.deterministic.fill_uninitialized_memory = 1


def test_new_memory_is_zeros_outside_deterministic_mode():
    assert rg.empty(2).tolist() == [0.0, 0.0] and rg.ones(2, dtype=rg.int64).resize_(3).tolist() == [1, 1, 0]


@needs_torch
@pytest.mark.parametrize("call", ["empty(2)", "empty(2, dtype={}.int16)", "empty(2, dtype={}.complex64)",
                                  "empty_like({}.ones(2), dtype={}.bool)", "ones(1).new_empty(2)",
                                  "empty_strided((2,), (1,), dtype={}.float16)", "ones(2).long().resize_(3)"])
def test_deterministic_mode_fills_new_memory_vs_torch(call, deterministic):
    ours = outcome(lambda: eval("rg." + call.format("rg", "rg")).tolist())
    torch.use_deterministic_algorithms(True)
    try:
        theirs = outcome(lambda: eval("torch." + call.format("torch", "torch")).tolist())
    finally:
        torch.use_deterministic_algorithms(False)
    assert repr(ours) == repr(theirs)


def _pin_memory_warnings(lib) -> list[str]:
    """imagenet's train and val loaders (pin_memory=True) iterated from two lines, under the default filter."""
    data = lib.utils.data.TensorDataset(lib.arange(4.0))
    train = lib.utils.data.DataLoader(data, batch_size=2, pin_memory=True)
    val = lib.utils.data.DataLoader(data, batch_size=2, pin_memory=True)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("default")
        for _ in range(2):
            next(iter(train))
            next(iter(val))
    return [str(w.message) for w in record]


def test_loader_warns_about_pin_memory_once_per_process():
    assert _pin_memory_warnings(rg) == [
        "'pin_memory' argument is set as true but no accelerator is found, then device pinned memory won't be used."
    ]


@needs_torch
def test_loader_warns_about_pin_memory_once_per_process_vs_torch():
    assert _pin_memory_warnings(rg) == _pin_memory_warnings(torch)
