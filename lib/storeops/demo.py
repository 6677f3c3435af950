"""A deterministic synthetic Tmall store that writes raw exports in the real formats.

``generate`` simulates one women's-wear 天猫 shop order by order (catalog, buyers, payment,
shipping, refunds) and writes what its owner would download (DATA_CONTRACT.md §1.1, §1.3,
§2.1)::

    <raw_dir>/订单报表/ExportOrderList<yyyyMMddHHmm>.csv        GB18030, 61 columns, per month
    <raw_dir>/宝贝报表/ExportOrderDetailList<yyyyMMddHHmm>.csv  GB18030, 10 columns, per month
    <raw_dir>/生意参谋/【生意参谋平台】店铺整体_<from>_<to>.xlsx  4 banner rows, per month

and, for the last ``REVIEW_DAYS`` (45) days only, what a daily review reads, derived from the
same orders (``write_review_exports``)::

    生意参谋/流量来源/【生意参谋平台】无线店铺流量来源-<d>_<d>.xlsx   per day, header row 6
    推广/推广关键词报表_<yyyyMMdd>_093000_15天.csv                  GB18030, per week
    客服/自制报表-报表查看-客服绩效_<yyyyMMdd>_<yyyyMMdd>_全部.xlsx    per day, 6 summary rows
    售后/退款单_<yyyyMMddHHmm>.xlsx, 评价/评价导出_<yyyyMMddHHmm>.xlsx,
    评价/店铺DSR数据_<end>.xlsx, ERP/聚水潭_商品库存_<end>.xlsx, 手工/大促日历.xlsx,
    ERP/聚水潭_商品库存日报_<first>_<end−1>.xlsx      daily stock, a few 双11 sell-outs
    生意参谋/竞品/【生意参谋平台】竞品分析_<first>_<end>.xlsx   rival items' indices per day
    生意参谋/商品/【生意参谋平台】商品_全部_<d>_<d>.xls      per day, 4 banner rows (xlsx bytes)

The item report (``write_item_report``) carries a planted story: three best sellers raise
their price ``PRICE_RISE_DAYS`` (14) days before ``end`` (``price_rises``) and their
搜索引导访客数 falls from that day on.

A deliberately bad day (``bad_day``, about 6 days before ``end``) loses search, 推荐 and
paid traffic, so the daily review's anomaly rule has something to catch.

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

LATER_ORDER_COLUMNS: tuple[str, ...] = (
    "直播返现状态", "返现金额", "延迟发货自动赔付金额", "预售订单", "发货时间", "商家备忘",
)
"""Columns later generation A files add at the end (§1.1): the newest exports carry them."""

LATER_HEADER_MONTHS = 3
"""The last this-many monthly order exports have :data:`LATER_ORDER_COLUMNS` (header drift)."""

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

# 无线 traffic sources (DATA_CONTRACT.md §2.3): (流量来源, 来源明细, share of the shop's
# visitors, conversion relative to 手淘搜索, factor on the bad day). On the bad day the best
# seller is delisted for a 主图 complaint (every source loses its visits), the shop's search
# ranking drops with it (手淘搜索 -88 %, 手淘推荐 -65 %) and the 关键词推广 plans are paused
# at noon by mistake (直通车/万相台 -60 %).
_SOURCES: tuple[tuple[str, str, float, float, float], ...] = (
    ("淘内免费", "手淘搜索", 0.28, 1.0, 0.12),
    ("淘内免费", "手淘推荐", 0.20, 0.45, 0.35),
    ("淘内免费", "淘内免费其他", 0.04, 0.8, 0.50),
    ("付费流量", "直通车", 0.22, 1.0, 0.40),
    ("付费流量", "万相台", 0.10, 0.7, 0.40),
    ("付费流量", "淘宝客", 0.02, 1.3, 0.70),
    ("自主访问", "购物车", 0.07, 3.0, 0.75),
    ("自主访问", "我的淘宝", 0.05, 2.2, 0.75),
    ("自主访问", "直接访问", 0.015, 1.5, 0.80),
    ("淘外流量", "淘外APP", 0.01, 0.5, 0.80),
    ("淘外流量", "淘外网站", 0.005, 0.5, 0.80),
)
_SOURCE_SHARE = np.array([s[2] for s in _SOURCES])
_SOURCE_CONV = np.array([s[3] for s in _SOURCES])
_SOURCE_BAD = np.array([s[4] for s in _SOURCES])
_PAID_SEARCH = 3
"""Index of 直通车 in ``_SOURCES``: the 关键词推广 clicks land there."""

BAD_DAY_VISITORS = float(_SOURCE_SHARE @ _SOURCE_BAD / _SOURCE_SHARE.sum())
"""Shop 访客数 on the bad day relative to the same weekday's median (about 0.38)."""
BAD_DAY_ORDERS = float((_SOURCE_SHARE * _SOURCE_CONV) @ _SOURCE_BAD
                       / (_SOURCE_SHARE * _SOURCE_CONV).sum())
"""Orders on the bad day relative to the same weekday's median (about 0.45)."""


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
    refund_kind: np.ndarray  # 0 none, 1 before shipping, 2 returned, 3 partial after delivery
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
             cat: _Catalog, bad: int | None = None
             ) -> tuple[_Orders, _Lines, _Buyers, np.ndarray]:
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
    bad : int, optional
        Index of the bad day (``bad_day``): its traffic falls by source as ``_SOURCES``
        says, so it gets ``BAD_DAY_ORDERS`` x the median orders of the same weekday in the
        4 weeks before (no noise) and a conversion rate that puts its 访客数 at
        ``BAD_DAY_VISITORS`` x their median: the daily review's anomaly rule, which compares
        with that median, sees the fall whatever festivals the weeks before held.

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
    history = [bad - 7 * k for k in range(1, 5) if bad is not None and bad - 7 * k >= 0]
    if bad is not None:
        usual = np.median(counts[history]) if history else daily_orders * factors[bad]
        counts[bad] = int(usual * BAD_DAY_ORDERS + 0.5)
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
    if bad is not None:  # the lost traffic (search, 推荐) converted worse than the rest
        usual_uv = np.median(counts[history] / cr[history]) if history else 0.0
        cr[bad] = np.clip(counts[bad] / (BAD_DAY_VISITORS * usual_uv) if usual_uv > 0 else
                          0.028 * BAD_DAY_ORDERS / BAD_DAY_VISITORS, 0.015, 0.06)
    orders = _Orders(
        day=day, created=created, buyer=buyer, month=month, export_at=export_at,
        first_line=first_line, n_lines=n_lines, qty=qty, list_total=list_total,
        goods_due=goods_due, postage=postage, paid_at=paid_at, close_at=close_at,
        shipped_at=shipped_at, done_at=done_at, refund_at=refund_at, refund=refund,
        refund_line=refund_line, refund_kind=kind, ids=ids,
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
    Render every order as its export cells (as of its file's export time).

    Returns
    -------
    list of list of str
        One row per order, in ``o`` order, cells in ``ORDER_COLUMNS`` then
        ``LATER_ORDER_COLUMNS`` order (older files keep the first 61) except 订单状态, which
        holds the status code as text (the comma style is applied per file).
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
        "shipped_at": time_text(start, o.shipped_at, shipped),
    }
    stage, deposit_rank = presale_cells(start, o.paid_at, paid)
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
            mobile[i], stage[i], "", "否", "否", "否", deposit_rank[i], "", "", "", "0.00", "0.00",
            "", "", "", "", "", "", cols["refund"][i], "", cols["done_at"][i], cols["settled"][i],
            "0.00", "否", "", "", "", "",
            # LATER_ORDER_COLUMNS (written only by the newest exports)
            "", "", "", "", cols["shipped_at"][i], "",
        ])
    return rows


PRESALE_HOURS = 2
"""Hours after midnight of 11-11 in which every third paid order is a presale's balance."""


