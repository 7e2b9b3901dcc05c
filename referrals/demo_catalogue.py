"""The demo catalogue: agencies that help poor households in Mukdahan (49) and the services they
give, as a Thai province actually uses them. Loaded by `seed_demo` (ppaos/demo) and kept by
admins afterwards in the admin pages. Running it again changes nothing it did before. Phone
numbers are left blank on purpose: an admin enters the real ones; the demo invents none.

Local administrative organisations: the municipality of Mukdahan town serves subdistrict 490101;
every other subdistrict gets its subdistrict administrative organisation (อบต.). In reality some
subdistricts are served by a subdistrict municipality (เทศบาลตำบล); an admin renames those.
"""

from dataclasses import dataclass

from django.db import transaction

from ppaos.areas.models import Area, AreaLevel

from .models import Agency, AgencyKind, Capital, Service, ServiceKind

PROVINCE = "49"


@dataclass(frozen=True)
class DemoService:
    code: str
    name_th: str
    name_en: str
    kind: str
    capital: str
    expected_days: int
    eligibility_note: str


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name_th: str
    name_en: str
    kind: str
    phone: str
    address: str
    services: tuple[DemoService, ...]
    areas: tuple[str, ...] = (PROVINCE,)


S = DemoService
G = AgencyKind.GOVERNMENT_OFFICE

