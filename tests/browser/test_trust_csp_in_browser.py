"""Finding 17: with the Content-Security-Policy enforced, no page of the site breaks it.

Every URL pattern (from Django's resolver) is visited once by each role that can see it —
resident, volunteer, community developer, partner staff, analyst and administrator of
Kampung Seri Mawar — with its path parameters filled from the seeded demo data (a
member, an asset, a request, a match, a workshop and its item, an account number, a
transaction...); a visitor without a login sees the login page, a workshop's join page,
the API documentation and the error pages; an installation administrator sees the
Django admin. Which URLs a role can see is found with Django's test client first (a 200
HTML answer), so the browser loads only real pages. In the browser, every
`securitypolicyviolation` event and every console message about the policy is collected,
and the test fails listing them all."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The Django admin's form for a URL field warns about Django 6.0 (not a policy matter).
    pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning"),
]

ROLES = ["resident", "volunteer", "coordinator", "partner", "analyst", "admin"]
TILES = "https://tile.openstreetmap.org/**"
# A 1x1 transparent PNG: map tiles load (so the policy's img-src is really exercised)
# without going to the network.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105"
    "4b3f2d6e0000000049454e44ae426082"
)
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# What the browser reports: the event is the authority; Chromium also logs a line.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__kampungCspViolation({
    page: location.pathname + location.search,
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: (e.sourceFile || "") + ":" + e.lineNumber,
    sample: e.sample || ""
  });
});
// htmx refuses to evaluate code when eval is off (htmx-config in base.html): a page that
// relies on it (a trigger filter, hx-on, js: values) is as broken as a blocked script.
document.addEventListener("htmx:evalDisallowedError", function (e) {
  window.__kampungCspViolation({
    page: location.pathname + location.search,
    directive: "htmx eval (needs 'unsafe-eval')",
    blocked: "",
    source: e.target && e.target.id ? "#" + e.target.id : "",
    sample: ""
  });
});
"""


def _routes() -> list[str]:
    """Every page route the site has, as "c/<slug:slug>/people/<int:member_id>/". The
    API's JSON endpoints (no policy applies to JSON) are left out except its
    documentation page; the Django admin is visited by model below."""

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    routes = []
    for route in walk(get_resolver().url_patterns, ""):
        if route.startswith("admin/"):
            continue
        if route.startswith("api/") and not route.endswith("docs"):
            continue
        if route.startswith("^") or "(?P" in route:
            raise AssertionError(f"a regular-expression route this test cannot fill: {route}")
        routes.append(route)
    return routes


def _fill(route: str, values: dict[str, list]) -> list[str]:
    """Paths for a route, one per combination of candidate values (a few at most)."""
    names = [m.group("name") for m in PARAM.finditer(route)]
    if any(not values.get(n) for n in names):
        return []
    paths = []
    for combo in itertools.islice(itertools.product(*(values[n] for n in names)), 12):
        chosen = dict(zip(names, combo, strict=True))
        paths.append("/" + PARAM.sub(lambda m, c=chosen: str(c[m.group("name")]), route))
    return paths


def _first(queryset, n=3) -> list:
    return list(queryset.values_list("pk", flat=True)[:n])


