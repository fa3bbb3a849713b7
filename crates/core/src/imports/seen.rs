//! The keys of an import file's rows so far.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher as _};

/// The keys seen, as 128-bit keyed hashes (16 bytes a key, whatever its length: a million
/// users in 16 MB and a little more).
#[derive(Default)]
pub(super) struct SeenKeys {
    keys: (RandomState, RandomState),
    seen: HashSet<u128>,
}

impl SeenKeys {
    /// False when one of the keys was seen already (then none is kept).
    pub(super) fn insert(&mut self, keys: &[String]) -> bool {
        let hashed: Vec<u128> = keys.iter().map(|k| self.hash(k)).collect();
        if hashed.iter().any(|h| self.seen.contains(h)) {
            return false;
        }
        self.seen.extend(hashed);
        true
    }

    fn hash(&self, key: &str) -> u128 {
        let half = |state: &RandomState| {
            let mut h = state.build_hasher();
            h.write(key.as_bytes());
            h.finish() as u128
        };
        half(&self.keys.0) << 64 | half(&self.keys.1)
    }
}