def presale_cells(start: date, paid_at: np.ndarray, paid: np.ndarray
                  ) -> tuple[list[str], list[str]]:
    """
    Return the 分阶段订单信息 and 定金排名 cells: the 双11 presale balances (no random draw).

    Every third order (by position) paid in the first ``PRESALE_HOURS`` hours of 11-11 is a
    presale whose balance was just paid: ``定金已付尾款已付`` and its deposit rank (1, 2, … in
    pay-time order within the year). Other orders leave both cells empty.
    """
    n = len(paid_at)
    day = (np.where(paid, paid_at, 0) // DAY).astype(np.int64)
    dates = np.datetime64(start, "D") + day.astype("timedelta64[D]")
    month_day = np.datetime_as_string(dates, unit="D")
    clock = np.where(paid, paid_at, 0) % DAY
    is_1111 = np.char.endswith(month_day, "-11-11")
    presale = paid & is_1111 & (clock < PRESALE_HOURS * HOUR) & (np.arange(n) % 3 == 0)
    stage = np.where(presale, "定金已付尾款已付", "").tolist()
    rank = [""] * n
    picked = np.flatnonzero(presale)
    for year in sorted({month_day[i][:4] for i in picked.tolist()}):
        mine = [i for i in picked.tolist() if month_day[i][:4] == year]
        for r, i in enumerate(sorted(mine, key=lambda k: (int(paid_at[k]), k)), start=1):
            rank[i] = str(r)
    return stage, rank


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


# ---------------------------------------------------------------------------------------
# Daily-review exports: the last weeks only (流量来源, 推广, 客服, 售后, 评价, DSR, 库存, 大促)
# ---------------------------------------------------------------------------------------

REVIEW_DAYS = 45
"""Days, ending at ``end``, covered by the daily-review exports."""

TRAFFIC_DIR = "生意参谋/流量来源"
ADS_DIR = "推广"
CS_DIR = "客服"
AFTER_SALE_DIR = "售后"
REVIEW_DIR = "评价"
ERP_DIR = "ERP"
MANUAL_DIR = "手工"
COMPETITOR_DIR = "生意参谋/竞品"

TRAFFIC_COLUMNS: tuple[str, ...] = (
    "流量来源", "来源明细", "访客数", "下单买家数", "下单转化率", "浏览量", "支付买家数",
    "支付金额", "支付转化率", "新访客数", "收藏人数", "加购人数", "UV价值",
)
"""生意参谋 无线店铺流量来源 columns (§2.3), header on row 6."""

KEYWORD_COLUMNS: tuple[str, ...] = (
    "日期", "场景ID", "场景名字", "计划ID", "计划名字", "单元ID", "单元名字", "宝贝ID", "宝贝名称",
    "词类型", "词名字/词包名字", "展现量", "点击量", "花费", "点击率", "平均点击花费",
    "千次展现花费", "平均展现排名", "直接成交金额", "直接成交笔数", "间接成交金额", "间接成交笔数",
    "总成交金额", "总成交笔数", "总购物车数", "收藏宝贝数", "点击转化率", "投入产出比",
)
"""万相台 关键词推广 推广关键词报表 columns (§3.2)."""

CS_COLUMNS: tuple[str, ...] = (
    "旺旺昵称", "旺旺分组", "咨询人数", "接待人数", "有效接待人数", "询单人数", "当日询单人数",
    "询单最终付款人数", "询单最终付款转化率", "询单最终付款金额", "询单流失人数", "销售人数",
    "销售额", "净销售额", "客单价", "首次响应时长（秒)", "平均响应时长（秒)", "旺旺回复率",
    "客户满意率", "淘宝答问比", "成功退款金额",
)
"""千牛 自制报表 客服绩效 columns (§4.1), with the real bracket quirk ``（秒)``."""

CS_SUMMARY_LABELS = ("汇总值", "平均值", "全店汇总值", "全店平均值", "同行同层优秀",
                     "同行同层均值")
"""The 6 summary rows that end a 客服绩效 file (§4.1)."""

REFUND_COLUMNS: tuple[str, ...] = (
    "订单编号", "退款编号", "支付宝交易号", "订单付款时间", "商品id", "商品编码", "宝贝标题",
    "买家实际支付金额", "退款总额", "退给买家金额", "退给平台金额", "售后类型", "退款状态",
    "货物状态", "是否需要退货", "退款申请时间", "退款完结时间", "买家退款原因", "买家退款说明",
)
"""千牛 售后 退款单.xlsx columns (Generation B, §5.2; one row per refunded sub-order)."""

REVIEW_COLUMNS: tuple[str, ...] = (
    "评价时间", "订单编号", "子订单编号", "宝贝ID", "宝贝标题", "SKU", "买家昵称", "评价内容",
    "评价结果", "是否有图", "追评内容", "追评时间", "商家回复",
)
"""Seller-side 评价 export columns (§6.2, expected names)."""

DSR_COLUMNS: tuple[str, ...] = ("指标", "得分", "趋势", "行业均值", "与行业对比", "目标值",
                                "距目标值差距")
DSR_DAILY_COLUMNS: tuple[str, ...] = ("日期", "描述得分（较上日）", "物流得分（较上日）",
                                      "服务得分（较上日）")
"""店铺DSR数据 blocks (§6.1): 180-day block from row 2, daily block from row 8."""

INVENTORY_COLUMNS: tuple[str, ...] = (
    "商品编码", "款式编码", "商品名称", "颜色及规格", "主仓实际库存", "库存锁定数", "订单占有数",
    "仓库待发数", "虚拟库存", "采购在途数", "调拨在途数", "销退仓库存", "进货仓库存", "公有可用数",
    "安全库存",
)
"""聚水潭 商品库存 columns (§7.1)."""

PROMOTION_COLUMNS: tuple[str, ...] = ("活动名称", "活动类型", "预热开始", "正式开始", "结束日期",
                                      "备注")
"""Hand-kept 大促日历 columns."""

Cell = str | int | float | date | None


@dataclass(frozen=True, slots=True)
class _Shop:
    """Everything the daily-review exports are derived from (times: seconds after start)."""

    start: date
    end: date
    first: int               # first day index of the review window
    orders: _Orders
    lines: _Lines
    buyers: _Buyers
    cat: _Catalog
    daily: list[ShopDay]
    pay_no: list[str]        # 支付单号 of each order ("" when unpaid)
    item_ids: list[str]      # 商品ID of each catalog item
    export_at: int           # the day after end, 09:30
    bad: int | None          # day index of the bad day
    shop_name: str

    @property
    def days(self) -> int:
        """Days of the whole period."""
        return len(self.daily)

    def day(self, d: int) -> date:
        """Return the date of day index ``d``."""
        return self.start + timedelta(days=d)

    def text(self, seconds: int) -> str:
        """Format an offset as ``YYYY-MM-DD HH:MM:SS``."""
        return (datetime.combine(self.start, time()) + timedelta(seconds=int(seconds))
                ).strftime("%Y-%m-%d %H:%M:%S")


def bad_day(start: date, end: date) -> date | None:
    """
    Return the demo's deliberately bad day: 6 (else 5, 7, 8 … 12) days before ``end``.

    The day must be in the period and be an ordinary trading day (no festival, no 春节
    trough, no public holiday), so that the daily review does not mute its anomaly.

    Returns
    -------
    date or None
        None when no candidate qualifies (short periods, holiday weeks).
    """
    from storeops import calendar

    for back in (6, 5, 7, 8, 9, 10, 11, 12):
        day = end - timedelta(days=back)
        if (day >= start and event_factor(day) == 1.0 and spring_festival_factor(day) == 1.0
                and calendar.special_day(day) is None):
            return day
    return None


def _cells_money(fen: int) -> float:
    """Yuan as an Excel number (``12345`` fen -> 123.45)."""
    return round(fen / 100, 2)


def _pct(num: float, den: float) -> str:
    """Percent text with 2 decimals, ``0.00%`` when the denominator is 0."""
    return f"{num / den * 100:.2f}%" if den else "0.00%"


def _sum_int(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum int64 ``values`` per ``index`` in [0, size) exactly."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


def write_grid(path: Path, sheet_name: str, grid: list[list[Cell]], *, created: datetime,
               title: str, author: str) -> None:
    """
    Write one worksheet of cells: text as strings, numbers as numbers, dates as date cells.

    Like ``write_shop_daily``: in-memory, fixed creation time, so the bytes depend only on
    the data. ``None`` leaves a cell empty (a blank row is a list of Nones or ``[]``).
    """
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"title": title, "author": author, "created": created})
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(sheet_name)
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                sheet.write_string(r, c, cell)
            elif isinstance(cell, date):
                sheet.write_datetime(r, c, datetime.combine(cell, time()), day_format)
            else:
                sheet.write_number(r, c, cell)
    width = max((len(row) for row in grid), default=0)
    if width:
        sheet.set_column(0, width - 1, 12)
    workbook.close()


# --- 流量来源 -----------------------------------------------------------------------------

def order_sources(rng: np.random.Generator, o: _Orders, days: int,
                  bad: int | None) -> np.ndarray:
    """
    Draw the last-click traffic source (index into ``_SOURCES``) of every order.

    Sources are drawn by share x conversion on the day the order was created; on the bad day
    the fallen sources bring fewer orders.
    """
    weights = np.tile(_SOURCE_SHARE * _SOURCE_CONV, (days, 1))
    if bad is not None:
        weights[bad] *= _SOURCE_BAD
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(o.day))
    return np.minimum((cum[o.day] < u[:, None]).sum(axis=1), len(_SOURCES) - 1)


@dataclass(frozen=True, slots=True)
class _SourceDay:
    visitors: np.ndarray  # per source
    pageviews: np.ndarray
    new_visitors: np.ndarray
    favs: np.ndarray
    carts: np.ndarray
    order_buyers: list[np.ndarray]  # distinct buyer ids per source
    pay_buyers: list[np.ndarray]
    pay_fen: np.ndarray