def _candidates(cast, who: str, workshop, item) -> dict[str, list]:
    """Real values for each path parameter, the role's own things first."""
    from kampung.assets.models import Asset
    from kampung.matching.models import Match, Need, Offer
    from kampung.people.models import Consent, ConsentPurpose, Member
    from kampung.timebank.models import Account, Exchange, Transaction

    c = cast.community
    me = cast.members.get(who)
    partner_org = cast.members["partner"].organisation_id
    shared = Member.objects.filter(
        community=c,
        supported_by=partner_org,
        consents__purpose=ConsentPurpose.PARTNER_SHARING,
        consents__withdrawn_at__isnull=True,
    )
    members = (
        ([me.pk] if me else [])
        + _first(shared, 1)
        + _first(Member.objects.filter(community=c, user=None), 1)
    )
    mine = {"member": me} if me else {"pk": -1}
    steward = {"steward_member": me} if me else {"pk": -1}
    accounts = Account.objects.filter(community=c)
    own_account = list(accounts.filter(**{"member": me} if me else {"pk": -1})[:1])
    numbers = [a.number for a in own_account] + list(
        accounts.exclude(member=me).values_list("number", flat=True)[:2]
    )
    transactions = Transaction.objects.filter(community=c)
    from kampung.fridges.models import Fridge, Slot

    fridges = Fridge.objects.filter(community=c).order_by("pk")
    return {
        "fridge_id": _first(fridges, 2),
        "slot_id": _first(Slot.objects.filter(community=c, volunteer=me, done_at=None), 1),
        "slug": [c.slug],
        "member_id": members,
        "consent_id": _first(Consent.objects.filter(member__in=members), 1),
        "asset_id": _first(Asset.objects.filter(community=c, **steward), 1)
        + _first(Asset.objects.filter(community=c), 2),
        "need_id": _first(Need.objects.filter(community=c, **mine), 1)
        + _first(Need.objects.filter(community=c).exclude(matches=None), 2),
        "match_id": _first(Match.objects.filter(need__community=c, helper=me), 1)
        + _first(Match.objects.filter(need__community=c, need__member=me), 1)
        + _first(Match.objects.filter(need__community=c), 2),
        "offer_id": _first(Offer.objects.filter(community=c, **mine), 1)
        + _first(Offer.objects.filter(community=c), 1),
        "exchange_id": _first(Exchange.objects.filter(community=c), 1),
        "organisation_id": _first(c.organisations.all(), 1),
        "number": numbers,
        "transaction_id": _first(transactions.filter(postings__account__in=own_account), 1)
        + _first(transactions, 2),
        "workshop_id": [workshop.pk],
        "item_id": [item.pk],
        "token": [workshop.token, *fridges.values_list("token", flat=True)[:1]],
        # Kept in the uploader's session only: visited by uploading a file below.
        "upload": [],
    }


def _pages_for(client: Client, routes, values) -> list[str]:
    """The first path of each route that this visitor gets as an HTML page."""
    pages = []
    for route in routes:
        for path in _fill(route, values):
            response = client.get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append(path)
                break
    return pages


