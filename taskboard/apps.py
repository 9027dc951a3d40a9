from django.apps import AppConfig


class TaskboardConfig(AppConfig):
    name = "taskboard"
    verbose_name = "Taskboard"

    def ready(self) -> None:
        from taskboard import signals  # noqa: F401  (connects the board broadcast)
