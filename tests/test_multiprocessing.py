"""torch.multiprocessing (spawn, start_processes, sharing strategies), shared memory, torch.onnx."""

from __future__ import annotations

import os
import pickle
import signal
import time

import pytest

import retrograd as rg
import retrograd.multiprocessing as mp


def _add_one(rank, model):
    with rg.no_grad():
        for p in model.parameters():
            p.add_(1.0)


def _fail(rank):
    if rank == 1:
        raise ValueError("boom in 1")


def _hang_unless_failing(rank):
    if rank == 1:
        raise ValueError("rank 1 gave up")
    time.sleep(60)  # rank 0 stands for a rank blocked in a collective with the failed one


def _die_by_signal(rank):
    os.kill(os.getpid(), signal.SIGKILL)


def _write(rank, path):
    with open(f"{path}/{rank}", "w") as f:
        f.write(str(rank * 10))


def test_hogwild_updates_in_shared_memory_reach_the_parent():
    model = rg.nn.Linear(2, 1)
    rg.nn.init.zeros_(model.weight)
    rg.nn.init.zeros_(model.bias)
    model.share_memory()
    assert model.weight.is_shared() and not rg.ones(1).is_shared()
    ctx = mp.get_context("fork")
    processes = [ctx.Process(target=_add_one, args=(r, model)) for r in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    assert model.weight.tolist() == [[3.0, 3.0]] and model.bias.tolist() == [3.0]


def test_start_processes_runs_each_rank_and_reports_failures(tmp_path):
    assert mp.start_processes(_write, args=(str(tmp_path),), nprocs=2, start_method="fork") is None
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == ["0", "10"]
    with pytest.raises(mp.ProcessRaisedException, match="boom in 1") as info:
        mp.start_processes(_fail, nprocs=2, start_method="fork")
    assert info.value.error_index == 1
    with pytest.raises(ValueError, match="only supports start_method=spawn"):
        mp.spawn(_fail, nprocs=1, start_method="fork")


def test_sharing_strategies_and_the_standard_names():
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    mp.set_sharing_strategy("file_system")
    try:
        assert mp.get_sharing_strategy() == "file_system"
    finally:
        mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError):
        mp.set_sharing_strategy("nope")
    assert mp.Queue and mp.Process and mp.get_context and mp.cpu_count() >= 1


def test_onnx_imports_and_refuses_to_export():
    assert rg.onnx.is_in_onnx_export() is False
    with pytest.raises(NotImplementedError, match="cannot export ONNX"):
        rg.onnx.export(rg.nn.Linear(2, 2), (rg.ones(1, 2),), "m.onnx")


def test_attention_kernel_switches():
    from retrograd.nn.attention import SDPBackend, sdpa_kernel

    q = rg.ones(1, 1, 2, 4)
    attention = rg.nn.functional.scaled_dot_product_attention
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
        assert not rg.backends.cuda.math_sdp_enabled() and rg.backends.cuda.flash_sdp_enabled()
        assert attention(q, q, q).shape == (1, 1, 2, 4)
    with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION), pytest.raises(RuntimeError, match="No viable backend"):
        attention(q, q, q)
    assert rg.backends.cuda.math_sdp_enabled() and rg.backends.cuda.flash_sdp_enabled()
    rg.backends.cuda.enable_math_sdp(False)
    rg.backends.cuda.enable_flash_sdp(False)
    try:
        with pytest.raises(RuntimeError, match="No viable backend"):
            attention(q, q, q)
    finally:
        rg.backends.cuda.enable_math_sdp(True)
        rg.backends.cuda.enable_flash_sdp(True)
    with pytest.warns(FutureWarning), rg.backends.cuda.sdp_kernel(enable_math=False):
        assert not rg.backends.cuda.math_sdp_enabled()
    assert not rg.backends.cuda.is_flash_attention_available()
    assert rg.is_autocast_enabled() is False and rg.get_autocast_dtype("cuda") == rg.float16


