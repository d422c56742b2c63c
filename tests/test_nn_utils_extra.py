"""nn.utils: rnn packing, parametrize / parametrizations, fusion, norms, skip_init, stateless, against PyTorch.

Modules are built after the same `manual_seed` in both libraries (retrograd's generator
draws PyTorch's numbers), so parameters, buffers and every random draw of a
parametrization must agree without copying state.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

from .nn_compare import torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _np(t):
    return t.detach().numpy()


def _close(a, b, atol=1e-10):
    np.testing.assert_allclose(_np(a), _np(b), atol=atol, rtol=1e-9)


# --- nn.utils.rnn ------------------------------------------------------------------------------

LENGTHS = [3, 5, 2, 5]


def test_pad_sequence_and_pack_roundtrip():
    seqs = [rg.arange(float(n * 2)).reshape(n, 2) for n in (2, 4, 1)]
    padded = rg.nn.utils.rnn.pad_sequence(seqs)
    assert tuple(padded.shape) == (4, 3, 2)
    packed = rg.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    back = rg.nn.utils.rnn.unpack_sequence(packed)
    for a, b in zip(back, seqs):
        assert a.tolist() == b.tolist()
    assert rg.nn.utils.rnn.invert_permutation(rg.tensor([2, 0, 1])).tolist() == [1, 2, 0]


def test_packing_errors():
    x = rg.zeros(4, 3, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        rg.nn.utils.rnn.pack_padded_sequence(x, [3, 4, 2])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rg.nn.utils.rnn.pack_padded_sequence(x, [4, 3, 0])
    with pytest.raises(RuntimeError, match="batch_size=3"):
        rg.nn.utils.rnn.pack_padded_sequence(x, [4, 3])
    with pytest.raises(RuntimeError, match="empty list"):
        rg.nn.utils.rnn.pad_sequence([])
    with pytest.raises(RuntimeError, match="padding_side"):
        rg.nn.utils.rnn.pad_sequence([x], padding_side="mid")
    with pytest.raises(ValueError, match="total_length"):
        rg.nn.utils.rnn.pad_packed_sequence(rg.nn.utils.rnn.pack_padded_sequence(x, [4, 3, 2]), total_length=2)


LENGTHS_NOT_1D = [[[4, 3, 2]], 4, np.array([[4.0, 3.0, 2.0]])]  # lengths are made int64 on the CPU first


@pytest.mark.parametrize("lengths", LENGTHS_NOT_1D)
def test_pack_padded_sequence_refuses_lengths_not_1d(lengths):
    dims = np.ndim(lengths)
    with pytest.raises(RuntimeError) as got:
        rg.nn.utils.rnn.pack_padded_sequence(rg.zeros(4, 3, 2), rg.tensor(lengths))
    assert str(got.value) == f"'lengths' argument should be a 1D CPU int64 tensor, but got {dims}D cpu Long tensor"


@needs_torch
@pytest.mark.parametrize("lengths", LENGTHS_NOT_1D)
def test_pack_padded_sequence_refuses_lengths_not_1d_vs_torch(lengths):
    messages = []
    for m in (torch, rg):
        with pytest.raises(RuntimeError) as got:
            m.nn.utils.rnn.pack_padded_sequence(m.zeros(4, 3, 2), m.tensor(lengths))
        messages.append(str(got.value))
    assert messages[1] == messages[0]


def _pack_past_the_steps(m, batch_first):
    """Lengths longer than the padded input: PyTorch packs the steps there are, keeps the batch sizes."""
    x = m.arange(24.0).view(3, 2, 4)
    x = (x.transpose(0, 1) if batch_first else x).requires_grad_()
    return x, m.nn.utils.rnn.pack_padded_sequence(x, m.tensor([5, 1]), batch_first=batch_first)


@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_with_lengths_past_the_input(batch_first):
    x, packed = _pack_past_the_steps(rg, batch_first)
    assert packed.batch_sizes.tolist() == [2, 1, 1, 1, 1]
    assert packed.data[:, 0].tolist() == [0.0, 4.0, 8.0, 16.0]
    with pytest.raises(IndexError) as got:  # its backward cannot put step 3 back
        packed.data.sum().backward()
    assert str(got.value) == "select(): index 3 out of range for tensor of size [3, 2, 4] at dimension 0"


SHORT_PACKED_LENGTHS = [[4, 3], [5, 1], [6, 2], [4, 4], [5, 5, 2]]


def _short_packed_outcomes(m, lengths):
    """pad_packed_sequence, a GRU and an LSTM given a batch packed from lengths past its 3 steps."""
    x = m.arange(float(3 * len(lengths) * 2)).view(3, len(lengths), 2)
    packed = m.nn.utils.rnn.pack_padded_sequence(x, m.tensor(lengths), enforce_sorted=False)
    calls = [
        lambda: m.nn.utils.rnn.pad_packed_sequence(packed),
        lambda: m.nn.GRU(2, 2, bidirectional=True)(packed),
        lambda: m.nn.LSTM(2, 2)(packed),
    ]
    outcomes = []
    for call in calls:
        with pytest.raises(RuntimeError) as got:
            call()
        outcomes.append(str(got.value))
    return outcomes


def test_short_packed_batches_raise_pytorchs_errors():
    assert _short_packed_outcomes(rg, [4, 3]) == [
        "shape '[1, 1, 2]' is invalid for input of size 0",
        "start (6) + length (1) exceeds dimension size (6).",
        "start (6) + length (1) exceeds dimension size (6).",
    ]
    assert _short_packed_outcomes(rg, [4, 4])[2] == "shape '[4, 2, 2]' is invalid for input of size 12"


@needs_torch
@pytest.mark.parametrize("lengths", SHORT_PACKED_LENGTHS)
def test_short_packed_batches_vs_torch(lengths):
    assert _short_packed_outcomes(rg, lengths) == _short_packed_outcomes(torch, lengths)


@needs_torch
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_with_lengths_past_the_input_vs_torch(batch_first):
    (_, ours), (_, theirs) = _pack_past_the_steps(rg, batch_first), _pack_past_the_steps(torch, batch_first)
    assert ours.data.tolist() == theirs.data.tolist()
    assert ours.batch_sizes.tolist() == theirs.batch_sizes.tolist()
    messages = []
    for packed in (theirs, ours):
        with pytest.raises(IndexError) as got:
            packed.data.sum().backward()
        messages.append(str(got.value))
    assert messages[1] == messages[0]


@needs_torch
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_vs_torch(batch_first, side):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((n, 3)) for n in (2, 4, 1)]
    t = torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], batch_first, -1.0, side)
    r = rg.nn.utils.rnn.pad_sequence([rg.tensor(a) for a in arrays], batch_first, -1.0, side)
    _close(r, t)


def test_pad_sequence_copies_into_its_output_and_passes_gradients():
    """Each sequence is copied into a padded output, as PyTorch does: the node is CopySlices."""
    a = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = rg.tensor([4.0], requires_grad=True)
    padded = rg.nn.utils.rnn.pad_sequence([a, b], padding_value=-1.0, padding_side="left")
    assert padded.grad_fn.name() == "torch::autograd::CopySlices"
    assert padded.tolist() == [[1.0, -1.0], [2.0, -1.0], [3.0, 4.0]]
    (padded * rg.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0, 3.0] and b.grad.tolist() == [30.0]
    assert rg.nn.utils.rnn.pad_sequence([a.detach(), b.detach()]).grad_fn is None


@needs_torch
def test_pad_sequence_grad_fn_and_gradients_vs_torch():
    """The same repr (grad_fn included) and the same gradients as PyTorch, batch_first or not."""
    arrays = [np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2), np.array([[0.5, 1.5]], dtype=np.float32)]
    for batch_first in (False, True):
        outs = []
        for lib in (rg, torch):
            seqs = [lib.tensor(x, requires_grad=True) for x in arrays]
            padded = lib.nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=2.0)
            padded.pow(2).sum().backward()
            outs.append((repr(padded), [s.grad.numpy() for s in seqs]))
        assert outs[0][0] == outs[1][0]
        for ours, theirs in zip(outs[0][1], outs[1][1]):
            np.testing.assert_array_equal(ours, theirs)


def test_pad_sequence_broadcasts_a_sequence_into_its_slot():
    # PyTorch copies each sequence into (L_i, *first's trailing sizes): (3, 1) fills the rows of (3, 3)
    x = rg.arange(3.0).reshape(3, 1).requires_grad_()
    padded = rg.nn.utils.rnn.pad_sequence([rg.ones(2, 3), x], batch_first=True)
    assert padded.tolist() == [[[1.0] * 3, [1.0] * 3, [0.0] * 3], [[0.0] * 3, [1.0] * 3, [2.0] * 3]]
    padded.sum().backward()
    assert x.grad.tolist() == [[3.0], [3.0], [3.0]]


def test_pad_sequence_output_takes_the_first_sequences_dtype():
    late = rg.tensor([2.5, 3.5], dtype=rg.float64, requires_grad=True)
    padded = rg.nn.utils.rnn.pad_sequence([rg.tensor([1.5]), late])
    assert padded.dtype == rg.float32 and padded.tolist() == [[1.5, 2.5], [0.0, 3.5]]
    padded.sum().backward()
    assert late.grad.dtype == rg.float64 and late.grad.tolist() == [1.0, 1.0]
    ints = rg.nn.utils.rnn.pad_sequence([rg.tensor([1, 2]), rg.tensor([0.5])], padding_value=-1.5)
    assert ints.dtype == rg.int64 and ints.tolist() == [[1, 0], [2, -1]]


@needs_torch
def test_pad_sequence_mixed_dtypes_vs_torch():
    arrays = [np.array([1, 2]), np.array([0.5]), np.array([True, False, True])]
    for order in ([0, 1, 2], [1, 2, 0], [2, 0, 1]):
        ours = rg.nn.utils.rnn.pad_sequence([rg.tensor(arrays[i]) for i in order], padding_value=-1.5)
        theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(arrays[i]) for i in order], padding_value=-1.5)
        assert str(ours.dtype)[len("retrograd") :] == str(theirs.dtype)[len("torch") :]
        assert ours.tolist() == theirs.tolist()


# (sequences, the error's type and message): as PyTorch's TensorList parsing and its kernel's copy say
PAD_SEQUENCE_ERRORS = [
    (
        (2, 3),
        (1, 2),
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
    ),
    ((2, 3), (2, 1, 3), RuntimeError, "output with shape [2, 3] doesn't match the broadcast shape [2, 2, 3]"),
    ((3,), (2, 1), RuntimeError, "output with shape [2] doesn't match the broadcast shape [2, 2]"),
    ((), (2,), RuntimeError, "ArrayRef: invalid slice, N = 1; size = 0"),
    ((2,), (), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    ((2,), 3, TypeError, "expected Tensor as element 1 in argument 0, but got int"),
]


def _pad_sequence_error(m, first, second, exc):
    seqs = [m.ones(first), m.ones(second) if isinstance(second, tuple) else second]
    with pytest.raises(exc) as info:
        m.nn.utils.rnn.pad_sequence(seqs)
    return str(info.value)


@pytest.mark.parametrize("first, second, exc, message", PAD_SEQUENCE_ERRORS)
def test_pad_sequence_errors(first, second, exc, message):
    assert _pad_sequence_error(rg, first, second, exc) == message


@needs_torch
@pytest.mark.parametrize("first, second, exc, message", PAD_SEQUENCE_ERRORS)
def test_pad_sequence_errors_vs_torch(first, second, exc, message):
    assert _pad_sequence_error(torch, first, second, exc) == message


@needs_torch
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_pack_and_pad_packed_vs_torch(batch_first, enforce_sorted):
    lengths = sorted(LENGTHS, reverse=True) if enforce_sorted else LENGTHS
    x = np.random.default_rng(1).standard_normal((4, 5, 2) if batch_first else (5, 4, 2))
    tx, rx = torch.tensor(x, requires_grad=True), rg.tensor(x, requires_grad=True)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted)
    rp = rg.nn.utils.rnn.pack_padded_sequence(rx, lengths, batch_first, enforce_sorted)
    _close(rp.data, tp.data)
    assert rp.batch_sizes.tolist() == tp.batch_sizes.tolist()
    for a, b in ((rp.sorted_indices, tp.sorted_indices), (rp.unsorted_indices, tp.unsorted_indices)):
        assert (a is None) == (b is None) and (a is None or a.tolist() == b.tolist())
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first, 0.5, total_length=6)
    r_pad, r_len = rg.nn.utils.rnn.pad_packed_sequence(rp, batch_first, 0.5, total_length=6)
    _close(r_pad, t_pad)
    assert r_len.tolist() == t_len.tolist() and str(r_len.dtype) == "retrograd.int64"
    w = np.random.default_rng(2).standard_normal(tuple(t_pad.shape))
    (t_pad * torch.tensor(w)).sum().backward()
    (r_pad * rg.tensor(w)).sum().backward()
    _close(rx.grad, tx.grad)


RNN_CASES = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("GRU", {}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {}),
    ("LSTM", {"bidirectional": True}),
    ("LSTM", {"proj_size": 2, "num_layers": 2}),
]


@needs_torch
@pytest.mark.parametrize(("mode", "kwargs"), RNN_CASES)
@pytest.mark.parametrize("with_hx", [False, True])
def test_rnn_on_packed_sequence_vs_torch(mode, kwargs, with_hx):
    torch.manual_seed(0)
    t_mod = getattr(torch.nn, mode)(3, 4, **kwargs).double()
    rg.manual_seed(0)
    r_mod = getattr(rg.nn, mode)(3, 4, **kwargs).double()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4, 3))
    tx, rx = torch.tensor(x, requires_grad=True), rg.tensor(x, requires_grad=True)
    t_args, r_args = [], []
    if with_hx:
        layers = (kwargs.get("num_layers", 1)) * (2 if kwargs.get("bidirectional") else 1)
        shapes = [(layers, 4, kwargs.get("proj_size") or 4)] + ([(layers, 4, 4)] if mode == "LSTM" else [])
        hs = [rng.standard_normal(s) for s in shapes]
        th = [torch.tensor(h, requires_grad=True) for h in hs]
        rh = [rg.tensor(h, requires_grad=True) for h in hs]
        t_args, r_args = [tuple(th) if mode == "LSTM" else th[0]], [tuple(rh) if mode == "LSTM" else rh[0]]
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, LENGTHS, enforce_sorted=False)
    rp = rg.nn.utils.rnn.pack_padded_sequence(rx, LENGTHS, enforce_sorted=False)
    t_out, t_h = t_mod(tp, *t_args)
    r_out, r_h = r_mod(rp, *r_args)
    assert type(r_out).__name__ == "PackedSequence"
    _close(r_out.data, t_out.data)
    t_h = t_h if isinstance(t_h, tuple) else (t_h,)
    r_h = r_h if isinstance(r_h, tuple) else (r_h,)
    for a, b in zip(r_h, t_h):
        _close(a, b)
    w = rng.standard_normal(tuple(t_out.data.shape))
    ((t_out.data * torch.tensor(w)).sum() + sum((h * (i + 2)).sum() for i, h in enumerate(t_h))).backward()
    ((r_out.data * rg.tensor(w)).sum() + sum((h * (i + 2)).sum() for i, h in enumerate(r_h))).backward()
    _close(rx.grad, tx.grad)
    if with_hx:
        for a, b in zip(rh, th):
            _close(a.grad, b.grad)
    for name, p in t_mod.named_parameters():
        _close(r_mod.get_parameter(name).grad, p.grad)


# --- parametrize / parametrizations ------------------------------------------------------------

PARAMETRIZATIONS = [
    ("weight_norm", lambda m: m.nn.Linear(4, 3), {}),
    ("weight_norm", lambda m: m.nn.Linear(4, 3), {"dim": None}),
    ("weight_norm", lambda m: m.nn.Conv1d(2, 3, 2), {"dim": 1}),
    ("spectral_norm", lambda m: m.nn.Linear(4, 3), {}),
    ("spectral_norm", lambda m: m.nn.ConvTranspose2d(2, 3, 2), {"n_power_iterations": 2}),
    ("orthogonal", lambda m: m.nn.Linear(4, 3), {}),
    ("orthogonal", lambda m: m.nn.Linear(3, 5), {}),
    ("orthogonal", lambda m: m.nn.Linear(3, 3), {}),
    ("orthogonal", lambda m: m.nn.Linear(3, 3), {"orthogonal_map": "cayley"}),
    ("orthogonal", lambda m: m.nn.Linear(4, 3), {"orthogonal_map": "matrix_exp"}),
    ("orthogonal", lambda m: m.nn.Linear(3, 4), {"orthogonal_map": "householder"}),
    ("orthogonal", lambda m: m.nn.Linear(3, 4), {"orthogonal_map": "householder", "use_trivialization": False}),
]


@needs_torch
@pytest.mark.parametrize(("kind", "make", "kwargs"), PARAMETRIZATIONS)
def test_parametrizations_vs_torch(kind, make, kwargs):
    # float64 from the start: the power iteration at registration runs in the weight's dtype
    torch.set_default_dtype(torch.float64)
    rg.set_default_dtype(rg.float64)
    try:
        torch.manual_seed(0)
        t_mod = make(torch)
        getattr(torch.nn.utils.parametrizations, kind)(t_mod, **kwargs)
        rg.manual_seed(0)
        r_mod = make(rg)
        getattr(rg.nn.utils.parametrizations, kind)(r_mod, **kwargs)
    finally:
        torch.set_default_dtype(torch.float32)
    assert type(r_mod).__name__ == type(t_mod).__name__
    assert repr(r_mod) == repr(t_mod)
    t_state, r_state = t_mod.state_dict(), r_mod.state_dict()
    assert list(r_state) == list(t_state)
    for key in t_state:
        _close(r_state[key], t_state[key])
    assert [n for n, _ in r_mod.named_parameters()] == [n for n, _ in t_mod.named_parameters()]
    # (reading .weight runs spectral_norm's power iteration, so the input shape comes from the module)
    shape = {"Linear": (2, getattr(t_mod, "in_features", 0)), "Conv1d": (2, 2, 4), "ConvTranspose2d": (2, 2, 3, 3)}
    x = np.random.default_rng(0).standard_normal(
        shape[rg.nn.utils.parametrize.type_before_parametrizations(r_mod).__name__]
    )
    tx, rx = torch.tensor(x, requires_grad=True), rg.tensor(x, requires_grad=True)
    t_out, r_out = t_mod(tx), r_mod(rx)
    _close(r_out, t_out)
    w = np.random.default_rng(1).standard_normal(tuple(t_out.shape))
    (t_out * torch.tensor(w)).sum().backward()
    (r_out * rg.tensor(w)).sum().backward()
    _close(rx.grad, tx.grad)
    for name, p in t_mod.named_parameters():
        _close(r_mod.get_parameter(name).grad, p.grad, atol=1e-9)
    # buffers after a training-mode forward (spectral_norm's power iteration) still agree
    for key, value in t_mod.state_dict().items():
        _close(r_mod.state_dict()[key], value)


@needs_torch
def test_assigning_and_removing_a_parametrization_vs_torch():
    for lib in (torch, rg):
        lib.manual_seed(0)
    t_mod, r_mod = torch.nn.Linear(4, 4).double(), rg.nn.Linear(4, 4).double()
    torch.nn.utils.parametrizations.orthogonal(t_mod)
    rg.nn.utils.parametrizations.orthogonal(r_mod)
    q = np.linalg.qr(np.random.default_rng(3).standard_normal((4, 4)))[0]
    with torch.no_grad():
        t_mod.weight = torch.tensor(q)
    with rg.no_grad():
        r_mod.weight = rg.tensor(q)
    _close(r_mod.weight, t_mod.weight)
    _close(r_mod.parametrizations.weight[0].base, t_mod.parametrizations.weight[0].base)
    torch.nn.utils.parametrize.remove_parametrizations(t_mod, "weight")
    rg.nn.utils.parametrize.remove_parametrizations(r_mod, "weight")
    assert type(r_mod) is rg.nn.Linear
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    _close(r_mod.weight, t_mod.weight)


class _Symmetric(rg.nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(0, 1)

    def right_inverse(self, a):
        return a.triu()


def test_register_parametrization_and_cached():
    layer = rg.nn.Linear(3, 3)
    original = layer.weight
    rg.nn.utils.parametrize.register_parametrization(layer, "weight", _Symmetric())
    assert rg.nn.utils.parametrize.is_parametrized(layer)
    assert rg.nn.utils.parametrize.is_parametrized(layer, "weight")
    assert not rg.nn.utils.parametrize.is_parametrized(layer, "bias")
    assert layer.parametrizations.weight.original is original  # the same Parameter, now upper-triangular
    assert rg.nn.utils.parametrize.type_before_parametrizations(layer) is rg.nn.Linear
    w = layer.weight
    np.testing.assert_allclose(_np(w), _np(w).T)
    with rg.nn.utils.parametrize.cached():
        assert layer.weight is layer.weight
    assert layer.weight is not layer.weight
    other = rg.nn.Linear(3, 3)
    rg.nn.utils.parametrize.transfer_parametrizations_and_params(layer, other)
    np.testing.assert_allclose(_np(other.weight), _np(layer.weight))
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        rg.nn.utils.parametrize.register_parametrization(layer, "nothing", _Symmetric())
    rg.nn.utils.parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    assert type(layer) is rg.nn.Linear and layer.weight is original


def test_weight_norm_gradcheck():
    layer = rg.nn.Linear(3, 2).double()
    rg.nn.utils.parametrizations.weight_norm(layer)
    g, v = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    fn = layer.parametrizations.weight[0]
    assert gradcheck(lambda g, v: fn(g, v), [g.detach().requires_grad_(), v.detach().requires_grad_()])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_weight_norm_kernel_first_and_second_order(dim):
    v = rg.randn(3, 4, dtype=rg.float64, requires_grad=True)
    g = rg.randn((3, 1) if dim == 0 else (1, 4) if dim == 1 else (), dtype=rg.float64, requires_grad=True)
    fn = lambda v, g: rg._weight_norm(v, g, dim)  # noqa: E731
    assert gradcheck(fn, [v, g]) and gradgradcheck(fn, [v, g])  # (PyTorch's own double backward fails here)
    assert fn(v, g).grad_fn.name() == ("MulBackward0" if dim == -1 else "WeightNormInterfaceBackward0")


@needs_torch
@pytest.mark.parametrize("hooked", [False, True])
def test_weight_norm_node_values_and_grads_match_pytorch(hooked):
    results = []
    for lib in (torch, rg):
        lib.manual_seed(0)
        utils, layer = lib.nn.utils, lib.nn.Linear(3, 2)
        layer = utils.weight_norm(layer) if hooked else utils.parametrizations.weight_norm(layer)
        layer(lib.randn(4, 3)).pow(2).sum().backward()
        grads = [p.grad.numpy() for p in layer.parameters()]
        results.append((layer.weight.grad_fn.name(), layer.weight.detach().numpy(), grads))
    (name_t, w_t, grads_t), (name_r, w_r, grads_r) = results
    assert name_t == name_r == "WeightNormInterfaceBackward0"
    # PyTorch's fused kernel sums the squares in its own order: the last bit may differ
    np.testing.assert_allclose(w_r, w_t, rtol=1e-6)
    for a, b in zip(grads_r, grads_t):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


# --- fusion, norms, skip_init, stateless -------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval_vs_torch(transpose):
    for lib in (torch, rg):
        lib.manual_seed(0)
    conv_cls = "ConvTranspose2d" if transpose else "Conv2d"
    mods = []
    for lib in (torch, rg):
        conv = getattr(lib.nn, conv_cls)(2, 3, 2).double().eval()
        bn = lib.nn.BatchNorm2d(3).double().eval()
        mods.append((conv, bn))
    rng = np.random.default_rng(0)
    stats = [rng.standard_normal(3), rng.uniform(0.5, 2, 3), rng.standard_normal(3), rng.standard_normal(3)]
    for (_conv, bn), lib in zip(mods, (torch, rg)):
        with lib.no_grad():
            for t, s in zip((bn.running_mean, bn.running_var, bn.weight, bn.bias), stats):
                t.copy_(lib.tensor(s))
    t_fused = torch.nn.utils.fuse_conv_bn_eval(*mods[0], transpose=transpose)
    r_fused = rg.nn.utils.fuse_conv_bn_eval(*mods[1], transpose=transpose)
    _close(r_fused.weight, t_fused.weight)
    _close(r_fused.bias, t_fused.bias)
    x = rng.standard_normal((1, 2, 4, 4))
    _close(r_fused(rg.tensor(x)), mods[1][1](mods[1][0](rg.tensor(x))), atol=1e-9)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        rg.nn.utils.fuse_conv_bn_eval(mods[1][0].train(), mods[1][1])


@needs_torch
def test_fuse_linear_bn_eval_vs_torch():
    for lib in (torch, rg):
        lib.manual_seed(0)
    t_lin, t_bn = torch.nn.Linear(4, 3).double().eval(), torch.nn.BatchNorm1d(3).double().eval()
    r_lin, r_bn = rg.nn.Linear(4, 3).double().eval(), rg.nn.BatchNorm1d(3).double().eval()
    t_fused, r_fused = torch.nn.utils.fuse_linear_bn_eval(t_lin, t_bn), rg.nn.utils.fuse_linear_bn_eval(r_lin, r_bn)
    _close(r_fused.weight, t_fused.weight)
    _close(r_fused.bias, t_fused.bias)
    with pytest.raises(AssertionError, match="linear.out_features == bn.num_features"):
        rg.nn.utils.fuse_linear_bn_eval(r_lin, rg.nn.BatchNorm1d(2).eval())


@needs_torch
def test_total_norm_and_clip_with_norm_vs_torch():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s) for s in ((3, 2), (4,))]
    t_ps = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    r_ps = [rg.zeros(g.shape, dtype=rg.float64, requires_grad=True) for g in grads]
    for tp, rp, g in zip(t_ps, r_ps, grads):
        tp.grad, rp.grad = torch.tensor(g), rg.tensor(g)
    for norm_type in (2.0, 1.0, float("inf")):
        _close(
            rg.nn.utils.get_total_norm([p.grad for p in r_ps], norm_type),
            torch.nn.utils.get_total_norm([p.grad for p in t_ps], norm_type),
        )
    t_total = torch.nn.utils.get_total_norm([p.grad for p in t_ps])
    r_total = rg.nn.utils.get_total_norm([p.grad for p in r_ps])
    torch.nn.utils.clip_grads_with_norm_(t_ps, 0.5, t_total)
    rg.nn.utils.clip_grads_with_norm_(r_ps, 0.5, r_total)
    for tp, rp in zip(t_ps, r_ps):
        _close(rp.grad, tp.grad)
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        rg.nn.utils.clip_grad_norm(r_ps, 0.1)


@needs_torch
def test_skip_init_leaves_the_generator_alone():
    rg.manual_seed(0)
    layer = rg.nn.utils.skip_init(rg.nn.Linear, 3, 2)
    assert tuple(layer.weight.shape) == (2, 3)
    torch.manual_seed(0)
    torch.nn.utils.skip_init(torch.nn.Linear, 3, 2)
    assert rg.rand(3).tolist() == pytest.approx(torch.rand(3).tolist())
    with pytest.raises(RuntimeError, match="Expected a Module"):
        rg.nn.utils.skip_init(int)
    with pytest.raises(RuntimeError, match="'device' arg"):
        rg.nn.utils.skip_init(rg.nn.ReLU)


def test_stateless_functional_call_warns():
    layer = rg.nn.Linear(2, 1, bias=False)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        out = rg.nn.utils.stateless.functional_call(layer, {"weight": rg.ones(1, 2)}, (rg.ones(1, 2),))
    assert out.tolist() == [[2.0]]


def _reparametrized_calls(m):
    """zuko's BayesianModel: sampled weights swapped in for a block of calls, then the module's own back."""
    m.manual_seed(0)
    layer = m.nn.Linear(2, 1)
    own_weight = layer.weight
    sampled = {"weight": m.tensor([[1.0, -1.0]], requires_grad=True), "bias": m.tensor([0.5])}
    x = m.tensor([[2.0, 3.0]])
    with m.nn.utils.stateless._reparametrize_module(layer, sampled):
        inside = [layer(x).tolist(), layer.weight is sampled["weight"], isinstance(layer.weight, m.nn.Parameter)]
        layer(x).sum().backward()
    with pytest.raises(RuntimeError) as info, m.nn.utils.stateless._reparametrize_module(layer, {"w": x}, strict=True):
        pass
    return inside, sampled["weight"].grad.tolist(), layer.weight is own_weight, str(info.value)


def test_reparametrize_module():
    inside, grad, restored, error = _reparametrized_calls(rg)
    assert inside == [[[-0.5]], True, False] and grad == [[2.0, 3.0]] and restored
    assert error == (
        "Error(s) in reparametrizing for Linear:\n\tUnexpected key(s): 'w'.\n\tMissing key(s): 'bias', 'weight'."
    )


@needs_torch
def test_reparametrize_module_vs_torch():
    assert _reparametrized_calls(rg) == _reparametrized_calls(torch)


def _tied_pair(m):
    """Two linear layers sharing one weight: the names 'a.weight' and 'b.weight' for one Parameter."""

    class Tied(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = m.nn.Linear(2, 2, bias=False), m.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    return Tied()


def functional_call_refusals(m):
    """(type name, message) of each misuse of functional_call, or the output when there is none."""
    call = m.func.functional_call
    lin, x, w, w2 = m.nn.Linear(2, 2), m.ones(1, 2), m.ones(2, 2), m.full((2, 2), 2.0)
    tied = _tied_pair(m)
    cases = [
        lambda: call(lin, ({"weight": w}, {"weight": w}), (x,)),
        lambda: call(lin, ({"weight": w, "bias": m.zeros(2)}, {"bias": m.zeros(2), "weight": w}), (x,)),
        lambda: call(lin, [{"weight": w}, 5], (x,)),
        lambda: call(lin, 5, (x,)),
        lambda: call(tied, {"a.weight": w, "b.weight": w2}, (x,)),
        lambda: call(tied, ({"a.weight": w}, {"b.weight": w2}), (x,)),
        lambda: call(tied, {"a.weight": w, "b.weight": w}, (x,)).tolist(),
        lambda: call(tied, {"b.weight": w}, (x,), strict=True).tolist(),  # its tie counts as given
        lambda: call(tied, {"a.weight": w, "b.weight": w2}, (x,), tie_weights=False).tolist(),
        lambda: call(tied, {"a.weight": w}, (x,), strict=True, tie_weights=False),
    ]
    out = []
    for case in cases:
        try:
            out.append(case())
        except Exception as e:  # noqa: BLE001 - the outcome is compared, whatever it is
            out.append((type(e).__name__, str(e)))
    return out


@needs_torch
def test_functional_call_repeated_and_tied_keys_as_pytorch():
    assert functional_call_refusals(rg) == functional_call_refusals(torch)


def test_functional_call_repeated_and_tied_keys():
    outcomes = functional_call_refusals(rg)
    ambiguous = "appeared in multiple dictionaries; behavior of functional call is ambiguous"
    tied = ("ValueError", "functional_call got multiple values for keys ['a.weight', 'b.weight'], which are tied. "
            "Consider using tie_weights=False")
    assert outcomes[:3] == [
        ("ValueError", f"['weight'] {ambiguous}"),
        ("ValueError", f"['weight', 'bias'] {ambiguous}"),  # every repeated key, not the first
        ("ValueError", "Expected all elements of parameter_and_buffer_dicts to be dictionaries"),
    ]
    assert outcomes[3] == ("ValueError", "Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, "
                                         "but got <class 'int'>")
    assert outcomes[4:8] == [tied, tied, [[4.0, 4.0]], [[4.0, 4.0]]]
    missing = ("RuntimeError", "Error(s) in reparametrizing for Tied:\n\tMissing key(s): 'b.weight'.")
    assert outcomes[8:] == [[[8.0, 8.0]], missing]


def test_no_unexpected_warnings_from_packing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rg.nn.utils.rnn.pack_sequence([rg.ones(2), rg.ones(1)])


@needs_torch
@pytest.mark.parametrize("kind", ["weight_norm", "spectral_norm"])
def test_hook_based_norms_vs_torch(kind):
    torch.set_default_dtype(torch.float64)
    rg.set_default_dtype(rg.float64)
    try:
        mods = []
        for lib in (torch, rg):
            lib.manual_seed(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                mods.append(getattr(lib.nn.utils, kind)(lib.nn.Linear(4, 3)))
    finally:
        torch.set_default_dtype(torch.float32)
    t_mod, r_mod = mods
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    assert [n for n, _ in r_mod.named_parameters()] == [n for n, _ in t_mod.named_parameters()]
    x = np.random.default_rng(0).standard_normal((2, 4))
    for _ in range(2):
        _close(r_mod(rg.tensor(x)), t_mod(torch.tensor(x)))
    t_out, r_out = t_mod(torch.tensor(x)), r_mod(rg.tensor(x))
    t_out.sum().backward()
    r_out.sum().backward()
    for name, p in t_mod.named_parameters():
        _close(r_mod.get_parameter(name).grad, p.grad)
    getattr(torch.nn.utils, "remove_" + kind)(t_mod)
    getattr(rg.nn.utils, "remove_" + kind)(r_mod)
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    _close(r_mod.weight, t_mod.weight)
    with pytest.raises(ValueError, match=f"{kind} of 'weight' not found"):
        getattr(rg.nn.utils, "remove_" + kind)(r_mod)


def _version_0_state_dict(module):
    """`module`'s (hook-based spectral norm) state dict as PyTorch < 1.1 saved it: `weight`, no `weight_v`."""
    state = {k: v for k, v in module.state_dict().items() if k != "weight_v"}
    state["weight"] = module.weight.detach().clone()
    return state


