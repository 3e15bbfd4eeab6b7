"""A curated concept map: everyday phrasing -> skills (kampung/people/skills.py) and Open
Eligibility service types (kampung/assets/data/oe.json), plus which skills and service
types are related. It is what lets "help with my phone" find someone listed under
"IT and phone help". Written by hand for Kampung's two demo neighbourhoods (a Singapore
HDB estate and an English town); extend it when coordinators report misses.

This module must not import Django: skill labels are repeated here as plain strings and
tests check they stay in step with the skills list."""

from __future__ import annotations

from functools import lru_cache

from kampung.matching.core.text import is_stopword, plain, raw_words, words

SKILL_LABELS = {
    "it-help": "IT and phone help",
    "lived-experience-mental-health": "Lived experience of mental health recovery",
    "lived-experience-caring": "Lived experience of caring for a relative",
    "befriending": "Befriending and companionship",
    "cooking": "Cooking and meal preparation",
    "driving": "Driving and lifts",
    "gardening": "Gardening",
    "diy-repairs": "Small repairs and DIY",
    "tutoring": "Tutoring and homework help",
    "interpreting": "Interpreting and translation",
    "eldercare": "Helping older neighbours at home",
    "first-aid": "First aid",
    "music": "Music",
    "arts-crafts": "Arts and crafts",
    "sewing": "Sewing and mending",
    "haircutting": "Haircutting",
    "bookkeeping": "Bookkeeping and forms",
    "event-organising": "Organising events",
    "youth-mentoring": "Mentoring young people",
    "sport-coaching": "Sport and exercise coaching",
    "photography": "Photography",
    "peer-support": "Peer support",
}

LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "ms": "Malay",
    "ta": "Tamil",
    "ur": "Urdu",
    "pl": "Polish",
    "pa": "Punjabi",
}

ACCESSIBILITY_NAMES = {
    "step_free": "step-free access",
    "wheelchair": "wheelchair access",
    "accessible_toilet": "an accessible toilet",
    "hearing_loop": "a hearing loop",
    "quiet_space": "a quiet space",
    "large_print": "large print or easy read",
}

