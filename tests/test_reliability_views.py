"""In-place changes of views made under no_grad / inference mode / .data / detach(): PyTorch's rules.

Each scenario runs on retrograd and, where installed, on PyTorch: both must raise the same
error (type and message) or give the same values.
"""

from __future__ import annotations

import pytest

import retrograd


def _no_grad_view_mul(lib):
    x = lib.ones(4, requires_grad=True)
    a = x * 1
    with lib.no_grad():
        v = a.view(2, 2)
    v.mul_(2)


def _inference_view_mul(lib):
    x = lib.ones(4, requires_grad=True)
    a = x * 1
    with lib.inference_mode():
        v = a.view(2, 2)
    v.mul_(2)


def _no_grad_view_of_leaf(lib):
    x = lib.ones(4, requires_grad=True)
    with lib.no_grad():
        v = x[1:]
    v.mul_(2)


def _no_grad_view_copy(lib):
    a = lib.ones(4, requires_grad=True) * 1
    with lib.no_grad():
        v = a.view(2, 2)
    v.copy_(lib.zeros(2, 2))


def _no_grad_view_operand_requires_grad(lib):
    y = lib.ones(4)
    with lib.no_grad():
        u = y.view(2, 2)
    u.mul_(lib.ones(2, 2, requires_grad=True))


def _detached_view_mul(lib):
    x = lib.ones(4, requires_grad=True)
    a = x * 1
    d = a.detach().view(2, 2)
    d.mul_(2)
    a.sum().backward()
    return x.grad


def _data_mul(lib):
    x = lib.ones(4, requires_grad=True)
    a = x * x
    a.data.mul_(2)
    a.sum().backward()
    return x.grad


def _both_inside_no_grad(lib):
    x = lib.ones(4, requires_grad=True)
    a = x * 1
    with lib.no_grad():
        v = a.view(2, 2)
        v.mul_(2)
    a.sum().backward()
    return x.grad, a.detach()


def _no_grad_view_of_plain_tensor(lib):
    y = lib.ones(4)
    with lib.no_grad():
        u = y.view(2, 2)
    u.mul_(2)
    return y


SCENARIOS = [
    _no_grad_view_mul,
    _inference_view_mul,
    _no_grad_view_of_leaf,
    _no_grad_view_copy,
    _no_grad_view_operand_requires_grad,
    _detached_view_mul,
    _data_mul,
    _both_inside_no_grad,
    _no_grad_view_of_plain_tensor,
]
RAISES = {
    _no_grad_view_mul,
    _inference_view_mul,
    _no_grad_view_of_leaf,
    _no_grad_view_copy,
    _no_grad_view_operand_requires_grad,
}


def _outcome(lib, scenario):
    try:
        return "ok", scenario(lib)
    except Exception as e:  # noqa: BLE001  (the outcome is what is compared)
        return type(e).__name__, str(e)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_view_rules(scenario):
    kind, value = _outcome(retrograd, scenario)
    assert (kind == "RuntimeError") == (scenario in RAISES), value
    if kind == "RuntimeError":
        assert "is being modified inplace" in value and "forbidden" in value


def test_refused_change_leaves_data_untouched():
    y = retrograd.ones(4)
    with retrograd.no_grad():
        u = y.view(2, 2)
    with pytest.raises(RuntimeError):
        u.mul_(retrograd.full((2, 2), 3.0, requires_grad=True))
    assert y.tolist() == [1.0, 1.0, 1.0, 1.0]


@pytest.mark.pytorch
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_view_rules_match_pytorch(scenario):
    torch = pytest.importorskip("torch")
    ours, theirs = _outcome(retrograd, scenario), _outcome(torch, scenario)
    assert ours[0] == theirs[0]
    if ours[0] != "ok":
        assert ours[1] == theirs[1]
    else:
        flat = lambda v: [x.tolist() for x in (v if isinstance(v, tuple) else (v,))]  # noqa: E731
        assert flat(ours[1]) == flat(theirs[1])


