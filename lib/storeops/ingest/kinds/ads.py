"""广告报表：万相台 / 关键词推广 / 人群推广 / 直通车 / 淘宝客 (DATA_CONTRACT.md §3, table §9.6).

Every kind feeds ``ad_reports``, whose key is (stat_date, channel, report_level, plan_id,
unit_key, entity_key, attribution_window_days). The rules that fill the key:

* ``plan_id`` is 计划ID, else the plan name (old 直通车 and 淘宝客 files carry only a name),
  else ``''``. ``unit_key`` is 单元名字 (§9.6), else 单元ID, else ``''``. ``entity_key`` is the
  entity of the report level (主体ID, the word, the crowd name, …), ``''`` at plan level.
  Key columns are never NULL: an absent level is ``''``.
* Keyword and crowd rows are one per (plan, unit, word/crowd, item), so when the file has an
  item id the entity key is ``<word>|<item id>``; a file whose rows cannot be told apart by
  plan (no 计划ID and no 计划名字) is refused as a whole.
* ``channel``: 关键词推广 / 人群推广 for those reports; for the 万相台 商品(主体)报表 it is taken
  from the scene name (a scene named …关键词推广… or …人群推广… is that channel, any other
  scene is 万相台); 直通车 for the old reports; 淘宝客 for the 淘宝联盟 export.
  Sum ``cost`` over channels within **one** ``report_level`` only: the item, keyword and crowd
  reports show the same spend cut three ways.
* ``attribution_window_days`` (§3.3) comes from ``--option window=N`` (N in 1/3/7/15/30, or
  当天), else from the file name (``15天``, ``30天累计数据``, ``当天`` → 1; ``近7天`` is a date
  range, not a window), else 15 — the platform default — and a warning says it was assumed.
  ``attribution_model`` is ``'last_click'`` (末次点击归因, the only model the reports state).
* ``roi``/``roi_net`` (投入产出比, 实际投产比, 净实际投产比) are plain numbers such as 3.21, not
  ratios in [0,1]; a cell that is not a number becomes NULL (the row is kept: ROI can be
  recomputed as gmv_total / cost). ``avg_rank`` (平均展现排名) is an impression-weighted
  average: weight it by impressions, never sum it.
* ``raw_row`` stays NULL: a post hook only sees the canonical columns, not the raw row.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from storeops.errors import ConfigError, MissingColumnsError
from storeops.ingest.aliases import Field, FileContext, KindSpec

logger = logging.getLogger(__name__)

WINDOWS = frozenset({1, 3, 7, 15, 30})
"""Attribution windows the back-ends offer (days): 当天, 3天, 7天, 15天 (default), 30天."""

DEFAULT_WINDOW = 15
ATTRIBUTION_MODEL = "last_click"  # 末次点击归因

# "15天" / "30天累计数据" / "当天" in a file name; "近7天" / "过去7天" name a date range instead.
_WINDOW_IN_NAME = re.compile(r"(?<![近去前])(?:(当天|当日)|(\d{1,2})天)")

# Columns of every ad report (§3.2; 直通车 spells 总收藏数, 万相台 收藏宝贝数).
METRICS: dict[str, Field] = {
    "impressions": Field("int", ("展现量",)),
    "clicks": Field("int", ("点击量",)),
    "cost": Field("money", ("花费",)),
    "ctr": Field("ratio", ("点击率",)),
    "cpc": Field("money", ("平均点击花费",)),
    "cpm": Field("money", ("千次展现花费",)),
    "gmv_total": Field("money", ("总成交金额",)),
    "orders_total": Field("int", ("总成交笔数",)),
    "gmv_direct": Field("money", ("直接成交金额",)),
    "orders_direct": Field("int", ("直接成交笔数",)),
    "gmv_indirect": Field("money", ("间接成交金额",)),
    "gmv_net": Field("money", ("净成交金额",)),
    "cart_total": Field("int", ("总购物车数",)),
    "fav_total": Field("int", ("收藏宝贝数", "总收藏数")),
    # plain numbers (3.21), parsed leniently in the post hook: see the module docstring
    "roi": Field("text", ("投入产出比", "实际投产比")),
    "roi_net": Field("text", ("净实际投产比",)),
    "cvr": Field("ratio", ("点击转化率",)),
}

# Known 万相台 columns with no canonical column in ad_reports (§3.2).
KNOWN_UNLOADED = (
    "间接成交笔数", "直接购物车数", "间接购物车数", "直接收藏宝贝数", "宝贝收藏加购数",
    "总收藏加购数", "净成交笔数", "直接净成交金额", "直接净成交笔数", "主体名称", "宝贝名称",
    "商品名称", "店铺收藏数",
)

# 阿里妈妈 identity columns (§3.2): note the spelling 计划名字 / 场景名字, not 计划名称.
ALIMAMA_IDENTITY: dict[str, Field] = {
    "stat_date": Field("date", ("日期",)),
    "scene_id": Field("id", ("场景ID",)),
    "scene_name": Field("text", ("场景名字", "场景名称")),
    "plan_id": Field("id", ("计划ID",)),
    "plan_name": Field("text", ("计划名字",)),
    "unit_name": Field("text", ("单元名字", "单元名称")),  # -> unit_key
    "unit_id": Field("id", ("单元ID",)),  # -> unit_key when there is no name
}

# Headers that only the newer 阿里妈妈 reports have (the old 直通车 reports never do).
ALIMAMA_MARKERS = ("场景ID", "场景名字", "计划名字", "单元名字", "主体ID", "主体类型")
# 关键词推广 writes one column 「词名字/词包名字」 (a word or a word pack, per 词类型).
WORD_HEADERS = ("词名字/词包名字", "词名字", "词包名字")
WORD_MARKERS = (*WORD_HEADERS, "词类型")
CROWD_MARKERS = ("人群名字", "人群名称")

# Intermediate canonical columns that are not ad_reports columns (dropped after use).
_INTERMEDIATE = ("unit_name", "unit_id", "subject_type", "item_name")


# ---------------------------------------------------------------- attribution window


def window_from_option(value: str) -> int:
    """
    Parse the operator's ``--option window=…``: ``15``, ``15天``, ``当天`` -> days.

    Raises
    ------
    ConfigError
        When the value is not one of the windows the platform offers.
    """
    text = value.strip()
    days = 1 if text in ("当天", "当日") else None
    if days is None:
        digits = text.removesuffix("天").strip()
        days = int(digits) if digits.isdigit() else None
    if days not in WINDOWS:
        raise ConfigError(
            f"--option window={value} 不是有效的归因窗口；可用的有 当天(1)、3、7、15、30（天），"
            "请按下载报表时选的「…天累计数据」填写"
        )
    return days


def window_from_name(name: str) -> int | None:
    """Return the attribution window written in a file name (``15天`` → 15), or None."""
    for match in _WINDOW_IN_NAME.finditer(name):
        days = 1 if match.group(1) else int(match.group(2))
        if days in WINDOWS:
            return days
    return None


def attribution_window(ctx: FileContext) -> int:
    """Return the file's attribution window: operator option, else file name, else 15."""
    if ctx.options.get("window"):
        return window_from_option(ctx.options["window"])
    days = window_from_name(ctx.name)
    if days is not None:
        return days
    _note(ctx, f"{ctx.name}：文件名和 --option window 都没有给出归因窗口，按平台默认 15 天累计"
               "数据导入；如下载时选的是其他窗口，请用 --option window=N 重新导入")
    return DEFAULT_WINDOW


