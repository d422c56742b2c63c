"""The demo runs end to end (few epochs, small subset) and writes its files."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

import retrograd  # noqa: E402
from retrograd.__main__ import main  # noqa: E402


def test_demo_writes_its_files(tmp_path, capsys):
    out = tmp_path / "demo"
    status = main(["demo", "--out", str(out), "--epochs", "2", "--subset", "300", "--quiet", "--skip-tour"])
    assert status == 0
    for name in ("curves.png", "model.pt", "report.md"):
        assert (out / name).stat().st_size > 0
    assert (out / "graph.svg").exists() or (out / "graph.dot").exists()
    assert (out / "curves.png").read_bytes().startswith(b"\x89PNG")
    report = (out / "report.md").read_text()
    assert "test accuracy" in report
    weights = retrograd.load(str(out / "model.pt"))
    assert "features.0.weight" in weights and tuple(weights["features.0.weight"].shape) == (16, 1, 3, 3)
    assert "test accuracy" in capsys.readouterr().out


def test_demo_help_explains_options(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = capsys.readouterr().out
    for option in ("--out", "--epochs", "--seed"):
        assert option in text


def test_tour_runs(capsys):
    assert main(["tour"]) == 0
    out = capsys.readouterr().out
    assert "tensor(4.)" in out and "Higher-order derivatives" in out