# code(s) <- phrases. A phrase is matched on stemmed words, so "cooking", "cooked" and
# "cooks" all match "cook"; multi-word phrases match as a run of words.
# Phrase lists read better packed than one phrase per line.
# fmt: off
CONCEPTS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    # --- skills -----------------------------------------------------------------
    (
        ("it-help",),
        (
            "phone", "smartphone", "handphone", "mobile phone", "iphone", "android", "tablet",
            "ipad", "computer", "laptop", "pc", "internet", "wifi", "wi fi", "email", "e mail",
            "whatsapp", "video call", "zoom", "facetime", "~app", "~apps", "password", "printer",
            "digital", "singpass", "technology", "~tech", "software", "website", "social media",
            "facebook", "text message", "texting", "online banking", "scam", "gadget", "kindle",
            "smart tv", "telegram", "paynow", "nhs app", "router", "broadband",
        ),
    ),
    (
        ("lived-experience-mental-health", "106"),
        (
            "mental health", "depression", "depressed", "anxiety", "anxious", "panic",
            "breakdown", "burnout", "bipolar", "schizophrenia", "psychosis", "feeling low",
            "low mood", "~stress", "~stressed", "suicidal", "therapy", "counselling",
            "~overwhelmed", "~wellbeing",
        ),
    ),
    (
        ("lived-experience-caring", "108-07"),
        (
            "carer", "caregiver", "caring for", "dementia", "alzheimer", "alzheimers", "respite",
            "looking after my", "look after my", "stroke", "disabled son", "disabled daughter",
            "special needs", "autism", "autistic",
        ),
    ),
    (
        ("befriending", "108-07"),
        (
            "lonely", "loneliness", "~company", "companion", "companionship", "befriend",
            "befriender", "befriending", "~chat", "~chatting", "~talk to", "someone to talk",
            "isolated", "isolation", "friendship", "~alone", "~visit", "~visitor", "cuppa",
            "~kopi", "~coffee", "~tea", "~phone call", "check in", "checking in", "~walk with",
            "~outing",
        ),
    ),
    (
        ("cooking", "102"),
        (
            "cook", "cooking", "meal", "meals", "food", "recipe", "bake", "baking", "~kitchen",
            "~dinner", "~lunch", "~breakfast", "soup", "hot meal", "curry", "nasi", "porridge",
            "congee", "batch cook", "~eat", "~eating", "~dish",
        ),
    ),
    (
        ("driving", "105-02"),
        (
            "lift", "lifts", "ride", "drive", "driving", "driver", "~car", "transport", "taxi",
            "pick up", "drop off", "give me a lift", "run me", "~take me to", "~get to",
            "~get me to", "hospital appointment", "clinic appointment", "~van", "wheelchair taxi",
            "school run",
        ),
    ),
    (
        ("gardening", "102-01"),
        (
            "garden", "gardening", "gardener", "~plant", "~plants", "weed", "weeding", "hedge",
            "lawn", "mow", "mowing", "grass", "allotment", "vegetable", "vegetables", "~grow",
            "~growing", "herb", "herbs", "planter", "pot plants", "compost", "seedling", "prune",
            "pruning", "~tree", "~flower", "~flowers", "~balcony", "corridor plants",
        ),
    ),
    (
        ("diy-repairs", "103-04"),
        (
            "fix", "fixing", "repair", "repairs", "broken", "shelf", "shelves", "~door", "tap",
            "leak", "leaking", "leaky", "flatpack", "flat pack", "~furniture", "assemble",
            "handyman", "drill", "put up", "~paint", "decorate", "decorating", "light bulb",
            "bulb", "~tools", "hinge", "curtain rail", "plumbing", "diy", "toilet seat",
            "cupboard", "wardrobe", "~fan", "socket", "~bicycle", "~bike", "puncture",
        ),
    ),
    (
        ("tutoring", "109-03"),
        (
            "homework", "tutor", "tutoring", "tuition", "maths", "math", "~science", "~reading",
            "spelling", "exam", "exams", "psle", "gcse", "o level", "a level", "revision",
            "~study", "~studying", "school work", "~lesson", "~lessons", "learn english",
            "english lessons", "phonics", "times tables", "primary school", "secondary school",
            "esol", "literacy",
        ),
    ),
    (
        ("interpreting", "111-05"),
        (
            "translate", "translating", "translation", "translator", "interpreter", "interpret",
            "interpreting", "language barrier", "doesnt speak english", "dont speak english",
            "no english", "speak english", "in english", "explain the letter",
        ),
    ),
    (
        ("eldercare", "108-03"),
        (
            "elderly", "~older", "grandmother", "grandfather", "grandma", "grandpa", "granny",
            "ah ma", "ah gong", "nenek", "atuk", "~aged", "frail", "housebound", "~home visit",
            "~senior", "~seniors", "pensioner", "~check on", "bathing", "personal care",
            "bedbound", "~mobility", "walking frame", "zimmer", "ageing", "aging", "widow",
            "widower",
        ),
    ),
    (
        ("first-aid", "106-04"),
        (
            "first aid", "first aider", "cpr", "aed", "defibrillator", "injury", "bandage",
            "wound", "first responder", "resuscitation", "choking",
        ),
    ),
    (
        ("music",),
        (
            "music", "musical", "musician", "sing", "singing", "singer", "~song", "~songs",
            "choir", "guitar", "piano", "~keyboard", "karaoke", "~band", "instrument", "ukulele",
            "drum", "drums", "violin", "erhu", "kompang", "~dj",
        ),
    ),
    (
        ("arts-crafts",),
        (
            "~art", "~arts", "craft", "crafts", "crafty", "~drawing", "~draw", "~painting",
            "knit", "knitting", "crochet", "origami", "card making", "pottery", "clay",
            "colouring", "coloring", "mural", "batik", "calligraphy", "scrapbook", "bead",
            "beading", "lantern",
        ),
    ),
    (
        ("sewing", "104-02"),
        (
            "sew", "sewing", "mend", "mending", "alter", "alteration", "alterations", "hem",
            "hemming", "stitch", "tailor", "~button", "zip", "zipper", "~curtain", "~curtains",
            "sewing machine", "darn", "~patch", "seamstress", "baju kurung", "~uniform",
        ),
    ),
    (
        ("haircutting",),
        (
            "haircut", "hair cut", "~hair", "barber", "hairdresser", "fringe", "shave",
            "hairdressing",
        ),
    ),
    (
        ("bookkeeping", "107-05"),
        (
            "~form", "~forms", "paperwork", "~bill", "~bills", "budget", "budgeting", "accounts",
            "bookkeeping", "book keeping", "tax", "tax return", "~application", "~apply",
            "~applying", "financial", "~money", "debt", "spreadsheet", "treasurer", "pension",
            "universal credit", "cpf", "~letter", "~letters", "receipts", "invoice", "grant",
            "council tax", "comcare", "silver support", "~hdb", "benefit", "benefits", "~admin",
        ),
    ),
    (
        ("event-organising",),
        (
            "~event", "~events", "~party", "celebration", "festival", "~organise", "~organize",
            "~organising", "~organizing", "gathering", "fair", "bazaar", "hari raya", "deepavali",
            "christmas", "chinese new year", "block party", "fundraiser", "street party",
            "fun day", "open day", "potluck", "~launch", "get together",
        ),
    ),
    (
        ("youth-mentoring", "110"),
        (
            "teenager", "teenagers", "teen", "teens", "young person", "young people", "youth",
            "mentor", "mentoring", "~career", "~careers", "cv", "resume", "job interview",
            "apprenticeship", "role model", "school leaver", "gap year", "going off the rails",
            "university application", "~poly", "~ite",
        ),
    ),
    (
        ("sport-coaching", "106-04"),
        (
            "exercise", "exercises", "fitness", "football", "badminton", "sport", "sports",
            "coach", "coaching", "yoga", "tai chi", "taichi", "qigong", "walking group", "zumba",
            "swim", "swimming", "stretching", "keep fit", "workout", "gym", "netball", "cricket",
            "jogging", "~balance", "~falls", "physio", "pickleball", "line dancing",
        ),
    ),
    (
        ("photography",),
        (
            "photo", "photos", "photograph", "photographs", "photographer", "camera", "~pictures",
            "~picture", "portrait", "headshot", "photography", "~video", "filming",
        ),
    ),
    (
        ("peer-support", "108-07"),
        (
            "peer support", "support group", "someone who understands", "been through",
            "been there", "grief", "grieving", "bereavement", "bereaved", "~lost my", "addiction",
            "~recovery", "sober", "drinking", "gambling", "divorce", "new mum", "new mother",
            "listening ear", "~listen", "lived experience",
        ),
    ),
    # --- Open Eligibility top-level service types, and Kampung's own ----------
    (
        ("101",),
        (
            "emergency", "crisis", "fire", "flood", "evicted tonight",
        ),
    ),
    (
        ("102",),
        (
            "food", "groceries", "grocery", "hungry", "food bank", "pantry", "rice", "rations",
            "~supermarket", "~shopping",
        ),
    ),
    (
        ("102-03",),
        (
            "deliver food", "food delivery", "bring groceries", "grocery shopping",
        ),
    ),
    (
        ("102-05",),
        (
            "free meal", "hot meal", "soup kitchen", "community kitchen", "meals on wheels",
        ),
    ),
    (
        ("102-07",),
        (
            "nutrition", "healthy eating", "diet", "diabetic diet",
        ),
    ),
    (
        ("103",),
        (
            "housing", "~rent", "landlord", "homeless", "eviction", "tenancy", "mould", "damp",
            "rental", "hostel",
        ),
    ),
    (
        ("104",),
        (
            "clothes", "clothing", "~donate", "~donation", "secondhand", "second hand",
            "preloved", "~items", "blanket", "blankets", "fridge", "mattress", "~bed",
        ),
    ),
    (
        ("104-01",),
        (
            "baby", "pram", "stroller", "cot", "nappies", "diapers", "formula", "newborn",
        ),
    ),
    (
        ("104-02",),
        (
            "coat", "coats", "shoes", "school uniform", "winter clothes",
        ),
    ),
    (
        ("104-03",),
        (
            "~furniture", "pots and pans", "kettle", "microwave", "sofa", "~table",
        ),
    ),
    (
        ("104-04",),
        (
            "~wheelchair", "walking stick", "walking frame", "walker", "commode", "crutches",
            "medical equipment", "mobility aid", "mobility scooter",
        ),
    ),
    (
        ("104-06",),
        (
            "~toys", "~toy", "~gift", "~gifts", "~books", "board game", "board games",
        ),
    ),
    (
        ("105",),
        (
            "bus", "train", "mrt", "~journey", "commute",
        ),
    ),
    (
        ("106",),
        (
            "health", "doctor", "gp", "clinic", "~hospital", "medicine", "medication",
            "polyclinic", "nurse", "diabetes", "blood pressure", "~appointment",
        ),
    ),
    (
        ("106-02",),
        (
            "dental", "dentist", "teeth", "denture", "dentures",
        ),
    ),
    (
        ("106-03", "108-04"),
        (
            "end of life", "dying", "palliative", "hospice", "terminal",
        ),
    ),
    (
        ("107",),
        (
            "~money", "cash", "afford", "savings", "loan", "loans", "debts", "arrears",
        ),
    ),
    (
        ("108",),
        (
            "~care", "~caring", "~looking after",
        ),
    ),
    (
        ("108-02",),
        (
            "dog", "dogs", "cat", "cats", "pet", "pets", "walk my dog", "animal", "animals",
        ),
    ),
    (
        ("108-03",),
        (
            "childcare", "babysit", "babysitting", "babysitter", "day care", "nursery",
            "childminder",
        ),
    ),
    (
        ("108-05",),
        (
            "~navigate", "social worker", "~appeal", "paperwork", "which office", "~agency",
        ),
    ),
    (
        ("109",),
        (
            "~school", "~learn", "~learning", "~class", "~classes", "~course", "~courses",
            "~teach", "~teaching", "~workshop",
        ),
    ),
    (
        ("110",),
        (
            "job", "jobs", "employment", "~interview", "~career", "~volunteering", "unemployed",
            "workplace", "retrenched", "redundant",
        ),
    ),
    (
        ("111",),
        (
            "legal", "lawyer", "solicitor", "court", "~rights", "dispute", "immigration", "visa",
            "~police",
        ),
    ),
    (
        ("111-02",),
        (
            "mediation", "mediator", "neighbour dispute", "argument", "noise complaint",
            "quarrel", "quarrelling", "dispute", "falling out", "~noise",
        ),
    ),
    # Kampung's own: a room, hall or space to use (offers can be "space").
    (
        ("venue",),
        (
            "venue", "hall", "room", "space", "place for", "function room", "meeting room",
            "void deck", "community centre", "church hall", "hire",
        ),
    ),
]
# fmt: on

