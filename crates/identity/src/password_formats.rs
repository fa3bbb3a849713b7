//! Password hashes made elsewhere and imported as they are (`password_hash` of a user
//! import), verified at sign-in: PHC argon2id, argon2i and argon2d; bcrypt `$2a$`, `$2b$`
//! and `$2y$`; PBKDF2-SHA256 in PHC form (`$pbkdf2-sha256$`) and in Django's form
//! (`pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`); scrypt in PHC form. A hash is
//! checked once, when it is imported: its form, and costs bounded so that an imported
//! hash cannot make a sign-in take minutes. Roster's own hashes are argon2id with the
//! default parameters ([`is_current`]); a successful sign-in with any other replaces it.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use base64::Engine;
use roster_core::error::DomainResult;
use roster_core::DomainError;
use subtle::ConstantTimeEq;

/// The code of an imported hash in no known form, or with costs out of bounds.
pub const BAD_HASH: &str = "invalid_password_hash";

/// The prefix of every hash Roster makes itself (argon2id, the `argon2` crate's defaults).
const CURRENT_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

/// Bounds on the costs of an imported hash (each well above what the systems it comes
/// from use by default).
const MAX_ARGON2_MEMORY_KIB: u32 = 256 * 1024;
const MAX_ARGON2_TIME: u32 = 16;
const MAX_ARGON2_LANES: u32 = 16;
const MAX_BCRYPT_COST: u32 = 16;
const MAX_PBKDF2_ROUNDS: u32 = 5_000_000;
const MAX_SCRYPT_LOG_N: u8 = 20;

/// The forms of password hash Roster verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashFormat {
    Argon2,
    Bcrypt,
    Pbkdf2Phc,
    Pbkdf2Django,
    Scrypt,
}

/// A password hash in a known form, with bounded costs: what an import keeps.
#[derive(Clone)]
pub struct ImportedHash(String);

impl std::fmt::Debug for ImportedHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImportedHash(..)")
    }
}

