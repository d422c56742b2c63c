"""retrograd.futures: Future, then/add_done_callback, collect_all, wait_all (what DDP comm hooks return)."""

from __future__ import annotations

import pytest

import retrograd


def _exercise(futures_module):
    """The same calls on retrograd.futures or torch.futures; what they gave."""
    seen = []
    f = futures_module.Future()
    chained = f.then(lambda done: done.value() + 1)
    f.add_done_callback(lambda done: seen.append(("callback", done.value())))
    before = (f.done(), chained.done())
    f.set_result(3)
    with pytest.raises(RuntimeError, match="can only be marked completed once"):
        f.set_result(4)
    failing = f.then(lambda done: 1 / 0)
    with pytest.raises(RuntimeError, match="Got the following error when running the callback: ZeroDivisionError"):
        failing.wait()
    broken = futures_module.Future()
    broken.set_exception(ValueError("x"))
    with pytest.raises(ValueError, match="x"):
        broken.wait()
    together = futures_module.collect_all([f, chained]).wait()
    return before, chained.wait(), seen, [g.value() for g in together], futures_module.wait_all([f, chained])


def test_futures_chain_and_collect():
    assert _exercise(retrograd.futures) == ((False, False), 4, [("callback", 3)], [3, 4], [3, 4])


@pytest.mark.pytorch
def test_futures_as_in_pytorch():
    torch = pytest.importorskip("torch")
    assert _exercise(retrograd.futures) == _exercise(torch.futures)


def _future_class_checks(lib):
    """`isinstance(result, torch.Future)`, as captum's FeatureAblation asks of a forward's result."""
    return isinstance(lib.futures.Future(), lib.Future), isinstance(1.0, lib.Future), lib.Future.__name__


def test_top_level_future_is_the_futures_class():
    assert retrograd.Future is retrograd.futures.Future
    assert _future_class_checks(retrograd) == (True, False, "Future")


@pytest.mark.pytorch
def test_top_level_future_vs_torch():
    torch = pytest.importorskip("torch")
    assert _future_class_checks(retrograd) == _future_class_checks(torch)
