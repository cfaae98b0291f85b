from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import QuestionnaireVersion


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    versions = QuestionnaireVersion.objects.newest_of_each()
    return render(
        request,
        "assessment/home.html",
        {
            "nav": "assessment",
            "questionnaires": sorted(versions, key=lambda v: v.kind != "quick"),
        },
    )
