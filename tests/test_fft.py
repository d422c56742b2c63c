"""retrograd.fft beyond the op table: dtypes, errors, node names, round trips."""

from __future__ import annotations

import importlib
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


def test_dtypes():
    assert rg.fft.fft(rg.arange(4)).dtype is rg.complex64
    assert rg.fft.fft(rg.ones(4, dtype=rg.float64)).dtype is rg.complex128
    assert rg.fft.rfft(rg.ones(4)).dtype is rg.complex64
    assert rg.fft.irfft(rg.ones(3, dtype=rg.complex128)).dtype is rg.float64
    assert rg.fft.hfft(rg.ones(3, dtype=rg.complex64)).shape == (4,)
    assert rg.fft.fftfreq(4, dtype=rg.float64).dtype is rg.float64


def test_round_trips():
    x = rg.tensor(np.random.default_rng(0).standard_normal((3, 8)))
    np.testing.assert_allclose(rg.fft.ifft(rg.fft.fft(x)).real.numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(rg.fft.irfftn(rg.fft.rfftn(x), s=x.shape).numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(rg.fft.ifftshift(rg.fft.fftshift(x)).numpy(), x.numpy())


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: rg.fft.fft(rg.ones(4), norm="bad"), RuntimeError, 'Invalid normalization mode: "bad"'),
        (lambda: rg.fft.fft(rg.ones(4), n=0), RuntimeError, r"Invalid number of data points \(0\) specified"),
        (lambda: rg.fft.rfft(rg.ones(4, dtype=rg.complex64)), RuntimeError, "rfft expects a real input tensor"),
        (lambda: rg.fft.ihfft(rg.ones(4, dtype=rg.complex64)), RuntimeError, "ihfft expects a real input tensor"),
        (lambda: rg.fft.fft(rg.ones(4, dtype=rg.float16)), RuntimeError, "Unsupported dtype Half"),
        (lambda: rg.fft.fftn(rg.ones(4), dim=(0, 0)), RuntimeError, "FFT dims must be unique"),
        (lambda: rg.fft.fft(rg.ones(4), dim=3), IndexError, "Dimension out of range"),
        (lambda: rg.fft.fftn(rg.ones(4), s=(2, 3)), RuntimeError, "Got shape with 2 values"),
        (lambda: rg.fft.irfft(rg.ones(1)), RuntimeError, r"Invalid number of data points \(0\) specified"),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_node_names():
    x = rg.ones(4, requires_grad=True)
    assert type(rg.fft.rfft(x).grad_fn).__name__ == "FftR2CBackward0"
    assert type(rg.fft.irfft(rg.fft.rfft(x)).grad_fn).__name__ == "FftC2RBackward0"
    assert type(rg.fft.ifft(rg.fft.rfft(x)).grad_fn).__name__ == "FftC2CBackward0"


def test_spectral_loss_gradient_vs_pytorch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(1).standard_normal((2, 6))
    outs = []
    for m in (rg, torch):
        x = m.tensor(data, requires_grad=True)
        spec = m.fft.rfft(x, norm="ortho")
        loss = (spec.abs() ** 2).sum() + m.fft.irfft(spec * 1j, n=6).pow(3).sum()
        loss.backward()
        outs.append(x.grad.numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-10)


def test_stft_istft_round_trip_and_errors():
    x = rg.tensor(np.random.default_rng(2).standard_normal((2, 50)))
    window = rg.tensor(np.hanning(16))
    spec = rg.stft(x, 16, hop_length=4, window=window, return_complex=True)
    assert spec.shape == (2, 9, 13) and spec.dtype is rg.complex128
    back = rg.istft(spec, 16, hop_length=4, window=window, length=50)
    np.testing.assert_allclose(back.numpy(), x.numpy(), atol=1e-12)
    with pytest.raises(RuntimeError, match="stft requires the return_complex parameter be given for real inputs"):
        rg.stft(x, 16, window=window)
    with pytest.raises(RuntimeError, match="istft requires a complex-valued input tensor."):
        rg.istft(x, 16, window=window)
    with pytest.warns(UserWarning, match="A window was not provided"):
        rg.stft(x, 16, return_complex=True)
    assert x.stft(16, window=window, return_complex=True).shape == (2, 9, 13)  # hop 16//4


def test_transforms_of_real_data_have_exactly_real_self_conjugate_bins():
    # as PyTorch (half the spectrum, the rest by symmetry): no 1e-17 imaginary parts to print
    x = rg.tensor(np.random.default_rng(0).standard_normal((4, 6)))
    for spectrum in (rg.fft.fft2(x), rg.fft.fftn(x), rg.fft.fft(x)):
        values = spectrum.numpy()
        tiny = (np.abs(values.imag) < 1e-12) & (values.imag != 0)
        assert not tiny.any()
    np.testing.assert_allclose(rg.fft.fft2(x).numpy(), np.fft.fft2(x.numpy()), atol=1e-12)
    assert "e+00" not in repr(rg.fft.fft2(x))


def test_float32_frequencies_are_rounded_as_pytorch_rounds_them():
    # PyTorch multiplies the float32 steps by 1/(n·d) in float32; rounding the float64 quotient
    # instead differs in the last bit for some entries
    n, d = 64, 20 / 64
    scale = np.float32(1.0 / (n * d))
    expected = np.concatenate([np.arange(32), np.arange(-32, 0)]).astype(np.float32) * scale
    np.testing.assert_array_equal(rg.fft.fftfreq(n, d).numpy(), expected)
    np.testing.assert_array_equal(rg.fft.rfftfreq(n, d).numpy(), np.arange(33).astype(np.float32) * scale)
    assert rg.fft.fftfreq(n, d)[9].item() != np.float32(9 / (n * d))  # the entry the probe found
    if torch is not None:
        for m in (1, 7, 64, 101):
            for spacing in (1.0, 0.1, 20 / 64, 3.7):
                assert np.array_equal(rg.fft.fftfreq(m, spacing).numpy(), torch.fft.fftfreq(m, spacing).numpy())
                assert np.array_equal(rg.fft.rfftfreq(m, spacing).numpy(), torch.fft.rfftfreq(m, spacing).numpy())


def _stft_calls(m):
    """stft calls whose node, padding and refusals follow PyTorch's composition."""
    x = m.tensor(np.random.default_rng(3).standard_normal((2, 50)), requires_grad=True)
    window = m.hann_window(16, dtype=m.float64)
    return [
        lambda: m.stft(x, 16, hop_length=4, window=window, return_complex=True),
        lambda: m.stft(x[0], 16, hop_length=4, window=window, return_complex=True),
        lambda: m.stft(x[0], 16, window=window, return_complex=True, pad_mode="replicate"),
        lambda: m.stft(x, 16, window=window, return_complex=True, pad_mode="circular", center=True),
        lambda: m.stft(x[0, :5], 16, window=window, return_complex=True),
        lambda: m.stft(x[0, :5], 16, window=window, return_complex=True, pad_mode="circular"),
        lambda: m.stft(x.detach().reshape(2, 1, 50), 16, window=window, return_complex=True),
        lambda: m.stft(m.arange(60), 16, window=window, return_complex=True, center=False),
        lambda: m.stft(x, 64, window=m.hann_window(40), win_length=40, return_complex=True, center=False),
        lambda: m.stft(x, 16, hop_length=0, window=window, return_complex=True),
        lambda: m.stft(x, 16, window=m.hann_window(12), onesided=True, return_complex=True),
        # align_to_window (PyTorch 2.13): each frame's window starts at t * hop_length
        lambda: m.stft(x, 16, 3, 7, m.hann_window(7, dtype=m.float64), center=False, return_complex=True,
                       align_to_window=True),
        lambda: m.stft(x, 16, 3, 7, m.hann_window(7, dtype=m.float64), center=False, return_complex=True,
                       align_to_window=False),
        lambda: m.stft(x, 16, window=window, return_complex=True, align_to_window=False),  # center=True refuses
        lambda: m.stft(x[:, :12], 16, 3, 7, m.ones(7), center=False, return_complex=True, align_to_window=True),
    ]


def test_stft_records_pytorchs_nodes_and_refuses_with_its_call_description():
    calls = _stft_calls(rg)
    assert calls[0]().grad_fn.name() == "TransposeBackward1"  # transpose_ in place, as PyTorch
    assert calls[1]().grad_fn.name() == "SqueezeBackward4"  # a single signal: batch squeezed away in place
    names = []
    spec = calls[2]()
    stack = [spec.grad_fn]
    while stack:
        node = stack.pop()
        names.append(node.name())
        stack.extend(n for n, _ in node.next_functions if n is not None)
    assert "ReplicationPad1DBackward0" in names
    with pytest.raises(RuntimeError) as info:
        calls[4]()
    assert str(info.value) == (
        "Argument #4: Padding size should be less than the corresponding input dimension, but got: "
        "padding (8, 8) at dimension 2 of input [1, 1, 5]"
    )
    with pytest.raises(RuntimeError, match="^Padding value causes wrapping around more than once.$"):
        calls[5]()
    with pytest.raises(RuntimeError) as info:
        calls[7]()
    assert str(info.value) == (
        "stft(retrograd.LongTensor[60], n_fft=16, hop_length=4, win_length=16, window=retrograd.DoubleTensor{[16]}, "
        "normalized=0, onesided=None, return_complex=1, align_to_window=None) : expected a tensor of floating point "
        "or complex values"
    )
    with pytest.raises(RuntimeError, match=r"expected 0 < n_fft < 50, but got n_fft=40$"):  # PyTorch shows win_length
        calls[8]()
    with pytest.warns(UserWarning, match="stft with return_complex=False is deprecated"):
        assert rg.stft(rg.ones(40), 16, window=rg.hann_window(16), return_complex=False).shape == (9, 11, 2)


def test_stft_align_to_window_starts_each_window_at_its_hop():
    x = np.random.default_rng(5).standard_normal(20)
    w = np.hanning(6)[1:-1]  # any 4 weights
    got = rg.stft(rg.tensor(x), 8, 3, 4, rg.tensor(w), center=False, return_complex=True, align_to_window=True)
    # frame t: x[3t : 3t + 4] * w, centred in 8 samples (2 zeros each side), 1 + (20 - 4) // 3 = 6 frames
    expected = np.stack([np.fft.rfft(np.pad(x[3 * t : 3 * t + 4] * w, (2, 2))) for t in range(6)], 1)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)
    plain = rg.stft(rg.tensor(x), 8, 3, 4, rg.tensor(w), center=False, return_complex=True, align_to_window=False)
    assert plain.shape == (5, 5)  # 1 + (20 - 8) // 3 frames of 8 samples
    with pytest.raises(RuntimeError, match="^stft align_to_window should only be set when center = false$"):
        rg.stft(rg.tensor(x), 8, window=rg.ones(8), return_complex=True, align_to_window=True)
    with pytest.raises(RuntimeError, match=r"align_to_window=1\) : expected 0 < n_fft < 7, but got n_fft=4$"):
        rg.stft(rg.tensor(x[:7]), 8, 3, 4, rg.tensor(w), center=False, return_complex=True, align_to_window=True)


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_stft_nodes_values_and_errors_match_pytorch():
    ours, theirs = _stft_calls(rg), _stft_calls(torch)
    for mine, reference in zip(ours, theirs):
        try:
            expected = reference()
        except RuntimeError as error:
            with pytest.raises(RuntimeError) as info:
                mine()
            assert str(info.value).replace("retrograd.", "torch.") == str(error)
            continue
        got = mine()
        assert got.shape == tuple(expected.shape) and str(got.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), atol=1e-10)
        if expected.grad_fn is not None:
            assert got.grad_fn.name() == expected.grad_fn.name()


