"""The address a seller comes back to from a consent page: the code, or why there is none."""

from __future__ import annotations

import pytest

from listsync.channel.consent import consent_code
from listsync.errors import AuthError

BACK = "http://127.0.0.1:8765/listsync/callback"


def test_the_code_is_read_and_a_matching_state_passes() -> None:
    url = f"  {BACK}?code=0_abc&state=s-123  "
    assert consent_code(url, channel="x", marketplace="Sàn", state="s-123") == "0_abc"
    assert consent_code(f"{BACK}?code=0_abc", channel="x", marketplace="Sàn") == "0_abc"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "error=access_denied&error_description=seller+said+no",
            "Sàn did not authorize the shop: seller said no",
        ),
        ("error=access_denied", "Sàn did not authorize the shop: access_denied"),
        ("state=s-123", "the address has no ?code=… from Sàn; paste the whole address"),
        ("code=0_abc&state=other", "the address belongs to another authorization attempt"),
    ],
)
def test_each_refusal_is_a_sentence(query: str, message: str) -> None:
    with pytest.raises(AuthError) as caught:
        consent_code(f"{BACK}?{query}", channel="x", marketplace="Sàn", state="s-123")
    assert message in str(caught.value) and caught.value.call == "authorize"
