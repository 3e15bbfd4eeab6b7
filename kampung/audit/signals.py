"""Records every create, change and delete of a Kampung model, whoever makes it (a page,
the API, the admin or the shell). Bulk inserts by the demo seeder bypass signals on
purpose and write one summary row instead."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from kampung.audit import log
from kampung.audit.models import AuditEvent

AUDITED_APPS = {
    "communities",
    "people",
    "notices",
    "assets",
    "workshops",
    "matching",
    "timebank",
    "sharing",
    "fridges",
    "skillshare",
}
# Only the login timestamp changes on each login; that is covered by the login event.
IGNORED_FIELDS = {"last_login"}
# How a change of links reads in the audit log ("Added tags").
LINK_WORDS = {
    "post_add": "Added %(what)s",
    "post_remove": "Removed %(what)s",
    "post_clear": "Cleared %(what)s",
}


def _audited(sender) -> bool:
    # AUDIT_EXEMPT: records that are their own append-only trail (the time bank's
    # ledger postings and transactions) would only be copied here.
    return sender._meta.app_label in AUDITED_APPS and not getattr(sender, "AUDIT_EXEMPT", False)


@receiver(pre_save)
def remember_previous(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender) or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = log.field_values(previous) if previous else None


@receiver(post_save)
def record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _audited(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    changes = log.diff(instance, before)
    for name in IGNORED_FIELDS:
        changes.pop(name, None)
    if not created and not changes:
        return
    action = AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE
    log.record(action, instance, summary=str(instance), changes=changes)


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if _audited(sender):
        log.record(AuditEvent.Action.DELETE, instance, summary=str(instance))


@receiver(m2m_changed)
def record_links(sender, instance, action, pk_set, model, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not _audited(type(instance)):
        return
    # The link table's name without its app ("asset_tags"), as Django named the table
    # it made for the field: the same key whether the links are a model of their own.
    field = sender._meta.db_table.removeprefix(f"{sender._meta.app_label}_")
    log.record(
        AuditEvent.Action.UPDATE,
        instance,
        summary=LINK_WORDS[action] % {"what": model._meta.verbose_name_plural},
        changes={field: {action.removeprefix("post_"): sorted(pk_set or [])}},
    )