# Skills and service types that are close without being the same: (a, b, strength).
RELATED: list[tuple[str, str, float]] = [
    ("befriending", "eldercare", 0.6),
    ("befriending", "peer-support", 0.5),
    ("peer-support", "lived-experience-mental-health", 0.7),
    ("peer-support", "lived-experience-caring", 0.7),
    ("lived-experience-caring", "eldercare", 0.5),
    ("tutoring", "youth-mentoring", 0.6),
    ("tutoring", "interpreting", 0.3),
    ("arts-crafts", "sewing", 0.5),
    ("arts-crafts", "photography", 0.4),
    ("music", "event-organising", 0.3),
    ("bookkeeping", "interpreting", 0.3),
    ("bookkeeping", "it-help", 0.3),
    ("sport-coaching", "youth-mentoring", 0.4),
    ("sport-coaching", "first-aid", 0.3),
    ("cooking", "event-organising", 0.3),
    ("driving", "eldercare", 0.3),
    ("gardening", "diy-repairs", 0.3),
    ("bookkeeping", "107", 0.8),
    ("bookkeeping", "108-05", 0.7),
    ("bookkeeping", "107-07", 0.9),
    ("bookkeeping", "107-03", 0.8),
    ("it-help", "109-06", 0.6),
    ("cooking", "102-05", 0.9),
    ("cooking", "102-07", 0.6),
    ("driving", "105", 0.9),
    ("driving", "102-03", 0.5),
    ("eldercare", "108", 0.7),
    ("eldercare", "106", 0.3),
    ("befriending", "108", 0.5),
    ("first-aid", "106", 0.5),
    ("tutoring", "109", 0.9),
    ("youth-mentoring", "110-01", 0.6),
    ("youth-mentoring", "110-03", 0.7),
    ("interpreting", "111", 0.4),
    ("sewing", "104", 0.5),
    ("diy-repairs", "103", 0.5),
    ("diy-repairs", "104-03", 0.5),
    ("gardening", "102", 0.4),
    ("lived-experience-mental-health", "106-01", 0.5),
    ("peer-support", "106-01", 0.8),
    ("lived-experience-caring", "108-03", 0.5),
    ("lived-experience-caring", "106-03", 0.4),
    ("event-organising", "109-03", 0.3),
    ("music", "109-03", 0.5),
    ("arts-crafts", "109-03", 0.5),
    ("photography", "109-03", 0.4),
    ("sport-coaching", "109-03", 0.4),
    ("haircutting", "104", 0.2),
]

