"""The report audit: planted personal data is found, masked forms and chart bytes are not."""

from __future__ import annotations

import base64
import shutil
from datetime import date

import pytest
from typer.testing import CliRunner

from storeops import audit
from storeops.audit import audit_html, audit_reports, valid_id_number
from storeops.cli import app

DAY = date(2026, 11, 26)
ID_NUMBER = "11010519491231002X"  # the GB 11643 sample number: valid check digit


def page(body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>日报</title>{head}</head>"
            f"<body><h2>今日结论</h2>{body}</body></html>")


def kinds(html: str, **kw) -> list[str]:
    return [f.kind for f in audit_html(html, **kw)]


# --- planted data is found -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "联系买家 13812345678 处理", "手机：+86 138-1234-5678", "tel 8613912345678",
    "<td>15912345678</td>", "&#49;3812345678",  # a character reference is decoded first
])
def test_a_mobile_number_is_found(text):
    assert kinds(page(f"<p>{text}</p>")) == ["phone"]


def test_a_phone_in_an_attribute_is_found():
    found = audit_html(page('<img alt="买家 13812345678 的截图" src="data:image/png;base64,AA">'))
    assert [(f.kind, f.where) for f in found] == [("phone", "attr:alt")]
    assert found[0].masked() == "138****5678"
    assert "13812345678" not in found[0].describe()  # a finding never prints it in full


def test_an_id_number_is_found():
    assert valid_id_number(ID_NUMBER)
    found = audit_html(page(f"<p>身份证 {ID_NUMBER}</p>"))
    assert [f.kind for f in found] == ["id_card"]
    assert ID_NUMBER not in found[0].describe()


@pytest.mark.parametrize("address", [
    "浙江省 杭州市 西湖区 文三路1号", "浙江省杭州市西湖区文三路478号华星时代广场",
    "北京市 朝阳区 建国路88号", "广东省 深圳市 南山区 粤海街道 科技园",
    "江苏省 南京市 建邺区 沙洲街道****",  # platform-masked, still beyond province + city
])
def test_a_full_address_is_found(address):
    assert kinds(page(f"<td>{address}</td>")) == ["address"]


def test_a_raw_nick_or_receiver_name_is_found():
    names = {"tb_buyer88", "王小明", "张**", "x"}
    found = audit_html(page("<td>tb_buyer88</td><td>收货人 王小明</td>"), buyer_names=names)
    assert sorted(f.kind for f in found) == ["name", "name"]
    assert {f.masked() for f in found} == {"t**8", "王**明"}


def test_an_external_reference_is_found():
    html = page('<img src="https://cdn.example.com/x.png">',
                head='<link rel="stylesheet" href="//cdn.example.com/a.css">')
    assert sorted(f.value for f in audit_html(html) if f.kind == "external") == [
        "//cdn.example.com/a.css", "https://cdn.example.com/x.png"]


# --- masked forms and other digits are not ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "张**", "t**1", "138****1234", "0571-****", "浙江 杭州市", "浙江省 杭州市",
    "订单 2700166883513510924", "商品 624312712950", "¥13,812,345,678", "2026-11-26 13:45",
    "订单 270016688351351092",  # 18 digits, not a valid ID number
    "广东 ¥1,684 18.0 % 5 江苏 ¥1,016", "支付金额 ¥9,359，比上周同日增加 ¥4,623",
])
def test_masked_and_ordinary_text_is_clean(text):
    assert audit_html(page(f"<p>{text}</p>"), buyer_names={"张三丰", "tb_1"}) == []


def test_an_ascii_nick_inside_a_longer_word_is_not_a_finding():
    assert audit_html(page("<p>tb_buyer88x</p>"), buyer_names={"tb_buyer88"}) == []


def test_base64_image_bytes_and_css_are_skipped():
    # PNG bytes whose base64 spells digits and a nick; CSS with a long number.
    blob = base64.b64encode(b"\x89PNG" + b"13812345678" * 50 + ID_NUMBER.encode()).decode()
    blob += "13812345678tbbuyer"
    html = page(f'<img src="data:image/png;base64,{blob}" alt="支付金额趋势">',
                head="<style>.x{width:13812345678px}</style>")
    assert audit_html(html, buyer_names={"tbbuyer"}) == []


def test_escaped_markup_is_audited_as_text():
    assert kinds(page("<p>&lt;b&gt;13812345678&lt;/b&gt;</p>")) == ["phone"]


# --- every report of a demo store ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A demo store of 45 days (30 orders a day), ingested, with its daily review for DAY."""
    home = tmp_path_factory.mktemp("home")
    cli = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STOREOPS_HOME", str(home))
        for args in (
            ["demo", "--end", DAY.isoformat(), "--days", "45", "--daily-orders", "30"],
            ["ingest", "--store", "demo"],
            ["run", "daily", "--store", "demo", "--date", DAY.isoformat()],
        ):
            result = cli.invoke(app, ["--home", str(home), *args])
            assert result.exit_code == 0, result.output
        yield home


@pytest.mark.slow
def test_the_demo_reports_have_no_finding(demo_home):
    names = audit.buyer_names("demo")
    assert len(names) > 500  # the raw order exports' 买家会员名 and 收货人姓名 were read
    result = audit_reports(demo_home / "reports")
    report = demo_home / "reports/demo/2026-11-26/daily_review.html"
    assert report in result and demo_home / "reports/index.html" in result
    assert {p: [f.describe() for f in fs] for p, fs in result.items() if fs} == {}


@pytest.mark.slow
def test_the_cli_fails_on_a_planted_phone_and_passes_clean_reports(demo_home):
    cli = CliRunner()
    ok = cli.invoke(app, ["--home", str(demo_home), "audit-reports", "--store", "demo"])
    assert ok.exit_code == 0, ok.output
    # A copy of the report with one buyer's phone and nick planted in a table cell.
    nick = sorted(n for n in audit.buyer_names("demo") if n.isascii() and len(n) > 4)[0]
    src = demo_home / "reports/demo/2026-11-26/daily_review.html"
    planted = demo_home / "reports/demo/2026-11-25/daily_review.html"
    planted.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, planted)
    html = planted.read_text("utf-8").replace(
        "<h2", f"<p>回访 {nick}：13812345678</p><h2", 1)
    planted.write_text(html, "utf-8")
    bad = cli.invoke(app, ["--home", str(demo_home), "audit-reports", "--store", "demo"])
    assert bad.exit_code == 1
    lines = [ln for ln in bad.output.splitlines() if "2026-11-25" in ln]
    assert len(lines) == 2, bad.output
    assert any("phone" in ln and "138****5678" in ln for ln in lines)
    assert any(" name " in ln for ln in lines)
    assert "13812345678" not in bad.output and nick not in bad.output
    planted.unlink()
