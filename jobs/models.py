from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        from accounts.scopes import scope_for

        if scope_for(user).sees_everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """What a person sees of a background task: status, progress, result file or error."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        PAUSED = "paused", _("приостановлено")
        DONE = "done", _("завершено")
        FAILED = "failed", _("ошибка")

    kind = models.CharField(_("вид"), max_length=100, db_index=True)
    title = models.CharField(_("название"), max_length=500)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("выполнено"), default=0)
    progress_total = models.PositiveIntegerField(_("всего"), default=0)
    params = models.JSONField(_("параметры"), default=dict, blank=True)
    result = models.JSONField(_("результат"), default=dict, blank=True)
    error = models.TextField(_("ошибка"), blank=True)
    file = models.FileField(_("файл результата"), upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("запустил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    started_at = models.DateTimeField(_("начато"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершено"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The lease: a worker started by ``manage.py worker`` stamps ``heartbeat_at`` of the jobs it runs;
    # a job whose stamp is older than JOB_LEASE_SECONDS lost its worker and is queued again.
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    worker_id = models.CharField(_("исполнитель"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("последний сигнал исполнителя"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("фоновое задание")
        verbose_name_plural = _("фоновые задания")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
