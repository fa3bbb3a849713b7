//! App users: `search=` answers as a case-insensitive substring of the name or the email,
//! whether the term lies within one word (served by the words users hold) or not (the
//! trigram index over the whole text), and the words follow every write.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

/// (name, email) of the users the tests create besides the org's admin.
const PEOPLE: [(&str, &str); 8] = [
    ("Ada Lovelace", "ada.lovelace@math.test"),
    ("Grace Hopper", "grace@navy.test"),
    ("Ümit Müller", "umit.mueller@example.test"),
    ("Love Lockwood", "lovelock@example.test"),
    ("Zoë ZOE-Smith", "zoe_smith@example.test"),
    ("Bob O'Neil", "bob+neil@example.test"),
    ("Agent 007", "bond.007@mi6.test"),
    ("Nina Agent007", "nina2007@example.test"),
];

async fn create(app: &TestApp, name: &str, email: &str) -> Value {
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": email, "name": name}}))
        .created()
        .await
}

/// The emails a search answers, in the list's order, and its total.
async fn search(app: &TestApp, query: &str) -> (Vec<String>, i64) {
    let page = super::user_page(app, query).await;
    let emails = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    (emails, page["total_count"].as_i64().unwrap())
}

/// What `search ILIKE '%term%'` over name and email answers (ASCII case folding: the
/// terms below fold no other letter).
fn expected(people: &[(String, String)], term: &str) -> Vec<String> {
    let term = term.to_ascii_lowercase();
    people
        .iter()
        .filter(|(name, email)| {
            name.to_ascii_lowercase().contains(&term) || email.to_ascii_lowercase().contains(&term)
        })
        .map(|(_, email)| email.clone())
        .collect()
}

#[tokio::test]
async fn search_is_a_substring_of_name_or_email_within_words_or_across_them() {
    let app = TestApp::spawn().await;
    let mut people = vec![("Org Admin".to_owned(), "admin@acme.test".to_owned())];
    for (name, email) in PEOPLE {
        create(&app, name, email).await;
        people.push((name.into(), email.into()));
    }
    // Another org's users never match, though their words are the same.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    app
        .as_user(&other.token, &other.org_slug, Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": "ada.lovelace@math.test", "name": "Ada Lovelace"}})).status(201).await;

    // Within one word (letters and digits, three or more, not only ASCII digits): the
    // words index, which holds no word of ASCII digits only.
    let within = [
        "love", "LACE", "ovel", "müll", "Mueller", "lock", "zoe", "SMITH", "ace", "example",
        "test", "neil", "admin", "xyz", "zoë", "r\u{fc}l", "nt007", "a2007", "mi6", "AGENT",
    ];
    // With separators, or shorter than three: the trigram index over the whole text.
    let across = [
        "ada.love",
        "e lo",
        "e-sm",
        "o'n",
        "b+n",
        "@example.test",
        "zoe_",
        "ad",
        "é",
        "\u{fc}l",
        // ASCII digits only: in words of digits only ("007") and within others ("2007").
        "007",
        "200",
        "6",
    ];
    for term in within.iter().chain(&across) {
        let query = format!("search={}&page_size=100", urlencode(term));
        let (emails, total) = search(&app, &query).await;
        let want = expected(&people, term);
        assert_eq!(emails, want, "search {term:?}");
        assert_eq!(total, want.len() as i64, "total of {term:?}");
    }
    assert!(expected(&people, "love").len() == 2 && expected(&people, "example").len() == 5);
    assert!(expected(&people, "007").len() == 2 && expected(&people, "nt007").len() == 1);

    // Pages of a word search: the total rides on every page, and past the end too.
    let (first, total) = search(&app, "search=example&page_size=3").await;
    assert_eq!((first.len(), total), (3, 5));
    let (second, total) = search(&app, "search=example&page_size=3&page=2").await;
    assert_eq!(
        (second, total),
        (
            vec![
                "bob+neil@example.test".to_owned(),
                "nina2007@example.test".to_owned()
            ],
            5
        )
    );
    let (past, total) = search(&app, "search=example&page_size=3&page=3").await;
    assert_eq!((past.len(), total), (0, 5));
    let (past, total) = search(&app, "search=nomatch&page=2").await;
    assert_eq!((past.len(), total), (0, 0));
}

#[tokio::test]
async fn word_search_follows_renames_state_filters_and_new_users() {
    let app = TestApp::spawn().await;
    let grace = create(&app, "Grace Hopper", "grace@navy.test").await;
    let ada = create(&app, "Ada Lovelace", "ada@math.test").await;
    let path = |user: &Value| format!("/api/v1/app/user/{}", user["id"].as_str().unwrap());

    app.admin(Method::PUT, &path(&grace))
        .json(&json!({"name": "Grace Brewster"}))
        .status(200)
        .await;
    assert_eq!(search(&app, "search=hopper").await, (vec![], 0));
    assert_eq!(
        search(&app, "search=brewster").await,
        (vec!["grace@navy.test".to_owned()], 1)
    );
    // A word both held before and after the rename stays found.
    assert_eq!(search(&app, "search=grace").await.1, 1);

    // Filters on state and role apply to the word matches.
    app.admin(Method::POST, &format!("{}/deactivate", path(&ada)))
        .status(200)
        .await;
    assert_eq!(
        search(&app, "search=lovelace&state=Active").await,
        (vec![], 0)
    );
    assert_eq!(
        search(&app, "search=lovelace&state=Inactive&role=AppMember").await,
        (vec!["ada@math.test".to_owned()], 1)
    );
    assert_eq!(
        search(&app, "search=lovelace&role=AppAdmin").await,
        (vec![], 0)
    );

    // Concurrent creates sharing new words: every one is found, none twice.
    let creates = (0..12).map(|i| {
        let app = &app;
        async move {
            create(
                app,
                &format!("Quixote Number{i}"),
                &format!("q{i}@mancha.test"),
            )
            .await
        }
    });
    futures_util::future::join_all(creates).await;
    let (emails, total) = search(&app, "search=quixote&page_size=100").await;
    assert_eq!(total, 12);
    let mut sorted = emails.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 12, "{emails:?}");
    assert_eq!(search(&app, "search=mancha&page_size=5").await.1, 12);
}

/// Percent-encodes a query value.
fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
