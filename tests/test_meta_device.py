"""The "meta" device: tensors with a shape and a dtype but no data (backend/meta.py).

What PyTorch programs do with it: build a model there without memory and give it real memory
later (`with torch.device("meta")`, `to_empty`, `load_state_dict(assign=True)`), run it for
output shapes, or keep a skeleton whose parameters `functional_call` replaces (the model
ensembling tutorial's `copy.deepcopy(model).to("meta")`).
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap

import pytest

import retrograd as rg
from retrograd.func import functional_call, stack_module_state, vmap


def _meta(*shape, **kw):
    return rg.empty(*shape, device="meta", **kw)


def test_factories_make_meta_tensors_that_print_without_values():
    x = _meta(2, 3)
    assert x.is_meta and not x.is_cpu and x.device == rg.device("meta") and x.shape == (2, 3)
    assert x.stride() == (3, 1) and x.is_contiguous() and x.data_ptr() == 0 and x.get_device() == -1
    assert repr(x) == "tensor(..., device='meta', size=(2, 3))"
    assert repr(rg.arange(5, device="meta")) == "tensor(..., device='meta', size=(5,), dtype=retrograd.int64)"
    assert repr(rg.zeros((), device="meta")) == "tensor(..., device='meta', size=())"
    assert repr(rg.ones(2, dtype=rg.bool, device="meta")) == (
        "tensor(..., device='meta', size=(2,), dtype=retrograd.bool)"
    )
    w = rg.nn.Parameter(rg.randn(3, 4, device="meta"))
    assert repr(w) == "Parameter containing:\ntensor(..., device='meta', size=(3, 4), requires_grad=True)"
    for made in (rg.zeros(2, device="meta"), rg.full((2,), 3.0, device="meta"), rg.tensor([1.0, 2.0], device="meta"),
                 rg.rand(2, device="meta"), rg.randint(0, 5, (3,), device="meta"), rg.randperm(4, device="meta"),
                 rg.zeros_like(rg.ones(3), device="meta"), x.new_zeros(4), rg.empty_like(x)):  # fmt: skip
        assert made.is_meta


def test_meta_tensors_cost_no_memory_and_ops_only_compute_shapes():
    x = _meta(100_000, 100_000)  # 40 GB of float32, if it had data
    y = (x * 2 + 1).exp().sigmoid()
    assert y.is_meta and y.shape == (100_000, 100_000)
    with rg.device("meta"):
        layer = rg.nn.Linear(50_000, 50_000)  # its initialisation draws nothing
        out = layer(rg.empty(3, 50_000))
    assert out.is_meta and out.shape == (3, 50_000) and out.grad_fn.name() == "AddmmBackward0"


def test_ops_give_pytorchs_shapes_and_dtypes():
    a, b = _meta(4, 1, 2, 5), _meta(3, 5, 7)
    assert (a @ b).shape == (4, 3, 2, 7) and (_meta(5) @ _meta(5)).shape == ()
    assert (_meta(2, 5) @ _meta(5)).shape == (2,) and (_meta(5) @ _meta(5, 3)).shape == (3,)
    with pytest.raises(RuntimeError, match=r"cannot be multiplied \(3x4 and 5x2\)"):
        _meta(3, 4) @ _meta(5, 2)
    x = _meta(4, 3)
    assert x.sum(0).shape == (3,) and x.argmax(1).dtype == rg.int64 and x.half().dtype == rg.float16
    assert (x > 0).dtype == rg.bool and rg.cat([x, x]).shape == (8, 3)
    assert rg.nn.functional.softmax(x, -1).is_meta and x.t().contiguous().shape == (3, 4)
    assert (rg.ones(2, device="meta") + rg.tensor(1.0)).is_meta  # a 0-d CPU tensor joins, as in PyTorch


def test_reading_values_and_value_dependent_shapes_raise():
    x = _meta(2, 3)
    with pytest.raises(RuntimeError, match="Tensor.item\\(\\) cannot be called on meta tensors"):
        x.sum().item()
    with pytest.raises(RuntimeError, match="cannot be called on meta tensors"):
        bool(rg.ones(1, device="meta"))
    with pytest.raises(RuntimeError, match="cannot be called on meta tensors"):
        float(rg.ones(1, device="meta"))
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        x.tolist()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        x.cpu()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        rg.ones(2, 3).copy_(x)
    with pytest.raises(TypeError, match="can't convert meta device type tensor to numpy"):
        x.numpy()
    with pytest.raises(NotImplementedError, match="aten::nonzero"):
        x.nonzero()
    with pytest.raises(NotImplementedError, match="Meta tensors"):
        x[x > 0]
    with pytest.raises(RuntimeError, match="Tensor on device cpu is not on the expected device meta!"):
        x + rg.ones(3)


def test_writes_are_accepted_and_draw_nothing():
    x = _meta(2, 3)
    state = rg.get_rng_state()
    for write in (x.uniform_, x.normal_, x.zero_, lambda: x.fill_(3), lambda: x.copy_(rg.ones(2, 3))):
        assert write() is x and x.is_meta
    rg.nn.init.kaiming_uniform_(_meta(10, 10))
    assert rg.equal(rg.get_rng_state(), state)  # no numbers were drawn


def test_autograd_on_meta_gives_meta_gradients():
    with rg.device("meta"):
        x = rg.randn(4, 6, requires_grad=True)
        w = rg.randn(6, 3, requires_grad=True)
    (x @ w).relu().sum().backward()
    assert x.grad.is_meta and x.grad.shape == (4, 6) and w.grad.shape == (6, 3)


def test_device_context_sets_the_default_device_for_the_block():
    with rg.device("meta") as d:
        assert d == rg.device("meta") and rg.get_default_device() == d
        model = rg.nn.Sequential(rg.nn.Linear(10, 10), rg.nn.LayerNorm(10), rg.nn.Linear(10, 2))
    assert rg.get_default_device() == rg.device("cpu") and rg.zeros(1).is_cpu
    assert all(p.is_meta for p in model.parameters())
    out = model(_meta(4, 10))
    assert out.is_meta and out.shape == (4, 2)
    real = model.to_empty(device="cpu")
    assert all(p.is_cpu for p in real.parameters()) and real[0].weight.shape == (10, 10)


def test_modules_to_meta_and_back_with_assign():
    model = rg.nn.Linear(3, 2).to("meta")
    assert model.weight.is_meta and model.bias.is_meta
    with pytest.raises(NotImplementedError, match="no data"):
        model.to("cpu")
    state = {"weight": rg.ones(2, 3), "bias": rg.zeros(2)}
    model.load_state_dict(state, assign=True)
    assert model.weight.is_cpu and model(rg.ones(1, 3)).tolist() == [[3.0, 3.0]]
    assert copy.deepcopy(rg.nn.Linear(3, 2).to("meta")).weight.is_meta  # no memory to copy
    lstm = rg.nn.LSTM(4, 8, device="meta")
    out, (h, c) = lstm(_meta(5, 2, 4))
    assert out.shape == (5, 2, 8) and h.is_meta and h.shape == (1, 2, 8)
    conv = rg.nn.Conv2d(3, 8, 3, device="meta")
    assert conv(_meta(2, 3, 16, 16)).shape == (2, 8, 14, 14)


def test_model_ensembling_tutorial_uses_a_meta_skeleton():
    rg.manual_seed(0)
    models = [rg.nn.Sequential(rg.nn.Linear(8, 16), rg.nn.ReLU(), rg.nn.Linear(16, 3)) for _ in range(4)]
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def fmodel(params, buffers, x):
        return functional_call(base, (params, buffers), (x,))

    x = rg.randn(5, 8)
    out = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
    assert out.shape == (4, 5, 3) and not out.is_meta
    assert rg.allclose(out[1], models[1](x))


def test_copy_moves_data_between_devices():
    # copy_ from another device copies across (PyTorch's load_state_dict relies on it)
    m = _meta(3)
    assert m.copy_(rg.ones(3)) is m and m.is_meta


def test_meta_programs_print_what_pytorch_prints(tmp_path):
    pytest.importorskip("torch")
    program = tmp_path / "meta_program.py"
    program.write_text(textwrap.dedent("""
        import copy
        import torch
        x = torch.empty(2, 3, device="meta")
        print(x, x.is_meta, x.device, x.stride(), x.dtype)
        print((x * 2 + 1).sum(0), torch.zeros((), device="meta"))
        print(torch.nn.Parameter(torch.randn(3, 4, device="meta")))
        for bad in (lambda: x.item(), lambda: x.cpu(), lambda: x.tolist(), lambda: x + torch.ones(3),
                    lambda: bool(torch.ones(1, device="meta")), lambda: x.numpy()):
            try:
                bad()
            except Exception as e:
                print(type(e).__name__, e)
        m = copy.deepcopy(torch.nn.Linear(3, 4)).to("meta")
        print(m.weight, m(torch.randn(2, 3, device="meta")))
        with torch.device("meta"):
            layer = torch.nn.Linear(5, 6)
            lstm = torch.nn.LSTM(4, 8)
        print(layer.weight.device, layer.bias, torch.get_default_device())
        print(layer.to_empty(device="cpu").weight.shape)
        a = torch.randn(2, 3, device="meta", requires_grad=True)
        (a * a).sum().backward()
        print(a.grad, a.to(torch.float64), torch.ones(2, device="meta") == torch.ones(2, device="meta"))
        out, (h, c) = lstm(torch.empty(5, 2, 4, device="meta"))
        print(out.shape, h.shape, c.is_meta)
        print(torch.empty(5, 7, device="meta") @ torch.empty(7, 2, device="meta"), x.data_ptr())
        print(torch.arange(3, device="meta"), torch.randint(0, 5, (3,), device="meta"))
    """))
    runs = [
        subprocess.run([sys.executable, *pre, str(program)], capture_output=True, text=True, check=False)
        for pre in ([], ["-m", "retrograd", "run"])
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[1].stdout == runs[0].stdout, runs[1].stderr


def test_cpu_results_stay_right_after_meta_work():
    # kernels keep scratch buffers between calls: a meta call must not leave one for the CPU
    rg.manual_seed(0)
    x = rg.randn(2, 3, 8, 8)
    conv = rg.nn.Conv2d(3, 4, 3)
    before = (conv(x), rg.nn.functional.avg_pool3d(x.unsqueeze(1), (2, 1, 1), stride=1))
    meta_conv = copy.deepcopy(conv).to("meta")
    meta_conv(x.to("meta"))
    rg.nn.functional.avg_pool3d(x.to("meta").unsqueeze(1), (2, 1, 1), stride=1)
    after = (conv(x), rg.nn.functional.avg_pool3d(x.unsqueeze(1), (2, 1, 1), stride=1))
    for b, a in zip(before, after):
        assert a.is_cpu and rg.equal(a, b)


def test_views_of_meta_tensors_have_pytorchs_strides():
    x = _meta(2, 3)
    assert x.t().stride() == (1, 3) and not x.t().is_contiguous() and x[:, 1].stride() == (3,)
    assert x.t().contiguous().stride() == (2, 1) and x.unfold(1, 2, 1).shape == (2, 2, 2)


def test_broadcast_views_and_empty_strided_keep_zero_and_given_strides():
    a = _meta(2, 3, 4)
    assert a.expand(5, 2, 3, 4).stride() == (0, 12, 4, 1) and a[:, :1].expand(2, 3, 4).stride() == (12, 0, 1)
    assert rg.broadcast_tensors(a, _meta(4))[1].stride() == (0, 0, 1)
    made = rg.empty_strided((3, 2), (4, 1), device="meta")
    assert made.is_meta and made.stride() == (4, 1)
    assert rg.empty_strided((3, 2), (0, 1), device="meta").stride() == (0, 1)


def test_meta_tensors_save_their_layout_without_data(tmp_path):
    import io

    with rg.device("meta"):
        model = rg.nn.Sequential(rg.nn.Linear(300, 400), rg.nn.BatchNorm1d(400))
    x = _meta(4, 4)
    buffer = io.BytesIO()
    rg.save({"state": model.state_dict(), "view": x[1:, :2], "p": model[0].weight}, buffer)
    assert len(buffer.getvalue()) < 4000  # 120,000 weights, none written
    for kw in ({}, {"weights_only": True}, {"map_location": "cpu"}):  # no storage: nothing to map
        buffer.seek(0)
        loaded = rg.load(buffer, **kw)
        state = loaded["state"]
        assert all(v.is_meta for v in state.values()) and state["1.num_batches_tracked"].dtype == rg.int64
        assert state["0.weight"].shape == (400, 300) and not state["0.weight"].requires_grad
        # the view's strides come back, on a storage of its own (PyTorch does not keep the sharing)
        assert loaded["view"].stride() == (4, 1) and loaded["view"].storage_offset() == 0
        assert type(loaded["p"]) is rg.nn.Parameter and loaded["p"].requires_grad and loaded["p"].is_meta


def test_meta_checkpoints_load_in_pytorch_and_back(tmp_path):
    torch = pytest.importorskip("torch")
    ours, theirs = tmp_path / "ours.pt", tmp_path / "theirs.pt"
    rg.save({"p": rg.nn.Parameter(_meta(3, 4)), "v": _meta(4, 4)[1:, :2], "h": _meta(2, dtype=rg.float16)}, ours)
    got = torch.load(ours)
    assert got["p"].is_meta and got["p"].requires_grad and got["v"].stride() == (4, 1)
    assert got["h"].dtype == torch.float16 and isinstance(got["p"], torch.nn.Parameter)
    meta = torch.empty(4, 4, device="meta")
    torch.save({"p": torch.nn.Parameter(torch.empty(3, 4, device="meta")), "v": meta[1:, :2]}, theirs)
    back = rg.load(theirs, weights_only=True)
    assert type(back["p"]) is rg.nn.Parameter and back["p"].is_meta and back["v"].stride() == (4, 1)


def _inits(m):
    init = m.nn.init
    return [
        lambda t: init.uniform_(t), lambda t: init.normal_(t, 0, 0.02), lambda t: init.trunc_normal_(t, std=0.02),
        lambda t: init.trunc_normal_(t, mean=5.0), lambda t: init.trunc_normal_(t, a=3.0, b=4.0),
        lambda t: init.xavier_normal_(t), lambda t: init.kaiming_uniform_(t, a=5**0.5),
        lambda t: init.orthogonal_(t), lambda t: init.sparse_(t, 0.5), lambda t: t.bernoulli_(0.5),
    ]  # fmt: skip


def test_init_functions_on_meta_draw_nothing():
    import warnings

    rg.manual_seed(0)
    state = rg.get_rng_state()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # trunc_normal_'s far-mean warning is not given on meta either
        for fill in _inits(rg):
            w = _meta(5, 4)
            assert fill(w) is w and w.is_meta
    assert rg.equal(state, rg.get_rng_state())


def test_init_functions_on_meta_draw_what_pytorch_draws():
    torch = pytest.importorskip("torch")
    for m in (rg, torch):
        m.manual_seed(0)
        for fill in _inits(m):
            fill(m.empty(5, 4, device="meta"))
    assert rg.rand(3).tolist() == torch.rand(3).tolist()


def _mixed_device_calls(m):
    meta, cpu = (lambda *s: m.ones(*s, device="meta")), (lambda *s: m.ones(*s))
    return [
        lambda: cpu(3) + meta(3), lambda: meta(()) + cpu(3), lambda: meta(3) == cpu(3), lambda: cpu(3) < meta(3),
        lambda: m.where(meta(3) > 0, cpu(3), meta(3)), lambda: m.where(cpu(3) > 0, meta(3), meta(3)),
        lambda: meta(3).masked_fill(cpu(3) > 0, 1.0), lambda: m.stack([cpu(3), meta(3)]),
        lambda: cpu(()) + meta(3), lambda: meta(3) == cpu(()), lambda: m.where(cpu(()) > 0, meta(3), 0.0),
    ]  # fmt: skip


def _mixed_device_outcomes(m):
    outcomes = []
    for call in _mixed_device_calls(m):
        try:
            got = call()
            outcomes.append((got.device.type, tuple(got.shape)))
        except RuntimeError as e:
            outcomes.append(str(e))
    return outcomes


def test_mixing_meta_and_cpu_tensors_raises_naming_the_expected_device():
    # the expected device is the first tensor's that is not a 0-d CPU one (those join the others)
    wrong, right = "Tensor on device meta is not on the expected device cpu!", "Tensor on device cpu is not on "
    assert _mixed_device_outcomes(rg) == [
        wrong, right + "the expected device meta!", right + "the expected device meta!", wrong,
        right + "the expected device meta!", wrong, wrong, wrong, ("meta", (3,)), ("meta", (3,)), ("meta", (3,)),
    ]  # fmt: skip


def test_mixing_meta_and_cpu_tensors_raises_as_pytorch_does():
    torch = pytest.importorskip("torch")
    assert _mixed_device_outcomes(rg) == _mixed_device_outcomes(torch)


def _meta_scalar_formats(m):
    s = m.ones((), device="meta")
    try:
        f"{s:.3f}"
    except TypeError as e:
        return format(s), f"{s}", str(e)


def test_formatting_a_meta_scalar_prints_the_tensor_and_refuses_a_number_format():
    assert _meta_scalar_formats(rg) == (
        "tensor(..., device='meta', size=())", "tensor(..., device='meta', size=())",
        "unsupported format string passed to Tensor.__format__",
    )  # fmt: skip
    assert f"{rg.tensor(2.5):.2f}" == "2.50"


def test_formatting_a_meta_scalar_as_pytorch_does():
    torch = pytest.importorskip("torch")
    assert _meta_scalar_formats(rg) == tuple(s.replace("torch", "retrograd") for s in _meta_scalar_formats(torch))


def _load_into_meta_warnings(m):
    import warnings

    with m.device("meta"):
        skeleton = m.nn.Linear(2, 3)
    state = {"weight": m.ones(3, 2), "bias": m.ones(3)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        skeleton.load_state_dict(state)
        skeleton.load_state_dict(state, assign=True)  # assigning keeps the values: no warning
    return [(w.category, str(w.message)) for w in caught], skeleton.weight.device.type


def test_copying_into_a_meta_skeleton_warns_that_nothing_is_kept():
    caught, device = _load_into_meta_warnings(rg)
    assert device == "cpu" and [c for c, _ in caught] == [UserWarning, UserWarning]
    assert caught[1][1].startswith("for bias: copying from a non-meta parameter in the checkpoint to a meta parameter")
    assert "Did you mean to pass `assign=True`" in caught[0][1]


def test_copying_into_a_meta_skeleton_warns_as_pytorch_does():
    torch = pytest.importorskip("torch")
    assert _load_into_meta_warnings(rg) == _load_into_meta_warnings(torch)


def _tied_model_moves(m):
    lin = m.nn.Linear(3, 5, bias=False)
    emb = m.nn.Embedding(5, 3)
    emb.weight = lin.weight
    model = m.nn.ModuleList([emb, lin])
    model.to("meta")
    ties = [emb.weight is lin.weight, type(lin.weight).__name__, lin.weight.is_meta]
    emb.weight = lin.weight
    model.to_empty(device="cpu")
    ties += [emb.weight is lin.weight, lin.weight.device.type]
    emb.weight = lin.weight
    model.double()  # a dtype change keeps the Parameter objects
    return ties + [emb.weight is lin.weight, lin.weight.dtype == m.float64]


def test_moving_to_or_from_meta_makes_new_parameters_so_tied_weights_come_apart():
    assert _tied_model_moves(rg) == [False, "Parameter", True, False, "cpu", True, True]
    w = rg.nn.Linear(2, 2)
    w.weight.grad = rg.ones(2, 2)
    w.to("meta")
    assert w.weight.grad.is_meta and not w.weight.grad.requires_grad


def test_moving_tied_weights_to_meta_as_pytorch_does():
    torch = pytest.importorskip("torch")
    assert _tied_model_moves(rg) == _tied_model_moves(torch)


def test_embedding_backward_and_gradient_clipping_on_meta():
    with rg.device("meta"):
        emb, lin = rg.nn.Embedding(10, 4), rg.nn.Linear(4, 2)
    lin(emb(rg.randint(0, 10, (3, 5), device="meta"))).sum().backward()
    assert emb.weight.grad.is_meta and emb.weight.grad.shape == (10, 4)
    total = rg.nn.utils.clip_grad_norm_([*emb.parameters(), *lin.parameters()], 1.0)
    assert total.is_meta and total.shape == () and lin.weight.grad.is_meta


def _value_sized_results(m):
    counts = m.ones(3, dtype=m.int64, device="meta")
    calls = [
        lambda: m.repeat_interleave(counts, output_size=5), lambda: m.repeat_interleave(counts),
        lambda: m.repeat_interleave(m.ones(3, 2, device="meta"), counts, dim=0, output_size=7),
        lambda: m.repeat_interleave(m.ones(3, 2, device="meta"), counts, dim=0),
        lambda: m.repeat_interleave(m.ones(3, 2, device="meta"), m.tensor([1, 2, 0]), dim=0),
        lambda: m.bincount(counts),
    ]  # fmt: skip
    outcomes = []
    for call in calls:
        try:
            got = call()
            outcomes.append((got.device.type, tuple(got.shape)))
        except (RuntimeError, NotImplementedError) as e:
            outcomes.append(type(e).__name__)
    return outcomes


def test_results_sized_by_meta_values_need_their_size_given():
    assert _value_sized_results(rg) == [
        ("meta", (5,)), "RuntimeError", ("meta", (7, 2)), "RuntimeError", ("meta", (3, 2)), "NotImplementedError",
    ]  # fmt: skip
    with pytest.raises(RuntimeError, match="^cannot repeat_interleave a meta tensor without output_size$"):
        rg.repeat_interleave(rg.ones(2, dtype=rg.int64, device="meta"))


def test_results_sized_by_meta_values_as_pytorch():
    torch = pytest.importorskip("torch")
    assert _value_sized_results(rg) == _value_sized_results(torch)


def test_masks_made_inside_ops_follow_the_input_onto_meta():
    # causal masks and fill_diagonal_'s mask are made by retrograd: on the input's device, not the CPU
    with rg.device("meta"):
        layer = rg.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
    x = _meta(2, 5, 8)
    mask = rg.nn.Transformer.generate_square_subsequent_mask(5, device="meta")
    assert layer(x, src_mask=mask, is_causal=True).shape == (2, 5, 8)
    q = _meta(2, 2, 5, 4)
    assert rg.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True).is_meta
    bool_mask = rg.ones(5, 5, dtype=rg.bool, device="meta")
    assert rg.nn.functional.scaled_dot_product_attention(q, q, q, bool_mask, is_causal=False).shape == (2, 2, 5, 4)
    assert _meta(3, 3).fill_diagonal_(1.0).is_meta
