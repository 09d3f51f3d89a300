//! Fuzz target: arbitrary bytes loaded as a scenario file, then, if it validates, every path listed and some played.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    silent_slavery_scenario_fuzz::exercise(data);
});