@dataclass
class Violations:
    found: list[str] = field(default_factory=list)

    def watch(self, context):
        context.expose_function("__kampungCspViolation", self._event)
        context.add_init_script(RECORD_VIOLATIONS)
        context.route(TILES, lambda route: route.fulfill(body=PNG, content_type="image/png"))
        context.on("page", self._page)

    def _page(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: page error: {error}"))

    def _event(self, v):
        self.found.append(
            f"{v['page']}: {v['directive']} blocked {v['blocked'] or 'inline'}"
            f" (from {v['source']}) {v['sample']}".rstrip()
        )

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            where = (message.location or {}).get("url", "")
            self.found.append(f"console ({where}): {message.text[:200]}")

    def report(self) -> list[str]:
        return list(dict.fromkeys(self.found))  # each distinct report once, in order


def _visit(page, url, found: list[str], visited: list[str]):
    response = page.goto(url, wait_until="load")
    assert response is not None
    if page.locator("script[src*='leaflet'], [hx-trigger]").count():
        # Maps fetch their markers and tiles, live boards poll: let them finish.
        page.wait_for_load_state("networkidle")
    policy = response.headers.get("content-security-policy", "")
    if "script-src" not in policy:
        found.append(f"{url}: answered without a Content-Security-Policy header")
    visited.append(url)


@pytest.fixture
def workshop_with_item(cast):
    from kampung.workshops import actions

    workshop = actions.open_workshop(
        by=cast.user("coordinator"),
        community=cast.community,
        title="Block 12 mapping evening",
        held_on=date(2026, 11, 20),
        prompt="What is good about living here?",
    )
    item = actions.add_item(
        workshop=workshop,
        participant="csp-test",
        name="Community garden",
        category="place",
        description="Behind block 12",
        lat=cast.community.centre_lat,
        lng=cast.community.centre_lng,
    )
    return workshop, item


def test_no_page_breaks_the_content_security_policy(
    cast, browser, live_server, log_in, workshop_with_item
):
    from django.conf import settings
    from django.contrib import admin

    from kampung.people.models import User
    from tests.assets.test_import import GOOD, _csv

    workshop, item = workshop_with_item
    routes = _routes()
    violations = Violations()
    visited: list[str] = []

    def new_page():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        violations.watch(context)
        return context, context.new_page()

    # Without a login: the login page, a workshop's join page, the API documentation and
    # the error pages.
    context, page = new_page()
    anonymous = _pages_for(Client(), routes, _candidates(cast, "", workshop, item))
    assert "/login/" in anonymous and f"/w/{workshop.token}/" in anonymous
    assert "/api/v1/docs" in anonymous
    for path in [*anonymous, "/no-such-page/", "/admin/login/"]:
        _visit(page, live_server.url + path, violations.found, visited)
    # The API documentation (Swagger UI) really draws the operations under the policy.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    # The participant adds an item (the page after a POST and its message).
    page.goto(f"{live_server.url}/w/{workshop.token}/")
    page.get_by_label("What is it?").fill("Saturday football")
    page.get_by_label("A group or club").check()
    page.get_by_label("Address or landmark").fill("the field behind Block 14")
    page.get_by_role("button", name="Add it to the board").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("is on the board").count() == 1
    visited.append(page.url)
    context.close()

    for who in ROLES:
        user = cast.user(who)
        client = Client()
        client.force_login(user)
        pages = _pages_for(client, routes, _candidates(cast, who, workshop, item))
        assert len(pages) >= 12, (who, pages)
        context, page = new_page()
        log_in(page, user.email)
        for path in pages:
            _visit(page, live_server.url + path, violations.found, visited)
            if path.endswith(f"/workshops/{workshop.pk}/"):
                page.wait_for_timeout(3500)  # one poll of the live board, swapped by htmx
        # A page that is refused, as this role sees it.
        refused = f"{live_server.url}/c/{cast.community.slug}/people/999999/"
        _visit(page, refused, violations.found, visited)
        if who == "coordinator":
            # The member search swaps results in with htmx as one types.
            page.goto(f"{live_server.url}/c/{cast.community.slug}/people/")
            page.get_by_role("searchbox").first.fill("a")
            page.wait_for_timeout(800)
            page.wait_for_load_state("networkidle")
            # The import preview lives in the uploader's session: upload a file to see it.
            page.goto(f"{live_server.url}/c/{cast.community.slug}/assets/import/")
            page.get_by_label("Spreadsheet file (.csv or .xlsx)").set_input_files(
                {"name": "good.csv", "mimeType": "text/csv", "buffer": _csv(GOOD)}
            )
            page.get_by_role("button", name="Check the file").click()
            page.wait_for_load_state("networkidle")
            assert "/assets/import/" in page.url and page.url.rstrip("/") != (
                f"{live_server.url}/c/{cast.community.slug}/assets/import"
            )
            visited.append(page.url)
        context.close()

    # An installation administrator in the Django admin: the index, every list and the
    # first record of each.
    superuser = User.objects.create_superuser("ops@example.org", settings.KAMPUNG_DEMO_PASSWORD)
    context, page = new_page()
    log_in(page, superuser.email)
    client = Client()
    client.force_login(superuser)
    admin_pages = ["/admin/"]
    for model, _model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        admin_pages.append(base)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            admin_pages.append(f"{base}{first.pk}/change/")
    for path in admin_pages:
        if client.get(path).status_code == 200:
            _visit(page, live_server.url + path, violations.found, visited)
    context.close()

    assert len(visited) > 100
    assert violations.report() == [], "\n".join(violations.report())


def test_the_watcher_reports_what_the_policy_blocks(cast, browser, live_server):
    """The collector itself: a page under the site's policy with a style block, a style
    attribute, an inline script, an event handler and an image from elsewhere is
    reported for each of them (and the script does not run)."""
    policy = Client().get("/login/").headers["Content-Security-Policy"]
    assert policy, "the site sends no policy"
    bad = (
        "<!doctype html><html><head><style>p { color: red }</style></head><body>"
        '<p style="color: blue">x</p><script>document.title = "ran"</script>'
        '<img src="https://images.example.net/x.png" alt=""><button onclick="x()">b</button>'
        "</body></html>"
    )
    violations = Violations()
    context = browser.new_context()
    violations.watch(context)
    context.route(
        f"{live_server.url}/csp-self-test/",
        lambda route: route.fulfill(
            body=bad, content_type="text/html", headers={"Content-Security-Policy": policy}
        ),
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/csp-self-test/", wait_until="load")
    page.evaluate("document.querySelector('button').click()")
    page.wait_for_timeout(300)
    title = page.title()
    context.close()
    assert title != "ran"
    events = [v for v in violations.found if v.startswith("/csp-self-test/")]
    reports = "\n".join(events)
    for directive in ("style-src-elem", "style-src-attr", "script-src-elem", "script-src-attr"):
        assert directive in reports, reports
    assert "img-src blocked https://images.example.net/x.png" in reports, reports
