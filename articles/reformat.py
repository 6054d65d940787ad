"""Formatting every article's stored reference list again, after the formatter changed.

Articles keep their references formatted (articles/formatted_references.py) and show
stored data only while its version is apa.FORMAT_VERSION; after a change of version they
format on each render until this has run, which is correct but slower.

When you change what apa.py (or metadata.citation) makes of a reference:

1. bump apa.FORMAT_VERSION;
2. `manage.py makemigrations articles --empty -n reformat_references_v<N>` and write in it
   `from articles import reformat` and `operations = [reformat.after_migrate()]`.

`manage.py migrate` then runs `manage.py reformat_references` once it has applied every
migration. Not inside the migration itself: the migration is also run by databases that
still have further migrations to apply, and this code uses the models as they are now,
which would ask for columns those databases do not have yet. A migrate that stops short of
the latest migration says so and leaves the command to be run by hand.
"""

from django.db import connections, migrations, transaction
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Revision

from articles.models import ArticlePage
from practice import generation

BATCH_SIZE = 100
# Databases (aliases) on which a migration asked for the reformat in this process.
_requested: set[str] = set()


def after_migrate() -> migrations.RunPython:
    """The migration operation that asks for the reformat once migrate has finished."""
    return migrations.RunPython(_request, migrations.RunPython.noop, elidable=False)


def _request(apps, schema_editor) -> None:
    _requested.add(schema_editor.connection.alias)


def run_requested(sender, using="default", verbosity=1, stdout=None, **kwargs) -> None:
    """post_migrate receiver: the reformat, if a migration of this run asked for it."""
    if using not in _requested:
        return
    _requested.discard(using)

    def write(message: str) -> None:
        if verbosity:
            (stdout.write if stdout else print)(message)

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        write(
            "Article references were not re-formatted: migrations remain. Run "
            "`manage.py reformat_references` once every migration is applied."
        )
        return
    changed = reformat_all(using=using)
    write(f"Re-formatted the references of {changed} article pages and revisions.")


def reformat_all(*, using: str = "default", batch_size: int = BATCH_SIZE) -> int:
    """Formats the references of every article page (its live row, from its reference
    rows) and of its latest and scheduled revisions again, a batch of pages per
    transaction, writing only what changed. Returns how many rows and revisions changed.
    Safe to stop and to run again: what is already current is not written twice."""
    changed = 0
    pages = ArticlePage.objects.using(using).order_by("pk")
    last_pk = 0
    while batch := list(pages.filter(pk__gt=last_pk)[:batch_size]):
        with transaction.atomic(using=using):
            for page in batch:
                changed += _reformat_page(page, using) + _reformat_revisions(page, using)
        last_pk = batch[-1].pk
    if changed:
        # The page cache and the cached routes hold the pages as they were.
        generation.invalidate()
    return changed


def _reformat_page(page, using: str) -> int:
    stored = page.formatted_references
    page.format_references()
    if page.formatted_references == stored:
        return 0
    # Only this column: a save would also touch the page's dates and send its signals.
    type(page).objects.using(using).filter(pk=page.pk).update(
        formatted_references=page.formatted_references
    )
    return 1


def _reformat_revisions(page, using: str) -> int:
    """The latest revision (the draft an editor continues) and any scheduled ones."""
    revisions = Revision.objects.using(using).for_instance(page)
    revisions = revisions.filter(pk=page.latest_revision_id) | revisions.filter(
        approved_go_live_at__isnull=False
    )
    changed = 0
    for revision in revisions:
        draft = page.with_content_json(revision.content)
        draft.format_references()
        if revision.content.get("formatted_references") != draft.formatted_references:
            revision.content["formatted_references"] = draft.formatted_references
            Revision.objects.using(using).filter(pk=revision.pk).update(content=revision.content)
            changed += 1
    return changed
