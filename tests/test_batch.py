"""The morning batch: planning, resume, failure isolation, timeouts, Dask, audit, push messages.

Three small demo stores (30 days, ~15 orders a day) share one temporary home; the batch ingests
them itself. Tests that need a job to die or hang substitute the job function with one defined
here (module level, so the forked worker can import it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
import urllib.parse
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from storeops import batch, demo, notify, paths
from storeops.cli import app
from storeops.errors import ConfigError

DAY = date(2026, 11, 26)
STORES = ["a", "b", "c"]


# --- task functions substituted in the workers ---------------------------------------------


def dies_for_b(job: batch.Job) -> batch.JobOutcome:
    """Kill the worker process itself for store b; run the real job for the others."""
    if job.store == "b":
        os._exit(3)
    return batch.run_job(job)


def instant(job: batch.Job) -> batch.JobOutcome:
    """Succeed at once, except for store b which fails with an error line."""
    if job.store == "b":
        return batch.JobOutcome(job, batch.FAILED, "ValueError: 坏数据", 0.01, 1)
    return batch.JobOutcome(job, batch.OK, None, 0.01, 1)


def hangs_for_b(job: batch.Job) -> batch.JobOutcome:
    """Hang for store b (after noting the worker's pid); succeed at once for the others."""
    if job.store == "b":
        (Path(job.home) / "hung.pid").write_text(str(os.getpid()))
        time.sleep(600)
    return batch.JobOutcome(job, batch.OK, None, 0.01, 1)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Three demo stores' raw exports in one home (not ingested: the batch does it)."""
    home = tmp_path_factory.mktemp("batch")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        for seed, store in enumerate(STORES, 1):
            demo.generate(store, end=DAY, days=30, daily_orders=15, seed=seed)
        yield home


def _status(home: Path, store: str) -> dict:
    path = home / "reports" / store / DAY.isoformat() / "daily_review.status.json"
    return json.loads(path.read_text("utf-8"))


def _paid_orders_by_hand(raw: Path, day: date) -> int:
    """Paid orders of a day from the raw order CSVs (later export of an order wins)."""
    frames = [pd.read_csv(f, encoding="gb18030", dtype=str, keep_default_na=False)
              .assign(_file=f.name) for f in sorted((raw / "订单报表").glob("*.csv"))]
    orders = pd.concat(frames).rename(columns=str.strip)
    orders = orders.assign(order_id=orders["订单编号"].str.strip('="'))
    orders = orders.drop_duplicates("order_id", keep="last")
    return int(orders["订单付款时间"].str.startswith(day.isoformat()).sum())


# --- the real batch (slow: notebooks run through papermill) ---------------------------------


@pytest.mark.slow
def test_cli_batch_three_stores_two_workers(stores):
    home = stores
    log = home / "logs" / "batch.jsonl"
    result = CliRunner().invoke(app, ["--home", str(home), "batch", "--date", DAY.isoformat(),
                                      "--stores", "all", "--workers", "2",
                                      "--log-json", str(log), "--share", "masked"])
    assert result.exit_code == 0, result.output
    # not a terminal: one timestamped line per finished ingest and job, counted per phase
    lines = result.stderr.splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
    assert sum(bool(re.match(stamp + r"\[\d/3\] \[[abc]\] 导入 ", x)) for x in lines) == 3
    done = [x for x in lines if re.match(stamp + r"\[\d/3\] \[[abc]\] daily_review：成功", x)]
    assert len(done) == 3 and any("[3/3]" in x for x in done)
    events = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    reports = [e for e in events if e["phase"] == "report"]
    assert sorted((e["store"], e["event"]) for e in reports) == [
        ("a", "finish"), ("a", "start"), ("b", "finish"), ("b", "start"),
        ("c", "finish"), ("c", "start")]
    finish = next(e for e in reports if e["event"] == "finish")
    assert finish["notebook"] == "daily_review" and finish["date"] == DAY.isoformat()
    assert finish["duration"] > 0 and finish["error"] is None and finish["attempt"] == 1
    assert {e["store"] for e in events if e["phase"] == "ingest"} == set(STORES)
    # the share pack of each store: no ¥ amount left
    for store in STORES:
        shared = home / "reports" / store / DAY.isoformat() / "share" / "daily_review.html"
        assert "¥" not in shared.read_text("utf-8")
    for store in STORES:
        status = _status(home, store)
        assert status["ok"] is True and status["attempts"] == 1
        assert len(status["input_hash"]) == 64
        figures = json.loads((home / "reports" / store / DAY.isoformat()
                              / "daily_review.metrics.json").read_text("utf-8"))["metrics"]
        assert figures["paid_orders"] == _paid_orders_by_hand(home / "data/raw" / store, DAY)
    index = (home / "reports/index.html").read_text("utf-8")
    assert all(f'href="{s}/index.html"' in index for s in STORES)
    assert "失败" not in index


@pytest.mark.slow
def test_resume_skips_current_jobs_and_reruns_after_a_new_raw_file(stores):
    home = stores
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        first = batch.run_batch(DAY, STORES, workers=2, resume=True)
        assert [o.state for o in first.outcomes] == ["skipped"] * 3
        assert first.exit_code == 0
        # a new export of store a (same orders, one more line end): a new sha256, loaded
        src = sorted((home / "data/raw/a/订单报表").glob("*.csv"))[-1]
        src.with_name(f"{src.stem}_again.csv").write_bytes(src.read_bytes() + b"\r\n")
        second = batch.run_batch(DAY, STORES, workers=2, resume=True)
    assert second.ingests["a"].loaded == 1 and second.ingests["b"].loaded == 0
    assert [(o.job.store, o.state) for o in second.outcomes] == [
        ("a", "ok"), ("b", "skipped"), ("c", "skipped")]
    assert _status(home, "a")["input_hash"] != _status(home, "b")["input_hash"]


@pytest.mark.slow
def test_a_dying_worker_fails_only_its_job_and_is_retried_once(stores):
    home = stores
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        result = batch.run_batch(DAY, STORES, workers=2, retry=1, job_fn=dies_for_b,
                                 notify=False)
    states = {o.job.store: o for o in result.outcomes}
    assert states["a"].state == "ok" and states["c"].state == "ok"
    assert states["b"].state == "failed" and states["b"].attempts == 2
    assert "退出码 3" in states["b"].error
    assert result.exit_code == 1
    status = _status(home, "b")
    assert status["ok"] is False and "退出码 3" in status["error"]
    assert status["attempts"] == 2 and status["input_hash"] is None
    index = (home / "reports/index.html").read_text("utf-8")
    assert "失败" in index and "退出码 3" in index
    # the earlier good report of b stays, and the CLI's exit code says 1
    assert (home / "reports/b" / DAY.isoformat() / "daily_review.html").exists()


def test_a_hung_job_is_killed_at_its_deadline(stores, monkeypatch):
    home = stores
    monkeypatch.setenv("STOREOPS_HOME", str(home))
    monkeypatch.setattr(batch, "GRACE_SECONDS", 0)
    start = time.monotonic()
    result = batch.run_batch(DAY, STORES, workers=2, retry=0, timeout=2, job_fn=hangs_for_b,
                             notify=False)
    states = {o.job.store: o for o in result.outcomes}
    assert states["b"].state == "failed" and states["b"].error.startswith("TimeoutError")
    assert states["a"].state == "ok" and states["c"].state == "ok"
    assert time.monotonic() - start < 30
    pid = int((home / "hung.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


@pytest.mark.slow
def test_dask_local_cluster_runs_the_same_jobs(stores, monkeypatch):
    distributed = pytest.importorskip("distributed")
    home = stores
    monkeypatch.setenv("STOREOPS_HOME", str(home))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = batch.run_batch(DAY, ["a", "c"], scheduler=cluster.scheduler_address,
                                 notify=False)
    assert [(o.job.store, o.state) for o in result.outcomes] == [("a", "ok"), ("c", "ok")]
    assert result.exit_code == 0
    assert _status(home, "c")["ok"] is True


# --- units --------------------------------------------------------------------------------------


def test_plan_jobs_resolves_notebooks_and_sorts_params(home):
    jobs = batch.plan_jobs(DAY, ["x", "y"], ["daily", "daily_review"], {"b": "2", "a": "1"})
    assert [j.key for j in jobs] == ["x/2026-11-26/daily_review", "y/2026-11-26/daily_review"]
    assert jobs[0].params == (("a", "1"), ("b", "2"))
    with pytest.raises(ConfigError):
        batch.plan_jobs(DAY, ["x"], ["no_such_notebook"])
    with pytest.raises(ConfigError):
        batch.plan_jobs(DAY, ["x"], ["daily"], {"store": "y"})


def test_plan_jobs_adds_period_reviews_when_due(home):
    (home / "stores.toml").write_text('[stores.m]\nperiod_reviews = ["month"]\n', "utf-8")

    def keys(day: date, stores: list[str] = ["x"], **kw: bool) -> list[str]:  # noqa: B006
        return [j.key.split("/", 1)[1] for j in batch.plan_jobs(day, stores, periods=True,
                                                                **kw)]

    # Monday's batch reports on Sunday 2026-11-22: the week 11-16..11-22 has ended
    assert keys(date(2026, 11, 22)) == ["2026-11-22/daily_review",
                                        "2026-11-22/period_review_week"]
    # the batch of the 1st (2026-12-01) reports on 11-30 (a Monday): November has ended
    assert keys(date(2026, 11, 30)) == ["2026-11-30/daily_review",
                                        "2026-11-30/period_review_month"]
    # an ordinary day (Wednesday 11-25): the daily review only
    assert keys(date(2026, 11, 25)) == ["2026-11-25/daily_review"]
    # Sunday 2026-05-31 closes a week and a month
    assert keys(date(2026, 5, 31)) == ["2026-05-31/daily_review",
                                       "2026-05-31/period_review_week",
                                       "2026-05-31/period_review_month"]
    # a store that keeps only the monthly review; periods off
    assert keys(date(2026, 11, 22), ["m"]) == ["2026-11-22/daily_review"]
    assert keys(date(2026, 5, 31), ["m"])[1:] == ["2026-05-31/period_review_month"]
    assert [j.key for j in batch.plan_jobs(date(2026, 11, 22), ["x"])] == [
        "x/2026-11-22/daily_review"]
    week = batch.plan_jobs(date(2026, 11, 22), ["x"], ["daily"], {"k": "v"}, periods=True)[1]
    assert week.notebook == "period_review" and week.params == (("k", "v"), ("period", "week"))
    assert week.output == "period_review_week"
    (home / "stores.toml").write_text('[stores.m]\nperiod_reviews = "weekly"\n', "utf-8")
    with pytest.raises(ConfigError):
        batch.plan_jobs(date(2026, 11, 22), ["m"], periods=True)


def test_events_log_json_and_counted_lines(stores, tmp_path, monkeypatch):
    monkeypatch.setenv("STOREOPS_HOME", str(stores))
    log = batch.JsonEventLog(tmp_path / "events.jsonl")
    seen: list[batch.BatchEvent] = []
    lines: list[str] = []

    def both(event: batch.BatchEvent) -> None:
        seen.append(event)
        log(event)

    result = batch.run_batch(DAY, STORES, workers=2, retry=1, job_fn=instant, notify=False,
                             events=both, progress=lines.append)
    log.close()
    assert result.exit_code == 1
    assert [(e.phase, e.total) for e in seen if e.event == "plan"] == [("ingest", 3),
                                                                         ("report", 3)]
    written = [json.loads(x) for x in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert len(written) == len(seen) - 2  # every event but the two plan events
    b = [(e["event"], e["attempt"], e["error"]) for e in written
         if e["store"] == "b" and e["phase"] == "report"]
    assert b == [("start", 1, None), ("retry", 1, "ValueError: 坏数据"),
                 ("start", 2, None), ("fail", 2, "ValueError: 坏数据")]
    a = next(e for e in written if e["store"] == "a" and e["event"] == "finish"
             and e["phase"] == "report")
    assert set(a) == {"time", "event", "phase", "store", "notebook", "date", "duration",
                      "error", "attempt"}
    assert a["notebook"] == "daily_review" and a["date"] == "2026-11-26"
    assert 0 <= a["duration"] < 30
    assert sum(x.startswith("[3/3] ") for x in lines) == 2  # last ingest, last job
    assert any(re.fullmatch(r"\[\d/3\] \[b\] daily_review：失败：ValueError: 坏数据"
                            r"（0\.0 秒，第 2 次）", x) for x in lines)


def test_input_hash_and_is_current(home):
    job = batch.plan_jobs(DAY, ["x"], ["daily"])[0]
    h = batch.input_hash(job, "fp1")
    assert h == batch.input_hash(job, "fp1")
    assert h != batch.input_hash(job, "fp2")
    assert h != batch.input_hash(replace(job, params=(("k", "v"),)), "fp1")
    job = replace(job, input_hash=h)
    assert not batch.is_current(job)  # nothing on disk
    batch.update_status("x", DAY, "daily_review", ok=True, input_hash=h)
    assert not batch.is_current(job)  # no HTML
    paths.report_file("x", DAY, "daily_review", ".html").write_text("<p>ok</p>", "utf-8")
    assert batch.is_current(job)
    assert not batch.is_current(replace(job, input_hash=batch.input_hash(job, "fp2")))
    batch.update_status("x", DAY, "daily_review", ok=False)
    assert not batch.is_current(job)


def test_exit_codes():
    job = batch.Job("x", "daily_review", DAY)
    ok, bad = batch.JobOutcome(job, "ok"), batch.JobOutcome(job, "failed", "E: x")
    skipped = batch.JobOutcome(job, "skipped")
    assert batch.BatchResult(DAY, outcomes=[ok, skipped]).exit_code == 0
    assert batch.BatchResult(DAY, outcomes=[ok, bad]).exit_code == 1
    assert batch.BatchResult(DAY, outcomes=[bad, bad]).exit_code == 2


def test_a_report_with_personal_data_is_withheld(home):
    report = paths.report_file("x", DAY, "daily_review", ".html")
    report.parent.mkdir(parents=True)
    report.write_text("<html><body><p>联系 13812345678</p></body></html>", "utf-8")
    batch.update_status("x", DAY, "daily_review", ok=True, input_hash="h")
    withheld = batch.withhold_unsafe_reports("x")
    assert len(withheld) == 1 and "138****5678" in withheld[0]
    assert "13812345678" not in withheld[0]
    assert not report.exists() and report.with_name("daily_review.withheld.html").exists()
    status = batch.read_status("x", DAY, "daily_review")
    assert status["ok"] is False and status["error"].startswith("PrivacyError")
    assert batch.withhold_unsafe_reports("x") == []  # the withheld copy is not re-reported


FIGURES = {
    "gmv": 12345.6, "gmv_vs_last_week": 2345.6, "paid_orders": 119,
    "conversion_rate": 0.03125, "anomalies": [{"metric": "gmv"}],
    "actions": ["补货：[爆款]*卫衣* 可售 2.8 天。", "DSR 低于 4.8", "两单未发货", "第四条"],
}


def test_dingtalk_message_body():
    msg = notify.build_message("演示店 · 日报 · 2026-11-26", FIGURES,
                               link="https://r.example/a/2026-11-26/daily_review.html")
    assert msg["msgtype"] == "markdown"
    assert msg["markdown"]["title"] == "演示店 · 日报 · 2026-11-26"
    # 12,345.6 -> ¥12,346; last week 12,345.6 - 2,345.6 = 10,000, so +2,345.6 / 10,000 = +23.5 %
    assert msg["markdown"]["text"].splitlines() == [
        "### 演示店 · 日报 · 2026-11-26",
        "",
        "- 支付金额 **¥12,346**（较上周同日 +¥2,346，+23.5 %）",
        "- 支付订单 119 单 · 支付转化率 3.1 %",
        "- 异常提醒 1 项",
        "",
        "**今日行动**",
        "1. 补货：\uff3b爆款\uff3d\uff0a卫衣\uff0a 可售 2.8 天。",  # markdown neutralised
        "2. DSR 低于 4.8",
        "3. 两单未发货",
        "（另有 1 条，见报告）",
        "",
        "[查看完整报告](https://r.example/a/2026-11-26/daily_review.html)",
    ]


def test_wecom_message_and_missing_figures():
    msg = notify.build_message("店 · 日报", {"gmv": None}, link=None, kind="wecom")
    text = msg["markdown"]["content"]
    assert set(msg["markdown"]) == {"content"}
    assert "- 支付金额 **—**" in text and "- 异常提醒 — 项" in text
    assert "report_base_url" in text
    assert notify.webhook_kind("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == "wecom"
    assert notify.webhook_kind("https://oapi.dingtalk.com/robot/send?access_token=t") == "dingtalk"


def test_dingtalk_signature():
    url = notify.sign_dingtalk("https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1",
                               1700000000000)
    digest = hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()
    want = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    assert url == ("https://oapi.dingtalk.com/robot/send?access_token=t"
                   f"&timestamp=1700000000000&sign={want}")


def test_no_webhook_means_no_send(home, monkeypatch):
    def no_network(*_a, **_k):
        raise AssertionError("must not send")

    monkeypatch.setattr(notify.urllib.request, "urlopen", no_network)
    (home / "stores.toml").write_text('[stores.x]\nname = "店X"\n', "utf-8")
    paths.metrics_file("x", DAY, "daily_review").parent.mkdir(parents=True)
    paths.metrics_file("x", DAY, "daily_review").write_text(
        json.dumps({"metrics": {"gmv": float(Decimal("100.5"))}}), "utf-8")
    assert notify.notify_store("x", DAY, ["daily_review"]) is False
    (home / "stores.toml").write_text(
        '[stores.x]\nname = "店X"\nreport_base_url = "https://r.example/"\n', "utf-8")
    assert notify.report_link("x", DAY, "daily_review") == (
        "https://r.example/x/2026-11-26/daily_review.html")
    assert notify.store_message("x", DAY, ["daily_review"])["markdown"]["title"] == (
        "店X · 日报 · 2026-11-26")
