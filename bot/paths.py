"""Where the project's files are, from the package's own place (the same in a checkout, an
editable install and the bot's image)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Answers, office facts, languages, the privacy notice, the staff texts.
DATA_DIR = ROOT / "data"
# Rasa's project: config, domain, training and held-out examples, custom components, models.
RASA_PROJECT_DIR = ROOT / "rasa_project"
