"""Benchmark: printing a community master plan to PDF, as the Celery worker does it.

    .venv/bin/python benchmarks/plan_pdf.py [--runs 5] [--problems 8] [--projects 20]

Renders the printed plan's template (masterplans/print/plan.html, as the task does)
for a made-up village plan of the given size, then prints it with the Debian Chromium through
Playwright (masterplans.print_pdf.html_to_pdf: a browser started per PDF, as in the task).
Prints the HTML render time and the PDF time (min and median of --runs), the page count
(pdfinfo) and the file size. No database is needed: the context is built in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppaos.settings.base")


def _context(problems: int, projects: int) -> dict:
    from django.utils import timezone

    from masterplans.print_document import PDF_STATIC, STYLESHEET, _data_rows
    from ppaos.thai.thai_money import baht_text

    data = {
        "survey_round": 2569,
        "households": 142,
        "target_poor": 31,
        "levels": {"in_hardship": 18, "struggling": 40, "getting_by": 61, "doing_well": 23},
        "persons": {
            "total": 512,
            "elderly": 88,
            "children": 120,
            "disabled": 14,
            "bedridden": 3,
            "chronically_ill": 57,
        },
        "accounts": {
            "households": 139,
            "income": {
                "farming": "612000.00",
                "wages": "455500.00",
                "business": "120000.00",
                "welfare": "98000.00",
                "remittances": "150000.00",
                "other": "12000.00",
            },
            "income_total": "1447500.00",
            "consumption": "980000.00",
            "production": "310000.00",
            "debt_formal": "8450000.00",
            "debt_informal": "1230000.00",
            "savings": "660000.00",
        },
        "capitals": [
            {"capital": c, "average": a, "deficit": str(Decimal(4) - Decimal(a)), "households": 139}
            for c, a in (
                ("financial", "1.85"),
                ("natural", "2.10"),
                ("physical", "2.40"),
                ("social", "2.95"),
                ("human", "3.05"),
            )
        ],
        "indicators_failed": [
            {
                "code": f"b{n}",
                "number": n,
                "text_th": f"ตัวชี้วัดที่ {n} ของ จปฐ.",
                "text_en": "",
                "households": 60 - n,
            }
            for n in range(1, 11)
        ],
    }
    problem_rows = [
        SimpleNamespace(
            rank=i, title=f"ปัญหาลำดับที่ {i} หนี้สินและรายจ่ายสูง", capital_label="ทุนการเงิน", description=""
        )
        for i in range(1, problems + 1)
    ]
    project_rows = [
        SimpleNamespace(
            title=f"โครงการที่ {i} ส่งเสริมอาชีพและลดรายจ่ายครัวเรือน",
            problem=problem_rows[i % problems] if problems else None,
            objective="ลดรายจ่ายและเพิ่มรายได้ของครัวเรือนเป้าหมาย",
            activities="อบรมบัญชีครัวเรือน\nจัดตั้งกลุ่มอาชีพ\nติดตามผลทุกไตรมาส",
            indicators="ครัวเรือนเป้าหมายมีรายได้เพิ่มขึ้นร้อยละ 10",
            targets_shown=12,
            budget_requested=Decimal(50000 + i * 1000),
            get_carrier_display="องค์กรปกครองส่วนท้องถิ่น",
            lao=SimpleNamespace(name_th="องค์การบริหารส่วนตำบลคำป่าหลาย"),
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2027, 9, 30),
            state_label="บรรจุในแผนพัฒนาท้องถิ่นแล้ว",
            local_plan_edition="เพิ่มเติม ฉบับที่ 4",
            local_plan_first_year=2570,
            local_plan_last_year=2572,
            ordinance_fiscal_year=None,
            budget_adopted=None,
            not_adopted_reason="",
        )
        for i in range(1, projects + 1)
    ]
    requested = sum(p.budget_requested for p in project_rows)
    plan = SimpleNamespace(
        fiscal_year=2570,
        is_frozen=True,
        forum_date=dt.date(2026, 11, 20),
        endorsed_at=None,
        vision="ชุมชนพึ่งตนเอง ปลอดหนี้นอกระบบ",
    )
    return {
        "plan": plan,
        "places": {
            "village": "บ้านคำป่าหลาย",
            "village_number": 5,
            "subdistrict": "คำป่าหลาย",
            "district": "เมืองมุกดาหาร",
            "province": "มุกดาหาร",
            "code": "49010505",
        },
        "laos": [SimpleNamespace(name_th="องค์การบริหารส่วนตำบลคำป่าหลาย")],
        "data": _data_rows(data),
        "problems": problem_rows,
        "projects": project_rows,
        "budget_requested": requested,
        "budget_requested_words": baht_text(requested),
        "budget_adopted": Decimal(0),
        "budget_adopted_words": baht_text(0),
        "exact_counts": False,
        "printed_at": timezone.now(),
        "for_pdf": True,
        "pdf_static": PDF_STATIC,
        "stylesheet": STYLESHEET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--problems", type=int, default=8)
    parser.add_argument("--projects", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils import translation

    from masterplans.print_document import TEMPLATE
    from masterplans.print_pdf import html_to_pdf

    render_ms, pdf_ms = [], []
    content = b""
    with translation.override("th"):
        for _ in range(args.runs):
            start = time.perf_counter()
            html = render_to_string(TEMPLATE, _context(args.problems, args.projects))
            render_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            content = html_to_pdf(html, title="บ้านคำป่าหลาย · 2570")
            pdf_ms.append((time.perf_counter() - start) * 1000)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    print(f"plan: {args.problems} problems, {args.projects} projects; {args.runs} runs")
    print(
        f"HTML render  min {min(render_ms):8.1f} ms   median {statistics.median(render_ms):8.1f} ms"
    )
    print(f"PDF (Chromium) min {min(pdf_ms):6.0f} ms   median {statistics.median(pdf_ms):8.0f} ms")
    print(f"PDF: {pages} A4 pages, {len(content) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
