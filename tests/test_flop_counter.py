"""`torch.utils.flop_counter.FlopCounterMode` and `torch.utils.module_tracker.ModuleTracker`:
FLOPs of products, convolutions and attention, forward and backward, per module, and the table."""

import sys

import numpy as np
import pytest

import retrograd as rg
import retrograd.nn.functional as F
from retrograd.utils.flop_counter import FlopCounterMode


def _counts(counter):
    return {name: {str(op): n for op, n in ops.items()} for name, ops in counter.get_flop_counts().items()}


def test_linear_forward_and_backward_count_addmm_and_the_needed_mm():
    layer = rg.nn.Linear(4, 3)
    with FlopCounterMode(display=False) as counter:
        layer(rg.ones(2, 4)).sum().backward()  # the input needs no gradient: one mm, for the weight
    both = {"aten.addmm": 48, "aten.mm": 48}
    assert _counts(counter) == {"Global": both, "Linear": both}
    assert counter.get_total_flops() == 96


def test_keys_print_as_pytorch_op_packets():
    with FlopCounterMode(display=False) as counter:
        rg.mm(rg.ones(2, 3), rg.ones(3, 4))
    (op,) = counter.get_flop_counts()["Global"]
    assert (str(op), repr(op)) == ("aten.mm", "<OpOverloadPacket(op='aten.mm')>")


def test_products_count_two_m_n_k():
    a, b = rg.ones(3, 4, 5), rg.ones(3, 5, 2)
    with FlopCounterMode(display=False) as counter:
        rg.bmm(a, b)                                  # 2·3·4·2·5 = 240
        rg.baddbmm(rg.ones(3, 4, 2), a, b)            # 240, as baddbmm
        rg.einsum("bij,bjk->bik", a, b)               # lowered to one bmm: 240
        rg.einsum("i,j->ij", rg.ones(3), rg.ones(4))  # nothing summed: a multiplication, not counted
        rg.ones(2, 3, 4, 5) @ rg.ones(5, 6)           # folded into one mm: 2·24·6·5 = 1440
        rg.ones(4, 5) @ rg.ones(5)                    # mv: not counted
    assert _counts(counter) == {"Global": {"aten.bmm": 480, "aten.baddbmm": 240, "aten.mm": 1440}}


def test_convolution_and_its_backward():
    x = rg.ones(1, 2, 5, 5, requires_grad=True)
    w = rg.ones(3, 2, 3, 3, requires_grad=True)
    with FlopCounterMode(display=False) as counter:
        F.conv2d(x, w).sum().backward()
    # forward 9 outputs · 9 taps · 3·2 channels · 2; backward the same for x and for w
    assert _counts(counter) == {"Global": {"aten.convolution": 972, "aten.convolution_backward": 1944}}


def test_attention_counts_its_math_path_only():
    q = rg.ones(1, 2, 3, 4, requires_grad=True)
    k = rg.ones(1, 2, 5, 4, requires_grad=True)
    with FlopCounterMode(display=False) as counter:
        F.scaled_dot_product_attention(q, k, rg.ones(1, 2, 5, 4, requires_grad=True)).sum().backward()
    assert counter.get_flop_counts() == {}  # equal head sizes: PyTorch's fused CPU kernel, not counted
    with FlopCounterMode(display=False) as counter:
        F.scaled_dot_product_attention(q, k, rg.ones(1, 2, 5, 6, requires_grad=True)).sum().backward()
    # forward 2·2·3·5·(4 + 6) = 600; backward dP, dV (·6) and dQ, dK (·4): 60·20 = 1200
    assert _counts(counter) == {"Global": {"aten.bmm": 1800}}