def _istft_calls(m):
    """istft calls whose nodes, numbers and refusals follow PyTorch's composition."""
    rng = np.random.default_rng(4)
    spec = m.tensor(rng.standard_normal((2, 9, 13)) + 1j * rng.standard_normal((2, 9, 13)), requires_grad=True)
    twosided = m.tensor(rng.standard_normal((16, 7)) + 1j * rng.standard_normal((16, 7)))
    window = m.hann_window(16, dtype=m.float64)
    return [
        lambda: m.istft(spec[0], 16, hop_length=4, window=window),
        lambda: m.istft(twosided, 16, hop_length=4, window=window, onesided=False),  # reads bins 0..8 only
        lambda: m.istft(spec, 16, hop_length=4, window=window, length=70),
        lambda: m.istft(spec.detach().real, 16, window=window),
        lambda: m.istft(spec.detach()[:, :, :0], 16, window=window),
        lambda: m.istft(spec.detach()[None], 16, window=window),
        lambda: m.istft(spec.detach(), 16, hop_length=20, window=window),
        lambda: m.istft(spec.detach(), 16, window=m.hann_window(12)),
        lambda: m.istft(spec.detach(), 16, window=window, center=False),
        lambda: m.istft(spec.detach(), 16, window=window, onesided=True, return_complex=True),
    ]


