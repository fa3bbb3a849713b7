//! A filter as a SQL condition: each attribute a resource type serves maps to SQL the
//! resource type writes (never text from the request), and every value the filter carries
//! is a bound parameter. Strings whose `caseExact` is false compare under `lower()`, in the
//! same form as the indexes (`lower(coalesce(user_name, email))` for `userName eq`). Each
//! comparison under a `not` is `coalesce(…, false)`, so that `not` of a comparison with a
//! missing value holds, as RFC 7644 reads it; elsewhere it is bare (a NULL there rejects
//! the row as `false` would, and a bare comparison can use an index: wrapped, `userName
//! eq` scanned the whole table). What cannot be served is `invalidFilter`, never an error
//! of the database.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamptz};

use super::{Filter, Op, Value};
use crate::error::{ScimError, ScimResult};
use crate::path::AttrPath;

/// A condition over the rows of table `T`.
pub type Condition<T> = Box<dyn BoxableExpression<T, Pg, SqlType = Bool>>;

/// What an attribute is in SQL. The strings are SQL written by the resource type.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    /// A text expression; `case_exact` false compares under `lower()`.
    Text { sql: &'static str, case_exact: bool },
    /// A boolean expression.
    Bool(&'static str),
    /// A timestamp expression (`meta.created`, `meta.lastModified`).
    Time(&'static str),
    /// `EXISTS (… = $1)`-shaped SQL around one text value, for `eq` only
    /// (a group's `members.value`): `before`, the value, `after`.
    Exists {
        before: &'static str,
        after: &'static str,
        /// The condition of `pr`.
        any: &'static str,
    },
}

/// How a resource type resolves an attribute path: `scope` is the multi-valued attribute a
/// value-filter path is inside (`emails` in `emails[type eq "work"]`).
pub type Resolver<'a> = &'a dyn Fn(&AttrPath, Option<&str>) -> ScimResult<Column>;

/// The condition of `filter`.
pub fn condition<T: 'static>(filter: &Filter, resolve: Resolver<'_>) -> ScimResult<Condition<T>> {
    build(filter, resolve, None, Wrap::BARE)
}

/// `query` narrowed to the rows `filter` lets through (all of them without a filter).
pub fn narrowed<T: 'static, Q>(
    query: Q,
    filter: Option<&Filter>,
    resolve: Resolver<'_>,
) -> ScimResult<Q>
where
    Q: diesel::query_dsl::methods::FilterDsl<Condition<T>, Output = Q>,
{
    Ok(match filter {
        Some(f) => query.filter(condition::<T>(f, resolve)?),
        None => query,
    })
}

/// What a comparison is written in: `coalesce(…, false)` under a `not`, else parentheses.
#[derive(Debug, Clone, Copy)]
struct Wrap {
    open: &'static str,
    close: &'static str,
}

impl Wrap {
    const BARE: Self = Self {
        open: "(",
        close: ")",
    };
    const FALSE_IF_NULL: Self = Self {
        open: "coalesce(",
        close: ", false)",
    };
}

fn build<T: 'static>(
    filter: &Filter,
    resolve: Resolver<'_>,
    scope: Option<&str>,
    wrap: Wrap,
) -> ScimResult<Condition<T>> {
    let inner = |f: &Filter, scope: Option<&str>| build::<T>(f, resolve, scope, wrap);
    Ok(match filter {
        Filter::And(a, b) => Box::new(inner(a, scope)?.and(inner(b, scope)?)),
        Filter::Or(a, b) => Box::new(inner(a, scope)?.or(inner(b, scope)?)),
        Filter::Not(f) => Box::new(diesel::dsl::not(build::<T>(
            f,
            resolve,
            scope,
            Wrap::FALSE_IF_NULL,
        )?)),
        Filter::Present(p) => present(resolve(p, scope)?),
        Filter::Compare(p, op, value) => compare(p, resolve(p, scope)?, *op, value, wrap)?,
        Filter::ValuePath { attr, filter, then } => {
            if scope.is_some() || attr.sub.is_some() {
                return Err(ScimError::invalid_filter("value filters do not nest"));
            }
            let first = inner(filter, Some(&attr.name))?;
            match then {
                Some(t) => Box::new(first.and(inner(t, Some(&attr.name))?)),
                None => first,
            }
        }
    })
}

fn present<T: 'static>(column: Column) -> Condition<T> {
    let text = match column {
        Column::Text { sql: c, .. } => {
            format!("coalesce(({c}) IS NOT NULL AND ({c}) <> '', false)")
        }
        Column::Bool(c) | Column::Time(c) => format!("(({c}) IS NOT NULL)"),
        Column::Exists { any, .. } => any.to_owned(),
    };
    Box::new(sql::<Bool>(&text))
}

