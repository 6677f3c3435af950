"""Turn the text of raw export cells into exact values (DATA_CONTRACT.md §0.4–0.5).

Every parser takes a pandas Series of strings as read from the file and returns a Series of
parsed values plus, where a value can be *wrong* rather than missing, a boolean Series
marking the cells that could not be trusted. Missing markers (``-``, ``--``, ``暂无`` …)
become NA, never 0. Money stays exact: it is returned as canonical decimal text
(``"1234.50"``) that DuckDB casts to DECIMAL(18,2), never as float.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

MISSING = frozenset({
    "", "-", "--", "—", "/", "暂无", "N/A", "n/a", "NA", "#VALUE!", "#N/A", "null", "None", "nan",
})

_HEADER_FOLD = str.maketrans(
    {"（": "(", "）": ")", "：": ":", "\u3000": " ", "\xa0": " ", "\ufeff": ""}
)


def normalize_header(raw: object) -> str:
    """
    Normalize one raw header cell for alias lookup.

    Strips BOM and surrounding spaces, folds full-width brackets and colons to half-width,
    and removes internal spaces: ``" 首次响应时长（秒)"`` -> ``"首次响应时长(秒)"``.
    """
    text = "" if raw is None else str(raw)
    return "".join(text.translate(_HEADER_FOLD).split())


def text(values: pd.Series) -> pd.Series:
    """Strip cells, normalize odd spaces, and turn missing markers into NA (string dtype)."""
    s = values.astype("string[pyarrow]").str.replace("[\u3000\xa0]", " ", regex=True).str.strip()
    return s.mask(s.isin(MISSING))


def parse_id(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Parse identifiers (order numbers, item ids, phones) as exact strings.

    Strips Excel protection ``="…"``, a leading apostrophe, an ``ID:``/``ID：`` prefix and a
    trailing ``.00``/``.0``. Scientific notation (``1.23457E+18``) means an Excel re-save lost
    digits: such cells are returned as NA and flagged bad.

    Returns
    -------
    (Series, Series)
        The ids (string dtype, NA when missing) and a bool mask of untrustworthy cells.
    """
    s = text(values)
    # One pass of plain (Arrow-native) patterns: no back-references, no flags.
    s = s.str.replace(r'^="?|"$|^\'|^[Ii][Dd][:：][ \t]*|\.0+$', "", regex=True).str.strip()
    bad = s.str.contains(r"^[0-9.]+[eE][+-]?[0-9]+$", regex=True).fillna(False)
    s = s.mask(s.isin(MISSING) | bad)
    return s, bad.astype(bool)


# Pattern texts, not compiled patterns, and explicit whitespace instead of \s: pandas runs
# such patterns in Arrow (RE2) and falls back to a Python loop per cell otherwise. Cells reach
# them through text(), which has turned full-width and no-break spaces into plain ones.
_SPACE = r"[ \t\r\n\f\v]"
_NON_SPACE = r"[^ \t\r\n\f\v]"
_MONEY_STRIP = r"[¥￥,，元 \t\r\n\f\v]"
_DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_WIDE_NUMBER = "[\uff10-\uff19\uff0e\uff0c\uff0d\uff0b]"
"""Full-width digits and signs (typed by hand in an IME): folded to ASCII before parsing."""