def test_hook_spectral_norm_versions_its_state_dict():
    outer = rg.nn.Sequential(rg.nn.utils.spectral_norm(rg.nn.Linear(2, 2)), rg.nn.Linear(2, 2))
    assert dict(outer.state_dict()._metadata) == {
        "": {"version": 1}, "0": {"version": 1, "spectral_norm": {"weight.version": 1}}, "1": {"version": 1},
    }
    plain = rg.nn.utils.remove_spectral_norm(outer[0])
    assert plain.state_dict()._metadata[""] == {"version": 1}


def test_hook_spectral_norm_loads_version_0_state_dicts():
    rg.manual_seed(0)
    sn = rg.nn.utils.spectral_norm(rg.nn.Linear(3, 5, dtype=rg.float64))
    sn(rg.ones(1, 3, dtype=rg.float64))
    fresh = rg.nn.utils.spectral_norm(rg.nn.Linear(3, 5, dtype=rg.float64))
    assert repr(fresh.load_state_dict(_version_0_state_dict(sn))) == "<All keys matched successfully>"
    _close(fresh.weight_v, sn.weight_v, atol=1e-8)  # W v ∝ u and u·W v = σ pin v down when WᵀW is invertible
    with pytest.raises(RuntimeError, match='Missing key.*"weight_orig", "weight_u"'):
        fresh.load_state_dict({"bias": rg.zeros(5), "weight": rg.ones(5, 3)})