# How close two codes must be for the match to count, by relation.
SAME, ANCESTOR, SIBLING = 1.0, 0.8, 0.4
# A code read from free text is less certain than one somebody picked.
INFERRED = 0.85


@lru_cache(maxsize=1)
def oe_terms() -> dict[str, tuple[str, str]]:
    """code -> (title, parent code) for every Open Eligibility term."""
    from kampung.assets.taxonomy import open_eligibility_terms  # plain JSON, no Django

    return {code: (title, parent) for code, title, parent in open_eligibility_terms()}


# Codes of Kampung's own, outside both schemes.
EXTRA_LABELS = {"venue": "A room, hall or space to use"}


def label(code: str) -> str:
    if code in SKILL_LABELS:
        return SKILL_LABELS[code]
    if code in EXTRA_LABELS:
        return EXTRA_LABELS[code]
    term = oe_terms().get(code)
    return term[0] if term else code


def _ancestors(code: str) -> list[str]:
    terms, out = oe_terms(), []
    parent = terms.get(code, ("", ""))[1]
    while parent:
        out.append(parent)
        parent = terms.get(parent, ("", ""))[1]
    return out


# A phrase marked "~" is weak evidence on its own (it often means something else).
WEAK = 0.5
# Words too general to say what kind of help is meant: on their own (as written, before
# stemming) they never show a concept. "trained" is not "train" (the MRT), "youth" alone
# is not mentoring or a job, and every offer "helps". Phrases containing them still
# count ("young people", "help with my phone" through "phone").
GENERIC_WORDS = frozenset(
    {
        "help", "helps", "helped", "helping", "helper", "helpers", "helpful",
        "work", "works", "worked", "working", "worker", "workers",
        "trained", "training", "trainer", "trainers", "trainee", "qualified",
        "youth", "young", "people", "person", "community", "neighbour", "neighbours",
        "support", "supports", "supporting", "service", "services",
        "care", "cares", "caring", "volunteer", "volunteers", "volunteering",
        "experience", "experienced", "things", "stuff", "anything", "everything",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _phrase_table() -> tuple[dict[tuple[str, ...], dict[str, float]], int]:
    table: dict[tuple[str, ...], dict[str, float]] = {}
    longest = 1

    def put(key: tuple[str, ...], code: str, strength: float) -> None:
        codes = table.setdefault(key, {})
        codes[code] = max(codes.get(code, 0.0), strength)

    for codes, phrases in CONCEPTS:
        for phrase in phrases:
            strength = WEAK if phrase.startswith("~") else 1.0
            key = tuple(words(phrase.lstrip("~")))
            if key:
                for code in codes:
                    put(key, code, strength)
                longest = max(longest, len(key))
    # Skill labels and OE titles are phrases for their own code too.
    for code, title in SKILL_LABELS.items():
        put(tuple(words(title)), code, 1.0)
    for code, (title, _parent) in oe_terms().items():
        key = tuple(words(title))
        if key and key not in table:
            table[key] = {code: 1.0}
            longest = max(longest, len(key))
    return table, longest


@lru_cache(maxsize=1)
def _phrase_starts() -> dict[int, frozenset[str]]:
    """phrase length -> the words phrases of that length start with: a window whose
    first word is not among them cannot be a phrase, so it is not looked up at all."""
    table, _longest = _phrase_table()
    starts: dict[int, set[str]] = {}
    for key in table:
        starts.setdefault(len(key), set()).add(key[0])
    return {n: frozenset(v) for n, v in starts.items()}


def concepts_in(text: str) -> dict[str, tuple[float, str]]:
    """Codes the text mentions in everyday words: code -> (strength 0-1, the first
    phrase that showed it, as written). Phrases are matched longest first and do not
    overlap ("video call" is not also "video"); a code's strength adds up over the
    distinct phrases that show it, up to 1."""
    raw = plain(text)
    originals = raw_words(raw)
    toks = words(raw)
    table, longest = _phrase_table()
    phrase_starts = _phrase_starts()
    used = [False] * len(toks)
    hits: list[tuple[int, str, dict[str, float]]] = []
    for n in range(min(longest, len(toks)), 0, -1):
        first = phrase_starts.get(n, frozenset())
        for i in range(len(toks) - n + 1):
            if toks[i] not in first or any(used[i : i + n]):
                continue
            codes = table.get(tuple(toks[i : i + n]))
            if codes and n == 1 and (originals[i] in GENERIC_WORDS or is_stopword(originals[i])):
                # A general word alone says nothing about the kind of help; nor does a
                # stop word that stems like a phrase ("out" is not "outing").
                continue
            if codes:
                used[i : i + n] = [True] * n
                hits.append((i, " ".join(originals[i : i + n]), codes))
    found: dict[str, tuple[float, str]] = {}
    seen: set[tuple[str, str]] = set()
    for _i, phrase, codes in sorted(hits, key=lambda h: h[0]):
        for code, strength in codes.items():
            if (code, phrase) in seen:
                continue
            seen.add((code, phrase))
            old = found.get(code)
            if old is None:
                found[code] = (strength, phrase)
            else:
                found[code] = (min(1.0, old[0] + strength), old[1])
    return found


@lru_cache(maxsize=4096)
def related(code: str) -> dict[str, float]:
    """Every code that ``code`` counts as a match for, with how strongly (0-1)."""
    out: dict[str, float] = {code: SAME}

    def put(c: str, s: float) -> None:
        if s > out.get(c, 0.0):
            out[c] = s

    terms = oe_terms()
    for a in _ancestors(code):
        put(a, ANCESTOR)
    descendants = [c for c in terms if code in _ancestors(c)]
    for d in descendants:
        put(d, ANCESTOR)
    if code in terms:
        top = ([code, *_ancestors(code)])[-1]
        for c in terms:
            if c not in out and (c == top or top in _ancestors(c)):
                put(c, SIBLING)
    for a, b, strength in RELATED:
        for x, y in ((a, b), (b, a)):
            if x == code:
                put(y, strength)
                # A relation holds for the narrower kinds of help under y, never for
                # the broader ones above it: driving is close to delivering food, not
                # to Food (or every cook would be "close to Driving and lifts").
                if y in terms:
                    for c in terms:
                        if y in _ancestors(c):
                            put(c, strength * ANCESTOR)
    # A skill linked to a service type through the concept map (e.g. cooking <-> Food).
    for codes, _phrases in CONCEPTS:
        if code in codes:
            for other in codes:
                if other != code:
                    put(other, 0.7)
                    for a in _ancestors(other):
                        put(a, 0.7 * ANCESTOR)
    return out


def guess_kinds(text: str) -> list[str]:
    """The kinds of help a text most likely asks for, best first: codes by how strongly
    the words show them, then by where they are first said, then a skill (what a
    neighbour does) before a service type ("A lift to the clinic" -> driving, then
    transport). Empty when the words show nothing."""
    found = concepts_in(text)
    raw = plain(text)
    return sorted(
        found,
        key=lambda code: (-found[code][0], raw.find(found[code][1]), code[:1].isdigit(), code),
    )
