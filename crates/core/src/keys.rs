//! The one folding of identity keys: the form in which emails and identifiers are matched
//! and kept unique, everywhere (the database's unique indexes, sign-in, the rate limiter's
//! buckets, the user-add path, super-identity matching, external authenticate).
//!
//! Two strings are the same identity when their keys are equal, and only then. The key is
//! computed here, in Rust, once, and stored beside the text (`email_key`,
//! `identifier_key`); SQL never folds case itself, because PostgreSQL's `lower()` and
//! Rust's lower-casing disagree (the Kelvin sign, the dotted capital I), and two foldings
//! are two ideas of who is who.
//!
//! The key of a text: trimmed, Unicode NFKC, full case folding (`ß` → `ss`), NFKC again
//! (folding can leave a string unnormalised). When it holds an `@`, the part after the
//! last one is a domain and is put in its IDNA ASCII form (`bücher.example` →
//! `xn--bcher-kva.example`); a domain IDNA refuses keeps its folded form.

use unicode_normalization::UnicodeNormalization;

mod refold;
pub use refold::refold;

/// The version of the folding. Stored keys made by an older version are recomputed after
/// migrating ([`crate::migrations::run_pending`]); bump it when the folding changes.
pub const KEY_VERSION: i32 = 1;

/// NFKC, full case folding, NFKC.
fn fold(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    caseless::default_case_fold_str(&nfkc).nfkc().collect()
}

/// The key of an email or identifier (see the module's doc).
pub fn identity_key(raw: &str) -> String {
    let folded = fold(raw.trim());
    match folded.rsplit_once('@') {
        Some((local, domain)) if !domain.is_empty() => {
            let domain = idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_owned());
            format!("{local}@{domain}")
        }
        _ => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::identity_key;

    fn same(a: &str, b: &str) {
        assert_eq!(identity_key(a), identity_key(b), "{a:?} vs {b:?}");
    }

    fn different(a: &str, b: &str) {
        assert_ne!(identity_key(a), identity_key(b), "{a:?} vs {b:?}");
    }

    #[test]
    fn ascii_case_and_surrounding_space_do_not_matter() {
        same("Admin@Acme.Test", "admin@acme.test");
        same("  kim@corp.test ", "kim@corp.test");
        assert_eq!(identity_key("Admin@Acme.Test"), "admin@acme.test");
    }

    #[test]
    fn compatibility_forms_are_the_letters_they_stand_for() {
        // Fullwidth letters (NFKC) and the Kelvin sign (canonically the letter K).
        same("ＡＤＭＩＮ@acme.test", "admin@acme.test");
        same("\u{212A}im@corp.test", "kim@corp.test");
        same("ﬁona@acme.test", "fiona@acme.test");
    }

    #[test]
    fn full_case_folding_folds_sharp_s_and_final_sigma() {
        same("Straße", "STRASSE");
        same("straße@acme.test", "STRASSE@ACME.TEST");
        same("ΟΔΟΣ", "οδος");
        same("οδος", "οδοσ");
    }

    #[test]
    fn the_dotted_capital_i_is_not_the_letter_i() {
        // Full case folding keeps its dot (i + U+0307): another identity, unlike lower().
        different("admİn@acme.test", "admin@acme.test");
        assert_eq!(identity_key("İ"), "i\u{307}");
        // The dotless ı is a letter of its own as well.
        different("admın@acme.test", "admin@acme.test");
    }

    #[test]
    fn domains_compare_in_their_idna_form() {
        same("user@bücher.example", "user@xn--bcher-kva.example");
        same("user@BÜCHER.example", "user@xn--bcher-kva.example");
        assert_eq!(
            identity_key("user@bücher.example"),
            "user@xn--bcher-kva.example"
        );
        // Only the domain: a local part keeps its Unicode.
        assert_eq!(identity_key("Jürgen@acme.test"), "jürgen@acme.test");
    }

    #[test]
    fn text_without_a_domain_is_folded_alone() {
        assert_eq!(identity_key("Kim"), "kim");
        assert_eq!(identity_key("trailing@"), "trailing@");
        assert_eq!(identity_key(""), "");
    }

    #[test]
    fn a_domain_idna_refuses_keeps_its_folded_form() {
        assert_eq!(identity_key("a@b_c..x"), identity_key("A@B_C..X"));
    }

    #[test]
    fn the_key_is_stable() {
        for raw in ["ＡＤＭＩＮ@bücher.example", "Straße", "admİn@acme.test"] {
            let once = identity_key(raw);
            assert_eq!(identity_key(&once), once, "{raw:?}");
        }
    }
}
