"""The matching core must run without Django: import it (and use it) in a fresh
interpreter in which importing django fails."""

import subprocess
import sys
import textwrap


def test_it_imports_and_runs_with_django_blocked():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["django"] = None  # any "import django..." now raises ImportError
        import kampung.matching.core as core
        from kampung.matching.core import allocate, index, score, synonyms, text, types, when
        need = core.Need("n", "help with my phone", lat=1.35, lng=103.94, travel_km=1)
        cand = core.Candidate(1, skills=frozenset({"it-help"}), lat=1.351, lng=103.94)
        assert core.rank(need, [cand])[0].candidate_id == 1
        assert core.allocate([need], [cand]).assignments
        assert not [m for m, v in sys.modules.items() if m.startswith("django") and v]
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
