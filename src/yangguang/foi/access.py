"""Who may do what with applications (imported from FoiConfig.ready()).

受理员 (intake) registers and assigns; 承办人 (handler) handles; 负责人 (head) does both and
approves extensions (条例 Art. 33). Supervisors may only read (READ_VERBS) in their region.
`foi.personal` — seeing unmasked names and ID numbers — belongs to the handling staff only.

A 承办人 sees and works on the applications assigned to them (`ASSIGNED_ONLY`), not on every
application of the body: applicants' names, ID numbers and requests are shown to those who need
them (个人信息保护法 Art. 6, 最小必要). One who registers an application is assigned it.
"""

from __future__ import annotations

from yangguang.orgs.access import register
from yangguang.orgs.models import Role

STAFF = (Role.INTAKE, Role.HANDLER, Role.HEAD)

ALL_OF_BODY = (Role.INTAKE, Role.HEAD)  # see every application of their body
ASSIGNED_ONLY = (Role.HANDLER,)

register("foi.view", STAFF, admin=True, assigned_only=ASSIGNED_ONLY)
register("foi.list", STAFF, admin=True)
register("foi.export", STAFF, admin=True)
register("foi.personal", STAFF, assigned_only=ASSIGNED_ONLY)
register("foi.register", STAFF)
register("foi.assign", ALL_OF_BODY)
register("foi.handle", (Role.HANDLER, Role.HEAD), assigned_only=ASSIGNED_ONLY)
register("foi.extend", (Role.HEAD,))
register("foi.review", (Role.HANDLER, Role.HEAD), assigned_only=ASSIGNED_ONLY)
register("foi.import", (Role.HEAD,), admin=True)