PROVINCIAL_AGENCIES = (
    DemoAgency(
        "pmj-mukdahan",
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดมุกดาหาร (พมจ.มุกดาหาร)",
        "Mukdahan Provincial Office of Social Development and Human Security",
        G,
        "",
        "ศาลากลางจังหวัดมุกดาหาร ถนนวิวิธสุรการ อำเภอเมืองมุกดาหาร",
        (
            S("pmj-child-support-grant", "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด",
              "Child support grant", ServiceKind.WELFARE, Capital.HUMAN, 30,
              "เด็กแรกเกิดถึง 6 ปี ในครัวเรือนที่มีรายได้เฉลี่ยไม่เกิน 100,000 บาทต่อคนต่อปี "
              "ลงทะเบียนที่ อปท. หรือสำนักงานเขต แล้วส่ง พมจ. พิจารณา"),
            S("pmj-house-repair", "ปรับปรุงที่อยู่อาศัยผู้สูงอายุและคนพิการ",
              "House repair for older and disabled people", ServiceKind.HOUSING,
              Capital.PHYSICAL, 90,
              "บ้านชำรุดไม่มั่นคงปลอดภัย ผู้อยู่อาศัยเป็นผู้สูงอายุหรือคนพิการที่มีรายได้น้อย "
              "มีกรรมสิทธิ์หรือได้รับอนุญาตให้ใช้ที่ดิน"),
            S("pmj-family-relief", "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง",
              "Relief for low-income families", ServiceKind.RELIEF, Capital.FINANCIAL, 15,
              "ครอบครัวประสบปัญหาเดือดร้อนเฉพาะหน้า รายได้ไม่พอยังชีพ "
              "ไม่เกิน 3 ครั้งต่อปี"),
            S("pmj-disability-card", "ออกบัตรประจำตัวคนพิการ", "Disability ID card",
              ServiceKind.WELFARE, Capital.HUMAN, 15,
              "มีใบรับรองความพิการจากแพทย์ของสถานพยาบาลของรัฐ"),
        ),
    ),
    DemoAgency(
        "ssj-mukdahan", "สำนักงานสาธารณสุขจังหวัดมุกดาหาร (สสจ.มุกดาหาร)",
        "Mukdahan Provincial Public Health Office", G, "",
        "ถนนวิวิธสุรการ อำเภอเมืองมุกดาหาร",
        (
            S("ssj-long-term-care", "ดูแลผู้ป่วยติดเตียงและผู้มีภาวะพึ่งพิงที่บ้าน (Long Term Care)",
              "Home care for bedridden and dependent people", ServiceKind.HEALTH,
              Capital.HUMAN, 14,
              "ผู้สูงอายุหรือผู้ป่วยที่มีภาวะพึ่งพิง ประเมินด้วยดัชนีบาร์เธลเอดีแอล "
              "ไม่เกิน 11 คะแนน"),
        ),
    ),
    DemoAgency(
        "mukdahan-hospital", "โรงพยาบาลมุกดาหาร", "Mukdahan Hospital", G, "",
        "ถนนพิทักษ์พนมเขต อำเภอเมืองมุกดาหาร",
        (
            S("hospital-uhc-registration", "ลงทะเบียนสิทธิหลักประกันสุขภาพแห่งชาติ (บัตรทอง)",
              "Universal health coverage registration", ServiceKind.HEALTH, Capital.HUMAN, 7,
              "คนไทยที่ยังไม่มีสิทธิประกันสุขภาพอื่น (ประกันสังคม ข้าราชการ) "
              "ใช้บัตรประชาชนลงทะเบียน"),
        ),
    ),
    DemoAgency(
        "nfe-mukdahan", "สำนักงานส่งเสริมการเรียนรู้จังหวัดมุกดาหาร (สกร./กศน.มุกดาหาร)",
        "Mukdahan Provincial Office of Learning Promotion (non-formal education)", G,
        "", "อำเภอเมืองมุกดาหาร",
        (
            S("nfe-vocational-course", "หลักสูตรฝึกอาชีพระยะสั้น ศูนย์ฝึกอาชีพชุมชน",
              "Short vocational course", ServiceKind.OCCUPATION, Capital.HUMAN, 60,
              "ประชาชนอายุ 15 ปีขึ้นไป ไม่จำกัดวุฒิการศึกษา"),
            S("nfe-continuing-education", "การศึกษานอกระบบระดับประถม มัธยมต้น มัธยมปลาย",
              "Non-formal basic education", ServiceKind.EDUCATION, Capital.HUMAN, 60,
              "ผู้ที่ไม่ได้เรียนในระบบโรงเรียน อายุ 15 ปีขึ้นไป"),
        ),
    ),
    DemoAgency(
        "dsd-mukdahan", "สำนักงานพัฒนาฝีมือแรงงานมุกดาหาร",
        "Mukdahan Skill Development Office", G, "", "อำเภอเมืองมุกดาหาร",
        (
            S("dsd-skill-training", "ฝึกอบรมฝีมือแรงงานเพื่อประกอบอาชีพ",
              "Vocational skill training", ServiceKind.OCCUPATION, Capital.HUMAN, 45,
              "ผู้ว่างงาน แรงงานนอกระบบ หรือผู้ต้องการเปลี่ยนอาชีพ อายุ 15 ปีขึ้นไป"),
        ),
    ),
    DemoAgency(
        "doe-mukdahan", "สำนักงานจัดหางานจังหวัดมุกดาหาร",
        "Mukdahan Provincial Employment Office", G, "",
        "ศาลากลางจังหวัดมุกดาหาร ชั้น 2",
        (
            S("doe-job-placement", "จัดหางานและแนะแนวอาชีพ", "Job placement",
              ServiceKind.EMPLOYMENT, Capital.FINANCIAL, 30,
              "ผู้ว่างงานหรือผู้ต้องการงานทำ ลงทะเบียนหางาน"),
        ),
    ),
    DemoAgency(
        "baac-mukdahan", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สำนักงานจังหวัดมุกดาหาร (ธ.ก.ส.)",
        "Bank for Agriculture and Agricultural Cooperatives, Mukdahan", AgencyKind.PRIVATE,
        "", "ถนนพิทักษ์พนมเขต อำเภอเมืองมุกดาหาร",
        (
            S("baac-debt-clinic", "คลินิกแก้หนี้และปรับโครงสร้างหนี้เกษตรกร",
              "Debt clinic and restructuring for farmers", ServiceKind.DEBT,
              Capital.FINANCIAL, 45,
              "ลูกค้า ธ.ก.ส. ที่มีหนี้ค้างชำระ หรือเกษตรกรที่มีหนี้นอกระบบและต้องการรวมหนี้"),
        ),
    ),
    DemoAgency(
        "moj-mukdahan", "สำนักงานยุติธรรมจังหวัดมุกดาหาร", "Mukdahan Provincial Justice Office",
        G, "", "ศาลากลางจังหวัดมุกดาหาร",
        (
            S("moj-informal-debt-mediation", "ไกล่เกลี่ยหนี้นอกระบบ",
              "Mediation of informal debt", ServiceKind.DEBT, Capital.FINANCIAL, 30,
              "ลูกหนี้นอกระบบที่ถูกคิดดอกเบี้ยเกินกฎหมายหรือถูกทวงหนี้ไม่เป็นธรรม"),
        ),
    ),
    DemoAgency(
        "doae-mukdahan", "สำนักงานเกษตรจังหวัดมุกดาหาร", "Mukdahan Provincial Agriculture Office",
        G, "", "ศาลากลางจังหวัดมุกดาหาร",
        (
            S("doae-extension", "ส่งเสริมการเกษตร ปัจจัยการผลิตและเกษตรผสมผสาน",
              "Agricultural extension", ServiceKind.AGRICULTURE, Capital.NATURAL, 30,
              "เกษตรกรที่ขึ้นทะเบียนเกษตรกรแล้ว หรือครัวเรือนที่มีที่ดินทำกิน"),
        ),
    ),
    DemoAgency(
        "cdd-mukdahan", "สำนักงานพัฒนาชุมชนจังหวัดมุกดาหาร (พช.)",
        "Mukdahan Provincial Community Development Office", G, "",
        "ศาลากลางจังหวัดมุกดาหาร",
        (
            S("cdd-community-enterprise", "ส่งเสริมอาชีพ กลุ่มอาชีพ และช่องทางตลาดผลิตภัณฑ์ชุมชน",
              "Community enterprise and market linkage", ServiceKind.MARKET, Capital.SOCIAL, 60,
              "ครัวเรือนที่รวมกลุ่มอาชีพหรือมีผลิตภัณฑ์ชุมชน"),
        ),
    ),
    DemoAgency(
        "eef-scholarship", "กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.)", "Equitable Education Fund",
        G, "", "ส่งผ่านโรงเรียนและสถานศึกษาในจังหวัด",
        (
            S("eef-equity-scholarship", "ทุนเสมอภาค (นักเรียนยากจนพิเศษ)",
              "Equitable-education scholarship", ServiceKind.EDUCATION, Capital.HUMAN, 60,
              "นักเรียนชั้นอนุบาลถึงมัธยมต้น ในครัวเรือนรายได้เฉลี่ยไม่เกิน 3,000 บาทต่อคนต่อเดือน "
              "คัดกรองโดยครูประจำชั้น"),
        ),
    ),
    DemoAgency(
        "redcross-mukdahan", "เหล่ากาชาดจังหวัดมุกดาหาร", "Mukdahan Red Cross Chapter",
        AgencyKind.NGO, "", "อำเภอเมืองมุกดาหาร",
        (
            S("redcross-relief-kit", "ถุงยังชีพและเครื่องอุปโภคบริโภคช่วยเหลือเฉพาะหน้า",
              "Relief kits", ServiceKind.RELIEF, Capital.SOCIAL, 7,
              "ครัวเรือนประสบภัยหรือเดือดร้อนเฉพาะหน้า"),
        ),
    ),
    DemoAgency(
        "pracharat-mukdahan", "บริษัท ประชารัฐรักสามัคคี มุกดาหาร (วิสาหกิจเพื่อสังคม) จำกัด",
        "Pracharat Rak Samakkee Mukdahan (social enterprise)", AgencyKind.PRIVATE,
        "", "อำเภอเมืองมุกดาหาร",
        (
            S("pracharat-market-linkage", "เชื่อมตลาดสินค้าเกษตรและผลิตภัณฑ์ชุมชน",
              "Market linkage for farm and community products", ServiceKind.MARKET,
              Capital.SOCIAL, 60, "ผู้ผลิตรายย่อยหรือกลุ่มวิสาหกิจชุมชนในจังหวัด"),
        ),
    ),
)  # fmt: skip


