"""nn.Module's state-dict protocol (per-module save/load overrides, extra state, hooks, `_metadata`
versions) and its member lookups, run in both libraries where PyTorch is installed."""

from __future__ import annotations

from collections import OrderedDict

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg, pytest.param(torch, marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]
both = pytest.mark.parametrize("m", LIBS, ids=["retrograd", "torch"])


@both
def test_state_dict_metadata_records_module_versions(m):
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    sd = net.state_dict(prefix="model.")
    assert list(sd._metadata.items()) == [("model", {"version": 1}), ("model.0", {"version": 1}),
                                         ("model.1", {"version": 2})]


@both
def test_old_batchnorm_checkpoint_without_num_batches_tracked_loads(m):
    bn = m.nn.BatchNorm1d(3)
    sd = OrderedDict((k, v) for k, v in bn.state_dict().items() if k != "num_batches_tracked")
    assert not bn.load_state_dict(sd).missing_keys  # no _metadata: a version-1 checkpoint
    sd._metadata = OrderedDict({"": {"version": 2}})
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "num_batches_tracked"'):
        bn.load_state_dict(sd)


@both
def test_load_from_state_dict_override_renames_old_keys(m):
    class Renamer(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(2, 2)

        def _load_from_state_dict(self, sd, prefix, metadata, strict, missing, unexpected, errors):
            for k in list(sd):
                if k.startswith(prefix + "old_lin."):
                    sd[prefix + "lin." + k[len(prefix + "old_lin."):]] = sd.pop(k)
            super()._load_from_state_dict(sd, prefix, metadata, strict, missing, unexpected, errors)

    outer = m.nn.Sequential(Renamer())
    result = outer.load_state_dict({"0.old_lin.weight": m.ones(2, 2), "0.old_lin.bias": m.zeros(2)})
    assert not result.missing_keys and not result.unexpected_keys
    assert outer[0].lin.weight.sum().item() == 4.0


@both
def test_extra_state_round_trip_and_missing(m):
    class Extra(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.p = m.nn.Parameter(m.ones(1))
            self.note = "hi"

        def get_extra_state(self):
            return {"note": self.note}

        def set_extra_state(self, state):
            self.note = state["note"]

    sd = Extra().state_dict()
    assert list(sd) == ["p", "_extra_state"] and sd["_extra_state"] == {"note": "hi"}
    other = Extra()
    other.note = "x"
    other.load_state_dict(sd)
    assert other.note == "hi"
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "_extra_state"'):
        other.load_state_dict({"p": m.ones(1)})
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\) in state_dict: "_extra_state"'):
        m.nn.Linear(1, 1).load_state_dict({"weight": m.ones(1, 1), "bias": m.ones(1), "_extra_state": 1})


@both
def test_state_dict_and_load_hooks(m):
    lin = m.nn.Linear(1, 1)
    log = []
    lin.register_state_dict_pre_hook(lambda mod, prefix, keep: log.append(("pre", prefix, keep)))
    lin.register_state_dict_post_hook(lambda mod, sd, prefix, md: log.append(("post", prefix, list(sd), md)))
    lin.register_load_state_dict_pre_hook(
        lambda mod, sd, prefix, md, strict, missing, unexpected, errors: log.append(("lpre", prefix, sorted(sd))))

    def post(mod, incompatible):
        log.append(("lpost", list(incompatible.missing_keys), list(incompatible.unexpected_keys)))
        incompatible.missing_keys.clear()  # a post hook may forgive keys before strict judges them

    lin.register_load_state_dict_post_hook(post)
    seq = m.nn.Sequential(lin)
    assert list(seq.state_dict(prefix="model.")) == ["model.0.weight", "model.0.bias"]
    result = seq.load_state_dict({"0.weight": m.ones(1, 1), "extra": m.ones(1)}, strict=False)
    assert result.missing_keys == [] and result.unexpected_keys == ["extra"]
    assert log == [("pre", "model.0.", False), ("post", "model.0.", ["model.0.weight", "model.0.bias"], {"version": 1}),
                   ("lpre", "0.", ["0.weight"]), ("lpost", ["0.bias"], ["extra"])]
    seq.load_state_dict({"0.weight": m.ones(1, 1)})  # strict, but the hook cleared the missing bias


@both
def test_state_dict_post_hook_return_values(m):
    private = m.nn.Linear(1, 1)
    private._register_state_dict_hook(lambda mod, sd, prefix, md: {"replaced": 1})
    assert private.state_dict() == {"replaced": 1}
    public = m.nn.Linear(1, 1)
    public.register_state_dict_post_hook(lambda *a: {"x": 1})
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        public.state_dict()
    lin = m.nn.Linear(1, 1)
    lin.register_load_state_dict_post_hook(lambda mod, inc: 1)
    with pytest.raises(AssertionError, match="not expected to return new values"):
        lin.load_state_dict(lin.state_dict())


@both
def test_load_state_dict_value_checks(m):
    holder = m.nn.Module()
    holder.register_buffer("s", m.tensor(2.0))
    holder.load_state_dict({"s": m.tensor([5.0])})  # a one-element vector fills a scalar
    assert holder.s.item() == 5.0
    with pytest.raises(RuntimeError) as info:
        m.nn.Linear(2, 2).load_state_dict({"weight": m.ones(3, 2), "bias": "x"})
    text = str(info.value)
    assert "size mismatch for weight: copying a param with shape" in text
    assert 'While copying the parameter named "bias", expected torch.Tensor or Tensor-like object' in text
    result = m.nn.Linear(2, 2).load_state_dict(
        {"weight": m.ones(2, 2), "bias": m.ones(2), "bias.x": m.ones(1)}, strict=False)
    assert result.unexpected_keys == ["bias.x"]
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.nn.Linear(2, 2).load_state_dict([1, 2])


def test_retrograd_state_dict_with_metadata_loads_in_pytorch(tmp_path):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    net = rg.nn.Sequential(rg.nn.Linear(2, 3), rg.nn.BatchNorm1d(3))
    rg.save(net.state_dict(), str(tmp_path / "sd.pt"))
    loaded = torch.load(str(tmp_path / "sd.pt"), weights_only=True)
    assert loaded._metadata["1"] == {"version": 2}
    torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)).load_state_dict(loaded)


