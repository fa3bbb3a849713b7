// The real better-auth client against a running Roster gateway.
//
// ROSTER_URL: the gateway's base URL; ROSTER_ORIGIN: an origin in its
// ROSTER_TRUSTED_ORIGINS. Node's fetch keeps no cookies, so each call passes the session
// cookie (and the Origin a browser would send) in fetchOptions, as a server-side client
// does. `cargo xtask test` installs the pinned client (package-lock.json) and runs this.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthClient } from "better-auth/client";

const base = process.env.ROSTER_URL;
const origin = process.env.ROSTER_ORIGIN;
assert.ok(base && origin, "set ROSTER_URL and ROSTER_ORIGIN");

const client = createAuthClient({ baseURL: `${base}/api/auth` });
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const password = "tangerine quokka 42";

/** fetchOptions of a browser on the trusted origin holding `token`'s cookie. */
const as = (token, extra = {}) => ({
  fetchOptions: {
    headers: { cookie: `better-auth.session_token=${token}`, origin, ...extra },
  },
});

async function signUp(email = `js-${unique()}@example.test`) {
  const { data, error } = await client.signUp.email({ email, password, name: "JS Client" });
  assert.equal(error, null, JSON.stringify(error));
  assert.match(data.token, /^rses_/);
  return { email, token: data.token, user: data.user };
}

test("sign-up, sign-in, getSession and signOut", async () => {
  const { email, user } = await signUp();
  for (const key of ["id", "email", "name", "emailVerified", "image", "createdAt", "updatedAt"]) {
    assert.ok(key in user, `user lacks ${key}: ${JSON.stringify(user)}`);
  }
  const signedIn = await client.signIn.email({ email, password });
  assert.equal(signedIn.error, null, JSON.stringify(signedIn.error));
  const token = signedIn.data.token;
  const { data: current } = await client.getSession(as(token));
  assert.equal(current.user.email, email);
  assert.equal(current.session.token, token);
  for (const key of ["id", "userId", "expiresAt", "createdAt", "updatedAt", "ipAddress", "userAgent", "activeOrganizationId"]) {
    assert.ok(key in current.session, `session lacks ${key}`);
  }
  const out = await client.signOut(as(token));
  assert.equal(out.error, null, JSON.stringify(out.error));
  const { data: after } = await client.getSession(as(token));
  assert.equal(after, null);
});

test("a wrong password is INVALID_EMAIL_OR_PASSWORD with a message", async () => {
  const { email } = await signUp();
  const { data, error } = await client.signIn.email({ email, password: "not the password" });
  assert.equal(data, null);
  assert.equal(error.status, 401);
  assert.equal(error.code, "INVALID_EMAIL_OR_PASSWORD");
  assert.equal(error.message, "Invalid email or password");
});

test("a taken email is a 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", async () => {
  const { email } = await signUp();
  const { error } = await client.signUp.email({ email, password, name: "Twice" });
  assert.equal(error.status, 422);
  assert.equal(error.code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
  assert.ok(error.message);
});

test("a cookie request without Origin is refused", async () => {
  const { token } = await signUp();
  const { error } = await client.signOut({
    fetchOptions: { headers: { cookie: `better-auth.session_token=${token}` } },
  });
  assert.equal(error.status, 403);
  assert.equal(error.code, "MISSING_OR_NULL_ORIGIN");
  const { error: foreign } = await client.signOut(as(token, { origin: "https://evil.example" }));
  assert.equal(foreign.status, 403);
  assert.equal(foreign.code, "INVALID_ORIGIN");
});

test("change-password, list-sessions, revoke-other-sessions and update-user", async () => {
  const { email, token: first } = await signUp();
  const second = (await client.signIn.email({ email, password })).data.token;

  const { data: listed } = await client.listSessions(as(second));
  assert.equal(listed.length, 2);
  const own = listed.find((s) => s.token === second);
  const other = listed.find((s) => s.token !== second);
  assert.ok(own, "the caller's own session shows its token");
  assert.equal(other.token, other.id, "another session shows its id, never its token");

  const weak = await client.changePassword({ currentPassword: password, newPassword: "password", ...as(second) });
  assert.equal(weak.error.status, 400);
  const wrong = await client.changePassword({ currentPassword: "not it at all", newPassword: "another fine passphrase", ...as(second) });
  assert.equal(wrong.error.code, "INVALID_PASSWORD");
  const changed = await client.changePassword({
    currentPassword: password,
    newPassword: "another fine passphrase",
    revokeOtherSessions: true,
    ...as(second),
  });
  assert.equal(changed.error, null, JSON.stringify(changed.error));
  assert.equal(changed.data.user.email, email);
  assert.equal((await client.getSession(as(first))).data, null, "the other session ended");
  const third = (await client.signIn.email({ email, password: "another fine passphrase" })).data.token;

  const revoked = await client.revokeOtherSessions(as(second));
  assert.equal(revoked.error, null, JSON.stringify(revoked.error));
  assert.equal((await client.getSession(as(third))).data, null);
  assert.equal((await client.listSessions(as(second))).data.length, 1);

  const updated = await client.updateUser({ name: "Renamed", image: "https://img.example/a.png", ...as(second) });
  assert.equal(updated.error, null, JSON.stringify(updated.error));
  const { data: now } = await client.getSession(as(second));
  assert.equal(now.user.name, "Renamed");
  assert.equal(now.user.image, "https://img.example/a.png");
});
