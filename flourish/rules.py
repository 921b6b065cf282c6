"""Who may change FLOURISH data (django-rules; loaded by rules.apps.AutodiscoverRulesConfig).

- A measure's owners add its values and commentary: commissioners in the measure's owner team, and
  every lead commissioner and data admin (they keep the register for everyone).
- Data admins upload values in bulk.
- Lead commissioners link measures and outcomes to commissioning actions.
- Lead commissioners and data admins keep the register: owner team and officer, target, frequency.
- Managers (and everyone else) read only.
"""

import rules

from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, has_role


@rules.predicate
def is_lead_commissioner(user) -> bool:
    return has_role(user, LEAD_COMMISSIONER)


@rules.predicate
def is_data_admin(user) -> bool:
    return has_role(user, DATA_ADMIN)


@rules.predicate
def is_commissioner(user) -> bool:
    return has_role(user, COMMISSIONER)


@rules.predicate
def in_owner_team(user, measure) -> bool:
    if measure is None or measure.owner_team_id is None or not getattr(user, "is_authenticated", False):
        return False
    team_ids = getattr(user, "_team_ids", None)
    if team_ids is None:
        team_ids = set(user.teams.values_list("pk", flat=True))
        user._team_ids = team_ids
    return measure.owner_team_id in team_ids


can_edit_measure = is_lead_commissioner | is_data_admin | (is_commissioner & in_owner_team)

rules.add_perm("flourish.edit_measure", can_edit_measure)
rules.add_perm("flourish.upload_values", is_data_admin)
rules.add_perm("flourish.link_actions", is_lead_commissioner)
rules.add_perm("flourish.manage_register", is_lead_commissioner | is_data_admin)
