"""Demo data of the help centre: the articles from `helpcentre/data/articles/` (after the
assistant's own articles, so both are there)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.types import DemoLog

ORDER = 55


def load(rng: random.Random, log: DemoLog) -> None:
    from helpcentre.services import sync_articles

    log(f"  {sync_articles()} help-centre articles")
