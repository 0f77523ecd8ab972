"""Who may do what with applications (imported from FoiConfig.ready()).

受理员 (intake) registers and assigns; 承办人 (handler) handles; 负责人 (head) does both and
approves extensions (条例 Art. 33). Supervisors may only read (READ_VERBS) in their region.
`foi.personal` — seeing unmasked names and ID numbers — belongs to the handling staff only.
"""

from __future__ import annotations

from yangguang.orgs.access import register
from yangguang.orgs.models import Role

STAFF = (Role.INTAKE, Role.HANDLER, Role.HEAD)

register("foi.view", STAFF, admin=True)
register("foi.list", STAFF, admin=True)
register("foi.export", STAFF, admin=True)
register("foi.personal", STAFF)
register("foi.register", STAFF)
register("foi.assign", (Role.INTAKE, Role.HEAD))
register("foi.handle", (Role.HANDLER, Role.HEAD))
register("foi.extend", (Role.HEAD,))
register("foi.review", (Role.HANDLER, Role.HEAD))
register("foi.import", (Role.HEAD,), admin=True)