fn unsupported(p: &AttrPath, op: Op, what: &str) -> ScimError {
    ScimError::invalid_filter(
        format!("`{:?}` does not apply to {what} `{}`", op, p.key()).to_lowercase(),
    )
}

fn compare<T: 'static>(
    p: &AttrPath,
    column: Column,
    op: Op,
    value: &Value,
    wrap: Wrap,
) -> ScimResult<Condition<T>> {
    let Wrap { open, close } = wrap;
    if *value == Value::Null {
        return match op {
            Op::Eq => Ok(Box::new(diesel::dsl::not(present::<T>(column)))),
            Op::Ne => Ok(present(column)),
            _ => Err(ScimError::invalid_filter(
                "null compares with eq and ne only",
            )),
        };
    }
    match column {
        Column::Text { sql: c, case_exact } => {
            let Value::Str(v) = value else {
                return Err(ScimError::invalid_filter(format!(
                    "`{}` is a string: compare it with a string in double quotes",
                    p.key()
                )));
            };
            let (col, val) = match case_exact {
                true => (format!("({c})"), "$"),
                false => (format!("lower({c})"), "lower($)"),
            };
            let (before, after) = val.split_once('$').unwrap_or(("", ""));
            let v = v.clone();
            let cmp = |sym: &str| -> Condition<T> {
                Box::new(
                    sql::<Bool>(&format!("{open}{col} {sym} {before}"))
                        .bind::<Text, _>(v.clone())
                        .sql(&format!("{after}{close}")),
                )
            };
            Ok(match op {
                Op::Eq => cmp("="),
                Op::Ne => cmp("<>"),
                Op::Gt => cmp(">"),
                Op::Ge => cmp(">="),
                Op::Lt => cmp("<"),
                Op::Le => cmp("<="),
                Op::Co => Box::new(
                    sql::<Bool>(&format!("{open}strpos({col}, {before}"))
                        .bind::<Text, _>(v)
                        .sql(&format!("{after}) > 0{close}")),
                ),
                Op::Sw => Box::new(
                    sql::<Bool>(&format!("{open}starts_with({col}, {before}"))
                        .bind::<Text, _>(v)
                        .sql(&format!("{after}){close}")),
                ),
                Op::Ew => Box::new(
                    sql::<Bool>(&format!("{open}right({col}, char_length("))
                        .bind::<Text, _>(v.clone())
                        .sql(&format!(")) = {before}"))
                        .bind::<Text, _>(v)
                        .sql(&format!("{after}{close}")),
                ),
            })
        }
        Column::Bool(c) => {
            let b = match value {
                Value::Bool(b) => *b,
                Value::Str(s) if s.eq_ignore_ascii_case("true") => true,
                Value::Str(s) if s.eq_ignore_ascii_case("false") => false,
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "`{}` is a boolean: compare it with true or false",
                        p.key()
                    )))
                }
            };
            let sym = match op {
                Op::Eq => "=",
                Op::Ne => "<>",
                _ => return Err(unsupported(p, op, "the boolean")),
            };
            Ok(Box::new(
                sql::<Bool>(&format!("{open}({c}) {sym} "))
                    .bind::<Bool, _>(b)
                    .sql(close),
            ))
        }
        Column::Time(c) => {
            let at = match value {
                Value::Str(s) => roster_core::time::parse(s),
                _ => None,
            }
            .ok_or_else(|| {
                ScimError::invalid_filter(format!(
                    "`{}` is a dateTime: compare it with an RFC 3339 time in double quotes",
                    p.key()
                ))
            })?;
            let sym = match op {
                Op::Eq => "=",
                Op::Ne => "<>",
                Op::Gt => ">",
                Op::Ge => ">=",
                Op::Lt => "<",
                Op::Le => "<=",
                _ => return Err(unsupported(p, op, "the dateTime")),
            };
            Ok(Box::new(
                sql::<Bool>(&format!("{open}({c}) {sym} "))
                    .bind::<Timestamptz, _>(at)
                    .sql(close),
            ))
        }
        Column::Exists { before, after, .. } => {
            let Value::Str(v) = value else {
                return Err(ScimError::invalid_filter(format!(
                    "`{}` is a string",
                    p.key()
                )));
            };
            match op {
                Op::Eq => Ok(Box::new(
                    sql::<Bool>(before).bind::<Text, _>(v.clone()).sql(after),
                )),
                _ => Err(ScimError::invalid_filter(format!(
                    "`{}` is filtered with eq only",
                    p.key()
                ))),
            }
        }
    }
}
