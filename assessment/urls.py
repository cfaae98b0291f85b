from django.urls import include, path

from . import report_views, views

app_name = "assessment"

private = [
    path("", views.resume, name="resume"),
    path("link/", views.link, name="link"),
    path("d/<str:dimension_id>/", views.dimension, name="dimension"),
    path("q/<str:question_id>/", views.answer, name="answer"),
    path("review/", views.review, name="review"),
    path("submit/", views.submit, name="submit"),
    path("results/", views.results, name="results"),
    path("targets/", views.targets, name="targets"),
    path("retake/", views.retake, name="retake"),
    path("revise/", views.revise, name="revise"),
    path("delete/", views.delete, name="delete"),
    path("report/", report_views.report, name="report"),
    path("report.pdf", report_views.report_pdf, name="report_pdf"),
    path("report/retry/", report_views.report_retry, name="report_retry"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("how-scores-are-computed/", views.scoring, name="scoring"),
    path("deleted/", views.deleted, name="deleted"),
    path("a/<str:token>/", include(private)),
]
