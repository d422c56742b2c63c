"""The device and runtime-settings API programs touch first: cuda, amp, accelerator, backends,
default device, threads, matmul precision, deterministic algorithms (CPU-only answers)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
NO_CUDA = "Torch not compiled with CUDA enabled"  # PyTorch's words


def outcome(fn):
    """What a call gives: ('ok', value) or ('raises', exception type name)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", repr(fn()))
    except Exception as e:  # noqa: BLE001
        return ("raises", type(e).__name__)


def evaluated(source: str):
    """`outcome` of evaluating `source` with `rg` and `torch` in scope."""
    return outcome(lambda: eval(source, {"rg": rg, "torch": torch}))


@pytest.fixture(autouse=True)
def _restore_settings():
    yield
    rg.set_float32_matmul_precision("highest")
    rg.use_deterministic_algorithms(False)
    rg.set_default_device(None)
    if torch is not None:
        torch.set_float32_matmul_precision("highest")
        torch.use_deterministic_algorithms(False)


# --- device("cuda") ------------------------------------------------------------------------------


def test_cuda_device_can_be_named_but_not_used():
    d = rg.device("cuda")
    assert (d.type, d.index, str(d), repr(d)) == ("cuda", None, "cuda", "device(type='cuda')")
    assert rg.device("cuda:1").index == 1 and rg.device("cuda", 0) == rg.device("cuda:0")
    for make in (
        lambda: rg.zeros(2, device="cuda"),
        lambda: rg.tensor([1.0], device=d),
        lambda: rg.ones(2).to("cuda"),
        lambda: rg.ones(2).to(device="cuda:0"),
        lambda: rg.ones(2).cuda(),
        lambda: rg.randn(2, device="cuda"),
    ):
        with pytest.raises(AssertionError, match=NO_CUDA):
            make()
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda, ipu, xpu, .*, privateuseone device type at "
                                           "start of device string: xyz$"):
        rg.device("xyz")
    assert rg.ones(2).to("cpu").device == rg.device("cpu") and not rg.ones(1).is_cuda


def test_the_usual_device_pick_runs_on_cpu():
    device = rg.device("cuda" if rg.cuda.is_available() else "cpu")
    assert rg.ones(2, device=device).device.type == "cpu"


def test_load_onto_cuda_is_a_runtime_error(tmp_path):
    path = tmp_path / "x.pt"
    rg.save({"x": rg.ones(2)}, path)
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        rg.load(path, map_location="cuda")


@needs_torch
def test_cuda_errors_have_torch_types():
    pairs = [
        (lambda: torch.zeros(2, device="cuda"), lambda: rg.zeros(2, device="cuda")),
        (lambda: torch.zeros(2).cuda(), lambda: rg.zeros(2).cuda()),
        (lambda: torch.zeros(2).to("cuda"), lambda: rg.zeros(2).to("cuda")),
        (lambda: torch.device("cuda:1").index, lambda: rg.device("cuda:1").index),
        (lambda: torch.device("xyz"), lambda: rg.device("xyz")),
    ]
    for theirs, ours in pairs:
        assert outcome(ours) == outcome(theirs)


# --- retrograd.cuda ------------------------------------------------------------------------------

CUDA_CALLS = [
    "is_available()",
    "device_count()",
    "is_initialized()",
    "manual_seed(1)",
    "manual_seed_all(1)",
    "seed()",
    "seed_all()",
    "empty_cache()",
    "memory_allocated()",
    "max_memory_allocated()",
    "memory_reserved()",
    "max_memory_reserved()",
    "is_bf16_supported()",
    "get_rng_state_all()",
    "get_arch_list()",
    "set_rng_state_all([])",
    "synchronize()",
    "current_device()",
    "get_device_name()",
    "get_device_name(0)",
    "get_device_capability()",
    "get_device_properties(0)",
    "init()",
    "get_rng_state()",
    "initial_seed()",
    "current_stream()",
    "mem_get_info()",
    "ipc_collect()",
    "Stream()",
    "Event()",
]


