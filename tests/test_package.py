"""`pip install .` (not only -e) gives a working senim: the wheel carries knowledge/ and
locales/, and an installed senim builds its store in the user's cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_answers_from_its_own_data(tmp_path: Path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp_path / "dist"), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("senim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "bot/data/knowledge/questionnaire.yaml" in names
    assert "bot/data/locales/kk/LC_MESSAGES/messages.mo" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # what pip install puts in site-packages
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENIM_")}
    env.update({"PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    asked = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "Полицияға қанша адам сенеді?"],
        cwd=tmp_path,  # nowhere near the checkout
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["lang"] == "kk" and reply["figures"] and "Дереккөз" in reply["text"]
    assert (tmp_path / "cache" / "senim" / "senim.sqlite3").is_file()
    imported = subprocess.run(
        [sys.executable, "-c", "import bot.config as c; print(c.IN_CHECKOUT, c.DATA_DIR)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert imported.stdout.split()[0] == "False" and str(site) in imported.stdout
