"""Run the morning batch every day: a crontab line, or a systemd user service and timer.

``storeops schedule --at 07:30`` prints what to install; ``--install`` writes it into the
user's crontab (``crontab -l`` / ``crontab -``), keeping every other line and replacing an
earlier storeops line, which is recognised by its trailing marker comment :data:`MARKER`.
``--systemd`` prints a ``storeops-batch.service`` and ``storeops-batch.timer`` pair for
``~/.config/systemd/user/`` instead.

The command cds to the project (so a relative ``stores.toml`` and data folder resolve), runs
the project's ``.venv`` storeops for yesterday and every store, and appends its output to a
log file under the home (``~/storeops-batch.log`` by default). Times are the machine's local
time: set the machine (or ``CRON_TZ``) to Asia/Shanghai when the reports must be ready before
9:00 Beijing time.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from storeops.errors import ConfigError

MARKER = "# storeops-batch"
"""Ends the crontab line storeops writes, so that a re-install replaces it."""

UNIT = "storeops-batch"
"""Name of the systemd service and timer."""

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Plan:
    """What the scheduled batch runs, and where."""

    hour: int
    minute: int
    project: Path
    """Folder the batch runs in (the checkout holding ``.venv``)."""
    storeops: Path
    """The ``storeops`` executable of the project's virtual environment."""
    log: Path
    """File the batch's output is appended to."""
    home: Path | None = None
    """``--home`` passed to the batch; None keeps the project's own."""
    extra: tuple[str, ...] = ()
    """More ``storeops batch`` options, e.g. ``("--share", "masked")``."""

    def batch_args(self) -> list[str]:
        """Return the batch command as an argument list."""
        home = ["--home", str(self.home)] if self.home else []
        return [str(self.storeops), *home, "batch", "--date", "yesterday", "--stores", "all",
                *self.extra]


def parse_time(text: str) -> tuple[int, int]:
    """
    Parse ``HH:MM`` (24-hour clock).

    Raises
    ------
    ConfigError
        For anything else (``7:30`` is accepted, ``7.30`` or ``25:00`` are not).
    """
    match = _TIME.match(text.strip())
    if not match:
        raise ConfigError(f"--at 应写成 24 小时制的 HH:MM，例如 07:30，收到 {text!r}")
    return int(match.group(1)), int(match.group(2))


def make_plan(at: str, project: Path, *, log: Path | None = None, home: Path | None = None,
              extra: tuple[str, ...] = ()) -> Plan:
    """
    Build the schedule of a project checkout.

    Parameters
    ----------
    at : str
        ``HH:MM`` local time.
    project : Path
        The checkout; its ``.venv/bin/storeops`` runs the batch.
    log : Path, optional
        Log file; default ``~/storeops-batch.log``.
    home : Path, optional
        The storeops home to pass with ``--home``.
    extra : tuple of str
        More batch options.
    """
    hour, minute = parse_time(at)
    project = project.expanduser().resolve()
    return Plan(hour, minute, project, project / ".venv" / "bin" / "storeops",
                (log or Path.home() / "storeops-batch.log").expanduser(),
                home.expanduser().resolve() if home else None, tuple(extra))


def crontab_line(plan: Plan) -> str:
    """
    Return the crontab line of the batch, ending with :data:`MARKER`.

    ``30 7 * * * cd /proj && /proj/.venv/bin/storeops batch --date yesterday --stores all
    >> ~/storeops-batch.log 2>&1 # storeops-batch`` (paths quoted for the shell; ``%`` is
    special in crontab and escaped).
    """
    command = " ".join(shlex.quote(a) for a in plan.batch_args())
    line = (f"cd {shlex.quote(str(plan.project))} && {command} "
            f">> {shlex.quote(str(plan.log))} 2>&1")
    return f"{plan.minute} {plan.hour} * * * {line.replace('%', chr(92) + '%')} {MARKER}"


def systemd_units(plan: Plan) -> dict[str, str]:
    """
    Return a systemd user service and timer that run the batch daily at the plan's time.

    Returns
    -------
    dict of str to str
        ``storeops-batch.service`` and ``storeops-batch.timer`` → file text (for
        ``~/.config/systemd/user/``; then ``systemctl --user enable --now storeops-batch.timer``).
    """
    command = " ".join(_systemd_quote(a) for a in plan.batch_args())
    service = (
        "[Unit]\n"
        "Description=storeops morning batch (every store, yesterday's reports)\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={plan.project}\n"
        f"ExecStart={command}\n"
        f"StandardOutput=append:{plan.log}\n"
        f"StandardError=append:{plan.log}\n"
    )
    timer = (
        "[Unit]\n"
        "Description=Run the storeops morning batch daily\n\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {plan.hour:02d}:{plan.minute:02d}:00\n"
        "Persistent=true\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def _systemd_quote(arg: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:=@+-]+", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def merge_crontab(current: str, line: str) -> str:
    """
    Return the crontab text with ``line`` in place of any earlier storeops line.

    Every other line (other jobs, comments, variables) is kept in its order; the storeops line
    goes where the old one was, else at the end.
    """
    out: list[str] = []
    placed = False
    for existing in current.splitlines():
        if existing.rstrip().endswith(MARKER):
            if not placed:
                out.append(line)
                placed = True
            continue
        out.append(existing)
    if not placed:
        out.append(line)
    return "\n".join(out) + "\n"


def read_crontab(crontab: str = "crontab") -> str:
    """
    Return the user's crontab (empty when the user has none).

    Raises
    ------
    ConfigError
        When the ``crontab`` program is missing or fails for another reason.
    """
    try:
        done = subprocess.run([crontab, "-l"], capture_output=True, text=True,  # noqa: S603
                              check=False, timeout=30)  # a fixed program name, no shell
    except OSError as exc:
        raise ConfigError(f"找不到 crontab 程序（{exc}）：安装 cron，或用 --systemd") from exc
    if done.returncode == 0:
        return done.stdout
    if "no crontab" in (done.stderr or "").lower():
        return ""
    raise ConfigError(f"crontab -l 失败：{(done.stderr or '').strip() or done.returncode}")


def install_crontab(line: str, crontab: str = "crontab") -> str:
    """
    Put ``line`` into the user's crontab, replacing an earlier storeops line.

    Returns
    -------
    str
        The crontab text installed.

    Raises
    ------
    ConfigError
        When ``crontab`` cannot be read or written.
    """
    text = merge_crontab(read_crontab(crontab), line)
    try:
        done = subprocess.run([crontab, "-"], input=text,  # noqa: S603 - no shell
                              capture_output=True, text=True, check=False, timeout=30)
    except OSError as exc:
        raise ConfigError(f"找不到 crontab 程序（{exc}）：安装 cron，或用 --systemd") from exc
    if done.returncode != 0:
        raise ConfigError(f"crontab 写入失败：{(done.stderr or '').strip() or done.returncode}")
    return text
