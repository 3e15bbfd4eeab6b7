"""The starting list of skills people offer. Drawn from the kinds of personal assets in
the NCSS 4ST self-help guide (knowledge, skills, talents, lived experience) and the
activities older residents' workshops named (SCIE/Spice asset-mapping workshop, Woking).
Administrators will be able to extend it once the asset register exists."""

from django.utils.translation import gettext_lazy as _

SKILLS = {
    "it-help": _("IT and phone help"),
    "lived-experience-mental-health": _("Lived experience of mental health recovery"),
    "lived-experience-caring": _("Lived experience of caring for a relative"),
    "befriending": _("Befriending and companionship"),
    "cooking": _("Cooking and meal preparation"),
    "driving": _("Driving and lifts"),
    "gardening": _("Gardening"),
    "diy-repairs": _("Small repairs and DIY"),
    "tutoring": _("Tutoring and homework help"),
    "interpreting": _("Interpreting and translation"),
    "eldercare": _("Helping older neighbours at home"),
    "first-aid": _("First aid"),
    "music": _("Music"),
    "arts-crafts": _("Arts and crafts"),
    "sewing": _("Sewing and mending"),
    "haircutting": _("Haircutting"),
    "bookkeeping": _("Bookkeeping and forms"),
    "event-organising": _("Organising events"),
    "youth-mentoring": _("Mentoring young people"),
    "sport-coaching": _("Sport and exercise coaching"),
    "photography": _("Photography"),
    "peer-support": _("Peer support"),
}

LANGUAGE_NAMES = {
    "en": _("English"),
    "zh": _("Chinese"),
    "ms": _("Malay"),
    "ta": _("Tamil"),
    "ur": _("Urdu"),
    "pl": _("Polish"),
    "pa": _("Punjabi"),
}