def test_istft_nodes_numbers_and_refusals():
    calls = _istft_calls(rg)
    assert calls[0]().grad_fn.name() == "SqueezeBackward1"
    rng = np.random.default_rng(5)
    twosided = rg.tensor(rng.standard_normal((16, 7)) + 1j * rng.standard_normal((16, 7)))
    upper_changed = twosided.clone()
    upper_changed[9:] = 0  # the negative frequencies do not reach a real signal
    window = rg.hann_window(16, dtype=rg.float64)
    np.testing.assert_allclose(
        rg.istft(twosided, 16, window=window, onesided=False).numpy(),
        rg.istft(upper_changed, 16, window=window, onesided=False).numpy(),
    )
    with pytest.warns(UserWarning, match="The length of signal is shorter than the length parameter"):
        assert calls[2]().shape == (2, 70)
    with pytest.raises(RuntimeError, match="matching the output from stft with return_complex=True.$"):
        calls[3]()
    with pytest.raises(RuntimeError) as info:
        calls[6]()
    assert str(info.value) == (
        "istft(CPUComplexDoubleType[2, 9, 13], n_fft=16, hop_length=20, win_length=16, "
        "window=retrograd.DoubleTensor{[16]}, center=1, normalized=0, onesided=None, length=None, return_complex=0) "
        ": expected 0 < hop_length <= win_length"
    )
    with pytest.raises(RuntimeError, match=r"return_complex=0\) window overlap add min: 1\n\[ CPUBoolType\{\} \]$"):
        calls[8]()
    with pytest.raises(RuntimeError, match="^Cannot have onesided output if window or input is complex$"):
        calls[9]()


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_istft_nodes_values_and_errors_match_pytorch():
    for mine, reference in zip(_istft_calls(rg), _istft_calls(torch)):
        try:
            expected = reference()
        except RuntimeError as error:
            with pytest.raises(RuntimeError) as info:
                mine()
            assert str(info.value).replace("retrograd.", "torch.") == str(error)
            continue
        got = mine()
        assert got.shape == tuple(expected.shape)
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), atol=1e-10)
        if expected.grad_fn is not None:
            assert got.grad_fn.name() == expected.grad_fn.name()