@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_module_answers_like_a_cpu_build(call):
    ours = outcome(lambda: eval("rg.cuda." + call))
    if torch is not None:
        assert ours == outcome(lambda: eval("torch.cuda." + call))
    else:
        assert ours[0] in ("ok", "raises")


def test_cuda_module_without_torch():
    assert rg.cuda.is_available() is False and rg.cuda.device_count() == 0
    assert rg.cuda.manual_seed_all(3) is None and rg.cuda.empty_cache() is None
    with pytest.raises(AssertionError, match=NO_CUDA):
        rg.cuda.synchronize()
    with pytest.raises(RuntimeError, match="compiled without CUDA"), rg.cuda.device(0):
        pass
    import retrograd.cuda.amp as cuda_amp

    assert cuda_amp is rg.cuda.amp


# --- amp -----------------------------------------------------------------------------------------
def test_cuda_amp_deprecation_names_torch_while_standing_in_for_it():
    from retrograd._display_name import set_package_name

    set_package_name("torch")
    try:
        with pytest.warns(FutureWarning) as record:
            rg.cuda.amp.GradScaler(enabled=False)
            rg.cuda.amp.autocast(enabled=False)
    finally:
        set_package_name("retrograd")
    assert [str(w.message) for w in record] == [
        "`torch.cuda.amp.GradScaler(args...)` is deprecated. "
        "Please use `torch.amp.GradScaler('cuda', args...)` instead.",
        "`torch.cuda.amp.autocast(args...)` is deprecated. Please use `torch.amp.autocast('cuda', args...)` instead.",
    ]


def test_cuda_amp_deprecation_messages_vs_torch():
    torch = pytest.importorskip("torch")
    messages = []
    for m in (rg, torch):
        with pytest.warns(FutureWarning) as record:
            m.cuda.amp.GradScaler(enabled=False)
            m.cuda.amp.autocast(enabled=False)
        messages.append([str(w.message).replace(m.__name__ + ".", "PKG.") for w in record])
    assert messages[0] == messages[1]




def test_cuda_scaler_and_autocast_are_disabled_pass_throughs():
    with pytest.warns(FutureWarning, match="deprecated"):
        scaler = rg.cuda.amp.GradScaler(enabled=False)
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
        assert not rg.amp.GradScaler().is_enabled()
    w = rg.nn.Parameter(rg.ones(2))
    opt = rg.optim.SGD([w], lr=0.5)
    loss = (w * 2).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == [0.0, 0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with rg.autocast(device_type="cuda", enabled=False), rg.amp.autocast("cpu", enabled=False):
            pass
    with pytest.warns(FutureWarning, match=r"Please use `retrograd.amp.autocast\('cuda', args...\)`"):
        old_spelling = rg.cuda.amp.autocast(enabled=False)
    with old_spelling:
        pass
    with pytest.warns(UserWarning, match="Disabling autocast"):
        ctx = rg.autocast("cuda")
    with ctx:
        assert (rg.ones(2) @ rg.ones(2)).dtype == rg.float32
    with pytest.warns(UserWarning, match="In CPU autocast, but the target dtype is not supported"):
        rg.autocast("cpu", dtype=rg.float64)
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        rg.autocast(3)
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        rg.autocast("xyz")

    @rg.amp.autocast("cpu", enabled=False)
    def double(x):
        return x * 2

    assert double(rg.ones(1)).tolist() == [2.0]
    assert rg.amp.is_autocast_available("cpu")


def _train(lib, scaler, grads):
    """Steps of a scaled SGD on one parameter; `grads` sets each step's gradient (before scaling)."""
    w = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([w], lr=0.1)
    log = []
    for g in grads:
        opt.zero_grad()
        loss = (w * lib.tensor(g)).sum()
        scaler.scale(loss).backward()
        log.append(scaler.step(opt))
        scaler.update()
        log.append((scaler.get_scale(), [round(v, 6) for v in w.tolist()]))
    return log, scaler.state_dict()


def test_cpu_grad_scaler_scales_unscales_and_skips_inf_steps():
    scaler = rg.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    log, state = _train(rg, scaler, [[1.0, 2.0], [float("inf"), 1.0], [1.0, 1.0], [1.0, 1.0]])
    assert log[1] == (8.0, [0.9, 0.8])
    assert log[3] == (4.0, [0.9, 0.8])  # inf: step skipped, scale backed off
    assert log[7] == (8.0, [0.7, 0.6])  # two clean steps: scale grows
    assert state == {
        "scale": 8.0,
        "growth_factor": 2.0,
        "backoff_factor": 0.5,
        "growth_interval": 2,
        "_growth_tracker": 0,
    }
    fresh = rg.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="Attempted update but _scale is None"):
        fresh.update()
    fresh.load_state_dict(state)
    assert fresh.get_scale() == 8.0


