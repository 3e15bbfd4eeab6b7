"""Demo time-bank data: a few dozen accounts (members' accounts are otherwise opened
only when first used, so seeding 100,000 members costs nothing here), exchanges over
the last months (older neighbours giving as well as receiving), a group session, the
community pool, an organisation paying for care, and a family story across the two
communities: Rosnah in Kampung Seri Mawar gives credits to her cousin Wendy in Woking
East. Deterministic, and run once: a database with any time-bank account is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kampung.audit import log
from kampung.audit.context import acting
from kampung.audit.models import AuditEvent
from kampung.communities.models import Community
from kampung.people.models import Member
from kampung.people.system import system_user
from kampung.timebank import actions, posting
from kampung.timebank.models import Account, Exchange, TransactionKind, new_account_number

KSM, WOKING = "kampung-seri-mawar", "woking-east"

KINDS_OF_HELP = [
    ("Shopping run for groceries", 90),
    ("Walked to the polyclinic together", 60),
    ("Helped fill in a housing form", 45),
    ("Cooked a week of meals", 120),
    ("Taught how to video call the grandchildren", 60),
    ("Fixed a dripping tap", 30),
    ("Reading practice with a child", 60),
    ("Befriending visit and tea", 75),
]


def _system():
    return system_user()


def _open(member: Member) -> Account:
    return actions.account_for_member(member)


def seed_timebank() -> int:
    """Returns the number of transactions posted (0 if already seeded)."""
    if Account.objects.exists():
        return 0
    ksm = Community.objects.filter(slug=KSM).first()
    woking = Community.objects.filter(slug=WOKING).first()
    if ksm is None or woking is None:
        return 0
    system = _system()
    today = timezone.localdate()
    posted = 0

    def post(community, kind, lines, description, days_ago, reason=""):
        """Post, or skip if a limit refuses it (other seeds give other balances)."""
        nonlocal posted
        try:
            with transaction.atomic():
                tx = posting.post(
                    community=community,
                    kind=kind,
                    lines=[(account, amount, "minutes") for account, amount in lines],
                    by=system,
                    description=description,
                    reason=reason,
                    occurred_on=today - timedelta(days=days_ago),
                )
        except actions.LedgerError:
            return None
        posted += 1
        return tx

    def exchange(community, provider, receiver, description, minutes, days_ago, paid_by=None):
        payer = paid_by or _open(receiver)
        tx = post(
            community,
            TransactionKind.EXCHANGE,
            [(payer, -minutes), (_open(provider), minutes)],
            description,
            days_ago,
        )
        if tx is None:
            return
        when = timezone.now() - timedelta(days=days_ago)
        Exchange.objects.bulk_create(
            [
                Exchange(
                    community=community,
                    provider=provider,
                    receiver=receiver,
                    paid_by=paid_by,
                    minutes=minutes,
                    description=description,
                    occurred_on=tx.occurred_on,
                    status=Exchange.Status.POSTED,
                    provider_confirmed_at=when,
                    provider_confirmed_by=system,
                    receiver_confirmed_at=when,
                    receiver_confirmed_by=system,
                    recorded_by=system,
                    transaction=tx,
                )
            ]
        )

    with transaction.atomic(), acting(system, via="cli"):
        for community in (ksm, woking):
            Account.objects.bulk_create(
                [
                    Account(
                        community=community,
                        kind=Account.Kind.CLEARING,
                        number=new_account_number(),
                    ),
                    Account(
                        community=community,
                        kind=Account.Kind.POOL,
                        number=new_account_number(),
                        lower_limit=0,
                    ),
                ]
            )
        logins = {
            m.user.email.split("@")[0]: m
            for m in Member.objects.filter(user__email__endswith="@demo.kampung.test")
            .select_related("user")
            .order_by("pk")
        }
        for member in logins.values():
            _open(member)
        neighbours = list(
            Member.objects.filter(community=ksm, user__isnull=True, is_active=True).order_by("pk")[
                :14
            ]
        )
        older = [m for m in neighbours if m.birth_year and m.birth_year <= today.year - 65]
        younger = [m for m in neighbours if m not in older]
        if len(older) < 3 or len(younger) < 3:
            older, younger = neighbours[:5], neighbours[5:]
        rosnah, vijay = logins.get("resident"), logins.get("volunteer")
        wendy = logins.get("woking")

        # Older neighbours give as much as they receive.
        for i in range(18):
            provider = (older + [rosnah, vijay])[i % (len(older) + 2)]
            receiver = younger[(i * 3) % len(younger)] if i % 2 else older[(i + 1) % len(older)]
            if provider == receiver:
                receiver = younger[i % len(younger)]
            what, minutes = KINDS_OF_HELP[i % len(KINDS_OF_HELP)]
            exchange(ksm, provider, receiver, what, minutes, days_ago=10 + i * 9)
        for i, helper in enumerate(younger[:4]):
            exchange(ksm, helper, older[i % len(older)], KINDS_OF_HELP[i][0], 60, 5 + i * 7)

        # An organisation pays for care given to someone who cannot return it.
        org = ksm.organisations.filter(name__contains="Seniors Activity Centre").first()
        if org is not None:
            centre = Account.objects.create(
                community=ksm,
                kind=Account.Kind.ORGANISATION,
                organisation=org,
                number=new_account_number(),
            )
            exchange(ksm, younger[0], older[0], "Weekly befriending visit", 120, 3, paid_by=centre)

        # The partner login's organisation has an account too, so its staff can follow it:
        # a neighbour thanked the lunch club with an hour.
        partner = logins.get("partner")
        if (
            partner is not None
            and partner.organisation_id is not None
            and partner.organisation != org
        ):
            club = Account.objects.create(
                community=ksm,
                kind=Account.Kind.ORGANISATION,
                organisation=partner.organisation,
                number=new_account_number(),
            )
            post(
                ksm,
                TransactionKind.GIFT,
                [(_open(older[2]), -60), (club, 60)],
                "Thank you for the Thursday lunch club",
                days_ago=20,
            )

        # A chair-yoga class: the host earns an hour, shared by the attendees.
        post(
            ksm,
            TransactionKind.SESSION,
            [(_open(older[1]), 60)] + [(_open(m), -15) for m in younger[:4]],
            "Group session: Chair yoga at the void deck",
            days_ago=12,
        )

        # The pool: members give spare credits; a coordinator allocates with a reason.
        pool = actions.pool_account(ksm)
        for giver, minutes in ((older[0], 60), (vijay, 30), (younger[1], 45)):
            if giver is not None:
                post(
                    ksm,
                    TransactionKind.POOL_GIFT,
                    [(_open(giver), -minutes), (pool, minutes)],
                    "Gift to the community pool",
                    days_ago=20,
                )
        post(
            ksm,
            TransactionKind.ALLOCATION,
            [(pool, -90), (_open(younger[2]), 90)],
            "From the community pool",
            days_ago=8,
            reason="Recovering from an operation; needs help with shopping for a month",
        )

        # Rosnah's cousin Wendy lives in Woking East: a gift through both clearing accounts.
        if rosnah is not None and wendy is not None:
            post(
                ksm,
                TransactionKind.GIFT,
                [
                    (_open(rosnah), -60),
                    (actions.clearing_account(ksm), 60),
                    (actions.clearing_account(woking), -60),
                    (_open(wendy), 60),
                ],
                "For your visits to Auntie — from Rosnah",
                days_ago=15,
            )
        # Vijay recorded helping Rosnah; it waits for her confirmation.
        if rosnah is not None and vijay is not None:
            Exchange.objects.bulk_create(
                [
                    Exchange(
                        community=ksm,
                        provider=vijay,
                        receiver=rosnah,
                        minutes=45,
                        description="Filled in Rosnah's HealthHub appointment form online",
                        occurred_on=today - timedelta(days=1),
                        provider_confirmed_at=timezone.now(),
                        provider_confirmed_by=vijay.user,
                        recorded_by=vijay.user,
                    )
                ]
            )
        log.record(
            AuditEvent.Action.CREATE,
            ksm,
            summary=f"Seeded demo time bank: {Account.objects.count()} accounts, "
            f"{posted} transactions",
        )
    return posted