@needs_torch
def test_hook_spectral_norm_state_dict_versions_vs_torch():
    loaded = []
    for lib in (torch, rg):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            sn = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 5).double())
            fresh = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 5).double())
        sn(lib.ones(1, 3, dtype=lib.float64))
        metadata = dict(lib.nn.Sequential(sn).state_dict()._metadata)
        result = fresh.load_state_dict(_version_0_state_dict(sn))
        loaded.append((metadata, repr(result), fresh.weight_v))
    (t_meta, t_result, t_v), (r_meta, r_result, r_v) = loaded
    assert r_meta == t_meta and r_result == t_result
    _close(r_v, t_v, atol=1e-8)


# --- convert_conv2d/3d_weight_memory_format: weights re-laid out ---------------------------------


def test_convert_conv_weight_memory_format_vs_torch():
    torch = pytest.importorskip("torch")
    import retrograd

    rnn = retrograd.nn
    cases = [
        ("convert_conv2d_weight_memory_format", "Conv2d", "channels_last"),
        ("convert_conv2d_weight_memory_format", "ConvTranspose2d", "contiguous_format"),
        ("convert_conv2d_weight_memory_format", "Conv2d", "channels_last_3d"),
        ("convert_conv2d_weight_memory_format", "Conv2d", "preserve_format"),
        ("convert_conv3d_weight_memory_format", "Conv3d", "channels_last_3d"),
        ("convert_conv3d_weight_memory_format", "ConvTranspose3d", "channels_last"),
        ("convert_conv3d_weight_memory_format", "Linear", "channels_last"),
    ]
    for fn, layer, fmt in cases:
        ours = rnn.Sequential(getattr(rnn, layer)(2, 2, 1) if layer != "Linear" else rnn.Linear(2, 2))
        theirs = torch.nn.Sequential(getattr(torch.nn, layer)(2, 2, 1) if layer != "Linear" else torch.nn.Linear(2, 2))
        weight = ours[0].weight.detach().clone()
        outcomes = []
        for mod, module in ((retrograd, ours), (torch, theirs)):
            try:
                out = getattr(mod.nn.utils, fn)(module, getattr(torch, fmt))
                outcomes.append(("ok", out is module))
            except RuntimeError as e:
                outcomes.append(("RuntimeError", str(e)))
        assert outcomes[0] == outcomes[1], (fn, layer, fmt)
        assert retrograd.equal(ours[0].weight, weight)
        assert ours[0].weight.stride() == theirs[0].weight.stride(), (fn, layer, fmt)
    with pytest.raises(TypeError, match="memory_format"):
        rnn.utils.convert_conv2d_weight_memory_format(rnn.Conv2d(1, 1, 1), "rows")


