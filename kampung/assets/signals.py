"""Bump a community's assets_version when what the map counts may have changed."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kampung.assets.models import Asset
from kampung.communities.models import Community
from kampung.people.models import Consent, ConsentPurpose


def bump(community_id) -> None:
    # A direct UPDATE: no audit row for a cache counter, and no lost increments.
    Community.objects.filter(pk=community_id).update(assets_version=F("assets_version") + 1)


@receiver(post_save, sender=Asset)
@receiver(post_delete, sender=Asset)
def asset_changed(sender, instance, **kwargs):
    bump(instance.community_id)


@receiver(post_save, sender=Consent)
@receiver(post_delete, sender=Consent)
def consent_changed(sender, instance, **kwargs):
    if instance.purpose == ConsentPurpose.PROFILE_VISIBLE:
        bump(instance.member.community_id)