def _flags_of_views_made_without_recording(lib):
    """(requires_grad, is_leaf, has grad_fn) of views made under no_grad / inference mode, and what a
    backward through one leaves in .grad: PyTorch keeps requires_grad and sends the gradient nowhere."""
    w = lib.nn.Parameter(lib.ones(3, 3))
    with lib.no_grad():
        views = [w[:2, :2], w.t(), w.view(9), w[0], w.unsqueeze(0), w.expand(2, 3, 3), w.split(1)[0], w.diagonal()]
        not_views = [w * 2, w.detach()[0]]
    with lib.inference_mode():
        views.append(w[0])
    flags = [(v.requires_grad, v.is_leaf, v.grad_fn is None) for v in views + not_views]
    (views[0] * 3).sum().backward()
    return flags, views[0].grad, w.grad, "requires_grad=True" in repr(views[0])


def test_views_made_without_recording_keep_requires_grad():
    flags, view_grad, base_grad, shown = _flags_of_views_made_without_recording(retrograd)
    assert flags == [(True, True, True)] * 9 + [(False, True, True)] * 2
    assert view_grad is None and base_grad is None and shown


@pytest.mark.pytorch
def test_views_made_without_recording_match_pytorch():
    torch = pytest.importorskip("torch")
    assert _flags_of_views_made_without_recording(retrograd) == _flags_of_views_made_without_recording(torch)


def _own_requires_grad_of_views_made_without_recording(lib):
    """A view made under no_grad on which requires_grad_() is called is a leaf of its own: its gradient
    is accumulated in its .grad, also inside a custom Function's forward (torchdiffeq's CNF example sets
    requires_grad_ on a view of the flat state and takes autograd.grad of the vector field w.r.t. it)."""
    y = lib.arange(4.0)
    with lib.no_grad():
        z = y[:2]
    z.requires_grad_()
    (z * 3).sum().backward()
    plain = (z.grad, y.grad, lib.autograd.grad((z * z).sum(), z)[0])

    class Trace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, flat):
            state = flat[:4].view(2, 2)
            with lib.enable_grad():
                state.requires_grad_(True)
                f = (state**2).sum()
                return lib.autograd.grad(f, state, create_graph=True)[0].detach()

        @staticmethod
        def backward(ctx, g):
            return None

    in_function = Trace.apply(lib.arange(6.0))
    x = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        inherited = x[:2]
    unused = lib.autograd.grad((inherited * 2).sum(), inherited, allow_unused=True)
    inherited.requires_grad_(True)
    (inherited * 2).sum().backward()
    inherited.requires_grad_(False)  # its own flag: it still requires grad as x does
    return plain, in_function, unused, inherited.grad, x.grad, inherited.requires_grad


def test_views_made_without_recording_with_their_own_requires_grad():
    (z_grad, y_grad, z_grad2), in_function, unused, inherited_grad, x_grad, still_required = (
        _own_requires_grad_of_views_made_without_recording(retrograd)
    )
    assert still_required is True
    assert z_grad.tolist() == [3.0, 3.0] and y_grad is None and z_grad2.tolist() == [0.0, 2.0]
    assert in_function.tolist() == [[0.0, 2.0], [4.0, 6.0]]
    assert unused == (None,)
    assert inherited_grad.tolist() == [2.0, 2.0] and x_grad is None
    x = retrograd.ones(3, requires_grad=True)
    with retrograd.no_grad():
        v = x[:2]
    with pytest.raises(RuntimeError, match="^The differentiated Tensor at index 0 appears to not have been used"):
        retrograd.autograd.grad((v * 2).sum(), v)
    v.requires_grad_()
    with pytest.raises(RuntimeError, match="^A view was created in no_grad mode and is being modified inplace"):
        v.add_(1)


@pytest.mark.pytorch
def test_views_made_without_recording_with_their_own_requires_grad_vs_torch():
    torch = pytest.importorskip("torch")

    def plain(v):
        return [x.tolist() if hasattr(x, "tolist") else plain(x) if isinstance(x, tuple) else x for x in v]

    ours = plain(_own_requires_grad_of_views_made_without_recording(retrograd))
    assert ours == plain(_own_requires_grad_of_views_made_without_recording(torch))
