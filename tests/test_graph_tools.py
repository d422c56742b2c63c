"""Anomaly detection, saved-tensor hooks, multi-grad hooks, graph_stats, Node API."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import graph

try:
    import torch
except ImportError:
    torch = None


def test_anomaly_reports_nan_with_forward_stack():
    x = rg.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx = rg.autograd.detect_anomaly()
    with ctx:
        z = (x.sqrt() * 0).sum()
        # the forward stack comes as a UserWarning, as PyTorch gives it
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output."), \
                pytest.warns(UserWarning, match="Error detected in SqrtBackward0") as record:
            z.backward()
    assert any("test_graph_tools.py" in str(w.message) for w in record)
    assert not rg.autograd.is_anomaly_enabled()


def test_anomaly_off_gives_nan_silently():
    x = rg.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])


def test_anomaly_shows_forward_stack_for_errors_in_backward():
    class Broken(rg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("broken backward")

    x = rg.tensor([1.0], requires_grad=True)
    with rg.autograd.set_detect_anomaly(True):
        y = Broken.apply(x)
        with pytest.raises(ValueError, match="broken backward"), \
                pytest.warns(UserWarning, match="Error detected in BrokenBackward"):
            y.sum().backward()


def test_anomaly_forward_check_stops_at_first_nonfinite_op():
    x = rg.tensor([0.0, 1.0])
    with pytest.warns(UserWarning):
        mode = rg.autograd.detect_anomaly(check_forward=True)
    with mode:
        y = x + 1
        with pytest.raises(RuntimeError, match="'log' produced non-finite values from finite inputs"):
            x.log()
    assert y.tolist() == [1.0, 2.0]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_anomaly_message_matches_pytorch():
    messages = []
    for m in (rg, torch):
        x = m.tensor([0.0, 1.0], requires_grad=True)
        with m.autograd.set_detect_anomaly(True):
            try:
                (x.sqrt() * 0).sum().backward()
            except RuntimeError as e:
                messages.append(str(e).splitlines()[0])
    assert messages[0] == messages[1]


def test_saved_tensors_hooks_pack_and_unpack():
    packed = []

    def pack(t):
        packed.append(tuple(t.shape))
        return t.detach().numpy().copy()

    def unpack(a):
        return rg.from_numpy(a)

    x = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with graph.saved_tensors_hooks(pack, unpack):
        y = (x * x).exp().sum()
    assert packed  # mul saved x, exp saved its output
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy() * np.exp(x.detach().numpy() ** 2))


def pack_hook_story(m):
    """What a pack hook sees of grad mode, and the error when it changes its input in place."""
    modes = []

    def pack(t):
        modes.append((m.is_grad_enabled(), (t * 2).requires_grad))
        return t

    x = m.ones(2, requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        (x * x.exp()).sum().backward()

    def bad_pack(t):
        t.mul_(1)
        return t

    with m.autograd.graph.saved_tensors_hooks(bad_pack, lambda t: t), pytest.raises(RuntimeError) as error:
        x.detach().clone() * x
    return modes, str(error.value), [round(g, 5) for g in x.grad.tolist()]


def test_pack_hooks_run_without_grad_and_may_not_change_their_input():
    modes, message, grad = pack_hook_story(rg)
    assert modes == [(False, False)] * 3  # exp's output, then mul's two operands
    assert message.startswith("A saved tensor pack hook is modifying its input in place.")
    assert np.allclose(grad, np.exp(1) * 2)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_pack_hooks_as_pytorch():
    assert pack_hook_story(rg) == pack_hook_story(torch)


def test_save_on_cpu_keeps_gradients():
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    with graph.save_on_cpu():
        y = (x.sin() * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]), rtol=1e-6)


def test_multi_grad_hook_all_and_any():
    a = rg.tensor([1.0], requires_grad=True)
    b = rg.tensor([2.0], requires_grad=True)
    seen = []
    handle = graph.register_multi_grad_hook((a, b), lambda grads: seen.append([g.tolist() for g in grads]))
    (a * 3 + b * 5).sum().backward()
    (a * 7 + b).sum().backward()
    assert seen == [[[3.0], [5.0]], [[7.0], [1.0]]]
    handle.remove()
    (a + b).sum().backward()
    assert len(seen) == 2
    first = []
    graph.register_multi_grad_hook((a, b), lambda g: first.append(g.tolist()), mode="any")
    (a * 2 + b * 4).sum().backward()
    assert len(first) == 1


def multi_grad_hook_inputs_story(m):
    """Which gradients a multi-grad hook gets when `backward(inputs=...)` leaves some of its tensors
    out: it still runs once, with None for each tensor the pass does not reach."""
    a, b = m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)
    seen = []
    handle = m.autograd.graph.register_multi_grad_hook((a, b), lambda gs: seen.append([g is not None for g in gs]))
    (a * b).sum().backward(inputs=(a,))
    (a * b).sum().backward(inputs=[a, b])
    (a * b).sum().backward()
    kind = type(handle).__name__
    handle.remove()
    c = a * b
    m.autograd.graph.register_multi_grad_hook((a, b, c), lambda gs: seen.append([g is not None for g in gs]))
    c.sum().backward(inputs=(a,))
    return seen, kind


def test_multi_grad_hook_with_backward_inputs():
    seen, kind = multi_grad_hook_inputs_story(rg)
    assert seen == [[True, False], [True, True], [True, True], [True, False, True]]
    assert kind == "_MultiHandle"


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_multi_grad_hook_with_backward_inputs_as_pytorch():
    assert multi_grad_hook_inputs_story(rg) == multi_grad_hook_inputs_story(torch)


def gradient_edge_inputs_story(m):
    """grad() and backward() with GradientEdges as inputs: alone, in a list, mixed with tensors, a
    leaf's edge; an unused edge; materialize_grads, which has no tensor to make zeros like."""
    edge_of = m.autograd.graph.get_gradient_edge

    def outcome(f):
        try:
            value = f()
            return [None if g is None else g.tolist() for g in value] if isinstance(value, tuple) else value
        except RuntimeError as e:
            return str(e)

    x = m.ones(2, requires_grad=True)
    y = x * 2
    z = y * 3
    seen = [outcome(lambda inp=inp: m.autograd.grad(z.sum(), inp, retain_graph=True))
            for inp in (edge_of(y), [edge_of(y), x], [edge_of(x)], (edge_of(y), edge_of(x)))]
    z.sum().backward(inputs=edge_of(x), retain_graph=True)
    seen.append(x.grad.tolist())
    z.sum().backward(inputs=[edge_of(y)], retain_graph=True)
    seen.append(x.grad.tolist())
    unused = edge_of(m.ones(2, requires_grad=True) * 2)
    for options in ({"allow_unused": True}, {}, {"materialize_grads": True}):
        seen.append(outcome(lambda o=options: m.autograd.grad(z.sum(), [unused], retain_graph=True, **o)))
    seen.append(outcome(lambda: m.autograd.grad(z.sum(), edge_of(y))))
    seen.append(outcome(lambda: m.autograd.grad(z.sum(), edge_of(x))))  # the graph is freed
    return seen


