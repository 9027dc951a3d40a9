from django.urls import path

from chatkit_app import views

urlpatterns = [
    path("chatkit", views.chatkit_endpoint, name="chatkit"),
]