def test_packing_records_pytorchs_nodes_and_differentiates_twice():
    """pack_padded_sequence is one node (PackPaddedSequenceBackward0, its gradient the unpacking,
    recorded); pad_packed_sequence copies each step into a padded tensor (CopySlices)."""
    rnn = rg.nn.utils.rnn
    x = rg.randn(4, 3, 2, dtype=rg.float64, requires_grad=True)
    for batch_first, lengths, sorted_ in ((False, [4, 3, 1], True), (True, [2, 4, 3], False)):
        xx = x.transpose(0, 1).detach().requires_grad_() if batch_first else x

        def pack(t, lengths=lengths, batch_first=batch_first, sorted_=sorted_):
            return rnn.pack_padded_sequence(t, lengths, batch_first=batch_first, enforce_sorted=sorted_).data

        assert gradcheck(pack, (xx,)) and gradgradcheck(pack, (xx,))
    packed = rnn.pack_padded_sequence(x, [4, 3, 1])
    assert type(packed.data.grad_fn).__name__ == "PackPaddedSequenceBackward0"
    padded, lengths = rnn.pad_packed_sequence(packed, total_length=5)
    assert type(padded.grad_fn).__name__ == "CopySlices" and padded.shape == (5, 3, 2)
    assert lengths.tolist() == [4, 3, 1]
    assert rg.equal(padded[:4, 0], x[:, 0]) and padded[1:, 2].abs().sum().item() == 0
    padded.sum().backward()
    assert x.grad[:, 0].tolist() == [[1.0, 1.0]] * 4 and x.grad[1:, 2].abs().sum().item() == 0


