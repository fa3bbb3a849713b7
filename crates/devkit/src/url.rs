//! PostgreSQL URLs (`postgres://user@host:port/database?params`) naming another database.

/// `url` naming database `name` instead (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = split(url);
    let cut = database_start(base).map_or(base.len(), |i| i - 1);
    format!("{}/{name}{query}", &base[..cut])
}

/// The database `url` names, if it names one.
pub fn database_name(url: &str) -> Option<&str> {
    let (base, _) = split(url);
    database_start(base)
        .map(|i| &base[i..])
        .filter(|name| !name.is_empty())
}

fn split(url: &str) -> (&str, &str) {
    match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// Where the database name starts: after the first `/` past the scheme's `//`.
fn database_start(base: &str) -> Option<usize> {
    let authority = base.find("://").map_or(0, |i| i + 3);
    base[authority..].find('/').map(|i| authority + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "roster_fuzz_1"
            ),
            "postgres://postgres@127.0.0.1:5432/roster_fuzz_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://h/?a=b", "x"),
            "postgres://h/x?a=b"
        );
    }

    #[test]
    fn the_database_name_is_read_from_urls() {
        assert_eq!(
            database_name("postgres://u:p@h:5/roster_dev?x=y"),
            Some("roster_dev")
        );
        assert_eq!(
            database_name("postgres://root@127.0.0.1/root"),
            Some("root")
        );
        assert_eq!(database_name("postgres://h"), None);
        assert_eq!(database_name("postgres://h/"), None);
    }
}
