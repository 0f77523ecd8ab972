"""Every audit action has a Chinese name in the audit log (core.audit.ACTION_LABELS)."""

from __future__ import annotations

import re
from pathlib import Path

from yangguang.core.audit import ACTION_LABELS

SRC = Path(__file__).resolve().parents[2] / "src" / "yangguang"


def _actions_in_source() -> set[str]:
    """The action codes the code writes: every dotted literal on a line that mentions an
    action (action="…", action = "…", "…" if … else "…") that is not a permission name, foi's
    `_audit(actor, "verb"` and the privacy review's finding_<mask|keep>."""
    from yangguang.orgs.access import ACTIONS

    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "action" in line:
                found |= set(re.findall(r'"([a-z_]+\.[a-z0-9_.]+)"', line))
            found |= {
                f"foi.application.{v}" for v in re.findall(r'_audit\(\s*actor, "([a-z_]+)"', line)
            }
    found |= {"publication.finding_mask", "publication.finding_keep"}
    return found - set(ACTIONS)


def test_every_action_written_has_a_label() -> None:
    actions = _actions_in_source()
    assert len(actions) > 50  # the scan finds them
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_the_log_shows_the_label_with_the_code(world, client) -> None:  # type: ignore[no-untyped-def]
    from yangguang.core import audit

    audit.record(actor=world.admin, action="auth.login", obj=world.admin)
    client.force_login(world.admin)
    html = client.get("/console/audit/").content.decode()
    assert "登录 <code>auth.login</code>" in html
