"""Who may change what (django-rules; loaded by rules.apps.AutodiscoverRulesConfig).

- A lead commissioner edits every action and manages the strategy (adds and archives priorities/actions).
- A commissioner edits the actions owned or co-owned by one of their teams (user.teams).
- Managers and data admins read only.
"""

import rules

from sufficiency.roles import COMMISSIONER, LEAD_COMMISSIONER, has_role


@rules.predicate
def is_lead_commissioner(user) -> bool:
    return has_role(user, LEAD_COMMISSIONER)


@rules.predicate
def is_commissioner(user) -> bool:
    return has_role(user, COMMISSIONER)


@rules.predicate
def in_action_team(user, action) -> bool:
    if action is None or not getattr(user, "is_authenticated", False):
        return False
    user_team_ids = getattr(user, "_team_ids", None)
    if user_team_ids is None:
        user_team_ids = set(user.teams.values_list("pk", flat=True))
        user._team_ids = user_team_ids
    return bool(user_team_ids & action.team_ids())


can_edit_action = is_lead_commissioner | (is_commissioner & in_action_team)

rules.add_perm("priorities.edit_action", can_edit_action)
rules.add_perm("priorities.manage_strategy", is_lead_commissioner)