def test_counts_per_module_and_nothing_outside_the_mode():
    net = rg.nn.Sequential(rg.nn.Linear(4, 3), rg.nn.ReLU(), rg.nn.Linear(3, 2, bias=False))
    x = rg.ones(2, 4)
    out = net(x)  # recorded outside the mode: its backward counts nothing inside it
    with FlopCounterMode(display=False) as counter:
        out.sum().backward()
        net(x)
    assert _counts(counter) == {
        "Global": {"aten.addmm": 48, "aten.mm": 24},
        "Sequential": {"aten.addmm": 48, "aten.mm": 24},
        "Sequential.0": {"aten.addmm": 48},
        "Sequential.2": {"aten.mm": 24},
    }
    with FlopCounterMode(display=False) as again:
        pass
    net(x).sum().backward()  # after the mode: nothing more is counted
    assert counter.get_total_flops() == 72 and again.get_total_flops() == 0


def test_table_as_pytorch_prints_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "tabulate", None)  # the layout written here (tabulate 0.10's)
    net = rg.nn.Sequential(rg.nn.Linear(4, 3), rg.nn.Linear(3, 2))
    with FlopCounterMode(display=False) as counter:
        net(rg.ones(2, 4))
    assert counter.get_table() == "\n".join([
        "Module          FLOP    % Total",
        "------------  ------  ---------",
        "Sequential        72    100.00%",
        "- aten.addmm      72    100.00%",
        "Sequential.0      48     66.67%",
        "- aten.addmm      48     66.67%",
        "Sequential.1      24     33.33%",
        "- aten.addmm      24     33.33%",
    ])
    with FlopCounterMode(display=False) as counter:
        rg.mm(rg.ones(300, 400), rg.ones(400, 500))
    assert counter.get_table().splitlines()[2:] == ["Global     120.000M    100.00%", "- aten.mm  120.000M    100.00%"]
    empty = FlopCounterMode(display=False).get_table()
    assert empty == "Module      FLOP    % Total\n--------  ------  ---------\nGlobal         0         0%"


def test_display_prints_the_table_on_exit(capsys):
    with FlopCounterMode(depth=1):
        rg.mm(rg.ones(2, 3), rg.ones(3, 4))
    assert capsys.readouterr().out.splitlines()[-1].split() == ["-", "aten.mm", "48", "100.00%"]


def _recomputed_and_recorded(lib):
    from importlib import import_module

    lib.manual_seed(0)
    counter_mode = import_module(lib.__name__ + ".utils.flop_counter").FlopCounterMode
    checkpoint = import_module(lib.__name__ + ".utils.checkpoint").checkpoint
    layer = lib.nn.Linear(8, 8)
    x = lib.ones(3, 8, requires_grad=True)
    with counter_mode(display=False) as recomputed:
        checkpoint(lambda t: layer(layer(t)), x, use_reentrant=False).sum().backward()
    x, w = lib.ones(2, 3, 6, 6, requires_grad=True), lib.ones(4, 3, 3, 3, requires_grad=True)
    with counter_mode(display=False) as recorded:
        lib.autograd.grad(lib.nn.functional.conv2d(x, w, stride=2).pow(2).sum(), (x, w), create_graph=True)
    return _counts(recomputed), _counts(recorded)


def test_checkpoint_recomputation_and_create_graph_rules_are_counted():
    recomputed, recorded = _recomputed_and_recorded(rg)
    # two addmm forward, the first again when the backward recomputes it (it stops there), then
    # two mm per layer backward
    assert recomputed["Global"] == {"aten.addmm": 1152, "aten.mm": 1536}
    # the derivative's two convolutions, recorded as ops, are PyTorch's convolution_backward
    assert recorded == {"Global": {"aten.convolution": 1728, "aten.convolution_backward": 3456}}


def test_checkpoint_recomputation_and_create_graph_rules_vs_torch():
    torch = pytest.importorskip("torch")
    assert _recomputed_and_recorded(rg) == _recomputed_and_recorded(torch)


