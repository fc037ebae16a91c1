"""The work summary as a Word document, rendered from a template the office can edit.

The template is an ordinary .docx with Jinja tags (docxtpl): `{{ 监督工作 }}` is the
paragraph we write, everything around it (title, opening words, headings, fonts) is
the office's own. The shipped default (reports/templates/工作总结模板.docx, built by
`default_template`) shows every field; `FIELDS` lists them for the README. Word often
splits a typed tag across runs (`{{ 监督` + `工作 }}`, even `{` + `{`): docxtpl joins
those; anything it cannot read becomes a `TemplateProblem` with a Chinese message
saying where, never a half-filled document.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jinja2
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate

from queries.labels import METRICS
from reports.summary import COMPARED_WITH, SECTION_TITLES, WorkSummary
from ui.format import change, figure

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "工作总结模板.docx"
NUMERALS = "一二三四五六七八九十"
BODY_FONT, HEADING_FONT = "仿宋", "黑体"
# The headline table of the appendix: the figures a presidium compares year on year.
TABLE_KEYS = [
    "supervision", "inspections", "evaluated_units", "meetings", "trainings", "reception_days", "voter_contacts",
    "reporting_deputies", "suggestions_collected", "suggestions_resolved", "resolution_rate", "satisfaction_rate",
    "households_visited", "household_coverage", "deputy_participation", "stations_on_roster", "stations_established",
]
# Headings of the default template, in the words of the seeds (the office rewords them).
DEFAULT_HEADINGS = {
    "监督工作": "强化监督职能，努力发挥人大作用",
    "代表工作": "落实“三项制度”，扎实开展代表工作",
    "建议办理": "认真办理意见建议，回应群众关切",
    "代表行动": "围绕中心工作，深入开展“代表行动”",
    "活动站建设": "强化载体建设，推进代表活动站规范化",
}
FIELDS = {
    "标题": "总结的标题，如“青河镇2024年人大工作总结”",
    "范围": "乡镇或县的名称",
    "统计期": "2024年，或 本届（2021年10月至2026年9月）",
    "比较期": "上年 / 上届",
    "数据截至": "最近一次导入数据的日期",
    **{title: f"{title}一节的正文（没有数据时为空）" for title in SECTION_TITLES.values()},
    "序号": "各节的序号，如 {{ 序号.监督工作 }} 为“一”（没有数据的节不占序号）",
    "各节": "有数据的各节，每项有 序号、标题、正文，可用 {%p for 节 in 各节 %} 逐节列出",
    "主要指标": "附表的行，每行有 指标、本期、上期、增减",
    "口径": "各指标的口径，每项有 名称、口径",
    "指标": "任一指标的数值，按数据约定的键名，如 {{ 指标.deputies_total }}",
}


class TemplateProblem(ValueError):
    """The template cannot be rendered; the message (Chinese) says where and what to fix."""


def context(summary: WorkSummary, as_of: str) -> dict:
    """Everything a template may use, under the Chinese names of FIELDS."""
    sections = {title: "" for title in SECTION_TITLES.values()}
    numbers, listed = {}, []
    for index, section in enumerate(summary.sections):
        sections[section.title] = section.text
        numbers[section.title] = NUMERALS[index]
        listed.append({"序号": NUMERALS[index], "标题": section.title, "正文": section.text})
    rows = [{
        "指标": METRICS[key].name, "本期": figure(key, summary.now[key]), "上期": figure(key, summary.before[key]),
        "增减": change(key, summary.now[key], summary.before[key]) or "—",
    } for key in TABLE_KEYS]
    return {
        "标题": summary.title, "范围": summary.scope_name, "统计期": summary.period_name,
        "比较期": COMPARED_WITH[summary.kind], "数据截至": as_of,
        **sections, "序号": numbers, "各节": listed, "主要指标": rows,
        "口径": [{"名称": METRICS[k].name, "口径": METRICS[k].definition} for k in _used_keys(summary)],
        "指标": {key: _shown(key, value) for key, value in summary.now.items()},
    }


def _used_keys(summary: WorkSummary) -> list[str]:
    keys = [f.key for s in summary.sections for f in s.figures] + TABLE_KEYS
    return list(dict.fromkeys(keys))


def _shown(key: str, value) -> str:
    if isinstance(value, dict):
        return "、".join(f"{k}{v}" for k, v in value.items())
    return figure(key, value)


def render(summary: WorkSummary, as_of: str, template: bytes | None = None, template_name: str = "") -> bytes:
    """The document as .docx bytes, from `template` (the shipped default when None)."""
    name = template_name or DEFAULT_TEMPLATE.name
    source = template if template is not None else DEFAULT_TEMPLATE.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(source)):
        raise TemplateProblem(f"「{name}」不是 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx 后再上传。")
    try:
        document = DocxTemplate(io.BytesIO(source))
        document.render(context(summary, as_of), jinja_env=_environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(_unknown_field(name, exc)) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(_syntax(name, exc)) from exc
    except (KeyError, ValueError) as exc:  # not a word-processing document inside
        raise TemplateProblem(f"「{name}」无法作为 Word 模板读取，请用 Word 或 WPS 另存为 .docx 后再上传。") from exc
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    _check_no_tag_left(name, data)
    return data


def _environment() -> jinja2.Environment:
    # A misspelt field must stop the render, not leave a blank in a report that goes out.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def _unknown_field(name: str, exc: jinja2.UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
    field = next((g for g in match.groups() if g), str(exc)) if match else str(exc)
    return (f"模板「{name}」中的「{field}」不是可用的字段，请检查拼写。"
            f"可用的字段有：{'、'.join(FIELDS)}（说明见 README 的“工作总结模板”一节）。")


def _syntax(name: str, exc: jinja2.TemplateSyntaxError) -> str:
    near = "".join(getattr(exc, "docx_context", []) or []).strip()
    where = f"在“{near[:60]}”附近" if near else "某处"
    return (f"模板「{name}」{where}的标记写法有误，无法生成文档：请检查 {{{{ }}}} 和 {{% %}} 是否成对、"
            f"if/for 是否都有对应的 endif/endfor。（{exc.message}）")


LEFT_TAG = re.compile(r"\{\{|\}\}|\{%|%\}")


def _check_no_tag_left(name: str, data: bytes) -> None:
    """A tag docxtpl did not read stays in the text: refuse the document rather than send it out."""
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for text in texts:
        if LEFT_TAG.search(text):
            raise TemplateProblem(f"模板「{name}」中有未能识别的标记：“{text.strip()[:60]}”。"
                                  "请在 Word 中删掉这个标记后重新完整输入（不要分几次输入或只改其中几个字）。")


# --- the default template -------------------------------------------------------

def default_template(path: Path) -> Path:
    """Write the shipped default template (how reports/templates/工作总结模板.docx was made)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = BODY_FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.space_after = Pt(4)
    _paragraph(document, "{{ 标题 }}", 20, HEADING_FONT, center=True)
    _paragraph(document, "（{{ 统计期 }}，数据截至{{ 数据截至 }}）", 12, center=True)
    _paragraph(document, "{{ 统计期 }}，{{ 范围 }}人大在党委的坚强领导下，在上级人大的指导下，依法履行职责，"
               "充分发挥代表作用，各项工作扎实开展。现将主要工作总结如下：", 14, indent=True)
    for title, heading in DEFAULT_HEADINGS.items():
        _paragraph(document, f"{{%p if {title} %}}", 14)
        _paragraph(document, f"{{{{ 序号.{title} }}}}、{heading}", 15, HEADING_FONT)
        _paragraph(document, f"{{{{ {title} }}}}", 14, indent=True)
        _paragraph(document, "{%p endif %}", 14)
    _paragraph(document, "下一步，我们将继续紧紧围绕中心工作，依法履职，密切联系群众，推动人大工作再上新台阶。",
               14, indent=True)
    _paragraph(document, "附表：主要指标（{{ 统计期 }}与{{ 比较期 }}比较）", 14, HEADING_FONT)
    table = document.add_table(rows=3, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["指标", "{{ 统计期 }}", "{{ 比较期 }}", "增减"], strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for 行 in 主要指标 %}"
    for cell, text in zip(table.rows[2].cells, ["{{ 行.指标 }}", "{{ 行.本期 }}", "{{ 行.上期 }}", "{{ 行.增减 }}"],
                          strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    for cell in (c for r in table.rows for c in r.cells):
        for run in (r for p in cell.paragraphs for r in p.runs):
            run.font.size = Pt(10.5)
    _paragraph(document, "附：指标口径", 12, HEADING_FONT)
    _paragraph(document, "{%p for 项 in 口径 %}", 10)
    _paragraph(document, "{{ 项.名称 }}：{{ 项.口径 }}", 10)
    _paragraph(document, "{%p endfor %}", 10)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _paragraph(document, text: str, size: float, font: str = BODY_FONT, center=False, indent=False) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        paragraph.paragraph_format.line_spacing = 1.5
