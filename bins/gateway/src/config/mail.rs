//! Mail settings: where mail goes (`ROSTER_SMTP_URL`, or the development log), and who
//! it is from.

use clap::{Args, ValueEnum};
use roster_mail::sender::SenderConfig;
use roster_mail::Transport;

/// How long an SMTP server has for each step of a mail.
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MailTransport {
    /// Through the SMTP server of `ROSTER_SMTP_URL`.
    Smtp,
    /// Development only: mail, links included, goes to this process's log.
    Log,
    /// No mail: the flows that need it answer 503 `mail_not_configured`.
    Off,
}

/// How Roster sends mail.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// The SMTP server: `smtp://host:port` (plain: loopback only), `smtp+starttls://host:587`
    /// or `smtps://host:465`, with `user:password@` when it wants a login.
    #[arg(long = "smtp-url", env = "ROSTER_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The `From` of Roster's mail, e.g. `Roster <roster@example.com>`.
    #[arg(
        long = "mail-from",
        env = "ROSTER_MAIL_FROM",
        default_value = "Roster <roster@localhost>"
    )]
    pub from: String,
    /// `smtp` (the default when `ROSTER_SMTP_URL` is set), `log` (development: mail goes to
    /// the log) or `off` (the default otherwise).
    #[arg(long = "mail-transport", env = "ROSTER_MAIL_TRANSPORT", value_enum)]
    pub transport: Option<MailTransport>,
    /// The client's page that asks for a new password: a reset link with no `redirectTo`
    /// (an invitation, a reclaimed account) sends the browser there with `?token=`. Unset,
    /// the link answers JSON `{"status": true, "token": ...}`.
    #[arg(long = "reset-password-page", env = "ROSTER_RESET_PASSWORD_PAGE")]
    pub reset_password_page: Option<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Roster <roster@localhost>".into(),
            transport: None,
            reset_password_page: None,
        }
    }
}

impl MailConfig {
    /// The transport in effect.
    pub fn transport(&self) -> MailTransport {
        let has_url = self
            .smtp_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty());
        match self.transport {
            Some(t) => t,
            None if has_url => MailTransport::Smtp,
            None => MailTransport::Off,
        }
    }

    /// Whether mail goes anywhere (the flows that need it work).
    pub fn enabled(&self) -> bool {
        self.transport() != MailTransport::Off
    }

    /// The sender's settings, `None` when mail is off; an unusable setting is an error
    /// that stops the gateway from starting.
    pub fn sender(&self, public_url: &str) -> Result<Option<SenderConfig>, String> {
        let transport = match self.transport() {
            MailTransport::Off => return Ok(None),
            MailTransport::Log => Transport::Log,
            MailTransport::Smtp => {
                let url = self
                    .smtp_url
                    .as_deref()
                    .filter(|u| !u.trim().is_empty())
                    .ok_or("ROSTER_MAIL_TRANSPORT=smtp needs ROSTER_SMTP_URL")?;
                Transport::smtp(url, SMTP_TIMEOUT).map_err(|e| format!("ROSTER_SMTP_URL: {e}"))?
            }
        };
        let from = self
            .from
            .parse()
            .map_err(|_| "ROSTER_MAIL_FROM is not a mail address".to_owned())?;
        Ok(Some(SenderConfig {
            transport,
            from,
            public_url: public_url.to_owned(),
        }))
    }
}
