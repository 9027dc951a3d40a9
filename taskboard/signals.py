"""Broadcast saves and deletes that bypass the services (admin edits, shell, fixtures)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from taskboard.broadcast import broadcast_task_changed, broadcast_task_deleted
from taskboard.models import Task


@receiver(post_save, sender=Task, dispatch_uid="taskboard.task_saved")
def task_saved(sender, instance: Task, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: broadcast_task_changed(instance.pk))


@receiver(post_delete, sender=Task, dispatch_uid="taskboard.task_deleted")
def task_deleted(sender, instance: Task, **kwargs) -> None:
    task_id = instance.pk
    transaction.on_commit(lambda: broadcast_task_deleted(task_id))
