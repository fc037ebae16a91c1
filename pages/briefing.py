"""季度简报: a quarter's tiles, the charts that matter, the summary paragraph and the
需要关注 list, downloadable as a Word document for the quarterly report."""

import streamlit as st

from queries import data as data_queries
from queries import periods
from queries.labels import METRICS
from reports import briefing
from reports.briefing_charts import briefing_charts
from reports.briefing_export import briefing_document
from ui import audit, layout, presentation
from ui.database import fetch
from ui.escape import html_text
from ui.filters import sidebar_filters

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
roster = {code: name for code, name, *_ in fetch(data_queries.township_roster, scope)}
scope_name = briefing.scope_word([roster[c] for c in scope.township_codes], selection.county)
period_name = briefing.period_word(quarter)

title = f"{periods.describe(quarter)}人大工作简报"
layout.page_header(title, selection)
shown = fetch(briefing.briefing_figures, scope, quarter)
layout.metric_tiles(briefing.HEADLINE, shown.now, shown.previous, shown.last_year, per_row=5)

text = briefing.paragraph(shown.now, scope_name, period_name)
st.markdown(f"<div style='font-size:1.15rem;line-height:1.9;text-indent:2em;padding:0.6rem 0'>{html_text(text)}</div>",
            unsafe_allow_html=True)

charts = fetch(briefing_charts, scope, quarter, shown.now)
if not charts:
    layout.empty_note("代表活动、意见建议或走访")
# On the projector the three leading charts share one row; the lists stay for the report.
per_row = 3 if presentation.presenting() else 2
shown_charts = charts[:3] if presentation.presenting() else charts
for row in range(0, len(shown_charts), per_row):
    row_charts = enumerate(shown_charts[row:row + per_row], start=row)
    for column, (index, fig) in zip(st.columns(per_row), row_charts, strict=False):
        with column:
            layout.chart(fig, key=f"briefing_chart_{index}")
if presentation.presenting():
    st.stop()

attention = fetch(briefing.attention_items, scope, quarter, shown.now)
st.subheader("需要关注")
if not attention:
    st.success("本季度没有需要特别关注的事项。")
for item in attention:
    with st.expander(item.title, expanded=not presentation.presenting()):
        layout.table(item.rows, item.columns, key=f"attention_{item.title}")

definitions = [(METRICS[k].name, METRICS[k].definition) for k in briefing.HEADLINE]
st.download_button(
    "下载简报（Word）", type="primary", icon=":material/description:", on_click="ignore",
    data=audit.exported(lambda: briefing_document(title, layout.stamp(), text, shown, charts, attention, definitions),
                        f"{scope_name}{periods.describe(quarter)}人大工作简报.docx"),
    file_name=f"{scope_name}{periods.describe(quarter)}人大工作简报.docx", key="briefing_docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