def test_gradient_edge_as_input():
    unused = "The differentiated Tensor at index 0 appears to not have been used in the graph."
    seen = gradient_edge_inputs_story(rg)
    assert seen[:6] == [[[3.0, 3.0]], [[3.0, 3.0], [6.0, 6.0]], [[6.0, 6.0]], [[3.0, 3.0], [6.0, 6.0]],
                        [6.0, 6.0], [6.0, 6.0]]
    assert seen[6] == [None] and seen[7].startswith(unused)
    assert seen[8] == "materialize_grads cannot be used when the given input is a GradientEdge"
    assert seen[9] == [[3.0, 3.0]] and seen[10].startswith("Trying to backward through the graph a second time")


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_gradient_edge_as_input_as_pytorch():
    assert gradient_edge_inputs_story(rg) == gradient_edge_inputs_story(torch)


def test_graph_stats_and_node_api():
    x = rg.tensor(np.ones(100), requires_grad=True)
    y = (x.exp() * x).sum()
    stats = rg.autograd.graph.graph_stats(y)
    assert stats["nodes"] == 4  # Sum, Mul, Exp, AccumulateGrad
    assert stats["saved_tensors"] == 3 and stats["saved_bytes"] >= 3 * 800 - 800
    node = y.grad_fn
    assert isinstance(node, graph.Node) and node.name() == "SumBackward0"
    node.metadata["note"] = "mine"
    assert y.grad_fn.metadata == {"note": "mine"}
    y.backward()
    assert rg.autograd.graph.graph_stats(y)["saved_bytes"] == 0


def test_anomaly_keeps_user_frames_in_a_folder_named_retrograd(tmp_path):
    # user code whose path contains "/retrograd/" is still user code
    folder = tmp_path / "retrograd"
    folder.mkdir()
    script = folder / "user_model.py"
    script.write_text(
        "import retrograd as rg\n"
        "def forward(x):\n"
        "    return (x * 0).sqrt()  # the op whose backward fails\n"
    )
    import importlib.util

    spec = importlib.util.spec_from_file_location("user_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = rg.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with rg.autograd.detect_anomaly(), pytest.raises(RuntimeError, match="returned nan"):
            module.forward(x).sum().backward()
    err = "\n".join(str(w.message) for w in record)
    assert "user_model.py" in err and "the op whose backward fails" in err


def test_anomaly_stack_under_retrograd_run_starts_at_the_script(tmp_path):
    """`python -m retrograd run script.py` shows the forward stack from the script's first frame, as
    `python script.py` with PyTorch does: the runner's own frames are not the user's."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import warnings\n"
        "import torch\n"
        "x = torch.tensor([0.0], requires_grad=True)\n"
        "with warnings.catch_warnings(record=True) as record:\n"
        "    warnings.simplefilter('always')\n"
        "    with torch.autograd.detect_anomaly():\n"
        "        try:\n"
        "            (x.sqrt() * 0).sum().backward()\n"
        "        except RuntimeError:\n"
        "            pass\n"
        "print([str(w.message) for w in record if 'Error detected' in str(w.message)][0])\n"
    )
    done = subprocess.run([sys.executable, "-m", "retrograd", "run", str(script)], capture_output=True, text=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "Error detected in SqrtBackward0. Traceback of forward call that caused the error:"
    assert lines[1].startswith('  File "') and "script.py" in lines[1], done.stdout + done.stderr
