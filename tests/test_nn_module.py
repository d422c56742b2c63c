"""nn.Module mechanics, containers, nn.init and nn.utils, against PyTorch where it has them."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def build(m):
    """The same little network in either library."""

    class Block(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(3, 4)
            self.register_buffer("steps", m.zeros(1))
            self.register_buffer("scratch", m.zeros(2), persistent=False)
            self.scale = m.nn.Parameter(m.ones(4))

        def forward(self, x):
            return self.lin(x) * self.scale

    net = m.nn.Sequential(Block(), m.nn.ReLU(), m.nn.ModuleList([m.nn.Linear(4, 2), m.nn.Linear(4, 2)]))
    net.add_module("heads", m.nn.ModuleDict({"a": m.nn.Identity(), "b": m.nn.Tanh()}))
    return net


@needs_torch
def test_registration_order_names_and_repr_match_pytorch():
    ours, theirs = build(rg), build(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert repr(ours) == repr(theirs)
    assert repr(nn.ParameterList([rg.zeros(2, 3)])) == repr(torch.nn.ParameterList([torch.zeros(2, 3)])).replace(
        "torch.", "retrograd."
    )


def test_state_dict_round_trip_and_errors():
    a, b = build(rg), build(rg)
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    sd = a.state_dict()
    del sd["0.lin.bias"]
    sd["extra"] = rg.zeros(1)
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "0.lin.bias".'):
        b.load_state_dict(sd)
    result = b.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["0.lin.bias"] and result.unexpected_keys == ["extra"]
    sd = a.state_dict()
    sd["0.lin.weight"] = rg.zeros(2, 2)
    with pytest.raises(RuntimeError, match="size mismatch for 0.lin.weight"):
        b.load_state_dict(sd, strict=False)


def test_train_eval_zero_grad_requires_grad_apply_to():
    net = build(rg)
    net.eval()
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    out = net[0](rg.ones(2, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in net[0].parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Sequential" and seen[0] == "Linear"
    net.double()
    assert all(p.dtype == rg.float64 for p in net.parameters())
    assert isinstance(net[0].lin.weight, nn.Parameter)


def _overriding_train(m, log):
    """A tree whose inner module overrides `train` (as GPyTorch's variational strategy does)."""

    class Cached(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(2, 2)
            self.cache = "stale"

        def train(self, mode=True):
            log.append(("Cached.train", mode))
            self.cache = None  # cleared whenever the mode is set
            return super().train(mode)

    return m.nn.Sequential(m.nn.Sequential(Cached()), m.nn.Dropout())


def test_train_calls_each_childs_own_train():
    log = []
    net = _overriding_train(rg, log)
    net.eval()
    inner = net[0][0]
    assert log == [("Cached.train", False)] and inner.cache is None
    assert not inner.training and not inner.lin.training and not net[1].training
    net.train()
    assert log[-1] == ("Cached.train", True) and inner.lin.training


@needs_torch
def test_train_calls_each_childs_own_train_vs_torch():
    ours, theirs = [], []
    for m, log in ((rg, ours), (torch, theirs)):
        net = _overriding_train(m, log)
        net.eval()
        net.train(True)
        net[0].eval()
    assert ours == theirs == [("Cached.train", False), ("Cached.train", True), ("Cached.train", False)]


def _members_by_function(m):
    """`_named_members` with a function giving each module's own members (Pyro's PyroModule does so)."""
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    weights = net._named_members(lambda mod: [(k, v) for k, v in mod._parameters.items() if k == "weight"])
    buffers = net._named_members(lambda mod: mod._buffers.items(), prefix="net", recurse=True)
    return [name for name, _ in weights], [name for name, _ in buffers]


def test_named_members_takes_a_function():
    assert _members_by_function(rg) == (
        ["0.weight", "1.weight"], ["net.1.running_mean", "net.1.running_var", "net.1.num_batches_tracked"]
    )


@needs_torch
def test_named_members_takes_a_function_vs_torch():
    assert _members_by_function(rg) == _members_by_function(torch)


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = lin(rg.ones(1, 2))
    np.testing.assert_allclose(out.detach().numpy(), lin.bias.detach().numpy()[None] + 1, rtol=1e-6)
    assert calls == [(1, 2)]
    h1.remove()
    h2.remove()
    lin(rg.ones(1, 2))
    assert len(calls) == 1


def _module_to_memory_format(lib):
    layers = lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4), lib.nn.Linear(2, 2))
    weight = layers[0].weight
    out = [layers.to(memory_format=lib.channels_last) is layers, layers[0].weight is weight]
    out += [t.stride() for t in (layers[0].weight, layers[0].bias, layers[2].weight, layers[1].running_mean)]
    layers.to(lib.float64, memory_format=lib.channels_last)
    out += [str(layers[0].weight.dtype).split(".")[-1], layers[0].weight.stride()]
    out.append(layers.to(memory_format=lib.contiguous_format)[0].weight.stride())
    out.append(lib.nn.Conv3d(2, 2, 1).to(memory_format=lib.channels_last_3d).weight.stride())
    try:
        lib.nn.Conv3d(2, 2, 1).to(memory_format=lib.channels_last)
    except RuntimeError as e:
        out.append(str(e))
    return out