def test_cpu_grad_scaler_misuse():
    scaler = rg.amp.GradScaler("cpu")
    w = rg.nn.Parameter(rg.ones(2))
    opt = rg.optim.SGD([w], lr=0.1)
    scaler.scale((w * 1).sum()).backward()
    scaler.unscale_(opt)
    assert w.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match=r"unscale_\(\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match=r"step\(\) has already been called since the last update\(\)"):
        scaler.step(opt)
    with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable of Tensors"):
        scaler.scale(3.0)
    pair = scaler.scale([rg.ones(1), (rg.ones(1),)])
    assert isinstance(pair, list) and isinstance(pair[1], tuple) and pair[1][0].item() == 2.0**16
    with pytest.raises(RuntimeError, match="source state dict is empty"):
        scaler.load_state_dict({})


@needs_torch
def test_cpu_grad_scaler_vs_torch():
    grads = [[1.0, 2.0], [float("inf"), 1.0], [1.0, 1.0], [float("nan"), 1.0], [1.0, 1.0], [1.0, 1.0]]
    ours = _train(rg, rg.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2), grads)
    theirs = _train(torch, torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2), grads)
    assert ours[0] == theirs[0]
    assert ours[1] == {k: (v.item() if hasattr(v, "item") else v) for k, v in theirs[1].items()}


# scale() multiplies by the 0-d float32 scale tensor: a 0-d loss of a lower float type (or an
# integer) becomes float32, a tensor with dims keeps its float type: (dtype, shape, result dtype)
_SCALED_DTYPES = [
    ("float16", (), "float32"),
    ("float16", (2,), "float16"),
    ("bfloat16", (), "float32"),
    ("bfloat16", (2,), "bfloat16"),
    ("float32", (2,), "float32"),
    ("float64", (), "float64"),
    ("int64", (), "float32"),
    ("int32", (2,), "float32"),
    ("bool", (2,), "float32"),
    ("complex64", (), "complex64"),
]


@pytest.mark.parametrize(("name", "shape", "result"), _SCALED_DTYPES)
def test_grad_scaler_scale_promotes_as_a_float32_tensor(name, shape, result):
    scaler = rg.amp.GradScaler("cpu")
    out = scaler.scale(rg.ones(shape, dtype=getattr(rg, name)))
    assert out.dtype == getattr(rg, result)
    if name == "float16" and shape == ():
        assert out.item() == 65536.0  # float32: a float16 result would overflow to inf
    assert scaler._scale.dtype == rg.float32 and scaler._scale.shape == ()


@needs_torch
@pytest.mark.parametrize(("name", "shape", "result"), _SCALED_DTYPES)
def test_grad_scaler_scale_dtypes_vs_torch(name, shape, result):
    x = torch.full(shape, 2, dtype=getattr(torch, name))
    theirs = torch.amp.GradScaler("cpu").scale(x)
    ours = rg.amp.GradScaler("cpu").scale(rg.full(shape, 2, dtype=getattr(rg, name)))
    assert str(theirs.dtype) == "torch." + result
    assert str(ours.dtype) == "retrograd." + result
    assert ours.tolist() == theirs.tolist()


def _two_params(half_grad: bool):
    """SGD over a float32 parameter with gradient 4 and a float16 one (gradient 1 when `half_grad`)."""
    a = rg.nn.Parameter(rg.ones(2))
    h = rg.nn.Parameter(rg.ones(2, dtype=rg.float16))
    a.grad = rg.full((2,), 4.0)
    if half_grad:
        h.grad = rg.ones(2, dtype=rg.float16)
    return a, rg.optim.SGD([a, h], lr=0.1)


