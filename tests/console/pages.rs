//! What every page must be: written to `target/console/<name>.png`, styled by its own
//! stylesheet, every field labelled, every button named, headings in order, one `h1`,
//! nothing loaded from another origin, and no serious or critical violation found by
//! axe-core (injected over WebDriver: the page's CSP allows no script of its own).

use std::path::PathBuf;
use std::sync::OnceLock;

use roster_e2e::TestApp;
use serde_json::Value;

use crate::driver::Browser;

/// Where the screenshots go.
pub fn shots_dir() -> PathBuf {
    target_dir().join("console")
}

/// `target/`, where the screenshots and axe-core are.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// axe-core's source: `ROSTER_AXE_JS`, else where `cargo xtask test` installs it (pinned
/// in `tests/console/axe/package-lock.json`).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var_os("ROSTER_AXE_JS").map_or_else(
            || target_dir().join("axe-core/node_modules/axe-core/axe.min.js"),
            PathBuf::from,
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed at {} ({e}): run the tests with `cargo xtask test`, \
                 which installs it with npm from tests/console/axe",
                path.display()
            )
        })
    })
}

/// Runs axe-core on the page (after its source, in the same script) and answers its
/// serious and critical violations, each with where it is.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
      + v.nodes.map(n => n.target.join(' ')).join(', '))))
  .catch(e => done(['axe-core failed: ' + e]));
"#;

/// The page's problems, found by the browser itself.
const AUDIT: &str = r#"
const problems = [];
const origin = location.origin;
for (const entry of performance.getEntriesByType('resource')) {
  if (!entry.name.startsWith(origin + '/')) problems.push('loaded from elsewhere: ' + entry.name);
}
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push('unlabelled field: ' + (el.id || el.name));
}
for (const el of document.querySelectorAll('button, a')) {
  if (!el.textContent.trim() && !el.getAttribute('aria-label')) problems.push('nameless ' + el.tagName);
}
const levels = [...document.querySelectorAll('h1, h2, h3, h4')].map(h => Number(h.tagName[1]));
if (levels.filter(l => l === 1).length !== 1) problems.push('not exactly one h1: ' + levels);
levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) problems.push('heading skips a level: ' + levels); });
if (getComputedStyle(document.body).margin !== '0px') problems.push('the stylesheet did not apply');
if (document.querySelectorAll('script').length) problems.push('a script in the page');
if (!document.documentElement.lang) problems.push('no lang');
return problems;
"#;

/// Screenshots the page as `name` and asserts it has none of the problems above.
pub async fn check(b: &Browser, app: &TestApp, name: &str) {
    let url = b.client.current_url().await.unwrap();
    assert!(
        url.as_str().starts_with(&app.url("/console")),
        "{name}: left the console for {url}"
    );
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let png = b.client.screenshot().await.unwrap();
    assert!(png.len() > 1000, "{name}: an empty screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    let problems = b.eval(AUDIT).await;
    assert_eq!(problems, Value::Array(vec![]), "{name}: {problems}");
    let script = format!("{}\n{AXE_RUN}", axe_source());
    let violations = b
        .client
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{name}: axe-core did not run: {e}"));
    assert_eq!(
        violations,
        Value::Array(vec![]),
        "{name}: axe-core: {violations}"
    );
}