@both
def test_member_lookups_and_set_submodule(m):
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    assert tuple(net.get_buffer("1.running_mean").shape) == (3,)
    assert tuple(net.get_parameter("0.weight").shape) == (3, 2)
    errors = []
    for f, target in [(net.get_buffer, "0.weight"), (net.get_buffer, "0.nothing"),
                      (net.get_parameter, "1.running_mean"), (net.get_submodule, "0.weight"), (net.get_submodule, "5")]:
        with pytest.raises(AttributeError) as info:
            f(target)
        errors.append(str(info.value))
    assert errors == ["`weight` is not a buffer", "Linear has no attribute `nothing`",
                      "`running_mean` is not an nn.Parameter", "`weight` is not an nn.Module",
                      "Sequential has no attribute `5`"]
    net.set_submodule("0", m.nn.Linear(2, 3, bias=False))
    assert net[0].bias is None
    with pytest.raises(ValueError, match="Cannot set the submodule without a target name!"):
        net.set_submodule("", m.nn.ReLU())
    with pytest.raises(ValueError, match="`module` is not an nn.Module, found <class 'int'>"):
        net.set_submodule("0", 3)
    with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
        net.set_submodule("0.weight", m.nn.ReLU())
    with pytest.raises(AttributeError, match="Sequential has no attribute `2`"):
        net.set_submodule("2", m.nn.ReLU(), strict=True)
    net.set_submodule("2", m.nn.ReLU())
    assert len(net) == 3


@both
def test_to_empty_and_share_memory(m):
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    weight = net[0].weight
    assert net.to_empty(device="cpu") is net
    assert net[0].weight is weight and weight.requires_grad and tuple(weight.shape) == (3, 2)
    assert net[1].num_batches_tracked.dtype == m.int64
    assert net.share_memory() is net


def test_named_members_without_removing_duplicates_walk_shared_modules_twice():
    shared = rg.nn.Linear(1, 1)
    m = rg.nn.Sequential(shared, shared, rg.nn.BatchNorm1d(1))
    names = [n for n, _ in m.named_parameters(remove_duplicate=False)]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    twice = rg.nn.Sequential(m[2], m[2])
    assert len(list(twice.named_buffers(remove_duplicate=False))) == 6


@both
def test_expanded_buffer_loads_from_a_state_dict(m):
    # HF models keep `position_ids = arange(n).expand((1, -1))`; loading writes into it in place
    net = m.nn.Module()
    net.register_buffer("position_ids", m.arange(5).expand((1, -1)))
    result = net.load_state_dict({"position_ids": m.arange(5).flip(0).unsqueeze(0)})
    assert str(result) == "<All keys matched successfully>"
    assert net.position_ids.tolist() == [[4, 3, 2, 1, 0]]


@both
def test_registries_are_plain_dicts_and_hook_registries_ordered(m):
    net = m.nn.Linear(2, 2)
    assert [type(net.__dict__[name]) for name in ("_parameters", "_buffers", "_modules")] == [dict] * 3
    assert type(net._forward_hooks) is OrderedDict and type(net._load_state_dict_pre_hooks) is OrderedDict
    net.bias = None
    assert repr(net._parameters)[:11] == "{'weight': "


@both
def test_buffer_is_a_marked_plain_tensor_stored_as_itself(m):
    b = m.nn.Buffer(m.ones(2), persistent=False)
    assert type(b) is m.Tensor and isinstance(b, m.nn.Buffer) and not isinstance(m.ones(2), m.nn.Buffer)
    assert b.persistent is False and repr(b) == "tensor([1., 1.])"
    net = m.nn.Module()
    net.b = b
    assert net.b is b and list(net.state_dict()) == [] and [n for n, _ in net.named_buffers()] == ["b"]
    expected = r"^cannot assign 'int' as buffer 'b' \(torch.nn.Buffer, torch.Tensor or None expected\)$"
    with pytest.raises(TypeError, match=expected):
        net.b = 3


@both
def test_consume_prefix_strips_a_wrappers_keys_and_metadata(m):
    wrapper = m.nn.Module()
    wrapper.module = m.nn.Sequential(m.nn.Linear(1, 1))
    sd = wrapper.state_dict()
    sd["other.x"] = m.zeros(1)
    m.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, "module.")
    assert list(sd) == ["other.x", "0.weight", "0.bias"]
    assert list(sd._metadata.items()) == [("", {"version": 1}), ("0", {"version": 1})]
    assert str(wrapper.module.load_state_dict(sd, strict=False)) == (
        "_IncompatibleKeys(missing_keys=[], unexpected_keys=['other.x'])")
    plain = {"module.w": 1, "w2": 2}
    m.nn.modules.utils.consume_prefix_in_state_dict_if_present(plain, "module.")
    assert plain == {"w2": 2, "w": 1}