def _scaled_units(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split ``1.5万`` / ``2.3亿`` into the number text and its multiplier (1, 1e4, 1e8)."""
    scale = pd.Series(1, index=s.index, dtype="int64")
    wan = s.str.endswith("万").fillna(False)
    yi = s.str.endswith("亿").fillna(False)
    scale = scale.mask(wan, 10_000).mask(yi, 100_000_000)
    stripped = s.str.replace(r"[万亿]$", "", regex=True)
    return stripped, scale


def parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Parse yuan amounts exactly: ``"¥1,234.50"``, ``"123.45元"``, ``"1.5万"`` -> ``"1234.50"``.

    Returns
    -------
    (Series, Series)
        Canonical decimal text with 2 decimals (string dtype; NA when missing) and a mask of
        cells that are present but not a number (e.g. ``"无退款申请"`` is *not* flagged: it is
        the platform's placeholder for "no refund" and becomes NA).
    """
    s = text(values)
    wide = s.str.contains(_WIDE_NUMBER, regex=True).fillna(False).astype(bool)
    if wide.any():
        s = s.mask(wide, s[wide].map(lambda v: unicodedata.normalize("NFKC", v)))
    s = s.str.replace(_MONEY_STRIP, "", regex=True)
    s = s.mask(s.isin({"无退款申请", "无"}) | s.isin(MISSING))
    number, scale = _scaled_units(s)
    ok = number.str.match(_DECIMAL).fillna(False)
    bad = s.notna() & ~ok
    number = number.where(ok)
    plain = number.where(scale == 1)
    # Fast paths for the shapes exports use ("12.30", "12", "12.3"); Decimal for the rest.
    two = plain.str.fullmatch(r"-?\d+\.\d\d").fillna(False).astype(bool)
    whole = plain.str.fullmatch(r"-?\d+").fillna(False).astype(bool)
    one = plain.str.fullmatch(r"-?\d+\.\d").fillna(False).astype(bool)
    out = plain.where(two)
    out = out.fillna((plain + ".00").where(whole)).fillna((plain + "0").where(one))
    rest = plain.notna() & ~(two | whole | one)
    if rest.any():
        out = out.fillna(plain.where(rest).map(_to_cents_text, na_action="ignore"))
    scaled = number.where(scale != 1)
    if scaled.notna().any():
        from decimal import Decimal

        scaled_text = pd.Series(
            [
                None if pd.isna(v) else _to_cents_text(str(Decimal(v) * int(k)))
                for v, k in zip(scaled, scale, strict=True)
            ],
            index=s.index,
            dtype="string",
        )
        out = out.fillna(scaled_text)
    return out.astype("string"), bad.astype(bool)


def _to_cents_text(number: str) -> str:
    """Round a decimal string half-up to 2 places: ``"12.345"`` -> ``"12.35"``."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(number).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse counts: ``"1,234"``, ``"12人"``, ``"3件"``, ``"1.5万"`` -> Int64 (NA when missing)."""
    s = text(values).str.replace(r"[,， \t\r\n\f\v人件个次笔单]", "", regex=True)
    s = s.mask(s.isin(MISSING))
    number, scale = _scaled_units(s)
    as_float = pd.to_numeric(number, errors="coerce").astype("float64")
    value = as_float * scale
    fractional = (scale == 1) & as_float.notna() & (as_float % 1 != 0)
    too_big = value.abs() >= 2**63
    bad = (s.notna() & as_float.isna()) | fractional.fillna(False) | too_big.fillna(False)
    result = value.where(~bad).round()
    return result.astype("Int64"), bad.astype(bool)


def parse_float(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse plain numbers and durations: ``"18秒"``, ``"3.2"`` -> Float64."""
    s = text(values).str.replace(r"[,， \t\r\n\f\v秒]", "", regex=True)
    s = s.mask(s.isin(MISSING))
    number, scale = _scaled_units(s)
    as_float = pd.to_numeric(number, errors="coerce")
    bad = s.notna() & as_float.isna()
    return (as_float * scale).astype("Float64"), bad.astype(bool)


def parse_ratio(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Parse rates to fractions: ``"3.52%"`` -> 0.0352; a bare ``"0.0352"`` stays 0.0352.

    A bare number above 1 for a ratio is flagged bad (the column was probably percent
    without the sign); the caller decides whether that refuses the row or the column.
    """
    s = text(values).str.replace(r"[,， \t\r\n\f\v]", "", regex=True)
    s = s.mask(s.isin(MISSING))
    pct = s.str.endswith("%").fillna(False)
    number = pd.to_numeric(s.str.rstrip("%"), errors="coerce").astype("Float64")
    ratio = number.where(~pct, number / 100)
    bad = (s.notna() & number.isna()) | (~pct & (number > 1)).fillna(False)
    return ratio.where(~bad).astype("Float64"), bad.astype(bool)


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Parse times as naive Asia/Shanghai timestamps.

    Accepts ``YYYY-MM-DD HH:MM:SS``, ``YYYY/M/D H:MM`` (Excel re-save), ``YYYY-MM-DD``,
    ``YYYYMMDD`` and Excel serial numbers (days since 1899-12-30).
    """
    s = text(values)
    out = pd.to_datetime(s, format="%Y-%m-%d %H:%M:%S", errors="coerce").astype("datetime64[ns]")
    rest = s.notna() & out.isna()
    if rest.any():
        r = s[rest]
        serial = pd.to_numeric(r, errors="coerce")
        is_compact = r.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
        is_serial = (serial.between(1, 2_958_465).fillna(False) & ~is_compact).astype(bool)
        from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.where(is_serial), unit="D")
        compact = pd.to_datetime(r.where(is_compact), format="%Y%m%d", errors="coerce")
        mixed = pd.to_datetime(
            r.where(~is_serial).str.replace("/", "-", regex=False), format="mixed",
            errors="coerce",
        )
        filled = from_serial.where(is_serial).fillna(compact).fillna(mixed)
        out.loc[rest] = filled.astype("datetime64[ns]").dt.round("s")
    bad = s.notna() & out.isna()
    return out, bad.astype(bool)


def parse_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates (``2026-11-26``, ``20261126``, Excel serial) to datetime64 at midnight."""
    s = text(values)
    ranged = s.str.contains(r"~|至", regex=True).fillna(False)
    parsed, bad = parse_datetime(s.where(~ranged))
    return parsed.dt.normalize(), (bad | ranged).fillna(False).astype(bool)


def parse_bool(values: pd.Series) -> pd.Series:
    """Parse ``是/否``, ``Y/N``, ``true/false``, ``1/0`` to a nullable boolean."""
    s = text(values).str.lower()
    mapping = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False,
               "true": True, "false": False, "1": True, "0": False, "手机订单": True}
    return s.map(mapping).astype("boolean")


ORDER_STATUS = {
    "等待买家付款": "pending_payment",
    "买家已付款,等待卖家发货": "paid",
    "卖家已发货,等待买家确认": "shipped",
    "交易成功": "completed",
    "交易关闭": "closed",
    "卖家部分发货": "partial_shipped",
    "买家已签收(货到付款)": "signed",
    "买家已签收": "signed",
    "付款确认中": "pay_pending",
}


def map_order_status(values: pd.Series) -> pd.Series:
    """Map 订单状态 texts (half- or full-width commas) to canonical codes; unknown -> 'other'."""
    s = text(values)

    def code(raw: str) -> str:
        key = raw.replace("，", ",").replace("（", "(").replace("）", ")").replace(" ", "")
        return ORDER_STATUS.get(key, "other")

    return map_uniques(s, code)


# Province names as they appear in addresses -> official short name (简称 of the region).
_PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市",
    "河北": "河北省", "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省",
    "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省",
    "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省",
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}
PROVINCE_SHORT_NAMES = tuple(_PROVINCES)
_PROVINCE_FORMS = {**{full: short for short, full in _PROVINCES.items()},
                   **{short: short for short in _PROVINCES}}


