# ruff: noqa: E501  (data: one sentence of wording per line reads best)
"""The household survey instrument, version 1, and the default classification rule set, as data.

Pure data (no Django import). A data migration copies it into versioned rows (`SurveyInstrument`,
`CapitalItem`, `BasicNeedsIndicator`, `ClassificationRuleSet`); later versions are new modules and
new migrations, so every stored answer and result keeps pointing at the version it was made with.

Sources: DOMAIN.md §1.2 (the จปฐ. indicators and TPMAP's 17 behind its five dimensions) and §2.2
(the five livelihood capitals on a 1–4 scale). The capital items follow the example content the
PPAOS studies report per capital (education, housing, debt, disasters, community rules) and are
worded so a facilitator can read them aloud. `low_reason_*` is what a household member reads when
the item pulls the household's score down: plain words, no jargon.
"""

INSTRUMENT_VERSION = "1"
INSTRUMENT_TITLE_TH = "แบบสำรวจครัวเรือน ทุน 5 มิติ และ จปฐ. ฉบับที่ 1"
INSTRUMENT_TITLE_EN = "Household survey: five capitals and basic needs, version 1"

CAPITALS = ("human", "physical", "financial", "natural", "social")

CAPITAL_NAMES = {
    "human": ("ทุนมนุษย์", "Human capital"),
    "physical": ("ทุนกายภาพ", "Physical capital"),
    "financial": ("ทุนการเงิน", "Financial capital"),
    "natural": ("ทุนธรรมชาติ", "Natural capital"),
    "social": ("ทุนทางสังคม", "Social capital"),
}

