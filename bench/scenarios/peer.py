"""bench-peer: an empty debate, a manager and an annotator with tokens, for bench/peer_client.py.

The client brings its own documents (the same 200 texts it sends to the other tools) and
imports them through the API, so the debate starts empty; ``--replace`` empties it again.
"""

from typing import Any

from bench.scenarios.common import SLUGS, add_member, create_debate
from debate.models import Role


def scenario_peer() -> dict[str, Any]:
    """Create the empty debate the peer client imports into, and its two members' tokens."""
    debate = create_debate(SLUGS["peer"], "Benchmark: the peer workload")
    return {
        "debate": debate.slug,
        "manager": add_member(debate, "bench-peer-manager", Role.MANAGER, token=True),
        "annotator": add_member(debate, "bench-peer-annotator", Role.ANNOTATOR, token=True),
    }
