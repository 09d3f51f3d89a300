//! Each choice beside the best option open at the time: what the debrief teaches from.

use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::review::{OptionValue, review_choices};
use silent_slavery_scenario::play::score::Transcript;

const FRONT_COUNTER: &str = include_str!("fixtures/front_counter.ron");

fn reviewed(choices: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    let catalog = Catalog::embedded().expect("catalogue");
    let loaded = load_bytes("f.ron", FRONT_COUNTER.as_bytes(), &catalog).expect("valid");
    let transcript = Transcript {
        choices: choices
            .iter()
            .map(|(s, o)| ((*s).to_owned(), (*o).to_owned()))
            .collect(),
        ..Transcript::default()
    };
    review_choices(
        &loaded.scenario,
        &catalog,
        &loaded.scenario.pass_ruleset,
        &transcript,
    )
    .into_iter()
    .map(|r| (r.chosen, r.better))
    .collect()
}

#[test]
fn a_worse_choice_is_shown_the_best_option_that_was_open() {
    // Status first breaches p1 (2003) and E&W 1; the private room upholds p1 and E&W 6.
    // At the second decision the referral is locked (nothing set "safe"), so the helpline,
    // the best of what was open, had no better option beside it.
    assert_eq!(
        reviewed(&[("first", "status_check"), ("second", "phone_helpline")]),
        [
            ("status_check".to_owned(), Some("private_room".to_owned())),
            ("phone_helpline".to_owned(), None),
        ]
    );
}

#[test]
fn an_option_unlocked_by_an_earlier_choice_counts_as_open() {
    assert_eq!(
        reviewed(&[("first", "private_room"), ("second", "phone_helpline")]),
        [
            ("private_room".to_owned(), None),
            ("phone_helpline".to_owned(), Some("refer".to_owned())),
        ]
    );
}

#[test]
fn a_critical_breach_is_worse_than_any_option_without_one() {
    let catalog = Catalog::embedded().expect("catalogue");
    let loaded = load_bytes("f.ron", FRONT_COUNTER.as_bytes(), &catalog).expect("valid");
    let silent_slavery_scenario::model::scenario::Step::Decision(second) =
        loaded.scenario.step("second").expect("step")
    else {
        panic!("a decision");
    };
    let value = |id: &str| {
        OptionValue::of(
            second.options.iter().find(|o| o.id == id).expect("option"),
            &loaded.scenario,
            &catalog,
            &loaded.scenario.pass_ruleset,
        )
    };
    assert_eq!(
        value("statement_first"),
        OptionValue {
            no_critical_breach: false,
            deciding_points: -10,
            other_points: 0
        }
    );
    assert!(value("statement_first") < value("phone_helpline"));
    assert!(value("phone_helpline") < value("refer"));
    assert_eq!(
        reviewed(&[("first", "come_back")]),
        [("come_back".to_owned(), Some("private_room".to_owned()))]
    );
}

#[test]
fn choices_the_scenario_does_not_have_are_left_out() {
    assert_eq!(
        reviewed(&[
            ("nowhere", "x"),
            ("first", "no_such_option"),
            ("first", "private_room")
        ]),
        [("private_room".to_owned(), None)]
    );
}
