//! Malformed scenario files: each yields the expected diagnostic at the expected line:column, and none panics.

use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::diagnostic::{Diagnostic, Problem, Severity};
use silent_slavery_scenario::model::catalog::Catalog;

const FIXTURE: &str = include_str!("fixtures/front_counter.ron");

fn catalog() -> Catalog {
    Catalog::embedded().expect("shipped catalogue")
}

/// Line and column (1-based, in characters) of the `nth` occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("fixture has no occurrence {nth} of {needle:?}"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Replaces exactly one occurrence of `from`, so a drifting fixture fails loudly.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        FIXTURE.matches(from).count(),
        1,
        "fixture must hold {from:?} once"
    );
    FIXTURE.replacen(from, to, 1)
}

fn diagnostics(text: &[u8]) -> Vec<Diagnostic> {
    match load_bytes("case.ron", text, &catalog()) {
        Ok(loaded) => loaded.warnings,
        Err(diagnostics) => diagnostics,
    }
}

/// (code, line, column) of every diagnostic.
fn found(text: &[u8]) -> Vec<(&'static str, usize, usize)> {
    diagnostics(text)
        .iter()
        .map(|d| (d.problem.code(), d.position.line, d.position.column))
        .collect()
}

#[test]
fn the_fixture_itself_is_clean() {
    assert_eq!(found(FIXTURE.as_bytes()), []);
}

#[test]
fn bad_bytes_each_get_a_clear_error() {
    assert_eq!(found(b""), [("empty-file", 1, 1)]);
    assert_eq!(found(b"  // only a comment\n\n"), [("empty-file", 1, 1)]);
    assert_eq!(
        found(b"Scenario(\n  id: \"ab\xffcd\""),
        [("not-utf8", 2, 10)]
    );

    let mut huge = b"Scenario(id: \"".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.extend(b"\")");
    let d = diagnostics(&huge);
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].problem,
        Problem::FileTooLarge {
            bytes: huge.len(),
            limit: 1 << 20
        }
    );

    let nested = format!("Scenario(id: {}", "[".repeat(5000));
    assert_eq!(found(nested.as_bytes()), [("nesting-too-deep", 1, 77)]);

    assert_eq!(
        found(b"Scenario(id: \"never closed"),
        [("unclosed-string", 1, 14)]
    );
    assert_eq!(
        found(b"Scenario(\n  id: \"x\",\n"),
        [("unexpected-end", 2, 11)]
    );
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted_and_positions_stay_right() {
    let mut with_bom = "\u{feff}".to_owned();
    with_bom.push_str(FIXTURE);
    assert_eq!(found(with_bom.as_bytes()), []);

    let crlf = FIXTURE.replace('\n', "\r\n");
    assert_eq!(found(crlf.as_bytes()), []);

    let broken = edit("next: \"concerns\"", "next: \"concerned\"").replace('\n', "\r\n");
    let mut broken_bom = "\u{feff}".to_owned();
    broken_bom.push_str(&broken);
    let (line, column) = position_of(&broken, "\"concerned\"", 0);
    let d = diagnostics(broken_bom.as_bytes());
    assert_eq!(
        d.iter()
            .map(|d| (d.problem.clone(), d.position.line, d.position.column))
            .collect::<Vec<_>>(),
        [(
            Problem::UnknownStep {
                next: "concerned".into(),
                suggestion: Some("concerns".into()),
                steps: [
                    "arrives", "concerns", "first", "second", "referred", "late", "lost"
                ]
                .map(String::from)
                .to_vec()
            },
            line,
            column
        )]
    );
    assert!(!d[0].source_line.ends_with('\r'));
}

#[test]
fn parse_errors_point_at_the_offending_token() {
    let cases: Vec<(String, &str, &str)> = vec![
        // (file text, expected code, the token the diagnostic must point at)
        (
            edit("estimated_minutes: 5", "estimated_minute: 5"),
            "unknown-field",
            "estimated_minute:",
        ),
        (
            edit("role: FrontCounterStaff", "role: DeskSergeant"),
            "unknown-variant",
            "DeskSergeant",
        ),
        (
            edit("outcome: VictimLost", "outcome: Lost"),
            "unknown-variant",
            "Lost,",
        ),
        (edit("points: 2)", "points: \"two\")"), "syntax", "\"two\""),
    ];
    for (text, code, token) in cases {
        let (line, column) = position_of(&text, token, 0);
        assert_eq!(
            found(text.as_bytes()),
            [(code, line, column)],
            "case {code} at {token}"
        );
    }
}

#[test]
fn an_unknown_field_names_the_valid_fields() {
    let text = edit("estimated_minutes: 5", "estimated_minute: 5");
    let d = diagnostics(text.as_bytes());
    let Problem::UnknownField {
        found, expected, ..
    } = &d[0].problem
    else {
        panic!("expected an unknown field, got {:?}", d[0].problem);
    };
    assert_eq!(found, "estimated_minute");
    assert!(expected.iter().any(|f| f == "estimated_minutes"));
    assert!(d[0].render().starts_with("case.ron:"));
    assert!(
        d[0].render().contains("estimated_minute: 5"),
        "shows the offending line"
    );
}

