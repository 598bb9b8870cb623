"""The installed layout (`partnerbot/<layer>/...`) as a tree of links, for tools that read
source trees rather than import hooks.

The repository keeps the design's top-level folders and setuptools maps them to
`partnerbot.<layer>` at install time, so no folder of the checkout holds the package as it is
installed. Static tools (mypy, import-linter's graph builder) need that shape: this builds it
in a scratch directory (a test's tmp_path, or `build/pkg` for `make lint`), never in the
source tree, so every module keeps one import path.

    python tests/package_view.py build/pkg   # then MYPYPATH=build/pkg mypy
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("corpus", "retrieval", "bot", "adapters")  # bottom to top


def build_view(dest: Path, repo: Path = REPO, copy: tuple[str, ...] = ()) -> Path:
    """`dest/partnerbot` linking the package root and every layer of `repo`; the layers in
    `copy` are copied instead, so a test can change them without touching the checkout.
    Returns `dest`, the directory to put on the path."""
    pkg = dest / "partnerbot"
    if pkg.exists():
        shutil.rmtree(pkg)
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").symlink_to(repo / "partnerbot" / "__init__.py")
    for layer in LAYERS:
        if layer in copy:
            shutil.copytree(repo / layer, pkg / layer,
                            ignore=shutil.ignore_patterns("__pycache__", "releases"))
        else:
            (pkg / layer).symlink_to(repo / layer, target_is_directory=True)
    return dest


if __name__ == "__main__":
    print(build_view(Path(sys.argv[1] if len(sys.argv) > 1 else "build/pkg").resolve()))
