"""Reading the raw order exports by hand, for tests that check figures independently.

Deliberately plain pandas on the files as downloaded, not storeops' readers or cleaners.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

# DATA_CONTRACT.md §1.1 — the 61-column ExportOrderList header; the trailing spaces are real.
GEN_A_ORDERS = [
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
]
assert len(GEN_A_ORDERS) == 61


def orders_by_hand(raw: Path) -> pd.DataFrame:
    """Every order of a store's GB18030 ExportOrderList files, the newest export winning.

    Headers are stripped of their trailing spaces and order numbers of their ``="…"``;
    every cell stays text.
    """
    frames = []
    for f in sorted((raw / "订单报表").glob("ExportOrderList*.csv")):
        stamp = re.search(r"(\d{12})", f.name).group(1)
        frame = pd.read_csv(f, encoding="gb18030", dtype=str, keep_default_na=False)
        frames.append(frame.assign(_stamp=stamp))
    orders = pd.concat(frames).sort_values("_stamp", kind="stable")
    orders.columns = [c.strip() for c in orders.columns]
    orders["订单编号"] = orders["订单编号"].str.strip('="')
    return orders.drop_duplicates("订单编号", keep="last").reset_index(drop=True)
