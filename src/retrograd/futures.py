"""`torch.futures`: a value that a started operation (`Work.get_future()`) or a callback will produce.

retrograd runs no background threads for results: an unfinished Future that stands for started work
knows how to finish it, and `wait()` does so; callbacks (`then`, `add_done_callback`) run in the
thread that completes the future, in the order they were added.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = ["Future", "collect_all", "wait_all"]


class Future(Generic[T]):
    """A result to come: `set_result` (or the work it stands for) completes it, `wait()` returns it.

    Args:
        devices (list, optional): PyTorch's CUDA devices; only CPU values exist here.

    Returns:
        (Future): an unfinished future.

    Examples:
        >>> fut = retrograd.futures.Future()
        >>> doubled = fut.then(lambda f: f.value() * 2)
        >>> fut.set_result(21)
        >>> doubled.wait()
        42
    """

    def __init__(self, *, devices: list | None = None) -> None:
        if devices:
            raise ValueError("retrograd's futures hold CPU values; devices must be empty")
        self._done = False
        self._result: Any = None
        self._exception: BaseException | None = None
        self._callbacks: list[Callable[[Future], None]] = []
        self._finish: Callable[[], None] | None = None  # completes this future when waited on

    def done(self) -> bool:
        """True once a result or an exception is set."""
        return self._done

    def wait(self) -> Any:
        """Block until complete (finishing the work it stands for), then its value; raises its exception."""
        if not self._done and self._finish is not None:
            self._finish()
        return self.value()

    def value(self) -> Any:
        """The value of a completed future; raises its exception if it failed."""
        if not self._done:
            raise RuntimeError("Future.value() called before the future completed; use wait()")
        if self._exception is not None:
            raise self._exception
        return self._result

    def set_result(self, result: Any) -> None:
        """Complete with `result` and run the callbacks."""
        self._complete(result, None)

    def set_exception(self, result: BaseException) -> None:
        """Complete with an error that `wait()` and `value()` raise."""
        if not isinstance(result, BaseException):
            raise TypeError(f"{result} is of type {type(result)}, not an Exception.")
        self._complete(None, result)

    def then(self, callback: Callable[[Future], Any]) -> Future:
        """A future of `callback(self)`, run when this one completes; its errors complete the new one."""
        chained: Future[Any] = Future()
        chained._finish = self.wait

        def run(done: Future) -> None:
            try:
                chained.set_result(callback(done))
            except Exception as error:  # noqa: BLE001 - handed to whoever waits on the chained future
                message = "".join(traceback.format_exception_only(type(error), error)).strip()
                chained.set_exception(RuntimeError(f"Got the following error when running the callback: {message}"))

        self.add_done_callback(run)
        return chained

    def add_done_callback(self, callback: Callable[[Future], None]) -> None:
        """Run `callback(self)` on completion (now, if already complete); its return value is dropped."""
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def _complete(self, result: Any, exception: BaseException | None) -> None:
        if self._done:
            raise RuntimeError(
                "Attempting to mark a completed Future as complete again. Note that a Future can only be marked "
                "completed once."
            )
        self._done, self._result, self._exception = True, result, exception
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)


def collect_all(futures: Sequence[Future]) -> Future:
    """A future of the list of `futures`, complete when all of them are.

    Examples:
        >>> a, b = retrograd.futures.Future(), retrograd.futures.Future()
        >>> a.set_result(1); b.set_result(2)
        >>> [f.value() for f in retrograd.futures.collect_all([a, b]).wait()]
        [1, 2]
    """
    together: Future[list[Future]] = Future()
    members = list(futures)

    def finish_all() -> None:
        for f in members:
            f.wait()

    together._finish = finish_all
    remaining = [len(members)]

    def one_done(_: Future) -> None:
        remaining[0] -= 1
        if remaining[0] == 0:
            together.set_result(members)

    if not members:
        together.set_result(members)
    for f in members:
        f.add_done_callback(one_done)
    return together


def wait_all(futures: Sequence[Future]) -> list[Any]:
    """Wait for every future; their values in order (the first failure is raised).

    Examples:
        >>> f = retrograd.futures.Future(); f.set_result("x")
        >>> retrograd.futures.wait_all([f])
        ['x']
    """
    return [f.wait() for f in futures]
