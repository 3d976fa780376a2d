"""Materials (6号 三(三)): the spouse's income certificate (三(一)1) on every list, a
migrant 低保户's medical papers, the project's reading kept apart from the policy's
words, the copies rule verbatim, and no silent switch of worker type."""
from __future__ import annotations

import io
import json

import pytest

from rules import checklist, evaluate, load_edition, read_facts
from rules.cli import main
from rules.materials import WorkerTypeError

ED = load_edition()
LISTS = [(c, "worker") for c in ED.category_order] + [(c, "migrant_worker") for c in ED.category_order]


def keys(facts: dict, category: str, worker_type: str) -> dict[str, str]:
    return {i.key: i.status for i in checklist(read_facts(facts), category, worker_type, ED).items}


@pytest.mark.parametrize(("category", "worker_type"), LISTS)
def test_the_spouses_income_certificate_is_on_every_list(category, worker_type) -> None:
    assert keys({}, category, worker_type)["spouse_income_proof"] == "conditional"
    assert keys({"marital_status": "married", "spouse_other_unit": True}, category,
                worker_type)["spouse_income_proof"] == "required"
    assert "spouse_income_proof" not in keys({"marital_status": "married", "spouse_other_unit": False},
                                             category, worker_type)
    assert "spouse_income_proof" not in keys({"marital_status": "divorced"}, category, worker_type)


def test_the_spouse_fact_is_optional_and_never_screened() -> None:
    base = {"union_member": True, "labor_relation": True, "wage_earner_head": True}
    assert read_facts({}).spouse_other_unit is None
    assert "spouse_other_unit" not in evaluate(read_facts(base), ED).missing
    assert ED.facts["spouse_other_unit"].kind == "bool"


def test_a_migrant_dibao_household_with_a_major_illness_brings_the_medical_papers() -> None:
    worker = keys({"major_illness": True}, "dibao", "worker")
    migrant = keys({"major_illness": True}, "dibao", "migrant_worker")
    assert worker["medical_docs_city"] == migrant["medical_docs_city"] == "required"
    assert "medical_docs_city" not in keys({"major_illness": False}, "dibao", "migrant_worker")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_projects_reading_is_a_note_not_the_items_text(lang) -> None:
    item = ED.materials.items["dibao_certificate_migrant"]
    assert item.get(lang) == ED.materials.items["dibao_certificate"].get(lang) or "二.1" not in item.get(lang)
    assert "二.1" not in item.get(lang) and "sole proof" not in item.get(lang)
    assert item.note is not None and "二.1" in item.note.get(lang)
    [entry] = [i for i in checklist(read_facts({}), "dibao", "migrant_worker", ED).items
               if i.key == "dibao_certificate_migrant"]
    assert entry.note(ED, lang) == item.note.get(lang)


def test_the_copies_rule_keeps_strict_checking() -> None:
    assert "必须严格审核" in ED.materials.copies_rule.zh_CN
    assert "strictly" in ED.materials.copies_rule.en


@pytest.mark.parametrize(("hukou", "asked"), [("rural", "worker"), ("urban", "migrant_worker")])
def test_a_worker_type_contradicting_the_hukou_is_an_error(hukou, asked, monkeypatch, capsys) -> None:
    with pytest.raises(WorkerTypeError):
        checklist(read_facts({"hukou": hukou}), "dibao", asked, ED)
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"hukou": hukou})))
    with pytest.raises(SystemExit) as info:
        main(["materials", "--category", "dibao", "--worker-type", asked])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2 and len(err) == 1 and "hukou" in err[0] and "worker-type" in err[0]


def test_the_json_checklist_carries_the_note(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"hukou": "rural"}'))
    assert main(["materials", "--category", "dibao", "--json", "--lang", "en"]) == 0
    items = {i["key"]: i for i in json.loads(capsys.readouterr().out)["items"]}
    assert "二.1" in items["dibao_certificate_migrant"]["note"]
    assert items["application_migrant"]["note"] is None


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_spouse_question_has_its_texts(lang) -> None:
    from locales import catalog_ids

    ids = catalog_ids(lang)
    for prefix in ("ask", "why", "idk", "fact", "checklist.ask"):
        assert ids[f"{prefix}.spouse_other_unit"].strip()
