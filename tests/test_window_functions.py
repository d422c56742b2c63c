"""Window factories: PyTorch's overloads take the shape parameters only as a growing prefix.

`kaiser_window(8, beta=8.0)` matches none of `(N)`, `(N, periodic)`, `(N, periodic, beta)`, so
PyTorch refuses it with its overload listing rather than assuming periodic=True.
"""

import pytest

import retrograd as rg

CALLS = [
    ("kaiser_window", lambda m: m.kaiser_window(8, beta=8.0)),
    ("hamming_window", lambda m: m.hamming_window(8, alpha=0.5)),
    ("hamming_window", lambda m: m.hamming_window(8, False, beta=0.5)),
]
ACCEPTED = [
    lambda m: m.kaiser_window(8, True, beta=8.0),
    lambda m: m.kaiser_window(8, periodic=False, beta=8.0),
    lambda m: m.hamming_window(8, False, 0.5, beta=0.3),
    lambda m: m.hamming_window(8),
]


@pytest.mark.parametrize("name, call", CALLS)
def test_skipped_shape_parameter_is_refused(name, call):
    with pytest.raises(TypeError) as info:
        call(rg)
    message = str(info.value)
    assert message.startswith(f"{name}() received an invalid combination of arguments - got (int")
    assert " * (int window_length, bool periodic, *, torch.dtype dtype = None" in message


def test_kaiser_listing_spelled_out():
    with pytest.raises(TypeError) as info:
        rg.kaiser_window(8, beta=8.0)
    tail = "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, " + (
        "bool pin_memory = False, bool requires_grad = False)\n"
    )
    assert str(info.value) == (
        "kaiser_window() received an invalid combination of arguments - got (int, beta=float), but expected one of:\n"
        f" * (int window_length, *, {tail}"
        f" * (int window_length, bool periodic, *, {tail}"
        f" * (int window_length, bool periodic, float beta, *, {tail}"
    )


def test_prefix_calls_keep_their_defaults():
    assert rg.kaiser_window(8, True, beta=8.0).tolist() == rg.kaiser_window(8, True, 8.0).tolist()
    assert rg.hamming_window(4).tolist() == rg.hamming_window(4, True, 0.54, 0.46).tolist()


def test_refusals_match_pytorch():
    torch = pytest.importorskip("torch")
    for _, call in CALLS:
        with pytest.raises(TypeError) as ours:
            call(rg)
        with pytest.raises(TypeError) as theirs:
            call(torch)
        assert str(ours.value) == str(theirs.value)
    for call in ACCEPTED:
        assert call(rg).numpy() == pytest.approx(call(torch).numpy(), rel=2e-6)


# --- retrograd.signal.windows ------------------------------------------------------------------------

WINDOWS = {
    "bartlett": {},
    "blackman": {},
    "cosine": {},
    "exponential": {"tau": 1.7},
    "gaussian": {"std": 2.3},
    "general_cosine": {"a": [0.4, 0.3, 0.2, 0.1]},
    "general_hamming": {"alpha": 0.6},
    "hamming": {},
    "hann": {},
    "kaiser": {"beta": 7.5},
    "nuttall": {},
}


def test_signal_windows_spelled_out():
    w = rg.signal.windows
    assert w.hann(5).tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    assert w.hann(4, sym=False).tolist() == [0.0, 0.5, 1.0, 0.5]
    assert w.bartlett(5).tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    assert w.exponential(6, center=2.0, sym=False, dtype=rg.float64).numpy() == pytest.approx(
        [2.718281828459045**-k for k in (2, 1, 0, 1, 2, 3)]
    )
    assert w.gaussian(3, std=1.0, dtype=rg.float64).numpy() == pytest.approx([0.6065306597, 1.0, 0.6065306597])
    assert w.kaiser(1).tolist() == [1.0] and w.cosine(0).shape == (0,)
    assert w.hann(5, requires_grad=True).grad_fn.name() == "SumBackward1"
    assert w.kaiser(5, requires_grad=True).grad_fn.name() == "DivBackward0"
    assert w.bartlett(4, requires_grad=True).grad_fn.name() == "RsubBackward1"
    import retrograd.signal.windows as windows_module

    assert windows_module.kaiser is rg.signal.windows.kaiser


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda w: w.hann(-1), "general_cosine requires non-negative window length, got M=-1"),
        (lambda w: w.hann(4, dtype=rg.float16), "general_cosine expects float32 or float64 dtypes, got: torch.float16"),
        (lambda w: w.gaussian(4, std=0), "Standard deviation must be positive, got: 0 instead."),
        (lambda w: w.exponential(4, tau=-1), "Tau must be positive, got: -1 instead."),
        (lambda w: w.exponential(4, center=1.0), "Center must be None for symmetric windows"),
        (lambda w: w.kaiser(4, beta=-1.0), "beta must be non-negative, got: -1.0 instead."),
        (lambda w: w.general_cosine(4, a=[]), "Coefficients cannot be empty"),
    ],
)
def test_signal_windows_refusals(call, message):
    with pytest.raises(ValueError) as info:
        call(rg.signal.windows)
    # a dtype prints with the package's name: retrograd here, torch under the alias
    assert str(info.value).replace("retrograd.", "torch.") == message


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_signal_windows_match_pytorch(name):
    torch = pytest.importorskip("torch")
    for M in (0, 1, 2, 5, 8, 33):
        for sym in (True, False):
            for dt, tol in (("float64", 1e-13), ("float32", 1e-6)):
                ours = getattr(rg.signal.windows, name)(M, sym=sym, dtype=getattr(rg, dt), **WINDOWS[name])
                theirs = getattr(torch.signal.windows, name)(M, sym=sym, dtype=getattr(torch, dt), **WINDOWS[name])
                assert ours.dtype == getattr(rg, dt) and ours.shape == tuple(theirs.shape)
                # float32 differs from PyTorch's vectorised exp/i0 kernels in the last bit at most
                assert ours.numpy() == pytest.approx(theirs.numpy(), rel=tol, abs=tol)
        grad_ours = getattr(rg.signal.windows, name)(5, requires_grad=True, **WINDOWS[name]).grad_fn
        grad_theirs = getattr(torch.signal.windows, name)(5, requires_grad=True, **WINDOWS[name]).grad_fn
        assert type(grad_ours).__name__ == type(grad_theirs).__name__
