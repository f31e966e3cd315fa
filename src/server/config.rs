//! Runtime configuration: `Leptos.toml` (or the file named by `GATHER_CONFIG`), then
//! environment variables on top. A bad value stops start-up with a message naming the key.

use crate::domain::sessions::{SessionPolicy, HOUR_MS, MINUTE_MS};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    /// Where the built site (the `pkg/` folder and public assets) is served from.
    pub site_root: String,
    pub sessions: SessionPolicy,
    /// Set when served over https: the session cookie is then `Secure` and HSTS is sent.
    pub cookie_secure: bool,
    pub time_zone: chrono_tz::Tz,
    /// Seed the demo practice into an empty database at start-up.
    pub demo: bool,
    pub mail: MailConfig,
}

/// How Gather sends email, and the address links in it start with.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// None: nothing is sent; each email is written as an `.eml` file to `folder`.
    pub smtp: Option<SmtpConfig>,
    pub folder: String,
    /// The From address, for example `Gather <no-reply@practice.example>`.
    pub from: String,
    /// Where people reach this server, for links in emails (`https://gather.practice.example`).
    pub public_url: String,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection: only for a relay on this machine.
    None,
    /// Upgrade with STARTTLS (port 587), required.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {key}: {problem}")]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
}

fn bad(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_string(),
        problem: problem.into(),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    sessions: SessionsSection,
    #[serde(default)]
    practice: PracticeSection,
    #[serde(default)]
    demo: DemoSection,
    #[serde(default)]
    mail: MailSection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MailSection {
    smtp_host: Option<String>,
    smtp_port: Option<i64>,
    smtp_tls: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    from: Option<String>,
    folder: Option<String>,
    public_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    addr: Option<String>,
    database_url: Option<String>,
    site_root: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SessionsSection {
    idle_timeout_minutes: Option<i64>,
    absolute_lifetime_hours: Option<i64>,
    cookie_secure: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PracticeSection {
    time_zone: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DemoSection {
    seed: Option<bool>,
}

/// A source of environment values, so tests can supply their own.
pub trait Env {
    fn get(&self, key: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

impl Config {
    /// Loads the configuration the server starts with.
    pub fn load() -> Result<Config, ConfigError> {
        let path = std::env::var("GATHER_CONFIG").unwrap_or_else(|_| "Leptos.toml".to_string());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            // No file at the default path is fine: defaults and environment apply.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && path == "Leptos.toml" => {
                String::new()
            }
            Err(e) => return Err(bad("GATHER_CONFIG", format!("cannot read {path}: {e}"))),
        };
        Config::from_parts(&text, &ProcessEnv)
    }

    pub fn from_parts(file_text: &str, env: &dyn Env) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(file_text).map_err(|e| {
            bad(
                "Leptos.toml",
                e.to_string().lines().collect::<Vec<_>>().join(" "),
            )
        })?;

        let addr_text = pick(env, "GATHER_ADDR", file.server.addr, "127.0.0.1:3000");
        let addr: SocketAddr = addr_text.parse().map_err(|_| {
            bad(
                "GATHER_ADDR / server.addr",
                format!("{addr_text:?} is not an address like 127.0.0.1:3000"),
            )
        })?;

        let database_url = pick(
            env,
            "GATHER_DATABASE_URL",
            file.server.database_url,
            "sqlite://data/gather.db",
        );
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "GATHER_DATABASE_URL / server.database_url",
                format!("{database_url:?} must start with sqlite:// or postgres://"),
            ));
        }

        let site_root = pick(
            env,
            "GATHER_SITE_ROOT",
            file.server.site_root,
            "target/site",
        );

        let idle = int(
            env,
            "GATHER_IDLE_TIMEOUT_MINUTES",
            "sessions.idle_timeout_minutes",
            file.sessions.idle_timeout_minutes,
            30,
        )?;
        let absolute = int(
            env,
            "GATHER_ABSOLUTE_LIFETIME_HOURS",
            "sessions.absolute_lifetime_hours",
            file.sessions.absolute_lifetime_hours,
            12,
        )?;
        let sessions = SessionPolicy {
            idle_timeout_ms: idle.saturating_mul(MINUTE_MS),
            absolute_lifetime_ms: absolute.saturating_mul(HOUR_MS),
        };
        sessions.validate().map_err(|p| bad("sessions", p))?;

        let cookie_secure = boolean(
            env,
            "GATHER_COOKIE_SECURE",
            "sessions.cookie_secure",
            file.sessions.cookie_secure,
            false,
        )?;

        let tz_text = pick(
            env,
            "GATHER_TIME_ZONE",
            file.practice.time_zone,
            "America/New_York",
        );
        let time_zone: chrono_tz::Tz = tz_text.parse().map_err(|_| {
            bad(
                "GATHER_TIME_ZONE / practice.time_zone",
                format!("{tz_text:?} is not an IANA time zone such as America/Chicago"),
            )
        })?;

        let demo = boolean(env, "GATHER_DEMO", "demo.seed", file.demo.seed, false)?;
        let mail = mail(env, file.mail, addr)?;

        Ok(Config {
            mail,
            addr,
            database_url,
            site_root,
            sessions,
            cookie_secure,
            time_zone,
            demo,
        })
    }
}

