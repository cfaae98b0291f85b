from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("", include("assessment.urls")),
    path("hub/", include("hub.urls")),
    path("clinic/", include("clinic.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
