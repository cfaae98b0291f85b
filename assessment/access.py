"""Who may see an assessment: whoever holds its private link.

The link's token is the only key. It is never stored, only its SHA-256
hash, so a lookup hashes what the visitor sent and compares hashes.
Anything that is not a current token, whatever the reason, is simply
not found: the answer never tells a guess that was close from one that
was not.
"""

from __future__ import annotations

import re

from django.http import Http404

from .models import Assessment, hash_token

# secrets.token_urlsafe(32) gives 43 characters; the range leaves room for
# longer tokens later without accepting arbitrary strings now.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,86}")


def assessment_for_token(token: str) -> Assessment:
    """The assessment this private-link token opens, or 404."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404("No such assessment")
    try:
        return (
            Assessment.objects.select_related("organisation", "questionnaire_version")
            .defer("questionnaire_version__definition")
            .get(token_hash=hash_token(token))
        )
    except Assessment.DoesNotExist:
        raise Http404("No such assessment") from None
