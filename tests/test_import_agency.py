"""A title printing only the customary short form of the agency's name reads as the full name, said in a notice."""

from __future__ import annotations

from compiler.imports import parse_text
from compiler.imports.agency import full_name


def test_place_and_short_form_expand_to_the_one_full_name() -> None:
    assert full_name("上海市科委") == "上海市科学技术委员会"
    assert full_name("北京市海淀区发改委") == "北京市海淀区发展和改革委员会"
    assert full_name("某县人社局") == "某县人力资源和社会保障局"


def test_full_names_and_bare_short_forms_are_left_alone() -> None:
    for name in ("上海市科学技术委员会", "洪泽区人民政府", "科委", "上海市科委办公室", "市科委"):
        assert full_name(name) is None, name


def test_import_reads_the_full_name_and_says_it_was_printed_short() -> None:
    text = "2024年上海市科委政府信息公开工作年度报告\n一、总体情况\n本委认真落实条例。\n"
    report = parse_text(text)
    assert report.agency == "上海市科学技术委员会"
    notes = [f for f in report.origin.findings if f.code == "IMPORT_AGENCY_EXPANDED"]
    assert len(notes) == 1 and notes[0].severity == "notice"
    assert "上海市科委" in notes[0].message and "上海市科学技术委员会" in notes[0].message


def test_a_full_name_in_the_title_raises_no_notice() -> None:
    report = parse_text("洪泽区人民政府2024年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert report.agency == "洪泽区人民政府"
    assert not [f for f in report.origin.findings if f.code == "IMPORT_AGENCY_EXPANDED"]
