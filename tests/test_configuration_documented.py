"""Every setting the bot reads is documented in .env.example and the README, and nothing more."""

from __future__ import annotations

import re

from bot.paths import ROOT
from tests.helpers import variables_read_by_the_code


def test_env_example_documents_exactly_the_settings() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented == variables_read_by_the_code()


def test_the_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in variables_read_by_the_code() if f"`{name}`" not in readme]
    assert missing == []
