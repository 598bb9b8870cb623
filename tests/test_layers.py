"""The layer contract as a test: import-linter reads the package as installed and fails
when a layer imports upward, an adapter reaches retrieval, or the core imports a chat SDK;
and every module has one import name (`partnerbot.<layer>...`), never a second one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.package_view import LAYERS, REPO, build_view

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(view: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(view)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(REPO / "pyproject.toml")],
                          cwd=view, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def _tool() -> None:
    if not LINT_IMPORTS.exists():
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")


def test_the_layer_contract_holds(tmp_path: Path, _tool: None) -> None:
    result = _lint(build_view(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("layer", "module", "line", "contract"), [
    ("corpus", "reader.py", "import partnerbot.retrieval.search", "layers"),
    ("retrieval", "fusion.py", "import partnerbot.bot.engine", "layers"),
    ("adapters", "pipes.py", "import partnerbot.retrieval.search", "never retrieval"),
    ("bot", "lang.py", "import slack_sdk", "chat SDK"),
])
def test_the_contract_breaks_on_a_forbidden_import(tmp_path: Path, _tool: None, layer: str,
                                                   module: str, line: str, contract: str) -> None:
    view = build_view(tmp_path, copy=(layer,))
    target = view / "partnerbot" / layer / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint(view)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert len(broken) == 1 and contract in broken[0], result.stdout


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_has_one_import_name(layer: str) -> None:
    """From the repository root a layer's folder is on the path as `bot`, `corpus`...: importing
    it under that name fails with a message naming the right one."""
    result = subprocess.run([sys.executable, "-c", f"import {layer}"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"partnerbot.{layer}" in result.stderr
    ok = subprocess.run([sys.executable, "-c", f"import partnerbot.{layer}"], cwd=REPO,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr


def test_no_links_in_the_source_tree() -> None:
    """The package as installed is built by setuptools' package-dir mapping (or, for static
    tools, tests/package_view.py in a scratch directory): no link in the checkout gives a
    module a second path."""
    links = [p for p in (REPO / "partnerbot").iterdir() if p.is_symlink()]
    assert not links
