//! The one list of operations. Each is added with its handler and its OpenAPI entry, and
//! both the server's routes and the document's paths are made from that list: a route
//! cannot be served undocumented, nor documented but not served.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, FromRequest, Handler, Responder};
use utoipa::openapi::path::{HttpMethod, Operation, Paths};
use utoipa::openapi::{RefOr, Schema};
// utoipa's own integrations (utoipa-axum's `routes!`) read an entry's tags and schemas
// through these traits too.
use utoipa::__dev::{SchemaReferences, Tags};

use crate::idempotency::Scoper;

/// What a family adds to each of its operations' entries (its credential, its headers).
pub type Shape = fn(&mut Operation);

/// A family of routes: the scope its paths share on the server, its shape, and how the
/// holder of an `Idempotency-Key` is found on its creates (families without creates: none).
#[derive(Clone, Copy, Default)]
pub struct Family {
    pub scope: &'static str,
    pub shape: Option<Shape>,
    pub idempotency: Option<Scoper>,
}

/// One operation: where it is served, its entry, and its handler.
pub struct Entry {
    pub path: String,
    pub method: HttpMethod,
    pub operation: Operation,
    schemas: Vec<(String, RefOr<Schema>)>,
    scope: &'static str,
    route: actix_web::Route,
    /// The Rust paths of the handler and of the entry it was added with.
    pub handler: &'static str,
    pub entry: &'static str,
    /// Its answers carry a secret (see [`Table::secret`]).
    pub secret: bool,
    /// It honours conditional requests (see [`Table::conditional`]).
    pub conditional: bool,
    /// It creates, and takes `Idempotency-Key` (see [`Table::create`]).
    pub create: Option<Scoper>,
}

#[derive(Default)]
pub struct Table {
    family: Family,
    entries: Vec<Entry>,
}

