"""`python -m benchmarks [bench|contact|articles|measure] [options]`: the one entry point.

    bench     (the default; `make bench`) the site as production runs it, under load
    contact   contact submissions through gunicorn, then the email worker delivering them
    articles  server time of the article index and of articles as they grow, rolled back
    measure   the in-process part of `bench`, which `bench` runs in a child

`python -m benchmarks COMMAND --help` lists each one's options.
"""

import importlib
import os
import sys

COMMANDS = ("bench", "contact", "articles", "measure")


def main(argv: list[str]) -> None:
    name = argv[0] if argv and not argv[0].startswith("-") else "bench"
    arguments = argv[1:] if argv and argv[0] == name else argv
    if name not in COMMANDS:
        sys.exit(f"Unknown benchmark {name!r}; one of: {', '.join(COMMANDS)}.\n{__doc__}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings.dev")
    import django

    django.setup()
    command = importlib.import_module(f"benchmarks.commands.{name}").Command()
    command.run_from_argv(["python -m benchmarks", name, *arguments])


if __name__ == "__main__":
    main(sys.argv[1:])
