from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.requests import HtmxHttpRequest

from .catalogue import ToolFilters
from .content import COMPONENTS, DIMENSIONS, TOPICS, Article, Hub, Tool, get_hub

# The reading order we suggest to newcomers.
START_HERE = ("what-is-mlops", "from-poc-to-production", "maturity-levels-explained")


def _article(hub: Hub, slug: str) -> Article:
    try:
        return hub.articles[slug]
    except KeyError:
        raise Http404("No such article") from None


def _tool(hub: Hub, slug: str) -> Tool:
    try:
        return hub.tools[slug]
    except KeyError:
        raise Http404("No such tool") from None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    hub = get_hub()
    articles = sorted(hub.articles.values(), key=lambda a: a.meta.title)
    by_topic = [
        (name, [a for a in articles if a.meta.topic == topic])
        for topic, name in TOPICS.items()
    ]
    by_dimension = [
        (dimension, name, hub.articles_for(dimension))
        for dimension, name in DIMENSIONS.items()
    ]
    return render(
        request,
        "hub/index.html",
        {
            "by_topic": [(n, a) for n, a in by_topic if a],
            "by_dimension": by_dimension,
            "nav": "hub",
            "start_here": [hub.articles[s] for s in START_HERE if s in hub.articles],
            "article_count": len(hub.articles),
            "tool_count": len(hub.tools),
        },
    )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    hub = get_hub()
    found = _article(hub, slug)
    return render(
        request,
        "hub/article.html",
        {
            "nav": "hub",
            "article": found,
            "related": [
                hub.articles[s] for s in found.meta.related if s in hub.articles
            ],
            "tools": [hub.tools[s] for s in found.meta.tools if s in hub.tools],
        },
    )


@require_GET
def tools(request: HtmxHttpRequest) -> HttpResponse:
    hub = get_hub()
    filters = ToolFilters.from_query(request.GET)
    chosen = filters.apply(hub.tools.values())
    context = {
        "nav": "tools",
        "filters": filters,
        "tools": chosen,
        "total": len(hub.tools),
        "components": COMPONENTS,
        "comparison": filters.comparison(chosen),
    }
    template = "hub/tools.html#results" if request.htmx else "hub/tools.html"
    return render(request, template, context)


@require_GET
def tool(request: HttpRequest, slug: str) -> HttpResponse:
    hub = get_hub()
    found = _tool(hub, slug)
    articles = [a for a in hub.articles.values() if slug in a.meta.tools]
    alternatives = [
        t
        for t in hub.tools.values()
        if t.slug != slug and set(t.components) & set(found.components)
    ]
    return render(
        request,
        "hub/tool.html",
        {
            "nav": "tools",
            "tool": found,
            "articles": articles,
            "alternatives": alternatives[:8],
        },
    )