def _note(ctx: FileContext, message: str) -> None:
    ctx.notes.append(message)


# ---------------------------------------------------------------- key and value helpers


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """Return a column as nullable text (all NA when the file lacks it)."""
    if name in frame:
        return frame[name].astype("string")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _coalesce(frame: pd.DataFrame, *names: str) -> pd.Series:
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name in names:
        out = out.fillna(_col(frame, name))
    return out


def lenient_number(values: pd.Series) -> pd.Series:
    """Parse ROI-like cells (``3.21``, ``1,234.5``) to Float64; anything else becomes NA."""
    text = values.astype("string").str.replace(r"[,，\s]", "", regex=True)
    return pd.to_numeric(text, errors="coerce").astype("Float64")


def _require_plan(frame: pd.DataFrame, ctx: FileContext) -> None:
    if "plan_id" not in frame and "plan_name" not in frame:
        raise MissingColumnsError(
            f"{ctx.name}：缺少 计划ID / 计划名字 列，同一个词或宝贝在不同计划的行无法区分；"
            "请重新下载报表并勾选计划维度"
        )


def _finish(frame: pd.DataFrame, ctx: FileContext, *, channel: str | pd.Series,
            level: str) -> pd.DataFrame:
    """Fill the key columns, the attribution and the numeric ROI; drop the intermediates."""
    derived = {
        "channel": channel,
        "report_level": level,
        "plan_id": _coalesce(frame, "plan_id", "plan_name").fillna(""),
        "unit_key": _coalesce(frame, "unit_name", "unit_id").fillna(""),
        "attribution_window_days": attribution_window(ctx),
        "attribution_model": ATTRIBUTION_MODEL,
    }
    if "entity_key" not in frame:
        derived["entity_key"] = ""
    for name in ("roi", "roi_net"):
        if name in frame:
            derived[name] = lenient_number(frame[name])
    out = frame.drop(columns=list(_INTERMEDIATE), errors="ignore").assign(**derived)
    return out.astype({"attribution_window_days": "int64"})


