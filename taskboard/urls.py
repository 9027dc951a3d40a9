from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chatkit_app.entity_api import router as entity_router
from taskboard import views
from taskboard.api import api

# The chat composer's @mention look-ups live in chatkit_app and join the JSON API here.
api.add_router("/entities", entity_router)

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("chatkit_app.urls")),
]
