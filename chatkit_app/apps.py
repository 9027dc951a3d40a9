from django.apps import AppConfig


class ChatkitAppConfig(AppConfig):
    name = "chatkit_app"
    verbose_name = "Chat"

    def ready(self) -> None:
        from chatkit_app.llm import configure_tracing

        configure_tracing()
