"""SummaryWriter's event files: TFRecord framing with valid checksums, and the Event messages inside.

Read back with a small protocol-buffer reader written here (TensorBoard is not a dependency).
"""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.tensorboard import SummaryWriter
from retrograd.utils.tensorboard._events import crc32c


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _records(path):
    data = open(path, "rb").read()
    out, i = [], 0
    while i < len(data):
        (length,) = struct.unpack_from("<Q", data, i)
        assert struct.unpack_from("<I", data, i + 8)[0] == _masked(crc32c(data[i : i + 8]))
        body = data[i + 12 : i + 12 + length]
        assert struct.unpack_from("<I", data, i + 12 + length)[0] == _masked(crc32c(body))
        out.append(body)
        i += 16 + length
    return out


def _fields(buf):
    """(field number, value) pairs of one message: ints, bytes, or raw 4/8-byte values."""
    i, out = 0, []
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = struct.unpack_from("<d", buf, i)[0], i + 8
        elif wire == 5:
            value, i = struct.unpack_from("<f", buf, i)[0], i + 4
        else:
            n, i = _varint(buf, i)
            value, i = buf[i : i + n], i + n
        out.append((field, value))
    return out


def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def _events(folder):
    (name,) = [n for n in os.listdir(folder) if n.startswith("events.out.tfevents.")]
    return [dict(_fields(r)) for r in _records(os.path.join(folder, name))]


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283


def test_scalars_histograms_and_text(tmp_path):
    with SummaryWriter(str(tmp_path), max_queue=2) as w:
        w.add_scalar("loss", rg.tensor(0.25), 3)
        w.add_scalar("lr", 0.1, 4, walltime=123.0)
        w.add_histogram("weights", rg.tensor([-1.0, 0.5, 0.5, 2.0]), 5)
        w.add_text("note", "hello", 6)
    events = _events(str(tmp_path))
    assert events[0][3] == b"brain.Event:2"
    loss = dict(_fields(dict(_fields(events[1][5]))[1]))
    assert loss[1] == b"loss" and loss[2] == 0.25 and events[1][2] == 3
    assert events[2][1] == 123.0 and events[2][2] == 4
    histo = dict(_fields(dict(_fields(dict(_fields(events[3][5]))[1]))[5]))
    assert (histo[1], histo[2], histo[3], histo[4], histo[5]) == (-1.0, 2.0, 4.0, 2.0, 5.5)
    counts = np.frombuffer(histo[7], dtype="<f8")
    limits = np.frombuffer(histo[6], dtype="<f8")
    assert counts.sum() == 4 and len(counts) == len(limits) and limits[-1] >= 2.0
    text = dict(_fields(dict(_fields(events[4][5]))[1]))
    assert text[1] == b"note" and dict(_fields(text[8]))[8] == b"hello"


def test_add_scalars_writes_one_folder_per_series_and_purge_step(tmp_path):
    w = SummaryWriter(str(tmp_path), purge_step=7)
    w.add_scalars("run", {"train": 1.0, "val": 2.0}, 1)
    w.close()
    assert sorted(p for p in os.listdir(tmp_path) if not p.startswith("events")) == ["run_train", "run_val"]
    value = dict(_fields(dict(_fields(_events(str(tmp_path / "run_val"))[2][5]))[1]))
    assert value[1] == b"run" and value[2] == 2.0
    start = _events(str(tmp_path))[1]  # purge_step: SessionLog START at step 7
    assert start[2] == 7 and dict(_fields(start[6]))[1] == 1


def test_default_folder_and_refusals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    assert w.get_logdir().startswith("runs") and w.get_logdir().endswith("_exp") and os.path.isdir(w.get_logdir())
    with pytest.raises(NotImplementedError):
        w.add_scalar("x", 1.0, new_style=True)
    with pytest.raises(ValueError, match="no element"):
        w.add_histogram("h", np.array([]))


