//! Passwords: the rules a new one must meet (length, not among the commonest, hard enough
//! to guess by zxcvbn's estimate) and argon2id hashing, on a bounded pool of blocking
//! threads so that a flood of sign-ins queues for its turn instead of taking every core.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use roster_core::error::DomainResult;
use roster_core::DomainError;
use tokio::sync::Semaphore;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// zxcvbn's "safely unguessable": more than 10^8 guesses, beyond an online attack.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;
/// The code of the 400 for a password that is long enough but too easy to guess.
pub const TOO_WEAK: &str = "password_too_weak";

/// Passwords attackers try first, lower-case, one a line (zxcvbn knows most of them too,
/// but not the passphrases that became famous).
const COMMON: &str = include_str!("common_passwords.txt");

/// A password that met the length rules, and the field it came in (for errors).
pub struct Password {
    field: String,
    secret: String,
}

impl Password {
    pub fn parse(field: &str, raw: &str) -> DomainResult<Self> {
        let n = raw.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
            return Err(DomainError::invalid(
                field,
                format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
            ));
        }
        Ok(Self {
            field: field.to_owned(),
            secret: raw.to_owned(),
        })
    }

    /// Refuses a common password, or one zxcvbn guesses in fewer than 10^8 tries given
    /// what else the account is known by (`known`: its email, its name).
    fn check_strength(&self, known: &[String]) -> DomainResult<()> {
        let too_weak = |why: String| {
            DomainError::bad_request(TOO_WEAK, format!("{}: {why}", self.field))
                .on_field(self.field.clone(), why)
        };
        let lowered = self.secret.trim().to_lowercase();
        if lowered.is_empty() {
            return Err(too_weak("is too easy to guess (only whitespace)".into()));
        }
        if COMMON.lines().any(|common| common == lowered) {
            return Err(too_weak(
                "is one of the most common passwords: choose another".into(),
            ));
        }
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(&self.secret, &known);
        if estimate.score() >= MIN_SCORE {
            return Ok(());
        }
        let mut why = "is too easy to guess".to_owned();
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                why.push_str(&format!(" ({warning})"));
            }
            if let Some(suggestion) = feedback.suggestions().first() {
                why.push_str(&format!(": {suggestion}"));
            }
        }
        Err(too_weak(why))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// An argon2id hash (PHC string) of a password that met every rule.
#[derive(Clone)]
pub struct HashedPassword(pub(crate) String);

impl std::fmt::Debug for HashedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HashedPassword(..)")
    }
}

/// argon2id of a random password nobody knows, with default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0cD9X6m5/RE/7mQ6uXhzmRpGJz0a9N2Hq8gq7v2Z2dI";

/// Checks and hashes passwords on blocking threads, at most `threads` at once; the
/// others wait for a turn. Cheap to clone: clones share the turns.
#[derive(Debug, Clone)]
pub struct Hasher {
    turns: Arc<Semaphore>,
}

impl Hasher {
    /// At most `threads` (at least one) passwords checked or hashed at once.
    pub fn new(threads: usize) -> Self {
        Self {
            turns: Arc::new(Semaphore::new(threads.max(1))),
        }
    }

    /// Runs `work` on a blocking thread once a turn is free. The turn goes with the work,
    /// so a caller that gives up does not free it before the thread is done.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> DomainResult<T> + Send + 'static,
    ) -> DomainResult<T> {
        let turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(DomainError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work()
        })
        .await
        .map_err(DomainError::internal)?
    }

    /// Checks a new password against the rules (400 `password_too_weak` naming its field
    /// when it fails them) and hashes it. `known`: what else identifies the account.
    pub async fn hash_new(
        &self,
        password: Password,
        known: Vec<String>,
    ) -> DomainResult<HashedPassword> {
        self.run(move || {
            password.check_strength(&known)?;
            hash_argon2id(&password.secret)
        })
        .await
    }

    /// Whether `password` matches the stored hash. Without one, it is checked against a
    /// fixed hash anyway, so that an unknown email takes as long as a wrong password.
    pub async fn matches(&self, password: String, stored: Option<String>) -> DomainResult<bool> {
        Ok(self.sign_in(password, stored).await? != Verdict::Wrong)
    }

    /// Checks `password` against the stored hash, in any form an import may have brought
    /// (`password_formats`); a match with a hash that is not Roster's own argon2id comes
    /// with that password hashed anew, to store in its place.
    pub async fn sign_in(&self, password: String, stored: Option<String>) -> DomainResult<Verdict> {
        self.run(move || {
            let Some(stored) = stored else {
                // As long as a wrong password: the same work on a fixed hash.
                let _ = crate::password_formats::verify(&password, DUMMY_HASH);
                return Ok(Verdict::Wrong);
            };
            if !crate::password_formats::verify(&password, &stored) {
                return Ok(Verdict::Wrong);
            }
            if crate::password_formats::is_current(&stored) {
                return Ok(Verdict::Right);
            }
            hash_argon2id(&password).map(Verdict::RightRehashed)
        })
        .await
    }
}