impl ImportedHash {
    /// Checks an imported hash (never echoing it in the error).
    pub fn parse(field: &str, raw: &str) -> DomainResult<Self> {
        let raw = raw.trim();
        match check(raw) {
            Ok(_) => Ok(Self(raw.to_owned())),
            Err(why) => Err(
                DomainError::bad_request(BAD_HASH, format!("{field}: {why}")).on_field(field, why),
            ),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Whether a stored hash is Roster's own (argon2id, current parameters).
pub fn is_current(stored: &str) -> bool {
    stored.starts_with(CURRENT_PREFIX)
}

/// The form of a hash and whether its costs are within bounds; the reason otherwise.
pub fn check(raw: &str) -> Result<HashFormat, &'static str> {
    if raw.starts_with("$2a$") || raw.starts_with("$2b$") || raw.starts_with("$2y$") {
        let parts: bcrypt::HashParts = raw.parse().map_err(|_| "is not a valid bcrypt hash")?;
        if parts.get_cost() > MAX_BCRYPT_COST {
            return Err("has a bcrypt cost above 16");
        }
        return Ok(HashFormat::Bcrypt);
    }
    if raw.starts_with("pbkdf2_sha256$") {
        django(raw)
            .ok_or("is not a valid Django pbkdf2_sha256 hash (or over 5,000,000 iterations)")?;
        return Ok(HashFormat::Pbkdf2Django);
    }
    let phc = PasswordHash::new(raw).map_err(|_| "is not a hash in a known form")?;
    phc.hash.ok_or("has no hash output")?;
    let param = |name: &str| phc.params.get_decimal(name);
    match phc.algorithm.as_str() {
        "argon2id" | "argon2i" | "argon2d" => {
            let params =
                argon2::Params::try_from(&phc).map_err(|_| "has invalid argon2 parameters")?;
            if params.m_cost() > MAX_ARGON2_MEMORY_KIB
                || params.t_cost() > MAX_ARGON2_TIME
                || params.p_cost() > MAX_ARGON2_LANES
            {
                return Err("has argon2 costs above m=262144, t=16, p=16");
            }
            Ok(HashFormat::Argon2)
        }
        "pbkdf2-sha256" => match param("i") {
            Some(rounds) if (1..=MAX_PBKDF2_ROUNDS).contains(&rounds) => Ok(HashFormat::Pbkdf2Phc),
            _ => Err("has a pbkdf2 round count missing or over 5,000,000"),
        },
        "scrypt" => {
            let params =
                scrypt::Params::try_from(&phc).map_err(|_| "has invalid scrypt parameters")?;
            if params.log_n() > MAX_SCRYPT_LOG_N || params.r() > 32 || params.p() > 16 {
                return Err("has scrypt costs above ln=20, r=32, p=16");
            }
            Ok(HashFormat::Scrypt)
        }
        _ => Err("is a hash of an algorithm Roster does not verify"),
    }
}

/// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 of the 32-byte key>`.
fn django(raw: &str) -> Option<(u32, &str, Vec<u8>)> {
    let mut parts = raw.split('$');
    let (_, rounds, salt, hash) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || salt.is_empty() {
        return None;
    }
    let rounds: u32 = rounds.parse().ok()?;
    let hash = base64::engine::general_purpose::STANDARD
        .decode(hash)
        .ok()?;
    ((1..=MAX_PBKDF2_ROUNDS).contains(&rounds) && hash.len() == 32).then_some((rounds, salt, hash))
}

/// Whether `password` matches `stored`, whatever its known form; a hash in no known form
/// matches nothing. Slow on purpose: call it on a blocking thread.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(format) = check(stored) else {
        return false;
    };
    let password = password.as_bytes();
    match format {
        HashFormat::Bcrypt => bcrypt::verify(password, stored).unwrap_or(false),
        HashFormat::Pbkdf2Django => match django(stored) {
            Some((rounds, salt, expected)) => {
                let mut got = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt.as_bytes(), rounds, &mut got);
                got.ct_eq(&expected[..]).into()
            }
            None => false,
        },
        HashFormat::Argon2 | HashFormat::Pbkdf2Phc | HashFormat::Scrypt => {
            let Ok(phc) = PasswordHash::new(stored) else {
                return false;
            };
            match format {
                HashFormat::Argon2 => Argon2::default().verify_password(password, &phc).is_ok(),
                HashFormat::Pbkdf2Phc => pbkdf2::Pbkdf2.verify_password(password, &phc).is_ok(),
                _ => scrypt::Scrypt.verify_password(password, &phc).is_ok(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, SaltString};

    use super::*;

    const PASSWORD: &str = "tangerine quokka 42";

    fn salt() -> SaltString {
        SaltString::encode_b64(b"0123456789abcdef").unwrap()
    }

    fn argon2(algorithm: argon2::Algorithm) -> String {
        let params = argon2::Params::new(1024, 1, 1, None).unwrap();
        Argon2::new(algorithm, argon2::Version::V0x13, params)
            .hash_password(PASSWORD.as_bytes(), &salt())
            .unwrap()
            .to_string()
    }

    fn django_hash(rounds: u32, salt: &str) -> String {
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(PASSWORD.as_bytes(), salt.as_bytes(), rounds, &mut key);
        let key = base64::engine::general_purpose::STANDARD.encode(key);
        format!("pbkdf2_sha256${rounds}${salt}${key}")
    }

    fn every_form() -> Vec<(HashFormat, String)> {
        let bcrypt = bcrypt::hash(PASSWORD, 4).unwrap();
        let pbkdf2 = pbkdf2::Pbkdf2
            .hash_password_customized(
                PASSWORD.as_bytes(),
                Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()),
                None,
                pbkdf2::Params {
                    rounds: 1000,
                    output_length: 32,
                },
                &salt(),
            )
            .unwrap()
            .to_string();
        let scrypt = scrypt::Scrypt
            .hash_password_customized(
                PASSWORD.as_bytes(),
                None,
                None,
                scrypt::Params::new(10, 8, 1, 32).unwrap(),
                &salt(),
            )
            .unwrap()
            .to_string();
        vec![
            (HashFormat::Argon2, argon2(argon2::Algorithm::Argon2id)),
            (HashFormat::Argon2, argon2(argon2::Algorithm::Argon2i)),
            (HashFormat::Argon2, argon2(argon2::Algorithm::Argon2d)),
            (HashFormat::Bcrypt, bcrypt.clone()),
            (HashFormat::Bcrypt, bcrypt.replacen("$2b$", "$2a$", 1)),
            (HashFormat::Bcrypt, bcrypt.replacen("$2b$", "$2y$", 1)),
            (HashFormat::Pbkdf2Phc, pbkdf2),
            (HashFormat::Pbkdf2Django, django_hash(1000, "pepper")),
            (HashFormat::Scrypt, scrypt),
        ]
    }

    #[test]
    fn every_form_is_recognised_and_verifies_the_right_password_only() {
        for (format, hash) in every_form() {
            assert_eq!(check(&hash), Ok(format), "{hash}");
            assert!(
                ImportedHash::parse("password_hash", &hash).is_ok(),
                "{hash}"
            );
            assert!(verify(PASSWORD, &hash), "{hash}");
            assert!(!verify("tangerine quokka 43", &hash), "{hash}");
            assert!(!is_current(&hash), "{hash}");
        }
    }

    #[test]
    fn unknown_forms_and_excessive_costs_are_refused_without_echoing_the_hash() {
        let md5 = "5f4dcc3b5aa765d61d8327deb882cf99";
        for bad in [
            "",
            md5,
            "$1$saltsalt$abcdefghijklmnopqrstuv",
            "$2b$04$tooshort",
            "$2b$31$abcdefghijklmnopqrstuu5Zb1q0sE5j0D0mJ2eN2Tzv9xN5d7y2e",
            "pbkdf2_sha256$abc$salt$aGFzaA==",
            "pbkdf2_sha256$100000000$salt$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=",
            "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$sha512$whatever",
        ] {
            let err = ImportedHash::parse("password_hash", bad).unwrap_err();
            assert!(
                matches!(&err, DomainError::BadRequest { code, .. } if code == BAD_HASH),
                "{bad}: {err}"
            );
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad), "{err}");
            }
            assert!(!verify(PASSWORD, bad));
        }
    }

    #[test]
    fn a_django_hash_with_another_salt_does_not_verify() {
        let hash = django_hash(1000, "pepper").replace("$pepper$", "$paprika$");
        assert!(!verify(PASSWORD, &hash));
    }
}
