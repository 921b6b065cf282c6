"""Optimistic locking for the rows users edit (actions, FLOURISH measures): never overwrite silently.

A form carries the row's `version` as it was when the form was shown. A save claims the next version with
`UPDATE ... SET version = version + 1 WHERE pk = <pk> AND version = <seen>` (a compare-and-set). The UPDATE
takes the row lock, waiting for any save in progress and then seeing that save's version, so the row read
after a successful claim cannot change until the commit. If another save got there first, nothing is
written and ConflictError lists what the other person changed (the row's history records newer than the
version the form was built on). Models using this have an integer `version` and django-simple-history.

The view side: `locked_edit` validates a bound form and calls the service; on a conflict, `conflict_form`
gives the user's input back on the form, now carrying the current version, with the conflict as the form's
error, so a deliberate resubmit saves; `includes/_conflict.html` shows the other person's changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from sufficiency.forms import add_service_errors

M = TypeVar("M", bound=models.Model)

RESUBMIT = "Check their change below, then save again if yours still applies."


class ConflictError(Exception):
    """Someone else changed the row after the form was shown. Nothing was saved.

    `current` is the row as it is now; `changes` its history records newer than `expected_version`.
    """

    def __init__(self, *, current: models.Model, expected_version: int, noun: str | None = None):
        self.current = current
        self.expected_version = expected_version
        self.noun = noun or current._meta.verbose_name
        self.changes = list(
            type(current)
            .history.filter(id=current.pk, version__gt=expected_version)
            .select_related("history_user")
            .order_by("history_date")
        )
        super().__init__(
            f"Someone else changed this {self.noun} after you opened the form, so your change was not saved."
        )


def claim(model: type[models.Model], *, pk, expected_version: int, where=None, **changes) -> bool:
    """Compare-and-set: bump the row's version (and set `changes`) if it still has `expected_version`.

    `where` adds conditions the row must also meet. True if claimed. Call inside a transaction: the row
    stays locked until the commit.
    """
    rows = model._base_manager.filter(pk=pk, version=expected_version, **(where or {}))
    return rows.update(version=F("version") + 1, **changes) == 1


def lock_and_claim(
    model: type[M],
    *,
    pk,
    expected_version: int,
    current: Callable[[object], M] | None = None,
    noun: str | None = None,
) -> M:
    """Claim the next version and return the row as it is now, or raise ConflictError. Call in a transaction.

    `current(pk)` reads the row as it is now for the conflict message (default: the model's manager).
    """
    read = current or (lambda key: model._base_manager.get(pk=key))
    if not claim(model, pk=pk, expected_version=expected_version):
        raise ConflictError(current=read(pk), expected_version=expected_version, noun=noun)
    return model._base_manager.get(pk=pk)


def conflict_form(form_class: type[forms.Form], data, exc: ConflictError, *, resubmit: bool = True, **kwargs):
    """The user's input (`data`, e.g. request.POST) again, now carrying the current version, with the conflict
    as its error (so a deliberate resubmit can save). `kwargs` go to the form's constructor."""
    data = data.copy()
    data["version"] = str(exc.current.version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, f"{exc} {RESUBMIT}" if resubmit else str(exc))
    return form


@dataclass
class LockedEdit:
    """What a locked edit came to: `saved` (with the service's `result`), or the `form` to show again, with
    the `conflict` when someone else saved first."""

    form: forms.Form
    saved: bool = False
    result: Any = None
    conflict: ConflictError | None = None


def locked_edit(
    form: forms.Form, save: Callable[[dict], Any], *, resubmit: bool = True, **form_kwargs
) -> LockedEdit:
    """Validate the bound `form` and call `save(cleaned_data)` (a service taking `expected_version`).

    A ConflictError gives the user's input back on a new form of the same class carrying the current
    version (`conflict_form`; `form_kwargs` go to its constructor); a service's ValidationError goes on the
    form, on its field where it names one.
    """
    if not form.is_valid():
        return LockedEdit(form)
    try:
        result = save(form.cleaned_data)
    except ConflictError as exc:
        again = conflict_form(type(form), form.data, exc, resubmit=resubmit, **form_kwargs)
        return LockedEdit(again, conflict=exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return LockedEdit(form)
    return LockedEdit(form, saved=True, result=result)
