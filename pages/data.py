"""数据: what was loaded and rejected, how complete each township's registers are, uploads, templates and 口径."""

import streamlit as st

from charts import figures
from queries import data
from queries.db import db_path
from queries.labels import DATA_COLUMNS
from queries.metrics import Scope
from queries.scope import Viewer
from ui import access, audit, auth, layout, mapping_step, rejected_export
from ui.database import database, fetch
from ui.downloads import XLSX_MIME, template_files
from ui.escape import md
from ui.filters import sidebar_filters
from ui.router import ensure_router
from ui.uploads import (
    ACCEPTED_TYPES,
    MAX_UPLOAD_MB,
    MAX_UPLOAD_ROWS,
    load_uploads,
    rejections_preview,
    report_frame,
    warnings_preview,
)


def headers(*keys: str) -> dict[str, str]:
    return {key: DATA_COLUMNS[key] for key in keys}


LOG_COLUMNS = headers("loaded_at", "file_name", "register", "sheet", "rows_read", "rows_accepted", "rows_rejected",
                      "rows_skipped", "result", "message", "loaded_by")
COUNT_COLUMNS = headers("township_name", "township_code", "stations", "deputies", "households", "activities",
                        "activities_latest", "suggestions", "suggestions_latest", "visits", "visits_latest")
REJECTED_COLUMNS = headers("file_name", "sheet", "row_no", "column_name", "value", "reason")
WARNING_COLUMNS = headers("file_name", "sheet", "row_no", "record_id", "warning")
EMPTY_WHAT = {"activities": "代表活动", "suggestions": "意见建议", "visits": "走访"}
ROW_COLUMNS = headers("township_name", "record_id", "record_date", "description", "source_file", "source_row")
REJECTED_PAGE_ROWS = 1000

ensure_router()
account = auth.gate()
selection = sidebar_filters() if db_path().exists() else None
if selection is None:
    st.title("数据")
    layout.no_data(link=False)
else:
    layout.page_header("数据", selection)
TABS = ["导入记录", "各乡镇数据量", "数据完整性", "被拒绝的行", "上传登记表", "空白模板", "指标口径"]
# An empty database, or a link from another page (?tab=upload), opens on the upload.
wants_upload = selection is None or st.query_params.get("tab") == "upload"
tabs = st.tabs(TABS + (["审计日志"] if account.can_manage else []),  # the audit log: 县人大（管理） only
               default="上传登记表" if wants_upload else None)

with tabs[0]:
    # The account's whole scope, whatever the sidebar picks: a file usually covers many townships.
    if selection is None:
        st.info("还没有导入记录。")
    else:
        st.caption("每次导入的文件、登记表和行数（读取行数 = 导入行数 + 拒绝行数 + 跳过行数；跳过的是合计行、"
                   "表尾等不是记录的行），最新的在前。")
        layout.paged_table(data.load_history, (access.account_scope(), Viewer()), LOG_COLUMNS, key="data_log",
                           title="导入记录", noun="次", empty="导入",
                           sorts={"loaded_at": "导入时间", "file_name": "文件", "rows_rejected": "拒绝行数"})
        warnings = fetch(data.load_warnings, access.account_scope(), Viewer())
        if warnings.total:
            st.warning(f"有 {warnings.total} 行已导入但需要核实"
                       "（办理状态从已办结退回，或同一次导入的两个文件内容不一致）：")
            layout.paged_table(data.load_warnings, (access.account_scope(), Viewer()), WARNING_COLUMNS,
                               key="data_warnings", title="需要核实的行", noun="行")

with tabs[1]:
    if selection:
        st.caption("所选范围内各乡镇每种登记表的行数，以及三种记录类登记表中最新一条记录的日期（不受统计期影响）。")
        layout.paged_table(data.register_counts, (selection.scope,), COUNT_COLUMNS, key="data_counts",
                           title="各乡镇数据量", noun="个乡镇",
                           sorts={"activities": "活动记录（行）", "suggestions": "建议意见登记（行）",
                                  "visits": "走访记录（行）", "activities_latest": "活动记录最新日期",
                                  "suggestions_latest": "建议最新收集日期", "visits_latest": "走访记录最新日期"})