/// Two misspelt field names in different structs: both reported in one run, each at its
/// name with the valid names of its own struct (ron itself stops at the first).
#[test]
fn every_unknown_field_is_reported_in_one_run() {
    let text = edit("estimated_minutes: 5", "estimated_minute: 5").replacen(
        "feedback: \"Informed consent for an adult referral.\"",
        "feedbak: \"Informed consent for an adult referral.\"",
        1,
    );
    let d = diagnostics(text.as_bytes());
    let got: Vec<(String, Option<String>, bool, usize, usize)> = d
        .iter()
        .map(|d| match &d.problem {
            Problem::UnknownField {
                found,
                expected,
                within,
            } => (
                found.clone(),
                within.clone(),
                expected
                    .iter()
                    .any(|f| f == "estimated_minutes" || f == "feedback"),
                d.position.line,
                d.position.column,
            ),
            other => panic!("only unknown fields, got {other:?}"),
        })
        .collect();
    let (l1, c1) = position_of(&text, "estimated_minute:", 0);
    let (l2, c2) = position_of(&text, "feedbak:", 0);
    assert_eq!(
        got,
        [
            (
                "estimated_minute".to_owned(),
                Some("Scenario".to_owned()),
                true,
                l1,
                c1
            ),
            (
                "feedbak".to_owned(),
                Some("Option".to_owned()),
                true,
                l2,
                c2
            ),
        ]
    );
    let Problem::UnknownField { expected, .. } = &d[1].problem else {
        unreachable!()
    };
    assert!(
        expected.iter().any(|f| f == "locked_reason"),
        "the Option's own fields"
    );
    assert!(!expected.iter().any(|f| f == "estimated_minutes"));
}

#[test]
fn a_missing_field_is_named() {
    let text = edit("    estimated_minutes: 5,\n", "");
    let d = diagnostics(text.as_bytes());
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].problem,
        Problem::MissingField {
            field: "estimated_minutes".into(),
            within: Some("Scenario".into())
        }
    );
}

#[test]
fn semantic_errors_are_all_reported_at_their_place() {
    struct Case {
        text: String,
        expected: Vec<(&'static str, &'static str, usize)>,
    }
    let cases = vec![
        Case {
            text: edit("Ending(id: \"late\"", "Ending(id: \"lost\""),
            // The second `lost` is the duplicate; `late` is now named by no step.
            expected: vec![
                ("unknown-step", "\"late\"", 0),
                ("unknown-step", "\"late\"", 1),
                ("duplicate-step-id", "\"lost\"", 2),
            ],
        },
        Case {
            text: edit("next: \"lost\"", "next: \"lsot\""),
            expected: vec![("unknown-step", "\"lsot\"", 0)],
        },
        Case {
            text: edit(
                "indicator: \"untreated_injuries\"",
                "indicator: \"untreated_injury\"",
            ),
            expected: vec![("unknown-indicator", "\"untreated_injury\"", 0)],
        },
        Case {
            text: edit(
                "Upholds(rule: \"rec_13_contact_desk\"",
                "Upholds(rule: \"rec_13_contact\"",
            ),
            expected: vec![("unknown-rule", "\"rec_13_contact\"", 0)],
        },
        Case {
            text: edit(
                "summary: \"A man",
                "rulesets: [\"silent-slavery-2003\", \"uk-ew-current\", \"silent-slavery-1999\"],\n    summary: \"A man",
            ),
            expected: vec![("unknown-ruleset", "\"silent-slavery-1999\"", 0)],
        },
        Case {
            text: edit(
                "summary: \"A man",
                "pass_ruleset: \"silent-slavery-2004\",\n    summary: \"A man",
            ),
            expected: vec![("pass-ruleset-not-scored", "\"silent-slavery-2004\"", 0)],
        },
        Case {
            text: edit("requires: [\"safe\"]", "requires: [\"safe_place\"]"),
            expected: vec![("flag-never-set", "\"safe_place\"", 0)],
        },
        Case {
            text: edit("{no_papers} He keeps", "{no_papers} {no_passport} He keeps"),
            expected: vec![("unknown-cue-marker", "{no_passport}", 0)],
        },
        Case {
            // A variant's cue is not always shown, so the scene's own text may not place it.
            text: edit("{no_papers} He keeps", "{no_papers} {hand} He keeps"),
            expected: vec![("unknown-cue-marker", "{hand}", 0)],
        },
        Case {
            text: edit(
                "SceneVariant(id: \"tired\",",
                "SceneVariant(id: \"tired\", weight: 0,",
            ),
            expected: vec![("zero-weight-variant", "0,", 0)],
        },
        Case {
            text: edit("id: \"hand\"", "id: \"no_papers\""),
            expected: vec![("duplicate-cue-id", "\"no_papers\"", 1)],
        },
    ];
    for case in cases {
        let mut expected: Vec<(&str, usize, usize)> = case
            .expected
            .iter()
            .map(|&(code, token, nth)| {
                let (l, c) = position_of(&case.text, token, nth);
                (code, l, c)
            })
            .collect();
        expected.sort_by_key(|&(_, l, c)| (l, c));
        let mut got = found(case.text.as_bytes());
        got.sort_by_key(|&(_, l, c)| (l, c));
        assert_eq!(got, expected, "for edit expecting {:?}", case.expected);
    }
}

