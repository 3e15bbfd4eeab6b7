"""Checking the ledger from first principles: `kampung ledger verify`.

Recomputes every balance from its postings, checks that every transaction adds up to
zero (and has postings), that every running balance on a posting follows from the ones
before it, that no account is beyond its limits, and that all balances together add up
to zero (credits are neither created nor lost, only moved), and that every posting
is keyed by its account's community. Read-only."""

from __future__ import annotations

from django.db import connection

CHECKS = {
    "balance differs from the sum of its postings": """
        SELECT a.id, a.number, a.balance, COALESCE(SUM(p.amount), 0)
          FROM timebank_account a LEFT JOIN timebank_posting p ON p.account_id = a.id
         GROUP BY a.id, a.number, a.balance
        HAVING a.balance <> COALESCE(SUM(p.amount), 0)""",
    "transaction does not add up to zero": """
        SELECT t.id, COUNT(p.id), COALESCE(SUM(p.amount), 0)
          FROM timebank_transaction t LEFT JOIN timebank_posting p ON p.transaction_id = t.id
         GROUP BY t.id
        HAVING COALESCE(SUM(p.amount), 0) <> 0 OR COUNT(p.id) < 2""",
    "running balance on a posting does not follow from the postings before it": """
        SELECT id, account_id, balance_after, running FROM (
            SELECT id, account_id, balance_after,
                   SUM(amount) OVER (PARTITION BY account_id ORDER BY id
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
              FROM timebank_posting) AS chain
         WHERE balance_after <> running""",
    "balance is beyond the account's limits": """
        SELECT id, number, balance, lower_limit, upper_limit FROM timebank_account
         WHERE (lower_limit IS NOT NULL AND balance < lower_limit)
            OR (upper_limit IS NOT NULL AND balance > upper_limit)""",
    "posting of zero minutes": "SELECT id, transaction_id FROM timebank_posting WHERE amount = 0",
    "posting is keyed by another community than its account's": """
        SELECT p.id, p.account_id, p.community_id, a.community_id
          FROM timebank_posting p JOIN timebank_account a ON a.id = p.account_id
         WHERE p.community_id <> a.community_id""",
    "all balances together do not add up to zero": """
        SELECT COALESCE(SUM(balance), 0) FROM timebank_account
        HAVING COALESCE(SUM(balance), 0) <> 0""",
}


def verify(limit: int = 20) -> dict:
    """{"problems": [(check, row), ...], "accounts": n, "transactions": n, "postings": n}"""
    problems: list[tuple[str, tuple]] = []
    counts = {}
    with connection.cursor() as cursor:
        for check, sql in CHECKS.items():
            cursor.execute(sql)
            problems += [(check, tuple(row)) for row in cursor.fetchmany(limit)]
        for table in ("account", "transaction", "posting"):
            cursor.execute(f"SELECT COUNT(*) FROM timebank_{table}")  # noqa: S608 (fixed names)
            counts[f"{table}s"] = cursor.fetchone()[0]
    return {"problems": problems, **counts}
