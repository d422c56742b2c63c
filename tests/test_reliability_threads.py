"""Per-thread autograd state: what PyTorch keeps per thread is per thread here too.

Threads are interleaved with barriers, so one thread's block is open while the other works.
Grad mode, inference mode, saved-tensor hooks and the running backward pass are per thread;
anomaly mode and the forward-AD level are process-wide, as in PyTorch.
"""

from __future__ import annotations

import threading

import pytest

import retrograd as rg


def _interleave(inside_block, in_other_thread):
    """Run `in_other_thread()` in a second thread while this thread is inside `inside_block`."""
    entered, done = threading.Event(), threading.Event()
    result: dict = {}

    def worker():
        entered.wait(5)
        try:
            result["value"] = in_other_thread()
        except Exception as e:  # noqa: BLE001  (reported to the main thread)
            result["error"] = e
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    with inside_block():
        entered.set()
        assert done.wait(10)
    t.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _grad_of_square():
    x = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    return x.grad.tolist()


def test_no_grad_in_one_thread_leaves_the_other_recording():
    assert _interleave(rg.no_grad, rg.is_grad_enabled) is True
    assert _interleave(rg.no_grad, _grad_of_square) == [2.0, 4.0, 6.0]


def test_inference_mode_is_per_thread():
    assert _interleave(rg.inference_mode, rg.is_inference_mode_enabled) is False
    assert _interleave(rg.inference_mode, _grad_of_square) == [2.0, 4.0, 6.0]


def test_saved_tensor_hooks_are_per_thread():
    packed = []

    def hooks():
        return rg.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t * 0, lambda p: p)

    # thread A's hooks would zero every saved tensor; thread B's gradient must not see them
    assert _interleave(hooks, _grad_of_square) == [2.0, 4.0, 6.0]
    assert packed == []
    # and they still apply in the thread that opened them
    with hooks():
        x = rg.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
    y.backward()
    assert packed and x.grad.tolist() == [0.0, 0.0]


def test_concurrent_backward_passes_are_exact():
    errors, barrier = [], threading.Barrier(4)

    def work(k):
        try:
            barrier.wait(5)
            for _ in range(50):
                x = rg.tensor([float(k), 1.0], requires_grad=True)
                calls = []
                rg.autograd.graph.register_multi_grad_hook([x], calls.append)
                (x * x * k).sum().backward()
                assert x.grad.tolist() == [2.0 * k * k, 2.0 * k] and len(calls) == 1
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.pytorch
@pytest.mark.parametrize("name", ["grad", "inference", "anomaly", "saved_hooks", "dual_level"])
def test_thread_locality_matches_pytorch(name):
    torch = pytest.importorskip("torch")

    def probe(lib):
        blocks = {
            "grad": (lib.no_grad, lib.is_grad_enabled),
            "inference": (lib.inference_mode, lib.is_inference_mode_enabled),
            "anomaly": (lambda: lib.autograd.set_detect_anomaly(True), lib.is_anomaly_enabled),
            "saved_hooks": (
                lambda: lib.autograd.graph.saved_tensors_hooks(lambda t: t * 0, lambda p: p),
                lambda: _square_grad(lib),
            ),
            "dual_level": (
                lib.autograd.forward_ad.dual_level,
                lambda: _has_tangent(lib),
            ),
        }
        block, query = blocks[name]
        return _interleave(block, query)

    assert probe(rg) == probe(torch)


def _square_grad(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    return x.grad.tolist()


def _has_tangent(lib):
    fw = lib.autograd.forward_ad
    d = fw.make_dual(lib.ones(2), lib.ones(2))
    return fw.unpack_dual(d).tangent is not None
