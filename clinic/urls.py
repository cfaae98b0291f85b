"""The clinic workspace, mounted at /clinic/.

Every URL here but sign-in and sign-out is a staff page; the access
tests walk this list, so a new page is checked as soon as it exists.
The public end of a cohort's invite link, /join/<code>/, is routed in
config/urls.py.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="clinic/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/report/", views.report, name="report"),
    path("submissions/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path(
        "submissions/<int:pk>/report/retry/",
        views.report_retry,
        name="report_retry",
    ),
    path("submissions/<int:pk>/review/", views.review, name="review"),
    path("submissions/<int:pk>/notes/", views.note, name="note"),
    path("submissions/<int:pk>/validations/", views.validate, name="validate"),
    path("compare/", views.compare_submissions, name="compare"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.create_cohort, name="create_cohort"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path(
        "export/submissions.csv",
        views.export_submissions_csv,
        name="export_submissions_csv",
    ),
    path("export/answers.csv", views.export_answers_csv, name="export_answers_csv"),
    path(
        "export/submissions.json",
        views.export_submissions_json,
        name="export_submissions_json",
    ),
    path("audit/", views.audit_log, name="audit"),
]
