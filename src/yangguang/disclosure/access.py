"""Who may do what with publications (orgs.access): editors draft and submit in their body,
reviewers (保密审查, "谁审查谁负责") approve, return, publish and withdraw in their body;
supervisors read their region subtree; administrators read and edit catalogues."""

from yangguang.orgs.access import register
from yangguang.orgs.models import Role

E, R = Role.EDITOR, Role.REVIEWER

register("publication.view", [E, R, Role.HEAD], admin=True)
register("publication.list", [E, R, Role.HEAD], admin=True)
register("publication.stats", [E, R, Role.HEAD], admin=True)
register("publication.export", [E, R, Role.HEAD], admin=True)
register("publication.create", [E])
register("publication.change", [E])
register("publication.submit", [E])
register("publication.review", [R])  # approve / return / resolve privacy findings
register("publication.publish", [R])  # publish, schedule, correct a published document
register("publication.withdraw", [R])
register("publication.validity", [E, R])
register("publication.import", [E])
register("catalogue.change", [E, R], admin=True)
register("fiscal.change", [E, R])
