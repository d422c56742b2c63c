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
