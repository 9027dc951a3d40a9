from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from taskboard import views
from taskboard.api import api

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("chatkit_app.urls")),
]