def _local_services(prefix: str) -> tuple[DemoService, ...]:
    return (
        DemoService(
            f"{prefix}-elderly-allowance",
            "เบี้ยยังชีพผู้สูงอายุ",
            "Elderly allowance",
            ServiceKind.WELFARE,
            Capital.FINANCIAL,
            30,
            "อายุ 60 ปีขึ้นไป มีชื่อในทะเบียนบ้านในเขต อปท. ไม่ได้รับสวัสดิการอื่นจากรัฐที่ซ้ำซ้อน "
            "ลงทะเบียนล่วงหน้าเพื่อรับในปีงบประมาณถัดไป",
        ),
        DemoService(
            f"{prefix}-disability-allowance",
            "เบี้ยความพิการ",
            "Disability allowance",
            ServiceKind.WELFARE,
            Capital.FINANCIAL,
            30,
            "มีบัตรประจำตัวคนพิการ มีชื่อในทะเบียนบ้านในเขต อปท.",
        ),
        DemoService(
            f"{prefix}-local-relief",
            "ช่วยเหลือประชาชนตามอำนาจหน้าที่ของ อปท. (เงินหรือสิ่งของ)",
            "Local relief by the local administration",
            ServiceKind.RELIEF,
            Capital.SOCIAL,
            15,
            "ผู้ประสบสาธารณภัย ผู้ยากไร้ หรือผู้ประสบปัญหาความเดือดร้อนในเขต อปท.",
        ),
    )