impl Table {
    /// Adds the operations `add` adds as members of `family`.
    pub fn family(&mut self, family: Family, add: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.family, family);
        add(self);
        self.family = outer;
    }

    /// Serves `handler` at the path and method of its `#[utoipa::path]` entry `doc` (the
    /// `__path_<handler>` struct that attribute generates).
    pub fn add<D, H, Args>(&mut self, _doc: D, handler: H) -> &mut Self
    where
        D: utoipa::Path + SchemaReferences + for<'t> Tags<'t>,
        H: Handler<Args>,
        Args: FromRequest + 'static,
        H::Output: Responder + 'static,
    {
        let mut methods = D::methods();
        assert_eq!(methods.len(), 1, "{}: one method per entry", D::path());
        let method = methods.remove(0);
        let mut operation = D::operation();
        let tags = operation.tags.get_or_insert_with(Vec::new);
        tags.extend(D::tags().into_iter().map(str::to_owned));
        if let Some(shape) = self.family.shape {
            shape(&mut operation);
        }
        let mut schemas = Vec::new();
        D::schemas(&mut schemas);
        let path = D::path();
        assert!(
            path.starts_with(self.family.scope),
            "{path} is outside its family's scope {}",
            self.family.scope
        );
        self.entries.push(Entry {
            route: web::route().method(actix_method(&method)).to(handler),
            path,
            method,
            operation,
            schemas,
            scope: self.family.scope,
            handler: std::any::type_name::<H>(),
            entry: std::any::type_name::<D>(),
            secret: false,
            conditional: false,
            create: None,
        });
        self
    }

    /// The operation just added is conditional (`crate::extract::conditional`): a read
    /// answers with an `ETag` and honours `If-None-Match`, a write honours `If-Match`.
    /// Its entry says so.
    pub fn conditional(&mut self) -> &mut Self {
        if let Some(entry) = self.entries.last_mut() {
            crate::extract::conditional::document(&mut entry.operation, &entry.method);
            entry.conditional = true;
        }
        self
    }

    /// The operation just added answers with a secret (a token, a key, a session, a link or
    /// an OAuth flow's nonce): no cache may keep its answers (`Cache-Control: no-store`).
    pub fn secret(&mut self) -> &mut Self {
        if let Some(entry) = self.entries.last_mut() {
            entry.secret = true;
        }
        self
    }

    /// The operation just added creates something: it takes `Idempotency-Key`
    /// (`crate::idempotency`), and its entry says so. Its family must say how the key's
    /// holder is found.
    pub fn create(&mut self) -> &mut Self {
        let scoper = self.family.idempotency;
        assert!(scoper.is_some(), "a create in a family without idempotency");
        if let Some(entry) = self.entries.last_mut() {
            entry.create = scoper;
            crate::idempotency::document(&mut entry.operation);
        }
        self
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The document's paths and the schemas their operations refer to.
    pub fn paths(self) -> (Paths, Vec<(String, RefOr<Schema>)>) {
        let mut paths = Paths::new();
        let mut schemas = Vec::new();
        for entry in self.entries {
            paths.add_path_operation(&entry.path, vec![entry.method], entry.operation);
            schemas.extend(entry.schemas);
        }
        (paths, schemas)
    }

    /// Registers every route: one resource per path (other methods there answer 405),
    /// grouped in their family's scope, a path before any that would shadow it.
    pub fn configure(self, cfg: &mut web::ServiceConfig) {
        let mut scopes: Vec<(&'static str, Vec<Resource>)> = Vec::new();
        for entry in self.entries {
            let at = match scopes.iter().position(|(s, _)| *s == entry.scope) {
                Some(at) => at,
                None => {
                    scopes.push((entry.scope, Vec::new()));
                    scopes.len() - 1
                }
            };
            let resources = &mut scopes[at].1;
            let local = entry.path[entry.scope.len()..].to_owned();
            // Inside `no_store`, so that a replayed answer is not cached either.
            let route =
                match entry.create {
                    Some(scoper) => entry.route.wrap(from_fn(
                        move |req: ServiceRequest, next: Next<BoxBody>| {
                            crate::idempotency::handle(scoper, req, next)
                        },
                    )),
                    None => entry.route,
                };
            let route = match entry.secret {
                true => route.wrap(crate::defences::headers::no_store()),
                false => route,
            };
            let method = actix_method(&entry.method);
            match resources.iter_mut().find(|(p, _, _)| *p == local) {
                Some((_, methods, routes)) => {
                    methods.push(method);
                    routes.push(route);
                }
                None => resources.push((local, vec![method], vec![route])),
            }
        }
        for (scope, mut resources) in scopes {
            resources.sort_by_key(|(path, _, _)| shadowing_key(path));
            let services = resources.into_iter().map(|(path, methods, routes)| {
                routes
                    .into_iter()
                    .fold(super::resource(&path, &methods), |r, route| r.route(route))
            });
            if scope.is_empty() {
                services.for_each(|s| {
                    cfg.service(s);
                });
            } else {
                cfg.service(services.fold(web::scope(scope), |s, r| s.service(r)));
            }
        }
    }
}

/// A path, its methods and their routes.
type Resource = (String, Vec<Method>, Vec<actix_web::Route>);

/// Orders paths so that a literal segment comes before a parameter at the same place
/// (`/user/integrations` before `/user/{id}`, which would otherwise take it).
fn shadowing_key(path: &str) -> Vec<bool> {
    path.split('/').map(|s| s.starts_with('{')).collect()
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Post => Method::POST,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_documents_its_own_handler() {
        let table = super::super::table();
        assert!(table.entries().len() > 70);
        for entry in table.entries() {
            let (module, name) = entry.handler.rsplit_once("::").unwrap_or_default();
            assert_eq!(
                entry.entry,
                format!("{module}::__path_{name}"),
                "{} is served by {}",
                entry.path,
                entry.handler
            );
        }
    }

    /// Every read of one resource of the JSON APIs (`/api/v1/...{id}`, `/api/v1/.../me`) is
    /// conditional, and so is every write at a path whose read is.
    #[test]
    fn single_resources_are_conditional() {
        let table = super::super::table();
        let entries = table.entries();
        let read = |e: &Entry| {
            matches!(e.method, HttpMethod::Get)
                && e.path.starts_with("/api/v1/")
                && (e.path.ends_with('}') || e.path.ends_with("/me"))
        };
        let conditional_paths: Vec<&str> = entries
            .iter()
            .filter(|e| read(e))
            .map(|e| e.path.as_str())
            .collect();
        assert!(conditional_paths.len() >= 11, "{conditional_paths:?}");
        for entry in entries {
            let write = matches!(
                entry.method,
                HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete
            ) && conditional_paths.contains(&entry.path.as_str());
            assert_eq!(
                entry.conditional,
                read(entry) || write,
                "{} {} (mark it .conditional() in its family's register)",
                actix_method(&entry.method),
                entry.path
            );
        }
    }

    #[test]
    fn literal_segments_come_before_parameters() {
        let mut paths = vec![
            "/user/{id}",
            "/user/integrations/{id}",
            "/user/integrations",
        ];
        paths.sort_by_key(|p| shadowing_key(p));
        assert_eq!(
            paths,
            [
                "/user/integrations",
                "/user/integrations/{id}",
                "/user/{id}"
            ]
        );
    }
}