with tabs[2]:
    if selection:
        titles = dict(data.COMPLETENESS_REGISTERS)
        kind = st.radio("登记表", list(titles), format_func=titles.get, horizontal=True, key="data_grid_register")
        drill = layout.area_drill(selection.scope, "data_grid")  # counties first above one county
        by = data.BY_COUNTY if drill.level == layout.COUNTIES else data.BY_TOWNSHIP
        grid = fetch(data.completeness, drill.scope, selection.period, by)
        part = grid[grid["register"] == kind]
        if part["records"].sum() == 0:
            layout.empty_note(EMPTY_WHAT[kind])
        else:
            word = "县" if by == data.BY_COUNTY else "乡镇"
            clicked = layout.chart(figures.heatmap(
                part, "month", "township_name", "records", f"{drill.name}{titles[kind]}月度完整性", "月份", word,
                f"每格为该{word}当月的记录条数，“空”表示当月没有记录（活动按活动日期、建议按收集日期、走访按走访日期）",
                "记录数（条）", text="cell_text",
            ), key="data_grid", select="y")
            names = list(dict.fromkeys(part["township_name"]))
            picked = layout.drilldown(f"查看记录的{word}", names, clicked, key="data_grid_drill")
            units = set(part.loc[part["township_name"].isin(picked or names), "township_code"])
            codes = sorted(units) if by == data.BY_TOWNSHIP else [
                code for code, _, county, *_ in fetch(data.township_roster, drill.scope) if county in units]
            # An activity is named by its type and title: its id is often a derived hash.
            shown = {k: v for k, v in ROW_COLUMNS.items() if not (kind == "activities" and k == "record_id")}
            layout.paged_table(data.register_rows, (Scope(tuple(codes)), selection.period, kind), shown,
                               key="data_grid_rows", title=f"{titles[kind]}记录", empty=EMPTY_WHAT[kind])