def local_agencies() -> list[DemoAgency]:
    """One local administrative organisation per subdistrict of the province."""
    found = []
    subdistricts = Area.objects.filter(
        level=AreaLevel.SUBDISTRICT, code__startswith=PROVINCE
    ).order_by("code")
    for sub in subdistricts:
        if sub.code == "490101":
            name_th, name_en = "เทศบาลเมืองมุกดาหาร", "Mukdahan Town Municipality"
        else:
            name_th = f"องค์การบริหารส่วนตำบล{sub.name_th} (อบต.{sub.name_th})"
            name_en = f"{sub.name_en} Subdistrict Administrative Organisation"
        prefix = f"lao-{sub.code}"
        found.append(
            DemoAgency(
                prefix,
                name_th,
                name_en,
                AgencyKind.LOCAL_ADMINISTRATION,
                "",
                f"ตำบล{sub.name_th}",
                _local_services(prefix),
                areas=(sub.code,),
            )
        )
    return found


def seed_demo_catalogue() -> dict[str, int]:
    """Create or update the demo agencies and services (by code). Needs the official areas."""
    agencies = services = 0
    with transaction.atomic():
        for demo in (*PROVINCIAL_AGENCIES, *local_agencies()):
            agency, created = Agency.objects.update_or_create(
                code=demo.code,
                defaults={
                    "name_th": demo.name_th,
                    "name_en": demo.name_en,
                    "kind": demo.kind,
                    "phone": demo.phone,
                    "address": demo.address,
                },
            )
            agencies += created
            agency.areas_served.set(Area.objects.filter(code__in=demo.areas))
            for item in demo.services:
                _, created = Service.objects.update_or_create(
                    code=item.code,
                    defaults={
                        "agency": agency,
                        "name_th": item.name_th,
                        "name_en": item.name_en,
                        "kind": item.kind,
                        "capital": item.capital,
                        "expected_days": item.expected_days,
                        "eligibility_note": item.eligibility_note,
                    },
                )
                services += created
    return {"agencies_created": agencies, "services_created": services}
