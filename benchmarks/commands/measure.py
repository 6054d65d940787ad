import json
from pathlib import Path

from django.core.management.base import BaseCommand

from benchmarks import inprocess


class Command(BaseCommand):
    help = (
        "The in-process part of `python -m benchmarks`, run by it in a child against the "
        "benchmark's throwaway database: growth (rolled back), then bulk content (kept), "
        "then SQL queries per page. Writes JSON to --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--references", type=int, default=100)
        parser.add_argument("--inquiries", type=int, default=100_000)
        parser.add_argument("--bulk-articles", type=int, default=1000)
        parser.add_argument("--bulk-references", type=int, default=10)
        parser.add_argument("--repeat", type=int, default=10)

    def handle(self, *args, output, **options):
        figures = inprocess.run(
            articles=options["articles"],
            references=options["references"],
            inquiries=options["inquiries"],
            bulk_articles=options["bulk_articles"],
            bulk_references=options["bulk_references"],
            repeat=options["repeat"],
        )
        output.write_text(json.dumps(figures, indent=2))
