"""Where the project's files are, from the package's own place (the same in a checkout, an
editable install and the bot's image)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Answers, office facts, languages, the privacy notice, the staff texts.
DATA_DIR = ROOT / "data"
# Rasa's project: config, domain, training and held-out examples, custom components, models.
RASA_PROJECT_DIR = ROOT / "rasa_project"


def read_yaml(path: Path) -> Any:
    """One of the project's YAML files (data, NLU examples, configuration)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
