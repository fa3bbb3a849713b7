// The real better-auth client against a running Roster gateway.
//
// ROSTER_URL: the gateway's base URL; ROSTER_ORIGIN: an origin in its
// ROSTER_TRUSTED_ORIGINS. Node's fetch keeps no cookies, so each call passes the session
// cookie (and the Origin a browser would send) in fetchOptions, as a server-side client
// does. `cargo xtask test` installs the pinned client (package-lock.json) and runs this.
// ROSTER_SMTP_PORT: where the gateway's mail goes (smtp.mjs listens there); ROSTER_ORGS:
// {slug: admin token} of the orgs bootstrapped for the organization plugin's routes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthClient } from "better-auth/client";
import { organizationClient } from "better-auth/client/plugins";
import { startSmtp } from "./smtp.mjs";

const base = process.env.ROSTER_URL;
const origin = process.env.ROSTER_ORIGIN;
assert.ok(base && origin, "set ROSTER_URL and ROSTER_ORIGIN");
assert.ok(process.env.ROSTER_SMTP_PORT && process.env.ROSTER_ORGS, "set ROSTER_SMTP_PORT and ROSTER_ORGS");
const orgs = JSON.parse(process.env.ROSTER_ORGS);
const smtp = await startSmtp(Number(process.env.ROSTER_SMTP_PORT));

const client = createAuthClient({ baseURL: `${base}/api/auth`, plugins: [organizationClient()] });
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

/** Follows the verification link Roster mailed to `email` (the latest one). */
async function verify(email) {
  const token = await smtp.linkToken(email, "Confirm your email");
  const { data, error } = await client.verifyEmail({ query: { token } });
  assert.equal(error, null, JSON.stringify(error));
  assert.equal(data.status, true);
  return token;
}

test("sendVerificationEmail and verifyEmail, with the link read from the mail", async () => {
  const { email, token: session } = await signUp();
  assert.equal((await client.getSession(as(session))).data.user.emailVerified, false);
  await smtp.linkToken(email, "Confirm your email"); // sign-up's own mail
  const sent = await client.sendVerificationEmail({ email, callbackURL: "/welcome" });
  assert.equal(sent.error, null, JSON.stringify(sent.error));
  assert.equal(sent.data.status, true);
  const used = await verify(email);
  assert.equal((await client.getSession(as(session))).data.user.emailVerified, true);
  const again = await client.verifyEmail({ query: { token: used } });
  assert.equal(again.error.status, 401);
  assert.equal(again.error.code, "INVALID_TOKEN");
  const unknown = await client.sendVerificationEmail({ email: `nobody-${unique()}@example.test` });
  assert.equal(unknown.error, null, "the same answer for an email with no account");
});

test("requestPasswordReset and resetPassword end the sessions and work once", async () => {
  const { email, token: session } = await signUp();
  const asked = await client.requestPasswordReset({ email, redirectTo: "/reset" });
  assert.equal(asked.error, null, JSON.stringify(asked.error));
  assert.equal(asked.data.status, true);
  const token = await smtp.linkToken(email, "Reset your password");
  const weak = await client.resetPassword({ newPassword: "password", token });
  assert.equal(weak.error.status, 400);
  const fresh = "a brand new passphrase 7";
  const reset = await client.resetPassword({ newPassword: fresh, token });
  assert.equal(reset.error, null, JSON.stringify(reset.error));
  assert.equal(reset.data.status, true);
  assert.equal((await client.getSession(as(session))).data, null, "every session ended");
  const twice = await client.resetPassword({ newPassword: "yet another passphrase 8", token });
  assert.equal(twice.error.code, "INVALID_TOKEN");
  const old = await client.signIn.email({ email, password });
  assert.equal(old.error.code, "INVALID_EMAIL_OR_PASSWORD");
  const signedIn = await client.signIn.email({ email, password: fresh });
  assert.equal(signedIn.error, null, JSON.stringify(signedIn.error));
});

test("revokeSession ends one session, revokeSessions all of them", async () => {
  const { email, token: first } = await signUp();
  const second = (await client.signIn.email({ email, password })).data.token;
  const third = (await client.signIn.email({ email, password })).data.token;
  const one = await client.revokeSession({ token: third, ...as(first) });
  assert.equal(one.error, null, JSON.stringify(one.error));
  assert.equal((await client.getSession(as(third))).data, null);
  assert.equal((await client.listSessions(as(first))).data.length, 2);
  const all = await client.revokeSessions(as(first));
  assert.equal(all.error, null, JSON.stringify(all.error));
  for (const token of [first, second]) {
    assert.equal((await client.getSession(as(token))).data, null);
  }
});

test("organization.list and organization.setActive choose the org a session opens in", async () => {
  const { email, token } = await signUp();
  await verify(email); // an unverified sign-up would be reclaimed by the admins' add
  for (const [slug, admin] of Object.entries(orgs)) {
    const added = await fetch(`${base}/api/v1/app/user`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "x-org": slug, "content-type": "application/json" },
      body: JSON.stringify({ role: "AppMember", user_info: { email, name: "JS Client" } }),
    });
    assert.equal(added.status, 201, await added.text());
  }
  const listed = await client.organization.list(as(token));
  assert.equal(listed.error, null, JSON.stringify(listed.error));
  assert.deepEqual(listed.data.map((o) => o.slug).sort(), Object.keys(orgs).sort());
  const two = listed.data.find((o) => o.slug === "js-two");
  const set = await client.organization.setActive({ organizationId: two.id, ...as(token) });
  assert.equal(set.error, null, JSON.stringify(set.error));
  assert.equal(set.data.id, two.id);
  assert.equal((await client.getSession(as(token))).data.session.activeOrganizationId, two.id);
  const next = (await client.signIn.email({ email, password })).data.token;
  assert.equal((await client.getSession(as(next))).data.session.activeOrganizationId, two.id, "a new session opens in the chosen org");
  const bySlug = await client.organization.setActive({ organizationSlug: "js-one", ...as(next) });
  assert.equal(bySlug.error, null, JSON.stringify(bySlug.error));
  assert.equal(bySlug.data.slug, "js-one");
  const unknown = await client.organization.setActive({ organizationId: "org_0000000000000000", ...as(token) });
  assert.equal(unknown.error.status, 404);
});
