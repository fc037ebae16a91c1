"""工作总结: the figures part of the year's or the term's work summary, each number linked to
its 口径 and the register rows behind it, downloadable as Word from the office's own template."""

import html

import streamlit as st

from queries import data as data_queries
from queries import frames, trace
from queries import summary as summary_queries
from queries.labels import METRICS
from reports import summary_docx
from reports.summary import COMPARED_WITH, TERM, YEAR, Figure, work_summary
from ui import layout
from ui.database import fetch
from ui.filters import sidebar_filters, today

KINDS = {YEAR: "年度工作总结", TERM: "届期工作总结"}

selection = sidebar_filters()
if selection is None:
    st.title("工作总结")
    layout.no_data()
    st.stop()

kind = st.segmented_control("总结类型", list(KINDS), format_func=KINDS.get, default=YEAR, key="summary_kind") or YEAR
scope = selection.scope
roster = {code: name for code, name, *_ in fetch(data_queries.township_roster, scope)}
names = [roster[c] for c in scope.township_codes]
if kind == YEAR:
    period = summary_queries.year_period(selection.period.end.year)
    previous = summary_queries.previous_year(period)
    st.sidebar.caption(f"年度总结按自然年编写：已取统计期末所在的{period.start.year}年。")
else:
    try:
        period = fetch(summary_queries.term_period, scope, today())
    except summary_queries.NoTermStart as problem:
        st.title("工作总结")
        st.warning(str(problem))
        st.stop()
    previous = summary_queries.previous_term(period)

summary = fetch(work_summary, scope, period, previous, kind, names, selection.county)
layout.page_header(summary.title, layout.with_period(selection, period))
st.caption(f"以下为总结的数据部分，按统计口径由登记表自动生成，与{COMPARED_WITH[kind]}比较；"
           "没有数据的内容不写。点选各节下方的数字可查看口径和对应的登记表记录。")

if not summary.sections:
    st.info(f"{summary.period_name}，所选范围暂无代表履职记录。")

number = 0
for index, section in enumerate(summary.sections):
    st.subheader(f"{summary_docx.NUMERALS[index]}、{section.title}")
    marked, figures = [], {}
    for sentence in section.sentences:
        for segment in sentence:
            if isinstance(segment, Figure):
                number += 1
                figures[number] = segment
                marked.append(f"<b>{html.escape(segment.text)}</b><sup>[{number}]</sup>")
            else:
                marked.append(html.escape(segment))
    st.markdown(f"<div style='font-size:1.1rem;line-height:1.9;text-indent:2em'>{''.join(marked)}</div>",
                unsafe_allow_html=True)
    picked = st.pills(
        "本节数字的口径和明细", list(figures), key=f"summary_pick_{section.key}",
        format_func=lambda n, shown=figures: f"[{n}] {shown[n].text}",
    )
    if picked is not None:
        figure = figures[picked]
        label = METRICS[figure.key]
        which = previous if figure.previous else period
        part = f"中的“{figure.part}”" if figure.part else ""
        st.markdown(f"**[{picked}] {html.escape(figure.text)}**：{label.name}{html.escape(part)}"
                    f"（{which.start:%Y-%m-%d} 至 {which.end:%Y-%m-%d}）。口径：{label.definition}。")
        rows = fetch(trace.figure_rows, figure.key, figure.part, scope, which)
        if len(rows) >= trace.ROW_LIMIT:
            st.caption(f"记录较多，此处列出前 {trace.ROW_LIMIT} 条。")
        layout.table(rows, trace.columns(rows), key=f"summary_rows_{section.key}", title=f"{label.name}明细",
                     selection=layout.with_period(selection, which))

st.subheader("下载")
uploaded = st.file_uploader("使用本单位修改过的模板（可选，.docx）", type=["docx"], key="summary_template")
latest = fetch(frames.data_freshness, scope)["latest_load"]
as_of = f"{latest:%Y-%m-%d}" if latest else "—"
try:
    document = summary_docx.render(summary, as_of, uploaded.getvalue() if uploaded else None,
                                   uploaded.name if uploaded else "")
except summary_docx.TemplateProblem as problem:
    st.error(str(problem))
    document = None
left, right = st.columns(2)
MIME, TEMPLATE = summary_docx.DOCX_MIME, summary_docx.DEFAULT_TEMPLATE
if document is not None:
    left.download_button("下载工作总结（Word）", document, file_name=f"{summary.title}.docx", mime=MIME,
                         type="primary", icon=":material/description:", key="summary_docx", on_click="ignore")
right.download_button("下载默认模板（Word）", TEMPLATE.read_bytes(), file_name=TEMPLATE.name, mime=MIME,
                      icon=":material/draft:", key="summary_template_docx", on_click="ignore")
right.caption("模板中用 `{{ 监督工作 }}` 等标记表示由系统填写的内容，其余文字、标题和格式可自行修改；"
              "可用的标记见 README 的“工作总结模板”一节。")
