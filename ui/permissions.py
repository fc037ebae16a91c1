"""Who may do what on a page: the one place a role is checked until accounts exist (issue 10).

Every page asks these functions, never a role itself, so wiring real accounts in means
changing the body of each function here and nothing in the pages.
"""

from __future__ import annotations

from ui.filters import Selection


def may_download_county_briefings(selection: Selection) -> bool:
    """The 季度简报 page's ZIP of every township's briefing is for the county congress (县人大).
    Without accounts, a scope of several townships stands for a county account."""
    return len(selection.scope.township_codes) > 1
