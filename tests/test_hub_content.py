"""Hub content is checked like questionnaires: located errors, safe HTML."""

from pathlib import Path

import pytest

from hub.content import load_hub, render_markdown

FRONT = """---
title: A guide
summary: What you get.
topic: operations
dimensions: [monitoring]
levels: [1, 2]
updated: 2026-12-03
related: []
tools: [mlflow]
---
"""

TOOLS = """tools:
  - slug: mlflow
    name: MLflow
    components: [experiment-tracking]
    licence: Apache-2.0
    open_source: true
    hosting: both
    cost_model: free
    levels: [1, 2]
    description: Tracks runs.
    homepage: https://mlflow.org
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "hub" / "content"
    (root / "articles").mkdir(parents=True)
    (root / "tools.yaml").write_text(TOOLS)
    return root


def write_article(content: Path, slug: str, text: str) -> None:
    (content / "articles" / f"{slug}.md").write_text(text)


def test_a_valid_article_loads_with_its_table_of_contents(content):
    write_article(
        content,
        "guide",
        FRONT + "Intro.\n\n## First step\n\n### Detail\n\n## Second step\n",
    )

    hub = load_hub(content)

    assert hub.errors == []
    article = hub.articles["guide"]
    assert [(h.level, h.anchor) for h in article.toc] == [
        (2, "first-step"),
        (3, "detail"),
        (2, "second-step"),
    ]
    assert '<h2 id="first-step">' in article.html


def test_bad_front_matter_is_located_in_the_file(content):
    write_article(
        content, "guide", FRONT.replace("levels: [1, 2]", "levels: [1, 7]") + "Body\n"
    )

    hub = load_hub(content)

    [error] = [str(e) for e in hub.errors]
    assert error.startswith("hub/content/articles/guide.md:6:")
    assert "levels" in error
    assert "guide" not in hub.articles


def test_an_unknown_front_matter_key_is_refused(content):
    write_article(
        content, "guide", FRONT.replace("topic:", "author: me\ntopic:") + "Body\n"
    )

    [error] = [str(e) for e in load_hub(content).errors]

    assert "unknown key 'author'" in error


def test_a_missing_front_matter_block_is_refused(content):
    write_article(content, "guide", "## Just a body\n")

    [error] = [str(e) for e in load_hub(content).errors]

    assert "must start with front matter" in error


def test_links_to_missing_articles_and_tools_are_located(content):
    body = (
        "Intro.\n\nSee [this](/hub/articles/nowhere/) and [that](/hub/tools/ghost/).\n"
    )
    write_article(
        content, "guide", FRONT.replace("related: []", "related: [absent]") + body
    )

    errors = [str(e) for e in load_hub(content).errors]

    assert any(":8:" in e and "article 'absent'" in e for e in errors)
    assert any(":13:" in e and "article 'nowhere'" in e for e in errors)
    assert any(":13:" in e and "tool 'ghost'" in e for e in errors)


def test_a_malformed_hub_address_is_refused(content):
    write_article(content, "guide", FRONT + "See [it](/hub/article/typo/).\n")

    [error] = [str(e) for e in load_hub(content).errors]

    assert "is not a hub article or tool address" in error


def test_a_bad_tool_entry_is_located(content):
    (content / "tools.yaml").write_text(
        TOOLS.replace("hosting: both", "hosting: cloud")
    )

    [error] = [str(e) for e in load_hub(content).errors]

    assert error.startswith("hub/content/tools.yaml:7:")


def test_raw_html_and_scripts_in_markdown_never_reach_the_page():
    html, _, _ = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<b onclick=x>hi</b>\n"
    )

    assert "<script" not in html
    assert 'href="javascript:' not in html
    assert "<b " not in html
    assert "&lt;script&gt;" in html


def test_table_alignment_does_not_produce_inline_styles():
    html, _, _ = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")

    assert "<table>" in html
    assert "style=" not in html
