//! Property tests: arbitrary bytes and randomly damaged real scenarios go through parsing, validation, path listing and the runner without a panic or a hang.

use std::sync::Arc;

use proptest::prelude::*;
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::{Input, Runner, View};

const FIXTURE: &str = include_str!("fixtures/front_counter.ron");
const SHIPPED: &str = include_str!("../../../scenarios/roadside_minibus_dawn.ron");

fn catalog() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("catalogue"))
}

/// Loads, then (when it loads) lists paths and plays with a simple strategy: nothing may panic.
fn exercise(bytes: &[u8]) {
    let Ok(loaded) = load_bytes("fuzz.ron", bytes, catalog()) else {
        return;
    };
    let walk = explore::explore(&loaded.scenario, catalog(), 200);
    let _ = explore::scored_paths(&loaded.scenario, catalog(), &loaded.bounds, &walk);
    let loaded = Arc::new(loaded);
    let (mut runner, _) =
        Runner::start(loaded, Arc::new(catalog().clone()), 7).expect("a valid scenario starts");
    for _ in 0..500 {
        if runner.is_finished() {
            break;
        }
        let input = match runner.view() {
            View::Decision { options, .. } => {
                let open = options
                    .iter()
                    .find(|o| o.unlocked)
                    .expect("validation rules out all-locked decisions");
                Input::Choose(open.option.id.clone())
            }
            _ => Input::Continue,
        };
        runner.apply(&input).expect("a valid input");
    }
    assert!(
        runner.is_finished(),
        "a valid scenario always reaches an ending"
    );
}

/// Applies byte edits: (position as a share of the length, what to do, a byte).
fn damage(text: &str, edits: &[(f64, u8, u8)]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, op, byte) in edits {
        let i = ((bytes.len() as f64) * at) as usize;
        let i = i.min(bytes.len());
        match op % 3 {
            0 => bytes.insert(i, byte),
            1 if i < bytes.len() => {
                bytes.remove(i);
            }
            _ if i < bytes.len() => bytes[i] = byte,
            _ => bytes.push(byte),
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn damaged_fixtures_never_panic(edits in proptest::collection::vec((0.0f64..1.0, any::<u8>(), any::<u8>()), 1..6)) {
        exercise(&damage(FIXTURE, &edits));
    }

    #[test]
    fn damaged_shipped_scenarios_never_panic(edits in proptest::collection::vec((0.0f64..1.0, any::<u8>(), prop::sample::select(br#"(){}[],:" a_0"#.to_vec())), 1..4)) {
        exercise(&damage(SHIPPED, &edits));
    }
}
