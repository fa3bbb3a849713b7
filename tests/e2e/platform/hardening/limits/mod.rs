//! Limits: bodies over 1 MiB are a 413 on every operation that takes a body, over-long
//! strings are a 400 wherever a string is accepted (body fields, query parameters, the
//! `x-org` header), and the credential endpoints are rate limited with 429, `Retry-After`
//! and `RateLimit-*` headers.

mod bodies;
mod calls;
mod rates;
mod strings;
