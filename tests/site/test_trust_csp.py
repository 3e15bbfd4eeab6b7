"""Finding 17: the Content-Security-Policy is the same in development, tests and production,
and no template needs what it forbids (inline script, inline style, event-handler
attributes, javascript: URLs, htmx attributes that evaluate JavaScript)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

KAMPUNG = Path(__file__).resolve().parents[2] / "kampung"
TEMPLATES = sorted(p for p in KAMPUNG.rglob("templates/**/*.html"))

# Each pattern is something a strict policy (no 'unsafe-inline', no 'unsafe-eval') blocks.
FORBIDDEN = {
    "an inline <script> block": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
    ),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> block": re.compile(r"<style\b", re.I),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on (evaluates JavaScript)": re.compile(r"\b(?:data-)?hx-on", re.I),
    "hx-vars (evaluates JavaScript)": re.compile(r"\b(?:data-)?hx-vars", re.I),
    "js: in hx-vals or hx-headers": re.compile(r"hx-(?:vals|headers)\s*=\s*['\"]\s*js:", re.I),
    "an hx-trigger filter (evaluates JavaScript)": re.compile(
        r"hx-trigger\s*=\s*(\"[^\"]*\[|'[^']*\[)", re.I
    ),
}


def test_the_template_scan_sees_every_template():
    assert len(TEMPLATES) > 40
    assert any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(KAMPUNG)))
def test_it_has_no_template_that_needs_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    found = [
        f"{what}: {match.group(0)!r} on line {text.count(chr(10), 0, match.start()) + 1}"
        for what, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert found == []


def test_it_sends_the_same_policy_in_development_and_tests(client, db):
    policy = client.get("/login/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy


def test_it_keeps_htmx_from_injecting_styles_or_evaluating_code(client, db):
    page = client.get("/login/").content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert match, "base.html has no htmx-config meta tag"
    config = json.loads(match.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False


def test_it_sends_a_policy_on_pages_of_a_logged_in_member(cast, login):
    client = login(cast.user("coordinator"))
    response = client.get(f"/c/{cast.community.slug}/")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_api_documentation_page_keeps_a_policy_without_inline_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
