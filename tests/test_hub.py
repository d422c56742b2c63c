"""torch.hub: cached checkpoint downloads (file:// URLs stand in for the network) and hubconf entry points."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

import retrograd as rg


@pytest.fixture()
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(rg.hub, "_hub_dir", str(tmp_path / "hub"))
    return tmp_path / "hub"


def test_load_state_dict_from_url_downloads_once_into_the_cache(tmp_path, hub_dir, capsys):
    source = tmp_path / "weights.pt"
    rg.save({"w": rg.arange(3.0)}, str(source))
    first = rg.hub.load_state_dict_from_url(source.as_uri(), progress=False)
    assert first["w"].tolist() == [0.0, 1.0, 2.0]
    assert (hub_dir / "checkpoints" / "weights.pt").exists()
    assert "Downloading:" in capsys.readouterr().out
    source.unlink()  # the cached copy answers from now on
    again = rg.hub.load_state_dict_from_url(source.as_uri(), progress=False)
    assert again["w"].tolist() == [0.0, 1.0, 2.0] and "Downloading:" not in capsys.readouterr().out


def test_check_hash_uses_the_prefix_in_the_file_name(tmp_path, hub_dir):
    source = tmp_path / "w.pt"
    rg.save({"w": rg.ones(1)}, str(source))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    good = tmp_path / f"model-{digest[:8]}.pt"
    good.write_bytes(source.read_bytes())
    assert rg.hub.load_state_dict_from_url(good.as_uri(), check_hash=True, progress=False)["w"].tolist() == [1.0]
    bad = tmp_path / "model-deadbeef.pt"
    bad.write_bytes(source.read_bytes())
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        rg.hub.load_state_dict_from_url(bad.as_uri(), check_hash=True, progress=False)
    assert not (hub_dir / "checkpoints" / "model-deadbeef.pt").exists()  # nothing half-written is kept


def test_a_checkpoint_zipped_by_hand_is_unpacked(tmp_path, hub_dir):
    inner = tmp_path / "inner.pt"
    rg.save({"w": rg.zeros(2)}, str(inner))
    packed = tmp_path / "packed.zip"
    with zipfile.ZipFile(packed, "w") as z:
        z.write(inner, "inner.pt")
    assert rg.hub.load_state_dict_from_url(packed.as_uri(), progress=False)["w"].tolist() == [0.0, 0.0]


def test_local_hubconf_entry_points(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "helper.py").write_text("SCALE = 3\n")
    (repo / "hubconf.py").write_text(
        "dependencies = ['numpy']\n"
        "from helper import SCALE\n"
        "def scaled(k=1):\n    '''Multiply by SCALE * k.'''\n    return lambda x: x * SCALE * k\n"
        "def _private():\n    pass\n"
    )
    assert rg.hub.load(str(repo), "scaled", source="local", k=2)(1) == 6
    assert rg.hub.list(str(repo), source="local") == ["scaled"]
    assert rg.hub.help(str(repo), "scaled", source="local") == "Multiply by SCALE * k."
    with pytest.raises(RuntimeError, match="Cannot find callable nothing in hubconf"):
        rg.hub.load(str(repo), "nothing", source="local")
    with pytest.raises(ValueError, match='Unknown source: "web"'):
        rg.hub.load(str(repo), "scaled", source="web")


def test_github_repository_fetched_as_an_archive_and_cached(tmp_path, hub_dir, monkeypatch):
    archive = tmp_path / "repo.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("owner-name-abc123/hubconf.py", "def answer():\n    return 42\n")
    monkeypatch.setattr(rg.hub, "_archive_url", lambda owner, name, ref: archive.as_uri())
    assert rg.hub.load("owner/name:v1", "answer", trust_repo=True) == 42
    assert (hub_dir / "owner_name_v1" / "hubconf.py").exists()
    assert "owner_name" in (hub_dir / "trusted_list").read_text()
    archive.unlink()  # cached: no fetch
    assert rg.hub.load("owner/name:v1", "answer", verbose=False) == 42
    with pytest.raises(ValueError, match="owner/name"):
        rg.hub.load("just-a-name", "answer")
