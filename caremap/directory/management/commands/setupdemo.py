from django.core.management import call_command
from django.core.management.base import BaseCommand

from caremap.content.demo import generate_article_demo
from caremap.content.seed import seed_content
from caremap.directory.demo import generate_demo
from caremap.directory.taxonomies import seed_taxonomies
from caremap.network.demo import generate_network_demo
from caremap.projects.seed import generate_project_demo, seed_featured_projects
from caremap.regions.anchors import generate_anchors
from caremap.regions.loader import load_divisions
from caremap.search.index import reindex_all


class Command(BaseCommand):
    help = (
        "Create or update the database with Shenzhen's divisions, the vocabularies, the seed "
        "policies and hotlines, and a generated demo data set (all names marked 演示)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020,
                            help="random seed of the demo data set (default 2020)")
        parser.add_argument("--no-demo", action="store_true",
                            help="load divisions, vocabularies and content only, no demo points")

    def handle(self, *args, seed, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        count = load_divisions()
        self.stdout.write(f"divisions: {count} (city, districts with 大鹏新区, streets and communities, "
                          "special statistical units included)")
        seed_taxonomies()
        seed_content()
        seed_featured_projects()
        if no_demo:
            return
        self.stdout.write(f"demo anchors: {generate_anchors(seed)}")
        self.stdout.write(f"demo service points: {generate_demo(seed)}")
        self.stdout.write(f"demo network posts: {generate_network_demo(seed)}")
        self.stdout.write(f"demo social-work projects: {generate_project_demo(seed)}")
        self.stdout.write(f"demo articles: {generate_article_demo()}")
        self.stdout.write(f"search index: {reindex_all()} entries")
