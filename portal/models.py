"""The public НОКО portal reads other apps; the only thing it owns is the authority's news."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_published=True)


class NewsItem(models.Model):
    """A news item of the НОКО section (the survey is open, results are published, the council met)."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="portal_news"
    )
    title = models.CharField(_("заголовок"), max_length=300)
    text = models.TextField(_("текст"))
    published_on = models.DateField(_("дата"))
    is_published = models.BooleanField(_("опубликовано"), default=True)
    link = models.URLField(_("ссылка"), max_length=500, blank=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("новость портала")
        verbose_name_plural = _("новости портала")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title
