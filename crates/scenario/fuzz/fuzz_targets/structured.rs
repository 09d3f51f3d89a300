//! Fuzz target: well-formed but wrong scenarios (generated or damaged shipped ones) written as RON, read back, validated, listed and played.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use silent_slavery_scenario::load::parse::parse_scenario;
use silent_slavery_scenario_fuzz::generate;

/// The RON text of a generated scenario. Its `Debug` is the text itself, so
/// `cargo fuzz fmt structured ARTIFACT` prints a file that can be pasted into a test.
struct Generated(String);

impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> Arbitrary<'a> for Generated {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        generate::scenario(u).map(|s| Generated(generate::to_ron(&s)))
    }
}

fuzz_target!(|input: Generated| {
    let text = input.0.as_bytes();
    // What we wrote with ron's own serialiser must read back as the same scenario: a
    // refusal here is the parser's pre-checks (blank, nesting) misreading valid text.
    if text.len() <= silent_slavery_scenario::load::parse::MAX_FILE_BYTES {
        let parsed = match parse_scenario("generated.ron", text) {
            Ok(parsed) => parsed,
            Err(d) => panic!(
                "a serialised scenario did not read back: {}",
                d.first().map(|d| d.render()).unwrap_or_default()
            ),
        };
        let again = generate::to_ron(&parsed.scenario);
        assert_eq!(
            again, input.0,
            "the scenario read back differs from the one written"
        );
    }
    silent_slavery_scenario_fuzz::exercise(text);
});
