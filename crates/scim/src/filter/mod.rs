//! SCIM filters (RFC 7644 §3.4.2.2): parsed into a [`Filter`] by a small recursive-descent
//! parser that never panics and bounds its input and depth; turned into SQL over the users
//! table by [`sql`], and evaluated over JSON (the elements of a multi-valued attribute in
//! a PATCH path) by [`json`].
//!
//! ```text
//! FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//! valuePath = attrPath "[" valFilter "]"     ; here optionally followed by "." subAttr
//! attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
//! logExp    = FILTER SP ("and" / "or") SP FILTER   ; "and" binds tighter than "or"
//! ```

pub mod json;
mod lex;
pub mod sql;

use crate::error::{ScimError, ScimResult};
use crate::path::AttrPath;
use lex::{Lexer, Token};

/// The longest filter accepted, in bytes.
pub const MAX_FILTER_BYTES: usize = 4096;
/// The deepest nesting of parentheses, `not`s and brackets accepted.
pub const MAX_DEPTH: usize = 32;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "co" => Self::Co,
            "sw" => Self::Sw,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        })
    }
}

/// A comparison value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Present(AttrPath),
    Compare(AttrPath, Op, Value),
    /// `attr[filter]`, or `attr[filter].sub op value` / `attr[filter].sub pr`.
    ValuePath {
        attr: AttrPath,
        filter: Box<Filter>,
        then: Option<Box<Filter>>,
    },
}

/// Parses a whole filter; anything else than one filter is `invalidFilter`.
pub fn parse(input: &str) -> ScimResult<Filter> {
    if input.len() > MAX_FILTER_BYTES {
        return Err(ScimError::invalid_filter(format!(
            "the filter is longer than {MAX_FILTER_BYTES} bytes"
        )));
    }
    let mut p = Parser {
        lex: Lexer::new(input)?,
        depth: 0,
    };
    let f = p.or()?;
    match p.lex.peek() {
        None => Ok(f),
        Some(t) => Err(ScimError::invalid_filter(format!(
            "unexpected {} in the filter",
            t.describe()
        ))),
    }
}

struct Parser {
    lex: Lexer,
    depth: usize,
}

impl Parser {
    fn deeper(&mut self) -> ScimResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ScimError::invalid_filter(format!(
                "the filter nests deeper than {MAX_DEPTH}"
            )));
        }
        Ok(())
    }

    fn or(&mut self) -> ScimResult<Filter> {
        let mut left = self.and()?;
        while self.lex.eat_word("or") {
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> ScimResult<Filter> {
        let mut left = self.unary()?;
        while self.lex.eat_word("and") {
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> ScimResult<Filter> {
        self.deeper()?;
        let f = self.unary_inner();
        self.depth -= 1;
        f
    }

    fn unary_inner(&mut self) -> ScimResult<Filter> {
        if self.lex.peek() == Some(&Token::Open) {
            self.lex.next();
            let f = self.or()?;
            self.expect(Token::Close, "`)`")?;
            return Ok(f);
        }
        let word = match self.lex.next() {
            Some(Token::Word(w)) => w,
            Some(t) => {
                return Err(ScimError::invalid_filter(format!(
                    "expected an attribute, found {}",
                    t.describe()
                )))
            }
            None => return Err(ScimError::invalid_filter("the filter ends too early")),
        };
        if word.eq_ignore_ascii_case("not") && self.lex.peek() == Some(&Token::Open) {
            self.lex.next();
            let f = self.or()?;
            self.expect(Token::Close, "`)`")?;
            return Ok(Filter::Not(Box::new(f)));
        }
        let attr = AttrPath::parse(&word).map_err(|e| ScimError::invalid_filter(e.detail))?;
        if self.lex.peek() == Some(&Token::OpenBracket) {
            self.lex.next();
            let filter = self.or()?;
            self.expect(Token::CloseBracket, "`]`")?;
            let then = match self.lex.peek() {
                Some(Token::Word(w)) if w.starts_with('.') => {
                    let sub = w[1..].to_owned();
                    self.lex.next();
                    let sub =
                        AttrPath::parse(&sub).map_err(|e| ScimError::invalid_filter(e.detail))?;
                    Some(Box::new(self.attr_expression(sub)?))
                }
                _ => None,
            };
            return Ok(Filter::ValuePath {
                attr,
                filter: Box::new(filter),
                then,
            });
        }
        self.attr_expression(attr)
    }

    fn attr_expression(&mut self, attr: AttrPath) -> ScimResult<Filter> {
        let op = match self.lex.next() {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("pr") => {
                return Ok(Filter::Present(attr))
            }
            Some(Token::Word(w)) => Op::parse(&w).ok_or_else(|| {
                ScimError::invalid_filter(format!(
                    "`{w}` is not an operator (eq ne co sw ew gt ge lt le pr)"
                ))
            })?,
            Some(t) => {
                return Err(ScimError::invalid_filter(format!(
                    "expected an operator, found {}",
                    t.describe()
                )))
            }
            None => {
                return Err(ScimError::invalid_filter(
                    "the filter ends before its operator",
                ))
            }
        };
        let value = match self.lex.next() {
            Some(Token::Str(s)) => Value::Str(s),
            Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => match w.parse::<f64>() {
                    Ok(n) if n.is_finite() => Value::Num(n),
                    _ => {
                        return Err(ScimError::invalid_filter(format!(
                            "`{w}` is not a value: strings are in double quotes"
                        )))
                    }
                },
            },
            Some(t) => {
                return Err(ScimError::invalid_filter(format!(
                    "expected a value, found {}",
                    t.describe()
                )))
            }
            None => {
                return Err(ScimError::invalid_filter(
                    "the filter ends before its value",
                ))
            }
        };
        Ok(Filter::Compare(attr, op, value))
    }

    fn expect(&mut self, token: Token, what: &str) -> ScimResult<()> {
        match self.lex.next() {
            Some(t) if t == token => Ok(()),
            Some(t) => Err(ScimError::invalid_filter(format!(
                "expected {what}, found {}",
                t.describe()
            ))),
            None => Err(ScimError::invalid_filter(format!(
                "the filter ends where {what} was expected"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