def split_region(address: pd.Series) -> tuple[pd.Series, pd.Series]:
    """
    Cut an address to (province, city); the rest of the address is dropped (personal data).

    Province is the official short name (``浙江``, ``内蒙古``, ``上海``) whether the export wrote
    ``浙江省 杭州市 …``, ``内蒙古自治区``, ``上海 上海市 ***`` or an address without spaces.
    City is the second space-separated part when present and not masked, else NA.
    """
    s = text(address)
    first = s.str.replace(_SPACE + ".*$", "", regex=True)
    has_second = s.str.contains(_SPACE, regex=True).fillna(False).astype(bool)
    second = (s.str.replace("^" + _NON_SPACE + "+" + _SPACE + "+", "", regex=True)
              .str.replace(_SPACE + ".*$", "", regex=True))
    province = map_uniques(first, _PROVINCE_FORMS.get)
    unresolved = s.notna() & province.isna()
    if unresolved.any():
        found = pd.Series(pd.NA, index=s.index, dtype="object")
        for short in sorted(PROVINCE_SHORT_NAMES, key=len, reverse=True):
            hit = unresolved & found.isna() & s.str.startswith(short).fillna(False)
            found = found.mask(hit, short)
        province = province.fillna(found)
    city = second.where(has_second & (second != "")).astype("string")
    city = city.mask(city.str.contains(r"\*", regex=True).fillna(False).astype(bool))
    return province.astype("string"), city.astype("string")