def test_convert_conv_weight_memory_format_relays_the_weights():
    conv, conv3 = rg.nn.Conv2d(2, 4, 3), rg.nn.Conv3d(2, 2, 1)
    weight = conv.weight
    values = conv.weight.detach().clone()
    assert rg.nn.utils.convert_conv2d_weight_memory_format(conv, rg.channels_last) is conv
    assert conv.weight is weight and conv.weight.stride() == (18, 1, 6, 2) and conv.weight.equal(values)
    rg.nn.utils.convert_conv3d_weight_memory_format(conv3, rg.channels_last_3d)
    assert conv3.weight.stride() == (2, 1, 2, 2, 2)


# --- vector_to_parameters: parameters become views of the vector ----------------------------------


def test_vector_to_parameters_makes_views_of_the_vector():
    a, b = rg.nn.Parameter(rg.zeros(2, 2)), rg.nn.Parameter(rg.zeros(3))
    flat = rg.zeros(7, dtype=rg.float64)
    rg.nn.utils.vector_to_parameters(flat, [a, b])
    flat += 1.0  # a write into the vector moves the parameters: they share its memory
    assert a.tolist() == [[1.0, 1.0], [1.0, 1.0]] and b.tolist() == [1.0, 1.0, 1.0]
    assert a.dtype == rg.float64 and isinstance(a, rg.nn.Parameter) and a.requires_grad
    assert a.data_ptr() == flat.data_ptr()
    with pytest.raises(RuntimeError, match=r"shape '\[3\]' is invalid for input of size 0"):
        rg.nn.utils.vector_to_parameters(rg.zeros(4), [a, b])
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        rg.nn.utils.vector_to_parameters([1.0], [a])
    # a NumPy vector (scipy.optimize hands one to its objective) is named by module, as torch.typename
    with pytest.raises(TypeError, match=r"expected torch.Tensor, but got: numpy.ndarray$"):
        rg.nn.utils.vector_to_parameters(np.zeros(4), [a])


