"""The product hashes passwords at the recommended argon2id cost; only the test run lowers it, and says so."""

from __future__ import annotations

import subprocess
import sys

from argon2 import extract_parameters, profiles

from services.accounts import password_matches


def test_a_process_of_the_product_hashes_at_the_recommended_argon2id_cost() -> None:
    script = "from services.accounts import _HASHING\nprint(_HASHING.hasher.hash('et-passord-for-testen'))\n"
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    parameters = extract_parameters(printed.strip())
    assert parameters == profiles.RFC_9106_LOW_MEMORY
    assert parameters.memory_cost >= 65536 and parameters.time_cost >= 3


def test_a_hash_of_the_recommended_cost_still_checks_under_the_cheap_test_hasher() -> None:
    from argon2 import PasswordHasher

    stored = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash("riktig-passord-123")
    assert password_matches(stored, "riktig-passord-123")
    assert not password_matches(stored, "feil-passord-123")
    assert not password_matches(None, "riktig-passord-123")