fn mail(env: &dyn Env, file: MailSection, addr: SocketAddr) -> Result<MailConfig, ConfigError> {
    let host = env.get("GATHER_SMTP_HOST").or(file.smtp_host);
    let smtp = match host {
        None => None,
        Some(host) => {
            let tls_text = pick(env, "GATHER_SMTP_TLS", file.smtp_tls, "starttls");
            let tls = match tls_text.trim().to_ascii_lowercase().as_str() {
                "none" => SmtpTls::None,
                "starttls" => SmtpTls::StartTls,
                "tls" => SmtpTls::Tls,
                _ => {
                    return Err(bad(
                        "GATHER_SMTP_TLS / mail.smtp_tls",
                        format!("{tls_text:?} is not none, starttls or tls"),
                    ))
                }
            };
            let default_port = match tls {
                SmtpTls::None => 25,
                SmtpTls::StartTls => 587,
                SmtpTls::Tls => 465,
            };
            let port = int(
                env,
                "GATHER_SMTP_PORT",
                "mail.smtp_port",
                file.smtp_port,
                default_port,
            )?;
            let port = u16::try_from(port)
                .map_err(|_| bad("GATHER_SMTP_PORT / mail.smtp_port", "must be below 65536"))?;
            let username = env.get("GATHER_SMTP_USERNAME").or(file.smtp_username);
            let password = env.get("GATHER_SMTP_PASSWORD").or(file.smtp_password);
            let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1");
            // Credentials in the clear to another machine would hand them to the network.
            if tls == SmtpTls::None && !loopback {
                return Err(bad(
                    "GATHER_SMTP_TLS / mail.smtp_tls",
                    "none is only allowed for a server on this machine (localhost); use starttls or tls",
                ));
            }
            Some(SmtpConfig {
                host,
                port,
                tls,
                username,
                password,
            })
        }
    };
    let from = pick(
        env,
        "GATHER_MAIL_FROM",
        file.from,
        "Gather <no-reply@localhost>",
    );
    if !from.contains('@') {
        return Err(bad(
            "GATHER_MAIL_FROM / mail.from",
            format!("{from:?} is not an address like Practice <no-reply@practice.example>"),
        ));
    }
    let folder = pick(env, "GATHER_MAIL_DIR", file.folder, "data/mail");
    let public_url = pick(
        env,
        "GATHER_PUBLIC_URL",
        file.public_url,
        &format!("http://{addr}"),
    );
    let public_url = public_url.trim_end_matches('/').to_string();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(bad(
            "GATHER_PUBLIC_URL / mail.public_url",
            format!("{public_url:?} must start with http:// or https://"),
        ));
    }
    Ok(MailConfig {
        smtp,
        folder,
        from,
        public_url,
    })
}

fn pick(env: &dyn Env, key: &str, file: Option<String>, default: &str) -> String {
    env.get(key).or(file).unwrap_or_else(|| default.to_string())
}

fn int(
    env: &dyn Env,
    key: &str,
    file_key: &str,
    file: Option<i64>,
    default: i64,
) -> Result<i64, ConfigError> {
    let value = match env.get(key) {
        Some(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| bad(key, format!("{text:?} is not a whole number")))?,
        None => file.unwrap_or(default),
    };
    if value <= 0 {
        return Err(bad(
            &format!("{key} / {file_key}"),
            format!("{value} must be a positive whole number"),
        ));
    }
    Ok(value)
}

