from django.contrib import admin
from django.urls import include, path

from clinic.views import join
from config.health import healthz

urlpatterns = [
    path("", include("assessment.urls")),
    path("hub/", include("hub.urls")),
    path("clinic/", include("clinic.urls")),
    # A cohort's invite link is public and short, so it lives at the top.
    path("join/<str:code>/", join, name="join"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