/// What a sign-in's password check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Wrong,
    Right,
    /// Right, against a hash of another form: this argon2id hash replaces it.
    RightRehashed(HashedPassword),
}

impl PartialEq for HashedPassword {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for HashedPassword {}

fn hash_argon2id(secret: &str) -> DomainResult<HashedPassword> {
    let salt = SaltString::encode_b64(&roster_core::secret::random_bytes::<16>())
        .map_err(|e| DomainError::internal_msg(e.to_string()))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| HashedPassword(h.to_string()))
        .map_err(|e| DomainError::internal_msg(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strength(raw: &str, known: &[&str]) -> DomainResult<()> {
        let known: Vec<String> = known.iter().map(|k| (*k).to_owned()).collect();
        Password::parse("password", raw)?.check_strength(&known)
    }

    fn refused_as_weak(raw: &str, known: &[&str]) -> bool {
        matches!(strength(raw, known), Err(DomainError::BadRequest { code, errors, .. })
            if code == TOO_WEAK && errors.iter().any(|e| e.field == "password"))
    }

    #[test]
    fn common_repetitive_and_personal_passwords_are_refused() {
        for weak in [
            "password",
            "12345678",
            "        ",
            "PassWord1",
            "qwertyuiop",
            "Correct Horse Battery Staple",
            "aaaaaaaaaaaa",
        ] {
            assert!(refused_as_weak(weak, &[]), "{weak:?} was accepted");
        }
        assert!(strength("LEE@example.com", &[]).is_ok());
        assert!(refused_as_weak(
            "LEE@example.com",
            &["lee@example.com", "Lee"]
        ));
    }

    #[test]
    fn a_passphrase_passes_and_length_is_checked_first() {
        assert!(strength("correct horse battery", &[]).is_ok());
        assert!(strength("tangerine quokka 42", &["ada@example.com"]).is_ok());
        let short = strength("abc", &[]).unwrap_err();
        assert!(
            matches!(&short, DomainError::BadRequest { code, .. } if code == "validation_failed"),
            "{short}"
        );
    }

    #[test]
    fn the_common_list_is_lower_case_and_long_enough_to_matter() {
        for line in COMMON.lines() {
            assert_eq!(line, line.to_lowercase());
            assert!(line.chars().count() >= MIN_PASSWORD_CHARS, "{line}");
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_the_dummy_never_matches() {
        let hasher = Hasher::new(1);
        let password = Password::parse("password", "tangerine quokka 42").unwrap();
        let hashed = hasher.hash_new(password, Vec::new()).await.unwrap();
        assert!(hashed.0.starts_with("$argon2id$"));
        let stored = Some(hashed.0.clone());
        assert!(hasher
            .matches("tangerine quokka 42".into(), stored.clone())
            .await
            .unwrap());
        assert!(!hasher
            .matches("tangerine quokka 43".into(), stored)
            .await
            .unwrap());
        assert!(!hasher.matches("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn an_imported_hash_that_matches_comes_back_rehashed_to_argon2id() {
        let hasher = Hasher::new(1);
        let imported = bcrypt::hash("tangerine quokka 42", 4).unwrap();
        let verdict = hasher
            .sign_in("tangerine quokka 42".into(), Some(imported.clone()))
            .await
            .unwrap();
        let Verdict::RightRehashed(rehashed) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(crate::password_formats::is_current(&rehashed.0));
        let again = hasher
            .sign_in("tangerine quokka 42".into(), Some(rehashed.0))
            .await
            .unwrap();
        assert_eq!(again, Verdict::Right);
        let wrong = hasher
            .sign_in("tangerine quokka 43".into(), Some(imported))
            .await
            .unwrap();
        assert_eq!(wrong, Verdict::Wrong);
    }
}
