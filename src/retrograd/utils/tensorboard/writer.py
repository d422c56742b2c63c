"""`SummaryWriter`: scalars, histograms and text written as TensorBoard event files.

As PyTorch's: `SummaryWriter()` writes to `runs/<date>_<host><comment>`, one event file per
writer; `add_scalars` writes each scalar under its own sub-folder. Events are queued and written
when `max_queue` of them wait, when `flush_secs` have passed since the last write, or on
`flush()`/`close()`. No TensorBoard installation is needed to write (only to view: `tensorboard
--logdir runs`). Images are written as PNG (`add_image`, `add_images`, `add_figure`), audio as WAV;
hyper-parameter tables, precision-recall curves, custom-scalar layouts and the embedding projector's
files are written for their TensorBoard plugins, tensors as they are (`add_tensor`), and a model's
graph (`add_graph`); boxes are drawn on images with PIL (`add_image_with_boxes`). Videos and meshes are
not written.
"""

from __future__ import annotations

import builtins
import datetime
import itertools
import os
import socket
import time
from typing import Any

import numpy as np

from . import _events, _graph, _image, _plugins, _projector

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


def _encode(tag: str) -> str:
    """A tag as one folder name: `%`, `/` and `\\` escaped as `%xx`, as PyTorch's writer escapes them."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


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
        self._embeddings: list[dict[str, Any]] = []  # add_embedding's entries of projector_config.pbtxt
        self._file(self.log_dir)

    def _file(self, folder: str) -> _EventFile:
        f = self._files.get(folder)
        if f is None:
            f = self._files[folder] = _EventFile(folder, self.max_queue, self.flush_secs, self.filename_suffix)
            if self.purge_step is not None:
                f.add(_events.session_start(time.time(), self.purge_step))
        return f

    def _write(self, value: bytes, step: int | None, walltime: float | None = None, folder: str | None = None) -> None:
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

    def add_image_with_boxes(self, tag: str, img_tensor: Any, box_tensor: Any, global_step: int | None = None,
                             walltime: float | None = None, rescale: float = 1, dataformats: str = "CHW",
                             labels: Any = None) -> None:
        """Log an image with boxes drawn on it (red outlines, labels on red bands), stored as PNG.

        Drawn with PIL (Pillow), which this method needs, as PyTorch's does.

        Args:
            tag (str): the image's name.
            img_tensor (Tensor or numpy.ndarray): the image, laid out as `dataformats`; scaled as in `add_image`.
            box_tensor (Tensor or numpy.ndarray): (N, 4) boxes, each (x0, y0, x1, y1) in pixels.
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch (default: now).
            rescale (float): resize the drawn image by this factor (default 1).
            dataformats (str): the letters of `img_tensor`'s dimensions (default "CHW").
            labels (str or list of str, optional): one label per box (ignored, as by PyTorch, when the
                count differs from the boxes').

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_image_with_boxes("det", retrograd.rand(3, 32, 32), retrograd.tensor([[2, 2, 20, 24]]), 0,
            ...                            labels=["cat"])
        """
        if isinstance(labels, str):
            labels = [labels]
        boxes = _as_ndarray(box_tensor)
        if labels is not None and len(labels) != boxes.shape[0]:
            labels = None
        hwc = _image.to_hwc(_as_ndarray(img_tensor), dataformats)
        drawn = _image.with_boxes(_image.to_uint8(hwc), boxes, labels, rescale)
        # (the height and width recorded are the image's before `rescale`, as PyTorch records them)
        value = _events.image_value(tag, hwc.shape[0], hwc.shape[1], hwc.shape[2], _image.png(drawn))
        self._write(value, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log a string (Markdown) for TensorBoard's text tab."""
        self._write(_events.text_value(tag, text_string), global_step, walltime)

    def add_figure(self, tag: str, figure: Any, global_step: int | None = None, close: bool = True,
                   walltime: float | None = None) -> None:
        """Log a matplotlib figure (or a list of them, as one grid) as an image.

        Args:
            tag (str): the image's name.
            figure (matplotlib.figure.Figure or list of Figure): drawn with matplotlib's Agg canvas.
            global_step (int, optional): the step to record.
            close (bool): close the figure(s) after drawing (default True).
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import matplotlib
            >>> matplotlib.use("Agg")
            >>> import matplotlib.pyplot as plt
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     fig = plt.figure(figsize=(2, 2))
            ...     w.add_figure("curve", fig, 0)
        """
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        def chw(fig: Any) -> np.ndarray:
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            width, height = fig.canvas.get_width_height()
            rgb = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape(height, width, 4)[:, :, :3]
            if close:
                plt.close(fig)
            return np.moveaxis(rgb, 2, 0)

        if isinstance(figure, list):
            self.add_image(tag, np.stack([chw(f) for f in figure]), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, chw(figure), global_step, walltime, dataformats="CHW")

    def add_audio(self, tag: str, snd_tensor: Any, global_step: int | None = None, sample_rate: int = 44100,
                  walltime: float | None = None) -> None:
        """Log a mono audio clip, stored as 16-bit WAV.

        Args:
            tag (str): the clip's name.
            snd_tensor (Tensor or numpy.ndarray): the samples in [-1, 1], one dimension once squeezed
                (louder samples are clipped, with a printed warning).
            global_step (int, optional): the step to record.
            sample_rate (int): samples per second (default 44100).
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_audio("tone", retrograd.sin(retrograd.arange(800.0) / 10), 0, sample_rate=8000)
        """
        data, frames = _plugins.wav(_as_ndarray(snd_tensor), sample_rate)
        self._write(_events.audio_value(tag, sample_rate, frames, data), global_step, walltime)

    def add_histogram_raw(self, tag: str, min: float, max: float, num: int, sum: float, sum_squares: float,
                          bucket_limits: Any, bucket_counts: Any, global_step: int | None = None,
                          walltime: float | None = None) -> None:
        """Log a histogram computed elsewhere: its statistics, bucket right edges and counts.

        Args:
            tag (str): the histogram's name.
            min (float): the smallest value.
            max (float): the largest value.
            num (int): how many values.
            sum (float): their sum.
            sum_squares (float): the sum of their squares.
            bucket_limits (sequence of float): each bucket's right edge.
            bucket_counts (sequence of float): each bucket's count (as many as `bucket_limits`).
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_histogram_raw("h", 0.0, 2.0, 3, 3.0, 5.0, [1.0, 2.0], [1, 2], 0)
        """
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        stats = (float(min), float(max), float(num), float(sum), float(sum_squares))
        value = _events.histogram_value(tag, stats, [float(x) for x in bucket_limits],
                                        [float(x) for x in bucket_counts])
        self._write(value, global_step, walltime)

    def add_graph(self, model: Any, input_to_model: Any = None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Log the graph of one forward call of `model` for TensorBoard's Graphs tab.

        The model runs once under `no_grad`; every operation becomes a node, grouped by the module it
        ran in (`Net/Linear[fc1]/linear.3`), with its output shape. PyTorch traces with TorchScript,
        so node names and operator spellings are close to, not the same as, PyTorch's.

        Args:
            model (nn.Module): the model.
            input_to_model (Tensor or tuple of Tensor): its input(s).
            verbose (bool): print each recorded node: its name, operator, inputs and shapes (default False).
            use_strict_trace (bool): refuse a dict among the model's outputs (RuntimeError after PyTorch's
                printed message), as PyTorch's strict trace does (default True).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd import nn
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_graph(nn.Sequential(nn.Linear(3, 2), nn.ReLU()), retrograd.randn(4, 3))
        """
        graph = _graph.graph_def(model, () if input_to_model is None else input_to_model, verbose, use_strict_trace)
        # PyTorch's writer adds the graph and then its (here empty) run metadata, tagged "step1"
        files = self._file(self.log_dir)
        files.add(_events.event(time.time(), graph_def=graph))
        files.add(_events.event(time.time(), tagged_run_metadata=_events.message(1, b"step1")))

    def add_tensor(self, tag: str, tensor: Any, global_step: int | None = None, walltime: float | None = None) -> None:
        """Log a tensor's values as they are, for TensorBoard's tensor plugin (and programs that read the events).

        Args:
            tag (str): the tensor's name.
            tensor (Tensor): any shape; a floating, integer, bool or complex dtype (a 16-bit float as the
                bits of its float32 value, complex numbers as (real, imaginary) pairs, as PyTorch stores them).
            global_step (int, optional): the step to record.
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_tensor("weights", retrograd.arange(6.0).reshape(2, 3), 0)
        """
        values = tensor.detach().cpu()
        array = (values.float() if values.dtype.is_floating_point and values.element_size() == 2 else values).numpy()
        self._write(_plugins.tensor_value(tag, array, str(tensor.dtype)), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None,
                    run_name: str | None = None, global_step: int | None = None) -> None:
        """Log one run's hyper-parameters and final metrics for TensorBoard's HParams tab.

        As PyTorch's: written by a new writer in the sub-folder `run_name` (default: the current time),
        which also logs each metric as a scalar there.

        Args:
            hparam_dict (dict): name -> int, float, str, bool or one-element tensor (None values are
                skipped; bools are recorded as the numbers 1.0 and 0.0, as PyTorch records them).
            metric_dict (dict): metric name -> value.
            hparam_domain_discrete (dict, optional): name -> the list of values the parameter can take.
            run_name (str, optional): the sub-folder's name.
            global_step (int, optional): the step to record.

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_hparams({"lr": 0.1, "batch": 32}, {"hparam/accuracy": 0.9}, run_name="run1")
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        values = _plugins.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        with SummaryWriter(log_dir=os.path.join(self.log_dir, run_name)) as run:
            for value in values:
                run._write(value, global_step)
            for k, v in metric_dict.items():
                run.add_scalar(k, v, global_step)

    def add_pr_curve(self, tag: str, labels: Any, predictions: Any, global_step: int | None = None,
                     num_thresholds: int = 127, weights: Any = None, walltime: float | None = None) -> None:
        """Log a precision-recall curve of binary `labels` against `predictions` in [0, 1].

        Args:
            tag (str): the curve's name.
            labels (Tensor or numpy.ndarray): the true labels, 0 or 1 (or bool).
            predictions (Tensor or numpy.ndarray): the predicted probabilities, the same shape.
            global_step (int, optional): the step to record.
            num_thresholds (int): how many thresholds, at most 127 (default 127).
            weights (float or numpy.ndarray, optional): each example's weight.
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_pr_curve("pr", retrograd.tensor([0, 1, 1]), retrograd.tensor([0.2, 0.6, 0.9]), 0)
        """
        num_thresholds = builtins.min(num_thresholds, 127)
        data = _plugins.pr_curve_data(_as_ndarray(labels), _as_ndarray(predictions), num_thresholds, weights)
        self._write(_plugins.pr_curve(tag, data, num_thresholds), global_step, walltime)

    def add_pr_curve_raw(self, tag: str, true_positive_counts: Any, false_positive_counts: Any,
                         true_negative_counts: Any, false_negative_counts: Any, precision: Any, recall: Any,
                         global_step: int | None = None, num_thresholds: int = 127, weights: Any = None,
                         walltime: float | None = None) -> None:
        """Log a precision-recall curve from counts computed elsewhere (one entry per threshold each).

        Args:
            tag (str): the curve's name.
            true_positive_counts (sequence): per threshold.
            false_positive_counts (sequence): per threshold.
            true_negative_counts (sequence): per threshold.
            false_negative_counts (sequence): per threshold.
            precision (sequence): per threshold.
            recall (sequence): per threshold.
            global_step (int, optional): the step to record.
            num_thresholds (int): recorded in the plugin's data, at most 127 (default 127).
            weights (None): not used by the curve (PyTorch's signature also takes it).
            walltime (float, optional): seconds since the epoch (default: now).

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_pr_curve_raw("pr", [2, 1], [1, 0], [0, 1], [0, 1], [0.67, 1.0], [1.0, 0.5], 0, 2)
        """
        num_thresholds = builtins.min(num_thresholds, 127)
        data = np.stack([np.asarray(_as_ndarray(c)) for c in (true_positive_counts, false_positive_counts,
                         true_negative_counts, false_negative_counts, precision, recall)])
        self._write(_plugins.pr_curve(tag, data, num_thresholds), global_step, walltime)

    def add_custom_scalars(self, layout: dict) -> None:
        """Group scalar tags into charts for TensorBoard's Custom Scalars tab.

        Args:
            layout (dict): category -> {chart title -> ["Multiline", [tags or regexes]] or
                ["Margin", [value tag, lower tag, upper tag]]}.

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_custom_scalars({"losses": {"train vs val": ["Multiline", ["loss/train", "loss/val"]]}})
        """
        self._write(_plugins.custom_scalars(layout), None)

    def add_custom_scalars_multilinechart(self, tags: list, category: str = "default", title: str = "untitled") -> None:
        """One Custom Scalars chart with a line per tag (see `add_custom_scalars`).

        Args:
            tags (list of str): the scalar tags (or regexes) to draw together.
            category (str): the chart's category (default "default").
            title (str): the chart's title (default "untitled").

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_custom_scalars_multilinechart(["loss/train", "loss/val"])
        """
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(self, tags: list, category: str = "default", title: str = "untitled") -> None:
        """One Custom Scalars chart of a value with a band between two others (see `add_custom_scalars`).

        Args:
            tags (list of str): three tags: the value, its lower and its upper bound.
            category (str): the chart's category (default "default").
            title (str): the chart's title (default "untitled").

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_custom_scalars_marginchart(["loss", "loss/low", "loss/high"])
        """
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_embedding(self, mat: Any, metadata: Any = None, label_img: Any = None, global_step: int | None = None,
                      tag: str = "default", metadata_header: Any = None) -> None:
        """Write an embedding for TensorBoard's projector: its vectors, labels and thumbnails.

        The files go to `<log_dir>/<global_step, 5 digits>/<tag>/` and `<log_dir>/projector_config.pbtxt`
        lists every embedding this writer wrote, as PyTorch lays them out.

        Args:
            mat (Tensor or numpy.ndarray): (N, D), one vector per point.
            metadata (list, optional): N labels, or N rows of columns with `metadata_header`.
            label_img (Tensor, optional): (N, C, H, W) thumbnails in [0, 1], tiled into `sprite.png`.
            global_step (int, optional): the step (default 0).
            tag (str): the embedding's name (default "default").
            metadata_header (list of str, optional): the metadata's column names.

        Returns:
            None

        Examples:
            >>> import tempfile
            >>> import retrograd
            >>> from retrograd.utils.tensorboard import SummaryWriter
            >>> with SummaryWriter(tempfile.mkdtemp()) as w:
            ...     w.add_embedding(retrograd.randn(4, 3), metadata=["a", "b", "c", "d"])
        """
        array = _as_ndarray(mat)
        step = str(0 if global_step is None else global_step).zfill(5)
        subdir = f"{step}/{_encode(tag)}"
        images = None if label_img is None else _as_ndarray(label_img)
        _projector.write_embedding(os.path.join(self.log_dir, subdir), array, metadata, images, metadata_header)
        entry: dict[str, Any] = {"tensor_name": f"{tag}:{step}", "tensor_path": f"{subdir}/tensors.tsv"}
        if metadata is not None:
            entry["metadata_path"] = f"{subdir}/metadata.tsv"
        if images is not None:
            entry["sprite"] = (f"{subdir}/sprite.png", (images.shape[3], images.shape[2]))
        self._embeddings.append(entry)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "wb") as f:
            f.write(_projector.config_text(self._embeddings).encode())

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
