"""季度简报: a quarter's tiles, the charts that matter, the summary paragraph and the
需要关注 list, downloadable as a Word document for the quarterly report."""

import streamlit as st

from queries import data as data_queries
from queries import periods
from queries.labels import METRICS
from reports import briefing
from reports.briefing_batch import batch_zip, county_batches
from reports.briefing_charts import briefing_charts, chart_frames
from reports.briefing_export import briefing_document
from ui import access, audit, layout, presentation
from ui import format as fmt
from ui.database import database, fetch
from ui.escape import html_text, md
from ui.filters import sidebar_filters, today
from ui.permissions import may_download_county_briefings

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

selection = sidebar_filters()
if selection is None:
    st.title("季度简报")
    layout.no_data()
    st.stop()

quarter = periods.quarter_of(selection.period.end)
if quarter != selection.period:
    st.sidebar.caption(f"简报按季度编写：已取统计期末所在的{periods.describe(quarter)}。")
    selection = layout.with_period(selection, quarter)
scope = selection.scope
# Every township the account may see (its county's, for a county account): to tell a whole
# county from a few of its townships.
roster = fetch(data_queries.township_roster, access.account_scope())
names = {code: name for code, name, *_ in roster}
counties = {code: county for code, _, county, *_ in roster}
chosen = [names[c] for c in scope.township_codes]
# One county's townships, all of them: the briefing is the county's, named after it.
county = selection.county or (next(iter({counties[c] for c in scope.township_codes}))
                              if len({counties[c] for c in scope.township_codes}) == 1 else None)
whole_county = county is not None and set(scope.township_codes) == {c for c, k in counties.items() if k == county}
scope_name = briefing.scope_word(chosen, county if whole_county else selection.county)
period_name = briefing.period_word(quarter)
whose = briefing.title_scope(chosen, county, whole_county, selection.scope_label)

title = f"{whose}{periods.describe(quarter)}人大工作简报"
layout.page_header(title, selection)
shown = fetch(briefing.briefing_figures, scope, quarter, today())
layout.metric_tiles(briefing.HEADLINE, shown.now, shown.previous, shown.last_year, per_row=5,
                    notes=layout.tile_notes(shown.now), projected_notes=False)

text = briefing.paragraph(shown.now, scope_name, period_name)
st.markdown(f"<div class='briefing-paragraph'>{html_text(text)}</div>", unsafe_allow_html=True)

charts = briefing_charts(fetch(chart_frames, scope, quarter, shown.now), shown.now)
if not charts:
    layout.empty_note("代表活动、意见建议或走访")
# On the projector the three leading charts share one row; the lists stay for the report.
per_row = 3 if presentation.presenting() else 2
shown_charts = charts[:3] if presentation.presenting() else charts
for row in range(0, len(shown_charts), per_row):
    row_charts = enumerate(shown_charts[row:row + per_row], start=row)
    for column, (index, fig) in zip(st.columns(per_row), row_charts, strict=False):
        with column:
            layout.chart(fig, key=f"briefing_chart_{index}", selection=selection, projected_height=345)
if presentation.presenting():
    st.stop()

attention = fetch(briefing.attention_items, scope, quarter, shown.now, today())
st.subheader("需要关注")
if not attention:
    st.success("本季度没有需要特别关注的事项。")
for index, item in enumerate(attention):
    with st.expander(item.title, expanded=True):
        if item.source:  # a list that may be long: paged, its export the whole list
            query, args = item.source
            layout.paged_table(query, args, item.columns, key=f"attention_{index}", title=item.title.split(" ")[0],
                               selection=selection)
        else:
            layout.table(item.rows, item.columns, key=f"attention_{index}", title=item.title.split(" ")[0],
                         selection=selection)

# The Word file is assembled when the button is clicked (its charts take seconds to draw),
# from what this run has built: nothing is looked up then.
definitions = [(METRICS[k].name, METRICS[k].definition) for k in briefing.HEADLINE]
document_stamp = layout.stamp(selection)
document_name = fmt.file_name(whose, periods.describe(quarter), "人大工作简报", suffix=".docx")
st.download_button(
    "下载简报（Word）", type="primary", icon=":material/description:", on_click="ignore",
    data=audit.exported(lambda: briefing_document(title, document_stamp, text, shown, charts, attention, definitions),
                        document_name),
    file_name=document_name, key="briefing_docx", mime=DOCX_MIME,
)

# --- every township's briefing at once, for the county congress (ui/permissions.py decides) ---
if may_download_county_briefings(selection):
    st.subheader("各乡镇简报")
    batches = fetch(county_batches, [], scope)
    count = sum(len(b.townships) + 1 for b in batches)
    st.caption(f"为所选{sum(len(b.townships) for b in batches)}个乡镇各写一份本季度简报，另加汇总简报，"
               f"共{count}份，打包为一个 ZIP 文件（每份约需数秒）。")
    wanted = (scope.township_codes, quarter)
    if st.button("生成各乡镇简报（ZIP）", icon=":material/folder_zip:", key="briefing_batch"):
        bar = st.progress(0.0, text="正在生成简报……")
        made = []

        def advance(name: str) -> None:
            made.append(name)
            bar.progress(len(made) / count, text=f"已生成「{md(name)}」（{len(made)}/{count}）")

        with database().reading() as cursor:
            st.session_state["briefing_batch_zip"] = (wanted, batch_zip(cursor, batches, quarter, advance))
        bar.empty()
    made_zip = st.session_state.get("briefing_batch_zip")
    if made_zip and made_zip[0] == wanted:
        st.download_button(
            "下载各乡镇简报（ZIP）", made_zip[1], file_name=f"{periods.describe(quarter)}各乡镇人大工作简报.zip",
            mime="application/zip", type="primary", icon=":material/download:", key="briefing_batch_download",
            on_click="ignore",
        )
