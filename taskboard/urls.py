from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from taskboard import views
from taskboard.api import api

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    # Pages link the SVG icon; browsers still ask for /favicon.ico where none is linked
    # (the admin).
    path("favicon.ico", RedirectView.as_view(url=static("taskboard/favicon.svg"))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("chatkit_app.urls")),
]
