"""Who may do what on a page beyond its scope: the one place a page asks about a role.

Every page asks these functions, never a role itself, so a change of the rules is a
change here and nothing in the pages.
"""

from __future__ import annotations

from ui import auth
from ui.filters import Selection


def may_download_county_briefings(selection: Selection) -> bool:
    """The 季度简报 page's ZIP of every township's briefing is for the county congress (县人大)
    and the system administrator: any signed-in account that is not a township's, over a
    scope of several townships."""
    account = auth.current()
    return account is not None and not account.is_township and len(selection.scope.township_codes) > 1
