//! The Lua pieces the scenarios' wrk scripts share: creates, the SCIM token, the seeded
//! names, emails and channels.

use super::{lua_list, Fixture, FAMILY_FIRST, FAMILY_LAST, FAMILY_MIDDLE, GIVEN_NAMES};

/// Creates App users with emails unique to the run, thread and request.
pub(super) fn create_user_lua(_: &Fixture) -> String {
    r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
function request()
  counter = counter + 1
  local n = string.format("%s-%d-%d", RUN, tid, counter)
  local body = string.format('{"role":"AppMember","user_info":{"email":"load-%s@load.test","name":"Load User %s","given_name":"Load","family_name":"User %s"}}', n, n, n)
  return wrk.format("POST", "/api/v1/app/user", nil, body)
end
"#
    .into()
}

/// Creates App users as `create_user_lua` does, each request with an `Idempotency-Key` of
/// its own (the key is claimed, then given its sealed answer, besides the create).
pub(super) fn idempotent_create_lua(f: &Fixture) -> String {
    create_user_lua(f).replace(
        "  return wrk.format(",
        "  wrk.headers[\"Idempotency-Key\"] = \"idem-\" .. n\n  return wrk.format(",
    )
}

/// The SCIM token in place of the API token (and no `x-org`: a SCIM token names its org).
pub(super) fn lua_scim(f: &Fixture) -> String {
    format!(
        "wrk.headers[\"Authorization\"] = \"Bearer {}\"\nwrk.headers[\"x-org\"] = nil\n",
        f.scim_token
    )
}

/// GETs of `path` signed in by the bench admin's session cookie (no bearer, no `x-org`).
pub(super) fn lua_session_get(path: &str) -> String {
    format!(
        r#"
wrk.headers["Authorization"] = nil
wrk.headers["x-org"] = nil
wrk.headers["Cookie"] = "better-auth.session_token=" .. SESSION
wrk.path = "{path}"
"#
    )
}

/// A Lua function `seeded_email(g)`: `scenarios::seeded_email` (the seeding's rule).
pub(super) fn lua_seeded_email() -> String {
    let given: Vec<String> = GIVEN_NAMES.iter().map(|g| g.to_lowercase()).collect();
    let given: Vec<&str> = given.iter().map(String::as_str).collect();
    format!(
        r#"
local given, first, middle, last = {}, {}, {}, {}
function seeded_email(g)
  return given[1 + math.floor(g / 4000) % 20] .. "." .. first[1 + g % 20]
    .. middle[1 + math.floor(g / 20) % 20] .. last[1 + math.floor(g / 400) % 10]
    .. "." .. string.format("%d", g) .. "@example.test"
end
"#,
        lua_list(&given),
        lua_list(&FAMILY_FIRST),
        lua_list(&FAMILY_MIDDLE),
        lua_list(&FAMILY_LAST)
    )
}

/// A Lua function `family()` giving a random seeded family name.
pub(super) fn lua_family() -> String {
    format!(
        r#"
local first, middle, last = {}, {}, {}
function family()
  return first[math.random(#first)] .. middle[math.random(#middle)] .. last[math.random(#last)]
end
"#,
        lua_list(&FAMILY_FIRST),
        lua_list(&FAMILY_MIDDLE),
        lua_list(&FAMILY_LAST)
    )
}

/// A Lua table of the seeded channel ids.
pub(super) fn lua_channels(f: &Fixture) -> String {
    let ids: Vec<&str> = f.channel_ids.iter().map(String::as_str).collect();
    format!("CHANNELS = {}\n", lua_list(&ids))
}