# Each item: code, capital, question (th, en), the four answers 1 (worst) … 4 (best) (th, en),
# and the reason shown when the item pulls the score down (th, en).
CAPITAL_ITEMS = [
    # ---- human ----
    {
        "code": "H1", "capital": "human",
        "text_th": "ระดับการศึกษาสูงสุดของคนวัยทำงานในครัวเรือน",
        "text_en": "Highest education of the working-age members",
        "options": [
            ("ไม่ได้เรียน หรือต่ำกว่าประถม", "No schooling or below primary"),
            ("ประถมศึกษา", "Primary school"),
            ("มัธยมศึกษา หรือ ปวช.", "Secondary school or vocational certificate"),
            ("อนุปริญญา ปริญญาตรี หรือสูงกว่า", "Diploma, degree or higher"),
        ],
        "low_reason_th": "คนวัยทำงานในบ้านเรียนมาน้อย ทำให้หางานที่ได้ค่าแรงดีได้ยาก",
        "low_reason_en": "The working-age members had little schooling, so better-paid work is hard to get",
    },
    {
        "code": "H2", "capital": "human",
        "text_th": "สุขภาพของคนในครัวเรือนเอื้อต่อการทำงาน",
        "text_en": "Members' health allows them to work",
        "options": [
            ("ส่วนใหญ่ป่วยหรือทำงานไม่ได้", "Most are ill or unable to work"),
            ("มีคนป่วยที่ต้องดูแลและกระทบการทำงาน", "Someone ill needs care and work suffers"),
            ("มีปัญหาสุขภาพเล็กน้อย", "Minor health problems"),
            ("ทุกคนแข็งแรงทำงานได้", "Everyone is healthy and able to work"),
        ],
        "low_reason_th": "มีคนเจ็บป่วยหรือต้องดูแล ทำให้ทำงานหาเงินได้น้อยลง",
        "low_reason_en": "Illness or caring for someone leaves less time and strength to earn",
    },
    {
        "code": "H3", "capital": "human",
        "text_th": "ทักษะอาชีพของคนในครัวเรือน",
        "text_en": "Members' job skills",
        "options": [
            ("ไม่มีทักษะอาชีพ", "No job skills"),
            ("มีทักษะแรงงานทั่วไป", "General labour skills only"),
            ("มีทักษะอาชีพหนึ่งอย่าง", "One trade or skill"),
            ("มีทักษะอาชีพหลายอย่างหรือเชี่ยวชาญ", "Several skills or a specialist trade"),
        ],
        "low_reason_th": "คนในบ้านยังไม่มีทักษะอาชีพที่หารายได้ได้มั่นคง",
        "low_reason_en": "Nobody in the household has a skill that brings a steady income",
    },
    {
        "code": "H4", "capital": "human",
        "text_th": "สัดส่วนคนที่ทำงานได้ต่อคนที่ต้องพึ่งพิง (เด็ก ผู้สูงอายุ ผู้พิการ)",
        "text_en": "Members able to work compared with dependants (children, elderly, disabled)",
        "options": [
            ("ไม่มีคนทำงานได้", "Nobody able to work"),
            ("คนทำงานได้น้อยกว่าคนพึ่งพิง", "Fewer workers than dependants"),
            ("คนทำงานได้เท่ากับคนพึ่งพิง", "As many workers as dependants"),
            ("คนทำงานได้มากกว่าคนพึ่งพิง", "More workers than dependants"),
        ],
        "low_reason_th": "คนที่ทำงานได้มีน้อย แต่ต้องเลี้ยงดูเด็ก ผู้สูงอายุ หรือผู้พิการหลายคน",
        "low_reason_en": "Few people can work but many children, elderly or disabled depend on them",
    },
    # ---- physical ----
    {
        "code": "P1", "capital": "physical",
        "text_th": "สภาพบ้านที่อยู่อาศัย",
        "text_en": "Condition of the house",
        "options": [
            ("ทรุดโทรม ไม่ปลอดภัย", "Run-down and unsafe"),
            ("ต้องซ่อมแซมมาก", "Needs major repair"),
            ("ซ่อมแซมเล็กน้อย", "Needs minor repair"),
            ("มั่นคงแข็งแรง", "Sound and durable"),
        ],
        "low_reason_th": "บ้านทรุดโทรม ต้องซ่อมแซม ไม่ปลอดภัยพอ",
        "low_reason_en": "The house is run-down and needs repair to be safe",
    },
    {
        "code": "P2", "capital": "physical",
        "text_th": "ความมั่นคงในที่ดินที่อยู่อาศัย",
        "text_en": "Security of the land the house stands on",
        "options": [
            ("อาศัยผู้อื่นหรือบุกรุก", "Lives on others' land or without right"),
            ("เช่า", "Rented"),
            ("ที่ดินของญาติ ไม่มีเอกสาร", "Relatives' land, no papers"),
            ("มีเอกสารสิทธิ์ของตนเอง", "Own land with title"),
        ],
        "low_reason_th": "ไม่มีที่ดินที่อยู่อาศัยเป็นของตนเอง อาจต้องย้ายออกได้",
        "low_reason_en": "The household does not own the land it lives on and could be made to leave",
    },
    {
        "code": "P3", "capital": "physical",
        "text_th": "เครื่องมือและอุปกรณ์ในการประกอบอาชีพ",
        "text_en": "Tools and equipment for making a living",
        "options": [
            ("ไม่มีเลย", "None"),
            ("มีน้อย ต้องยืมหรือเช่า", "Few, must borrow or rent"),
            ("มีพอใช้", "Enough"),
            ("มีครบและดี", "Complete and in good order"),
        ],
        "low_reason_th": "ขาดเครื่องมือทำกิน ต้องยืมหรือเช่า",
        "low_reason_en": "The household lacks tools to work with and must borrow or rent them",
    },
    {
        "code": "P4", "capital": "physical",
        "text_th": "การเข้าถึงน้ำใช้ ไฟฟ้า และการเดินทาง",
        "text_en": "Access to water, electricity and transport",
        "options": [
            ("ขาดหลายอย่าง", "Lacks several"),
            ("ขาดหนึ่งอย่าง", "Lacks one"),
            ("มีครบแต่ไม่สม่ำเสมอ", "Has all, but not reliably"),
            ("มีครบและสม่ำเสมอ", "Has all, reliably"),
        ],
        "low_reason_th": "น้ำ ไฟฟ้า หรือการเดินทางยังไม่สะดวก",
        "low_reason_en": "Water, electricity or transport is missing or unreliable",
    },
    {
        "code": "P5", "capital": "physical",
        "text_th": "การเข้าถึงข่าวสารและบริการของรัฐ",
        "text_en": "Access to government news and services",
        "options": [
            ("ไม่รู้และเข้าไม่ถึง", "Does not know of them, cannot reach them"),
            ("รู้บ้างแต่เข้าถึงยาก", "Knows a little, hard to reach"),
            ("เข้าถึงได้บางบริการ", "Reaches some services"),
            ("รู้และเข้าถึงได้ดี", "Knows of them and reaches them well"),
        ],
        "low_reason_th": "ไม่ค่อยรู้ข่าวสารหรือสิทธิ์จากรัฐ และไปใช้บริการได้ยาก",
        "low_reason_en": "The household rarely hears of government help and finds services hard to reach",
    },
    # ---- financial ----
    {
        "code": "F1", "capital": "financial",
        "text_th": "รายได้เทียบกับรายจ่ายของครัวเรือน",
        "text_en": "Income compared with spending",
        "options": [
            ("ไม่พอใช้ ต้องกู้ยืมเป็นประจำ", "Not enough, borrows regularly"),
            ("ไม่พอใช้บางเดือน", "Not enough in some months"),
            ("พอใช้ ไม่เหลือเก็บ", "Enough, nothing left over"),
            ("พอใช้และเหลือเก็บ", "Enough, with some left over"),
        ],
        "low_reason_th": "รายได้ไม่พอกับรายจ่ายในแต่ละเดือน",
        "low_reason_en": "The household's income does not cover its monthly spending",
    },
    {
        "code": "F2", "capital": "financial",
        "text_th": "ภาระหนี้สินของครัวเรือน",
        "text_en": "Debt burden",
        "options": [
            ("มีหนี้นอกระบบ ผ่อนไม่ไหว", "Informal debt it cannot repay"),
            ("มีหนี้มาก ผ่อนได้ลำบาก", "Heavy debt, hard to repay"),
            ("มีหนี้ ผ่อนได้", "Some debt, repayable"),
            ("ไม่มีหนี้", "No debt"),
        ],
        "low_reason_th": "มีหนี้มากจนผ่อนได้ลำบาก หรือมีหนี้นอกระบบ",
        "low_reason_en": "Debts are heavy or owed to informal lenders and hard to repay",
    },
    {
        "code": "F3", "capital": "financial",
        "text_th": "การออมเงิน",
        "text_en": "Savings",
        "options": [
            ("ไม่มีเงินออม", "No savings"),
            ("ออมได้บางครั้ง", "Saves now and then"),
            ("ออมได้สม่ำเสมอเล็กน้อย", "Saves a little regularly"),
            ("ออมสม่ำเสมอและมีเงินสำรอง", "Saves regularly and has a reserve"),
        ],
        "low_reason_th": "ไม่มีเงินเก็บไว้ใช้ยามฉุกเฉิน",
        "low_reason_en": "There is no money put aside for emergencies",
    },
    {
        "code": "F4", "capital": "financial",
        "text_th": "ความมั่นคงของแหล่งรายได้",
        "text_en": "How steady the income is",
        "options": [
            ("ไม่มีรายได้ประจำ", "No regular income"),
            ("รายได้ไม่แน่นอน ตามฤดูกาล", "Irregular or seasonal income"),
            ("มีรายได้ประจำหนึ่งทาง", "One regular income"),
            ("มีรายได้ประจำหลายทาง", "Several regular incomes"),
        ],
        "low_reason_th": "รายได้ไม่แน่นอน ขึ้นอยู่กับฤดูกาลหรืองานรับจ้างเป็นครั้งคราว",
        "low_reason_en": "Income is irregular, depending on the season or occasional day work",
    },
    # ---- natural ----
    {
        "code": "N1", "capital": "natural",
        "text_th": "ที่ดินทำกิน",
        "text_en": "Land to farm or work",
        "options": [
            ("ไม่มีที่ดินทำกิน", "No land to work"),
            ("เช่าหรืออาศัยผู้อื่น", "Rented or borrowed land"),
            ("มีของตนเองแต่ไม่พอ", "Own land, not enough"),
            ("มีของตนเองเพียงพอ", "Own land, enough"),
        ],
        "low_reason_th": "ไม่มีที่ดินทำกินของตนเอง หรือมีไม่พอ",
        "low_reason_en": "The household has no land of its own to work, or too little",
    },
    {
        "code": "N2", "capital": "natural",
        "text_th": "น้ำเพื่อการเกษตรหรือการประกอบอาชีพ",
        "text_en": "Water for farming or work",
        "options": [
            ("ไม่มี", "None"),
            ("อาศัยน้ำฝนอย่างเดียว", "Rain only"),
            ("มีแหล่งน้ำแต่ไม่พอทั้งปี", "A source, not enough all year"),
            ("มีพอทั้งปี", "Enough all year"),
        ],
        "low_reason_th": "ขาดน้ำทำการเกษตรหรือทำอาชีพ ต้องรอน้ำฝน",
        "low_reason_en": "There is not enough water to farm or work; the household waits for rain",
    },
    {
        "code": "N3", "capital": "natural",
        "text_th": "ผลกระทบจากภัยธรรมชาติ (น้ำท่วม ภัยแล้ง) ในรอบปี",
        "text_en": "Harm from natural disasters (flood, drought) in the past year",
        "options": [
            ("เสียหายหนัก", "Severe losses"),
            ("เสียหายปานกลาง", "Moderate losses"),
            ("เสียหายเล็กน้อย", "Small losses"),
            ("ไม่ได้รับผลกระทบ", "No harm"),
        ],
        "low_reason_th": "ได้รับความเสียหายจากน้ำท่วมหรือภัยแล้ง",
        "low_reason_en": "Floods or drought caused the household losses",
    },
    {
        "code": "N4", "capital": "natural",
        "text_th": "การใช้ประโยชน์จากทรัพยากรในชุมชน (ป่า แหล่งน้ำ อาหารธรรมชาติ)",
        "text_en": "Use of community resources (forest, water, wild food)",
        "options": [
            ("ไม่มีหรือใช้ไม่ได้", "None, or cannot use them"),
            ("ใช้ได้น้อย", "Little use"),
            ("ใช้ได้พอสมควร", "Fair use"),
            ("ใช้ได้มาก ช่วยลดรายจ่าย", "Much use; it cuts spending"),
        ],
        "low_reason_th": "หาอาหารหรือของใช้จากธรรมชาติในชุมชนได้น้อย",
        "low_reason_en": "The household can get little food or materials from nature nearby",
    },
    # ---- social ----
    {
        "code": "S1", "capital": "social",
        "text_th": "การเป็นสมาชิกกลุ่มในชุมชน (กองทุน กลุ่มอาชีพ สหกรณ์)",
        "text_en": "Membership of community groups (funds, occupation groups, cooperatives)",
        "options": [
            ("ไม่เป็นสมาชิกกลุ่มใด", "Member of no group"),
            ("เป็นสมาชิกหนึ่งกลุ่ม", "Member of one group"),
            ("เป็นสมาชิกหลายกลุ่ม", "Member of several groups"),
            ("เป็นกรรมการหรือแกนนำกลุ่ม", "Committee member or group leader"),
        ],
        "low_reason_th": "ไม่ได้เป็นสมาชิกกลุ่มในชุมชน จึงได้รับความช่วยเหลือจากกลุ่มน้อย",
        "low_reason_en": "The household belongs to no community group, so gets little help from them",
    },
    {
        "code": "S2", "capital": "social",
        "text_th": "การมีส่วนร่วมในกิจกรรมและการประชุมของชุมชน",
        "text_en": "Taking part in community activities and meetings",
        "options": [
            ("ไม่เคยเข้าร่วม", "Never"),
            ("เข้าร่วมบางครั้ง", "Sometimes"),
            ("เข้าร่วมเป็นประจำ", "Regularly"),
            ("เป็นผู้จัดหรือเสนอความคิดเห็น", "Organises or speaks up"),
        ],
        "low_reason_th": "ไม่ค่อยได้เข้าร่วมประชุมหรือกิจกรรมของหมู่บ้าน",
        "low_reason_en": "The household seldom takes part in village meetings or activities",
    },
    {
        "code": "S3", "capital": "social",
        "text_th": "มีคนหรือเครือข่ายที่พึ่งพาได้ยามเดือดร้อน",
        "text_en": "People or networks to turn to in trouble",
        "options": [
            ("ไม่มีใครพึ่งได้", "Nobody to turn to"),
            ("มีญาติพึ่งได้บ้าง", "Some help from relatives"),
            ("มีญาติและเพื่อนบ้านช่วยเหลือ", "Relatives and neighbours help"),
            ("มีเครือข่ายและหน่วยงานช่วยเหลือ", "Networks and agencies help"),
        ],
        "low_reason_th": "ยามเดือดร้อนไม่มีใครให้พึ่งพา",
        "low_reason_en": "In hard times there is nobody the household can rely on",
    },
    {
        "code": "S4", "capital": "social",
        "text_th": "การรู้และปฏิบัติตามกติกาหรือข้อตกลงของชุมชน",
        "text_en": "Knowing and following the community's rules and agreements",
        "options": [
            ("ไม่รู้เลย", "Does not know them"),
            ("รู้บ้าง", "Knows some"),
            ("รู้และปฏิบัติ", "Knows and follows them"),
            ("ร่วมกำหนดกติกา", "Helps make them"),
        ],
        "low_reason_th": "ยังไม่รู้จักกติกาและข้อตกลงของชุมชน",
        "low_reason_en": "The household does not yet know the community's rules and agreements",
    },
]  # fmt: skip

