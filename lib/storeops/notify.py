"""Robot messages for the store's chat: DingTalk (钉钉) and 企业微信 (WeCom) group robots.

After a store's batch succeeded, a short markdown message carries the headline figures of its
``<stem>.metrics.json`` (GMV and its change vs the same weekday last week, paid orders,
conversion, anomalies), the top actions and a link to the report. Settings, per store in
stores.toml::

    [stores.demo]
    notify_webhook = "https://oapi.dingtalk.com/robot/send?access_token=…"
    notify_secret_env = "DEMO_DINGTALK_SECRET"   # DingTalk 加签: the env var holding the secret
    report_base_url = "https://reports.example.com/"   # maps reports/ to URLs

The signing secret is read from the environment variable named there, never from stores.toml.
A store without ``notify_webhook`` is skipped. Sending is one HTTPS POST (retried once); a
failure is logged and returned as False, never raised into the batch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal
from typing import Any

from storeops import config, paths
from storeops.report.tables import MISSING, fmt_int, fmt_money, fmt_pct

logger = logging.getLogger(__name__)

TOP_ACTIONS = 3
MAX_ACTION_CHARS = 90
PREFERRED = ("daily_review", "period_review_week", "period_review_month", "period_review",
             "campaign_postmortem", "customers", "annual_plan")
"""Whose metrics JSON gives the headline, first present wins."""

LABELS = {"daily_review": "日报", "period_review_week": "周报", "period_review_month": "月报",
          "period_review": "周报/月报", "campaign_postmortem": "大促复盘",
          "customers": "客户分析", "annual_plan": "年度计划"}

_MARKDOWN_SAFE = {ord(c): ord(c) + 0xFEE0 for c in "[]*<>#`_"}
"""Markdown control characters -> their full-width forms (``[`` -> U+FF3B), shown as text."""


def webhook_kind(url: str) -> str:
    """
    Tell which robot a webhook URL belongs to.

    Returns
    -------
    str
        ``wecom`` for qyapi.weixin.qq.com, else ``dingtalk`` (the format of oapi.dingtalk.com).
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    return "wecom" if host.endswith("weixin.qq.com") else "dingtalk"


def _plain(text: object, limit: int = MAX_ACTION_CHARS) -> str:
    """One line of export-derived text, with markdown control characters neutralised."""
    line = " ".join(str(text).split()).translate(_MARKDOWN_SAFE)
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


def headline_lines(figures: dict[str, Any]) -> list[str]:
    """
    Format the headline figures of a metrics JSON's ``metrics`` object as message lines.

    Parameters
    ----------
    figures : dict
        ``gmv`` (元), ``gmv_vs_last_week`` (元, today − same weekday last week),
        ``paid_orders`` (单), ``conversion_rate`` (fraction), ``anomalies`` (list).

    Returns
    -------
    list of str
        Markdown list lines; a missing figure shows as ``—``.
    """
    gmv = figures.get("gmv")
    line = f"- 支付金额 **{fmt_money(gmv)}**"
    diff = figures.get("gmv_vs_last_week")
    if gmv is not None and diff is not None:
        gmv_d, diff_d = Decimal(str(gmv)), Decimal(str(diff))
        sign = "+" if diff_d >= 0 else "−"
        change = f"较上周同日 {sign}{fmt_money(abs(diff_d))}"
        base = gmv_d - diff_d
        if base > 0:
            change += f"，{sign}{fmt_pct(float(abs(diff_d) / base))}"
        line += f"（{change}）"
    lines = [line]
    orders, cr = figures.get("paid_orders"), figures.get("conversion_rate")
    lines.append(f"- 支付订单 {fmt_int(orders)} 单 · 支付转化率 {fmt_pct(cr)}")
    anomalies = figures.get("anomalies")
    count = len(anomalies) if isinstance(anomalies, list) else None
    lines.append(f"- 异常提醒 {count if count is not None else MISSING} 项")
    return lines


def report_link(store: str, day: date, stem: str) -> str | None:
    """Return the report's URL under the store's ``report_base_url``, None when not set."""
    base = config.get_store(store).extra.get("report_base_url")
    if not base:
        return None
    rel = "/".join(urllib.parse.quote(p) for p in (store, day.isoformat(), f"{stem}.html"))
    return f"{str(base).rstrip('/')}/{rel}"


def build_message(
    title: str,
    figures: dict[str, Any],
    *,
    link: str | None,
    kind: str = "dingtalk",
) -> dict[str, Any]:
    """
    Build a robot's markdown message.

    Parameters
    ----------
    title : str
        First line, e.g. ``演示旗舰店 · 日报 · 2026-11-26``.
    figures : dict
        The ``metrics`` object of a ``<stem>.metrics.json`` (see :func:`headline_lines`);
        ``actions`` (list of str) gives the top actions.
    link : str or None
        The report URL; without one the message says where the report is not linked.
    kind : str
        ``dingtalk`` or ``wecom``.

    Returns
    -------
    dict
        The JSON body to POST: DingTalk ``{"msgtype": "markdown", "markdown": {"title",
        "text"}}``, WeCom ``{"msgtype": "markdown", "markdown": {"content"}}``.
    """
    lines = [f"### {_plain(title, 60)}", "", *headline_lines(figures)]
    actions = [a for a in figures.get("actions") or [] if isinstance(a, str) and a.strip()]
    if actions:
        lines += ["", "**今日行动**"]
        lines += [f"{i}. {_plain(a)}" for i, a in enumerate(actions[:TOP_ACTIONS], 1)]
        if len(actions) > TOP_ACTIONS:
            lines.append(f"（另有 {len(actions) - TOP_ACTIONS} 条，见报告）")
    lines += ["", f"[查看完整报告]({link})" if link else "（报告链接未配置 report_base_url）"]
    text = "\n".join(lines)
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"msgtype": "markdown", "markdown": {"title": _plain(title, 60), "text": text}}


