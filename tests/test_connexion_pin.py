"""esm/_connexion reaches into Connexion's and Starlette's internals: it is written against the
versions pinned in requirements.txt, and must be re-read (and its tests re-run) before either
moves. This fails, loudly, when what is installed is not what is pinned."""
import re
from importlib.metadata import version
from pathlib import Path

from esm._connexion import PINNED

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def _pinned_in_requirements() -> dict:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(3)
    return pins


def test_the_patched_libraries_are_the_pinned_versions():
    required = _pinned_in_requirements()
    for name, written_for in PINNED.items():
        assert required.get(name) == written_for, (
            f"requirements.txt pins {name}=={required.get(name)} but esm/_connexion is written "
            f"against {name}=={written_for}: re-read esm/_connexion against the new version, "
            "then update PINNED there")
        installed = version(name)
        assert installed == written_for, (
            f"{name} {installed} is installed but esm/_connexion patches the internals of "
            f"{name} {written_for} (pinned in requirements.txt): install the pinned version, "
            "or port esm/_connexion and update PINNED")
