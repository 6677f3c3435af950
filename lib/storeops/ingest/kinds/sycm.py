"""生意参谋 (SYCM) exports (DATA_CONTRACT.md §2)."""

from __future__ import annotations

from storeops.ingest.aliases import Field, KindSpec

SHOP_DAILY = KindSpec(
    name="shop_daily",
    table="shop_daily",
    label="生意参谋 店铺整体日报",
    fields={
        "stat_date": Field("date", ("统计日期", "日期")),
        "visitors": Field("int", ("访客数",)),
        "pageviews": Field("int", ("浏览量",)),
        "pay_amount": Field("money", ("支付金额",)),
        "pay_buyers": Field("int", ("支付买家数",)),
        "pay_sub_orders": Field("int", ("支付子订单数",)),
        "pay_items": Field("int", ("支付件数", "支付商品件数")),
        "pay_cvr": Field("ratio", ("支付转化率",)),
        "aov": Field("money", ("客单价",)),
        "uv_value": Field("money", ("UV价值", "访客平均价值")),
        "old_buyers": Field("int", ("老买家数", "支付老买家数")),
        "new_buyers": Field("int", ("新买家数", "支付新买家数")),
        "order_buyers": Field("int", ("下单买家数",)),
        "order_amount": Field("money", ("下单金额",)),
        "cart_users": Field("int", ("加购人数",)),
        "fav_users": Field("int", ("商品收藏人数",)),
        "refund_success_amount": Field("money", ("成功退款金额", "退款金额(完结时间)")),
        "refund_amount_by_pay": Field("money", ("退款金额(支付时间)",)),
        "net_pay_amount": Field("money", ("净支付金额",)),
        "cost_keyword": Field("money", ("关键词推广花费",)),
        "cost_crowd": Field("money", ("精准人群推广花费",)),
        "cost_smart": Field("money", ("智能场景花费",)),
        "cost_site": Field("money", ("全站推广花费",)),
        "cost_taoke": Field("money", ("淘宝客佣金",)),
        "avg_stay_sec": Field("float", ("平均停留时长",)),
    },
    required=("stat_date", "visitors", "pay_amount"),
    row_key=("stat_date",),
    # item, traffic-source and keyword files share 统计日期/访客数/支付金额 with the overview
    forbidden=("商品ID", "宝贝ID", "主体ID", "商品名称", "流量来源", "来源明细", "搜索词"),
    ignored=(
        "下单转化率", "加购件数", "金额退款率", "订单退款率", "发起退款金额", "发起退款子订单数",
        "发起退款率", "老客复购金额", "老客复购人数", "老客复购率", "跳失率",
    ),
)


KINDS = (SHOP_DAILY,)
