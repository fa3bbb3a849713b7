//! Paging of the external family: `pageNumber` (from 1) and `pageSize` (1 to 100); the
//! response body is the array of items and the total goes in `X-Total-Count`.

use roster_core::page::checked_offset;
use roster_core::DomainError;

/// Items on a page unless asked otherwise (the App family's lists show 20).
pub const DEFAULT_PAGE_SIZE: i64 = 10;

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: i64,
    pub size: i64,
}

impl PageRequest {
    /// `pageNumber` and `pageSize` within the bounds of every offset page
    /// ([`checked_offset`]), `pageSize` 10 by default; else a 400 naming the parameter.
    pub fn new(number: Option<i64>, size: Option<i64>) -> Result<Self, DomainError> {
        let (number, size) = checked_offset(
            ("pageNumber", number),
            ("pageSize", size),
            DEFAULT_PAGE_SIZE,
        )?;
        Ok(Self { number, size })
    }

    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.number - 1) * self.size
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            number: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// One page of a list and the number of items in the whole (filtered) list.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(
            PageRequest::new(None, None).ok(),
            Some(PageRequest {
                number: 1,
                size: 10
            })
        );
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(101)).is_err());
        assert!(PageRequest::new(Some(i64::MAX), Some(100)).is_err());
        assert_eq!(
            PageRequest::new(Some(3), Some(100))
                .map(|p| p.offset())
                .ok(),
            Some(200)
        );
    }
}
