"""A deterministic synthetic Tmall store that writes raw exports in the real formats.

``generate`` simulates one women's-wear 天猫 shop order by order (catalog, buyers, payment,
shipping, refunds) and writes what its owner would download (DATA_CONTRACT.md §1.1, §1.3,
§2.1)::

    <raw_dir>/订单报表/ExportOrderList<yyyyMMddHHmm>.csv        GB18030, 61 columns, per month
    <raw_dir>/宝贝报表/ExportOrderDetailList<yyyyMMddHHmm>.csv  GB18030, 10 columns, per month
    <raw_dir>/生意参谋/【生意参谋平台】店铺整体_<from>_<to>.xlsx  4 banner rows, per month

Order files hold the orders *created* in one calendar month, with every status as of the
export time in the file name (the next month's first day at 09:30; for the last month, the
day after ``end`` at 09:30). The 生意参谋 daily figures are computed from the same simulated
orders, so ``支付金额`` of a day equals the sum of ``买家实际支付金额`` of the orders paid that
day.

Everything is drawn from one ``numpy.random.default_rng(seed)`` stream; money is integer
fen; nothing reads the clock, so the same arguments give byte-identical files.

Money columns hold the amounts of the order even when it was never paid (``买家实际支付金额``
= ``买家应付货款`` + ``买家应付邮费`` on every row): GMV must be taken from orders with a
``订单付款时间``. A payment that would fall after its month's export is moved to minutes
after creation, so every payment counted by 生意参谋 is visible in the order files.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import xlsxwriter

from storeops import paths
from storeops.config import check_store_id
from storeops.errors import ConfigError

logger = logging.getLogger(__name__)

ORDER_DIR = "订单报表"
DETAIL_DIR = "宝贝报表"
SYCM_DIR = "生意参谋"

ORDER_COLUMNS: tuple[str, ...] = (
    "订单编号", "买家会员名", "买家支付宝账号", "支付单号", "支付详情", "买家应付货款",
    "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分",
    "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机",
    "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头",
    "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
    "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣",
    "集分宝抵扣", "是否是O2O交易", "新零售交易类型", "新零售导购门店名称", "新零售导购门店id",
    "新零售发货门店名称", "新零售发货门店id", "退款金额", "预约门店", "确认收货时间",
    "打款商家金额", "含应开票给个人的个人红包", "是否信用购", "体验期结束时间", "前N有礼",
    "配送类型", "主订单编号",
)
"""Generation A ``ExportOrderList`` header, in order, trailing spaces included (§1.1)."""

DETAIL_COLUMNS: tuple[str, ...] = (
    "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
    "订单状态", "商家编码",
)
"""Generation A ``ExportOrderDetailList`` header (§1.3)."""

SHOP_DAILY_COLUMNS: tuple[str, ...] = (
    "统计日期", "访客数", "浏览量", "支付金额", "支付买家数", "支付子订单数", "支付件数",
    "支付转化率", "客单价", "加购人数", "商品收藏人数", "下单买家数", "下单金额", "老买家数",
    "新买家数", "成功退款金额",
)
"""生意参谋 店铺整体 daily columns written by the demo (a subset of §2.1)."""

DAY = 86_400
HOUR = 3_600
MINUTE = 60
NEVER = np.iinfo(np.int64).max // 4
"""Time offset meaning "does not happen"."""

PENDING, PAID, SHIPPED, COMPLETED, CLOSED = range(5)
_STATUS_TEXT = (
    "等待买家付款", "买家已付款{c}等待卖家发货", "卖家已发货{c}等待买家确认", "交易成功",
    "交易关闭",
)

# ---------------------------------------------------------------------------------------
# Static tables
# ---------------------------------------------------------------------------------------

_LUNAR_NEW_YEAR = {
    2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22),
    2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
    2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24), 2040: (2, 12),
}
"""正月初一 by year (checked against the ``holidays`` package's lunisolar calendar)."""

# (first (month, day), last (month, day), demand factor); later rows win on overlap.
_EVENTS: tuple[tuple[tuple[int, int], tuple[int, int], float], ...] = (
    ((3, 6), (3, 8), 1.5),      # 38女王节
    ((5, 20), (5, 30), 1.25),   # 618 预热
    ((5, 31), (5, 31), 1.7),    # 618 开门红 (20:00 start)
    ((6, 1), (6, 3), 2.0),
    ((6, 4), (6, 15), 1.3),
    ((6, 16), (6, 17), 1.7),
    ((6, 18), (6, 18), 3.2),    # 618 peak
    ((6, 19), (6, 20), 0.85),
    ((10, 15), (10, 23), 1.15),  # 双11 预热
    ((10, 24), (10, 30), 1.35),  # 双11 预售
    ((10, 31), (10, 31), 2.3),   # 第一波 (20:00 start)
    ((11, 1), (11, 1), 2.4),
    ((11, 2), (11, 3), 1.8),
    ((11, 4), (11, 9), 1.3),
    ((11, 10), (11, 10), 1.9),
    ((11, 11), (11, 11), 4.5),   # 双11 peak
    ((11, 12), (11, 15), 0.75),
    ((12, 8), (12, 11), 1.2),    # 双12
    ((12, 12), (12, 12), 2.0),
)
_PEAK_DAYS = ((6, 18), (11, 11), (12, 12))
"""Days with a midnight rush."""
_WAVE_DAYS = ((5, 31), (10, 31))
"""Days whose sale opens at 20:00."""

_WEEKDAY = (1.05, 1.0, 0.98, 0.96, 0.92, 0.95, 1.14)
"""Demand by weekday, Monday first: Sunday evening is the best time of the week."""

_HOURLY = np.array([
    3.0, 1.8, 1.0, 0.6, 0.4, 0.4, 0.6, 1.2, 2.2, 3.4, 4.3, 4.6,
    4.4, 4.4, 4.6, 4.6, 4.3, 4.0, 4.2, 5.0, 6.0, 6.6, 6.3, 4.6,
])
"""Relative order volume by hour of day (evening peak 20-22h)."""

# Season curves by calendar month (Jan..Dec).
_SEASONS: dict[str, tuple[float, ...]] = {
    "winter": (1.6, 1.0, 0.5, 0.25, 0.1, 0.05, 0.05, 0.1, 0.4, 1.0, 1.8, 1.9),
    "summer": (0.1, 0.15, 0.4, 0.9, 1.6, 1.9, 1.8, 1.4, 0.6, 0.2, 0.1, 0.1),
    "spring_autumn": (0.4, 0.7, 1.4, 1.5, 0.9, 0.4, 0.3, 0.6, 1.5, 1.5, 0.8, 0.5),
    "autumn_winter": (1.2, 1.0, 0.9, 0.6, 0.3, 0.15, 0.15, 0.4, 1.2, 1.5, 1.4, 1.3),
    "all": (1.0,) * 12,
}
_SEASON_NAMES = tuple(_SEASONS)
_SEASON_WORDS = {
    "winter": ("冬季", "秋冬", "冬装"),
    "summer": ("夏季", "夏装", "夏天"),
    "spring_autumn": ("春秋", "秋季", "春季"),
    "autumn_winter": ("秋冬", "秋季", "冬季"),
    "all": ("", "四季", "百搭款"),
}


@dataclass(frozen=True, slots=True)
class _Category:
    code: str
    noun: str
    season: str
    price: tuple[int, int]  # yuan
    weight: float
    attrs: tuple[str, ...]
    suffixes: tuple[str, ...]
    sized: bool = True


_CATEGORIES: tuple[_Category, ...] = (
    _Category("WY", "卫衣", "autumn_winter", (79, 269), 1.6,
              ("加绒保暖", "连帽", "圆领", "重磅纯棉", "半拉链", "刺绣字母", "华夫格", "落肩"),
              ("上衣", "外套", "潮", "女装")),
    _Category("YR", "羽绒服", "winter", (299, 599), 1.0,
              ("白鸭绒", "短款", "长款过膝", "连帽加厚", "轻薄", "面包服", "90绒", "立领"),
              ("外套", "女装", "新款")),
    _Category("MY", "毛衣", "winter", (99, 329), 1.2,
              ("慵懒风", "高领", "麻花", "羊毛混纺", "套头", "软糯", "半高领", "撞色"),
              ("上衣", "打底", "针织衫")),
    _Category("ZK", "针织开衫", "spring_autumn", (89, 259), 0.9,
              ("V领", "薄款", "短款", "法式", "小香风", "纯色", "条纹"), ("外套", "上衣", "女装")),
    _Category("TX", "T恤", "summer", (29, 129), 1.8,
              ("纯棉", "短袖", "印花", "圆领", "冰丝", "插肩袖", "字母", "修身"),
              ("上衣", "打底衫", "体恤", "半袖")),
    _Category("CS", "衬衫", "spring_autumn", (69, 229), 1.0,
              ("长袖", "条纹", "白色", "真丝感", "法式", "翻领", "泡泡袖"),
              ("上衣", "女装", "设计感")),
    _Category("LY", "连衣裙", "summer", (99, 399), 1.4,
              ("碎花", "收腰", "吊带", "雪纺", "法式", "方领", "长款", "茶歇"),
              ("裙子", "长裙", "女装")),
    _Category("BQ", "半身裙", "all", (69, 229), 0.8,
              ("高腰", "A字", "百褶", "包臀", "伞裙", "中长款"), ("裙子", "女装")),
    _Category("NZ", "牛仔裤", "all", (89, 259), 1.3,
              ("高腰", "直筒", "阔腿", "微喇", "小脚", "烟管", "破洞"), ("裤子", "长裤", "女装")),
    _Category("KK", "阔腿裤", "all", (69, 199), 0.9,
              ("垂感", "高腰", "冰丝", "西装", "拖地", "休闲"), ("裤子", "长裤")),
    _Category("WT", "外套", "spring_autumn", (129, 459), 1.0,
              ("短款", "夹克", "工装", "牛仔", "宽松", "立领"), ("上衣", "女装", "潮")),
    _Category("FY", "风衣", "spring_autumn", (199, 599), 0.6,
              ("中长款", "英伦风", "双排扣", "气质", "收腰"), ("外套", "大衣", "女装")),
    _Category("MF", "棉服", "winter", (169, 459), 0.8,
              ("加厚", "短款", "面包服", "连帽", "羊羔毛"), ("外套", "棉袄", "女装")),
    _Category("DD", "打底衫", "winter", (39, 99), 1.0,
              ("德绒", "半高领", "加绒", "修身", "长袖", "自发热"), ("上衣", "内搭", "秋衣")),
    _Category("FS", "防晒衣", "summer", (49, 159), 0.8,
              ("冰丝", "UPF50+", "连帽", "透气", "薄款"), ("外套", "开衫", "薄款外套")),
    _Category("DK", "短裤", "summer", (39, 129), 0.7,
              ("高腰", "牛仔", "阔腿", "运动", "A字"), ("裤子", "热裤", "休闲短裤")),
    _Category("XZ", "西装外套", "spring_autumn", (159, 459), 0.6,
              ("小个子", "休闲", "垫肩", "oversize", "格纹"), ("外套", "女装", "上衣")),
    _Category("YD", "运动裤", "all", (59, 169), 0.8,
              ("束脚", "卫裤", "直筒", "加绒", "针织"), ("裤子", "休闲裤", "长裤")),
    _Category("WJ", "围巾", "winter", (39, 159), 0.4,
              ("羊绒", "格子", "纯色", "加厚", "流苏"), ("披肩", "礼盒装", "保暖"), sized=False),
)

_FITS = ("宽松", "修身", "显瘦", "百搭", "韩版", "法式", "复古", "休闲", "气质", "简约", "小众",
         "设计感", "ins风", "学院风", "通勤")

_COLORS = (("黑色", "BK"), ("白色", "WH"), ("灰色", "GY"), ("杏色", "AP"), ("卡其色", "KH"),
           ("藏青色", "NV"), ("酒红色", "WR"), ("燕麦色", "OT"), ("雾霾蓝", "BL"), ("粉色", "PK"),
           ("奶白色", "CW"), ("咖啡色", "CF"))
_SIZES = ("S", "M", "L", "XL", "XXL")

# (province as exported, weight, postage in fen for 偏远地区, ((city, (district, ...)), ...))
_PROVINCES: tuple[tuple[str, float, int, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("广东省", 13.0, 0, (("广州市", ("天河区", "海珠区", "白云区", "番禺区")),
                        ("深圳市", ("南山区", "福田区", "宝安区", "龙岗区")),
                        ("佛山市", ("南海区", "顺德区", "禅城区")))),
    ("浙江省", 9.5, 0, (("杭州市", ("西湖区", "拱墅区", "余杭区", "滨江区")),
                       ("宁波市", ("鄞州区", "海曙区", "江北区")),
                       ("温州市", ("鹿城区", "瓯海区")))),
    ("江苏省", 9.0, 0, (("南京市", ("建邺区", "鼓楼区", "江宁区")),
                       ("苏州市", ("姑苏区", "吴中区", "相城区")),
                       ("无锡市", ("梁溪区", "滨湖区")))),
    ("上海", 6.5, 0, (("上海市", ("浦东新区", "闵行区", "徐汇区", "杨浦区", "宝山区")),)),
    ("北京", 5.0, 0, (("北京市", ("朝阳区", "海淀区", "丰台区", "昌平区")),)),
    ("山东省", 6.0, 0, (("济南市", ("历下区", "市中区")),
                       ("青岛市", ("市南区", "崂山区", "黄岛区")),
                       ("烟台市", ("芝罘区", "莱山区")))),
    ("福建省", 4.0, 0, (("福州市", ("鼓楼区", "仓山区")), ("厦门市", ("思明区", "湖里区")),
                       ("泉州市", ("丰泽区", "晋江市")))),
    ("四川省", 4.5, 0, (("成都市", ("武侯区", "锦江区", "成华区", "双流区")),
                       ("绵阳市", ("涪城区",)))),
    ("河南省", 4.5, 0, (("郑州市", ("金水区", "二七区", "中原区")), ("洛阳市", ("洛龙区",)))),
    ("湖北省", 3.5, 0, (("武汉市", ("洪山区", "江汉区", "武昌区")), ("宜昌市", ("西陵区",)))),
    ("湖南省", 3.2, 0, (("长沙市", ("岳麓区", "雨花区", "开福区")), ("株洲市", ("天元区",)))),
    ("安徽省", 3.0, 0, (("合肥市", ("蜀山区", "包河区")), ("芜湖市", ("镜湖区",)))),
    ("河北省", 3.5, 0, (("石家庄市", ("长安区", "裕华区")), ("保定市", ("竞秀区",)),
                       ("廊坊市", ("广阳区",)))),
    ("辽宁省", 2.3, 0, (("沈阳市", ("和平区", "浑南区")), ("大连市", ("沙河口区", "甘井子区")))),
    ("陕西省", 2.2, 0, (("西安市", ("雁塔区", "未央区", "碑林区")),)),
    ("重庆", 2.0, 0, (("重庆市", ("渝北区", "江北区", "九龙坡区", "沙坪坝区")),)),
    ("天津", 1.5, 0, (("天津市", ("南开区", "河西区", "滨海新区")),)),
    ("江西省", 2.0, 0, (("南昌市", ("红谷滩区", "青山湖区")), ("赣州市", ("章贡区",)))),
    ("广西壮族自治区", 2.0, 0, (("南宁市", ("青秀区", "西乡塘区")), ("桂林市", ("七星区",)))),
    ("云南省", 1.8, 0, (("昆明市", ("五华区", "盘龙区", "官渡区")),)),
    ("山西省", 1.5, 0, (("太原市", ("小店区", "迎泽区")),)),
    ("黑龙江省", 1.3, 0, (("哈尔滨市", ("南岗区", "道里区")),)),
    ("吉林省", 1.0, 0, (("长春市", ("朝阳区", "南关区")),)),
    ("贵州省", 1.2, 0, (("贵阳市", ("观山湖区", "云岩区")),)),
    ("内蒙古自治区", 0.9, 1000, (("呼和浩特市", ("赛罕区", "新城区")), ("包头市", ("昆都仑区",)))),
    ("新疆维吾尔自治区", 0.7, 2000, (("乌鲁木齐市", ("天山区", "沙依巴克区")),)),
    ("甘肃省", 0.7, 1000, (("兰州市", ("城关区", "七里河区")),)),
    ("海南省", 0.6, 0, (("海口市", ("龙华区", "美兰区")), ("三亚市", ("吉阳区",)))),
    ("宁夏回族自治区", 0.3, 1000, (("银川市", ("兴庆区", "金凤区")),)),
    ("青海省", 0.2, 1500, (("西宁市", ("城西区", "城中区")),)),
    ("西藏自治区", 0.1, 2000, (("拉萨市", ("城关区",)),)),
)

_STREETS = (
    "人民路", "中山路", "解放路", "建设路", "和平路", "文化路", "新华路", "长江路", "黄河路",
    "青年路", "学院路", "科技路", "滨江大道", "幸福路", "光明街", "体育路", "迎宾大道", "东风路",
)
_COMPOUNDS = (
    "阳光花园", "绿地小区", "金色家园", "万科城", "碧桂园", "世纪花园", "幸福里", "翠苑", "华府",
    "锦绣江南", "东方明珠苑", "香樟园", "恒大名都", "保利花园", "龙湖天街",
)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
             "韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟")
_GIVEN = ("婷丽敏静燕芳娟霞玲欣怡雪琳晶颖倩佳悦萌璐思雨梦瑶涵菲"
          "可馨洁红伟强磊军洋杰涛明超浩宇晨喆堃淼")
_NICK_HEADS = (
    "小", "爱吃", "快乐的", "安静的", "不吃香菜的", "会飞的", "阳光", "温柔的", "月亮上的",
    "努力的", "大大的", "酷酷的",
)
_NICK_TAILS = (
    "鱼", "猫咪", "兔子", "橙子", "星星", "小熊", "柚子", "桃子", "云朵", "大白", "丸子", "布丁",
)
_EN_NICKS = ("lily", "cici", "amy", "coco", "xiaomei", "yoyo", "nana", "vivi", "echo", "kiki")
_ALNUM = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
_MESSAGES = (
    "请尽快发货", "发中通可以吗", "不要放快递柜，谢谢", "送人的，不要放价格单", "尺码拍的M，谢谢",
    "麻烦检查一下再发", "能送个小礼物吗",
)
_MEMOS = ("已联系买家换色", "赠品：袜子一双", "优先发货", "买家要求改地址，已改")
_CARRIERS = ("中通快递", "韵达快递", "顺丰速运", "邮政快递包裹")
_CARRIER_P = (0.62, 0.25, 0.08, 0.05)
_PHONE_PREFIXES = np.array([134, 135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 166, 177,
                            178, 180, 181, 182, 183, 186, 187, 188, 189, 199])


# ---------------------------------------------------------------------------------------
# Demand over time
# ---------------------------------------------------------------------------------------

def event_factor(day: date) -> float:
    """
    Return the demand factor of the shopping festivals (618, 双11, 双12, 38) on ``day``.

    Parameters
    ----------
    day : date
        A calendar day.

    Returns
    -------
    float
        1.0 on normal days; e.g. 4.5 on November 11, 1.15 during the 双11 pre-heat.
    """
    factor = 1.0
    for first, last, value in _EVENTS:
        if first <= (day.month, day.day) <= last:
            factor = value
    return factor


def spring_festival_factor(day: date) -> float:
    """
    Return the demand factor around 春节 (couriers stop, buyers travel).

    Parameters
    ----------
    day : date
        A calendar day.

    Returns
    -------
    float
        0.45 from a week before 正月初一 to a week after, about 0.75 on the shoulders, else 1.0.
        Years outside the built-in table (2012-2040) get 1.0.
    """
    for year in (day.year, day.year + 1):
        if year not in _LUNAR_NEW_YEAR:
            continue
        offset = (day - date(year, *_LUNAR_NEW_YEAR[year])).days
        if -7 <= offset <= 6:
            return 0.45
        if -14 <= offset <= 12:
            return 0.75
    return 1.0


def demand_factors(start: date, days: int, *, growth: float = 1.2) -> np.ndarray:
    """
    Return the expected order volume of each day relative to a normal day.

    Parameters
    ----------
    start : date
        First day.
    days : int
        Number of days.
    growth : float
        Year-over-year growth multiplier; the curve is centred on the middle of the period.

    Returns
    -------
    numpy.ndarray
        float64, length ``days``: weekday x festivals x 春节 x growth.
    """
    out = np.empty(days)
    for i in range(days):
        day = start + timedelta(days=i)
        trend = growth ** ((i - (days - 1) / 2) / 365)
        out[i] = _WEEKDAY[day.weekday()] * event_factor(day) * spring_festival_factor(day) * trend
    return out


# ---------------------------------------------------------------------------------------
# Catalog and buyers
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Catalog:
    titles: list[str]
    item_codes: list[str]
    price: np.ndarray       # fen, per item
    season: np.ndarray      # index into _SEASON_NAMES, per item
    popularity: np.ndarray  # per item, sums to 1
    sku_item: np.ndarray    # item of each sku
    sku_codes: list[str]
    sku_props: list[str]
    sku_key: np.ndarray     # item + cumulative weight within the item, for sampling


def _round_price(yuan: float) -> int:
    """Return a shop-like price in fen: 129.00 or 89.90."""
    whole = int(yuan // 10 * 10 + 9)
    return whole * 100 if whole >= 100 or whole % 20 == 19 else whole * 100 + 90


def _sku_grid(n_sku: int, sized: bool, rng: np.random.Generator) -> list[tuple[int, str]]:
    """Return (color index, size) pairs of one item with ``n_sku`` SKUs."""
    colors = rng.permutation(len(_COLORS))
    if not sized:
        return [(int(c), "均码") for c in colors[:n_sku]]
    n_colors = {2: 1, 3: 1, 4: 2, 5: 1, 6: int(rng.choice([2, 3]))}[n_sku]
    n_sizes = n_sku // n_colors
    first = 1 if n_sizes <= 3 else 0
    sizes = _SIZES[first:first + n_sizes]
    return [(int(c), s) for c in colors[:n_colors] for s in sizes]


def make_catalog(rng: np.random.Generator, *, n_items: int = 240, year: int = 2026) -> _Catalog:
    """
    Draw the shop's items and SKUs.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    n_items : int
        Items (宝贝) in the shop.
    year : int
        Year written into the item codes (货号 such as ``WY26014``).

    Returns
    -------
    _Catalog
        Titles, codes, prices (fen, ¥29-¥599), Zipf-like popularity and 2-6 SKUs per item.
    """
    weights = np.array([c.weight for c in _CATEGORIES])
    cats = rng.choice(len(_CATEGORIES), size=n_items, p=weights / weights.sum())
    popularity = 1.0 / np.arange(1, n_items + 1) ** 1.05
    popularity = popularity[rng.permutation(n_items)]
    titles: list[str] = []
    seen: set[str] = set()
    codes, prices, seasons = [], [], []
    sku_item, sku_codes, sku_props, sku_weights = [], [], [], []
    serial: dict[str, int] = {}
    for item, ci in enumerate(cats.tolist()):
        cat = _CATEGORIES[ci]
        title = _draw_title(cat, rng, seen)
        seen.add(title)
        titles.append(title)
        serial[cat.code] = serial.get(cat.code, 0) + 1
        code = f"{cat.code}{year % 100:02d}{serial[cat.code]:03d}"
        codes.append(code)
        low, high = cat.price
        prices.append(_round_price(rng.uniform(low, high)))
        seasons.append(_SEASON_NAMES.index(cat.season))
        n_sku = int(rng.integers(2, 7))
        grid = _sku_grid(n_sku, cat.sized, rng)
        w = rng.dirichlet(np.full(len(grid), 2.0))
        for (color, size), wk in zip(grid, w, strict=True):
            name, abbr = _COLORS[color]
            sku_item.append(item)
            sku_codes.append(f"{code}-{abbr}-{'F' if size == '均码' else size}")
            sku_props.append(f"颜色分类:{name};尺码:{size}")
            sku_weights.append(wk)
    sku_item_arr = np.array(sku_item, dtype=np.int64)
    cum = np.array(sku_weights)
    starts = np.flatnonzero(np.r_[True, sku_item_arr[1:] != sku_item_arr[:-1]])
    total = np.cumsum(cum)
    within = total - np.repeat(total[starts] - cum[starts], np.diff(np.r_[starts, len(cum)]))
    within[np.r_[starts[1:] - 1, len(cum) - 1]] = 1.0  # exact top, so sampling never spills
    return _Catalog(
        titles=titles, item_codes=codes, price=np.array(prices, dtype=np.int64),
        season=np.array(seasons, dtype=np.int64), popularity=popularity / popularity.sum(),
        sku_item=sku_item_arr, sku_codes=sku_codes, sku_props=sku_props,
        sku_key=sku_item_arr + within,
    )


def _draw_title(cat: _Category, rng: np.random.Generator, seen: set[str]) -> str:
    """Compose a unique Tmall-style title such as ``加绒保暖卫衣女冬季宽松连帽上衣``."""
    for attempt in range(50):
        a, b = rng.choice(len(cat.attrs), size=2, replace=False)
        season = _SEASON_WORDS[cat.season][int(rng.integers(len(_SEASON_WORDS[cat.season])))]
        fits = [f for f in _FITS if not any(f in word for word in cat.attrs + cat.suffixes)]
        fit = fits[int(rng.integers(len(fits)))]
        suffix = cat.suffixes[int(rng.integers(len(cat.suffixes)))]
        head = "新款" if rng.random() < 0.2 else ""
        title = f"{head}{cat.attrs[a]}{cat.noun}女{season}{fit}{cat.attrs[b]}{suffix}"
        if attempt >= 40:
            title = f"{title}{attempt - 39}"
        if title not in seen:
            return title
    raise AssertionError("unreachable: titles get a numeric tail after 40 attempts")


@dataclass(frozen=True, slots=True)
class _Buyers:
    nick: list[str]
    alipay: list[str]
    name: list[str]
    phone: list[str]
    address: list[str]
    postage: np.ndarray   # fen, 偏远地区 surcharge by province
    weight: np.ndarray    # propensity to come back, sums to 1
    prior: np.ndarray     # bool: bought before the simulated period (老买家 from day one)
    suffix: np.ndarray    # last 4 digits of the buyer's user id (end of every order number)


def _unique_nicks(raw: list[str], rng: np.random.Generator) -> list[str]:
    """Make nicks unique by appending digits to repeats (deterministic)."""
    seen: set[str] = set()
    out = []
    for nick in raw:
        while nick in seen:
            nick = f"{nick}{int(rng.integers(10))}"
        seen.add(nick)
        out.append(nick)
    return out


def _draw_nicks(rng: np.random.Generator, n: int) -> list[str]:
    """Draw buyer nicks: ``tb_`` ids, Chinese nicks and a few pinyin/English ones."""
    kind = rng.choice(3, size=n, p=[0.5, 0.32, 0.18])
    length = rng.integers(6, 11, size=n)
    chars = _ALNUM[rng.integers(len(_ALNUM), size=(n, 10))]
    head = rng.integers(len(_NICK_HEADS), size=n)
    tail = rng.integers(len(_NICK_TAILS), size=n)
    en = rng.integers(len(_EN_NICKS), size=n)
    num = rng.integers(0, 10_000, size=n)
    with_num = rng.random(n) < 0.6
    raw = []
    for i in range(n):
        if kind[i] == 0:
            raw.append("tb_" + "".join(chars[i, : length[i]].tolist()))
        elif kind[i] == 1:
            digits = str(num[i] % 100 if num[i] % 3 else 1980 + num[i] % 25) if with_num[i] else ""
            raw.append(f"{_NICK_HEADS[head[i]]}{_NICK_TAILS[tail[i]]}{digits}")
        else:
            raw.append(f"{_EN_NICKS[en[i]]}_{num[i]:04d}")
    return _unique_nicks(raw, rng)


def make_buyers(rng: np.random.Generator, n: int, n_prior: int) -> _Buyers:
    """
    Draw the pool of buyers the shop sells to.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    n : int
        Pool size.
    n_prior : int
        The first ``n_prior`` buyers bought before the simulated period (老买家 from day one).

    Returns
    -------
    _Buyers
        Stable nicks, names, phones and addresses, and a heavy-tailed (log-normal) propensity
        to come back, so that a minority buy again and again.
    """
    nicks = _draw_nicks(rng, n)
    pw = np.array([p[1] for p in _PROVINCES])
    prov = rng.choice(len(_PROVINCES), size=n, p=pw / pw.sum())
    city_u, dist_u = rng.random(n), rng.random(n)
    street = rng.integers(len(_STREETS), size=n)
    compound = rng.integers(len(_COMPOUNDS), size=n)
    number = rng.integers(1, 400, size=n)
    building = rng.integers(1, 30, size=n)
    unit = rng.integers(1, 5, size=n)
    room = rng.integers(1, 33, size=n) * 100 + rng.integers(1, 5, size=n)
    surname = rng.integers(len(_SURNAMES), size=n)
    given = rng.integers(len(_GIVEN), size=(n, 2))
    two_char = rng.random(n) < 0.7
    phone_head = _PHONE_PREFIXES[rng.integers(len(_PHONE_PREFIXES), size=n)]
    phone_tail = rng.integers(0, 100_000_000, size=n)
    email = rng.random(n) < 0.3
    addresses, names, phones, alipay = [], [], [], []
    for i in range(n):
        province, _, _, cities = _PROVINCES[prov[i]]
        city, districts = cities[int(city_u[i] * len(cities))]
        district = districts[int(dist_u[i] * len(districts))]
        detail = (f"{_STREETS[street[i]]}{number[i]}号{_COMPOUNDS[compound[i]]}"
                  f"{building[i]}幢{unit[i]}单元{room[i]}室")
        addresses.append(f"{province} {city} {district} {detail}")
        given_name = _GIVEN[given[i, 0]] + (_GIVEN[given[i, 1]] if two_char[i] else "")
        names.append(_SURNAMES[surname[i]] + given_name)
        phone = f"{phone_head[i]}{phone_tail[i]:08d}"
        phones.append(phone)
        alipay.append(f"{nicks[i][:2]}***@163.com" if email[i] else f"{phone[:3]}****{phone[-4:]}")
    weight = rng.lognormal(0.0, 1.0, size=n)
    postage = np.array([p[2] for p in _PROVINCES], dtype=np.int64)[prov]
    return _Buyers(
        nick=nicks, alipay=alipay, name=names, phone=phones, address=addresses, postage=postage,
        weight=weight / weight.sum(), prior=np.arange(n) < n_prior,
        suffix=rng.integers(0, 10_000, size=n),
    )


# ---------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Orders:
    """One row per order; times are seconds after ``start`` 00:00 (NEVER = does not happen)."""

    day: np.ndarray
    created: np.ndarray
    buyer: np.ndarray
    month: np.ndarray        # index of the export (creation month)
    export_at: np.ndarray    # export time of the order's file
    first_line: np.ndarray
    n_lines: np.ndarray
    qty: np.ndarray
    list_total: np.ndarray   # fen: Σ 价格x数量
    goods_due: np.ndarray    # fen: 买家应付货款
    postage: np.ndarray      # fen: 买家应付邮费
    paid_at: np.ndarray
    close_at: np.ndarray     # unpaid orders: when they are closed
    shipped_at: np.ndarray
    done_at: np.ndarray      # 确认收货
    refund_at: np.ndarray
    refund: np.ndarray       # fen
    refund_line: np.ndarray  # line index fully refunded, -1 if none
    ids: np.ndarray          # int64 order numbers


@dataclass(frozen=True, slots=True)
class _Lines:
    order: np.ndarray
    item: np.ndarray
    sku: np.ndarray
    qty: np.ndarray
    price: np.ndarray  # fen


def _order_times(rng: np.random.Generator, counts: np.ndarray, dates: list[date]) -> np.ndarray:
    """Return sorted creation times (seconds after start) for ``counts[d]`` orders on day d."""
    day = np.repeat(np.arange(len(counts)), counts)
    hourly = np.tile(_HOURLY / _HOURLY.sum(), (len(counts), 1))
    for d, when in enumerate(dates):
        if (when.month, when.day) in _PEAK_DAYS:
            row = _HOURLY.copy()
            row[0], row[1] = 40.0, 12.0
            hourly[d] = row / row.sum()
        elif (when.month, when.day) in _WAVE_DAYS:
            row = _HOURLY.copy()
            row[20], row[21] = 30.0, 12.0
            hourly[d] = row / row.sum()
    cum = np.cumsum(hourly, axis=1)
    u = rng.random(len(day))
    hour = np.minimum((cum[day] < u[:, None]).sum(axis=1), 23)
    sec = rng.integers(0, HOUR, size=len(day))
    created = day.astype(np.int64) * DAY + hour * HOUR + sec
    return np.sort(created, kind="stable")


def _month_keys(start: date, created: np.ndarray) -> np.ndarray:
    """Return the calendar month (months since 1970) of each creation time."""
    stamps = np.datetime64(start, "s") + created.astype("timedelta64[s]")
    return stamps.astype("datetime64[M]").astype(np.int64)


def export_months(start: date, end: date) -> tuple[np.ndarray, np.ndarray]:
    """
    Return the calendar months of the period and the export time of each month's files.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Month keys (months since 1970-01) and export times in seconds after ``start`` 00:00:
        the next month's first day at 09:30, or the day after ``end`` at 09:30 for the last.
    """
    days = (end - start).days + 1
    months = np.unique(_month_keys(start, np.arange(days, dtype=np.int64) * DAY))
    out = []
    last = int(months.max())
    for key in months.tolist():
        if key == last:
            when = end + timedelta(days=1)
        else:
            year, month0 = divmod(key + 1, 12)
            when = date(1970 + year, month0 + 1, 1)
        out.append((when - start).days * DAY + 9 * HOUR + 30 * MINUTE)
    return months, np.array(out, dtype=np.int64)


def _draw_lines(rng: np.random.Generator, cat: _Catalog, n_lines: np.ndarray,
                months: np.ndarray) -> _Lines:
    """Draw the items, SKUs and quantities of every order line (season-aware popularity)."""
    order = np.repeat(np.arange(len(n_lines)), n_lines)
    line_month = months[order]
    item = np.empty(len(order), dtype=np.int64)
    curves = np.array([_SEASONS[s] for s in _SEASON_NAMES])
    for key in np.unique(line_month).tolist():
        mask = line_month == key
        p = cat.popularity * curves[cat.season, key % 12]
        item[mask] = rng.choice(len(p), size=int(mask.sum()), p=p / p.sum())
    sku = np.searchsorted(cat.sku_key, item + rng.random(len(item)), side="right")
    for _ in range(20):  # one SKU appears at most once per order
        pair = order * len(cat.sku_codes) + sku
        _, first = np.unique(pair, return_index=True)
        dup = np.ones(len(pair), dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        new_item = rng.choice(len(cat.popularity), size=int(dup.sum()), p=cat.popularity)
        item[dup] = new_item
        sku[dup] = np.searchsorted(cat.sku_key, new_item + rng.random(len(new_item)), side="right")
    qty = rng.choice([1, 2, 3], size=len(order), p=[0.88, 0.09, 0.03])
    return _Lines(order=order, item=item, sku=sku, qty=qty.astype(np.int64),
                  price=cat.price[item])


def _sum_by_order(order: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum int64 line ``values`` per order (exact: integers far below 2**53)."""
    return np.rint(np.bincount(order, weights=values, minlength=n)).astype(np.int64)


def _discounts(rng: np.random.Generator, list_total: np.ndarray, promo: np.ndarray) -> np.ndarray:
    """Return shop discounts in fen: 满减 (per ¥300 -¥50 on promo days) plus coupons."""
    normal = np.where(list_total >= 29_900, 4_000, np.where(list_total >= 19_900, 2_000, 0))
    festival = np.minimum(list_total // 30_000, 5) * 5_000
    u = rng.random(len(list_total))
    coupon = np.where((u < 0.25) & (list_total >= 9_900), 1_000,
                      np.where((u < 0.40) & (list_total >= 5_900), 500, 0))
    discount = np.where(promo, festival, normal) + coupon
    return np.minimum(discount, list_total // 2)


def _uniform(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Return ``n`` integer seconds uniform in [low, high)."""
    return rng.uniform(low, high, size=n).astype(np.int64)


def _working_hours(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Move times outside 09:00-19:00 to a morning (09:00-12:00): the warehouse ships by day."""
    tod = t % DAY
    morning = rng.integers(9 * HOUR, 12 * HOUR, size=len(t))
    return np.select([tod < 9 * HOUR, tod >= 19 * HOUR],
                     [t - tod + morning, t - tod + DAY + morning], t)


def _pay_times(rng: np.random.Generator, created: np.ndarray, export_at: np.ndarray,
               last_export: int) -> np.ndarray:
    """Return pay times (NEVER for the ~15 % never paid); most within minutes, some next day."""
    n = len(created)
    paid = rng.random(n) < 0.85
    u = rng.random(n)
    delay = np.select(
        [u < 0.72, u < 0.93, u < 0.985],
        [5 + rng.exponential(90, n), rng.uniform(5 * MINUTE, 3 * HOUR, n),
         rng.uniform(3 * HOUR, 20 * HOUR, n)],
        rng.uniform(20 * HOUR, 46 * HOUR, n),
    ).astype(np.int64)
    quick = rng.integers(10, 300, size=n)
    pay = created + delay
    # An order must show its payment in its own month's file, or the 生意参谋 day would
    # count money the files do not show; the last file may show it as unpaid (paid after end).
    late = (pay > export_at) & (export_at != last_export)
    pay = np.where(late, created + quick, pay)
    return np.where(paid, pay, NEVER)


def simulate(rng: np.random.Generator, *, start: date, end: date, daily_orders: float,
             cat: _Catalog) -> tuple[_Orders, _Lines, _Buyers, np.ndarray]:
    """
    Simulate every order of the period with its whole life (pay, ship, confirm, refund).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    start, end : date
        First and last day (inclusive).
    daily_orders : float
        Expected orders created on a normal day (before festivals, weekday and growth).
    cat : _Catalog
        The shop's items.

    Returns
    -------
    (_Orders, _Lines, _Buyers, numpy.ndarray)
        Orders sorted by creation time, their lines, the buyer pool and the day conversion
        rates used for 访客数.
    """
    days = (end - start).days + 1
    dates = [start + timedelta(days=i) for i in range(days)]
    factors = demand_factors(start, days)
    counts = rng.poisson(daily_orders * factors * rng.lognormal(0.0, 0.08, size=days))
    created = _order_times(rng, counts, dates)
    n = len(created)
    buyers, buyer = _assign_buyers(rng, n, n_prior=max(20, int(daily_orders * 90)))
    day = created // DAY
    months = _month_keys(start, created)
    month_keys, exports = export_months(start, end)
    month = np.searchsorted(month_keys, months)
    export_at = exports[month]

    n_lines = rng.choice([1, 2, 3], size=n, p=[0.74, 0.2, 0.06]).astype(np.int64)
    lines = _draw_lines(rng, cat, n_lines, months)
    first_line = np.cumsum(n_lines) - n_lines
    amount = lines.price * lines.qty
    list_total = _sum_by_order(lines.order, amount, n)
    qty = _sum_by_order(lines.order, lines.qty, n)
    promo = factors[day] >= 1.3
    goods_due = list_total - _discounts(rng, list_total, promo)
    postage = np.maximum(buyers.postage[buyer], np.where(goods_due < 3_900, 500, 0))
    paid_total = goods_due + postage

    paid_at = _pay_times(rng, created, export_at, int(exports[-1]))
    paid = paid_at != NEVER
    cancel = rng.random(n) < 0.4
    close_at = np.where(cancel, created + _uniform(rng, n, 2 * MINUTE, 3 * HOUR),
                        created + 72 * HOUR)
    close_at = np.where(paid, NEVER, close_at)

    busy = np.where(factors[day] >= 1.8, 2.0, 1.0)
    ship_delay = (2 * HOUR + np.minimum(rng.exponential(16 * HOUR, n), 70 * HOUR) * busy)
    shipped_at = np.where(paid, _working_hours(rng, paid_at + ship_delay.astype(np.int64)), NEVER)
    transit = _uniform(rng, n, 1.5 * DAY, 4.5 * DAY)
    manual = rng.random(n) < 0.55
    confirm = shipped_at + np.minimum(transit + rng.exponential(1.5 * DAY, n).astype(np.int64),
                                      10 * DAY - HOUR)
    auto = shipped_at + 10 * DAY + _uniform(rng, n, 0, 2 * HOUR)
    done_at = np.where(paid, np.where(manual, confirm, auto), NEVER)

    # Refunds: ~3.5 % before shipping (full), ~3.5 % returned after delivery (full goods),
    # ~3 % partial (one line of a multi-line order, or a price-difference refund).
    u = np.where(paid, rng.random(n), 1.0)
    kind = np.select([u < 0.035, u < 0.07, u < 0.10], [1, 2, 3], 0)
    before_ship = paid_at + (rng.uniform(0.05, 0.9, n) * ship_delay).astype(np.int64)
    returned = shipped_at + _uniform(rng, n, 4 * DAY, 14 * DAY)
    partial = shipped_at + _uniform(rng, n, 2 * DAY, 7 * DAY)
    refund_at = np.select([kind == 1, kind == 2, kind == 3], [before_ship, returned, partial],
                          NEVER)
    shipped_at = np.where(kind == 1, NEVER, shipped_at)
    done_at = np.where((kind == 1) | (kind == 2), NEVER, done_at)
    settle = partial + _uniform(rng, n, 8 * HOUR, 2 * DAY)
    done_at = np.where(kind == 3, np.maximum(done_at, settle), done_at)
    pick = first_line + (rng.random(n) * n_lines).astype(np.int64)
    line_share = goods_due * amount[pick] // list_total
    diff = np.clip((goods_due * rng.uniform(0.05, 0.25, n) // 100 * 100).astype(np.int64), 100,
                   np.maximum(goods_due - 100, 100))
    refund_line = np.where((kind == 3) & (n_lines > 1), pick, -1)
    refund = np.select([kind == 1, kind == 2, kind == 3],
                       [paid_total, goods_due, np.where(n_lines > 1, line_share, diff)], 0)

    ids = _order_numbers(rng, buyers.suffix[buyer])
    cr = np.clip(0.028 * rng.lognormal(0.0, 0.12, days) * np.where(factors >= 1.8, 1.35, 1.0),
                 0.015, 0.06)
    orders = _Orders(
        day=day, created=created, buyer=buyer, month=month, export_at=export_at,
        first_line=first_line, n_lines=n_lines, qty=qty, list_total=list_total,
        goods_due=goods_due, postage=postage, paid_at=paid_at, close_at=close_at,
        shipped_at=shipped_at, done_at=done_at, refund_at=refund_at, refund=refund,
        refund_line=refund_line, ids=ids,
    )
    return orders, lines, buyers, cr


def _assign_buyers(rng: np.random.Generator, n: int, *, n_prior: int,
                   new_share: float = 0.66) -> tuple[_Buyers, np.ndarray]:
    """
    Draw who places each of ``n`` chronological orders.

    About ``new_share`` of orders come from a buyer never seen before; the others from a
    buyer who already arrived (before the period or earlier in it), chosen by propensity.
    Over a year about a fifth of buyers buy twice or more, a few a dozen times.

    Returns
    -------
    (_Buyers, numpy.ndarray)
        The pool and the buyer index of each order.
    """
    is_new = rng.random(n) < new_share
    new_rank = np.cumsum(is_new)
    buyers = make_buyers(rng, n_prior + int(new_rank[-1] if n else 0), n_prior)
    arrived = n_prior + new_rank - is_new
    cum = np.cumsum(buyers.weight)
    returning = np.searchsorted(cum, rng.random(n) * cum[arrived - 1], side="right")
    return buyers, np.where(is_new, n_prior + new_rank - 1, returning)


def _order_numbers(rng: np.random.Generator, suffix: np.ndarray) -> np.ndarray:
    """
    Return unique 18-19 digit order numbers, increasing over time, ending in the buyer's digits.

    Taobao order numbers end with the last 4 digits of the buyer's user id; the prefix grows
    with time. About 5 % use an older 18-digit series.
    """
    n = len(suffix)
    steps = rng.integers(10_000, 20_000_000, size=n)
    long_prefix = 270_000_000_000_000 + np.cumsum(steps)          # 15 digits -> 19 in all
    short_prefix = 41_000_000_000_000 + np.cumsum(steps // 7)      # 14 digits -> 18 in all
    prefix = np.where(rng.random(n) < 0.05, short_prefix, long_prefix)
    return prefix * 10_000 + suffix


# ---------------------------------------------------------------------------------------
# Status as of the export and text formatting
# ---------------------------------------------------------------------------------------

def order_status(o: _Orders) -> tuple[np.ndarray, np.ndarray]:
    """
    Return each order's status code and refund shown (fen) as of its file's export time.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Status codes (PENDING … CLOSED) and the refund completed by the export, in fen.
    """
    t = o.export_at
    paid = o.paid_at <= t
    refunded = paid & (o.refund_at <= t)
    full_refund = refunded & (o.shipped_at == NEVER) | refunded & (o.done_at == NEVER)
    status = np.select(
        [~paid & (o.close_at <= t), ~paid, full_refund, o.shipped_at > t, o.done_at > t],
        [CLOSED, PENDING, CLOSED, PAID, SHIPPED],
        COMPLETED,
    )
    return status, np.where(refunded, o.refund, 0)


def status_text(code: int, comma: str) -> str:
    """Return the export text of a status code, with the file's comma style."""
    return _STATUS_TEXT[code].format(c=comma)


def fen_text(values: np.ndarray) -> list[str]:
    """Format fen as plain yuan text: ``12345`` -> ``"123.45"``."""
    return [f"{v // 100}.{v % 100:02d}" for v in values.tolist()]


def fen_grouped(value: int) -> str:
    """Format fen as 生意参谋 money text: ``1234567`` -> ``"12,345.67"``."""
    return f"{value // 100:,}.{value % 100:02d}"


def time_text(start: date, seconds: np.ndarray, show: np.ndarray) -> list[str]:
    """Format offsets as ``YYYY-MM-DD HH:MM:SS``; empty where ``show`` is False."""
    stamps = np.datetime64(start, "s") + np.where(show, seconds, 0).astype("timedelta64[s]")
    text = np.datetime_as_string(stamps, unit="s").tolist()
    return [t.replace("T", " ") if s else "" for t, s in zip(text, show.tolist(), strict=True)]


def _tracking(rng: np.random.Generator, carrier: np.ndarray) -> list[str]:
    """Draw tracking numbers shaped like each carrier's."""
    n = len(carrier)
    d13 = rng.integers(10**12, 10**13, size=n)
    d11 = rng.integers(10**10, 10**11, size=n)
    formats = (lambda i: f"75{d13[i]}", lambda i: f"43{d13[i]}", lambda i: f"SF{d13[i]}",
               lambda i: f"98{d11[i]}")
    return [formats[c](i) for i, c in enumerate(carrier.tolist())]


def _sparse_text(rng: np.random.Generator, n: int, share: float,
                 pool: tuple[str, ...]) -> list[str]:
    """Return mostly empty strings, with ``share`` of them drawn from ``pool``."""
    hit = rng.random(n) < share
    pick = rng.integers(len(pool), size=n)
    return [pool[p] if h else "" for h, p in zip(hit.tolist(), pick.tolist(), strict=True)]


def order_rows(rng: np.random.Generator, o: _Orders, lines: _Lines, b: _Buyers, cat: _Catalog,
               *, start: date, shop_id: str, shop_name: str) -> list[list[str]]:
    """
    Render every order as its 61 export cells (as of its file's export time).

    Returns
    -------
    list of list of str
        One row per order, in ``o`` order, cells in ``ORDER_COLUMNS`` order except 订单状态,
        which holds the status code as text (the comma style is applied per file).
    """
    n = len(o.ids)
    status, refund_shown = order_status(o)
    t = o.export_at
    paid = o.paid_at <= t
    shipped = o.shipped_at <= t
    done = status == COMPLETED
    paid_total = o.goods_due + o.postage
    settled = np.where(done, paid_total - refund_shown, 0)
    close = np.where(status != CLOSED, "订单未关闭", np.where(paid, "退款", "买家未付款"))
    pay_day = (np.where(paid, o.paid_at, 0) // DAY).astype("timedelta64[D]")
    pay_date = np.datetime_as_string(np.datetime64(start, "D") + pay_day).tolist()
    alipay_tail = rng.integers(10**14, 10**15, size=n).tolist()
    pay_no = [f"{d.replace('-', '')}22001{x}" if p else ""
              for d, x, p in zip(pay_date, alipay_tail, paid.tolist(), strict=True)]
    carrier = rng.choice(len(_CARRIERS), size=n, p=_CARRIER_P)
    tracking = _tracking(rng, carrier)
    messages = _sparse_text(rng, n, 0.06, _MESSAGES)
    memos = _sparse_text(rng, n, 0.02, _MEMOS)
    mobile = np.where(rng.random(n) < 0.93, "手机订单", "").tolist()
    titles = ["，".join(cat.titles[lines.item[k]] for k in range(f, f + m))
              for f, m in zip(o.first_line.tolist(), o.n_lines.tolist(), strict=True)]
    cols = {
        "goods": fen_text(o.goods_due), "post": fen_text(o.postage),
        "total": fen_text(o.list_total + o.postage), "paid": fen_text(paid_total),
        "refund": fen_text(refund_shown), "settled": [f"{s}元" for s in fen_text(settled)],
        "created": time_text(start, o.created, np.ones(n, dtype=bool)),
        "paid_at": time_text(start, o.paid_at, paid),
        "done_at": time_text(start, o.done_at, done),
    }
    shipped_l, buyer_l = shipped.tolist(), o.buyer.tolist()
    rows = []
    for i in range(n):
        k = buyer_l[i]
        rows.append([
            f'="{o.ids[i]}"', b.nick[k], b.alipay[k], pay_no[i], "", cols["goods"][i],
            cols["post"][i], "0", cols["total"][i], "0", cols["paid"][i], "0", str(status[i]),
            messages[i], b.name[k], b.address[k], "快递", "", f"'{b.phone[k]}", cols["created"][i],
            cols["paid_at"][i], titles[i], str(o.n_lines[i]),
            tracking[i] if shipped_l[i] else "", _CARRIERS[carrier[i]] if shipped_l[i] else "",
            memos[i], str(o.qty[i]), shop_id, shop_name, str(close[i]), "0.00", "0.00", "",
            mobile[i], "", "", "否", "否", "否", "", "", "", "", "0.00", "0.00",
            "", "", "", "", "", "", cols["refund"][i], "", cols["done_at"][i], cols["settled"][i],
            "0.00", "否", "", "", "", "",
        ])
    return rows


def detail_rows(o: _Orders, lines: _Lines, cat: _Catalog) -> list[list[str]]:
    """
    Render every order line as its 10 宝贝报表 cells; 订单状态 holds the status code as text.

    A line refunded on its own shows 交易关闭 once the refund is done, as in real exports.
    """
    status, _ = order_status(o)
    line_status = status[lines.order]
    own_refund = (o.refund_line[lines.order] == np.arange(len(lines.order))) & (
        o.refund_at[lines.order] <= o.export_at[lines.order])
    line_status = np.where(own_refund, CLOSED, line_status)
    price = fen_text(lines.price)
    rows = []
    for k, (oi, item, sku) in enumerate(zip(lines.order.tolist(), lines.item.tolist(),
                                            lines.sku.tolist(), strict=True)):
        rows.append([
            f'="{o.ids[oi]}"', cat.titles[item], price[k], str(lines.qty[k]), cat.item_codes[item],
            cat.sku_props[sku], "", "", str(line_status[k]), cat.sku_codes[sku],
        ])
    return rows


# ---------------------------------------------------------------------------------------
# 生意参谋 daily figures
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShopDay:
    """One 生意参谋 店铺整体 row, as numbers (money in fen)."""

    day: date
    visitors: int
    pageviews: int
    pay_fen: int
    pay_buyers: int
    pay_lines: int
    pay_qty: int
    cart_users: int
    fav_users: int
    order_buyers: int
    order_fen: int
    old_buyers: int
    refund_fen: int


def _per_day(index: np.ndarray, values: np.ndarray, days: int) -> np.ndarray:
    """Sum int64 ``values`` by day ``index``, ignoring days outside [0, days)."""
    keep = (index >= 0) & (index < days)
    out = np.zeros(days, dtype=np.int64)
    np.add.at(out, index[keep], values[keep])
    return out


def _distinct_per_day(index: np.ndarray, who: np.ndarray, days: int) -> np.ndarray:
    """Count distinct ``who`` per day ``index`` within [0, days)."""
    keep = (index >= 0) & (index < days)
    pairs = np.unique(index[keep] * (int(who.max(initial=0)) + 1) + who[keep])
    return np.bincount(pairs // (int(who.max(initial=0)) + 1), minlength=days)[:days]


def shop_days(rng: np.random.Generator, o: _Orders, prior: np.ndarray,
              cr: np.ndarray, start: date) -> list[ShopDay]:
    """
    Compute the 生意参谋 daily overview from the simulated orders.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream (page views, carts, favourites).
    o : _Orders
        The simulated orders.
    prior : numpy.ndarray
        Buyers who bought before the period (老买家 from the first day).
    cr : numpy.ndarray
        Pay conversion rate of each day (fraction, ≈0.02-0.05).
    start : date
        First day.

    Returns
    -------
    list of ShopDay
        One per day. 支付金额 = Σ 买家实际支付金额 of orders paid that day (fen, exact);
        访客数 = round(支付买家数 / cr) (at least 1 buyer's worth on a day without sales).
    """
    days = len(cr)
    paid = o.paid_at != NEVER
    pay_day = np.where(paid, o.paid_at // DAY, -1)
    paid_total = o.goods_due + o.postage
    pay_fen = _per_day(pay_day, paid_total, days)
    pay_buyers = _distinct_per_day(pay_day, o.buyer, days)
    pay_lines = _per_day(pay_day, o.n_lines, days)
    pay_qty = _per_day(pay_day, o.qty, days)
    order_fen = _per_day(o.day, paid_total, days)
    order_buyers = _distinct_per_day(o.day, o.buyer, days)
    refund_day = np.where(o.refund_at != NEVER, o.refund_at // DAY, -1)
    refund_fen = _per_day(refund_day, o.refund, days)
    first_pay = np.full(len(prior), np.iinfo(np.int64).max)
    np.minimum.at(first_pay, o.buyer[paid], pay_day[paid])
    is_old = prior[o.buyer] | (first_pay[o.buyer] < pay_day)
    old_buyers = _distinct_per_day(np.where(is_old, pay_day, -1), o.buyer, days)
    visitors = np.floor(np.maximum(pay_buyers, 1) / cr + 0.5).astype(np.int64)
    pageviews = np.floor(visitors * rng.uniform(2.6, 3.8, days) + 0.5).astype(np.int64)
    carts = np.floor(visitors * rng.uniform(0.07, 0.11, days) + 0.5).astype(np.int64)
    favs = np.floor(visitors * rng.uniform(0.025, 0.05, days) + 0.5).astype(np.int64)
    return [
        ShopDay(start + timedelta(days=d), int(visitors[d]), int(pageviews[d]), int(pay_fen[d]),
                int(pay_buyers[d]), int(pay_lines[d]), int(pay_qty[d]), int(carts[d]),
                int(favs[d]), int(order_buyers[d]), int(order_fen[d]), int(old_buyers[d]),
                int(refund_fen[d]))
        for d in range(days)
    ]


def shop_day_cells(row: ShopDay) -> list[str]:
    """
    Render one day as 生意参谋 shows it: ``1,234``, ``12,345.67``, ``3.52%``, ``2026-10-01``.

    客单价 is 支付金额 ÷ 支付买家数 rounded half-up to the fen; 0.00 on a day without buyers.
    """
    aov = (2 * row.pay_fen + row.pay_buyers) // (2 * row.pay_buyers) if row.pay_buyers else 0
    rate = row.pay_buyers / row.visitors * 100 if row.visitors else 0.0
    return [
        row.day.isoformat(), f"{row.visitors:,}", f"{row.pageviews:,}", fen_grouped(row.pay_fen),
        f"{row.pay_buyers:,}", f"{row.pay_lines:,}", f"{row.pay_qty:,}", f"{rate:.2f}%",
        fen_grouped(aov), f"{row.cart_users:,}", f"{row.fav_users:,}", f"{row.order_buyers:,}",
        fen_grouped(row.order_fen), f"{row.old_buyers:,}", f"{row.pay_buyers - row.old_buyers:,}",
        fen_grouped(row.refund_fen),
    ]


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------

def csv_bytes(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    """Encode rows as an old 卖家中心 CSV: GB18030, CRLF, minimal quoting."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("gb18030")


def _with_status(rows: list[list[str]], col: int, comma: str) -> list[list[str]]:
    """Replace the status code in column ``col`` by its text (new lists, inputs untouched)."""
    return [[*r[:col], status_text(int(r[col]), comma), *r[col + 1:]] for r in rows]


def write_shop_daily(path: Path, rows: list[ShopDay], *, shop_name: str) -> None:
    """
    Write one 生意参谋 店铺整体 workbook: 4 banner rows, header on row 5, one row per day.

    The workbook's creation time is the morning after its last day (not the clock), and
    in-memory mode stamps zip entries with a fixed 1980-01-01 (no temp files, so neither the
    time zone nor the umask leaks in): the bytes depend only on the data.
    """
    first, last = rows[0].day, rows[-1].day
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({
        "title": "店铺整体数据", "author": "生意参谋",
        "created": datetime.combine(last + timedelta(days=1), time(9, 30)),
    })
    sheet = workbook.add_worksheet("店铺整体")
    sheet.write_string(0, 0, "店铺整体数据")
    sheet.write_string(1, 0, f"店铺名称：{shop_name}")
    sheet.write_string(2, 0, f"统计日期：{first.isoformat()} ~ {last.isoformat()}")
    sheet.write_string(3, 0, "数据来源于生意参谋")
    for c, name in enumerate(SHOP_DAILY_COLUMNS):
        sheet.write_string(4, c, name)
    for r, row in enumerate(rows, start=5):
        for c, cell in enumerate(shop_day_cells(row)):
            sheet.write_string(r, c, cell)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, len(SHOP_DAILY_COLUMNS) - 1, 11)
    workbook.close()


def _stamp(start: date, seconds: int) -> str:
    """Return ``yyyyMMddHHmm`` of an offset after start."""
    when = datetime.combine(start, time()) + timedelta(seconds=seconds)
    return when.strftime("%Y%m%d%H%M")


def generate(store: str = "demo", *, end: date, days: int = 400, seed: int = 7,
             daily_orders: float = 120.0, shop_name: str = "演示旗舰店") -> list[Path]:
    """
    Write the demo store's raw exports into paths.raw_dir(store); return the files written.

    Parameters
    ----------
    store : str
        Store id (folder under ``data/raw``).
    end : date
        Last day of data (inclusive); the last exports are dated the next morning 09:30.
    days : int
        Number of days of data, ending at ``end``.
    seed : int
        Seed of the random stream; same arguments give byte-identical files.
    daily_orders : float
        Expected orders created on a normal day (festivals, weekdays and growth move it).
    shop_name : str
        店铺名称 written in the exports.

    Returns
    -------
    list of Path
        Order files, then detail files, then 生意参谋 workbooks, each by month.

    Raises
    ------
    ConfigError
        When the store id is not a safe folder name, ``days`` < 1 or ``daily_orders`` <= 0.
    """
    check_store_id(store)
    if days < 1 or not daily_orders > 0:
        raise ConfigError(f"演示数据参数不合法：days={days}、daily_orders={daily_orders}，"
                          "请用 days ≥ 1、daily_orders > 0")
    start = end - timedelta(days=days - 1)
    rng = np.random.default_rng(seed)
    shop_id = str(int(rng.integers(60_000_000, 600_000_000)))
    cat = make_catalog(rng, year=end.year)
    orders, lines, buyers, cr = simulate(rng, start=start, end=end, daily_orders=daily_orders,
                                         cat=cat)
    rows = order_rows(rng, orders, lines, buyers, cat, start=start, shop_id=shop_id,
                      shop_name=shop_name)
    details = detail_rows(orders, lines, cat)
    daily = shop_days(rng, orders, buyers.prior, cr, start)

    raw = paths.raw_dir(store)
    for sub in (ORDER_DIR, DETAIL_DIR, SYCM_DIR):
        (raw / sub).mkdir(parents=True, exist_ok=True)
    status_col = ORDER_COLUMNS.index("订单状态")
    detail_status = DETAIL_COLUMNS.index("订单状态")
    written: dict[str, list[Path]] = {ORDER_DIR: [], DETAIL_DIR: [], SYCM_DIR: []}
    day_months = _month_keys(start, np.arange(days, dtype=np.int64) * DAY).tolist()
    month_keys, exports = export_months(start, end)
    for m, key in enumerate(month_keys.tolist()):
        comma = "," if (key % 12 + 1) % 2 else "，"
        stamp = _stamp(start, int(exports[m]))
        idx = np.flatnonzero(orders.month == m)[::-1]  # newest first, as exported
        order_path = raw / ORDER_DIR / f"ExportOrderList{stamp}.csv"
        order_path.write_bytes(csv_bytes(
            ORDER_COLUMNS, _with_status([rows[i] for i in idx.tolist()], status_col, comma)))
        line_idx = [k for i in idx.tolist()
                    for k in range(orders.first_line[i], orders.first_line[i] + orders.n_lines[i])]
        detail_path = raw / DETAIL_DIR / f"ExportOrderDetailList{stamp}.csv"
        detail_path.write_bytes(csv_bytes(
            DETAIL_COLUMNS, _with_status([details[k] for k in line_idx], detail_status, comma)))
        month_days = [r for r, mk in zip(daily, day_months, strict=True) if mk == key]
        sycm_path = raw / SYCM_DIR / (f"【生意参谋平台】店铺整体_{month_days[0].day.isoformat()}_"
                                      f"{month_days[-1].day.isoformat()}.xlsx")
        write_shop_daily(sycm_path, month_days, shop_name=shop_name)
        written[ORDER_DIR].append(order_path)
        written[DETAIL_DIR].append(detail_path)
        written[SYCM_DIR].append(sycm_path)
    logger.info("demo store %s: %d orders, %d lines, %d buyers, %s..%s -> %s",
                store, len(orders.ids), len(lines.order), len(buyers.nick), start, end, raw)
    return [*written[ORDER_DIR], *written[DETAIL_DIR], *written[SYCM_DIR]]
