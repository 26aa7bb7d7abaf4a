"""A plain (non-editable) install ships resources/ and templates/ and finds them at run time.

The wheel is built offline from this checkout, installed into a scratch folder
and used from an unrelated working directory, so nothing can fall back to the
source tree by accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("papdesigner-*.whl")
    return built


def test_wheel_contains_resources_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    resource_files = [p for p in (ROOT / "resources").rglob("*") if p.is_file()]
    template_files = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    for path in resource_files + template_files:
        inside = "papdesigner/_data/" + path.relative_to(ROOT).as_posix()
        assert inside in names, f"{inside} missing from the wheel"


def test_installed_wheel_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = (
        "import papdesigner, papdesigner.paths as p;"
        "print(papdesigner.__file__); print(p.resources_dir()); print(p.templates_dir())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    module_file, resources, templates = result.stdout.split()
    assert module_file.startswith(str(target))
    assert resources.startswith(str(target)) and templates.startswith(str(target))
    listing = subprocess.run(
        [sys.executable, "-m", "papdesigner", "new", "--list"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    shipped = sorted(
        p.name.removesuffix(".pap.json")
        for p in (ROOT / "resources" / "examples").glob("*.pap.json")
    )
    assert listing.stdout.split() == shipped
    for name in shipped:
        made = subprocess.run(
            [sys.executable, "-m", "papdesigner", "new", "-t", name, "-o", f"{name}.pap.json"],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env=env,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        check = subprocess.run(
            [sys.executable, "-m", "papdesigner", "validate", f"{name}.pap.json"],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env=env,
            check=False,
        )
        assert check.returncode == 0, check.stderr