def map_uniques(values: pd.Series, func: Callable[[str], object], dtype: str = "string"
                ) -> pd.Series:
    """Apply ``func`` once per distinct non-missing value (exports repeat values a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = pd.array([func(u) for u in uniques] + [pd.NA], dtype=dtype)
    return pd.Series(mapped.take(codes), index=values.index, dtype=dtype)


def _masked(s: pd.Series) -> pd.Series:
    """Tell which cells were masked at source (two stars in a row: ``t**1``, ``138****1234``)."""
    return s.str.contains(r"\*\*", regex=True).fillna(False).astype(bool)


def _hmac_hex(key: bytes, material: str) -> str:
    return hmac.new(key, material.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def buyer_keys(nicks: pd.Series, salt: bytes) -> pd.Series:
    """
    Hash buyer nicknames with the store's secret (HMAC-SHA256, 32 hex chars).

    The nick is NFKC-normalized and stripped first, so a nick typed with full-width letters
    and digits and its half-width spelling are one buyer.
    Nicks masked at source (``t**1``, ``张**``: two stars in a row) are not identities and
    give NA; a lone ``*`` is an ordinary character.
    """
    s = text(nicks)
    s = s.mask(_masked(s))

    def key(nick: str) -> str:
        return _hmac_hex(salt, unicodedata.normalize("NFKC", nick))

    return map_uniques(s, key)


def normalize_person(names: pd.Series) -> pd.Series:
    """
    Normalize receiver names for matching: NFKC, stripped, inner spaces collapsed to one.

    Names masked at source (``张**``) give NA.
    """
    s = text(names)
    s = s.mask(_masked(s))
    return map_uniques(s, lambda v: " ".join(unicodedata.normalize("NFKC", v).split()) or None)


def normalize_mobile(phones: pd.Series) -> pd.Series:
    """
    Normalize mobile numbers to their digits: ``+86 138-1234-5678`` -> ``13812345678``.

    The leading apostrophe the exports add is dropped with every other non-digit; a ``86``
    country code in front of an 11-digit mobile is removed. Numbers masked at source
    (``138****5678``) and values with fewer than 7 digits give NA.
    """
    s = text(phones)
    s = s.mask(_masked(s))
    digits = s.str.replace(r"\D", "", regex=True)
    digits = digits.str.replace(r"^(?:00)?86(1\d{10})$", r"\1", regex=True)
    return digits.mask(digits.str.len().fillna(0) < 7)


_CONTACT_DOMAIN = b"storeops buyer_key contact v1"


def contact_keys(names: pd.Series, mobiles: pd.Series, salt: bytes) -> pd.Series:
    """
    Hash (收货人姓名, 联系手机) pairs with the store's secret, for buyers without a nickname.

    Both parts are normalized (``normalize_person``, ``normalize_mobile``); a row missing
    either gives NA. The material is ``contact:``, the name, U+001F and the digits, hashed
    under a key derived from the salt for contacts only, so a contact key can never equal a
    nick key (``buyer_keys``), whatever the nick.
    """
    name, mobile = normalize_person(names), normalize_mobile(mobiles)
    pair = ("contact:" + name + "\x1f" + mobile).astype("string")
    key = hmac.new(salt, _CONTACT_DOMAIN, hashlib.sha256).digest()
    return map_uniques(pair, lambda material: _hmac_hex(key, material))


def buyer_identity(frame: pd.DataFrame, salt: bytes) -> pd.Series | None:
    """
    Return each order's buyer key: the nick's when present, else the contact pair's, else NA.

    Parameters
    ----------
    frame : DataFrame
        Canonical order rows; ``buyer_nick``, ``receiver_name`` and ``receiver_mobile`` are
        used when present.
    salt : bytes
        The store's secret.

    Returns
    -------
    Series or None
        32-hex keys (string dtype, NA without an identity); None when the frame has neither a
        nick column nor both contact columns (the export carries no identity at all, so a
        stored key must not be overwritten).
    """
    has_nick = "buyer_nick" in frame
    has_contact = "receiver_name" in frame and "receiver_mobile" in frame
    if not (has_nick or has_contact):
        return None
    keys = pd.Series(pd.NA, index=frame.index, dtype="string")
    if has_nick:
        keys = buyer_keys(frame["buyer_nick"], salt)
    if has_contact and keys.isna().any():
        todo = keys.isna()
        keys = keys.mask(todo, contact_keys(frame.loc[todo, "receiver_name"],
                                            frame.loc[todo, "receiver_mobile"], salt)
                         .reindex(frame.index))
    return keys.astype("string")


def first_present(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Coalesce columns left to right (the first non-NA value of each row)."""
    out = pd.Series(pd.NA, index=frame.index, dtype="object")
    for col in columns:
        if col in frame:
            out = out.fillna(frame[col].astype("object"))
    return out


__all__ = [
    "MISSING", "ORDER_STATUS", "PROVINCE_SHORT_NAMES", "buyer_identity", "buyer_keys",
    "contact_keys", "first_present", "map_order_status", "normalize_header", "normalize_mobile",
    "normalize_person", "parse_bool", "parse_date", "parse_datetime",
    "parse_float", "parse_id", "parse_int", "parse_money", "parse_ratio", "split_region", "text",
]
_ = np  # numpy is the numeric backend of the parsers above