def test_the_first_process_to_fail_is_reported_and_the_others_stopped_at_once():
    # As PyTorch: join() waits for whichever process ends first, not for process 0 to end.
    start = time.monotonic()
    with pytest.raises(mp.ProcessRaisedException, match="rank 1 gave up") as info:
        mp.start_processes(_hang_unless_failing, nprocs=2, start_method="fork")
    assert info.value.error_index == 1 and time.monotonic() - start < 30
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with signal SIGKILL") as died:
        mp.start_processes(_die_by_signal, nprocs=1, start_method="fork")
    assert died.value.exit_code == -9 and died.value.signal_name == "SIGKILL"


@pytest.mark.pytorch
def test_the_first_failure_matches_pytorch():
    torch_mp = pytest.importorskip("torch.multiprocessing")
    with pytest.raises(torch_mp.ProcessRaisedException, match="rank 1 gave up") as info:
        torch_mp.start_processes(_hang_unless_failing, nprocs=2, start_method="fork")
    assert info.value.error_index == 1
    with pytest.raises(torch_mp.ProcessExitedException, match="process 0 terminated with signal SIGKILL"):
        torch_mp.start_processes(_die_by_signal, nprocs=1, start_method="fork")


def test_spawn_exceptions_carry_error_pid_and_pickle():
    # PyTorch's ProcessException (torch.multiprocessing.spawn) keeps the pid as `error_pid`
    raised = mp.ProcessRaisedException("boom", 2, 4321)
    assert (raised.msg, raised.error_index, raised.error_pid) == ("boom", 2, 4321)
    exited = mp.ProcessExitedException("gone", 1, 7, exit_code=-9, signal_name="SIGKILL")
    assert isinstance(exited, type(raised).__mro__[1]) and type(raised).__mro__[1].__name__ == "ProcessException"
    again = pickle.loads(pickle.dumps(exited))
    assert (again.error_index, again.error_pid, again.exit_code, again.signal_name) == (1, 7, -9, "SIGKILL")
    assert str(pickle.loads(pickle.dumps(raised))) == "boom"


@pytest.mark.pytorch
def test_spawn_exception_attributes_match_pytorch():
    torch_mp = pytest.importorskip("torch.multiprocessing")
    for ours, theirs in ((mp.ProcessRaisedException("boom", 2, 4321), torch_mp.ProcessRaisedException("boom", 2, 4321)),
                         (mp.ProcessExitedException("gone", 1, 7, -9, "SIGKILL"),
                          torch_mp.ProcessExitedException("gone", 1, 7, -9, "SIGKILL"))):
        names = ("msg", "error_index", "error_pid", "exit_code", "signal_name")
        assert [getattr(ours, n, None) for n in names] == [getattr(theirs, n, None) for n in names]
        assert str(ours) == str(theirs) and type(ours).__mro__[1].__name__ == type(theirs).__mro__[1].__name__


def _adam_step(m, model, opt):
    opt.zero_grad()
    model(m.linspace(-1, 1, 12).reshape(4, 3)).pow(2).sum().backward()
    opt.step()


def _shared_adam(m, fork=True):
    """A3C's shared Adam: the model and the moments in shared memory, stepped by forked workers
    (each moment must be updated where it is, so the parent and the next worker see it)."""
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Tanh(), m.nn.Linear(2, 1))
    model.share_memory()
    opt = m.optim.Adam(model.parameters(), lr=0.1)
    for p in model.parameters():
        state = opt.state[p]
        state["step"], state["exp_avg"], state["exp_avg_sq"] = m.tensor(0.0), m.zeros_like(p), m.zeros_like(p)
        for buffer in state.values():
            buffer.share_memory_()
    for _ in range(2):
        if fork:
            worker = m.multiprocessing.get_context("fork").Process(target=_adam_step, args=(m, model, opt))
            worker.start()
            worker.join()
        else:
            _adam_step(m, model, opt)
    moments = [[opt.state[p][n].tolist() for n in ("step", "exp_avg", "exp_avg_sq")] for p in model.parameters()]
    return [p.tolist() for p in model.parameters()], moments


def test_shared_adam_moments_are_updated_in_shared_memory():
    forked = _shared_adam(rg)
    assert forked == _shared_adam(rg, fork=False)
    assert forked[1][-1][0] == 2.0 and forked[1][-1][1] != [0.0]  # the last bias: two steps, a moment


