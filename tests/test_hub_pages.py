"""The hub serves every article and tool, and no link in it is broken."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hub.content import get_hub

HREF = re.compile(r'href="(/[^"#]*)(#[^"]*)?"')


@pytest.fixture
def client() -> Client:
    return Client()


def test_the_hub_has_enough_real_content():
    hub = get_hub()

    assert hub.errors == []
    assert len(hub.articles) >= 16
    assert len(hub.tools) >= 40
    for article in hub.articles.values():
        assert 800 <= article.words <= 2200, article.slug
        assert len(article.toc) >= 3, article.slug


@pytest.mark.django_db
def test_every_hub_page_answers_and_links_only_to_pages_that_exist(client):
    hub = get_hub()
    start = [reverse("hub:index"), reverse("hub:tools")]
    start += [reverse("hub:article", args=[slug]) for slug in hub.articles]
    start += [reverse("hub:tool", args=[slug]) for slug in hub.tools]

    seen: set[str] = set()
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if url.startswith("/hub/"):
            body = response.content.decode()
            for match in HREF.finditer(body):
                target = match.group(1)
                if not target.startswith(("/static/", "/admin/")):
                    queue.append(target)

    assert len(seen) >= len(start)


def test_an_article_page_shows_its_table_of_contents_and_related_items(client):
    response = client.get(reverse("hub:article", args=["monitoring-and-drift"]))

    body = response.content.decode()
    assert "On this page" in body
    assert 'href="#' in body
    assert "Related guides" in body
    assert "<script>" not in body.split("</head>")[1]


def test_unknown_article_and_tool_are_not_found(client):
    assert client.get("/hub/articles/no-such-article/").status_code == 404
    assert client.get("/hub/tools/no-such-tool/").status_code == 404


def test_catalogue_filters_by_component_open_source_and_hosting(client):
    response = client.get(
        reverse("hub:tools"),
        {"component": "monitoring", "open_source": "yes", "hosting": "self-hosted"},
    )

    tools = response.context["tools"]
    assert tools
    for tool in tools:
        assert "monitoring" in tool.components
        assert tool.open_source
        assert tool.hosting in {"self-hosted", "both"}
    assert len(tools) < len(get_hub().tools)


def test_catalogue_ignores_unknown_filter_values(client):
    response = client.get(reverse("hub:tools"), {"component": "<script>", "level": "9"})

    assert response.status_code == 200
    assert len(response.context["tools"]) == len(get_hub().tools)


def test_htmx_filtering_returns_only_the_results_region(client):
    response = client.get(
        reverse("hub:tools"), {"component": "serving"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