def _with_item(entity: pd.Series, item: pd.Series) -> pd.Series:
    """``<entity>|<item id>`` where the row has an item id, else the entity alone."""
    return entity.where(item.isna() | entity.isna(), entity + "|" + item)


def scene_channel(scene_name: pd.Series) -> pd.Series:
    """
    Return the channel of 万相台 商品报表 rows from their scene name.

    A scene named …关键词推广… is 关键词推广, …人群推广… is 人群推广, anything else (全站推广,
    货品运营, 上新快, no scene) is 万相台.
    """
    name = scene_name.astype("string").fillna("")
    keyword = name.str.contains("关键词推广", regex=False)
    crowd = name.str.contains("人群推广", regex=False)
    out = pd.Series("万相台", index=scene_name.index, dtype="string")
    return out.mask(crowd, "人群推广").mask(keyword, "关键词推广")


# ---------------------------------------------------------------- post hooks


def _ads_item(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    _require_plan(frame, ctx)
    # The entity is 主体ID, else the item id; 主体ID names an item unless 主体类型 says
    # otherwise (店铺, 内容 …).
    kind = _col(frame, "subject_type")
    is_item = kind.isna() | kind.str.contains("商品|宝贝", regex=True).fillna(False)
    subject, item = _col(frame, "entity_key"), _col(frame, "item_id")
    frame = frame.assign(entity_key=subject.fillna(item), item_id=item.fillna(
        subject.where(is_item)))
    return _finish(frame, ctx, channel=scene_channel(_col(frame, "scene_name")), level="item")


def _ads_keyword(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    _require_plan(frame, ctx)
    frame = frame.assign(entity_key=_with_item(_col(frame, "entity_key"),
                                               _col(frame, "item_id")))
    return _finish(frame, ctx, channel="关键词推广", level="keyword")


def _ads_crowd(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    _require_plan(frame, ctx)
    frame = frame.assign(entity_key=_with_item(_col(frame, "entity_key"),
                                               _col(frame, "item_id")))
    return _finish(frame, ctx, channel="人群推广", level="crowd")


def _ads_ztc_legacy(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    # The level is the finest one the file has: 关键词 report > 宝贝 report > 计划 report.
    item = _coalesce(frame, "item_id", "item_name")
    if "entity_key" in frame:
        level, entity = "keyword", _with_item(_col(frame, "entity_key"), item)
    elif "item_id" in frame or "item_name" in frame:
        level, entity = "item", item
    else:
        level, entity = "plan", pd.Series("", index=frame.index, dtype="string")
    return _finish(frame.assign(entity_key=entity), ctx, channel="直通车", level=level)


def _ads_taoke(frame: pd.DataFrame, ctx: FileContext) -> pd.DataFrame:
    level = "item" if "entity_key" in frame else "plan"
    if "entity_key" in frame:
        frame = frame.assign(item_id=frame["entity_key"].astype("string"))
    return _finish(frame, ctx, channel="淘宝客", level=level)


# ---------------------------------------------------------------- kinds

_KEY = ("stat_date", "channel", "report_level", "plan_id", "unit_key", "entity_key")

ADS_ITEM = KindSpec(
    name="ads_item",
    table="ad_reports",
    label="万相台 商品(主体)报表",
    fields={
        **ALIMAMA_IDENTITY,
        "entity_key": Field("id", ("主体ID",)),
        "item_id": Field("id", ("宝贝ID", "商品ID")),  # also the entity when there is no 主体ID
        "subject_type": Field("text", ("主体类型",)),
        **METRICS,
    },
    required=("stat_date", "plan_id", "entity_key", "cost"),
    # any 阿里妈妈 identity (计划ID, 计划名字, 场景名字) with any item id (主体ID, 宝贝ID)
    alternatives=tuple(
        ("stat_date", who, what, "cost")
        for who in ("plan_id", "plan_name", "scene_name") for what in ("entity_key", "item_id")
        if (who, what) != ("plan_id", "entity_key")
    ),
    row_key=_KEY,
    row_required=("stat_date", "entity_key"),
    # word and crowd reports carry an item id too; old 直通车 spells 计划名称
    forbidden=(*WORD_MARKERS, *CROWD_MARKERS, "关键词", "推广计划名称", "计划名称"),
    ignored=KNOWN_UNLOADED,
    post=_ads_item,
)

ADS_KEYWORD = KindSpec(
    name="ads_keyword",
    table="ad_reports",
    label="关键词推广 关键词报表",
    fields={
        **ALIMAMA_IDENTITY,
        "entity_key": Field("text", WORD_HEADERS),
        "word_type": Field("text", ("词类型",)),
        "item_id": Field("id", ("宝贝ID", "商品ID", "主体ID")),
        **METRICS,
        "avg_rank": Field("float", ("平均展现排名",)),
    },
    required=("stat_date", "entity_key", "cost"),
    alternatives=(("stat_date", "entity_key", "impressions"),
                  ("stat_date", "entity_key", "clicks")),
    row_key=_KEY,
    row_required=("stat_date", "entity_key"),
    forbidden=CROWD_MARKERS,
    ignored=(*KNOWN_UNLOADED, "主体类型", "词ID", "词包ID"),
    post=_ads_keyword,
)

ADS_CROWD = KindSpec(
    name="ads_crowd",
    table="ad_reports",
    label="人群推广 人群报表",
    fields={
        **ALIMAMA_IDENTITY,
        "entity_key": Field("text", CROWD_MARKERS),
        "item_id": Field("id", ("宝贝ID", "商品ID", "主体ID")),
        **METRICS,
    },
    required=("stat_date", "entity_key", "cost"),
    alternatives=(("stat_date", "entity_key", "impressions"),
                  ("stat_date", "entity_key", "clicks")),
    row_key=_KEY,
    row_required=("stat_date", "entity_key"),
    forbidden=WORD_MARKERS,
    ignored=(*KNOWN_UNLOADED, "主体类型", "人群ID"),
    post=_ads_crowd,
)

ADS_ZTC_LEGACY = KindSpec(
    name="ads_ztc_legacy",
    table="ad_reports",
    label="直通车 计划/宝贝/关键词报表（旧版）",
    fields={
        "stat_date": Field("date", ("日期",)),
        "plan_id": Field("id", ("计划ID", "推广计划ID")),
        "plan_name": Field("text", ("推广计划名称", "计划名称", "推广计划")),
        "item_id": Field("id", ("宝贝ID", "商品ID")),
        "item_name": Field("text", ("宝贝名称",)),  # the item key when there is no id
        "entity_key": Field("text", ("关键词",)),
        **METRICS,
        "avg_rank": Field("float", ("平均展现排名",)),
    },
    required=("stat_date", "plan_name", "cost"),
    row_key=_KEY,
    row_required=("stat_date", "plan_name", "entity_key"),
    forbidden=(*ALIMAMA_MARKERS, *WORD_MARKERS, *CROWD_MARKERS),
    ignored=("间接成交笔数", "直接购物车数", "直接收藏宝贝数", "宝贝收藏数", "店铺收藏数",
             "推广单元名称", "推广单元ID"),
    post=_ads_ztc_legacy,
)

# [U] No public reader of the 淘宝联盟 seller export was found: the headers below are the
# plausible ones (日期/结算日期, 推广位/计划, 商品ID, 付款金额/成交金额, 支出佣金/佣金, 点击数).
# The cost is the commission; the payment-basis columns (付款…, 预估支出佣金) win over the
# settled ones (结算…) so that cost and GMV of a row share one basis. Order-level 淘宝客
# detail (one row per 淘宝订单编号) is a different file and is not recognized here.
ADS_TAOKE = KindSpec(
    name="ads_taoke",
    table="ad_reports",
    label="淘宝客（淘宝联盟）推广效果报表",
    fields={
        "stat_date": Field("date", ("日期", "结算日期")),
        "plan_id": Field("id", ("计划ID", "推广计划ID")),
        "plan_name": Field("text", ("推广计划", "计划名称", "计划", "推广位", "推广位名称")),
        "entity_key": Field("id", ("商品ID", "宝贝ID")),
        "clicks": Field("int", ("点击数", "点击量")),
        "cost": Field("money", ("支出佣金", "预估支出佣金", "佣金", "佣金金额", "结算支出佣金")),
        "gmv_total": Field("money", ("付款金额", "成交金额", "结算金额")),
        "orders_total": Field("int", ("付款笔数", "成交笔数", "结算笔数")),
    },
    required=("stat_date", "cost", "gmv_total"),
    row_key=_KEY,
    row_required=("stat_date", "entity_key"),
    forbidden=("花费", "订单编号", "淘宝订单编号", "子订单编号", "订单创建时间"),
    ignored=("商品名称", "商品标题", "付款件数", "结算件数"),
    post=_ads_taoke,
)


KINDS: tuple[KindSpec, ...] = (ADS_ITEM, ADS_KEYWORD, ADS_CROWD, ADS_ZTC_LEGACY, ADS_TAOKE)
