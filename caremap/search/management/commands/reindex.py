from django.core.management.base import BaseCommand

from caremap.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index (text n-grams, pinyin and positions) from the records."

    def handle(self, *args, **options):
        self.stdout.write(f"indexed {reindex_all()} service points")
