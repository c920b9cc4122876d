from typing import Any

from django.core.management.base import BaseCommand

from helpcentre.services import sync_articles


class Command(BaseCommand):
    help = "Create or update the help centre's articles from helpcentre/data/articles/*.toml."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{sync_articles()} articles loaded")
