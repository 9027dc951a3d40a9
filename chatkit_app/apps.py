from django.apps import AppConfig


class ChatkitAppConfig(AppConfig):
    name = "chatkit_app"
    verbose_name = "Chat"