def _tracked_parents(lib):
    from importlib import import_module

    tracker_type = import_module(lib.__name__ + ".utils.module_tracker").ModuleTracker
    seen = []

    class Probe(lib.nn.Module):
        def forward(self, x):
            seen.append(sorted(tracker.parents))
            return x * 2

    net = lib.nn.Sequential(lib.nn.Linear(2, 2), Probe())
    with tracker_type() as tracker:
        out = net(lib.ones(1, 2, requires_grad=True))
        seen.append(sorted(tracker.parents))
        out.register_hook(lambda g: seen.append(sorted(tracker.parents)))
        net[0].weight.register_hook(lambda g: seen.append(sorted(tracker.parents)))
        out.sum().backward()
        seen.append(sorted(tracker.parents))  # reset when the backward ended
    return seen


def test_module_tracker_parents_forward_and_backward():
    assert _tracked_parents(rg) == [
        ["Global", "Sequential", "Sequential.1"],
        ["Global"],
        ["Global", "Sequential", "Sequential.1"],  # the output's gradient: its modules' backward starts
        ["Global"],  # the weight's gradient, after the input's: every module's backward has ended
        ["Global"],
    ]


def test_module_tracker_vs_torch():
    torch = pytest.importorskip("torch")
    assert _tracked_parents(rg) == _tracked_parents(torch)


def test_queue_callback_runs_when_the_backward_ends():
    engine = rg.autograd.Variable._execution_engine
    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass."):
        engine.queue_callback(lambda: None)
    order = []
    x = rg.ones(2, requires_grad=True)
    x.register_hook(lambda g: engine.queue_callback(lambda: order.append(x.grad is not None)))
    (x * 2).sum().backward()
    assert order == [True]  # after every node, the leaf's gradient included


def _models(nn):
    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv, self.proj = nn.Linear(16, 40), nn.Linear(16, 16)

        def forward(self, x):
            q, k, v = self.qkv(x).split([16, 16, 8], dim=-1)
            q, k, v = (t.unflatten(-1, (2, -1)).transpose(1, 2) for t in (q, k, v))
            a = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)  # head sizes 8, 8, 4
            return self.proj(a.transpose(1, 2).flatten(2).repeat(1, 1, 2))

    return [
        (nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 8, bias=False)), (4, 16)),
        (nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                       nn.Conv2d(8, 16, 3, stride=2, groups=2), nn.Flatten(), nn.Linear(144, 10)), (2, 3, 16, 16)),
        (nn.Sequential(nn.Conv1d(4, 6, 3, stride=2, groups=2), nn.ConvTranspose1d(6, 4, 3, stride=2, padding=1),
                       nn.Unflatten(1, (2, 2)), nn.Conv3d(2, 2, (1, 2, 3))), (2, 4, 9)),
        (nn.ConvTranspose2d(4, 2, 2, stride=2, groups=2), (2, 4, 5, 5)),
        (Attention(), (2, 5, 16)),
        (nn.TransformerEncoderLayer(16, 2, 32, batch_first=True, dropout=0.0), (2, 5, 16)),
        (nn.MultiheadAttention(16, 4, batch_first=True), (2, 5, 16)),
        (nn.LSTM(8, 12, batch_first=True), (2, 5, 8)),
    ]


def _count_models(lib, seed):
    from importlib import import_module

    counter_mode = import_module(lib.__name__ + ".utils.flop_counter").FlopCounterMode
    lib.manual_seed(0)
    rng = np.random.default_rng(seed)
    results = []
    for model, shape in _models(lib.nn):
        x = lib.from_numpy(rng.standard_normal(shape).astype(np.float32)).requires_grad_()
        with counter_mode(display=False) as counter:
            out = model(x, x, x) if isinstance(model, lib.nn.MultiheadAttention) else model(x)
            (out[0] if isinstance(out, tuple) else out).sum().backward()
        results.append(_counts(counter))
    return results


def test_model_flops_vs_torch():
    torch = pytest.importorskip("torch")
    assert _count_models(rg, 1) == _count_models(torch, 1)
