"""Importing a spreadsheet of assets, as pages: upload, check (a preview with every
problem by row and column), then import all rows, only the valid ones, or nothing.

Between the check and the import the uploaded file waits under VAR_DIR/imports, named by
its SHA-256 and the uploader's id; only the uploader's session knows it. The import reads
it again and re-checks every row (the register may have changed). Files left behind by
abandoned checks are removed after a day."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kampung import policy
from kampung.assets import actions, importing
from kampung.assets.models import Asset, Category
from kampung.errors import REFUSALS
from kampung.exports import csv_response
from kampung.people.skills import LANGUAGE_NAMES
from kampung.uploads import too_large
from kampung.web import community_for, field_errors

SESSION_KEY = "asset_imports"
KEEP_FOR_SECONDS = 24 * 60 * 60
PREVIEW_ROWS = 50
SHOW_PROBLEMS = 200
_UPLOAD = re.compile(r"^[0-9a-f]{64}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file (.csv or .xlsx)"),
        help_text=gettext_lazy("Up to 5 MB and 20,000 rows. Nothing is added until you say so."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(request, digest: str) -> Path:
    return _uploads_dir() / f"{digest}-{request.user.pk}"


def _remove_old_uploads() -> None:
    cutoff = time.time() - KEEP_FOR_SECONDS
    for old in _uploads_dir().iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _keep(request, community, data: bytes, filename: str) -> str:
    _remove_old_uploads()
    digest = hashlib.sha256(data).hexdigest()
    _path(request, digest).write_bytes(data)
    pending = request.session.get(SESSION_KEY, {})
    pending[digest] = {"filename": filename, "community": community.pk}
    request.session[SESSION_KEY] = pending
    return digest


def _kept(request, community, digest: str) -> tuple[bytes, str]:
    """The file this person uploaded for this community, or 404."""
    entry = request.session.get(SESSION_KEY, {}).get(digest) if _UPLOAD.match(digest) else None
    if entry is None or entry["community"] != community.pk:
        raise Http404
    try:
        data = _path(request, digest).read_bytes()
    except FileNotFoundError:
        raise Http404 from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise Http404
    return data, entry["filename"]


def _forget(request, digest: str) -> None:
    _path(request, digest).unlink(missing_ok=True)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(digest, None)
    request.session[SESSION_KEY] = pending


@login_required
def asset_import(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.import", community)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and too_large(request):
        # The upload handler stopped storing it; say why rather than "required".
        form = UploadForm(request.POST, request.FILES)
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", importing.too_large_message())
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            importing.check_size(upload.size)  # before reading it into memory
            data = upload.read()
            importing.read(data, upload.name)  # problems with the whole file show here
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            digest = _keep(request, community, data, upload.name)
            return redirect("asset_import_preview", slug=slug, upload=digest)
    return render(
        request,
        "assets/import.html",
        {
            "community": community,
            "form": form,
            "columns": _column_help(),
            "max_rows": f"{importing.MAX_ROWS:,}",
            "page_title": _("Import a spreadsheet"),
        },
    )


@login_required
def asset_import_preview(request, slug: str, upload: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.import", community)
    data, filename = _kept(request, community, upload)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, upload)
        messages.success(request, _("Nothing was imported."))
        return redirect("asset_import", slug=slug)
    error = ""
    try:
        parsed = importing.read(data, filename)
    except importing.ImportFileError as exc:  # only if the limits changed since
        _forget(request, upload)
        messages.error(request, str(exc))
        return redirect("asset_import", slug=slug)
    if request.method == "POST":
        mode = request.POST.get("mode", "")
        try:
            plan = actions.import_assets(
                by=request.user, community=community, rows=parsed, mode=mode
            )
        except actions.ImportRefused as exc:
            plan, error = exc.plan, str(exc)
        except REFUSALS as exc:
            plan = None
            error = " ".join(m for ms in field_errors(exc).values() for m in ms) or str(exc)
        else:
            _forget(request, upload)
            messages.success(request, _summary(plan))
            return redirect("asset_map", slug=slug)
    if request.method != "POST" or plan is None:
        plan = actions.import_assets(
            by=request.user, community=community, rows=parsed, mode="valid_only", dry_run=True
        )
    problems = plan.problems
    return render(
        request,
        "assets/import_preview.html",
        {
            "community": community,
            "upload": upload,
            "plan": plan,
            "error": error,
            "rows": [r for r in plan.rows if r.outcome != importing.PROBLEM][:PREVIEW_ROWS],
            "problems": problems[:SHOW_PROBLEMS],
            "more_problems": max(0, len(problems) - SHOW_PROBLEMS),
            "page_title": _("Check before importing"),
        },
    )


def _summary(plan) -> str:
    text = _(
        "Imported %(file)s: %(created)s added, %(updated)s changed, "
        "%(unchanged)s already up to date."
    ) % {
        "file": plan.filename,
        "created": plan.created,
        "updated": plan.updated,
        "unchanged": plan.unchanged,
    }
    if plan.with_problems:
        text += " " + _("%(n)s rows with problems were left out.") % {"n": plan.with_problems}
    return text


@login_required
def asset_import_template(request, slug: str):
    community = community_for(request, slug)
    policy.require(request.user, "asset.import", community)
    return csv_response(
        "kampung-assets-template.csv",
        importing.TEMPLATE_HEADERS.values(),
        [[importing.TEMPLATE_EXAMPLE[c] for c in importing.TEMPLATE_HEADERS]],
        bom=True,
    )


def _column_help() -> list[tuple[str, str]]:
    from kampung.assets.rules import ACCESSIBILITY

    def codes(values):
        return ", ".join(values)

    return [
        ("name", _("Required. What the asset is called.")),
        ("category", _("Required. One of: %(v)s.") % {"v": codes(Category.values)}),
        (
            "external_id",
            _(
                "Your own reference for the row (for example MAWAR-001). With it, changing "
                "a name later updates the asset instead of adding a new one."
            ),
        ),
        (
            "id",
            _("Kampung's asset number, as in the CSV export: that asset is updated."),
        ),
        (
            "location_kind",
            _("One of: %(v)s. Empty means a place on the map.")
            % {"v": codes(Asset.LocationKind.values)},
        ),
        ("latitude, longitude", _("Where it is, for example 1.3531 and 103.9442.")),
        (
            "tags",
            _("Service type or skill codes, separated by ; (for example 102-04; it-help)."),
        ),
        (
            "opening_hours",
            _("Days and times separated by ; for example %(v)s.") % {"v": importing.HOURS_EXAMPLE},
        ),
        ("languages", _("Codes separated by ; from: %(v)s.") % {"v": codes(LANGUAGE_NAMES)}),
        ("accessibility", _("Codes separated by ; from: %(v)s.") % {"v": codes(ACCESSIBILITY)}),
        ("cost", _("One of: %(v)s.") % {"v": codes(Asset.Cost.values)}),
        ("visibility", _("One of: %(v)s.") % {"v": codes(Asset.Visibility.values)}),
        ("status", _("One of: %(v)s.") % {"v": codes(Asset.Status.values)}),
        ("subtype, description, capacity, contact", _("As on the “Add an asset” form.")),
    ]
