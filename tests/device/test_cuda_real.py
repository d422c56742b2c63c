"""The same checks on a real GPU through CuPy: skipped without CuPy and a CUDA device.

Run by benchmarks/gpu/run.sh on a GPU machine; on CPU CI every test here skips.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import backend

pytestmark = [
    pytest.mark.device,
    pytest.mark.skipif(backend._cupy is None, reason="needs CuPy and a CUDA device"),
]


@pytest.fixture(autouse=True)
def _real_cuda():
    before = backend.cuda_backend()
    backend._install(backend._cupy)
    yield
    backend._install(before)


def test_runtime_api():
    assert rg.cuda.is_available() and rg.cuda.device_count() >= 1
    rg.cuda.synchronize()
    assert isinstance(rg.cuda.get_device_name(0), str)
    x = rg.ones(1024, 1024, device="cuda")
    assert rg.cuda.memory_allocated() >= x.numel() * 4
    start, end = rg.cuda.Event(enable_timing=True), rg.cuda.Event(enable_timing=True)
    start.record()
    (x @ x).sum()
    end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0.0


def test_training_step_matches_cpu():
    from .test_training_standin import MODELS, batch, train

    for kind in sorted(MODELS):  # in float64: Adam magnifies the devices' different float32 roundings
        rg.manual_seed(0)
        cpu_model = MODELS[kind]().double()
        rg.manual_seed(0)
        dev_model = MODELS[kind]().cuda().double()
        x, y = batch(kind)
        x = x.double() if x.is_floating_point() else x
        cpu_losses, _ = train(cpu_model, x, y, rg.optim.AdamW)
        dev_losses, _ = train(dev_model, x.cuda(), y.cuda(), rg.optim.AdamW)
        np.testing.assert_allclose(dev_losses, cpu_losses, rtol=1e-4, atol=1e-5)


def test_errors_of_pytorch():
    d = rg.ones(3, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        d.numpy()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        d + rg.ones(3)


def test_dlpack_with_cupy_and_torch_is_zero_copy():
    cupy = pytest.importorskip("cupy")
    d = rg.arange(4.0, device="cuda")
    c = cupy.from_dlpack(d)
    c[0] = 7.0
    assert d[0].item() == 7.0 and rg.from_dlpack(c).data_ptr() == d.data_ptr()
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    t = torch.from_dlpack(d)
    assert t.is_cuda and t.data_ptr() == d.data_ptr()
    back = rg.from_dlpack(t)
    assert back.is_cuda and back.data_ptr() == t.data_ptr()


def _sweep_cases():
    from .op_sweep import CASES

    return CASES


@pytest.mark.parametrize("case", _sweep_cases(), ids=lambda c: c.id)
def test_op_on_gpu_matches_cpu(case):
    import json
    from pathlib import Path

    from .op_sweep import check_case

    here = Path(__file__).parent
    gaps = json.loads((here / "standin_known_gaps.json").read_text())
    gaps.update(json.loads((here / "gpu_known_gaps.json").read_text()))  # found on an H200 with CuPy 14
    if case.id in gaps:
        pytest.xfail(gaps[case.id])
    check_case(case)


def _composed(monkeypatch):
    """Within the block, `kernel()` finds no fused kernel: the array-expression paths run."""
    from retrograd.backend import cuda_kernels

    for module in (
        "retrograd.ops.activation.piecewise",
        "retrograd.ops.activation.along_dim",
        "retrograd.ops.activation.smooth",
        "retrograd.optim.adam",
        "retrograd.ops.fused.recurrent",
        "retrograd.ops.fused.normalization",
        "retrograd.ops.fused.recurrent_gru",
    ):
        monkeypatch.setattr(f"{module}.kernel", lambda *a, **k: None)
    return cuda_kernels


def _assert_fused_matches_composed(monkeypatch, run, dtype) -> None:
    """`run()` with the fused kernels, then with the array paths (`_composed`): the same arrays."""
    fused = run()
    with monkeypatch.context() as m:
        _composed(m)
        composed = run()
    # float32: the fused kernels round in another order (one element of 2112 was 3.6e-5 off)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == rg.float32 else dict(rtol=1e-12, atol=1e-12)
    for f, c in zip(fused, composed):
        np.testing.assert_allclose(f, c, **tol)


@pytest.mark.parametrize("dtype", [rg.float32, rg.float64])
def test_fused_kernels_agree_with_composed(monkeypatch, dtype):
    """relu/log_softmax/GELU derivatives, layer norm and the Adam step: fused kernels == array expressions."""
    import retrograd.nn.functional as F

    def run():
        rg.manual_seed(0)
        x = rg.randn(64, 33, dtype=dtype, device="cuda", requires_grad=True)
        w = rg.randn(33, 17, dtype=dtype, device="cuda", requires_grad=True)
        h = x @ w
        out = F.relu(h).sum() + F.log_softmax(h, 1).square().sum() + F.gelu(h).sum()
        out = out + F.gelu(h, approximate="tanh").sum()
        ln_w = rg.randn(17, dtype=dtype, device="cuda", requires_grad=True)
        ln_b = rg.randn(17, dtype=dtype, device="cuda", requires_grad=True)
        out = out + F.layer_norm(h, (17,), ln_w, ln_b).square().sum()
        out.backward()
        opt = rg.optim.AdamW([w], lr=0.01)
        for _ in range(3):
            opt.step()
        return [t.detach().cpu().numpy() for t in (out, x.grad, w, opt.state[w]["exp_avg_sq"])]

    _assert_fused_matches_composed(monkeypatch, run, dtype)


@pytest.mark.parametrize("dtype", [rg.float32, rg.float64])
def test_fused_lstm_cell_agrees_with_composed(monkeypatch, dtype):
    """The LSTM layer's per-step kernels (forward and backward) == its array expressions, both directions."""

    def run():
        rg.manual_seed(0)
        lstm = rg.nn.LSTM(5, 7, num_layers=2, bidirectional=True, dtype=dtype).to("cuda")
        x = rg.randn(6, 3, 5, dtype=dtype, device="cuda", requires_grad=True)
        out, (h, c) = lstm(x)
        (out.square().sum() + h.sum() + c.sum()).backward()
        grads = [p.grad for p in lstm.parameters()]
        return [t.detach().cpu().numpy() for t in (out, h, c, x.grad, *grads)]

    _assert_fused_matches_composed(monkeypatch, run, dtype)


@pytest.mark.parametrize("dtype", [rg.float32, rg.float64])
@pytest.mark.parametrize("bias", [True, False])
def test_fused_gru_cell_agrees_with_composed(monkeypatch, dtype, bias):
    """The GRU layer's per-step kernels (forward and backward) == its array expressions, both directions."""

    def run():
        rg.manual_seed(0)
        gru = rg.nn.GRU(5, 7, num_layers=2, bidirectional=True, bias=bias, dtype=dtype).to("cuda")
        x = rg.randn(6, 3, 5, dtype=dtype, device="cuda", requires_grad=True)
        h0 = rg.randn(4, 3, 7, dtype=dtype, device="cuda", requires_grad=True)
        out, h = gru(x, h0)
        (out.square().sum() + h.sum()).backward()
        grads = [p.grad for p in gru.parameters()]
        return [t.detach().cpu().numpy() for t in (out, h, x.grad, h0.grad, *grads)]

    _assert_fused_matches_composed(monkeypatch, run, dtype)