def test_module_to_memory_format_relays_4d_and_5d_tensors():
    assert _module_to_memory_format(rg) == [
        True, True, (27, 1, 9, 3), (1,), (2, 1), (1,), "float64", (27, 1, 9, 3), (27, 9, 3, 1), (2, 1, 2, 2, 2),
        "required rank 4 tensor to use channels_last format",
    ]  # fmt: skip


@needs_torch
def test_module_to_memory_format_vs_torch():
    assert _module_to_memory_format(rg) == _module_to_memory_format(torch)


def test_setattr_rules():
    m = nn.Module()
    m.w = nn.Parameter(rg.zeros(2))
    with pytest.raises(TypeError, match="cannot assign"):
        m.w = rg.zeros(2)
    m.w = None
    assert m.w is None and "w" in m._parameters
    with pytest.raises(KeyError):
        m.register_buffer("a.b", rg.zeros(1))
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        m.missing


def test_containers():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    assert len(seq) == 3 and isinstance(seq[1], nn.Tanh) and isinstance(seq[-1], nn.Sigmoid)
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    seq.append(nn.ReLU())
    del seq[0]
    assert [type(m).__name__ for m in seq] == ["Tanh", "Sigmoid", "ReLU"]
    ml = nn.ModuleList([nn.ReLU()])
    ml += [nn.Tanh()]
    ml.insert(0, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["Identity", "ReLU", "Tanh"]
    md = nn.ModuleDict({"x": nn.ReLU()})
    md["y"] = nn.Tanh()
    assert list(md.keys()) == ["x", "y"] and "y" in md
    pd = nn.ParameterDict({"p": rg.zeros(2)})
    assert isinstance(pd["p"], nn.Parameter)


# --- nn.init ---------------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("name,param", [("linear", None), ("tanh", None), ("relu", None), ("leaky_relu", 0.2),
                                        ("selu", None), ("sigmoid", None), ("conv2d", None)])
def test_calculate_gain_matches_pytorch(name, param):
    ours, theirs = nn.init.calculate_gain(name, param), torch.nn.init.calculate_gain(name, param)
    assert ours == pytest.approx(theirs)
    assert repr(ours) == repr(theirs)  # 1 for the linear ones, as PyTorch prints it


def test_calculate_gain_of_linear_layers_is_the_int_one():
    assert [repr(nn.init.calculate_gain(n)) for n in ("linear", "conv2d", "sigmoid", "tanh")] == [
        "1", "1", "1", "1.6666666666666667"]


KAIMING_BAD_MODE = "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']"


@pytest.mark.parametrize("init", ["kaiming_normal_", "kaiming_uniform_"])
def test_kaiming_unknown_mode_lists_the_modes(init):
    # checked before the fans: a 1-d tensor (no fans) still gets the mode's message
    for shape in [(3, 3), (4,)]:
        with pytest.raises(ValueError) as e:
            getattr(nn.init, init)(rg.empty(*shape), mode="fan_avg")
        assert str(e.value) == KAIMING_BAD_MODE


