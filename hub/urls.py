from django.urls import path

from . import views

app_name = "hub"

urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("tools/", views.tools, name="tools"),
    path("tools/<slug:slug>/", views.tool, name="tool"),
]