fn boolean(
    env: &dyn Env,
    key: &str,
    file_key: &str,
    file: Option<bool>,
    default: bool,
) -> Result<bool, ConfigError> {
    match env.get(key) {
        Some(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(bad(
                &format!("{key} / {file_key}"),
                format!("{text:?} is not true or false"),
            )),
        },
        None => Ok(file.unwrap_or(default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn get(&self, key: &str) -> Option<String> {
            self.0.get(key).map(|v| v.to_string())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> MapEnv {
        MapEnv(pairs.iter().copied().collect())
    }

    #[test]
    fn file_values_apply_and_environment_overrides_them() {
        let file = r#"
            [server]
            addr = "127.0.0.1:4000"
            database_url = "sqlite://x.db"
            [demo]
            seed = true
        "#;
        let c = Config::from_parts(file, &env(&[])).expect("valid");
        assert_eq!(c.addr.port(), 4000);
        assert!(c.demo);
        let c = Config::from_parts(
            file,
            &env(&[
                ("GATHER_ADDR", "127.0.0.1:5000"),
                ("GATHER_DEMO", "false"),
                ("GATHER_DATABASE_URL", "postgres://localhost/g"),
            ]),
        )
        .expect("valid");
        assert_eq!(c.addr.port(), 5000);
        assert!(!c.demo);
        assert_eq!(c.database_url, "postgres://localhost/g");
    }

    #[test]
    fn bad_values_name_the_key() {
        let cases = [
            ("GATHER_ADDR", "localhost", "GATHER_ADDR"),
            ("GATHER_DATABASE_URL", "mysql://x", "GATHER_DATABASE_URL"),
            ("GATHER_DEMO", "maybe", "GATHER_DEMO"),
            ("GATHER_TIME_ZONE", "Mars/Olympus", "GATHER_TIME_ZONE"),
            (
                "GATHER_IDLE_TIMEOUT_MINUTES",
                "-5",
                "GATHER_IDLE_TIMEOUT_MINUTES",
            ),
            (
                "GATHER_IDLE_TIMEOUT_MINUTES",
                "ten",
                "GATHER_IDLE_TIMEOUT_MINUTES",
            ),
        ];
        for (key, value, named) in cases {
            let err = Config::from_parts("", &env(&[(key, value)])).expect_err(key);
            assert!(err.to_string().contains(named), "{err}");
        }
    }

    #[test]
    fn mail_defaults_to_a_folder_and_takes_smtp_from_the_environment() {
        let c = Config::from_parts("", &env(&[])).expect("valid");
        assert!(c.mail.smtp.is_none());
        assert_eq!(c.mail.folder, "data/mail");
        assert_eq!(c.mail.public_url, "http://127.0.0.1:3000");
        let c = Config::from_parts(
            "[mail]\nsmtp_host = \"mail.example.org\"\n",
            &env(&[("GATHER_PUBLIC_URL", "https://gather.example.org/")]),
        )
        .expect("valid");
        let smtp = c.mail.smtp.expect("smtp");
        assert_eq!((smtp.port, smtp.tls), (587, SmtpTls::StartTls));
        assert_eq!(c.mail.public_url, "https://gather.example.org");
        let c = Config::from_parts(
            "",
            &env(&[
                ("GATHER_SMTP_HOST", "127.0.0.1"),
                ("GATHER_SMTP_TLS", "none"),
                ("GATHER_SMTP_PORT", "2525"),
            ]),
        )
        .expect("valid");
        assert_eq!(c.mail.smtp.map(|s| s.port), Some(2525));
        for (key, value) in [
            ("GATHER_SMTP_TLS", "sometimes"),
            ("GATHER_PUBLIC_URL", "gather.example.org"),
            ("GATHER_MAIL_FROM", "nobody"),
        ] {
            let err =
                Config::from_parts("", &env(&[("GATHER_SMTP_HOST", "localhost"), (key, value)]))
                    .expect_err(key);
            assert!(err.to_string().contains(key), "{err}");
        }
        let err = Config::from_parts(
            "",
            &env(&[
                ("GATHER_SMTP_HOST", "mail.example.org"),
                ("GATHER_SMTP_TLS", "none"),
            ]),
        )
        .expect_err("plain to another machine");
        assert!(err.to_string().contains("localhost"), "{err}");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let err = Config::from_parts("[server]\nport = 1\n", &env(&[])).expect_err("unknown");
        assert!(err.to_string().contains("port"), "{err}");
    }

    #[test]
    fn idle_timeout_longer_than_lifetime_is_refused() {
        let err = Config::from_parts(
            "",
            &env(&[
                ("GATHER_IDLE_TIMEOUT_MINUTES", "600"),
                ("GATHER_ABSOLUTE_LIFETIME_HOURS", "1"),
            ]),
        )
        .expect_err("idle > absolute");
        assert!(err.to_string().contains("sessions"), "{err}");
    }
}
