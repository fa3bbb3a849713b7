//! Unit tests of the settings: defaults, bounds and parsing.

use clap::Parser;

use super::Config;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: Config,
}

fn parse(extra: &[&str]) -> Result<Config, clap::Error> {
    let base = [
        "gateway",
        "--database-url",
        "postgres://127.0.0.1/roster",
        "--secret",
        "0123456789abcdef0123456789abcdef",
    ];
    Cli::try_parse_from(base.iter().chain(extra)).map(|cli| cli.config)
}

#[test]
fn writers_default_to_four_and_must_be_at_least_one() {
    assert_eq!(parse(&[]).unwrap().db_writers, 4);
    assert_eq!(parse(&["--db-writers", "1"]).unwrap().db_writers, 1);
    for bad in ["0", "-1", "many", "10001"] {
        assert!(parse(&["--db-writers", bad]).is_err(), "{bad}");
    }
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let config = parse(&["--trusted-proxies", "10.0.0.7, 192.168.0.0/16,::1,"]).unwrap();
    let proxies = config.trusted_proxies;
    for (ip, trusted) in [
        ("10.0.0.7", true),
        ("10.0.0.8", false),
        ("192.168.9.9", true),
        ("::1", true),
    ] {
        assert_eq!(proxies.trusts(ip.parse().unwrap()), trusted, "{ip}");
    }
    let none = parse(&["--trusted-proxies", ""]).unwrap().trusted_proxies;
    assert!(!none.trusts("127.0.0.1".parse().unwrap()));
    assert!(parse(&["--trusted-proxies", "10.0.0.0/33"]).is_err());
    assert!(parse(&["--trusted-proxies", "proxy.internal"]).is_err());
}

#[test]
fn metrics_listen_on_a_management_address_unless_off() {
    let default = parse(&[]).unwrap().metrics_bind;
    assert_eq!(default.0, Some("127.0.0.1:9090".parse().unwrap()));
    assert_eq!(
        parse(&["--metrics-bind", "off"]).unwrap().metrics_bind.0,
        None
    );
    assert!(parse(&["--metrics-bind", "9090"]).is_err());
    assert!(parse(&["--metrics-token", " "]).is_err());
}

#[test]
fn https_is_told_by_the_scheme_in_any_case() {
    let mut config = parse(&[]).unwrap();
    for (url, https) in [
        ("https://roster.example", true),
        ("HTTPS://roster.example", true),
        ("http://roster.example", false),
        ("https:", false),
    ] {
        config.public_url = url.into();
        assert_eq!(config.https(), https, "{url}");
    }
}

#[test]
fn body_timeout_and_connection_cap_must_be_positive() {
    let config = parse(&[]).unwrap();
    assert_eq!(
        (config.body_timeout_ms, config.max_connections_per_client),
        (30_000, 256)
    );
    assert!(parse(&["--body-timeout-ms", "0"]).is_err());
    assert!(parse(&["--max-connections-per-client", "0"]).is_err());
}

#[test]
fn webhook_settings_parse_beside_the_others() {
    let config = parse(&[
        "--webhook-workers",
        "0",
        "--workers",
        "3",
        "--webhook-retry-schedule",
        "1s,2m",
        "--webhook-allow-private",
        "true",
    ])
    .unwrap();
    assert_eq!((config.webhooks.workers, config.workers), (0, Some(3)));
    assert_eq!(config.webhooks.retry_schedule.0.len(), 2);
    assert!(config.webhooks.allow_private);
    assert_eq!(parse(&[]).unwrap().webhooks.timeout_ms, 10_000);
    assert!(parse(&["--webhook-retry-schedule", "5x"]).is_err());
}

#[test]
fn sign_up_is_closed_and_mail_off_unless_configured() {
    use super::{MailTransport, Signup};
    let config = parse(&[]).unwrap();
    assert_eq!(config.signup, Signup::Closed);
    assert_eq!(config.mail.transport(), MailTransport::Off);
    assert!(config.mail.sender(&config.public_url).unwrap().is_none());
    assert_eq!(parse(&["--signup", "open"]).unwrap().signup, Signup::Open);

    let smtp = parse(&["--smtp-url", "smtp://127.0.0.1:2525"]).unwrap();
    assert_eq!(smtp.mail.transport(), MailTransport::Smtp);
    assert!(smtp.mail.sender(&smtp.public_url).unwrap().is_some());
    for url in [
        "smtp+starttls://mail.example.com:587",
        "smtps://u:p@mail.example.com",
    ] {
        assert!(parse(&["--smtp-url", url]).unwrap().mail.enabled(), "{url}");
    }
    let bad = parse(&["--smtp-url", "http://mail.example.com"]).unwrap();
    let refused = bad.mail.sender(&bad.public_url).unwrap_err();
    assert!(refused.contains("scheme"), "{refused}");
    let log = parse(&["--mail-transport", "log"]).unwrap();
    assert_eq!(log.mail.transport(), MailTransport::Log);
    let no_url = parse(&["--mail-transport", "smtp"]).unwrap();
    assert!(no_url.mail.sender(&no_url.public_url).is_err());
    let bad_from = parse(&["--smtp-url", "smtp://127.0.0.1:1", "--mail-from", "nope"]).unwrap();
    assert!(bad_from.mail.sender(&bad_from.public_url).is_err());
}
