"""Write the student edition's configuration: ``_config.yml`` with the solutions hidden.

``make student`` runs ``python tools/student_config.py _build/student_config.yml`` and
builds the book with ``--config`` pointing at the result, into ``_build/student``.
The sources are the same; only ``hide_solutions`` (sphinx-exercise), the title and
``book_site_path`` change.  With ``hide_solutions`` set, ``tools/book_ext.py`` also
leaves the solutions out of the portable notebooks and strips them from the copies of
the sources in ``_sources/`` (the download menu), and points the Binder and Colab
buttons at the student notebooks under ``student/`` of the published site.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def student_config(root: Path = ROOT) -> dict:
    """The book's configuration with ``hide_solutions: true`` and a marked title."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["sphinx"]["config"]["hide_solutions"] = True
    # Published under student/ of the site: its Colab and Binder buttons open the student notebooks there.
    config["sphinx"]["config"]["book_site_path"] = "student/"
    config["title"] = f"{config['title']} (student edition)"
    # Jupyter Book resolves local_extensions against the folder of the config file: make them absolute.
    local = config["sphinx"].get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {name: str((root / path).resolve()) for name, path in local.items()}
    return config


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "_build/student_config.yml")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(student_config(), sort_keys=False))
    print(f"wrote {out}")
