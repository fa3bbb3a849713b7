use super::*;

#[test]
fn terms_within_one_word() {
    for term in [
        "kat",
        "Katesas",
        "user42",
        "42user",
        "Müller",
        "Łukasz",
        "李小龍",
        "١٢٣",
    ] {
        assert!(within_one_word(term), "{term}");
    }
    for term in [
        "ka",
        "",
        "a.b",
        "sasha lov",
        "o'neil",
        "x-ray",
        "50%",
        "a_b",
        "tab\tx",
        "123",
        "2026",
    ] {
        assert!(!within_one_word(term), "{term}");
    }
}

#[test]
fn emails() {
    assert_eq!(
        Email::parse("e", "  a@b.co ").map(|e| e.into_inner()).ok(),
        Some("a@b.co".into())
    );
    for bad in ["", "   ", "nope", "a@", "@b.co", "a b@c.co"] {
        assert!(Email::parse("e", bad).is_err(), "{bad}");
    }
    let long = format!("{}@example.com", "a".repeat(250));
    assert!(Email::parse("e", &long).is_err());
}

#[test]
fn slugs() {
    assert!(Slug::parse("s", "default").is_ok());
    assert!(Slug::parse("s", "aurora-labs-2").is_ok());
    for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
        assert!(Slug::parse("s", bad).is_err(), "{bad}");
    }
}

#[test]
fn bounds_count_characters() {
    let rule = Text::new(3, 50);
    assert!(rule.parse("n", "ab").is_err());
    assert_eq!(rule.parse("n", " abc ").ok().as_deref(), Some("abc"));
    assert!(rule.parse("n", &"é".repeat(50)).is_ok());
    let err = rule.parse("n", &"é".repeat(51)).unwrap_err();
    assert_eq!(err.to_string(), "n: must be 3 to 50 characters long");
    let err = Text::new(1, 50).parse("n", "  ").unwrap_err();
    assert_eq!(err.to_string(), "n: must not be empty");
    assert_eq!(rule.to_string(), "3 to 50 characters");
    assert_eq!(rule.max(), 50);
}

#[test]
fn optional_text_takes_blank_for_absent() {
    let rule = Text::new(1, 5);
    assert_eq!(rule.parse_opt("n", None).ok(), Some(None));
    assert_eq!(rule.parse_opt("n", Some("  ")).ok(), Some(None));
    assert_eq!(
        rule.parse_opt("n", Some(" ab ")).ok(),
        Some(Some("ab".into()))
    );
    let err = rule.parse_opt("n", Some("abcdef")).unwrap_err();
    assert_eq!(err.to_string(), "n: must be 1 to 5 characters long");
}

#[test]
fn free_text_refuses_control_characters_but_tab_and_newline() {
    let rule = Text::new(1, 50);
    for ok in ["a\tb", "a\nb", "é ü", "a\u{a0}b"] {
        assert!(rule.parse("n", ok).is_ok(), "{ok:?}");
    }
    for bad in [
        "a\u{0}b", "a\rb", "a\u{1f}b", "a\u{7f}b", "a\u{85}b", "a\u{9f}b",
    ] {
        let err = rule.parse("n", bad).unwrap_err();
        assert_eq!(err.to_string(), "n: must not contain control characters");
    }
}

#[test]
fn the_control_characters_are_unicodes() {
    let every = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
    for c in every {
        assert_eq!(Controls::All.refuses(c), c.is_control(), "{c:?}");
        let free = c.is_control() && c != '\t' && c != '\n';
        assert_eq!(Controls::AllButTabAndNewline.refuses(c), free, "{c:?}");
    }
}

#[test]
fn white_space_is_what_trim_removes() {
    let listed = |c: char| WHITE_SPACE.iter().any(|&(f, l)| (f..=l).contains(&c));
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(listed(c), c.is_whitespace(), "{:?}", c);
    }
    let pattern = Controls::AllButTabAndNewline.pattern_trimmed(1, false);
    assert!(pattern.contains(r"\u00A0\u1680\u2000-\u200A"), "{pattern}");
}

#[test]
fn patterns_name_the_characters_refused() {
    let free = Controls::AllButTabAndNewline.pattern();
    assert_eq!(free, r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$");
    // Search terms refuse tab and newline too.
    assert_eq!(Controls::All.pattern(), free.replace(r"\u0008\u000B-", ""));
}

#[test]
fn at_most_counts_characters() {
    assert!(at_most("s", &"é".repeat(3), 3).is_ok());
    let err = at_most("s", "abcd", 3).unwrap_err();
    assert_eq!(err.to_string(), "s: must be at most 3 characters");
}

#[test]
fn like_patterns_are_escaped() {
    assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
}

/// What the schema of `schema` takes, as a JSON Schema validator would check it.
fn schema_check(schema: crate::schema::StringSchema) -> impl Fn(&str) -> bool {
    let json = serde_json::to_value(utoipa::openapi::RefOr::<utoipa::openapi::Schema>::from(
        schema,
    ))
    .unwrap();
    let min = json["minLength"].as_u64().unwrap_or(0);
    let max = json["maxLength"].as_u64().unwrap();
    let pattern = regex::Regex::new(json["pattern"].as_str().unwrap()).unwrap();
    move |value| {
        let len = value.chars().count() as u64;
        min <= len && len <= max && pattern.is_match(value)
    }
}

/// Every string of up to `n` characters from `alphabet`.
fn strings(alphabet: &[char], n: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = all.clone();
    for _ in 0..n {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |&c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

#[test]
fn text_schemas_take_exactly_what_parse_takes() {
    // White space trim removes (two of them control characters), a control character,
    // and letters, so that trimming, the bounds and the refusals all meet.
    let alphabet = [' ', '\t', '\r', '\u{85}', '\u{3000}', '\u{1}', 'a', 'é'];
    let values = strings(&alphabet, 5);
    for rule in [
        Text::new(3, 4),
        Text::new(1, 3),
        Text::new(0, 2),
        Text::new(2, 5),
    ] {
        let (takes, takes_opt) = (schema_check(rule.schema()), schema_check(rule.schema_opt()));
        for value in &values {
            let parsed = rule.parse("f", value).is_ok();
            assert_eq!(takes(value), parsed, "{rule} {value:?}");
            let parsed = rule.parse_opt("f", Some(value)).is_ok();
            assert_eq!(takes_opt(value), parsed, "{rule} {value:?}");
        }
    }
}

#[test]
fn text_is_bounded_as_sent_and_once_trimmed() {
    let rule = Text::new(3, 5);
    assert_eq!(
        rule.parse("name", "\tR1 ").unwrap_err().to_string(),
        "name: must be 3 to 5 characters long"
    );
    assert_eq!(rule.parse("name", " abc ").unwrap(), "abc");
    assert!(
        rule.parse("name", "  abc ").is_err(),
        "six characters as sent"
    );
    assert_eq!(rule.parse_opt("name", Some("     ")).unwrap(), None);
    assert!(
        rule.parse_opt("name", Some("      ")).is_err(),
        "six characters as sent"
    );
}
