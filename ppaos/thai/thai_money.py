"""An amount of baht in Thai words, as official documents write it beside the figures
(125,000 → "หนึ่งแสนสองหมื่นห้าพันบาทถ้วน"; 1,250.50 → "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์")."""

from decimal import ROUND_HALF_UP, Decimal

_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _below_million(number: int, *, after_million: bool = False) -> str:
    words = []
    digits = str(number)
    length = len(digits)
    for index, char in enumerate(digits):
        digit, place = int(char), length - index - 1
        if digit == 0:
            continue
        if place == 0 and digit == 1 and (length > 1 or after_million):
            words.append("เอ็ด")
        elif place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def _number_words(number: int) -> str:
    if number == 0:
        return "ศูนย์"
    millions, rest = divmod(number, 1_000_000)
    words = ""
    if millions:
        words = _number_words(millions) + "ล้าน"
    return words + (_below_million(rest, after_million=bool(millions)) if rest else "")


def baht_text(amount) -> str:
    """`amount` (baht, not negative) in Thai words, satang rounded half up."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("baht_text takes an amount that is not negative")
    baht, satang = divmod(int(value * 100), 100)
    if satang == 0:
        return _number_words(baht) + "บาทถ้วน"
    words = _number_words(baht) + "บาท" if baht else ""
    return words + _number_words(satang) + "สตางค์"
