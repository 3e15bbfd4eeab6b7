"""Time bank accounts: opened when first needed (members), by a community developer
(organisations, the clearing account), or with the community (the pool); their limits,
closing and reopening. Account settings change here; balances change only by posting
(kampung.timebank.posting)."""

from __future__ import annotations

from django.db import transaction

from kampung import policy
from kampung.people.models import Member
from kampung.timebank.errors import LedgerError
from kampung.timebank.ledger import clean_account_number, format_minutes
from kampung.timebank.models import Account, new_account_number

# New members may owe up to ten hours, so someone can ask for help before they have
# had the chance to give any. A community developer can change it per account.
MEMBER_LOWER_LIMIT = -10 * 60


def account_for_member(member: Member) -> Account:
    """The member's account, opened the first time it is needed (so seeding 100,000
    members costs nothing here)."""
    account = Account.objects.filter(member=member).select_related("member").first()
    if account is not None:
        return account
    account, _ = Account.objects.get_or_create(
        member=member,
        defaults={
            "community_id": member.community_id,
            "kind": Account.Kind.MEMBER,
            "number": new_account_number(),
            "lower_limit": MEMBER_LOWER_LIMIT,
        },
    )
    return account


def pool_account(community) -> Account:
    account, _ = Account.objects.get_or_create(
        community=community,
        kind=Account.Kind.POOL,
        defaults={"number": new_account_number(), "lower_limit": 0},
    )
    return account


def organisation_account(community, organisation) -> Account:
    if not organisation.communities.filter(pk=community.pk).exists():
        raise LedgerError("organisation", "That organisation does not work in this community.")
    account, _ = Account.objects.get_or_create(
        community=community,
        organisation=organisation,
        kind=Account.Kind.ORGANISATION,
        defaults={"number": new_account_number()},
    )
    return account


def existing_organisation_account(community, organisation) -> Account | None:
    """The organisation's account here, if a community developer has opened one."""
    return Account.objects.filter(
        community=community, organisation=organisation, kind=Account.Kind.ORGANISATION
    ).first()


def clearing_account(community) -> Account | None:
    return Account.objects.filter(community=community, kind=Account.Kind.CLEARING).first()


def open_clearing_account(*, by, community) -> Account:
    """Lets credits move between this community and others that have one. Its balance
    is what the community owes (negative) or is owed (positive) by the others."""
    policy.require(by, "timebank.manage_accounts", community)
    account, _ = Account.objects.get_or_create(
        community=community,
        kind=Account.Kind.CLEARING,
        defaults={"number": new_account_number()},
    )
    return account


def find_account(number: str, *, field: str = "to_account") -> Account:
    cleaned = clean_account_number(number)
    account = (
        Account.objects.select_related("member", "organisation", "community")
        .filter(number=cleaned)
        .first()
    )
    if account is None:
        raise LedgerError(field, "There is no time bank account with that number.")
    return account


@transaction.atomic
def set_limits(*, by, account: Account, lower_limit: int | None, upper_limit: int | None):
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if lower_limit is not None and locked.balance < lower_limit:
        raise LedgerError(
            "lower_limit",
            f"The balance is {format_minutes(locked.balance)}; the lowest balance allowed "
            "cannot be above it.",
        )
    if upper_limit is not None and locked.balance > upper_limit:
        raise LedgerError(
            "upper_limit",
            f"The balance is {format_minutes(locked.balance)}; the highest balance allowed "
            "cannot be below it.",
        )
    locked.lower_limit, locked.upper_limit = lower_limit, upper_limit
    locked.save(update_fields=["lower_limit", "upper_limit"])
    return locked


@transaction.atomic
def close_account(*, by, account: Account) -> Account:
    """A closed account keeps its history but can no longer send or receive credits."""
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.kind == Account.Kind.POOL:
        raise LedgerError("account", "The community pool cannot be closed.")
    locked.is_open = False
    locked.save(update_fields=["is_open"])
    return locked


@transaction.atomic
def reopen_account(*, by, account: Account) -> Account:
    """Undo a closing: the account can send and receive credits again."""
    policy.require(by, "timebank.manage_accounts", account.community, account)
    locked = Account.objects.select_for_update().get(pk=account.pk)
    locked.is_open = True
    locked.save(update_fields=["is_open"])
    return locked


def open_organisation_account(*, by, community, organisation) -> Account:
    """An account for an organisation working in this community, from which it can pay
    for care given to people who cannot give time back. No lower limit until a
    community developer sets one: the organisation underwrites what it pays."""
    policy.require(by, "timebank.manage_accounts", community)
    with transaction.atomic():
        return organisation_account(community, organisation)