def sign_dingtalk(url: str, secret: str, timestamp_ms: int) -> str:
    r"""
    Add DingTalk's 加签 parameters to a webhook URL.

    ``sign = urlencode(base64(hmac_sha256(secret, f"{timestamp}\n{secret}")))``, appended as
    ``&timestamp=…&sign=…`` (the robot refuses a timestamp more than an hour off).
    """
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={sign}"


def send(url: str, payload: dict[str, Any], *, secret: str | None = None, retries: int = 1,
         timeout: float = 10.0) -> bool:
    """
    POST a message to a robot webhook; True when the robot answered ``errcode`` 0.

    Never raises for network or robot errors: they are logged, retried ``retries`` times, and
    reported as False.
    """
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        logger.warning("notify: webhook must be an https URL, got %r", url[:40])
        return False
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    for attempt in range(retries + 1):
        target = sign_dingtalk(url, secret, int(time.time() * 1000)) if secret else url
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            target, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except (OSError, ValueError) as exc:  # URLError, timeouts, bad JSON
            logger.warning("notify: attempt %d failed: %s", attempt + 1, exc)
            continue
        if answer.get("errcode", 0) == 0:
            return True
        logger.warning("notify: robot refused: %s %s", answer.get("errcode"),
                       answer.get("errmsg"))
    return False


def store_message(store: str, day: date, stems: list[str], *, kind: str = "dingtalk"
                  ) -> dict[str, Any] | None:
    """Build a store's message from the first of ``stems`` with a metrics JSON; None if none."""
    ordered = sorted(stems, key=lambda s: PREFERRED.index(s) if s in PREFERRED else len(PREFERRED))
    for stem in ordered:
        path = paths.metrics_file(store, day, stem)
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        figures = document.get("metrics") if isinstance(document, dict) else None
        if not isinstance(figures, dict):
            continue
        name = config.get_store(store).name
        title = f"{name} · {LABELS.get(stem, stem)} · {day.isoformat()}"
        return build_message(title, figures, link=report_link(store, day, stem), kind=kind)
    return None


def notify_store(store: str, day: date, stems: list[str]) -> bool:
    """
    Send a store's robot message when it has ``notify_webhook``; True when sent.

    Skipped (False) without a webhook or without any metrics JSON.
    """
    extra = config.get_store(store).extra
    url = extra.get("notify_webhook")
    if not url:
        return False
    payload = store_message(store, day, stems, kind=webhook_kind(str(url)))
    if payload is None:
        logger.warning("notify %s: no metrics JSON for %s", store, day)
        return False
    env = extra.get("notify_secret_env")
    secret = os.environ.get(str(env)) if env else None
    return send(str(url), payload, secret=secret)
