import pytest
from django.db import connection

from ppaos.areas.models import Area, AreaLevel
from ppaos.areas.selectors import count_areas_by_level
from ppaos.areas.services import load_official_areas

pytestmark = pytest.mark.django_db

MUKDAHAN_DISTRICTS = {
    "4901": "เมืองมุกดาหาร",
    "4902": "นิคมคำสร้อย",
    "4903": "ดอนตาล",
    "4904": "ดงหลวง",
    "4905": "คำชะอี",
    "4906": "หว้านใหญ่",
    "4907": "หนองสูง",
}

MUKDAHAN_SUBDISTRICTS = {
    "490101": "มุกดาหาร", "490102": "ศรีบุญเรือง", "490103": "บ้านโคก", "490104": "บางทรายใหญ่",
    "490105": "โพนทราย", "490106": "ผึ่งแดด", "490107": "นาโสก", "490108": "นาสีนวน",
    "490109": "คำป่าหลาย", "490110": "คำอาฮวน", "490111": "ดงเย็น", "490112": "ดงมอน",
    "490113": "กุดแข้",
    "490201": "นิคมคำสร้อย", "490202": "นากอก", "490203": "หนองแวง", "490204": "กกแดง",
    "490205": "นาอุดม", "490206": "โชคชัย", "490207": "ร่มเกล้า",
    "490301": "ดอนตาล", "490302": "โพธิ์ไทร", "490303": "ป่าไร่", "490304": "เหล่าหมี",
    "490305": "บ้านบาก", "490306": "นาสะเม็ง", "490307": "บ้านแก้ง",
    "490401": "ดงหลวง", "490402": "หนองบัว", "490403": "กกตูม", "490404": "หนองแคน",
    "490405": "ชะโนดน้อย", "490406": "พังแดง",
    # Khamcha-i's codes are not contiguous: retired codes are never reused (DOMAIN.md §4).
    "490503": "บ้านซ่ง", "490504": "คำชะอี", "490505": "หนองเอี่ยน", "490506": "บ้านค้อ",
    "490507": "บ้านเหล่า", "490508": "โพนงาม", "490511": "เหล่าสร้างถ่อ", "490512": "คำบก",
    "490514": "น้ำเที่ยง",
    "490601": "หว้านใหญ่", "490602": "ป่งขาม", "490603": "บางทรายน้อย", "490604": "ชะโนด",
    "490605": "ดงหมู",
    "490701": "หนองสูง", "490702": "โนนยาง", "490703": "ภูวง", "490704": "บ้านเป้า",
    "490705": "หนองสูงใต้", "490706": "หนองสูงเหนือ",
}  # fmt: skip


def test_all_official_areas_are_loaded_by_migrations():
    assert count_areas_by_level() == {"province": 77, "district": 928, "subdistrict": 7436}


def test_mukdahan_has_its_seven_districts_by_code_and_thai_name():
    districts = Area.objects.filter(level=AreaLevel.DISTRICT, parent_id="49")
    assert {a.code: a.name_th for a in districts} == MUKDAHAN_DISTRICTS


def test_mukdahan_has_its_53_subdistricts_by_code_and_thai_name():
    subs = Area.objects.filter(level=AreaLevel.SUBDISTRICT, code__startswith="49")
    assert {a.code: a.name_th for a in subs} == MUKDAHAN_SUBDISTRICTS
    assert all(a.parent_id == a.code[:4] for a in subs)


def test_english_names_come_with_the_data():
    assert Area.objects.get(code="49").name_en == "Mukdahan"
    # An old geothai release had 4904 ดงหลวง as "Don Tan"; the pinned data is right.
    assert Area.objects.get(code="4904").name_en == "Dong Luang"


def test_loading_again_changes_nothing():
    assert load_official_areas() == {"created": 0, "updated": 0}


def test_loading_restores_a_changed_name():
    Area.objects.filter(code="4904").update(name_en="Don Tan")
    assert load_official_areas() == {"created": 0, "updated": 1}
    assert Area.objects.get(code="4904").name_en == "Dong Luang"


def test_database_refuses_a_code_that_does_not_fit_its_level():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Area.objects.create(
            code="4901011", level=AreaLevel.VILLAGE, parent_id="490101", name_th="x"
        )


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT TEXT) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_prefix_scope_is_one_index_range_scan():
    """'Everything in district 4901' is a range scan of the varchar_pattern_ops index."""
    queryset = Area.objects.filter(code__startswith="4901")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE areas_area")
    plan = _plan(sql, list(params))
    assert "Seq Scan" not in plan, plan
    assert "areas_area_code_" in plan and "_like" in plan, plan
    assert (
        "Index Cond: (((code)::text ~>=~ '4901'::text) AND ((code)::text ~<~ '4902'::text))" in plan
    )
