"""The config file: one loader for `daily` and mail, checked by tables of keys, every mistake
named by where it came from (the file and its key, or the environment variable)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from briefing.daily.config import KEYS, DailyConfig, load_config, template
from briefing.deliver.config_file import read_config
from briefing.deliver.mail_settings import MAIL_KEYS, MailSettings
from briefing.errors import ConfigError


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "briefing.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_setting_is_declared_once() -> None:
    declared = [k.field for keys in KEYS.values() for k in keys]
    assert len(declared) == len(set(declared))
    fields = {f.name for f in dataclasses.fields(DailyConfig)} - {"path", "mail"}
    assert set(declared) == fields
    assert len({k.name for k in MAIL_KEYS}) == len(MAIL_KEYS)


def test_daily_and_mail_read_one_file_and_resolve_paths_against_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the working folder must not matter
    cfg = _file(tmp_path, 'inboxes = ["in"]\n[run]\nworkers = 1\n[mail]\nhost = "h.example"\n'
                          'outbox = "box"\ncafile = "ca.pem"\n')
    (cfg.parent / "ca.pem").write_text("x", encoding="utf-8")
    daily = load_config(cfg, {})
    mail = MailSettings.load(cfg, {})
    assert daily.inboxes == (cfg.parent / "in",) and daily.workers == 1
    assert daily.archive == cfg.parent / "archive" and daily.output == cfg.parent / "output"
    assert mail.outbox == str(cfg.parent / "box") == daily.mail["outbox"]
    assert mail.cafile == str(cfg.parent / "ca.pem") and mail.host == "h.example"
    from_daily = MailSettings.from_sources({"mail": daily.mail}, {})
    assert from_daily == mail


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("inbox = ['x']", "{f}: inbox is not a known setting (did you mean inboxes?)"),
        ("feeds = ['ftp://x']", "{f}: feeds entry 'ftp://x' is not an http(s) URL"),
        ("[budget]\nmax_stories = 0", "{f}: [budget] max_stories must be a whole number from 1 to 1000, got 0"),
        ("[stories]\nthreshold = 2", "{f}: [stories] threshold must be a number from 0 to 1, got 2"),
        ("formats = ['pdf']", "{f}: formats must be one of md, json, html, got 'pdf'"),
        ("[fetch]\ntimeout = 'soon'", "{f}: [fetch] timeout must be a number from 0.01 to 600, got 'soon'"),
        ("[fetch]\ntimeuot = 3", "{f}: [fetch] timeuot is not a known setting (did you mean timeout?)"),
        ("[run]\nworkers = 3", "{f}: [run] workers must be a whole number from 1 to 2, got 3"),
        ("budget = 3", "{f}: budget must be a table"),
        ("archive = 3", "{f}: archive must be a path (text), got 3"),
        ("prompt = ' '", "{f}: prompt must be a name (text), got ' '"),
        ("inboxes = [", "{f}: not valid TOML"),
    ],
)
def test_bad_config_names_the_file_and_the_key(tmp_path: Path, toml: str, message: str) -> None:
    cfg = _file(tmp_path, toml + "\n")
    with pytest.raises(ConfigError, match="^" + re.escape(message.format(f=cfg))):
        load_config(cfg, {})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BRIEFING_WORKERS": "many"}, "BRIEFING_WORKERS: must be a whole number from 1 to 2, got 'many'"),
        ({"BRIEFING_WORKERS": "5"}, "BRIEFING_WORKERS: must be a whole number from 1 to 2, got 5"),
    ],
)
def test_bad_environment_names_the_variable_not_the_file(tmp_path: Path, env: dict, message: str) -> None:
    cfg = _file(tmp_path, "[run]\nworkers = 1\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg, env)
    assert str(err.value) == message and str(cfg) not in str(err.value)


def test_mail_errors_name_the_file_key_or_the_variable(tmp_path: Path) -> None:
    cfg = _file(tmp_path, '[mail]\nsecurity = "tls"\nport = 25\n')
    with pytest.raises(ConfigError, match=re.escape(f"{cfg}: [mail] security must be one of starttls, ssl, none")):
        MailSettings.load(cfg, {})
    with pytest.raises(ConfigError) as err:
        MailSettings.load(cfg, {"BRIEFING_SMTP_SECURITY": "tls"})
    assert str(err.value).startswith("BRIEFING_SMTP_SECURITY: must be one of") and str(cfg) not in str(err.value)
    fixed = MailSettings.load(cfg, {"BRIEFING_SMTP_SECURITY": "ssl", "BRIEFING_SMTP_PORT": "2465"})
    assert (fixed.security, fixed.port) == ("ssl", 2465)  # the environment wins over the file


def test_environment_wins_over_the_file_for_workers(tmp_path: Path) -> None:
    cfg = _file(tmp_path, "[run]\nworkers = 2\n")
    assert load_config(cfg, {}).workers == 2
    assert load_config(cfg, {"BRIEFING_WORKERS": "1"}).workers == 1
    assert load_config(cfg, {"BRIEFING_WORKERS": ""}).workers == 2


def test_no_config_file_keeps_data_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert read_config(None, {}).path is None
    config = load_config(None, {})
    assert config.path == "defaults"
    assert config.archive == tmp_path / "data" / "briefing" / "archive"
    assert config.output == tmp_path / "data" / "briefing" / "output"
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", {})


def test_template_loads_with_its_folders_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / 'my "data"'
    cfg = _file(tmp_path, template(data))
    config = load_config(cfg, {})
    assert config.inboxes == (data / "inbox",)
    assert (config.archive, config.output) == (data / "archive", data / "output")
    assert config.mail == {} and config.workers is None