def _png_pixels(data):
    """Pixels of an 8-bit, unfiltered PNG (what the writer produces), read with zlib alone."""
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, chunks = 8, {}
    while i < len(data):
        (n,) = struct.unpack_from(">I", data, i)
        chunks[data[i + 4 : i + 8]] = chunks.get(data[i + 4 : i + 8], b"") + data[i + 8 : i + 8 + n]
        i += 12 + n
    w, h, depth, color = struct.unpack_from(">IIBB", chunks[b"IHDR"])
    c = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(h, 1 + w * c)
    assert depth == 8 and (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(h, w, c)


def _image(event):
    value = dict(_fields(dict(_fields(event[5]))[1]))
    image = dict(_fields(value[4]))
    return value[1], (image[1], image[2], image[3]), _png_pixels(image[4])


def test_add_image_and_add_images_follow_pytorchs_layout_rules(tmp_path):
    chw = np.array([[[0.0, 0.5]], [[1.0, 2.0]], [[-1.0, 0.25]]], np.float32)  # C=3, H=1, W=2
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image("chw", rg.tensor(chw), 1)
        w.add_image("u8", np.array([[[7, 300 % 256, 9]]], np.uint8), 2, dataformats="HWC")
        w.add_image("hw", rg.tensor([[0.0, 1.0]]), 3, dataformats="HW")
        w.add_images("grid", rg.ones(9, 1, 1, 1) * 0.5, 4)
        with pytest.raises(AssertionError, match="size of input tensor and input format are different"):
            w.add_image("bad", rg.ones(2, 2))
        with pytest.raises(AssertionError, match="same dimension shorthand twice"):
            w.add_image("bad", rg.ones(2, 2, 2), dataformats="CCW")
    events = _events(str(tmp_path))[1:]
    tag, dims, px = _image(events[0])
    # floats are scaled by 255, clipped, truncated to uint8: (H, W, C) = (1, 2, 3)
    assert tag == b"chw" and dims == (1, 2, 3) and events[0][2] == 1
    assert px.tolist() == [[[0, 255, 0], [127, 255, 63]]]
    assert _image(events[1])[2].tolist() == [[[7, 44, 9]]]  # uint8 kept as it is
    assert _image(events[2])[2].tolist() == [[[0, 0, 0], [255, 255, 255]]]  # grey repeated to RGB
    tag, dims, px = _image(events[3])  # 9 images: a grid of 8 columns and 2 rows, the gap black
    assert dims == (2, 8, 3) and (px[0] == 127).all() and (px[1, 0] == 127).all() and (px[1, 1:] == 0).all()


# --- the plugins' data: hyper-parameters, PR curves, custom scalars, audio, embeddings, figures ----


def _value(event):
    return dict(_fields(dict(_fields(event[5]))[1]))


def _plugin(value):
    """(plugin name, content) of a Summary.Value's metadata."""
    data = dict(_fields(dict(_fields(value[9]))[1]))
    return data[1].decode(), data.get(2, b"")


def test_add_hparams_writes_a_run_folder_with_the_plugin_data_and_metrics(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": 0.1, "opt": "adam", "flag": True, "skip": None}, {"hp/acc": 0.75},
                      {"opt": ["adam", "sgd"]}, run_name="r1", global_step=2)
    events = _events(str(tmp_path / "r1"))
    tags = [_value(e)[1] for e in events[1:]]
    assert tags == [b"_hparams_/experiment", b"_hparams_/session_start_info", b"_hparams_/session_end_info", b"hp/acc"]
    assert all(e[2] == 2 for e in events[1:])
    name, content = _plugin(_value(events[1]))
    experiment = _fields(dict(_fields(content))[2])
    infos = [dict(_fields(v)) for k, v in experiment if k == 4]
    assert [(i[1], i[4]) for i in infos] == [(b"lr", 3), (b"opt", 1), (b"flag", 3)]  # a bool is a number (FLOAT64)
    domain = [dict(_fields(v))[3] for _, v in _fields(infos[1][5])]
    assert name == "hparams" and domain == [b"adam", b"sgd"]
    metric = [dict(_fields(dict(_fields(v))[1]))[2] for k, v in experiment if k == 5]
    assert metric == [b"hp/acc"]
    start = dict(_fields(_plugin(_value(events[2]))[1]))[3]
    values = {dict(_fields(e))[1]: dict(_fields(dict(_fields(e))[2])) for _, e in _fields(start)}
    assert values == {b"lr": {2: 0.1}, b"opt": {3: b"adam"}, b"flag": {2: 1.0}}
    assert dict(_fields(dict(_fields(_plugin(_value(events[3]))[1]))[4])) == {1: 1}  # STATUS_SUCCESS
    assert _value(events[4])[2] == 0.75


def test_add_hparams_refusals_are_pytorchs(tmp_path):
    w = SummaryWriter(str(tmp_path))
    with pytest.raises(TypeError, match="should be dictionary"):
        w.add_hparams([("lr", 0.1)], {})
    with pytest.raises(ValueError, match="int, float, str, bool, or torch.Tensor"):
        w.add_hparams({"x": [1]}, {})
    with pytest.raises(TypeError, match=r"hparam_domain_discrete\[x\] should be a list of same type"):
        w.add_hparams({"x": 1}, {}, {"x": ["a"]})


def test_pr_curve_counts_precision_and_recall(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_pr_curve("pr", rg.tensor([0, 1, 1, 0]), rg.tensor([0.1, 0.8, 0.4, 0.3]), 1, num_thresholds=5)
    value = _value(_events(str(tmp_path))[1])
    name, content = _plugin(value)
    tensor = dict(_fields(value[8]))
    dims = [dict(_fields(d))[1] for k, d in _fields(tensor[2]) if k == 2]
    table = np.frombuffer(tensor[5], "<f4").reshape(dims)
    assert name == "pr_curves" and dict(_fields(content)) == {2: 5} and dims == [6, 5]
    # thresholds 0, .25, .5, .75, 1: predictions at or above each count as positive
    np.testing.assert_array_equal(table[0], [2, 2, 1, 1, 0])  # true positives
    np.testing.assert_array_equal(table[1], [2, 1, 0, 0, 0])  # false positives
    np.testing.assert_allclose(table[4], [0.5, 2 / 3, 1, 1, 0], rtol=1e-6)  # precision
    np.testing.assert_allclose(table[5], [1, 1, 0.5, 0.5, 0])  # recall


def test_custom_scalars_audio_and_raw_histogram(tmp_path, capsys):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_custom_scalars_marginchart(["v", "lo", "hi"], category="c", title="t")
        w.add_audio("tone", rg.linspace(-2, 2, 10), 3, sample_rate=100)
        w.add_histogram_raw("h", 0.0, 2.0, 3, 3.0, 5.0, [1.0, 2.0], [1, 2], 4)
        with pytest.raises(AssertionError, match="Expected 3 tags, got 1."):
            w.add_custom_scalars_marginchart(["v"])
        with pytest.raises(ValueError, match="len\\(bucket_limits\\)"):
            w.add_histogram_raw("h", 0, 1, 1, 1, 1, [1.0], [1, 2])
    assert "audio amplitude out of range" in capsys.readouterr().out
    events = _events(str(tmp_path))
    layout = dict(_fields(dict(_fields(_value(events[1])[8]))[8]))  # the Layout, a string tensor
    category = dict(_fields(layout[2]))
    chart = dict(_fields(category[2]))
    series = dict(_fields(dict(_fields(chart[3]))[1]))
    assert category[1] == b"c" and chart[1] == b"t" and series == {1: b"v", 2: b"lo", 3: b"hi"}
    audio = dict(_fields(_value(events[2])[6]))
    assert (audio[1], audio[2], audio[3], audio[5]) == (100.0, 1, 10, b"audio/wav")
    import io
    import wave

    with wave.open(io.BytesIO(audio[4])) as clip:
        pcm = np.frombuffer(clip.readframes(10), "<i2")
    assert pcm[0] == -32767 and pcm[-1] == 32767  # clipped to [-1, 1]
    histo = dict(_fields(_value(events[3])[5]))
    assert (histo[1], histo[2], histo[3]) == (0.0, 2.0, 3.0)


def test_add_embedding_writes_the_projector_files(tmp_path, capsys):
    w = SummaryWriter(str(tmp_path))
    mat = rg.tensor([[0.1, 2.0], [3.0, -4.5]])
    w.add_embedding(mat, metadata=["a", "b"], label_img=rg.rand(2, 3, 4, 5), global_step=3, tag="my/emb")
    w.add_embedding(mat, metadata=[["x", 1], ["y", 2]], metadata_header=["name", "n"])
    w.add_embedding(mat)  # the same folder again: PyTorch's warning
    assert "Embedding dir exists" in capsys.readouterr().out
    folder = tmp_path / "00003" / "my%2femb"
    assert (folder / "tensors.tsv").read_text() == "0.10000000149011612\t2.0\n3.0\t-4.5\n"
    assert (folder / "metadata.tsv").read_text() == "a\nb\n"
    sprite = _png_pixels((folder / "sprite.png").read_bytes())
    assert sprite.shape == (10, 10, 3)  # two 4x5 images side by side, padded to a square
    assert (tmp_path / "00000" / "default" / "metadata.tsv").read_text() == "name\tn\nx\t1\ny\t2\n"
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert config.startswith(
        'embeddings {\n  tensor_name: "my/emb:00003"\n  metadata_path: "00003/my%2femb/metadata.tsv"\n'
        '  sprite {\n    image_path: "00003/my%2femb/sprite.png"\n    single_image_dim: 5\n'
        '    single_image_dim: 4\n  }\n  tensor_path: "00003/my%2femb/tensors.tsv"\n}\n'
    )
    assert config.count("embeddings {") == 3
    with pytest.raises(AssertionError, match="#labels should equal"):
        w.add_embedding(mat, metadata=["a"], global_step=9)


def test_add_figure_draws_with_matplotlib(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 0.5), dpi=40)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_figure("f", fig, 1)
        w.add_figure("fs", [plt.figure(figsize=(1, 0.5), dpi=40), plt.figure(figsize=(1, 0.5), dpi=40)], 2)
    assert not plt.fignum_exists(fig.number)  # closed after drawing
    events = _events(str(tmp_path))
    assert _image(events[1])[1] == (20, 40, 3)
    assert _image(events[2])[1] == (20, 80, 3)  # two figures side by side


def test_plugin_values_are_the_bytes_pytorchs_writer_makes():
    """Against PyTorch's own summaries where TensorBoard is installed (its protobuf classes)."""
    pytest.importorskip("tensorboard")
    torch = pytest.importorskip("torch")
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
    from torch.utils.tensorboard import summary as pt

    from retrograd.utils.tensorboard import _events, _plugins

    def ours(value):
        return _events.summary([value])

    rng = np.random.default_rng(0)
    labels, preds, weights = rng.integers(0, 2, 50), rng.random(50), rng.random(50)
    assert pt.pr_curve("pr", labels, preds, 50, weights).SerializeToString() == ours(
        _plugins.pr_curve("pr", _plugins.pr_curve_data(labels, preds, 50, weights), 50))
    layout = {"a": {"m": ["Multiline", ["x", "y"]]}, "b": {"n": ["Margin", ["v", "lo", "hi"]]}}
    assert pt.custom_scalars(layout).SerializeToString() == ours(_plugins.custom_scalars(layout))
    for dtype in ("float16", "bfloat16", "float32", "float64", "int8", "int32", "int64", "uint8", "bool", "complex64"):
        t = torch.tensor([[1.5, -2.25, 0.0], [3.0, -0.0, 7.0]]).to(getattr(torch, dtype))
        values = (t.float() if dtype in ("float16", "bfloat16") else t).numpy()
        assert pt.tensor_proto("t", t).SerializeToString() == ours(_plugins.tensor_value("t", values, str(t.dtype)))
    import io

    from PIL import Image

    from retrograd.utils.tensorboard import _image as ours_image

    picture = rng.random((3, 24, 32)).astype(np.float32)
    boxes = np.array([[2, 3, 20, 15], [5, 1, 30, 22]])
    theirs_png = pt.image_boxes("b", picture, boxes, rescale=0.75, labels=["cat", "dog"]).value[0].image
    drawn = ours_image.with_boxes(ours_image.to_uint8(picture.transpose(1, 2, 0)), boxes, ["cat", "dog"], 0.75)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(theirs_png.encoded_image_string))), drawn)
    samples = np.sin(np.arange(300) / 7.0) * 0.5
    clip, frames = _plugins.wav(samples, 8000)
    assert pt.audio("a", samples, 8000).SerializeToString() == ours(_events.audio_value("a", 8000, frames, clip))
    hp = {"lr": 0.1, "bs": 32, "opt": "adam", "flag": True, "t": torch.tensor([0.5]), "zero": 0}
    domains = {"opt": ["adam", ""], "bs": [16, 32], "flag": [True, False]}
    for theirs, mine in zip(pt.hparams(hp, {"m": 1.0}, domains), _plugins.hparams(hp, {"m": 1.0}, domains)):
        a, b = Summary.FromString(theirs.SerializeToString()), Summary.FromString(ours(mine))
        assert a.value[0].tag == b.value[0].tag
        # (the session start's map entries come in protobuf's hash order: compare the messages)
        assert HParamsPluginData.FromString(a.value[0].metadata.plugin_data.content) == HParamsPluginData.FromString(
            b.value[0].metadata.plugin_data.content)