def test_grad_scaler_refuses_float16_gradients_and_empty_steps():
    scaler = rg.amp.GradScaler("cpu", init_scale=2.0)
    scaler.scale(rg.tensor(1.0))
    a, opt = _two_params(half_grad=True)
    with pytest.raises(ValueError, match="^Attempting to unscale FP16 gradients.$"):
        scaler.unscale_(opt)
    assert a.grad.tolist() == [4.0, 4.0]  # checked before any gradient is unscaled
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        scaler.step(opt)
    bf = rg.nn.Parameter(rg.ones(2, dtype=rg.bfloat16))
    bf.grad = rg.full((2,), 4.0, dtype=rg.bfloat16)
    scaler.unscale_(rg.optim.SGD([bf], lr=0.1))  # bfloat16 is fine
    assert bf.grad.tolist() == [2.0, 2.0]

    scaler = rg.amp.GradScaler("cpu")
    scaler.scale(rg.tensor(1.0))
    no_grads = rg.optim.SGD([rg.nn.Parameter(rg.ones(2))], lr=0.1)
    with pytest.raises(AssertionError, match="^No inf checks were recorded for this optimizer.$"):
        scaler.step(no_grads)
    with pytest.raises(AssertionError, match="^No inf checks were recorded prior to update.$"):
        scaler.update()


def test_grad_scaler_update_with_a_new_scale():
    bad = (
        "new_scale should be a float or a 1-element retrograd.cuda.FloatTensor or retrograd.FloatTensor "
        "with requires_grad=False."
    )
    for new_scale, error, message in [
        (rg.tensor([8.0]), RuntimeError, "output with shape [] doesn't match the broadcast shape [1]"),
        (rg.tensor([[8.0]]), RuntimeError, "output with shape [] doesn't match the broadcast shape [1, 1]"),
        (rg.tensor(3.0, requires_grad=True), AssertionError, bad),
        (rg.ones(2), AssertionError, bad),
        (8, AttributeError, "'int' object has no attribute 'device'"),
    ]:
        scaler = rg.amp.GradScaler("cpu")
        scaler.scale(rg.tensor(1.0))
        with pytest.raises(error) as info:
            scaler.update(new_scale=new_scale)
        assert str(info.value) == message
        assert scaler.get_scale() == 65536.0
    scaler = rg.amp.GradScaler("cpu")
    scaler.scale(rg.tensor(1.0))
    scaler.update(new_scale=rg.tensor(7, dtype=rg.int64))
    assert scaler.get_scale() == 7.0
    scaler.update(new_scale=0.1)
    assert scaler.get_scale() == float(np.float32(0.1))  # the scale is float32


def test_grad_scaler_scale_arithmetic_is_float32():
    """Growth, backoff and 1/scale round to float32; a grown scale that overflows is not taken."""
    w = rg.nn.Parameter(rg.ones(2))
    opt = rg.optim.SGD([w], lr=0.1)
    scaler = rg.amp.GradScaler("cpu", init_scale=3.0, growth_factor=1.1, backoff_factor=0.3, growth_interval=1)
    scaler.scale((w * 1).sum()).backward()
    scaler.step(opt)
    assert w.grad.tolist() == [float(np.float32(3.0) * np.float32(1 / 3))] * 2
    scaler.update()
    assert scaler.get_scale() == float(np.float32(3.3))
    scaler = rg.amp.GradScaler("cpu", init_scale=3e38, growth_interval=1)
    w.grad = rg.ones(2)
    scaler.scale(rg.tensor(1.0))
    scaler.step(opt)
    scaler.update()
    assert scaler.get_scale() == float(np.float32(3e38))
    assert scaler.state_dict()["_growth_tracker"] == 0


