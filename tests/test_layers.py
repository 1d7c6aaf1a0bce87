"""The layers between apps (pyproject.toml, [tool.importlinter]) hold, and the check would
catch a foundation app importing a feature."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = [
    "accounts",
    "organisations",
    "outbox",
    "training",
    "cms",
    "evidence",
    "compliance",
    "evaluations",
    "certificates",
    "shadowing",
    "reporting",
    "demo",
]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The apps' Python files and the contract, copied, so a test can break a layer."""
    tree = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            tree / app,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    return tree


def test_the_layers_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_foundation_app_importing_a_feature_breaks_the_contract(tree_copy: Path) -> None:
    intruder = tree_copy / "organisations" / "intruder.py"
    intruder.write_text("from training.models import Session  # noqa: F401\n")
    try:
        result = _lint_imports(tree_copy)
    finally:
        intruder.unlink()
    assert result.returncode != 0
    assert "organisations is not allowed to import training" in result.stdout


def test_training_importing_compliance_breaks_the_contract(tree_copy: Path) -> None:
    """Compliance reads training's records; training never reads compliance."""
    intruder = tree_copy / "training" / "intruder.py"
    intruder.write_text("from compliance.models import Requirement  # noqa: F401\n")
    try:
        result = _lint_imports(tree_copy)
    finally:
        intruder.unlink()
    assert result.returncode != 0
    assert "training is not allowed to import compliance" in result.stdout