@pytest.mark.pytorch
def test_shared_adam_moments_are_updated_in_shared_memory_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _shared_adam(rg), _shared_adam(torch)
    assert _numbers(ours) == pytest.approx(_numbers(theirs), rel=1e-5, abs=1e-7)


def _numbers(nested):
    return [x for part in nested for x in (_numbers(part) if isinstance(part, (list, tuple)) else [part])]



def _add_one_and_send_back(name, model, view, queue, done):
    """A spawned Hogwild worker: updates the shared parameters, sends a parameter and a view back."""
    import importlib

    with importlib.import_module(name).no_grad():
        for p in model.parameters():
            p.add_(1.0)
    queue.put((model.bias, view[1:]))
    done.wait()  # the memory sent is passed by this process, which must live until the parent has it


def _spawned_hogwild(m):
    """mnist_hogwild's pattern: `share_memory()`, then processes started with "spawn" that train the model
    they got as an argument; the parent sees their updates, and what they send back is the same memory."""
    m.manual_seed(0)
    model = m.nn.Linear(2, 1)
    model.share_memory()
    base = m.arange(5.0).share_memory_()
    before = [p.detach().clone() for p in model.parameters()]
    ctx = m.multiprocessing.get_context("spawn")
    queue, done = ctx.SimpleQueue(), ctx.Event()
    worker = ctx.Process(target=_add_one_and_send_back, args=(m.__name__, model, base[1:], queue, done))
    worker.start()
    bias, tail = queue.get()
    done.set()
    worker.join()
    tail[0] = 100.0
    return (worker.exitcode, [(p - b).tolist() for p, b in zip(model.parameters(), before)], type(bias).__name__,
            bias.requires_grad, bias.is_shared(), bias.data_ptr() == model.bias.data_ptr(),
            tail.storage_offset(), base.tolist())


def test_spawned_processes_share_the_memory_of_shared_tensors():
    assert _spawned_hogwild(rg) == (0, [[[1.0, 1.0]], [1.0]], "Parameter", True, True, True, 2,
                                    [0.0, 1.0, 100.0, 3.0, 4.0])


@pytest.mark.pytorch
def test_spawned_processes_share_the_memory_of_shared_tensors_vs_torch():
    torch = pytest.importorskip("torch")
    assert _spawned_hogwild(rg) == _spawned_hogwild(torch)


def _forked_pickle(m):
    from multiprocessing.reduction import ForkingPickler

    m.multiprocessing  # noqa: B018  (importing it registers the reductions, as in PyTorch)
    base = m.arange(6.0).share_memory_()
    strided = ForkingPickler.loads(ForkingPickler.dumps(base[::2]))
    copied = ForkingPickler.loads(ForkingPickler.dumps(m.arange(3.0)))
    refusal = None
    try:
        ForkingPickler.dumps(m.ones(2, requires_grad=True) * 2)
    except RuntimeError as e:
        refusal = str(e)
    return (strided.tolist(), strided.stride(), strided.is_shared(), strided.data_ptr() == base.data_ptr(),
            copied.tolist(), refusal)


def test_multiprocessing_pickles_shared_tensors_as_their_memory():
    strided, stride, shared, same, copied, refusal = _forked_pickle(rg)
    assert (strided, stride, shared, same, copied) == ([0.0, 2.0, 4.0], (2,), True, True, [0.0, 1.0, 2.0])
    assert refusal.startswith("Cowardly refusing to serialize non-leaf tensor which requires_grad")


@pytest.mark.pytorch
def test_multiprocessing_pickles_shared_tensors_as_their_memory_vs_torch():
    torch = pytest.importorskip("torch")
    assert _forked_pickle(rg) == _forked_pickle(torch)


def test_share_memory_keeps_half_the_descriptor_limit_free(monkeypatch):
    # Short of descriptors, share_memory_() still shares with forked processes (an anonymous mapping),
    # so a large model's share_memory() cannot leave a program unable to open files.
    import resource

    from retrograd import _shared_memory
    from retrograd._storage import shared_mapping

    monkeypatch.setattr(resource, "getrlimit", lambda which: (2 * len(_shared_memory._mapped), 2**20))
    x = rg.ones(3).share_memory_()
    assert x.is_shared() and shared_mapping(x._data).fd is None
    assert _shared_memory.SharedArray.of(x._data) is None  # pickled by value
