"""Graph pictures: DOT structure of a known graph, a real SVG, and the text tree."""

from __future__ import annotations

import re
import shutil

import pytest

import retrograd as rg
from retrograd.viz import make_dot, print_graph
from retrograd.viz.text import format_graph


def small_graph():
    w = rg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = rg.tensor([0.5, -0.5], requires_grad=True)
    x = rg.tensor([[1.0, 1.0]])
    y = ((x @ w + b).tanh() * w.sum()).sum()
    return y, {"weight": w, "bias": b}


def test_dot_structure_of_known_graph():
    y, params = small_graph()
    dot = make_dot(y, params=params, show_saved=True)
    src = dot.source
    assert src.startswith("digraph {") and src.rstrip().endswith("}")
    labels = re.findall(r'label="([^"]*)"', src)
    names = [label for label in labels if "Backward" in label]
    for expected in ("SumBackward0", "MulBackward0", "TanhBackward0", "AddBackward0"):
        assert expected in names
    assert len(names) == len(set(names)) + 1  # two distinct SumBackward0 nodes
    assert "weight\\n (2, 2)" in labels and "bias\\n (2)" in labels
    assert any(label.startswith("out\\n") for label in labels)  # tanh's saved output
    edges = re.findall(r"^\t(\d+) -> (\d+)", src, re.M)
    ids = dict(re.findall(r'^\t(\d+) \[label="([^"]*)"', src, re.M))
    # the weight leaf feeds two nodes (the product and the sum)
    weight_id = next(i for i, label in ids.items() if label.startswith("weight"))
    assert sum(1 for a, _ in edges if a == weight_id) == 2
    assert str(dot) == src


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_renders_real_svg(tmp_path):
    y, params = small_graph()
    path = make_dot(y, params=params).render(str(tmp_path / "graph"), format="svg")
    svg = open(path).read()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for name in ("SumBackward0", "TanhBackward0", "weight", "bias"):
        assert name in svg


def test_text_tree(capsys):
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    print_graph(y, params={"x": x})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "SumBackward0"
    assert out[1] == "└─ MulBackward0"
    assert out[2] == "   ├─ ExpBackward0"
    assert out[3] == "   │  └─ AccumulateGrad x (2)"
    assert out[4] == "   └─ AccumulateGrad x (2)"


def test_deep_graph_has_no_recursion():
    x = rg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert format_graph(y).count("\n") == 5000
    assert make_dot(y).source.count("->") == 5000 + 1
