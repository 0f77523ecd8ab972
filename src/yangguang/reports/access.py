"""Who may do what with annual reports (条例 Art. 49–50).

Body staff see their own body's reports; the head (负责人) finalises and publishes; editors and
heads write the text and table-二 entries. Supervisors (主管部门/监督员) read every report in their
region and the region overview, and change nothing.
"""

from yangguang.orgs.access import ALL_BODY_ROLES, register
from yangguang.orgs.models import Role

register("annual_report.view", ALL_BODY_ROLES, admin=True)
register("annual_report.export", ALL_BODY_ROLES, admin=True)
register("annual_report.change", [Role.EDITOR, Role.HEAD])
register("annual_report.finalise", [Role.HEAD])
register("annual_report.publish", [Role.EDITOR, Role.HEAD])
register("annual_report.import", [Role.HEAD], admin=True)
# Region overview: a read verb, so supervisors and administrators of the region may use it.
register("annual_report.stats")