def source_day(rng: np.random.Generator, shop: _Shop, source: np.ndarray, d: int) -> _SourceDay:
    """
    Compute one day's traffic by source from the shop's 访客数 and the day's orders.

    Visitors overlap between sources (Σ detail ≈ 1.12 x shop 访客数); 支付金额 by source sums
    exactly to the shop's 支付金额 (each paid order has one last-click source).
    """
    o = shop.orders
    n = len(_SOURCES)
    weights = _SOURCE_SHARE * (_SOURCE_BAD if d == shop.bad else 1.0)
    shop_visitors = shop.daily[d].visitors
    paid = (o.paid_at != NEVER) & (o.paid_at // DAY == d)
    created = o.day == d
    pay_fen = _sum_int(source[paid], (o.goods_due + o.postage)[paid], n)
    pay_buyers = [np.unique(o.buyer[paid & (source == i)]) for i in range(n)]
    order_buyers = [np.unique(o.buyer[created & (source == i)]) for i in range(n)]
    raw = shop_visitors * 1.12 * weights / weights.sum() * rng.lognormal(0.0, 0.06, n)
    floor = np.array([max(4 * len(p), 3 * len(b), 1)
                      for p, b in zip(pay_buyers, order_buyers, strict=True)])
    visitors = np.maximum(np.floor(raw + 0.5).astype(np.int64), floor)
    return _SourceDay(
        visitors=visitors,
        pageviews=np.floor(visitors * rng.uniform(1.8, 3.6, n) + 0.5).astype(np.int64),
        new_visitors=np.floor(visitors * rng.uniform(0.55, 0.8, n) + 0.5).astype(np.int64),
        favs=np.floor(visitors * rng.uniform(0.02, 0.05, n) + 0.5).astype(np.int64),
        carts=np.floor(visitors * rng.uniform(0.06, 0.12, n) + 0.5).astype(np.int64),
        order_buyers=order_buyers, pay_buyers=pay_buyers, pay_fen=pay_fen,
    )


def _traffic_cells(first: str, detail: str, visitors: int, order_b: int, pageviews: int,
                   pay_b: int, fen: int, new: int, favs: int, carts: int) -> list[str]:
    """Render one 流量来源 row with 生意参谋's number formats."""
    uv = (2 * fen + visitors) // (2 * visitors) if visitors else 0
    return [first, detail, f"{visitors:,}", f"{order_b:,}", _pct(order_b, visitors),
            f"{pageviews:,}", f"{pay_b:,}", fen_grouped(fen), _pct(pay_b, visitors),
            f"{new:,}", f"{favs:,}", f"{carts:,}", fen_grouped(uv)]


def traffic_rows(day: _SourceDay) -> list[list[str]]:
    """
    Render a day's sources as 生意参谋 shows them, first level above its details.

    Each 流量来源 row is the subtotal of its 来源明细 rows (来源明细 empty): money and buyers
    add up exactly (distinct buyers), visitors overlap (Σ details ÷ 1.04).
    """
    rows = []
    for group in dict.fromkeys(s[0] for s in _SOURCES):
        members = [i for i, s in enumerate(_SOURCES) if s[0] == group]
        overlap = 1.04 if len(members) > 1 else 1.0
        total = {name: int(getattr(day, name)[members].sum() / overlap + 0.5)
                 for name in ("visitors", "pageviews", "new_visitors", "favs", "carts")}
        order_b = len(np.unique(np.concatenate([day.order_buyers[i] for i in members])))
        pay_b = len(np.unique(np.concatenate([day.pay_buyers[i] for i in members])))
        rows.append(_traffic_cells(
            group, "", max(total["visitors"], 4 * pay_b, 1), order_b, total["pageviews"], pay_b,
            int(day.pay_fen[members].sum()), total["new_visitors"], total["favs"],
            total["carts"]))
        for i in members:
            rows.append(_traffic_cells(
                group, _SOURCES[i][1], int(day.visitors[i]), len(day.order_buyers[i]),
                int(day.pageviews[i]), len(day.pay_buyers[i]), int(day.pay_fen[i]),
                int(day.new_visitors[i]), int(day.favs[i]), int(day.carts[i])))
    return rows


def traffic_grid(day: date, rows: list[list[str]], shop_name: str) -> list[list[Cell]]:
    """Return a 流量来源 sheet: 5 banner rows, the header on row 6, then the rows."""
    return [
        ["店铺流量来源"], [f"店铺名称：{shop_name}"],
        [f"统计日期：{day.isoformat()} ~ {day.isoformat()}"], ["终端：无线"],
        ["注：一个访客可能经由多个来源进店，各来源访客数之和大于店铺访客数"],
        list(TRAFFIC_COLUMNS), *rows,
    ]


# --- 万相台 关键词推广 -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Keyword:
    plan: int
    item: int
    word: str
    word_type: str
    weight: float     # share of the plan's clicks
    cpc: float        # relative cost per click
    ctr: float
    roi: float        # target 总成交金额 / 花费
    rank: float
    min_clicks: int = 0


_PLANS = ("日常销售-爆款主推", "新品测款-秋冬", "拉新-类目大词")
LOW_CTR_WORD = "{noun}女 新款"
"""Plan 1's broad word whose CTR is far below its plan's median (daily review: 换创意)."""
NO_SALE_WORD = "{noun}女 小众设计感"
"""Plan 2's long-tail word that spends every day and never sells (daily review: 暂停关键词)."""
LOSS_WORD = "{noun}"
"""Plan 3's category word with ROI ≈ 1.5, below break-even 1/0.45 ≈ 2.22 (daily review)."""


def _category(cat: _Catalog, item: int) -> _Category:
    code = cat.item_codes[item][:2]
    return next(c for c in _CATEGORIES if c.code == code)


def ranked_items(shop: _Shop) -> list[int]:
    """Items by paid quantity in the review window, best first (popularity breaks ties)."""
    o, lines = shop.orders, shop.lines
    paid = (o.paid_at != NEVER) & (o.day >= shop.first)
    qty = _sum_int(lines.item[paid[lines.order]], lines.qty[paid[lines.order]],
                   len(shop.cat.titles))
    return np.lexsort((-shop.cat.popularity, -qty)).tolist()


def keywords(rng: np.random.Generator, shop: _Shop) -> list[_Keyword]:
    """
    Draw the 关键词推广 plans' keywords: 3 plans, 5 promoted items, 5-6 words per item.

    Three words are built to trigger the daily review's rules (``LOW_CTR_WORD``,
    ``NO_SALE_WORD``, ``LOSS_WORD``); the others convert at ROI 2.8-5.5.
    """
    top = ranked_items(shop)[:5]
    while len(top) < 5:
        top.append(top[len(top) % max(len(top), 1)] if top else 0)
    plan_items = ((0, top[0]), (0, top[1]), (1, top[2]), (1, top[3]), (2, top[4]))
    out: list[_Keyword] = []
    for plan, item in plan_items:
        c = _category(shop.cat, item)
        season = next((w for w in _SEASON_WORDS[c.season] if w), "新款")
        words = [f"{c.noun}女", f"{c.attrs[0]}{c.noun}", f"{c.noun}女{season}",
                 f"{c.attrs[1]}{c.noun}女", f"{_FITS[item % len(_FITS)]}{c.noun}女"]
        seen: set[str] = set()
        for word in words:
            if word in seen:
                continue
            seen.add(word)
            out.append(_Keyword(plan, item, word, "关键词", float(rng.uniform(0.6, 1.4)),
                                float(rng.uniform(0.75, 1.25)), float(rng.uniform(0.028, 0.048)),
                                float(rng.uniform(2.8, 5.5)), float(rng.uniform(3, 16))))
    first = plan_items[0][1]
    noun = _category(shop.cat, first).noun
    out.append(_Keyword(0, first, "流量智选词包", "词包", 1.2, 0.8, 0.031, 3.6, 9.5))
    out.append(_Keyword(0, first, LOW_CTR_WORD.format(noun=noun), "关键词", 0.9, 0.9, 0.0055,
                        3.0, 21.0))
    third = plan_items[2][1]
    out.append(_Keyword(1, third, NO_SALE_WORD.format(noun=_category(shop.cat, third).noun),
                        "关键词", 0.7, 1.3, 0.033, 0.0, 6.5, min_clicks=6))
    fifth = plan_items[4][1]
    out.append(_Keyword(2, fifth, LOSS_WORD.format(noun=_category(shop.cat, fifth).noun),
                        "关键词", 2.5, 1.7, 0.036, 1.5, 4.2))
    return out


def keyword_rows(rng: np.random.Generator, shop: _Shop, words: list[_Keyword],
                 clicks_by_day: dict[int, int]) -> dict[int, list[list[str]]]:
    """
    Simulate every keyword on every review day; return the report rows by day index.

    A day's spend is ≈10 % of its 支付金额 (less on the bad day: the plans were paused at
    noon); its clicks are the 直通车 visitors of the 流量来源 file x 1.1. Orders follow each
    word's target ROI with a running quota, so the ROI over a week is stable, and a word
    that sells at all never goes 6 days without an order (only ``NO_SALE_WORD`` does).
    """
    plan_ids = [str(int(x)) for x in rng.integers(2_000_000_000, 4_000_000_000, len(_PLANS))]
    unit_ids = {i: str(int(rng.integers(5_000_000_000, 9_000_000_000)))
                for i in sorted({w.item for w in words})}
    quota = rng.random(len(words))
    dry = np.zeros(len(words), dtype=np.int64)  # days since the word's last order
    weight = np.array([w.weight for w in words])
    cpc = np.array([w.cpc for w in words])
    out: dict[int, list[list[str]]] = {}
    for d in sorted(clicks_by_day):
        gmv = shop.daily[d].pay_fen
        spend = max(int(gmv * 0.10 * rng.lognormal(0.0, 0.08)), 3_000)
        if d == shop.bad:
            spend = int(spend * _SOURCE_BAD[_PAID_SEARCH])
        p = weight * rng.lognormal(0.0, 0.15, len(words))
        clicks = rng.multinomial(max(clicks_by_day[d], len(words)), p / p.sum())
        clicks = np.maximum(clicks, [w.min_clicks for w in words])
        cost = np.floor(spend * clicks * cpc / max(float(clicks @ cpc), 1.0)).astype(np.int64)
        rows = []
        for k, w in enumerate(words):
            price = int(shop.cat.price[w.item])
            expected = w.roi * cost[k] / (price * 1.1)
            before = int(quota[k])
            quota[k] += expected
            orders = int(quota[k]) - before
            if orders == 0 and w.roi > 0 and dry[k] >= 5:
                orders, quota[k] = 1, quota[k] - 1  # an order earlier, one fewer later
            dry[k] = 0 if orders else dry[k] + 1
            fen = int(sum(price * rng.uniform(0.95, 1.25) for _ in range(orders)))
            direct = int(orders * 0.72 + 0.5)
            direct_fen = fen * direct // orders if orders else 0
            ctr = w.ctr * rng.lognormal(0.0, 0.08)
            impressions = max(int(clicks[k] / ctr + 0.5), int(clicks[k]), 1)
            carts = int(rng.binomial(clicks[k], 0.09))
            favs = int(rng.binomial(clicks[k], 0.035))
            c = int(cost[k])
            rows.append([
                shop.day(d).isoformat(), "380", "关键词推广", plan_ids[w.plan], _PLANS[w.plan],
                unit_ids[w.item], f"{shop.cat.item_codes[w.item]}_主推单元",
                shop.item_ids[w.item], shop.cat.titles[w.item], w.word_type, w.word,
                str(impressions), str(int(clicks[k])), f"{c / 100:.2f}",
                _pct(int(clicks[k]), impressions),
                f"{c / clicks[k] / 100:.2f}" if clicks[k] else "0.00",
                f"{c / impressions * 10:.2f}",
                f"{w.rank * rng.lognormal(0.0, 0.1):.1f}",
                f"{direct_fen / 100:.2f}", str(direct), f"{(fen - direct_fen) / 100:.2f}",
                str(orders - direct), f"{fen / 100:.2f}", str(orders), str(carts), str(favs),
                _pct(orders, int(clicks[k])), f"{fen / c:.2f}" if c else "0.00",
            ])
        out[d] = rows
    return out


# --- 客服绩效 -----------------------------------------------------------------------------

# (子账号, 分组, share of paying inquirers, share of lost inquirers, first response s,
#  average response s, 旺旺回复率, 客户满意率). 小陈 is new: slow, and converts far less.
_AGENTS: tuple[tuple[str, str, float, float, float, float, float, float], ...] = (
    ("小王", "售前组", 0.30, 0.21, 9.0, 24.0, 0.998, 0.986),
    ("小李", "售前组", 0.27, 0.21, 11.5, 29.0, 0.996, 0.978),
    ("小美", "售前组", 0.26, 0.21, 10.0, 26.0, 0.997, 0.981),
    ("小陈", "售前组", 0.11, 0.31, 42.0, 81.0, 0.958, 0.905),
    ("小张", "售后组", 0.06, 0.06, 15.0, 36.0, 0.993, 0.957),
)
_PEERS = {"同行同层优秀": (0.585, 6.5, 16.0, 1.0, 0.991),
          "同行同层均值": (0.462, 13.8, 33.5, 0.992, 0.968)}
"""Peer rows: (询单转化率, 首次响应, 平均响应, 回复率, 满意率); the file shows only rates."""


def cs_grid(rng: np.random.Generator, shop: _Shop, d: int) -> list[list[Cell]]:
    """
    Return one day's 客服绩效 sheet: one row per agent, then the 6 summary rows.

    About 42 % of the day's paying buyers asked an agent first (询单); as many inquirers
    again did not pay. Amounts are their real payments of the day; 净销售额 subtracts the
    refunds of those orders completed by the export.
    """
    o = shop.orders
    paid = np.flatnonzero((o.paid_at != NEVER) & (o.paid_at // DAY == d))
    buyers, first = np.unique(o.buyer[paid], return_inverse=True)
    fen = _sum_int(first, (o.goods_due + o.postage)[paid], len(buyers))
    refunded = np.where(o.refund_at[paid] <= shop.export_at, o.refund[paid], 0)
    refund_fen = _sum_int(first, refunded, len(buyers))
    asked = rng.random(len(buyers)) < 0.42
    n_agents = len(_AGENTS)
    who = rng.choice(n_agents, size=len(buyers), p=[a[2] for a in _AGENTS])
    lost_total = int(asked.sum() * rng.uniform(0.95, 1.25) + 0.5)
    lost = rng.multinomial(lost_total, [a[3] / sum(x[3] for x in _AGENTS) for a in _AGENTS])
    rows: list[list[Cell]] = []
    stats = []
    for a, (name, group, _, _, first_s, avg_s, reply, happy) in enumerate(_AGENTS):
        mine = asked & (who == a)
        paid_users = int(mine.sum())
        amount = int(fen[mine].sum())
        refund = int(refund_fen[mine].sum())
        inquiry = paid_users + int(lost[a])
        after_sale = int(rng.integers(8, 25)) if group == "售后组" else int(
            inquiry * rng.uniform(0.12, 0.3))
        consult = inquiry + after_sale
        served = int(consult * min(reply * rng.uniform(0.995, 1.003), 1.0) + 0.5)
        valid = int(served * rng.uniform(0.88, 0.95) + 0.5)
        first_t = round(first_s * float(rng.lognormal(0.0, 0.1)), 2)
        avg_t = round(avg_s * float(rng.lognormal(0.0, 0.08)), 2)
        stats.append((consult, served, valid, inquiry, paid_users, amount, refund, first_t,
                      avg_t, served / consult if consult else 1.0,
                      happy * float(rng.uniform(0.99, 1.005))))
        rows.append([
            f"{shop.shop_name}:{name}", group, consult, served, valid, inquiry,
            int(inquiry * rng.uniform(0.86, 0.97)), paid_users, _pct(paid_users, inquiry),
            _cells_money(amount), inquiry - paid_users, paid_users, _cells_money(amount),
            _cells_money(amount - refund),
            _cells_money((2 * amount + paid_users) // (2 * paid_users) if paid_users else 0),
            first_t, avg_t, _pct(served, consult), f"{min(stats[-1][10], 1.0) * 100:.2f}%",
            f"{rng.uniform(0.9, 1.4) * 100:.2f}%", _cells_money(refund),
        ])
    rows.extend(_cs_summaries(stats))
    return [list(CS_COLUMNS), *rows]


def _cs_summaries(stats: list[tuple]) -> list[list[Cell]]:
    """Return the 汇总值 / 平均值 / 全店… / 同行同层… rows of a 客服绩效 file."""
    cols = list(zip(*stats, strict=True))
    consult, served, valid, inquiry, paid, amount, refund = (sum(c) for c in cols[:7])
    weight = [s[1] for s in stats]
    total_w = sum(weight) or 1

    def weighted(k: int) -> float:
        return sum(s[k] * w for s, w in zip(stats, weight, strict=True)) / total_w

    first_t, avg_t, happy = round(weighted(7), 2), round(weighted(8), 2), weighted(10)
    n = len(stats)

    def row(label: str, div: float, overlap: float) -> list[Cell]:
        # a buyer passed between agents counts once for the shop (咨询/接待 only)
        def count(x: int, scale: float = 1.0) -> Cell:
            value = x * scale / div
            return int(value + 0.5) if div == 1 else round(value, 2)

        return [label, None, count(consult, overlap), count(served, overlap),
                count(valid, overlap), count(inquiry),
                None, count(paid), _pct(paid, inquiry), round(amount / 100 / div, 2),
                count(inquiry - paid), count(paid), round(amount / 100 / div, 2),
                round((amount - refund) / 100 / div, 2),
                round(amount / paid / 100, 2) if paid else 0.0, first_t, avg_t,
                _pct(served, consult), f"{min(happy, 1.0) * 100:.2f}%", None,
                round(refund / 100 / div, 2)]

    out = [row("汇总值", 1, 1.0), row("平均值", n, 1.0), row("全店汇总值", 1, 0.97),
           row("全店平均值", n, 0.97)]
    for label, (cvr, first_p, avg_p, reply_p, happy_p) in _PEERS.items():
        out.append([label, None, None, None, None, None, None, None, f"{cvr * 100:.2f}%",
                    None, None, None, None, None, None, first_p, avg_p,
                    f"{reply_p * 100:.2f}%", f"{happy_p * 100:.2f}%", None, None])
    return out


# --- 退款单 -------------------------------------------------------------------------------

# (买家退款原因, 买家退款说明, weight) by refund case.
_REFUND_REASONS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "before_ship": (("不想要了", "不想要了", 0.4), ("发货慢", "两天了还没发货", 0.3),
                    ("拍错/多拍/不喜欢", "颜色拍错了，重新拍", 0.3)),
    "return": (("尺码不合适", "偏小，穿不下", 0.45), ("质量问题", "有线头，腋下开线", 0.2),
               ("与商品描述不符", "颜色和图片差别大", 0.15), ("七天无理由退换货", "不喜欢", 0.2)),
    "price_diff": (("质量问题", "有小瑕疵，和客服协商部分退款", 1.0),),
    "one_line": (("尺码不合适", "其中一件偏大，退一件", 0.6), ("质量问题", "其中一件有污渍", 0.4)),
    "closed": (("尺码不合适", "想换小一码", 0.6), ("不想要了", "不想要了", 0.4)),
}


def _allocate(total: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """
    Split each group's int64 ``total`` over its rows pro rata to ``weights``, exactly.

    ``group`` numbers the rows' groups 0..len(total)-1, each group contiguous and present;
    the rounding remainder goes to the group's last row.
    """
    n = len(total)
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    share = total[group] * weights // np.maximum(_sum_int(group, weights, n)[group], 1)
    last = np.r_[group[1:] != group[:-1], True]
    share[last] += (total - _sum_int(group, share, n))[group[last]]
    return share


def _reason(rng: np.random.Generator, case: str) -> tuple[str, str]:
    options = _REFUND_REASONS[case]
    w = np.array([x[2] for x in options])
    pick = options[int(rng.choice(len(options), p=w / w.sum()))]
    return pick[0], pick[1]


def refund_rows(rng: np.random.Generator, shop: _Shop) -> list[list[Cell]]:
    """
    Return the 退款单 rows of every refund applied for in the review window.

    One row per refunded sub-order: the simulation's refunds (before shipping: 仅退款;
    returned: 退货退款; partial: one line returned, or a price difference for a flaw),
    with their amounts split over the order's lines, plus a few requests the buyer
    withdrew (退款关闭, nothing refunded). Refunds not finished at the export are shown in
    progress, without 退款完结时间.
    """
    o, lines, t_export = shop.orders, shop.lines, shop.export_at
    n = len(o.ids)
    kind = o.refund_kind
    amount = lines.price * lines.qty
    line_paid = _allocate(o.goods_due + o.postage, amount, lines.order)
    line_refund = _allocate(o.refund, amount, lines.order)

    def uni(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, n).astype(np.int64)

    applied = np.select(
        [kind == 1, kind == 2, kind == 3],
        [np.maximum(o.refund_at - uni(0.3 * HOUR, 6 * HOUR), o.paid_at + MINUTE),
         np.maximum(o.refund_at - uni(2 * DAY, 5 * DAY), o.shipped_at + DAY),
         np.maximum(o.refund_at - uni(3 * HOUR, 36 * HOUR), o.shipped_at + HOUR)],
        NEVER)
    window = shop.first * DAY
    closed_pick = ((kind == 0) & (o.paid_at != NEVER) & (o.shipped_at <= t_export)
                   & (rng.random(n) < 0.012))
    closed_at = o.shipped_at + uni(1 * DAY, 4 * DAY)
    closed_end = closed_at + uni(1 * DAY, 3 * DAY)
    cases: list[tuple[int, int]] = []  # (applied, order)
    cases += [(int(applied[i]), i) for i in np.flatnonzero(
        (kind > 0) & (applied >= window) & (applied <= t_export)).tolist()]
    cases += [(int(closed_at[i]), i) for i in np.flatnonzero(
        closed_pick & (closed_at >= window) & (closed_end <= t_export)).tolist()]
    cases.sort()
    refund_ids = 180_000_000_000_000_000 + np.cumsum(
        rng.integers(100_000, 90_000_000, len(cases)))
    rows: list[list[Cell]] = []
    for (when, i), rid in zip(cases, refund_ids.tolist(), strict=True):
        first, k = int(o.first_line[i]), int(kind[i])
        done = o.refund_at[i] <= t_export
        if k == 0:
            targets, case = [first], "closed"
        elif k in (1, 2):
            targets, case = list(range(first, first + int(o.n_lines[i]))), (
                "before_ship" if k == 1 else "return")
        elif o.refund_line[i] >= 0:
            targets, case = [int(o.refund_line[i])], "one_line"
        else:
            targets, case = [first], "price_diff"
        returned = case in ("return", "one_line", "closed")
        if k == 0:
            status, finished = "退款关闭", shop.text(closed_end[i])
        elif done:
            status, finished = "退款成功", shop.text(o.refund_at[i])
        elif returned and when < t_export - 2 * DAY:
            status, finished = "买家已经退货，等待卖家确认收货", ""
        elif returned:
            status, finished = "卖家已经同意退款，等待买家退货", ""
        else:
            status, finished = "买家已经申请退款，等待卖家同意", ""
        goods = ("未发货" if case == "before_ship" else
                 "买家已退货" if returned and status not in (
                     "卖家已经同意退款，等待买家退货", "退款关闭") else "买家已收到货")
        reason, text = _reason(rng, case)
        for line in targets:
            item = int(lines.item[line])
            asked = (int(line_refund[line]) if k in (1, 2) else
                     int(o.refund[i]) if k == 3 else int(line_paid[line]))
            back = asked if status != "退款关闭" else 0
            rows.append([
                str(int(o.ids[i])), str(rid), shop.pay_no[i], shop.text(o.paid_at[i]),
                shop.item_ids[item], shop.cat.sku_codes[int(lines.sku[line])],
                shop.cat.titles[item], _cells_money(int(line_paid[line])), _cells_money(asked),
                _cells_money(back), 0.0, "退货退款" if returned else "仅退款", status, goods,
                "是" if returned else "否", shop.text(when), finished, reason, text,
            ])
            rid += 1
    return rows[::-1]  # newest first, as exported


# --- 评价 ---------------------------------------------------------------------------------

_GOOD_TEXTS = (
    "衣服收到了，质量很好，穿着很舒服，尺码标准", "面料软糯不起球，颜色和图片一样，好评",
    "第二次回购了，版型好看，很显瘦", "物流很快，包装完好，客服态度也很好",
    "上身效果很好，性价比高，推荐购买", "很百搭，厚薄合适，家人都说好看",
    "做工精细，没有线头，很满意", "颜色很正，没有色差，尺码合适", "穿上很有气质，会回购的",
    "价格实惠，质量对得起这个价", "宝贝和描述一致，小个子穿也好看", "发货快，第二天就到了",
)
_APPEND_GOOD = ("穿了一段时间了，洗了两次没有变形，还是很喜欢", "又买了一件送妈妈，她很喜欢")
_BAD_TEXTS = {  # case -> (评价结果, texts)
    "quality": ("差评", ("质量太差了，洗一次就起球", "有线头还有污渍，和描述不符",
                         "面料很薄，透，对不起这个价格")),
    "slow": ("中评", ("东西还行，就是发货太慢了，等了好几天", "衣服可以，发货慢，催了客服才发")),
    "size": ("中评", ("尺码偏小一码，建议大家拍大一号", "版型一般，和模特图差别有点大")),
    "color": ("差评", ("色差严重，实物颜色发暗", "和图片完全不是一个颜色，失望")),
}
_REPLY_BAD = "亲，非常抱歉给您带来不好的体验，已安排售后客服联系您处理，支持退换，运费我们承担。"
_REPLY_GOOD = "感谢亲的支持与喜爱，期待您再次光临。"
BAD_REVIEWS_PER_WEEK = 3
"""中评/差评 in the 评价 export per week of the review window."""


def sub_order_ids(o: _Orders, lines: _Lines) -> np.ndarray:
    """
    Return a 子订单编号 for every line.

    A one-line order's sub-order is the order number itself; the lines of a longer order get
    numbers just above it ending in the same 4 buyer digits (as Taobao numbers do).
    """
    order = lines.order
    pos = np.arange(len(order)) - o.first_line[order]
    ids = o.ids[order]
    multi = o.n_lines[order] > 1
    return np.where(multi, (ids // 10_000 + pos + 1) * 10_000 + ids % 10_000, ids)


def review_rows(rng: np.random.Generator, shop: _Shop) -> list[list[Cell]]:
    """
    Return the 评价 rows written in the review window, newest first.

    About 10 % of the received lines leave a 好评; ``BAD_REVIEWS_PER_WEEK`` 中评/差评 a week
    fall mostly on orders with a quality refund or a slow shipment.
    """
    o, lines = shop.orders, shop.lines
    order = lines.order
    n = len(o.ids)
    when = o.done_at + rng.uniform(10 * MINUTE, 3 * DAY, n).astype(np.int64)
    refunded_line = (o.refund_line[order] == np.arange(len(order)))
    ok = ((o.done_at[order] != NEVER) & (when[order] >= shop.first * DAY)
          & (when[order] <= shop.export_at) & ~refunded_line)
    partial_flaw = (o.refund_kind == 3) & (o.refund_line < 0)
    slow = (o.shipped_at != NEVER) & (o.shipped_at - o.paid_at > 40 * HOUR)
    weight = np.where(partial_flaw[order], 12.0, np.where(slow[order], 6.0, 1.0))
    bad: dict[int, str] = {}
    week = (when[order] // DAY - shop.first) // 7
    for w in np.unique(week[ok]).tolist():
        cands = np.flatnonzero(ok & (week == w))
        k = min(BAD_REVIEWS_PER_WEEK, len(cands))
        picked = rng.choice(cands, size=k, replace=False, p=weight[cands] / weight[cands].sum())
        for line in picked.tolist():
            oi = int(order[line])
            bad[line] = ("quality" if partial_flaw[oi] else "slow" if slow[oi] else
                         ("size", "color")[int(rng.integers(2))])
    good = ok & (rng.random(len(order)) < 0.10)
    subs = sub_order_ids(o, lines)
    rows: list[tuple[int, list[Cell]]] = []
    for line in np.flatnonzero(good | np.isin(np.arange(len(order)), list(bad))).tolist():
        oi, item = int(order[line]), int(lines.item[line])
        at = int(when[oi])
        if line in bad:
            rating, texts = _BAD_TEXTS[bad[line]]
            content, image, reply = texts[int(rng.integers(len(texts)))], rng.random() < 0.6, \
                _REPLY_BAD
        else:
            rating, content = "好评", _GOOD_TEXTS[int(rng.integers(len(_GOOD_TEXTS)))]
            image, reply = rng.random() < 0.25, _REPLY_GOOD if rng.random() < 0.05 else ""
        append_at = at + int(rng.uniform(5 * DAY, 20 * DAY))
        has_append = rating == "好评" and rng.random() < 0.12 and append_at <= shop.export_at
        nick = shop.buyers.nick[int(o.buyer[oi])]
        rows.append((at, [
            shop.text(at), str(int(o.ids[oi])), str(int(subs[line])), shop.item_ids[item],
            shop.cat.titles[item], shop.cat.sku_props[int(lines.sku[line])],
            nick[0] + "**" + (nick[-1] if len(nick) > 2 else ""), content, rating,
            "是" if image else "否",
            _APPEND_GOOD[int(rng.integers(len(_APPEND_GOOD)))] if has_append else "",
            shop.text(append_at) if has_append else "", reply,
        ]))
    rows.sort(key=lambda r: -r[0])
    return [r for _, r in rows]


# --- 店铺DSR ------------------------------------------------------------------------------

DSR_DAYS = 30
_DSR_INDUSTRY = {"描述相符": 4.79215, "服务态度": 4.80876, "物流质量": 4.80233}
DSR_TARGET = 4.8


def dsr_grid(rng: np.random.Generator, shop: _Shop) -> list[list[Cell]]:
    """
    Return the 店铺DSR数据 sheet: a 180-day block and a daily block.

    The 180-day block has its header on row 2; below a blank row and a title comes the daily
    block (header on row 8) of the last ``DSR_DAYS`` days.

    描述相符 and 服务态度 hover around 4.82-4.84; 物流 slips from 4.816 to below 4.80 in the
    last days (slow shipments), the score the daily review should flag.
    """
    n = min(DSR_DAYS, shop.days)
    x = np.linspace(0.0, 1.0, n)
    desc = 4.8225 + np.cumsum(rng.normal(0, 0.0004, n))
    service = 4.8360 + np.cumsum(rng.normal(0, 0.0003, n))
    logistics = 4.8160 - 0.0235 * x ** 1.6 + rng.normal(0, 0.0002, n)
    series = {"描述相符": np.round(desc, 5), "服务态度": np.round(service, 5),
              "物流质量": np.round(logistics, 5)}
    rated = 4_000 + int(rng.integers(0, 800))  # 5-star-weighted rated orders in 180 days
    grid: list[list[Cell]] = [["店铺DSR评分（近180天）"], list(DSR_COLUMNS)]
    for label, values in series.items():
        score, week_ago = float(values[-1]), float(values[max(0, n - 8)])
        industry = _DSR_INDUSTRY[label]
        trend = "下降" if score < week_ago - 0.0005 else "上升" if score > week_ago + 0.0005 \
            else "持平"
        vs = f"{'高于' if score >= industry else '低于'}行业{abs(score - industry) / industry:.2%}"
        need = int(np.ceil((DSR_TARGET - score) * rated / (5 - DSR_TARGET)))
        gap = "已达标" if score >= DSR_TARGET else f"还差{need}笔5分评价订单"
        grid.append([label, f"{score:.5f}", trend, f"{industry:.5f}", vs, f"{DSR_TARGET:.5f}",
                     gap])
    grid += [[], [f"每日评分（近{n}天）"], list(DSR_DAILY_COLUMNS)]
    for i in range(n):
        day = shop.end - timedelta(days=n - 1 - i)
        cells: list[Cell] = [day.isoformat()]
        for label in ("描述相符", "物流质量", "服务态度"):
            v = float(series[label][i])
            delta = v - float(series[label][i - 1]) if i else 0.0
            cells.append(f"{v:.5f}({delta:+.5f})")
        grid.append(cells)
    return grid


# --- 聚水潭 商品库存 ------------------------------------------------------------------------

BEST_SELLERS_SHORT = 8
"""Best-selling SKUs whose stock is below 安全库存 in the snapshot."""
SLOW_ITEMS = 6
"""Items with stock on every SKU and no sale in the last 60 days."""


def inventory_rows(rng: np.random.Generator, shop: _Shop) -> list[list[Cell]]:
    """
    Return the 聚水潭 stock snapshot at the end of ``end``, one row per catalog SKU.

    订单占有数 / 仓库待发数 are the paid, not yet shipped lines of the simulation; 安全库存 is
    ten days of the last 30 days' sales; the ``BEST_SELLERS_SHORT`` best sellers are below
    it (half with a purchase in transit); ``SLOW_ITEMS`` unsold items carry a lot of stock.
    """
    o, lines, cat = shop.orders, shop.lines, shop.cat
    n_sku = len(cat.sku_codes)
    cut = shop.days * DAY
    order = lines.order
    waiting = ((o.paid_at < cut) & (o.shipped_at >= cut) & (o.refund_at >= cut))[order]
    locked_order = _sum_int(lines.sku[waiting], lines.qty[waiting], n_sku)
    early = waiting & (o.paid_at[order] < cut - 2 * HOUR)
    pick = _sum_int(lines.sku[early], lines.qty[early], n_sku)
    pay_day = np.where(o.paid_at != NEVER, o.paid_at // DAY, -1)[order]
    recent = (pay_day >= shop.days - 30) & (pay_day >= 0)
    qty30 = _sum_int(lines.sku[recent], lines.qty[recent], n_sku)
    sold60 = _sum_int(lines.sku[pay_day >= shop.days - 60], lines.qty[pay_day >= shop.days - 60],
                      n_sku)
    back = ((o.refund_kind == 2) & (o.refund_at < cut) & (o.refund_at >= cut - 3 * DAY))[order]
    returns = _sum_int(lines.sku[back], lines.qty[back], n_sku)
    rate = qty30 / 30
    safety = np.where(qty30 > 0, np.maximum(3, np.ceil(rate * 10)), 0).astype(np.int64)
    free = np.where(qty30 > 0, np.floor(rate * rng.uniform(18, 45, n_sku) + 0.5)
                    + rng.integers(2, 11, n_sku), rng.integers(0, 13, n_sku)).astype(np.int64)
    po = np.zeros(n_sku, dtype=np.int64)
    best = [s for s in np.argsort(-qty30, kind="stable")[:BEST_SELLERS_SHORT].tolist()
            if qty30[s] > 0]
    for k, s in enumerate(best):
        free[s] = int(safety[s] * rng.uniform(0.15, 0.6))
        if k % 2 == 0:
            po[s] = int(safety[s] * 3)
    item_sold = _sum_int(cat.sku_item, sold60, len(cat.titles))
    unsold = np.flatnonzero(item_sold == 0)
    slow = rng.choice(unsold, size=min(SLOW_ITEMS, len(unsold)), replace=False) if len(
        unsold) else np.zeros(0, dtype=np.int64)
    for s in np.flatnonzero(np.isin(cat.sku_item, slow)).tolist():
        free[s] = int(rng.integers(40, 161))
    lock = np.zeros(n_sku, dtype=np.int64)
    normal = np.flatnonzero((qty30 > 0) & ~np.isin(np.arange(n_sku), best))
    if len(normal):
        lock[rng.choice(normal, size=min(2, len(normal)), replace=False)] = 10
    on_hand = free + locked_order + lock
    rows: list[list[Cell]] = []
    for s in sorted(range(n_sku), key=lambda k: cat.sku_codes[k]):
        item = int(cat.sku_item[s])
        spec = ";".join(p.split(":", 1)[1] for p in cat.sku_props[s].split(";"))
        rows.append([
            cat.sku_codes[s], cat.item_codes[item], cat.titles[item], spec, int(on_hand[s]),
            int(lock[s]), int(locked_order[s]), int(pick[s]), 0, int(po[s]), 0,
            int(returns[s]), 0, int(on_hand[s] - locked_order[s] - lock[s]), int(safety[s]),
        ])
    return rows


STOCK_DAY_COLUMNS: tuple[str, ...] = (
    "库存日期", "商品编码", "款式编码", "商品名称", "颜色及规格", "主仓实际库存", "订单占有数",
    "公有可用数", "安全库存",
)
"""聚水潭 商品库存 columns of the daily stock file (a subset of §7.1 with its 库存日期)."""

STOCK_WATCH_SKUS = 40
"""Best sellers of the review window listed in the daily stock file (the 主推款 watch list)."""
SOLD_OUT_SKUS = 4
"""Best sellers of the 双11 main window that run out of stock during it."""
_SOLD_OUT_DAYS = ((11, 11), (11, 1), (11, 10), (11, 4))
"""The day each of them runs out (best seller first)."""


def _double11(shop: _Shop) -> tuple[date, date] | None:
    """Return the main window (10-24 … 11-11) of the latest 双11 ending in the review window."""
    for year in (shop.end.year, shop.end.year - 1):
        first, last = date(year, 10, 24), date(year, 11, 11)
        if shop.day(shop.first) <= last <= shop.end - timedelta(days=1):
            return first, last
    return None


def stock_history_rows(shop: _Shop, end_rows: list[list[Cell]]) -> list[list[Cell]]:
    """
    Return daily 聚水潭 stock snapshots from the review window's first day to the day before end.

    The snapshots run backwards from the end-of-period snapshot ``end_rows``: the day before
    holds today's 公有可用数 plus today's sales, minus a delivery when that would exceed four
    times 安全库存 (at least 20). When the review window holds a 双11 main window, its
    ``SOLD_OUT_SKUS`` best sellers run out (公有可用数 0) on ``_SOLD_OUT_DAYS`` and are restocked
    a few days later; orders placed meanwhile wait as 订单占有数 (oversold). Only the
    ``STOCK_WATCH_SKUS`` best sellers of the review window are listed. No random draws: the
    other files do not move.
    """
    o, lines, cat = shop.orders, shop.lines, shop.cat
    n_sku, days = len(cat.sku_codes), shop.days
    order = lines.order
    paid = o.paid_at[order]
    pay_day = np.where(paid != NEVER, paid // DAY, -1)
    in_window = (pay_day >= shop.first) & (pay_day < days)
    sold = np.zeros((days, n_sku), dtype=np.int64)
    np.add.at(sold, (pay_day[in_window], lines.sku[in_window]), lines.qty[in_window])
    window_qty = sold[shop.first:].sum(axis=0)
    listed = np.argsort(-window_qty, kind="stable")[:STOCK_WATCH_SKUS]
    listed = listed[window_qty[listed] > 0]
    by_code = {r[0]: r for r in end_rows}
    end_avail = np.array([int(by_code[c][13]) for c in cat.sku_codes], dtype=np.int64)
    safety = np.array([int(by_code[c][14]) for c in cat.sku_codes], dtype=np.int64)
    cap = np.maximum(4 * safety, 20)
    avail = np.zeros((days, n_sku), dtype=np.int64)
    avail[days - 1] = end_avail
    for d in range(days - 2, shop.first - 1, -1):
        x = avail[d + 1] + sold[d + 1]
        avail[d] = np.where(x > cap, np.maximum(safety, x - (cap * 3) // 4), x)
    window = _double11(shop)
    if window is not None:
        first, last = ((w - shop.start).days for w in window)
        lo = max(first, shop.first)
        best = np.argsort(-sold[lo:last + 1].sum(axis=0), kind="stable")[:SOLD_OUT_SKUS]
        for k, s in enumerate(best.tolist()):
            month, day = _SOLD_OUT_DAYS[k % len(_SOLD_OUT_DAYS)]
            out = (date(window[1].year, month, day) - shop.start).days
            back = min(out + 2 + 2 * k, days - 1)
            if not shop.first < out < back:
                continue
            avail[out:back, s] = 0
            for d in range(out - 1, shop.first - 1, -1):
                avail[d, s] = avail[d + 1, s] + sold[d + 1, s]
    rows: list[list[Cell]] = []
    shipped, refunded = o.shipped_at[order], o.refund_at[order]
    for d in range(shop.first, days - 1):
        cut = (d + 1) * DAY
        waiting = (paid < cut) & (shipped >= cut) & (refunded >= cut)
        locked = _sum_int(lines.sku[waiting], lines.qty[waiting], n_sku)
        day = shop.day(d)
        for s in sorted(listed.tolist(), key=lambda k: cat.sku_codes[k]):
            item = int(cat.sku_item[s])
            spec = ";".join(p.split(":", 1)[1] for p in cat.sku_props[s].split(";"))
            rows.append([day, cat.sku_codes[s], cat.item_codes[item], cat.titles[item], spec,
                         int(avail[d, s] + locked[s]), int(locked[s]), int(avail[d, s]),
                         int(safety[s])])
    return rows


# --- 生意参谋 竞品 ----------------------------------------------------------------------------

COMPETITOR_COLUMNS: tuple[str, ...] = (
    "统计日期", "商品ID", "商品名称", "店铺名称", "交易指数", "流量指数", "搜索人气", "收藏人气",
    "加购人气", "支付转化指数", "客群指数", "热销排名", "价格",
)
"""生意参谋 竞争 → 竞品分析 daily columns (§8: indices, not money; 价格 in 元), header on row 5."""

_RIVALS = (
    ("610245781136", "加厚羊羔毛外套女冬季宽松百搭棉服", "暖阁女装旗舰店", 42000.0, 1.0),
    ("620318845027", "软糯慵懒风毛衣女秋冬圆领套头针织衫", "暖阁女装旗舰店", 31000.0, 1.0),
    ("633571290418", "白鸭绒短款羽绒服女冬季面包服", "北纬女装旗舰店", 56000.0, 1.6),
    ("641120967355", "高腰阔腿牛仔裤女秋冬加绒直筒裤", "简衣坊旗舰店", 27000.0, 0.8),
    ("652904417263", "法式复古格纹西装外套女秋季", "简衣坊旗舰店", 23500.0, 1.0),
    ("668873120594", "连帽加绒卫衣女冬季宽松上衣", "木槿服饰专营店", 19800.0, 1.2),
)
"""Competitor items: id, title, shop, everyday 交易指数, how strongly they push on festivals."""

_RIVAL_PRICES = (259, 169, 499, 139, 299, 129)
"""Everyday 价格 (元) of each ``_RIVALS`` item, in the same order."""


def rival_price(everyday: int, push: float, day: date) -> str:
    """
    Return a rival's 价格 on a day as the export shows it (``"219.00"``), with no random draw.

    In the main window of 618 (05-31 … 06-18), 双11 (10-24 … 11-11) and on 双12 the price is cut
    by 10 % × the rival's festival push (a 1.6 push cuts 16 %), rounded down to a price ending
    in 9 yuan; other days it is the everyday price.
    """
    y = day.year
    festival = (date(y, 5, 31) <= day <= date(y, 6, 18) or date(y, 10, 24) <= day
                <= date(y, 11, 11) or day == date(y, 12, 12))
    if not festival:
        return f"{everyday}.00"
    cut = int(everyday * (1 - 0.1 * push))
    return f"{cut - (cut % 10) + 9 if cut % 10 >= 9 else cut - (cut % 10) - 1}.00"


def competitor_rows(rng: np.random.Generator, shop: _Shop) -> list[list[Cell]]:
    """
    Return one 竞品分析 row per rival item and day of the review window (indices only).

    交易指数 follows the festival demand (``event_factor``) raised to each rival's push, with
    a little daily noise; the other indices follow it; 热销排名 improves as the index rises.
    价格 is the rival's everyday price, cut on festival main days (``rival_price``, no draw).
    """
    rows: list[list[Cell]] = []
    for d in range(shop.first, shop.days):
        day = shop.day(d)
        lift = event_factor(day) * _WEEKDAY[day.weekday()]
        for (item, title, owner, base, push), price in zip(_RIVALS, _RIVAL_PRICES, strict=True):
            trade = base * lift ** push * float(rng.uniform(0.95, 1.05))
            traffic = trade * 1.6 * float(rng.uniform(0.93, 1.07))
            rank = max(1, round(400 * 20000 / trade))
            rows.append([day.isoformat(), item, title, owner, round(trade),
                         round(traffic), round(traffic * 0.8), round(trade * 0.12),
                         round(trade * 0.2), round(900 * float(rng.uniform(0.9, 1.1))),
                         round(trade * 0.3), rank, rival_price(price, push, day)])
    return rows


def competitor_grid(shop: _Shop, rows: list[list[Cell]]) -> list[list[Cell]]:
    """Return a 竞品分析 sheet: 4 banner rows, the header on row 5, then the rows."""
    first, last = shop.day(shop.first), shop.end
    return [
        ["竞品分析-竞品监控"], [f"店铺名称：{shop.shop_name}"],
        [f"统计日期：{first.isoformat()} ~ {last.isoformat()}"], ["终端：无线"],
        list(COMPETITOR_COLUMNS), *rows,
    ]


# --- 大促日历 -----------------------------------------------------------------------------

def promotion_rows(first_year: int, last_year: int) -> list[list[Cell]]:
    """
    Return the hand-kept 大促日历 rows of each year, as ``_EVENTS`` simulates the festivals.

    预热 is the pre-heat demand; 正式 the days with festival 满减 and the peaks.
    """
    rows: list[list[Cell]] = []
    for y in range(first_year, last_year + 1):
        rows += [
            [f"{y}年38女王节", "节日大促", None, date(y, 3, 6), date(y, 3, 8), "满300减50"],
            [f"{y}年618", "平台大促", date(y, 5, 20), date(y, 5, 31), date(y, 6, 18),
             "5/31 20:00 开门红；6/18 0点巅峰；满300减50"],
            [f"{y}年双11", "平台大促", date(y, 10, 15), date(y, 10, 24), date(y, 11, 11),
             "10/24 预售；10/31 20:00 第一波；11/11 0点巅峰；满300减50"],
            [f"{y}年双12", "平台大促", date(y, 12, 8), date(y, 12, 12), date(y, 12, 12),
             "店铺券为主，不叠加满减"],
        ]
    return rows


# --- all of them --------------------------------------------------------------------------

def write_review_exports(raw: Path, shop: _Shop, rng: np.random.Generator) -> list[Path]:
    """
    Write the daily-review exports of the last ``REVIEW_DAYS`` days into ``raw``.

    Returns
    -------
    list of Path
        流量来源 (per day), 推广关键词报表 (per week), 客服绩效 (per day), 退款单, 评价,
        店铺DSR数据, 商品库存 and 大促日历, in that order.
    """
    for sub in (TRAFFIC_DIR, ADS_DIR, CS_DIR, AFTER_SALE_DIR, REVIEW_DIR, ERP_DIR, MANUAL_DIR):
        (raw / sub).mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    morning = datetime.combine(shop.end + timedelta(days=1), time(9, 30))
    window = range(shop.first, shop.days)
    source = order_sources(rng, shop.orders, shop.days, shop.bad)
    clicks: dict[int, int] = {}
    for d in window:
        day = shop.day(d)
        sd = source_day(rng, shop, source, d)
        clicks[d] = int(sd.visitors[_PAID_SEARCH] * 1.1 + 0.5)
        path = raw / TRAFFIC_DIR / (f"【生意参谋平台】无线店铺流量来源-{day.isoformat()}_"
                                    f"{day.isoformat()}.xlsx")
        write_grid(path, "无线流量来源", traffic_grid(day, traffic_rows(sd), shop.shop_name),
                   created=datetime.combine(day + timedelta(days=1), time(9, 30)),
                   title="无线店铺流量来源", author="生意参谋")
        out.append(path)
    by_day = keyword_rows(rng, shop, keywords(rng, shop), clicks)
    last = shop.days - 1
    while last >= shop.first:
        week = [d for d in range(max(shop.first, last - 6), last + 1)]
        stamp = shop.day(last + 1).strftime("%Y%m%d")
        path = raw / ADS_DIR / f"推广关键词报表_{stamp}_093000_15天.csv"
        path.write_bytes(csv_bytes(KEYWORD_COLUMNS, [r for d in week for r in by_day[d]]))
        out.append(path)
        last -= 7
    for d in window:
        compact = shop.day(d).strftime("%Y%m%d")
        path = raw / CS_DIR / f"自制报表-报表查看-客服绩效_{compact}_{compact}_全部.xlsx"
        write_grid(path, "客服绩效", cs_grid(rng, shop, d),
                   created=datetime.combine(shop.day(d) + timedelta(days=1), time(9, 30)),
                   title="客服绩效", author="千牛")
        out.append(path)
    stamp = morning.strftime("%Y%m%d%H%M")
    singles = (
        (raw / AFTER_SALE_DIR / f"退款单_{stamp}.xlsx", "退款单",
         [list(REFUND_COLUMNS), *refund_rows(rng, shop)], "千牛"),
        (raw / REVIEW_DIR / f"评价导出_{stamp}.xlsx", "评价",
         [list(REVIEW_COLUMNS), *review_rows(rng, shop)], "千牛"),
        (raw / REVIEW_DIR / f"店铺DSR数据_{shop.end.isoformat()}.xlsx", "店铺DSR",
         dsr_grid(rng, shop), "千牛"),
        (raw / ERP_DIR / f"聚水潭_商品库存_{shop.end.isoformat()}.xlsx", "商品库存",
         [list(INVENTORY_COLUMNS), *inventory_rows(rng, shop)], "聚水潭"),
        (raw / MANUAL_DIR / "大促日历.xlsx", "大促日历",
         [list(PROMOTION_COLUMNS), *promotion_rows(shop.start.year, shop.end.year)], "运营"),
    )
    for path, sheet, grid, author in singles:
        write_grid(path, sheet, grid, created=morning, title=path.stem, author=author)
        out.append(path)
    if shop.days - shop.first > 1:
        first, last = shop.day(shop.first), shop.end - timedelta(days=1)
        path = raw / ERP_DIR / f"聚水潭_商品库存日报_{first.isoformat()}_{last.isoformat()}.xlsx"
        write_grid(path, "商品库存", [list(STOCK_DAY_COLUMNS),
                                  *stock_history_rows(shop, singles[3][2][1:])],
                   created=morning, title=path.stem, author="聚水潭")
        out.append(path)
    (raw / COMPETITOR_DIR).mkdir(parents=True, exist_ok=True)
    path = raw / COMPETITOR_DIR / (f"【生意参谋平台】竞品分析_{shop.day(shop.first).isoformat()}_"
                                   f"{shop.end.isoformat()}.xlsx")
    write_grid(path, "竞品监控", competitor_grid(shop, competitor_rows(rng, shop)),
               created=morning, title=path.stem, author="生意参谋")
    out.append(path)
    return out


# ---------------------------------------------------------------------------------------
# 生意参谋 商品_全部 (item report): the last REVIEW_DAYS days, one file per day
# ---------------------------------------------------------------------------------------

ITEM_DIR = "生意参谋/商品"

ITEM_COLUMNS: tuple[str, ...] = (
    "统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品访客数", "商品浏览量",
    "商品收藏人数", "商品加购人数", "下单买家数", "下单件数", "下单金额", "支付买家数", "支付件数",
    "支付金额", "商品支付转化率", "访客平均价值", "搜索引导访客数", "搜索引导支付买家数",
    "搜索引导支付转化率",
)
"""生意参谋 商品_全部 columns written by the demo (a subset of §2.2), header on row 5."""

PRICE_RISE_ITEMS = 3
"""Items whose price goes up ``PRICE_RISE_DAYS`` days before ``end`` (``price_rises``)."""
PRICE_RISE_DAYS = 14
PRICE_RISE = 1.2
"""New price ÷ old price of those items (before rounding to a shop-like price)."""
SEARCH_AFTER_RISE = 0.45
"""Their 搜索引导访客数 after the rise relative to what it would have been."""
SEARCH_SHARE = 0.3
"""Share of an item's visitors that 搜索 brings on an ordinary day."""


@dataclass(frozen=True, slots=True)
class PriceRise:
    """A planted price rise of one item: from ``day`` on, 支付金额 shows ``new`` per piece."""

    item: int
    item_id: str
    day: date
    old_fen: int
    new_fen: int


def price_rises(shop: _Shop) -> list[PriceRise]:
    """
    Return the demo's planted price rises: the 2nd-4th best sellers of the review window.

    The rise takes effect ``PRICE_RISE_DAYS`` days before ``end`` (2026-11-12 for an end on
    2026-11-26) and needs a week of report before it; none on shorter demos.
    """
    day = shop.end - timedelta(days=PRICE_RISE_DAYS)
    if (day - shop.day(shop.first)).days < 7:
        return []
    out = []
    for item in ranked_items(shop)[1:1 + PRICE_RISE_ITEMS]:
        old = int(shop.cat.price[item])
        out.append(PriceRise(item, shop.item_ids[item], day, old,
                             _round_price(old / 100 * PRICE_RISE)))
    return out


def _line_goods(o: _Orders, lines: _Lines) -> np.ndarray:
    """
    Split each order's 买家应付货款 over its lines by 价格 x 数量 (fen, exact).

    Each line gets the floor of its share; the fen left over go to the order's first line, so
    the lines of an order add up to its 买家应付货款 (postage is not an item's).
    """
    amount = lines.price * lines.qty
    share = o.goods_due[lines.order] * amount // o.list_total[lines.order]
    rest = o.goods_due - _sum_by_order(lines.order, share, len(o.goods_due))
    return share + np.where(o.first_line[lines.order] == np.arange(len(lines.order)),
                            rest[lines.order], 0)


def _item_day_sums(shop: _Shop, day_of_order: np.ndarray, goods: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (distinct buyers, pieces, fen) per (day of the window, item) of the lines."""
    o, lines = shop.orders, shop.lines
    n_items, width = len(shop.cat.titles), shop.days - shop.first
    d = day_of_order[lines.order] - shop.first
    keep = (d >= 0) & (d < width)
    cell = d[keep] * n_items + lines.item[keep]
    qty = _sum_int(cell, lines.qty[keep], width * n_items).reshape(width, n_items)
    fen = _sum_int(cell, goods[keep], width * n_items).reshape(width, n_items)
    pairs = np.unique(cell * (int(o.buyer.max(initial=0)) + 1) + o.buyer[lines.order][keep])
    buyers = np.bincount(pairs // (int(o.buyer.max(initial=0)) + 1),
                         minlength=width * n_items).reshape(width, n_items)
    return buyers, qty, fen


def item_rows(rng: np.random.Generator, shop: _Shop, rises: list[PriceRise]
              ) -> dict[int, list[list[str]]]:
    """
    Compute the 生意参谋 商品_全部 rows of each day of the review window from the orders.

    支付买家数 / 支付件数 / 支付金额 of an item are those of its lines in the orders paid that
    day (支付金额: the order's 买家应付货款 split by 价格 x 数量, ``_line_goods``); 下单… the
    same for the orders created that day. 商品访客数 follows the shop's 访客数 by the item's
    seasonal popularity (never below its buyers); about ``SEARCH_SHARE`` of it comes from
    搜索 (much less on the bad day). From a planted rise's day, the item's 支付金额 is
    the pieces paid x its new price less the same discount share, and its 搜索引导访客数
    falls to ``SEARCH_AFTER_RISE`` of the usual (the order files keep the old price).

    Returns
    -------
    dict
        Day index -> rows of text cells in ``ITEM_COLUMNS`` order, items with visitors only.
    """
    o, cat = shop.orders, shop.cat
    n_items, width = len(cat.titles), shop.days - shop.first
    goods = _line_goods(o, shop.lines)
    paid_day = np.where(o.paid_at != NEVER, o.paid_at // DAY, -1)
    pay_b, pay_q, pay_f = _item_day_sums(shop, paid_day, goods)
    ord_b, ord_q, ord_f = _item_day_sums(shop, o.day, goods)
    curves = np.array([_SEASONS[s] for s in _SEASON_NAMES])
    search_bad = float(_SOURCE_BAD[0] / BAD_DAY_VISITORS)
    out: dict[int, list[list[str]]] = {}
    for w in range(width):
        d = shop.first + w
        day = shop.day(d)
        weight = cat.popularity * curves[cat.season, day.month - 1]
        expected = shop.daily[d].visitors * 1.3 * weight / weight.sum()
        visitors = rng.poisson(expected * rng.lognormal(0.0, 0.15, n_items))
        visitors = np.maximum(visitors, np.maximum(pay_b[w], ord_b[w]))
        share = np.clip(rng.normal(SEARCH_SHARE, 0.04, n_items), 0.1, 0.6)
        if d == shop.bad:
            share = share * search_bad
        search = rng.binomial(visitors, share)
        pageviews = np.floor(visitors * rng.uniform(1.3, 2.2, n_items) + 0.5).astype(np.int64)
        carts = np.maximum(rng.binomial(visitors, 0.08), ord_b[w])
        favs = rng.binomial(visitors, 0.03)
        fen = pay_f[w].copy()
        for rise in rises:
            if day >= rise.day:
                i = rise.item
                fen[i] = (2 * fen[i] * rise.new_fen + rise.old_fen) // (2 * rise.old_fen)
                kept = rng.binomial(search[i], SEARCH_AFTER_RISE)
                visitors[i] = max(visitors[i] - (search[i] - kept), pay_b[w][i], ord_b[w][i])
                search[i] = min(kept, visitors[i])
        search_buyers = np.minimum(rng.binomial(pay_b[w], np.where(
            visitors > 0, search / np.maximum(visitors, 1), 0.0)), search)
        rows = []
        for i in np.flatnonzero(visitors > 0).tolist():
            v, b, s = int(visitors[i]), int(pay_b[w][i]), int(search[i])
            uv_fen = (2 * int(fen[i]) + v) // (2 * v)  # 支付金额 ÷ 访客数, half-up
            rows.append([
                day.isoformat(), shop.item_ids[i], cat.titles[i], cat.item_codes[i], "当前在线",
                f"{v:,}", f"{int(pageviews[i]):,}", f"{int(favs[i]):,}", f"{int(carts[i]):,}",
                f"{int(ord_b[w][i]):,}", f"{int(ord_q[w][i]):,}", fen_grouped(int(ord_f[w][i])),
                f"{b:,}", f"{int(pay_q[w][i]):,}", fen_grouped(int(fen[i])), _pct(b, v),
                fen_grouped(uv_fen),
                f"{s:,}", f"{int(search_buyers[i]):,}", _pct(int(search_buyers[i]), s),
            ])
        out[d] = rows
    return out


def write_item_report(raw: Path, shop: _Shop, rng: np.random.Generator) -> list[Path]:
    """
    Write 生意参谋 商品_全部 of each day of the review window, as downloaded day by day.

    Each file is ``【生意参谋平台】商品_全部_<d>_<d>.xls`` holding xlsx bytes (what the
    platform's ``.xls`` downloads often are; the readers look at the bytes), 4 banner rows,
    the header on row 5 and one row per item with visitors that day.

    Returns
    -------
    list of Path
        One file per day, oldest first.
    """
    folder = raw / ITEM_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for d, rows in item_rows(rng, shop, price_rises(shop)).items():
        day = shop.day(d).isoformat()
        grid: list[list[Cell]] = [
            ["商品_全部"], [f"店铺名称：{shop.shop_name}"], [f"统计日期：{day} ~ {day}"],
            ["数据来源于生意参谋"], list(ITEM_COLUMNS), *rows,
        ]
        path = folder / f"【生意参谋平台】商品_全部_{day}_{day}.xls"
        write_grid(path, "商品_全部", grid,
                   created=datetime.combine(shop.day(d) + timedelta(days=1), time(9, 30)),
                   title="商品_全部", author="生意参谋")
        out.append(path)
    return out


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
        Order files, then detail files, then 生意参谋 workbooks, each by month; then the
        daily-review exports of the last ``REVIEW_DAYS`` days (``write_review_exports``).

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
    bad = bad_day(start, end)
    orders, lines, buyers, cr = simulate(rng, start=start, end=end, daily_orders=daily_orders,
                                         cat=cat, bad=None if bad is None else (bad - start).days)
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
        later = m >= len(month_keys) - LATER_HEADER_MONTHS
        width = len(ORDER_COLUMNS) + (len(LATER_ORDER_COLUMNS) if later else 0)
        order_path.write_bytes(csv_bytes(
            ORDER_COLUMNS + (LATER_ORDER_COLUMNS if later else ()),
            _with_status([rows[i][:width] for i in idx.tolist()], status_col, comma)))
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
    # A stream of its own: the daily-review exports never shift the orders' random draws.
    extra = np.random.default_rng([seed, 1])
    item_ids = 600_000_000_000 + np.cumsum(extra.integers(1_000_000, 300_000_000, len(cat.titles)))
    shop = _Shop(
        start=start, end=end, first=max(0, days - REVIEW_DAYS), orders=orders, lines=lines,
        buyers=buyers, cat=cat, daily=daily, pay_no=[r[3] for r in rows],
        item_ids=[str(i) for i in extra.permutation(item_ids).tolist()],
        export_at=days * DAY + 9 * HOUR + 30 * MINUTE,
        bad=None if bad is None else (bad - start).days, shop_name=shop_name,
    )
    review = write_review_exports(raw, shop, extra)
    # Drawn last, from a stream of its own: the item report shifts no earlier file.
    review += write_item_report(raw, shop, np.random.default_rng([seed, 2]))
    logger.info("demo store %s: %d orders, %d lines, %d buyers, %s..%s (bad day %s) -> %s",
                store, len(orders.ids), len(lines.order), len(buyers.nick), start, end, bad, raw)
    return [*written[ORDER_DIR], *written[DETAIL_DIR], *written[SYCM_DIR], *review]