def test_vector_to_parameters_refusal_vs_torch():
    torch = pytest.importorskip("torch")
    messages = []
    for m in (rg, torch):
        with pytest.raises(TypeError) as info:
            m.nn.utils.vector_to_parameters(np.zeros(4), m.nn.Linear(1, 2).parameters())
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_vector_to_parameters_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for m in (rg, torch):
        net = m.nn.Linear(2, 2)
        flat = m.arange(6, dtype=m.float64)
        m.nn.utils.vector_to_parameters(flat, net.parameters())
        flat.mul_(2.0)
        dtype = str(net.weight.dtype).split(".")[1]
        seen.append((net.weight.tolist(), net.bias.tolist(), dtype, net.weight.requires_grad))
    assert seen[0] == seen[1]


def _old_weight_norm_checkpoint_loads(lib):
    """A checkpoint of the older nn.utils.weight_norm (weight_g, weight_v) loaded by the parametrization."""
    lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the older weight_norm is deprecated
        old = lib.nn.utils.weight_norm(lib.nn.Conv1d(4, 4, 3, padding=1, groups=2), dim=2)
    new = lib.nn.utils.parametrizations.weight_norm(lib.nn.Conv1d(4, 4, 3, padding=1, groups=2), dim=2)
    result = str(new.load_state_dict(old.state_dict()))
    x = lib.ones(1, 4, 5, dtype=old.weight_v.dtype)
    return result, list(new.state_dict()), (old(x) - new(x)).abs().max().item()