@needs_torch
def test_grad_scaler_checks_vs_torch():
    def run(lib):
        out = []
        a = lib.nn.Parameter(lib.ones(2))
        h = lib.nn.Parameter(lib.ones(2, dtype=lib.float16))
        a.grad, h.grad = lib.full((2,), 4.0), lib.ones(2, dtype=lib.float16)
        cases = [
            lambda s: s.unscale_(lib.optim.SGD([a, h], lr=0.1)),
            lambda s: s.step(lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)),
            lambda s: s.update(),
            lambda s: s.update(new_scale=lib.tensor([8.0])),
            lambda s: s.update(new_scale=lib.tensor(2.0, requires_grad=True)),
            lambda s: s.update(new_scale=8),
        ]
        for case in cases:
            scaler = lib.amp.GradScaler("cpu", init_scale=3.0, growth_factor=1.1)
            scaler.scale(lib.tensor(1.0))
            try:
                case(scaler)
                out.append(None)
            except Exception as e:  # noqa: BLE001 - the errors are what is compared
                out.append((type(e).__name__, str(e).replace("torch.", "retrograd.")))
        return out

    assert run(rg) == run(torch)


# --- accelerator and backends --------------------------------------------------------------------


def test_accelerator_and_backends():
    acc = rg.accelerator
    assert (acc.is_available(), acc.current_accelerator(), acc.device_count()) == (False, None, 0)
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
        acc.current_device_index()
    b = rg.backends
    assert (b.cudnn.enabled, b.cudnn.benchmark, b.cudnn.deterministic, b.cudnn.is_available()) == (
        True,
        False,
        False,
        False,
    )
    b.cudnn.benchmark = True
    assert rg.backends.cudnn.benchmark is True
    b.cudnn.benchmark = False
    with b.cudnn.flags(enabled=False, deterministic=True):
        assert not b.cudnn.enabled and b.cudnn.deterministic
    assert b.cudnn.enabled and not b.cudnn.deterministic
    assert (b.mps.is_available(), b.mps.is_built(), b.cuda.is_built()) == (False, False, False)
    assert isinstance(b.mkl.is_available(), bool) and isinstance(b.openmp.is_available(), bool)
    assert b.cuda.matmul.allow_tf32 is False
    b.cuda.matmul.allow_tf32 = True
    assert rg.get_float32_matmul_precision() == "high"
    rg.set_float32_matmul_precision("highest")
    assert b.cuda.matmul.allow_tf32 is False
    import retrograd.backends.cudnn as cudnn_module

    assert cudnn_module is b.cudnn
    # oneDNN's switches, as PyTorch's: `flags()` defaults to disabled, set_flags hands back the old values
    assert (b.mkldnn.enabled, b.mkldnn.deterministic, b.mkldnn.allow_tf32) == (True, False, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (TF32 needs an Intel GPU: PyTorch warns once and keeps None)
        with b.mkldnn.flags(deterministic=True):
            assert (b.mkldnn.enabled, b.mkldnn.deterministic, b.mkldnn.allow_tf32) == (False, True, None)
    assert (b.mkldnn.enabled, b.mkldnn.deterministic, b.mkldnn.allow_tf32) == (True, False, None)
    assert b.mkldnn.set_flags(None, True) == (True, False, None, "none") and b.mkldnn.deterministic
    b.mkldnn.set_flags(_deterministic=False)


def test_backends_global_flags_freeze_and_thaw():
    # MONAI's set_determinism sets the cuDNN switches inside `__allow_nonbracketed_mutation()`
    b = rg.backends
    thaw = getattr(b, "__allow_nonbracketed_mutation")
    assert b.flags_frozen() is False
    try:
        b.disable_global_flags()
        assert b.flags_frozen() is True
        with thaw():
            assert b.flags_frozen() is False
            b.cudnn.deterministic = True
        assert b.flags_frozen() is True and b.cudnn.deterministic is True
    finally:
        b.cudnn.deterministic = False
        setattr(b, "__allow_nonbracketed_mutation_flag", True)  # thaw for the other tests
    assert b.flags_frozen() is False


@needs_torch
def test_backends_global_flags_vs_torch():
    for lib in (rg, torch):
        with getattr(lib.backends, "__allow_nonbracketed_mutation")():
            assert lib.backends.flags_frozen() is False
        assert lib.backends.flags_frozen() is False


@needs_torch
def test_accelerator_and_backends_vs_torch():
    for expr in [
        "accelerator.is_available()",
        "accelerator.current_accelerator()",
        "accelerator.device_count()",
        "accelerator.current_device_index()",
        "accelerator.synchronize()",
        "backends.cudnn.enabled",
        "backends.cudnn.benchmark",
        "backends.cudnn.deterministic",
        "backends.cudnn.is_available()",
        "backends.cudnn.version()",
        "backends.cudnn.allow_tf32",
        "backends.mps.is_available()",
        "backends.mps.is_built()",
        "backends.cuda.is_built()",
        "backends.cuda.matmul.allow_tf32",
        "backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
        "backends.mkldnn.enabled",
    ]:
        assert evaluated("rg." + expr) == evaluated("torch." + expr), expr


def _sdp_kernel_warnings(lib):
    """Where and when `backends.cuda.sdp_kernel` warns: (file name, warned before the `with`)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        manager = lib.backends.cuda.sdp_kernel(enable_math=False)
        made = len(record)
        with manager:
            pass
    return [(w.category.__name__, w.filename.rsplit("/", 1)[-1]) for w in record], made


def test_sdp_kernel_warns_when_made_from_contextlib():
    # vit-pytorch's flash ViT enters it on every forward: PyTorch's @deprecated warns as the manager
    # is made, naming contextlib's __init__, so the default filter shows it once, not once per call site.
    assert _sdp_kernel_warnings(rg) == ([("FutureWarning", "contextlib.py")], 1)


def test_sdp_kernel_warning_place_vs_torch():
    torch = pytest.importorskip("torch")
    assert _sdp_kernel_warnings(rg) == _sdp_kernel_warnings(torch)


def test_backends_opt_einsum_switches():
    oe = rg.backends.opt_einsum
    import retrograd.backends.opt_einsum as oe_module

    assert oe_module is oe
    available = importlib.util.find_spec("opt_einsum") is not None
    assert oe.is_available() is available
    assert (oe.enabled, oe.strategy) == ((True, "auto") if available else (False, None))
    assert (oe.get_opt_einsum() is None) is not available
    if available:
        with oe.flags(strategy="greedy"):
            assert oe.strategy == "greedy"
        assert oe.strategy == "auto"
        with pytest.raises(ValueError, match=r"must be one of the following: \[auto, greedy, optimal\] but is best"):
            oe.set_flags(_strategy="best")
    else:
        with pytest.raises(ValueError, match="opt_einsum is not available, so setting `enabled` to True"):
            oe.set_flags(True)
        with pytest.raises(ValueError, match="opt_einsum is not available, so setting `strategy` to greedy"):
            oe.set_flags(_strategy="greedy")
        with oe.flags(enabled=False):
            assert oe.enabled is False
    assert (oe.enabled, oe.strategy) == ((True, "auto") if available else (False, None))


@needs_torch
def test_backends_opt_einsum_vs_torch():
    import torch.backends.opt_einsum  # noqa: F401  (a submodule torch.backends does not import itself)

    for expr in ["is_available()", "enabled", "strategy", "get_opt_einsum() is None"]:
        assert evaluated("rg.backends.opt_einsum." + expr) == evaluated("torch.backends.opt_einsum." + expr), expr
    for args in [(True,), (None, "greedy"), (False,), (None, "best")]:
        errors = []
        for m in (rg, torch):
            try:
                with m.backends.opt_einsum.flags(*args):  # restores the switches after
                    errors.append(None)
            except ValueError as e:
                errors.append(str(e))
        assert errors[0] == errors[1], args


DEPRECATED_FLAGS = {
    "has_cuda": "backends.cuda.is_built",
    "has_mps": "backends.mps.is_built",
    "has_cudnn": "backends.cudnn.is_available",
    "has_mkldnn": "backends.mkldnn.is_available",
}


@pytest.mark.parametrize("name", sorted(DEPRECATED_FLAGS))
def test_deprecated_flags_warn_on_every_read_and_ask_backends(name):
    replacement = DEPRECATED_FLAGS[name]
    for _ in range(2):  # not cached: the second read warns too
        with pytest.warns(UserWarning) as record:
            value = getattr(rg, name)
        assert str(record[0].message) == f"'{name}' is deprecated, please use 'retrograd.{replacement}()'"
        assert record[0].filename == __file__
    assert value == eval("rg." + replacement + "()")
    with pytest.warns(UserWarning, match="'set_vital' is deprecated, please do not call"):
        assert rg.set_vital("x", "y") is None
    with pytest.raises(AttributeError, match="module 'retrograd' has no attribute 'has_nothing'"):
        rg.has_nothing  # noqa: B018


@needs_torch
@pytest.mark.parametrize("name", sorted(DEPRECATED_FLAGS))
def test_deprecated_flags_vs_torch(name):
    answers = []
    for m in (rg, torch):
        with pytest.warns(UserWarning) as record:
            value = getattr(m, name)
        # has_mkldnn's value is the backend's own answer: retrograd does not use oneDNN
        message = str(record[0].message).replace(m.__name__ + ".", "PKG.")
        answers.append((value if name != "has_mkldnn" else None, message))
    assert answers[0] == answers[1]


# --- default device, threads, precision, determinism --------------------------------------------


def test_default_device_is_the_cpu():
    assert rg.get_default_device() == rg.device("cpu")
    rg.set_default_device("cpu")
    rg.set_default_device(None)
    assert rg.get_default_device() == rg.device("cpu")
    with pytest.raises(AssertionError, match=NO_CUDA):
        rg.set_default_device("cuda")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        rg.set_default_device("xyz")


def test_device_block_on_the_cpu():
    with rg.device("cpu") as chosen:
        assert chosen == rg.device("cpu") and rg.get_default_device() == rg.device("cpu")
        assert rg.ones(1).device == rg.device("cpu")
    with pytest.raises(AssertionError, match=NO_CUDA), rg.device("cuda"):
        pass  # without CUDA the block fails as it opens, as set_default_device("cuda") does
    assert rg.get_default_device() == rg.device("cpu")


@needs_torch
def test_device_block_like_torch():
    seen = []
    for m in (torch, rg):
        with m.device("cpu") as chosen:
            seen.append((str(chosen), str(m.get_default_device()), str(m.ones(1).device)))
        seen.append(str(m.get_default_device()))
    assert seen[2:] == seen[:2]


def test_threads():
    n = rg.get_num_threads()
    assert n >= 1 and rg.get_num_interop_threads() >= 1
    rg.set_num_threads(1)
    assert rg.get_num_threads() == 1
    rg.set_num_threads(n)
    for bad, msg in [
        (0, "expects a positive integer"),
        (-1, "expects a positive integer"),
        (1.5, "expects an int, but got float"),
        (True, "expects an int, but got bool"),
    ]:
        with pytest.raises(RuntimeError, match=msg):
            rg.set_num_threads(bad)
    with pytest.raises(RuntimeError, match="set_num_interop_threads expects a positive integer"):
        rg.set_num_interop_threads(0)


def test_set_num_interop_threads_only_once():
    code = (
        "import retrograd as rg; rg.set_num_interop_threads(3); assert rg.get_num_interop_threads() == 3\n"
        "try:\n    rg.set_num_interop_threads(2)\nexcept RuntimeError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "cannot set number of interop threads" in out


def test_matmul_precision_and_determinism():
    assert rg.get_float32_matmul_precision() == "highest"
    rg.set_float32_matmul_precision("medium")
    assert rg.get_float32_matmul_precision() == "medium"
    with pytest.warns(UserWarning, match="foo is not one of 'highest', 'high', or 'medium'"):
        rg.set_float32_matmul_precision("foo")
    assert rg.get_float32_matmul_precision() == "medium"
    with pytest.raises(RuntimeError, match="expects a str, but got int"):
        rg.set_float32_matmul_precision(3)
    assert not rg.are_deterministic_algorithms_enabled()
    rg.use_deterministic_algorithms(True, warn_only=True)
    assert rg.are_deterministic_algorithms_enabled() and rg.is_deterministic_algorithms_warn_only_enabled()
    assert rg.get_deterministic_debug_mode() == 1
    rg.set_deterministic_debug_mode("error")
    assert rg.get_deterministic_debug_mode() == 2 and not rg.is_deterministic_algorithms_warn_only_enabled()
    with pytest.raises(TypeError, match="argument 'mode' \\(position 1\\) must be bool, not int"):
        rg.use_deterministic_algorithms(1)
    with pytest.raises(RuntimeError, match="invalid value of debug_mode"):
        rg.set_deterministic_debug_mode("bad")


def _bad_precision_warning(lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib.set_float32_matmul_precision("foo")
    (w,) = caught
    return w.category, str(w.message).split(" (Triggered internally")[0], w.filename


def test_bad_matmul_precision_warns_at_the_callers_line():
    # not at the `__torch_function__` check of the public face between the caller and the function
    category, message, filename = _bad_precision_warning(rg)
    assert category is UserWarning and filename == __file__
    assert message == (
        "foo is not one of 'highest', 'high', or 'medium'; the currentsetFloat32MatmulPrecision call has no effect."
    )


@needs_torch
def test_bad_matmul_precision_warning_vs_torch():
    # (PyTorch's names its own Python wrapper, torch/__init__.py, as where it warns; retrograd the caller)
    assert _bad_precision_warning(rg)[:2] == _bad_precision_warning(torch)[:2]


@needs_torch
def test_settings_vs_torch():
    for lib in (rg, torch):
        lib.set_float32_matmul_precision("high")
    assert rg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    for call in [
        "set_num_threads(0)",
        "set_num_threads(1.5)",
        "set_num_threads(True)",
        "set_float32_matmul_precision(3)",
        "use_deterministic_algorithms(1)",
        "use_deterministic_algorithms(True, warn_only=1)",
        "set_deterministic_debug_mode('bad')",
        "set_default_device('xyz')",
        "get_default_device()",
    ]:
        assert evaluated("rg." + call) == evaluated("torch." + call), call


def test_new_modules_load_on_first_use():
    code = (
        "import sys, retrograd\n"
        "names = ['cuda', 'amp', 'accelerator', 'backends', '_threads', '_global_flags', '_default_device']\n"
        "print([n for n in names if 'retrograd.' + n in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_xpu_is_absent_as_in_a_cpu_build_of_pytorch():
    """`torch.xpu.is_available()` (pytorch/examples' device choice) works and says no."""
    import retrograd

    assert retrograd.xpu.is_available() is False
    assert retrograd.xpu.device_count() == 0 and retrograd.xpu.is_initialized() is False
    retrograd.xpu.manual_seed(1)
    retrograd.xpu.manual_seed_all(1)
    for fn in (retrograd.xpu.synchronize, retrograd.xpu.current_device):
        with pytest.raises(AssertionError, match="Torch not compiled with XPU enabled"):
            fn()


def test_every_pytorch_device_type_names_a_device_but_holds_no_tensor():
    # code names torch.device("mps") or "xla" before asking whether it is there: that must work;
    # placing a tensor there raises, as PyTorch's CPU-only build does for a backend it lacks
    for kind in ("mps", "meta", "xpu", "xla", "hpu"):
        assert repr(rg.device(kind)) == f"device(type='{kind}')" and str(rg.device(f"{kind}:1")) == f"{kind}:1"
    for kind, error in (("mps", NotImplementedError), ("xla", NotImplementedError), ("xpu", AssertionError)):
        places = (lambda k: rg.ones(2, device=k), lambda k: rg.ones(2).to(k), lambda k: rg.nn.Linear(2, 2).to(k))
        for place in places:
            with pytest.raises(error, match="XPU" if kind == "xpu" else f"no '{kind}' backend"):
                place(kind)
    if torch is not None:
        for kind in ("mps", "meta", "xpu", "xla", "hpu"):
            assert repr(torch.device(kind)) == repr(rg.device(kind))
        with pytest.raises(RuntimeError) as theirs:
            torch.device("xyz")
        with pytest.raises(RuntimeError) as ours:
            rg.device("xyz")
        assert str(ours.value) == str(theirs.value)
