//! The tokens of a filter: parentheses, brackets, double-quoted JSON strings, and words
//! (attribute paths, operators, keywords, numbers and literals).

use crate::error::{ScimError, ScimResult};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Str(String),
    Word(String),
}

impl Token {
    pub(super) fn describe(&self) -> String {
        match self {
            Self::Open => "`(`".into(),
            Self::Close => "`)`".into(),
            Self::OpenBracket => "`[`".into(),
            Self::CloseBracket => "`]`".into(),
            Self::Str(s) => format!("the string \"{s}\""),
            Self::Word(w) => format!("`{w}`"),
        }
    }
}

pub(super) struct Lexer {
    tokens: Vec<Token>,
    at: usize,
}

impl Lexer {
    pub(super) fn new(input: &str) -> ScimResult<Self> {
        Ok(Self {
            tokens: tokenize(input)?,
            at: 0,
        })
    }

    pub(super) fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    #[allow(clippy::should_implement_trait)]
    pub(super) fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += usize::from(t.is_some());
        t
    }

    /// Consumes the keyword `word` (any case) if it comes next.
    pub(super) fn eat_word(&mut self, word: &str) -> bool {
        match self.peek() {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case(word) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }
}

fn tokenize(input: &str) -> ScimResult<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                let mut end = None;
                let mut escaped = false;
                chars.next();
                for (i, ch) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' {
                        end = Some(i);
                        break;
                    }
                }
                let end = end.ok_or_else(|| ScimError::invalid_filter("a string is not closed"))?;
                let raw = &input[start..=end];
                let s: String = serde_json::from_str(raw).map_err(|_| {
                    ScimError::invalid_filter(format!("{raw} is not a valid JSON string"))
                })?;
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut end = input.len();
                while let Some(&(i, ch)) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | '[' | ']' | '"') {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Word(input[start..end].to_owned()));
            }
        }
    }
    Ok(tokens)
}