def test_parametrized_weight_norm_loads_older_weight_norm_checkpoints():
    result, keys, difference = _old_weight_norm_checkpoint_loads(rg)
    assert result == "<All keys matched successfully>" and difference < 1e-6
    assert keys == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]


@needs_torch
def test_parametrized_weight_norm_loads_older_weight_norm_checkpoints_vs_torch():
    ours, theirs = _old_weight_norm_checkpoint_loads(rg), _old_weight_norm_checkpoint_loads(torch)
    assert ours[:2] == theirs[:2]


def _strict_functional_call_error(lib):
    net = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
    with pytest.raises(RuntimeError) as info:
        lib.func.functional_call(net, {"zz": lib.ones(1), "aa": lib.ones(1)}, (lib.ones(1, 2),), strict=True)
    return str(info.value)


def test_strict_functional_call_lists_keys_sorted():
    assert _strict_functional_call_error(rg) == (
        "Error(s) in reparametrizing for Sequential:\n\tUnexpected key(s): 'aa', 'zz'.\n\t"
        "Missing key(s): '0.bias', '0.weight', '2.bias', '2.weight'."
    )


@needs_torch
def test_strict_functional_call_lists_keys_sorted_vs_torch():
    assert _strict_functional_call_error(rg) == _strict_functional_call_error(torch)
