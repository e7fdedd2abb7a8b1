"""`python -m bot promote`: put a newly trained model live, but only if it is not worse.

Both models answer the held-out set; if the new one is worse (bot.lifecycle.evaluate.regressions:
in any language, overall, or in confidently wrong answers, beyond the noise between two
trainings), it is refused unless forced. Promotion replaces the live model file atomically and
keeps the old one as `previous.tar.gz`; the running bot notices the new file and swaps models
without a restart. With `RASA_URL`, the Rasa server is told via `PUT /model`.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TextIO

from bot.core.nlu import RasaHttpNlu
from bot.lifecycle.evaluate import evaluate_model, format_comparison, regressions, same_file
from bot.settings import Settings

logger = logging.getLogger(__name__)

# The live model as the Rasa server sees it (`rasa run` in rasa_project/, or /app in Docker).
RASA_MODEL_FILE = "models/live.tar.gz"


async def promote(
    settings: Settings,
    candidate: Path,
    out: TextIO,
    force: bool = False,
    rasa_model_file: str = RASA_MODEL_FILE,
) -> bool:
    """Returns whether the candidate is live now."""
    live = settings.model_path
    if not candidate.exists():
        out.write(f"No model at {candidate}: run `make train` first.\n")
        return False
    if same_file(candidate, live):
        out.write(f"{candidate} is already the live model.\n")
        return True
    if live.exists():
        old = await evaluate_model(settings, live)
        new = await evaluate_model(settings, candidate)
        out.write("Held-out intent accuracy, live model vs candidate:\n")
        out.write(format_comparison(old, new, "live", "new") + "\n")
        worse = regressions(old, new)
        if worse and not force:
            out.write(f"Refused: the new model is worse in {', '.join(worse)}. ")
            out.write("Nothing changed. (--force promotes it anyway.)\n")
            return False
        if worse:
            out.write(f"Worse in {', '.join(worse)}, promoted anyway (--force).\n")
        shutil.copy2(live, live.with_name("previous.tar.gz"))
    else:
        out.write("No live model yet: the candidate becomes the first one.\n")
    replace_atomically(candidate, live)
    out.write(f"Promoted: {candidate} is live as {live}.\n")
    if settings.rasa_url:
        rasa = RasaHttpNlu(settings.rasa_url, token=settings.rasa_token)
        try:
            await rasa.load_model(rasa_model_file)
        finally:
            await rasa.close()
        out.write(f"The Rasa server at {settings.rasa_url} now serves {rasa_model_file}.\n")
    return True


def replace_atomically(source: Path, target: Path) -> None:
    """A reader (the running bot) sees the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)
