"""Pages of the inbox that cost the same with a hundred inquiries or a hundred thousand.

Wagtail's paginator counts every matching inquiry for "Page 1 of N", and PostgreSQL counts
by reading every row: 28 ms at 100,000 inquiries (a spam flood the filter missed), on every
visit to the inbox. Here counting stops past COUNT_CAP. Below it nothing changes; above it
the listing says "More than 10,000 inquiries", its pages reach the first 10,000 in the
chosen order (newest first unless sorted otherwise), and the filters reach the rest.
"""

from django.utils.functional import cached_property
from wagtail.admin.paginator import WagtailPaginator

COUNT_CAP = 10_000


class CappedCountPaginator(WagtailPaginator):
    @cached_property
    def counted(self) -> int:
        """Matching items up to COUNT_CAP + 1: a sliced queryset counts in a subquery with
        a LIMIT, so the scan stops there. Only the ids are selected: the subquery would
        otherwise work out the listing's annotations (each waiting request's place) for
        every row it counts, where the listing needs them for one page."""
        return self.object_list.values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.counted > COUNT_CAP

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_CAP)

    @cached_property
    def items_count_label(self) -> str:
        if self.capped:
            return f"More than {COUNT_CAP:,} {self.verbose_name_plural}"
        return super().items_count_label