@needs_torch
@pytest.mark.parametrize("init", ["kaiming_normal_", "kaiming_uniform_"])
def test_kaiming_unknown_mode_vs_torch(init):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.nn.init, init)(torch.empty(3, 3), mode="fan_avg")
    with pytest.raises(ValueError) as ours:
        getattr(nn.init, init)(rg.empty(3, 3), mode="fan_avg")
    assert str(ours.value) == str(theirs.value)


def test_init_distributions():
    rg.manual_seed(0)
    w = rg.empty(400, 300)
    nn.init.xavier_uniform_(w)
    bound = math.sqrt(6 / 700)
    assert float(w.abs().max()) <= bound and float(w.std()) == pytest.approx(bound / math.sqrt(3), rel=0.02)
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert float(w.std()) == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert float(w.abs().max()) <= 1 / math.sqrt(300)
    nn.init.trunc_normal_(w, std=2.0, a=-1.0, b=1.5)
    assert float(w.min()) >= -1.0 and float(w.max()) <= 1.5
    nn.init.normal_(w, 3.0, 0.5)
    assert float(w.mean()) == pytest.approx(3.0, abs=0.01)
    q = rg.empty(5, 8)
    nn.init.orthogonal_(q)
    np.testing.assert_allclose((q @ q.T).numpy(), np.eye(5), atol=1e-5)
    e = rg.empty(3, 4)
    nn.init.eye_(e)
    assert e.tolist()[0] == [1.0, 0.0, 0.0, 0.0]
    nn.init.constant_(e, 0.25)
    assert e.tolist()[2][3] == 0.25
    c = rg.empty(2, 2, 3, 3)
    nn.init.dirac_(c)
    x = rg.randn(1, 2, 5, 5)
    np.testing.assert_allclose(nn.functional.conv2d(x, c, padding=1).numpy(), x.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(rg.empty(3))


# --- nn.utils ----------------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_pytorch(norm_type):
    grads = [np.array([3.0, -4.0]), np.array([[1.0, 2.0], [0.5, -0.5]])]
    results = []
    for m in (rg, torch):
        params = [m.nn.Parameter(m.tensor(np.zeros_like(g))) for g in grads]
        for p, g in zip(params, grads):
            p.grad = m.tensor(g)
        total = m.nn.utils.clip_grad_norm_(params, 1.5, norm_type=norm_type)
        results.append((float(total), [p.grad.numpy().copy() for p in params]))
    assert results[0][0] == pytest.approx(results[1][0])
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_clip_grad_value_and_vector_conversions():
    p = nn.Parameter(rg.zeros(3))
    p.grad = rg.tensor([-5.0, 0.5, 7.0])
    nn.utils.clip_grad_value_([p], 1.0)
    assert p.grad.tolist() == [-1.0, 0.5, 1.0]
    nn.utils.clip_grad_value_(p, rg.tensor(0.25))  # as PyTorch: float(clip_value), a tensor or "0.25" too
    nn.utils.clip_grad_value_(p, "0.25")
    assert p.grad.tolist() == [-0.25, 0.25, 0.25]
    with pytest.raises(ValueError, match="could not convert string to float"):
        nn.utils.clip_grad_value_(p, "a quarter")
    a, b = nn.Parameter(rg.zeros(2, 2)), nn.Parameter(rg.zeros(3))
    vec = rg.arange(7.0)
    nn.utils.vector_to_parameters(vec, [a, b])
    assert a.tolist() == [[0.0, 1.0], [2.0, 3.0]] and b.tolist() == [4.0, 5.0, 6.0]
    assert nn.utils.parameters_to_vector([a, b]).tolist() == vec.tolist()


def test_reassigning_a_child_or_parameter_keeps_its_place():
    """`model.conv1 = nn.Conv2d(...)` then `list(model.children())[:-1]` (siamese_network) drops the last child."""
    nn = rg.nn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(1, 1)
            self.b = nn.Linear(1, 1)
            self.p = nn.Parameter(rg.ones(1))
            self.q = nn.Parameter(rg.ones(1))
            self.register_buffer("u", rg.ones(1))
            self.register_buffer("v", rg.ones(1))

    m = M()
    m.a = nn.Linear(2, 2)
    m.p = nn.Parameter(rg.zeros(1))
    m.register_buffer("u", rg.zeros(1))
    m.add_module("b", nn.Linear(3, 3))
    assert [n for n, _ in m.named_children()] == ["a", "b"]
    assert [n for n, _ in m.named_parameters()] == ["p", "q", "a.weight", "a.bias", "b.weight", "b.bias"]
    assert [n for n, _ in m.named_buffers()] == ["u", "v"]
    assert m.a.in_features == 2 and m.b.in_features == 3


def test_containers_have_pytorchs_list_and_dict_methods():
    import retrograd.nn as nn

    s = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
    assert len(s + nn.Sequential(nn.Tanh())) == 3 and len(s * 2) == 4 and len(2 * s) == 4
    assert type(s.pop(0)).__name__ == "Linear" and len(s) == 1
    s += nn.Sequential(nn.Sigmoid())
    assert [type(m).__name__ for m in s] == ["ReLU", "Sigmoid"]
    ml = nn.ModuleList([nn.ReLU()]) + nn.ModuleList([nn.Tanh()])
    assert type(ml.pop(1)).__name__ == "Tanh" and len(ml) == 1
    pd = nn.ParameterDict({"a": rg.ones(1)})
    pd.setdefault("b", rg.zeros(2))
    merged = pd | nn.ParameterDict({"z": rg.ones(3)})
    assert list(merged.keys()) == ["a", "b", "z"] and pd.get("x") is None and len(pd.copy()) == 2
    assert pd.popitem()[0] == "b" and list(pd.keys()) == ["a"]
    pd.clear()
    assert len(pd) == 0


def test_apply_overrides_and_module_compile():
    import retrograd.nn as nn

    class Keeper(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin, self.extra = nn.Linear(2, 2), rg.ones(2)

        def _apply(self, fn, recurse=True):
            super()._apply(fn, recurse)
            self.extra = fn(self.extra)
            return self

        def forward(self, x):
            return self.lin(x) + self.extra

    m = nn.Sequential(Keeper()).double()
    assert m[0].extra.dtype == rg.float64 and m[0].lin.weight.dtype == rg.float64
    lin = nn.Linear(3, 2)
    x = rg.randn(4, 3)
    expected = lin(x)
    lin.compile()
    assert rg.equal(lin(x), expected) and "def forward" in lin._compiled_call_impl.code
    assert list(lin.state_dict()) == ["weight", "bias"]


# --- ParameterList / ParameterDict holding values that are not tensors -----------------------


def _outcome(f):
    """What `f()` returns, or the (type name, message) of what it raises."""
    try:
        return f()
    except Exception as e:  # noqa: BLE001 - the outcome is compared, whatever it is
        return type(e).__name__, str(e)


def parameter_containers_story(m):
    """Mixed members through each way in and out, as comparable plain values."""
    out = []
    pl = m.nn.ParameterList([m.nn.Parameter(m.zeros(2)), 3, "x", m.ones(1), None])
    out.append([type(v).__name__ for v in pl] + [len(pl)] + [n for n, _ in pl.named_parameters()])
    pl.append(7.5).extend([1, m.zeros(3)])
    pl[1] = m.ones(4)  # a plain slot becomes a Parameter ...
    out.append(_outcome(lambda: pl.__setitem__(1, 9)))  # ... which refuses a non-Parameter
    out.append([_outcome(lambda: pl.__setitem__(0, 5)), _outcome(lambda: pl.extend(m.zeros(3))),
                _outcome(lambda: pl.extend(5)), _outcome(lambda: pl.insert(0, 5)), _outcome(lambda: pl[99]),
                _outcome(lambda: pl["0"]), _outcome(lambda: pl(1))])
    out.append([len(pl), pl[-2], [n for n, _ in pl.named_parameters()], list(pl.state_dict())])
    out.append(repr(pl) + repr(pl[1:3]) + repr(m.nn.ParameterList([m.nn.Linear(2, 2), 1])))
    pd = m.nn.ParameterDict({"b": 5, "a": m.nn.Parameter(m.zeros(2)), "c": m.ones(3), "d": "s", "e": None})
    pd["k"] = 5
    out.append([list(pd.keys()), [type(v).__name__ for v in pd.values()], [n for n, _ in pd.named_parameters()],
                pd["k"], pd.get("b"), pd.get("zz", 0), "b" in pd, len(pd)])
    out.append([_outcome(lambda: pd.__setitem__("a", 5)), _outcome(lambda: pd["zz"]),
                _outcome(lambda: pd.__delitem__("zz")), _outcome(lambda: pd.update(5)),
                _outcome(lambda: pd.update([5])), _outcome(lambda: pd.update([("a", 1, 2)])), _outcome(lambda: pd(1))])
    del pd["b"]
    out.append([pd.pop("d"), pd.popitem(), pd.setdefault("m", 4), list(pd.keys()), list(pd.state_dict()), repr(pd)])
    pd.clear()
    out.append([len(pd), list(pd.named_parameters()), [k for k in vars(pd) if not k.startswith("_")]])
    return out


@needs_torch
def test_parameter_containers_keep_plain_values_as_pytorch():
    theirs = parameter_containers_story(torch)
    assert repr(parameter_containers_story(rg)).replace("retrograd.", "torch.") == repr(theirs)


def test_parameter_containers_keep_plain_values():
    pl = nn.ParameterList([rg.ones(2), 3, "x", None])
    assert [type(v).__name__ for v in pl] == ["Parameter", "int", "str", "NoneType"] and len(pl) == 4
    assert [n for n, _ in pl.named_parameters()] == ["0"] and pl[1] == 3 and pl[-1] is None
    pl[1] = rg.zeros(3)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    refusal = r"^cannot assign 'int' as parameter '1' \(torch.nn.Parameter or None expected\)$"
    with pytest.raises(TypeError, match=refusal):
        pl[1] = 4
    with pytest.raises(TypeError, match="^ParameterList.extend should be called with an iterable, but got Tensor$"):
        pl.extend(rg.zeros(2))
    with pytest.raises(RuntimeError, match="^ParameterList should not be called.$"):
        pl()
    assert repr(pl).splitlines()[3:] == ["    (2): Object of type: str", "    (3): Object of type: NoneType", ")"]
    pd = nn.ParameterDict({"z": rg.ones(1), "a": 5})
    pd["k"] = "s"
    assert list(pd.keys()) == ["a", "z", "k"]  # a plain dict is added sorted
    assert [n for n, _ in pd.named_parameters()] == ["z"] and pd["a"] == 5 and list(pd.state_dict()) == ["z"]
    assert repr(pd).splitlines()[1] == "    (a): Object of type: int"
    with pytest.raises(TypeError, match="^Index given to ParameterDict cannot be used as a key as it is not a string"):
        pd[1] = 2
    assert list(pd.keys()) == ["a", "z", "k", 1]  # PyTorch records the key before checking it
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients$"):
        nn.ParameterList([rg.zeros(2, dtype=rg.int64)])


# --- to() and type() dtypes, deepcopy after backward -------------------------------------------------

_NOT_FLOAT = ["int32", "int64", "bool", "uint8"]


def _to_calls(m, name):
    dt = getattr(m, name)
    return [
        lambda mod: mod.to(dt),
        lambda mod: mod.to(dtype=dt),
        lambda mod: mod.to("cpu", dt),
        lambda mod: mod.to(m.ones(1, dtype=dt)),
    ]


@pytest.mark.parametrize("name", _NOT_FLOAT)
def test_module_to_refuses_dtypes_that_are_not_float_or_complex(name):
    for call in _to_calls(rg, name):
        lin = nn.Linear(2, 2)
        with pytest.raises(TypeError) as info:
            call(lin)
        assert str(info.value) == (
            f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=retrograd.{name}"
        )
        assert lin.weight.dtype == rg.float32  # nothing converted


def test_module_to_casts_only_float_and_complex_tensors():
    lin = nn.Linear(2, 2)
    lin.register_buffer("count", rg.ones(2, dtype=rg.int64))
    lin.to(rg.ones(1, dtype=rg.float64))
    assert (lin.weight.dtype, lin.count.dtype) == (rg.float64, rg.int64)
    with pytest.warns(UserWarning, match="^Complex modules are a new feature under active development"):
        lin.to(rg.complex64)
    assert (lin.weight.dtype, lin.count.dtype) == (rg.complex64, rg.int64)
    with pytest.warns(UserWarning, match="Casting complex values to real discards the imaginary part"):
        lin.to("cpu", rg.float16)
    assert lin.weight.dtype == rg.float16


def test_module_type_casts_everything_but_a_parameter_that_requires_grad_refuses_integers():
    message = "data set to a tensor that requires gradients must be floating point or complex dtype"
    lin = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        lin.type(rg.int32)
    assert lin.weight.dtype == rg.float32
    lin.requires_grad_(False)
    lin.register_buffer("count", rg.ones(2, dtype=rg.int64))
    lin.type(rg.int32)
    assert (lin.weight.dtype, lin.bias.dtype, lin.count.dtype) == (rg.int32, rg.int32, rg.int32)
    p = nn.Parameter(rg.ones(2))
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        p.data = rg.ones(2, dtype=rg.int64)
    p.data = rg.ones(3, dtype=rg.float64)  # another shape or float dtype is fine
    assert p.dtype == rg.float64


@needs_torch
@pytest.mark.parametrize("name", _NOT_FLOAT)
def test_module_to_and_type_errors_vs_torch(name):
    def outcomes(m):
        out = []
        calls = [*_to_calls(m, name), lambda mod: mod.type(getattr(m, name))]
        for call in calls:
            try:
                out.append(str(call(m.nn.Linear(2, 2)).weight.dtype))
            except (TypeError, RuntimeError) as e:
                out.append((type(e).__name__, str(e)))
        return [str(o).replace("torch.", "retrograd.") for o in out]

    assert outcomes(rg) == outcomes(torch)


def _deepcopied_grads(m):
    lin = m.nn.Linear(2, 2)
    lin.register_buffer("buf", m.ones(2))
    lin.buf.grad = m.full((2,), 3.0)
    lin(m.ones(1, 2)).sum().backward()
    plain = m.ones(2, requires_grad=True)
    (plain * 2).sum().backward()
    lin.plain = plain
    twin = copy.deepcopy(lin)
    grads = (twin.weight.grad, twin.bias.grad, twin.buf.grad, twin.plain.grad)
    return [None if g is None else g.tolist() for g in grads]


def test_deepcopy_drops_the_gradient_of_parameters_only():
    """A Parameter is copied as a new Parameter of its values (no .grad), as PyTorch; plain tensors
    (buffers, attributes) keep theirs."""
    assert _deepcopied_grads(rg) == [None, None, [3.0, 3.0], [2.0, 2.0]]

    class Tagged(nn.Parameter):
        pass

    tagged = Tagged(rg.ones(2))
    tagged.grad = rg.ones(2)
    twin = copy.deepcopy(tagged)
    assert type(twin) is Tagged and twin.grad is None and twin.requires_grad


@needs_torch
def test_deepcopy_gradients_vs_torch():
    assert _deepcopied_grads(rg) == _deepcopied_grads(torch)


def _init_errors_and_cooperative_init(m):
    """Module.__init__'s argument errors, and call_super_init passing arguments along the MRO."""
    messages = []
    for args, kwargs in (((1,), {}), ((), {"x": 1}), ((1, 2), {"y": 2})):
        with pytest.raises(TypeError) as info:
            m.nn.Module(*args, **kwargs)
        messages.append(str(info.value))

    class Mixin:
        def __init__(self, *args, **kwargs):
            self.seen = (args, kwargs)

    class Cooperative(m.nn.Module, Mixin):
        call_super_init = True

        def __init__(self):
            super().__init__(5, z=1)
            self.lin = m.nn.Linear(1, 1)

    model = Cooperative()
    return messages, model.seen, [n for n, _ in model.named_parameters()], m.nn.Module.call_super_init


def test_module_init_arguments_and_call_super_init():
    messages, seen, names, default = _init_errors_and_cooperative_init(rg)
    assert messages == ["Module.__init__() takes 1 positional argument but 2 were given",
                        "Module.__init__() got an unexpected keyword argument 'x'",
                        "Module.__init__() got an unexpected keyword argument 'y'"]
    assert seen == ((5,), {"z": 1}) and names == ["lin.weight", "lin.bias"] and default is False


@needs_torch
def test_module_init_arguments_and_call_super_init_vs_torch():
    assert _init_errors_and_cooperative_init(rg) == _init_errors_and_cooperative_init(torch)


def _tagged_parameter_facts(m):
    """A Parameter subclass whose __new__ takes more arguments (bitsandbytes-style), kept by a module's casts."""

    class TaggedParam(m.nn.Parameter):
        def __new__(cls, data=None, requires_grad=True, tag="none"):
            p = super().__new__(cls, data, requires_grad)
            p.tag = tag
            return p

    lin = m.nn.Linear(2, 2)
    lin.weight = TaggedParam(m.ones(2, 2), tag="w")
    text = repr(lin.weight)
    lin.double()
    return type(lin.weight).__name__, lin.weight.tag, lin.weight.dtype == m.float64, text


def test_parameter_subclass_with_its_own_new_arguments():
    name, tag, is_double, text = _tagged_parameter_facts(rg)
    assert (name, tag, is_double) == ("TaggedParam", "w", True)
    assert text.startswith("Parameter containing:\nParameter(TaggedParam([[1., 1.],")


@needs_torch
def test_parameter_subclass_with_its_own_new_arguments_vs_torch():
    assert _tagged_parameter_facts(rg) == _tagged_parameter_facts(torch)


def _container_argument_errors(m):
    """What the module containers raise for arguments of the wrong kind."""
    calls = [
        lambda: m.nn.ModuleList([m.nn.ReLU()]).extend(m.nn.Linear(1, 1)),
        lambda: m.nn.ModuleDict().update([m.nn.Linear(1, 1)]),
        lambda: m.nn.ModuleDict([("a", m.nn.ReLU(), 3)]),
        lambda: m.nn.ModuleDict(m.nn.ReLU()),
        lambda: m.nn.Sequential(m.nn.ReLU())[None],
        lambda: m.nn.ModuleList([m.nn.ReLU()])["0"],
        lambda: m.nn.ModuleList([m.nn.ReLU()])[True],
    ]
    seen = []
    for call in calls:
        with pytest.raises((TypeError, ValueError, IndexError)) as info:
            call()
        seen.append((info.type.__name__, str(info.value)))
    return seen


def test_container_argument_errors():
    assert _container_argument_errors(rg) == [
        ("TypeError", "ModuleList.extend should be called with an iterable, but got Linear"),
        ("TypeError", "ModuleDict update sequence element #0 should be Iterable; isLinear"),
        ("ValueError", "ModuleDict update sequence element #0 has length 3; 2 is required"),
        ("TypeError", "ModuleDict.update should be called with an iterable of key/value pairs, but got ReLU"),
        ("TypeError", "'NoneType' object cannot be interpreted as an integer"),
        ("TypeError", "'str' object cannot be interpreted as an integer"),
        ("IndexError", "index 1 is out of range"),
    ]


@needs_torch
def test_container_argument_errors_vs_torch():
    assert _container_argument_errors(rg) == _container_argument_errors(torch)


def _setattr_replacements(m):
    """What __setattr__ does when a name changes kind, and what it refuses."""
    net = m.nn.Module()
    net.register_buffer("x", m.zeros(2), persistent=False)
    net.x = m.nn.Parameter(m.ones(2))  # a Parameter takes a buffer's name, and its persistence goes too
    seen = [(list(net._parameters), list(net._buffers), sorted(net._non_persistent_buffers_set))]
    net.z = 3
    for value, name in ((m.nn.Linear(1, 1), "x"), (m.nn.Buffer(m.ones(1)), "x"), (m.nn.Buffer(m.ones(1)), "z")):
        with pytest.raises((TypeError, KeyError)) as info:
            setattr(net, name, value)
        seen.append((info.type.__name__, str(info.value)))
    net.x = None
    del net.x
    net.x = m.nn.Linear(1, 1)
    net.register_buffer("b", m.ones(1), persistent=False)
    net.b = m.zeros(3)  # a plain tensor for a buffer's name stays a (non-persistent) buffer
    seen.append((list(net._modules), list(net.state_dict()), net.b.tolist()))

    class Early(m.nn.Module):
        def __init__(self, register):
            register(self)

    for register in (lambda s: setattr(s, "w", m.nn.Parameter(m.ones(1))), lambda s: setattr(s, "l", m.nn.ReLU()),
                     lambda s: s.register_buffer("b", m.ones(1)), lambda s: s.register_parameter("p", None)):
        with pytest.raises(AttributeError) as info:
            Early(register)
        seen.append(str(info.value))
    return seen


def test_setattr_replacements_follow_pytorchs_order():
    assert _setattr_replacements(rg) == [
        (["x"], [], []),
        ("TypeError", "cannot assign 'retrograd.nn.modules.linear.Linear' as parameter 'x' "
                      "(torch.nn.Parameter or None expected)"),
        ("TypeError", "cannot assign 'torch.FloatTensor' as parameter 'x' (torch.nn.Parameter or None expected)"),
        ("KeyError", "\"attribute 'z' already exists\""),
        (["x"], ["x.weight", "x.bias"], [0.0, 0.0, 0.0]),
        "cannot assign parameters before Module.__init__() call",
        "cannot assign module before Module.__init__() call",
        "cannot assign buffer before Module.__init__() call",
        "cannot assign parameter before Module.__init__() call",
    ]


@needs_torch
def test_setattr_replacements_vs_torch():
    ours = _setattr_replacements(rg)
    ours[1] = (ours[1][0], ours[1][1].replace("retrograd.", "torch."))
    assert ours == _setattr_replacements(torch)


class _Local:
    pass


def test_typename_of_instances_names_their_class():
    assert rg.typename(nn.Linear(1, 1)) == "retrograd.nn.modules.linear.Linear" == rg.typename(nn.Linear)
    assert rg.typename(_Local()) == f"{__name__}._Local" and rg.typename(None) == "NoneType"


@needs_torch
def test_typename_of_instances_vs_torch():
    for lib in (rg, torch):
        assert lib.typename(_Local()) == f"{__name__}._Local"
    assert rg.typename(nn.Linear(1, 1)).replace("retrograd.", "torch.") == torch.typename(torch.nn.Linear(1, 1))


ITERATORS = ("parameters", "named_parameters", "buffers", "named_buffers", "children", "named_children")


def test_member_iterators_are_generators_named_after_themselves():
    m = rg.nn.Linear(2, 2)
    for name in ITERATORS:
        assert getattr(m, name)().__qualname__ == f"Module.{name}"


@needs_torch
def test_member_iterators_are_named_as_pytorchs():
    for name in ITERATORS:
        ours, theirs = getattr(rg.nn.Linear(2, 2), name)(), getattr(torch.nn.Linear(2, 2), name)()
        assert ours.__qualname__ == theirs.__qualname__, name


def _clone_with_non_leaf_parameters(lib):
    """learn2learn's `clone_module`: a copy whose `_parameters` hold non-leaf tensors, then `_apply`."""
    lib.manual_seed(0)
    module = lib.nn.Linear(2, 2)
    clone = copy.copy(module)
    clone._parameters = {name: p.clone() for name, p in module._parameters.items()}
    return clone


def test_apply_on_non_leaf_parameters_warns_as_it_reads_their_grad():
    clone = _clone_with_non_leaf_parameters(rg)
    with pytest.warns(UserWarning, match="The .grad attribute of a Tensor that is not a leaf Tensor"):
        clone._apply(lambda t: t)
    assert clone.weight.grad_fn is not None  # still the clone's graph
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rg.nn.Linear(2, 2)._apply(lambda t: t)  # leaves: quiet


@needs_torch
def test_apply_on_non_leaf_parameters_warns_vs_torch():
    counts = []
    for lib in (rg, torch):
        clone = _clone_with_non_leaf_parameters(lib)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            clone._apply(lambda t: t)
        counts.append([str(w.message).split(" (Triggered")[0] for w in seen])
    assert counts[0] == counts[1] and len(counts[0]) == 2
