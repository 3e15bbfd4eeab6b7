"""Write a CandidateChange row whenever something a candidate is made of changes, in the
same transaction (a rolled-back change leaves no row). kampung.matching.kept re-reads
what each row names. Bulk writes that skip signals must call ``changed`` themselves."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from kampung.assets.models import Asset
from kampung.matching.models import CandidateChange, Match, Offer, StrengthsProfile
from kampung.people.models import BackgroundCheck, Member


def changed(community_id: int | None, *keys: str) -> None:
    if community_id is None or not keys:
        return
    CandidateChange.objects.bulk_create(
        [CandidateChange(community_id=community_id, key=k) for k in dict.fromkeys(keys)]
    )


def _offer(sender, instance: Offer, **kwargs) -> None:
    keys = [f"offer:{instance.pk}"]
    if instance.member_id:
        keys.append(f"member:{instance.member_id}")
    changed(instance.community_id, *keys)


def _offer_tags(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Offer):
        changed(instance.community_id, f"offer:{instance.pk}")
    elif action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Asset):
        changed(instance.community_id, f"asset:{instance.pk}")


def _profile(sender, instance: StrengthsProfile, **kwargs) -> None:
    changed(instance.community_id, f"member:{instance.member_id}")


def _member(sender, instance: Member, **kwargs) -> None:
    changed(instance.community_id, f"member:{instance.pk}")


def _check(sender, instance: BackgroundCheck, **kwargs) -> None:
    changed(instance.community_id, f"member:{instance.member_id}")


def _asset(sender, instance: Asset, **kwargs) -> None:
    keys = [f"asset:{instance.pk}"]
    if instance.steward_member_id:
        keys.append(f"member:{instance.steward_member_id}")
    changed(instance.community_id, *keys)


def _match(sender, instance: Match, **kwargs) -> None:
    """A suggestion uses up capacity and counts as an ask: the helper's candidates."""
    keys = []
    if instance.offer_id:
        keys.append(f"offer:{instance.offer_id}")
    if instance.helper_id:
        keys.append(f"member:{instance.helper_id}")
    changed(instance.community_id, *keys)


def connect() -> None:
    uid = "kampung.matching.kept"
    for model, handler in (
        (Offer, _offer),
        (StrengthsProfile, _profile),
        (Member, _member),
        (BackgroundCheck, _check),
        (Asset, _asset),
        (Match, _match),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}")
    m2m_changed.connect(_offer_tags, sender=Offer.tags.through, dispatch_uid=f"{uid}.offer_tags")
    m2m_changed.connect(_offer_tags, sender=Asset.tags.through, dispatch_uid=f"{uid}.asset_tags")
