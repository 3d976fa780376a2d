"""`python -m rules materials` and `python -m rules notice`: in-process through
``rules.cli.main`` (fast), and a few through the real process (``slow``: exit
status, no traceback, the ``python -m rules`` entry).

Materials lists follow 6号 三(三) item by item; every list ends with the rule that
copies are checked against the originals (三(三), last paragraph). The notice dates
follow 三(一)3 (5 working days) and 三(一)5 (entry within 30 working days after).
"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "rules" / "examples" / "marginal.json").read_text(encoding="utf-8")

GATES = {"union_member": True, "labor_relation": True, "wage_earner_head": True,
         "filed_elsewhere": False, "homes_owned": 1, "owns_business": False,
         "child_private_or_abroad": False, "operates_vehicles": False, "hukou": "urban",
         "birth_date": "1975-06-01", "sex": "male"}


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    """``rules.cli.main(args)`` in this process, as a finished process would report it."""
    from rules.cli import main

    out, err, old_stdin = io.StringIO(), io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = old_stdin
    return subprocess.CompletedProcess(["rules.cli.main", *args], code, out.getvalue(), err.getvalue())


def run_process(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    """The real ``python -m rules`` process."""
    return subprocess.run([sys.executable, "-m", "rules", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=60)


def materials(facts: dict[str, Any] | str, *args: str) -> dict[str, Any]:
    stdin = facts if isinstance(facts, str) else json.dumps(facts, ensure_ascii=False)
    proc = run(["materials", "--json", "--today", "2016-10-15", *args], stdin)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def keys(checklist: dict[str, Any]) -> list[str]:
    return [item["key"] for item in checklist["items"]]


def bad_input(proc: subprocess.CompletedProcess, *names: str) -> None:
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for name in names:
        assert name in lines[0]


# --- materials -----------------------------------------------------------------------

def test_materials_zh_numbered_list_ends_with_the_copies_rule():
    proc = run(["materials", "--today", "2016-10-15"], EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("低保边缘户") and "6号 三(三)2" in lines[0]
    numbered = lines[1:-1]
    assert [line.split(".", 1)[0] for line in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    assert "困难职工的个人申请" in numbered[0]
    assert any("本人第二代居民身份证复印件" in line for line in numbered)
    # the example has a major illness: the hospital documents are required (三(三)2(3))
    assert any("市内公立二级" in line and not line.split(". ", 1)[1].startswith("[") for line in numbered)
    assert any("工资流水" in line for line in numbered)  # 三(三)2(4)
    assert lines[-1].startswith("※")
    assert "与原件一致" in lines[-1] and "公章" in lines[-1]


def test_materials_en():
    proc = run(["materials", "--lang", "en", "--today", "2016-10-15"], EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert "marginal" in lines[0] and "worker in hardship" in lines[0]
    assert lines[1].startswith("1. A personal application")
    assert lines[-1].startswith("※") and "checked against the original" in lines[-1]
    assert not any("\u7533\u8bf7" in line for line in lines[1:-1])  # no 申请: items are in English


def test_materials_json_copies_rule_in_both_languages():
    zh = materials(EXAMPLE)
    en = materials(EXAMPLE, "--lang", "en")
    assert "与原件一致" in zh["copies_rule"] and "公章" in zh["copies_rule"]
    assert "checked against the original" in en["copies_rule"]
    assert keys(zh) == keys(en)


def test_materials_dibao_list_follows_the_policy():
    # 三(三)1: (1) application (2) ID and hukou (3) 低保证 (4) divorce/widowhood (5) illness documents
    facts = {**GATES, "dibao_certificate": True, "marital_status": "divorced", "major_illness": True}
    cl = materials(facts)
    assert cl["category"] == "dibao" and cl["reference"] == "6号 三(三)1"
    assert keys(cl) == ["application", "id_hukou", "dibao_certificate", "marital_proof", "medical_docs_city"]
    assert all(item["status"] == "required" for item in cl["items"])
    assert "有民政部门近一年内审核盖章的低保证" in [item["text"] for item in cl["items"]]


def test_materials_category_option_overrides_the_primary():
    cl = materials(EXAMPLE, "--category", "illness")
    # 三(三)3(1): ① application ② ID and hukou ③ diagnosis ④ wage statements ⑤ income certificate
    assert cl["category"] == "illness" and cl["reference"] == "6号 三(三)3(1)"
    assert keys(cl) == ["application_short", "id_hukou", "illness_diagnosis", "wage_flow",
                        "illness_income_proof", "spouse_income_proof"]
    cl = materials(EXAMPLE, "--category", "disaster")
    assert cl["reference"] == "6号 三(三)3(2)"
    assert keys(cl) == ["application_short", "id_hukou", "disaster_certificate", "wage_flow",
                        "disaster_income_proof", "spouse_income_proof"]


@pytest.mark.parametrize("category", ["dibao", "marginal", "illness", "disaster"])
@pytest.mark.parametrize("status", ["divorced", "widowed"])
def test_divorced_or_widowed_applicant_gets_the_proof_item(category: str, status: str):
    cl = materials({**GATES, "marital_status": status}, "--category", category)
    proof = [item for item in cl["items"] if item["key"] == "marital_proof"]
    assert len(proof) == 1 and proof[0]["status"] == "required"
    assert proof[0]["text"] == "离异丧偶需提供证明材料"


@pytest.mark.parametrize("category", ["dibao", "marginal", "illness", "disaster"])
def test_married_applicant_has_no_proof_item(category: str):
    cl = materials({**GATES, "marital_status": "married"}, "--category", category)
    assert "marital_proof" not in keys(cl)


def test_unknown_marital_status_lists_the_proof_as_conditional():
    cl = materials(dict(GATES), "--category", "marginal")
    proof = next(item for item in cl["items"] if item["key"] == "marital_proof")
    assert proof["status"] == "conditional" and proof["condition"] == "离异或丧偶的"


def test_marginal_evidence_matches_the_reason():
    # 三(三)2(3): diagnosis, or disaster proof, or school proof, whichever is the reason
    base = {**GATES, "dibao_certificate": False, "residence": "nanchang-city",
            "household_size": 1, "household_annual_income": "9000", "marital_status": "married"}
    cl = materials({**base, "major_illness": False, "disaster": False, "child_education_hardship": True})
    assert cl["category"] == "marginal"
    assert "school_proof" in keys(cl)
    assert not {"medical_docs_city", "disaster_proof"} & set(keys(cl))


def test_migrant_worker_list():
    # 三(三)3(3): ① application ② membership proof ③ contract or wages ④ ID and hukou ⑤ evidence
    facts = {**GATES, "hukou": "rural", "provincial_contract_year": True, "dibao_certificate": False,
             "major_illness": True, "residence": "nanchang-city", "household_size": 3,
             "household_annual_income": "25200", "marital_status": "widowed"}
    cl = materials(facts)
    assert cl["worker_type"] == "migrant_worker" and cl["reference"] == "6号 三(三)3(3)"
    assert keys(cl)[:4] == ["application_migrant", "member_proof", "contract_or_wages", "id_hukou"]
    assert "medical_docs_public" in keys(cl) and keys(cl)[-1] == "marital_proof"
    text = run(["materials", "--today", "2016-10-15"], json.dumps(facts)).stdout.strip().splitlines()
    assert "困难农民工" in text[0] and "与原件一致" in text[-1]


def test_materials_without_a_primary_category_exits_2():
    bad_input(run(["materials"], "{}"), "category")


def test_materials_with_undecided_primary_exits_2():
    # marginal passes but the 低保证 is unknown: eligible, primary still open
    facts = {**GATES, "major_illness": True, "disaster": False, "residence": "nanchang-city",
             "household_size": 3, "household_annual_income": "25200"}
    bad_input(run(["materials", "--today", "2016-10-15"], json.dumps(facts)), "category")


def test_materials_with_a_bad_fact_exits_2():
    bad_input(run(["materials"], '{"household_size": 0}'), "household_size")


# --- notice --------------------------------------------------------------------------

def test_notice_design_example():
    proc = run(["notice", "--start", "2016-09-29"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"notice_end": "2016-10-10", "entry_deadline": "2016-11-21",
                                       "estimated": False}


@pytest.mark.slow
def test_notice_bad_start_exits_2_without_traceback():
    proc = run_process(["notice", "--start", "2016-13-01"])
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "--start" in proc.stderr


def test_notice_bad_start_is_one_stderr_line():
    bad_input(run(["notice", "--start", "2016-13-01"]), "--start")


# --- the real process ------------------------------------------------------------------

@pytest.mark.slow
def test_python_m_rules_prints_the_checklist():
    proc = run_process(["materials", "--today", "2016-10-15"], EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("低保边缘户") and lines[-1].startswith("※")


@pytest.mark.slow
@pytest.mark.parametrize(("args", "stdin", "name"), [
    (["materials"], '{"household_size": 0}', "household_size"),
    (["materials", "--category", "dibao", "--worker-type", "worker"], '{"hukou": "rural"}', "hukou"),
    (["screen"], "not json", "input"),
])
def test_the_process_exits_2_with_one_line_and_no_traceback(args, stdin, name):
    bad_input(run_process(args, stdin), name)


def test_in_process_runs_match_the_process():
    """The fast in-process runner reports what the process would (same main)."""
    proc = run(["notice", "--start", "2016-09-29"])
    assert proc.returncode == 0 and proc.stderr == ""
    assert json.loads(proc.stdout)["notice_end"] == "2016-10-10"
