"""Runs against the benchmark's fresh PostgreSQL database (see bench/timebank.py).

    python -m bench.timebank_worker setup N_ACCOUNTS
    python -m bench.timebank_worker run CLIENTS SECONDS

`run` forks CLIENTS processes before Django opens any connection; each sets Django up,
opens its own connection and calls `kampung.timebank.actions.transfer_credits` in a
loop between random accounts. Prints one JSON line."""

from __future__ import annotations

import json
import multiprocessing
import random
import sys
import time
import uuid

EMAIL = "bench-timebank@example.org"


def setup(n_accounts: int) -> None:
    import django

    django.setup()
    from kampung.communities.models import Community
    from kampung.people.models import Member, User
    from kampung.timebank.actions import MEMBER_LOWER_LIMIT
    from kampung.timebank.models import Account, new_account_number

    community = Community.objects.create(
        slug="bench-timebank", name="Bench", centre_lat=0, centre_lng=0, timezone="UTC"
    )
    User.objects.create_user(EMAIL, "x" * 12)
    members = Member.objects.bulk_create(
        [Member(community=community, display_name=f"Member {i}") for i in range(n_accounts)]
    )
    numbers = set()
    while len(numbers) < n_accounts:
        numbers.add(new_account_number())
    Account.objects.bulk_create(
        [
            Account(
                community=community,
                kind=Account.Kind.MEMBER,
                member=m,
                number=number,
                lower_limit=MEMBER_LOWER_LIMIT,
            )
            for m, number in zip(members, sorted(numbers), strict=True)
        ]
    )
    print(json.dumps({"accounts": n_accounts}))


def _client(seed: int, seconds: float, ready, out) -> None:
    import django

    django.setup()
    from kampung.people.models import User
    from kampung.timebank import actions
    from kampung.timebank.models import Account

    user = User.objects.get(email=EMAIL)
    accounts = list(Account.objects.select_related("community").filter(kind="member"))
    rng = random.Random(seed)
    done = refused = 0
    # Warm up (first queries, connection), then start together with the others.
    source, target = accounts[0], accounts[1]
    actions.transfer_credits(
        by=user, source=source, target=target, minutes=1, idempotency_key=uuid.uuid4().hex
    )
    ready.wait()
    stop = time.time() + seconds
    while time.time() < stop:
        source, target = rng.sample(accounts, 2)
        try:
            actions.transfer_credits(
                by=user,
                source=source,
                target=target,
                minutes=rng.randint(1, 60),
                idempotency_key=uuid.uuid4().hex,
            )
            done += 1
        except (actions.InsufficientCredits, actions.LimitExceeded):
            refused += 1
    out.put((done, refused))


def run(clients: int, seconds: float) -> None:
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    ready = ctx.Barrier(clients, timeout=300)  # all clients set up before any starts timing
    procs = [ctx.Process(target=_client, args=(i, seconds, ready, out)) for i in range(clients)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join()
    done = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    print(json.dumps({"transfers": done, "refused": refused, "tps": round(done / seconds, 1)}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(int(args[0]))
    else:
        run(int(args[0]), float(args[1]))
