"""ArticleReference validation: what the editor can type is checked before it is saved."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import ArticleReference

# 290 characters as typed (under the field's 300), 306 once "https://doi.org/" is added.
LONG_DOI = "10.1037/" + "x" * 282


def reference(**fields) -> ArticleReference:
    defaults = {
        "kind": "journal",
        "authors": [{"family": "Norcross", "given": "John C."}],
        "year": 2018,
        "title": "Psychotherapy relationships that work III",
        "container": "Psychotherapy",
    }
    return ArticleReference(**{**defaults, **fields})


def test_a_doi_too_long_once_normalised_is_a_field_error():
    item = reference(doi=LONG_DOI)
    with pytest.raises(ValidationError) as caught:
        item.full_clean(exclude=["page"])
    [message] = caught.value.message_dict["doi"]
    assert "too long" in message


def test_a_doi_that_fits_once_normalised_is_accepted():
    item = reference(doi="10.1037/" + "x" * 276)
    item.full_clean(exclude=["page"])
    assert len(item.doi) == 300