def test_add_graph_records_the_forward_by_module(tmp_path, capsys):
    class Net(rg.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = rg.nn.Conv2d(1, 2, 3)
            self.fc = rg.nn.Sequential(rg.nn.Linear(8, 4), rg.nn.ReLU())

        def forward(self, x):
            x = rg.nn.functional.max_pool2d(rg.relu(self.conv1(x)), 2)
            return self.fc(x.flatten(1))

    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(Net(), rg.randn(3, 1, 6, 6), verbose=True)
    assert "Net/Conv2d[conv1]/convolution.1 = aten::convolution(input/input.1" in capsys.readouterr().out
    events = _events(str(tmp_path))
    assert dict(_fields(events[2][8]))[1] == b"step1"  # the run metadata's tag
    graph = _fields(events[1][4])
    nodes = {}
    for field, body in graph:
        if field == 1:
            node = _fields(body)
            fields = dict(node)
            shapes_attr = dict(_fields(fields[5]))
            listed = _fields(dict(_fields(shapes_attr[2]))[1])
            shapes = [[dict(_fields(d))[1] for _, d in _fields(s)] for _, s in listed]
            nodes[fields[1].decode()] = (fields[2].decode(), [v.decode() for k, v in node if k == 3], shapes)
    assert nodes["input/input.1"] == ("IO Node", [], [[3, 1, 6, 6]])
    assert nodes["Net/Sequential[fc]/Linear[0]/weight"] == ("prim::GetAttr", [], [[4, 8]])
    conv = nodes["Net/Conv2d[conv1]/convolution.1"]
    assert conv == ("aten::convolution", ["input/input.1", "Net/Conv2d[conv1]/weight", "Net/Conv2d[conv1]/bias"],
                    [[3, 2, 4, 4]])
    (out,) = [v for k, v in nodes.items() if k.startswith("output/")]
    assert out[0] == "IO Node" and out[1][0].startswith("Net/Sequential[fc]/ReLU[1]/relu.") and out[2] == [[3, 4]]
    assert dict(_fields(dict(graph)[4])) == {1: 22}  # versions.producer


def test_add_tensor_stores_each_dtype_in_its_field(tmp_path):
    values = [[1.5, -2.25, 0.0], [3.0, -0.0, 7.0]]
    with SummaryWriter(str(tmp_path)) as w:
        w.add_tensor("f32", rg.tensor(values), 1)
        w.add_tensor("f16", rg.tensor(values, dtype=rg.float16), 2)
        w.add_tensor("i64", rg.tensor([[1, -2]]), 3)
        w.add_tensor("c64", rg.tensor([1 + 2j]), 4)
        with pytest.raises(ValueError, match="u16 has unsupported tensor dtype retrograd.uint16"):
            w.add_tensor("u16", rg.tensor([1], dtype=rg.uint16))
    events = _events(str(tmp_path))
    tensors = [dict(_fields(_value(e)[8])) for e in events[1:]]
    assert [t[1] for t in tensors] == [1, 19, 9, 8]  # DT_FLOAT, DT_HALF, DT_INT64, DT_COMPLEX64
    assert _plugin(_value(events[1]))[0] == "tensor"
    np.testing.assert_array_equal(np.frombuffer(tensors[0][5], "<f4"), np.array(values, np.float32).ravel())
    # a 16-bit float's half_val: the bits of its float32 value as an int32 (PyTorch's half_to_int)
    halves, i = [], 0
    while i < len(tensors[1][13]):
        n, i = _varint(tensors[1][13], i)
        halves.append(n - (1 << 64) if n >= 1 << 63 else n)
    assert halves == np.array(values, np.float32).ravel().view(np.int32).tolist()
    assert np.frombuffer(tensors[3][9], "<f4").tolist() == [1.0, 2.0]


def test_add_image_with_boxes_draws_red_outlines_and_labels(tmp_path):
    pytest.importorskip("PIL")
    image = np.zeros((3, 20, 30), np.float32)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image_with_boxes("det", image, np.array([[2, 3, 20, 15]]), 0)
        w.add_image_with_boxes("half", image, rg.tensor([[2, 3, 20, 15]]), 1, rescale=0.5, labels="cat")
        w.add_image_with_boxes("ignored", image, np.array([[2, 3, 20, 15]]), 2, labels=["a", "b"])  # 2 labels, 1 box
    events = _events(str(tmp_path))
    tag, (h, w_, c), pixels = _image(events[1])
    assert (tag, h, w_, c) == (b"det", 20, 30, 3)
    assert pixels[3, 10].tolist() == [255, 0, 0] and pixels[10, 10].tolist() == [0, 0, 0]  # edge red, inside black
    tag, size, pixels = _image(events[2])
    assert size == (20, 30, 3) and pixels.shape == (10, 15, 3)  # resized; the recorded size is the original's
    assert _png_pixels_equal(_image(events[3])[2], _image(events[1])[2])


def _png_pixels_equal(a, b):
    return a.shape == b.shape and bool((a == b).all())


def test_add_graph_refuses_a_dict_output_unless_not_strict(tmp_path, capsys):
    class Net(rg.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = rg.nn.Linear(2, 2)

        def forward(self, x):
            return {"logits": self.fc(x)}

    w = SummaryWriter(str(tmp_path))
    with pytest.raises(RuntimeError, match="Encountering a dict at the output of the tracer"):
        w.add_graph(Net(), rg.ones(1, 2))
    assert "Error occurs, No graph saved" in capsys.readouterr().out
    w.add_graph(Net(), rg.ones(1, 2), use_strict_trace=False)  # as PyTorch: allowed, the dict's tensor is an output
    w.close()
    graph = _fields(_events(str(tmp_path))[1][4])
    names = [dict(_fields(body))[1].decode() for field, body in graph if field == 1]
    assert names[-1] == "output/output.1"
