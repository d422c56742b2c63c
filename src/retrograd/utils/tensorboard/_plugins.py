"""What TensorBoard's plugins read: hyper-parameter tables, precision-recall curves, custom-scalar
layouts and audio, as the `Summary.Value`s PyTorch's writer makes for them.

Each plugin's data is a small protocol buffer of its own (`HParamsPluginData`, `PrCurvePluginData`,
`Layout`) inside the value's metadata or tensor; the field numbers below are the plugins' .proto files'.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np

from ._events import (
    double_field,
    message,
    packed_field,
    plugin_value,
    string_field,
    tensor_proto,
    varint_field,
)

__all__ = ["hparams", "pr_curve", "pr_curve_data", "custom_scalars", "wav", "tensor_value"]

_DT_FLOAT, _DT_STRING = 1, 7  # TensorFlow's DataType
_FLOAT64, _STRING = 3, 1  # hparams' DataType (a bool hyper-parameter is a number: see `_kind`)


# --- hyper-parameters: an experiment, a session start (the values) and a session end ----------


def _value(v: Any) -> bytes:
    """A `google.protobuf.Value`: number_value = 2 (double) or string_value = 3 (a bool is a number here)."""
    if isinstance(v, str):
        return message(3, v.encode())
    return double_field(2, float(v), in_oneof=True)


def _kind(v: Any) -> int | None:
    """The hparams DataType of a value; None for None (skipped). PyTorch tests int/float before bool,
    so True and False are recorded as the numbers 1.0 and 0.0."""
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return _FLOAT64
    if isinstance(v, str):
        return _STRING
    if hasattr(v, "detach"):
        return _FLOAT64
    raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")


def _check_domains(hparam_dict: dict, metric_dict: dict, domains: Any) -> dict:
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = domains or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as hparam_dict[{k}]."
            )
    return domains


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: Any = None) -> tuple[bytes, bytes, bytes]:
    """The experiment, session-start and session-end values (`Summary.Value`s) of one run's hyper-parameters.

    TypeError for arguments that are not dicts or a discrete domain unlike its value; ValueError for a
    value that is not a number, string, bool or tensor (PyTorch's checks and messages).
    """
    domains = _check_domains(hparam_dict, metric_dict, hparam_domain_discrete)
    infos, values = b"", b""
    for k, v in hparam_dict.items():
        kind = _kind(v)
        if kind is None:
            continue
        if hasattr(v, "detach"):  # PyTorch's make_np(v)[0]: the first element of a 1-d (or more) tensor
            v = v.detach().cpu().numpy()[0].item()
        domain = b""
        if k in domains and not hasattr(hparam_dict[k], "detach"):
            domain = message(5, b"".join(message(1, _value(d)) for d in domains[k]))  # ListValue.values
        infos += message(4, string_field(1, k) + varint_field(4, kind) + domain)  # Experiment.hparam_infos
        values += message(1, string_field(1, k) + message(2, _value(v)))  # SessionStartInfo.hparams (a map)
    metrics = b"".join(message(5, message(1, string_field(2, k))) for k in metric_dict)  # MetricInfo.name.tag
    # each an HParamsPluginData (version 0, left out) with experiment = 2, session_start_info = 3 or
    # session_end_info = 4 (status SUCCESS = 1)
    experiment = plugin_value("_hparams_/experiment", "hparams", message(2, infos + metrics))
    start = plugin_value("_hparams_/session_start_info", "hparams", message(3, values))
    end = plugin_value("_hparams_/session_end_info", "hparams", message(4, varint_field(1, 1)))
    return experiment, start, end


# --- precision-recall curves ------------------------------------------------------------------


def pr_curve_data(labels: np.ndarray, predictions: np.ndarray, num_thresholds: int, weights: Any = None) -> np.ndarray:
    """(6, num_thresholds): true/false positive and negative counts, precision and recall per threshold,
    as TensorBoard's (and PyTorch's) `compute_curve` buckets predictions in [0, 1]."""
    weights = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    positive = labels.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=positive * weights)
    fp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=(1.0 - positive) * weights)
    tp = np.cumsum(tp_buckets[::-1])[::-1]  # everything at or above each threshold counts as predicted positive
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def pr_curve(tag: str, data: np.ndarray, num_thresholds: int) -> bytes:
    """A `Summary.Value` for the PR-curves plugin: the (6, n) table as a float tensor."""
    content = varint_field(2, num_thresholds)  # PrCurvePluginData: version 0 (left out), num_thresholds
    tensor = tensor_proto(_DT_FLOAT, data.shape, float_val=data.reshape(-1).tolist())
    return plugin_value(tag, "pr_curves", content, tensor)


# --- custom scalars: which tags share a chart ----------------------------------------------------


def custom_scalars(layout: dict) -> bytes:
    """The custom-scalars plugin's `Layout` ({category: {chart title: ["Multiline" or "Margin", tags]}})
    as a string tensor under the tag `custom_scalars__config__`."""
    categories = b""
    for title, charts in layout.items():
        body = b""
        for chart_title, (kind, tags) in charts.items():
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = string_field(1, tags[0]) + string_field(2, tags[1]) + string_field(3, tags[2])
                content = message(3, message(1, series))  # Chart.margin.series
            else:
                content = message(2, b"".join(message(1, t.encode()) for t in tags))  # Chart.multiline.tag
            body += message(2, string_field(1, chart_title) + content)  # Category.chart
        categories += message(2, string_field(1, title) + body)  # Layout.category (version 0 left out)
    tensor = tensor_proto(_DT_STRING, (), string_val=[categories])
    return plugin_value("custom_scalars__config__", "custom_scalars", tensor=tensor)


# --- audio ---------------------------------------------------------------------------------------


def wav(samples: np.ndarray, sample_rate: int) -> tuple[bytes, int]:
    """A mono 16-bit WAV file of `samples` in [-1, 1] (squeezed to 1-d; clipped, with PyTorch's warning,
    when outside), and its length in frames."""
    samples = samples.squeeze()
    if abs(samples).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        samples = samples.clip(-1, 1)
    if samples.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    pcm = (samples * np.iinfo(np.int16).max).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue(), pcm.shape[-1]


# --- a tensor as it is (`add_tensor`) -------------------------------------------------------------

# dtype name -> (TensorFlow DataType, TensorProto field, packed element format): PyTorch's table, where
# a 16-bit float travels as the bits of its float32 value read as an int32 (PyTorch's `half_to_int`)
# and complex numbers as (real, imaginary) pairs
_TENSOR_FIELDS = {
    "float16": (19, 13, "varint"), "bfloat16": (14, 13, "varint"), "float32": (1, 5, "f"), "float64": (2, 6, "d"),
    "int8": (6, 7, "varint"), "int16": (5, 7, "varint"), "int32": (3, 7, "varint"), "int64": (9, 10, "varint"),
    "uint8": (4, 16, "varint"), "bool": (10, 11, "varint"), "complex64": (8, 9, "f"), "complex128": (18, 12, "d"),
}


def tensor_value(tag: str, array: np.ndarray, dtype: str) -> bytes:
    """A `Summary.Value` for the tensor plugin: the array's elements in TensorProto's field for its dtype
    (`dtype`, the tensor's dtype as printed; a 16-bit float tensor's values come as a float32 array).

    ValueError, as PyTorch's, for a dtype the table lacks or a tensor over protobuf's 2 GB."""
    if array.size * array.dtype.itemsize >= 1 << 31:
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    dtype_name = dtype.rsplit(".", 1)[-1]
    if dtype_name not in _TENSOR_FIELDS:
        raise ValueError(f"{tag} has unsupported tensor dtype {dtype}")
    kind, field, fmt = _TENSOR_FIELDS[dtype_name]
    flat = np.ascontiguousarray(array).reshape(-1)
    if dtype_name in ("float16", "bfloat16"):
        flat = flat.astype(np.float32).view(np.int32)
    elif flat.dtype.kind == "c":
        flat = flat.view(flat.real.dtype)  # (re, im) pairs in a row
    proto = varint_field(1, kind) + message(2, b"".join(message(2, varint_field(1, n)) for n in array.shape))
    if flat.size:
        proto += packed_field(field, flat.tolist(), fmt)
    return plugin_value(tag, "tensor", tensor=proto)
