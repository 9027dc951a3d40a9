"""The one way task changes reach the open boards, whatever made them.

Every write to a task row sends Django's `post_save` or `post_delete`: the services
(API, chat tools, widget buttons, admin actions) through `Task.save()`, or, for the
transition's conditional UPDATE, by sending `post_save` themselves; admin edit
forms, the shell and scripts through `save()` and `delete()`. The receivers below
broadcast each change once its transaction commits, and never a rolled-back one.

Not covered, as Django sends no signal for them: `QuerySet.update()`,
`bulk_create()` and `bulk_update()` outside the services, and fixtures (`raw`
saves). A board that misses a change shows it after a reload.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from taskboard.broadcast import broadcast_task_changed, broadcast_task_deleted, task_changed
from taskboard.models import Task

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Task, dispatch_uid="taskboard.task_saved")
def task_saved(sender, instance: Task, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    task_id = instance.pk
    try:
        # The row as this save wrote it, encoded now: once committed it is what the
        # database holds, and the broadcast needs no query after the commit.
        message = task_changed(instance)
    except Exception:
        logger.exception("Task #%s will be read again to broadcast it", task_id)
        message = None
    transaction.on_commit(lambda: broadcast_task_changed(task_id, message))


@receiver(post_delete, sender=Task, dispatch_uid="taskboard.task_deleted")
def task_deleted(sender, instance: Task, **kwargs) -> None:
    task_id = instance.pk
    transaction.on_commit(lambda: broadcast_task_deleted(task_id))
