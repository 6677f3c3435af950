"""``storeops schedule``: crontab line, systemd pair, and installing with a fake crontab."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storeops import paths, schedule
from storeops.cli import app
from storeops.errors import ConfigError

FAKE_CRONTAB = """#!/bin/sh
# a stand-in for crontab(1): the table lives in $CRONTAB_FILE
if [ "$1" = "-l" ]; then
  if [ -f "$CRONTAB_FILE" ]; then cat "$CRONTAB_FILE"; exit 0; fi
  echo "no crontab for tester" >&2; exit 1
fi
if [ "$1" = "-" ]; then cat > "$CRONTAB_FILE"; exit 0; fi
exit 2
"""


@pytest.fixture
def fake_crontab(tmp_path, monkeypatch):
    """A fake ``crontab`` first on PATH; returns the file holding the installed table."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "crontab"
    exe.write_text(FAKE_CRONTAB, "utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    table = tmp_path / "table"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CRONTAB_FILE", str(table))
    return table


def test_crontab_line_runs_the_projects_batch_for_yesterday(tmp_path):
    plan = schedule.make_plan("07:30", Path("/srv/store ops"), log=tmp_path / "b.log")
    assert schedule.crontab_line(plan) == (
        "30 7 * * * cd '/srv/store ops' && '/srv/store ops/.venv/bin/storeops' batch --date "
        f"yesterday --stores all >> {tmp_path}/b.log 2>&1 # storeops-batch")


def test_parse_time_refuses_nonsense():
    assert schedule.parse_time("7:05") == (7, 5)
    for bad in ("25:00", "07.30", "7", ""):
        with pytest.raises(ConfigError):
            schedule.parse_time(bad)


def test_systemd_pair(tmp_path):
    plan = schedule.make_plan("06:45", Path("/srv/so"), log=Path("/var/log/so.log"),
                              home=Path("/data/so"), extra=("--share", "masked"))
    units = schedule.systemd_units(plan)
    assert set(units) == {"storeops-batch.service", "storeops-batch.timer"}
    service = units["storeops-batch.service"]
    assert "WorkingDirectory=/srv/so\n" in service
    assert ("ExecStart=/srv/so/.venv/bin/storeops --home /data/so batch --date yesterday "
            "--stores all --share masked\n") in service
    assert "StandardOutput=append:/var/log/so.log\n" in service
    timer = units["storeops-batch.timer"]
    assert "OnCalendar=*-*-* 06:45:00\n" in timer and "Persistent=true" in timer


def test_merge_keeps_other_lines_and_replaces_the_old_storeops_line():
    current = ("MAILTO=ops@example.com\n0 3 * * * backup.sh\n"
               "0 6 * * * cd /old && storeops batch # storeops-batch\n15 * * * * other.sh\n")
    merged = schedule.merge_crontab(current, "30 7 * * * new # storeops-batch")
    assert merged.splitlines() == ["MAILTO=ops@example.com", "0 3 * * * backup.sh",
                                   "30 7 * * * new # storeops-batch", "15 * * * * other.sh"]
    assert schedule.merge_crontab("", "x # storeops-batch") == "x # storeops-batch\n"


def test_install_with_a_fake_crontab(fake_crontab, home):
    # no crontab yet ("no crontab for …" on stderr, exit 1): the line is the whole table
    line = schedule.crontab_line(schedule.make_plan("07:30", Path("/p")))
    assert schedule.install_crontab(line) == line + "\n"
    assert fake_crontab.read_text() == line + "\n"
    fake_crontab.write_text("0 3 * * * backup.sh\n" + line + "\n")
    # through the CLI: another time replaces the line, the backup line stays
    result = CliRunner().invoke(app, ["schedule", "--at", "06:10", "--install"])
    assert result.exit_code == 0, result.output
    lines = fake_crontab.read_text().splitlines()
    assert lines[0] == "0 3 * * * backup.sh" and len(lines) == 2
    assert lines[1].startswith("10 6 * * * cd ") and lines[1].endswith("# storeops-batch")
    assert f"--home {paths.home()} batch --date yesterday --stores all" in lines[1]
    assert "已写入 crontab（每天 06:10）" in result.output


def test_cli_prints_without_installing(fake_crontab):
    result = CliRunner().invoke(app, ["schedule", "--at", "07:30"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("30 7 * * * cd ")
    assert "batch --date yesterday --stores all >> " in result.output
    assert not fake_crontab.exists()
    bad = CliRunner().invoke(app, ["schedule", "--at", "7h30"])
    assert bad.exit_code == 1 and "HH:MM" in bad.output