DIMENSIONS = ("health", "living", "education", "income", "access")

DIMENSION_NAMES = {
    "health": ("สุขภาพ", "Health"),
    "living": ("ความเป็นอยู่", "Living standard"),
    "education": ("การศึกษา", "Education"),
    "income": ("รายได้", "Income"),
    "access": ("การเข้าถึงบริการรัฐ", "Access to public services"),
}

# TPMAP's 17 basic-needs (จปฐ.) indicators behind its five dimensions (DOMAIN.md §1.2).
# scope "household": asked once for the household. scope "member": asked per member for whom it
# applies — by age (min_age/max_age, in whole years at the survey date, inclusive) and, for
# indicator 28, only for members recorded with a disability. `derived`: not asked, computed from
# the household accounts (indicator 22: income per person per year against the rule set's
# threshold).
BASIC_NEEDS_INDICATORS = [
    {"code": "bmn01", "number": 1, "dimension": "health", "scope": "member",
     "min_age": 0, "max_age": 0, "condition": "",
     "text_th": "เด็กแรกเกิดมีน้ำหนัก 2,500 กรัมขึ้นไป",
     "text_en": "Newborn weighed at least 2,500 g at birth",
     "fail_reason_th": "มีเด็กเล็กที่น้ำหนักแรกเกิดน้อย",
     "fail_reason_en": "A young child was born underweight"},
    {"code": "bmn04", "number": 4, "dimension": "health", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "ครัวเรือนกินอาหารถูกสุขลักษณะ ปลอดภัย และได้มาตรฐาน",
     "text_en": "The household eats hygienic, safe food",
     "fail_reason_th": "อาหารที่กินยังไม่สะอาดหรือไม่ปลอดภัยพอ",
     "fail_reason_en": "The food eaten is not clean or safe enough"},
    {"code": "bmn05", "number": 5, "dimension": "health", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "ครัวเรือนมีการใช้ยาเพื่อบำบัด บรรเทาอาการเจ็บป่วยเบื้องต้นอย่างเหมาะสม",
     "text_en": "The household uses medicines appropriately for minor illness",
     "fail_reason_th": "ใช้ยารักษาอาการเจ็บป่วยเบื้องต้นไม่ถูกต้อง",
     "fail_reason_en": "Medicines for minor illness are not used correctly"},
    {"code": "bmn07", "number": 7, "dimension": "health", "scope": "member",
     "min_age": 6, "max_age": None, "condition": "",
     "text_th": "ออกกำลังกายอย่างน้อยสัปดาห์ละ 3 วัน วันละ 30 นาที",
     "text_en": "Exercises at least 3 days a week, 30 minutes a day",
     "fail_reason_th": "มีคนในบ้านที่ไม่ค่อยได้ออกกำลังกาย",
     "fail_reason_en": "Someone in the household hardly exercises"},
    {"code": "bmn08", "number": 8, "dimension": "living", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "ครัวเรือนมีความมั่นคงในที่อยู่อาศัย และบ้านมีสภาพคงทนถาวร",
     "text_en": "The household has secure housing in durable condition",
     "fail_reason_th": "บ้านไม่มั่นคงหรือไม่คงทน",
     "fail_reason_en": "The house is not secure or not durable"},
    {"code": "bmn09", "number": 9, "dimension": "living", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "มีน้ำสะอาดสำหรับดื่มเพียงพอตลอดปี อย่างน้อยคนละ 5 ลิตรต่อวัน",
     "text_en": "Enough clean drinking water all year, at least 5 litres a person a day",
     "fail_reason_th": "น้ำดื่มสะอาดไม่พอตลอดปี",
     "fail_reason_en": "There is not enough clean drinking water all year"},
    {"code": "bmn10", "number": 10, "dimension": "living", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "มีน้ำใช้เพียงพอตลอดปี อย่างน้อยคนละ 45 ลิตรต่อวัน",
     "text_en": "Enough water for household use all year, at least 45 litres a person a day",
     "fail_reason_th": "น้ำใช้ในบ้านไม่พอตลอดปี",
     "fail_reason_en": "There is not enough water for the home all year"},
    {"code": "bmn11", "number": 11, "dimension": "living", "scope": "household",
     "min_age": None, "max_age": None, "condition": "",
     "text_th": "บ้านเรือนเป็นระเบียบเรียบร้อย สะอาด และถูกสุขลักษณะ",
     "text_en": "The home is tidy, clean and hygienic",
     "fail_reason_th": "บ้านยังไม่สะอาดหรือไม่ถูกสุขลักษณะ",
     "fail_reason_en": "The home is not clean or hygienic enough"},
    {"code": "bmn15", "number": 15, "dimension": "education", "scope": "member",
     "min_age": 3, "max_age": 5, "condition": "",
     "text_th": "เด็กอายุ 3-5 ปี ได้รับบริการเลี้ยงดูเตรียมความพร้อมก่อนวัยเรียน",
     "text_en": "Child aged 3–5 attends pre-school care",
     "fail_reason_th": "มีเด็กเล็กที่ยังไม่ได้เข้าศูนย์เด็กเล็กหรืออนุบาล",
     "fail_reason_en": "A young child is not in pre-school care"},
    {"code": "bmn16", "number": 16, "dimension": "education", "scope": "member",
     "min_age": 6, "max_age": 14, "condition": "",
     "text_th": "เด็กอายุ 6-14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี",
     "text_en": "Child aged 6–14 attends compulsory school",
     "fail_reason_th": "มีเด็กวัยเรียนที่ไม่ได้ไปโรงเรียน",
     "fail_reason_en": "A school-age child is not in school"},
    {"code": "bmn17", "number": 17, "dimension": "education", "scope": "member",
     "min_age": 15, "max_age": 17, "condition": "",
     "text_th": "เด็กจบชั้น ม.3 ได้เรียนต่อชั้น ม.4 หรือเทียบเท่า",
     "text_en": "Youth who finished lower secondary goes on to upper secondary or equivalent",
     "fail_reason_th": "มีเด็กจบ ม.3 แล้วไม่ได้เรียนต่อ",
     "fail_reason_en": "A young person stopped school after lower secondary"},
    {"code": "bmn19", "number": 19, "dimension": "education", "scope": "member",
     "min_age": 15, "max_age": 59, "condition": "",
     "text_th": "อ่าน เขียนภาษาไทย และคิดเลขอย่างง่ายได้",
     "text_en": "Can read and write Thai and do simple arithmetic",
     "fail_reason_th": "มีคนวัยทำงานที่อ่านเขียนหรือคิดเลขไม่ได้",
     "fail_reason_en": "A working-age member cannot read, write or do simple sums"},
    {"code": "bmn20", "number": 20, "dimension": "income", "scope": "member",
     "min_age": 15, "max_age": 59, "condition": "",
     "text_th": "คนอายุ 15-59 ปี มีอาชีพและรายได้",
     "text_en": "Person aged 15–59 has an occupation and income",
     "fail_reason_th": "มีคนวัยทำงานที่ไม่มีงานทำหรือไม่มีรายได้",
     "fail_reason_en": "A working-age member has no work or income"},
    {"code": "bmn21", "number": 21, "dimension": "income", "scope": "member",
     "min_age": 60, "max_age": None, "condition": "",
     "text_th": "คนอายุ 60 ปีขึ้นไป มีอาชีพและรายได้",
     "text_en": "Person aged 60 or over has an occupation and income",
     "fail_reason_th": "มีผู้สูงอายุที่ไม่มีรายได้",
     "fail_reason_en": "An older member has no income"},
    {"code": "bmn22", "number": 22, "dimension": "income", "scope": "household",
     "min_age": None, "max_age": None, "condition": "", "derived": True,
     "text_th": "รายได้เฉลี่ยของคนในครัวเรือนต่อปี (คำนวณจากบัญชีครัวเรือน)",
     "text_en": "Average income per person per year (computed from the household accounts)",
     "fail_reason_th": "รายได้เฉลี่ยต่อคนต่อปีต่ำกว่าเกณฑ์",
     "fail_reason_en": "Income per person per year is below the threshold"},
    {"code": "bmn27", "number": 27, "dimension": "access", "scope": "member",
     "min_age": 60, "max_age": None, "condition": "",
     "text_th": "ผู้สูงอายุได้รับการดูแลจากครอบครัว ชุมชน ภาครัฐ หรือภาคเอกชน",
     "text_en": "Older person is cared for by family, community, government or private bodies",
     "fail_reason_th": "มีผู้สูงอายุที่ยังไม่ได้รับการดูแล",
     "fail_reason_en": "An older member is not being cared for"},
    {"code": "bmn28", "number": 28, "dimension": "access", "scope": "member",
     "min_age": None, "max_age": None, "condition": "disability",
     "text_th": "ผู้พิการได้รับการดูแลจากครอบครัว ชุมชน ภาครัฐ หรือภาคเอกชน",
     "text_en": "Person with a disability is cared for by family, community, government or private bodies",
     "fail_reason_th": "มีผู้พิการที่ยังไม่ได้รับการดูแล",
     "fail_reason_en": "A member with a disability is not being cared for"},
]  # fmt: skip

# The default classification rule set (DOMAIN.md §2.3, DESIGN.md §2): equal bands on the 1–4 mean.
RULE_SET_VERSION = "1"
RULE_SET_NOTE = (
    "Default bands: 1.00–1.74 in hardship, 1.75–2.49 struggling, 2.50–3.24 getting by, "
    "3.25–4.00 doing well. All capital items count. Basic-needs indicator 22 passes at 38,000 "
    "baht per person per year (จปฐ. 2560–64)."
)
# Lowest overall score of each level above the first: struggling, getting by, doing well.
RULE_SET_CUT_POINTS = ("1.75", "2.50", "3.25")
RULE_SET_COUNTED_ITEMS: list[str] = []  # empty: every capital item of the instrument counts
RULE_SET_INCOME_THRESHOLD = "38000"  # baht per person per year, indicator 22
RULE_SET_LOW_ITEM_MAX_SCORE = 2  # an item scored at or below this can pull the score down
RULE_SET_LOW_ITEM_LIMIT = 5  # at most this many items are named as reasons
