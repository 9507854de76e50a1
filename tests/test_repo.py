"""Promises of the repository itself: README paths exist, make help lists targets, nothing generated is tracked."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT


def test_every_path_the_readme_names_exists():
    text = (ROOT / "README.md").read_text()
    paths = set(re.findall(r"\]\(([^)#:]+)\)", text))
    paths |= {p.rstrip("/") for p in re.findall(r"`((?:content|locales|site|rightsinfo|bot|tests|docs)/[\w./-]*)`", text)}
    assert paths
    for path in sorted(paths):
        if "<" in path:
            continue
        assert (ROOT / path).exists(), path


def test_make_alone_prints_every_target_with_help():
    output = subprocess.run(["make", "--no-print-directory"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M)
    for target in targets:
        assert f"make {target} " in output, target


def test_no_generated_file_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    bad = [p for p in tracked if p.startswith(("build/", ".venv/")) or p.endswith((".mo", ".db", ".tar.gz"))]
    assert bad == []