#[test]
fn graph_problems_are_found() {
    // A scene that loops to itself and never reaches an ending.
    let text = edit("next: \"concerns\",", "next: \"arrives\",");
    let codes: Vec<&str> = found(text.as_bytes()).iter().map(|f| f.0).collect();
    assert!(codes.contains(&"cycle-with-no-exit"), "{codes:?}");
    assert!(codes.contains(&"unreachable-step"), "{codes:?}");

    // An identify step with no cues before it.
    let text = edit("start: \"arrives\"", "start: \"concerns\"");
    let found_codes = found(text.as_bytes());
    assert!(
        found_codes.iter().any(|f| f.0 == "identify-without-cues"),
        "{found_codes:?}"
    );
    assert!(
        found_codes.iter().any(|f| f.0 == "unreachable-step"),
        "{found_codes:?}"
    );
}

#[test]
fn a_decision_needs_two_options_and_an_open_one() {
    // Every option of `second` locked for a trainee who checked status first.
    let text = edit(
        "id: \"statement_first\",",
        "id: \"statement_first\", requires: [\"safe\"],",
    )
    .replacen(
        "id: \"phone_helpline\",",
        "id: \"phone_helpline\", requires: [\"safe\"],",
        1,
    );
    let d = diagnostics(text.as_bytes());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].problem,
        Problem::AllOptionsLocked {
            step: "second".into(),
            flags: vec![]
        }
    );

    let single = include_str!("fixtures/front_counter.ron");
    let start = single
        .find("                Option(\n                    id: \"statement_first\"")
        .expect("option");
    let end = single
        .find("        Ending(id: \"referred\"")
        .expect("ending");
    let mut text = single[..start].to_owned();
    text.push_str("            ],\n        ),\n");
    text.push_str(&single[end..]);
    let codes: Vec<&str> = found(text.as_bytes()).iter().map(|f| f.0).collect();
    assert!(codes.contains(&"too-few-options"), "{codes:?}");
    assert!(
        codes.contains(&"unreachable-step"),
        "`late` is no longer reachable: {codes:?}"
    );
}

#[test]
fn unscored_decisions_warn_and_unpassable_scenarios_fail() {
    let unscored = edit(
        "effects: [Upholds(rule: \"rec_13_contact_desk\", points: 2)],",
        "",
    )
    .replace(
        "effects: [Breaches(rule: \"rec_04_not_conditional_on_evidence\", points: 10, critical: true)],",
        "",
    )
    .replace(
        "                    effects: [\n                        Upholds(rule: \"rec_04_not_conditional_on_evidence\", points: 10),\n                        Upholds(rule: \"ew_informed_consent_adult_nrm\", points: 10),\n                    ],\n",
        "",
    );
    let d = diagnostics(unscored.as_bytes());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].severity(), Severity::Warning);
    assert_eq!(
        d[0].problem,
        Problem::AllOptionsUnscored {
            step: "second".into()
        }
    );

    // Every way through `second` now breaches critically: no path can pass.
    let text = edit(
        "Upholds(rule: \"rec_04_not_conditional_on_evidence\", points: 10),",
        "Breaches(rule: \"rec_04_not_conditional_on_evidence\", points: 1, critical: true),",
    )
    .replacen(
        "Upholds(rule: \"rec_13_contact_desk\", points: 2)",
        "Breaches(rule: \"rec_13_contact_desk\", points: 2, critical: true)",
        1,
    );
    let d = diagnostics(text.as_bytes());
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        matches!(&d[0].problem, Problem::NoPassingPath { ruleset, .. } if ruleset == "silent-slavery-2003"),
        "{d:?}"
    );
}

#[test]
fn a_listed_ruleset_with_nothing_to_score_is_refused() {
    // uk-ew-current stays listed, but no option scores any of its rules any more: every
    // trainee would have read "0 of 0 points (100%) — pass" under it.
    let text = edit(
        "summary: \"A man",
        "rulesets: [\"silent-slavery-2003\", \"uk-ew-current\"],\n    summary: \"A man",
    )
    .replacen(
        "Upholds(rule: \"ew_independent_interpreter\", points: 5),",
        "",
        1,
    )
    .replacen(
        "Breaches(rule: \"ew_victim_first_not_immigration\", points: 5),",
        "",
        1,
    )
    .replacen(
        "Upholds(rule: \"ew_informed_consent_adult_nrm\", points: 10),",
        "",
        1,
    );
    let d = diagnostics(text.as_bytes());
    assert_eq!(
        d.iter().map(|d| d.problem.clone()).collect::<Vec<_>>(),
        [Problem::RulesetNotScored {
            ruleset: "uk-ew-current".into(),
            deciding: false
        }],
        "{d:?}"
    );
    assert_eq!(d[0].severity(), Severity::Error);
    assert_eq!(
        (d[0].position.line, d[0].position.column),
        position_of(&text, "\"uk-ew-current\"", 0)
    );
}