_NO_WINDOW_PROGRAM = """
import warnings, torch
warnings.simplefilter("always")
x = torch.randn(10)
spec = torch.stft(x, 4, window=torch.ones(4), return_complex=True)

def attempt(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            outcome = "ok"
        except RuntimeError as error:
            outcome = str(error)[:40]
    print(outcome, [str(w.message)[:40] for w in caught])

attempt(lambda: torch.istft(spec.real, 4))  # warns first, then refuses the real input
attempt(lambda: torch.istft(spec, 4))  # once per process
attempt(lambda: torch.stft(x, 40))  # the centre padding refuses before anything warns
attempt(lambda: torch.stft(x, 4))  # warns, then asks for return_complex
attempt(lambda: torch.stft(x, 4, return_complex=True))
"""


def _outcome_and_warnings(make) -> tuple[str, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            make()
            outcome = "ok"
        except RuntimeError as error:
            outcome = str(error)[:40]
    return outcome, [str(w.message)[:40] for w in caught]


def test_missing_window_warns_once_per_process_in_pytorchs_order(monkeypatch):
    monkeypatch.setattr(importlib.import_module("retrograd._user_frames"), "_warned_once", set())  # as in a new process
    x = rg.randn(10)
    spec = rg.stft(x, 4, window=rg.ones(4), return_complex=True)
    warning = "A window was not provided. A rectangular"
    refused = "istft requires a complex-valued input te"
    assert _outcome_and_warnings(lambda: rg.istft(spec.real, 4)) == (refused, [warning])
    assert _outcome_and_warnings(lambda: rg.istft(spec, 4)) == ("ok", [])
    assert _outcome_and_warnings(lambda: rg.stft(x, 40)) == ("Argument #4: Padding size should be less", [])
    assert _outcome_and_warnings(lambda: rg.stft(x, 4)) == ("stft requires the return_complex paramet", [warning])
    assert _outcome_and_warnings(lambda: rg.stft(x, 4, return_complex=True)) == ("ok", [])


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.pytorch
def test_missing_window_warnings_match_pytorch(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(_NO_WINDOW_PROGRAM)

    def run(*launcher: str) -> str:
        done = subprocess.run([sys.executable, *launcher, str(script)], capture_output=True, text=True, check=True)
        return done.stdout

    assert run("-m", "retrograd", "run") == run()


def _frequency_edges(m):
    """fftfreq/rfftfreq at the edges: n·d = 0, negative n, dtypes without a kernel."""
    outcomes = []
    for f in (
        lambda: m.fft.fftfreq(0), lambda: m.fft.fftfreq(4, d=0), lambda: m.fft.rfftfreq(0),
        lambda: m.fft.fftfreq(3, d=-0.0, dtype=m.float64), lambda: m.fft.rfftfreq(-1), lambda: m.fft.rfftfreq(-3),
        lambda: m.fft.rfftfreq(-5), lambda: m.fft.fftfreq(-5), lambda: m.fft.fftfreq(4, dtype=m.int64),
        lambda: m.fft.rfftfreq(4, dtype=m.bool), lambda: m.fft.fftfreq(4, dtype=m.complex64),
    ):
        try:
            t = f()
            outcomes.append((str(t.dtype).split(".")[-1], [str(v) for v in t.tolist()]))
        except (RuntimeError, NotImplementedError) as e:
            outcomes.append((type(e).__name__, str(e)))
    return outcomes


def test_sample_frequencies_at_the_edges():
    assert _frequency_edges(rg) == [
        ("float32", []),
        ("float32", ["nan", "inf", "-inf", "-inf"]),  # 1/(n·d) is inf, and 0·inf is nan
        ("float32", ["nan"]),
        ("float64", ["nan", "-inf", "inf"]),
        ("float32", ["-0.0"]),  # C++'s -1 / 2 is 0: one entry, 0 / -1
        ("float32", []),
        ("RuntimeError", "Trying to create tensor with negative dimension -1: [-1]"),
        ("RuntimeError", "Trying to create tensor with negative dimension -5: [-5]"),
        ("RuntimeError", "fftfreq requires a floating point or complex dtype"),
        ("RuntimeError", "rfftfreq requires a floating point or complex dtype"),
        ("NotImplementedError", "\"arange_cpu\" not implemented for 'ComplexFloat'"),
    ]


def test_sample_frequencies_at_the_edges_vs_torch():
    torch = pytest.importorskip("torch")
    assert _frequency_edges(rg) == _frequency_edges(torch)
