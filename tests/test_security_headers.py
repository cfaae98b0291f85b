"""Pages allow no inline code, and private pages are never stored."""

import re
from html.parser import HTMLParser

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

PAGES = [
    "/hub/",
    "/hub/tools/",
    "/",
    "/start/",
    "/privacy/",
    "/how-scores-are-computed/",
]


class Tags(HTMLParser):
    """Every start tag in a page, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def nonce_of(policy: str) -> str:
    match = re.search(r"'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_the_policy_allows_neither_inline_code_nor_eval(client, url):
    policy = client.get(url).headers["Content-Security-Policy"]

    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_script_is_a_static_file_or_carries_the_responses_nonce(client, url):
    response = client.get(url)
    nonce = nonce_of(response.headers["Content-Security-Policy"])

    scripts = [a for tag, a in Tags(response.content.decode()).tags if tag == "script"]

    assert scripts
    for attributes in scripts:
        src = attributes.get("src") or ""
        assert src.startswith("/static/") or attributes.get("nonce") == nonce


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_style(client, url):
    tags = Tags(client.get(url).content.decode()).tags

    assert [tag for tag, _ in tags if tag == "style"] == []
    assert [tag for tag, attributes in tags if "style" in attributes] == []


@pytest.mark.django_db
def test_pages_keep_private_links_out_of_referers_and_refuse_framing(client):
    response = client.get("/hub/")

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def private_page(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("private", headers={"Cache-Control": "max-age=3600"})


def public_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("public", headers={"Cache-Control": "max-age=3600"})


urlpatterns = [
    path("a/<str:token>/results/", private_page),
    path("hub/page/", public_page),
]


@pytest.mark.urls(__name__)
def test_private_pages_are_never_stored_even_when_the_view_allows_caching(client):
    response = client.get("/a/" + "t" * 43 + "/results/")

    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.urls(__name__)
def test_other_pages_keep_their_own_cache_policy(client):
    response = client.get("/hub/page/")

    assert response.headers["Cache-Control"] == "max-age=3600"


@pytest.mark.urls(__name__)
def test_a_missing_private_page_is_not_stored_either(client):
    response = client.get("/a/" + "t" * 43 + "/no-such-page/")

    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