with tabs[3]:
    scope = access.account_scope() if selection else None  # the account's whole scope, not the sidebar's pick
    total = fetch(data.rejections_count, scope, Viewer()) if selection else 0
    if not total:
        st.success("目前没有被拒绝的行。")
    else:
        st.caption(f"共 {total:,} 行未导入。改正登记表中的这些行后重新上传该文件即可（个人信息已隐去）。")
        pages = -(-total // REJECTED_PAGE_ROWS)
        if st.session_state.get("data_rejected_page", 1) > pages:  # fewer rows than when the page was picked
            st.session_state["data_rejected_page"] = pages
        page = st.number_input(f"页码（共 {pages:,} 页，每页 {REJECTED_PAGE_ROWS:,} 行）", min_value=1,
                               max_value=pages, key="data_rejected_page") if pages > 1 else 1
        rows = fetch(data.rejections_page, scope, Viewer(), (page - 1) * REJECTED_PAGE_ROWS, REJECTED_PAGE_ROWS)
        layout.table(rows, REJECTED_COLUMNS, key="data_rejected", title="被拒绝的行", paged=False)  # one page already
        rejected_export.download_buttons(database(), scope, access.viewer(), total, audit.exported)

with tabs[4]:
    if not account.can_upload:
        st.info("当前账号为查看账号，不能上传登记表。需要导入时请联系本乡镇或县人大的管理账号。")
    elif account.is_township:
        st.caption("本账号只能导入本乡镇的数据：文件中其他乡镇的行会被拒绝并列出原因；乡镇名册由县人大导入。")
    st.caption(f"可一次选择多个 CSV 或 Excel（.xlsx、.xls）文件，每个文件不超过 {MAX_UPLOAD_MB} MB、"
               f"{MAX_UPLOAD_ROWS:,} 行。系统按表头识别登记表（也认得各乡镇常用的表头写法），先导入名册、再导入记录；"
               "同一文件重复上传不会重复计数。表头没有全部认出的文件，会先请您核对各列的对应，确认后保存为导入方案，"
               "同样格式的文件以后直接导入。")
    uploads = st.file_uploader("选择登记表文件", type=ACCEPTED_TYPES, accept_multiple_files=True,
                               max_upload_size=MAX_UPLOAD_MB, key="data_uploads", disabled=not account.can_upload)
    roster = fetch(data.township_roster, access.account_scope()) if selection else []
    towns = {code: name for code, name, *_ in roster}
    # A township account's files are its own township's; a county account may name any of its townships.
    township_options = [account.township_code] if account.is_township else [None, *towns]
    township = st.selectbox("登记表所属乡镇（登记表中没有“乡镇”一列、标题和文件名也没写明时使用）",
                            township_options, format_func=lambda c: "由文件判断" if c is None else towns.get(c, c),
                            key="data_upload_township", disabled=not account.can_upload)
    who = {"loaded_by": account.username, "scope": account.load_scope()}

    def load(files: list[tuple[str, bytes]], refused=(), mappings=()) -> None:
        """Load in the child with a progress bar; the report, with the files refused before, shows after the rerun."""
        bar = st.progress(0.0, text="正在准备导入……")
        results = load_uploads(files, db_path(), **who, township=township, mappings=mappings,
                               on_progress=lambda share, text: bar.progress(share, text=md(text))) if files else []
        results += refused
        audit.uploaded(results)
        st.session_state["data_load_report"] = results
        st.cache_data.clear()  # every page shows the new figures at once

    if uploads and account.can_upload and st.button("导入所选文件", type="primary", key="data_load"):
        with st.spinner("正在检查……"):  # each file's check runs in a child process, like its load
            ready, pending, refused = mapping_step.split_uploads(
                [(f.name, f.getvalue()) for f in uploads], db_path(), township, scope=who["scope"])
        st.session_state[mapping_step.PENDING] = pending
        load(ready, refused)
        st.rerun()
    for index, upload in enumerate(st.session_state.get(mapping_step.PENDING, [])):
        confirmed = mapping_step.mapping_form(index, upload, db_path(), township, scope=who["scope"])
        if confirmed is not None:
            load([(upload.name, upload.content)], mappings=tuple(confirmed))
            st.session_state[mapping_step.PENDING] = [
                p for p in st.session_state[mapping_step.PENDING] if p is not upload]
            st.rerun()
    results = st.session_state.get("data_load_report")
    if results:
        st.markdown("**本次导入报告**")
        layout.table(report_frame(results), headers(
            "file_name", "register", "rows_read", "rows_accepted", "rows_rejected", "rows_skipped", "result",
            "message"), key="data_load_files", title="本次导入报告")
        cautions = warnings_preview(results)
        if not cautions.empty:
            st.warning("以下行已导入，但需要核实：")
            layout.table(cautions, headers("file_name", "row_no", "record_id", "warning"), key="data_load_warn",
                         title="本次需要核实的行")
        preview = rejections_preview(results)
        if not preview.empty:
            st.caption(f"被拒绝的行（显示前 {len(preview)} 行，全部见「被拒绝的行」）：")
            layout.table(preview, headers("file_name", "row_no", "column_name", "value", "reason"), key="data_load_rej",
                         title="本次被拒绝的行")

with tabs[5]:
    st.caption("每种登记表一个空白 Excel 模板：表头、下拉选项和填写说明都已设好，填好后在「上传登记表」中导入。")
    columns = st.columns(4)
    for index, (name, content) in enumerate(template_files()):
        columns[index % 4].download_button(name, content, file_name=name, mime=XLSX_MIME, key=f"data_template_{index}")

with tabs[6]:
    st.caption("看板上每个数字的统计口径（统计期含起止两日）。")
    layout.table(data.metric_definitions(), headers("name", "unit", "definition"), key="data_definitions",
                 title="指标口径", paged=False)  # the product's own fixed list, read whole

if account.can_manage:
    with tabs[7]:
        st.caption("登录、登录失败、锁定、退出、上传、导出、越权请求和账号变更的记录，只增不改"
                   f"（{'全部县' if account.sees_all else account.county}，最新的在前）。")
        layout.table(audit.audit_frame(account), audit.columns(), key="data_audit", title="审计日志")
