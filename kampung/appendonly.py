"""Records that are only ever added to: the audit log and the time bank's ledger.

`AppendOnlyModel` refuses, in the model and its queryset, to change or remove a row once
written; the database triggers in each app's migrations refuse it a third time. A model
says which error to raise and why (`append_only_error`, `append_only_message`).
"""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """Someone tried to change or remove an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def _refuse(self):
        model = self.model
        return model.append_only_error(model.append_only_message)

    def update(self, **kwargs):
        raise self._refuse()

    def delete(self):
        raise self._refuse()


class AppendOnlyModel(models.Model):
    append_only_error: type[Exception] = AppendOnlyError
    append_only_message = "this record is append-only"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise self.append_only_error(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_error(self.append_only_message)
