"""Realistic (not official) village names for the demo province, made from common Isan parts.

Mukdahan has 493 villages (หมู่บ้าน) in 53 subdistricts (pdc.go.th); the official village list is
not in an open package, so the demo invents names of the shapes the province really uses.
"""

import random

FIRST_PARTS = [
    ("โนน", "Non"), ("หนอง", "Nong"), ("ดอน", "Don"), ("นา", "Na"), ("โคก", "Khok"),
    ("ห้วย", "Huai"), ("คำ", "Kham"), ("ป่า", "Pa"), ("บุ่ง", "Bung"), ("ท่า", "Tha"),
    ("โพน", "Phon"), ("นาหว้า", "Na Wa"), ("ภู", "Phu"), ("วัง", "Wang"), ("แก่ง", "Kaeng"),
]  # fmt: skip
SECOND_PARTS = [
    ("สูง", "Sung"), ("ใหญ่", "Yai"), ("น้อย", "Noi"), ("แดง", "Daeng"), ("ยาง", "Yang"),
    ("ไผ่", "Phai"), ("สะอาด", "Sa-at"), ("ตาล", "Tan"), ("หลวง", "Luang"), ("ม่วง", "Muang"),
    ("บก", "Bok"), ("ทราย", "Sai"), ("จิก", "Chik"), ("แก", "Kae"), ("สว่าง", "Sawang"),
    ("เจริญ", "Charoen"), ("งาม", "Ngam"), ("ทอง", "Thong"), ("ศรี", "Si"), ("ขาม", "Kham"),
]  # fmt: skip

# Villages per district: Mueang (149) and Dong Luang (57) are published; the other districts
# share the remaining 287 of the province's 493 roughly by their number of subdistricts.
VILLAGES_PER_DISTRICT = {
    "4901": 149, "4902": 59, "4903": 57, "4904": 57, "4905": 76, "4906": 42, "4907": 53,
}  # fmt: skip


def split_total(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` into `parts` positive counts that vary like real subdistricts do."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def village_name(rng: random.Random, used: set[str]) -> tuple[str, str]:
    """A fresh 'บ้าน…' name within one subdistrict (names repeat across subdistricts, as real
    ones do)."""
    for _ in range(100):
        (th1, en1), (th2, en2) = rng.choice(FIRST_PARTS), rng.choice(SECOND_PARTS)
        name_th = f"บ้าน{th1}{th2}"
        if name_th not in used:
            used.add(name_th)
            return name_th, f"Ban {en1} {en2}"
    suffix = len(used) + 1
    return f"บ้านใหม่ {suffix}", f"Ban Mai {suffix}"
