//! A scenario that passed validation, with what playing and scoring it need: its file, its content hash and its best and worst scores.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::load::diagnostic::Diagnostic;
use crate::model::bounds::ScoreBounds;
use crate::model::scenario::Scenario;

/// A scenario that passed validation and can be played.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The file it came from.
    pub file: String,
    /// The scenario.
    pub scenario: Scenario,
    /// SHA-256 (hex) of the parsed scenario, worked out on first use: checking a library
    /// does not need it, and it costs as much as a fifth of the parse.
    hash: std::sync::OnceLock<String>,
    /// Best and worst achievable raw score per ruleset, over all paths.
    pub bounds: BTreeMap<String, ScoreBounds>,
    /// Warnings from validation.
    pub warnings: Vec<Diagnostic>,
}

impl LoadedScenario {
    /// A scenario that passed validation, with its best and worst scores per ruleset and
    /// the warnings validation left; its content hash is worked out on first use.
    pub fn new(
        file: String,
        scenario: Scenario,
        bounds: BTreeMap<String, ScoreBounds>,
        warnings: Vec<Diagnostic>,
    ) -> LoadedScenario {
        LoadedScenario {
            file,
            scenario,
            hash: std::sync::OnceLock::new(),
            bounds,
            warnings,
        }
    }

    /// A loaded scenario whose content hash is already known (a version pinned in the
    /// results store, say).
    pub fn with_hash(
        file: String,
        scenario: Scenario,
        content_hash: String,
        bounds: BTreeMap<String, ScoreBounds>,
        warnings: Vec<Diagnostic>,
    ) -> LoadedScenario {
        let loaded = LoadedScenario::new(file, scenario, bounds, warnings);
        // A new OnceLock is empty, so this always takes.
        let _ = loaded.hash.set(content_hash);
        loaded
    }

    /// SHA-256 (hex, 64 characters) of the parsed scenario, so comments and white space do
    /// not change it. Attempts are pinned to it; see [`content_hash`].
    pub fn content_hash(&self) -> &str {
        self.hash.get_or_init(|| content_hash(&self.scenario))
    }
}

/// The content hash of a scenario: SHA-256 of its canonical JSON form, in hex.
pub fn content_hash(scenario: &Scenario) -> String {
    // The JSON goes straight into the hash, never held whole. Serialising plain structs of
    // strings and numbers into a hasher cannot fail.
    let mut hasher = Sha256::new();
    let _ = serde_json::to_writer(&mut hasher, scenario);
    format!("{:x}", hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::load_bytes;
    use crate::model::catalog::Catalog;

    /// Attempts and exports name scenarios by this hash, so it must never change for the
    /// same scenario: the value was computed by the first release's code (SHA-256 of
    /// `serde_json::to_vec`).
    #[test]
    fn the_content_hash_of_a_scenario_is_stable() {
        let catalog = Catalog::embedded().expect("catalogue");
        let text = include_str!("../../tests/fixtures/front_counter.ron");
        let loaded = load_bytes("front_counter.ron", text.as_bytes(), &catalog).expect("valid");
        let whole = serde_json::to_vec(&loaded.scenario).expect("serialises");
        assert_eq!(
            loaded.content_hash(),
            format!("{:x}", Sha256::digest(&whole))
        );
        assert_eq!(
            loaded.content_hash(),
            "bb941fab00521e6af7b04a7b974debb822251ab12a9ae496ed5a108cb05f84c7"
        );
    }
}
