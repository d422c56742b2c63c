"""`SummaryWriter`: scalars, histograms and text written as TensorBoard event files.

As PyTorch's: `SummaryWriter()` writes to `runs/<date>_<host><comment>`, one event file per
writer; `add_scalars` writes each scalar under its own sub-folder. Events are queued and written
when `max_queue` of them wait, when `flush_secs` have passed since the last write, or on
`flush()`/`close()`. No TensorBoard installation is needed to write (only to view: `tensorboard
--logdir runs`). Images are written as PNG (`add_image`, `add_images`); audio, graphs, embeddings and
hyper-parameter tables are not written.
"""

from __future__ import annotations

import datetime
import itertools
import os
import socket
import time
from typing import Any

import numpy as np

from . import _events, _image

__all__ = ["SummaryWriter"]

_uid = itertools.count()


def _tensorflow_bins() -> np.ndarray:
    """TensorFlow's default histogram edges: ±1e-12 growing by 10% to ±1e20, and 0."""
    positive = []
    v = 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    return np.array([-x for x in reversed(positive)] + [0.0] + positive)


def _as_array(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _as_ndarray(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _as_float(value: Any) -> float:
    if hasattr(value, "item"):
        return float(value.item())
    return float(value)


class _EventFile:
    """One event file, its events queued until written."""

    def __init__(self, log_dir: str, max_queue: int, flush_secs: float, suffix: str) -> None:
        os.makedirs(log_dir, exist_ok=True)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{next(_uid)}"
        self.path = os.path.join(log_dir, name + suffix)
        self.max_queue, self.flush_secs = max_queue, flush_secs
        self.queue: list[bytes] = []
        self.last_write = time.time()
        with open(self.path, "wb") as f:  # the header event, at once, as PyTorch's writer
            f.write(_events.record(_events.event(time.time(), file_version="brain.Event:2")))

    def add(self, event: bytes) -> None:
        self.queue.append(_events.record(event))
        if len(self.queue) >= self.max_queue or time.time() - self.last_write >= self.flush_secs:
            self.flush()

    def flush(self) -> None:
        if self.queue:
            with open(self.path, "ab") as f:
                f.write(b"".join(self.queue))
            self.queue.clear()
        self.last_write = time.time()


class SummaryWriter:
    """Write scalars, histograms and text for TensorBoard.

    Args:
        log_dir (str, optional): the folder (default: `runs/<date>_<host><comment>`).
        comment (str): added to the default folder's name (ignored by PyTorch too when `log_dir` is given).
        purge_step (int, optional): TensorBoard drops events logged at this step or later by an
            earlier run into the same folder (for resuming after a crash).
        max_queue (int): events kept before writing them (default 10).
        flush_secs (float): seconds between writes at most (default 120).
        filename_suffix (str): added to the event file's name.

    Returns:
        (SummaryWriter): the writer; also a context manager that closes it.

    Examples:
        >>> import tempfile
        >>> from retrograd.utils.tensorboard import SummaryWriter
        >>> with SummaryWriter(tempfile.mkdtemp()) as w:
        ...     w.add_scalar("loss", 0.5, 1)
    """

    def __init__(self, log_dir: str | None = None, comment: str = "", purge_step: int | None = None,
                 max_queue: int = 10, flush_secs: float = 120, filename_suffix: str = "") -> None:
        if log_dir is None:
            stamp = datetime.datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = str(log_dir)
        self.max_queue, self.flush_secs, self.filename_suffix = max_queue, flush_secs, filename_suffix
        self.purge_step = purge_step
        self._files: dict[str, _EventFile] = {}
        self._file(self.log_dir)

    def _file(self, folder: str) -> _EventFile:
        f = self._files.get(folder)
        if f is None:
            f = self._files[folder] = _EventFile(folder, self.max_queue, self.flush_secs, self.filename_suffix)
            if self.purge_step is not None:
                f.add(_events.session_start(time.time(), self.purge_step))
        return f

    def _write(self, value: bytes, step: int | None, walltime: float | None, folder: str | None = None) -> None:
        wall = time.time() if walltime is None else float(walltime)
        summary = _events.summary([value])
        self._file(folder or self.log_dir).add(_events.event(wall, int(step or 0), summary_bytes=summary))

    def get_logdir(self) -> str:
        """The folder this writer writes to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None, walltime: float | None = None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """Log one number (a Python number or a one-element tensor) under `tag` at `global_step`.

        `new_style`/`double_precision` (PyTorch's tensor-based scalars) are not written: True raises.
        """
        if new_style or double_precision:
            raise NotImplementedError("SummaryWriter.add_scalar: new_style and double_precision are not written")
        self._write(_events.scalar_value(tag, _as_float(scalar_value)), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict[str, Any], global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Log several numbers on one chart: each under `main_tag`, in the sub-folder `<log_dir>/<main_tag>_<tag>`."""
        for tag, value in tag_scalar_dict.items():
            folder = os.path.join(self.log_dir, f"{main_tag.replace('/', '_')}_{tag}")
            self._write(_events.scalar_value(main_tag, _as_float(value)), global_step, walltime, folder)

    def add_histogram(self, tag: str, values: Any, global_step: int | None = None, bins: Any = "tensorflow",
                      walltime: float | None = None, max_bins: int | None = None) -> None:
        """Log the distribution of `values` (a tensor or array): counts over `bins` (TensorFlow's by default,
        or anything `numpy.histogram` takes), trimmed to the range the values occupy."""
        data = _as_array(values)
        if data.size == 0:
            raise ValueError("The input has no element.")
        edges = _tensorflow_bins() if isinstance(bins, str) and bins == "tensorflow" else bins
        counts, limits = np.histogram(data, bins=edges)
        if max_bins is not None and len(counts) > max_bins:  # merge neighbouring buckets
            group = -(-len(counts) // max_bins)
            pad = (-len(counts)) % group
            counts = np.pad(counts, (0, pad)).reshape(-1, group).sum(1)
            limits = np.concatenate([limits[:-1:group], limits[-1:]])
        filled = np.flatnonzero(counts)
        first, last = (int(filled[0]), int(filled[-1])) if filled.size else (0, 0)
        kept = counts[first: last + 1]
        stats = (float(data.min()), float(data.max()), float(data.size), float(data.sum()), float(data @ data))
        value = _events.histogram_value(tag, stats, limits[first + 1: last + 2].tolist(), kept.astype(float).tolist())
        self._write(value, global_step, walltime)

    def add_image(self, tag: str, img_tensor: Any, global_step: int | None = None, walltime: float | None = None,
                  dataformats: str = "CHW") -> None:
        """Log one image for TensorBoard's images tab, stored as PNG.

        Args:
            tag (str): the image's name.
            img_tensor (Tensor or numpy.ndarray): the image, laid out as `dataformats`: `(C, H, W)` by default,
                or `(H, W, C)`, `(H, W)`; C is 1 (grey, repeated to RGB), 3 (RGB) or 4 (RGBA). uint8 values are
                used as they are; other dtypes are read as [0, 1] and scaled by 255. Values are clipped to [0, 255].
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch (default: now).
            dataformats (str): the letters of `img_tensor`'s dimensions (default "CHW").

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_image("frame", retrograd.rand(3, 8, 8), 0)
        """
        hwc = _image.to_uint8(_image.to_hwc(_as_ndarray(img_tensor), dataformats))
        encoded = _image.png(hwc)
        self._write(_events.image_value(tag, hwc.shape[0], hwc.shape[1], hwc.shape[2], encoded), global_step, walltime)

    def add_images(self, tag: str, img_tensor: Any, global_step: int | None = None, walltime: float | None = None,
                   dataformats: str = "NCHW") -> None:
        """Log a batch of images as one grid (up to 8 per row, as PyTorch tiles them), stored as PNG.

        Args:
            tag (str): the grid's name.
            img_tensor (Tensor or numpy.ndarray): the images, laid out as `dataformats`: `(N, C, H, W)` by
                default, or `(N, H, W, C)`; C is 1 or 3. Values are scaled and clipped as in `add_image`.
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch (default: now).
            dataformats (str): the letters of `img_tensor`'s dimensions (default "NCHW").

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_images("frames", retrograd.rand(4, 3, 8, 8), 0)
        """
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log a string (Markdown) for TensorBoard's text tab."""
        self._write(_events.text_value(tag, text_string), global_step, walltime)

    def flush(self) -> None:
        """Write the queued events to disk."""
        for f in self._files.values():
            f.flush()

    def close(self) -> None:
        """Write what is queued; the writer should not be used after."""
        self.flush()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
