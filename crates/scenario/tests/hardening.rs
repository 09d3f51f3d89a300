//! Regression tests for scenarios that once hung the runner, farmed points, mis-scored huge path counts or a ruleset listed twice, or slipped odd ids and symlink loops past validation.

use silent_slavery_scenario::library::{load_bytes, load_paths};
use silent_slavery_scenario::load::diagnostic::Problem;
use silent_slavery_scenario::model::bounds::ScoreBounds;
use silent_slavery_scenario::model::catalog::Catalog;

fn catalog() -> Catalog {
    Catalog::embedded().expect("catalogue")
}

/// A scenario with the given steps and start.
fn scenario(start: &str, steps: &str) -> String {
    format!(
        "Scenario(id: \"case\", version: 1, title: \"t\", summary: \"s\", role: FrontCounterStaff,
         setting: \"x\", estimated_minutes: 1, start: \"{start}\", steps: [\n{steps}\n])"
    )
}

fn problems(text: &str) -> Vec<Problem> {
    match load_bytes("case.ron", text.as_bytes(), &catalog()) {
        Ok(loaded) => loaded.warnings.into_iter().map(|d| d.problem).collect(),
        Err(diagnostics) => diagnostics.into_iter().map(|d| d.problem).collect(),
    }
}

#[test]
fn a_route_that_only_some_choices_open_is_a_trap_for_the_others() {
    let text = scenario(
        "a",
        r#"Scene(id: "a", text: "{c1}", cues: [Cue(id: "c1", text: "passport held", indicator: "documents_held_by_other")], next: "d"),
        Decision(id: "d", prompt: "p", options: [
            Option(id: "good", text: "g", feedback: "f", next: "look", sets: ["x"], effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 10)]),
            Option(id: "bad", text: "b", feedback: "f", next: "look", effects: [Breaches(rule: "p1_human_rights_not_immigration", points: 10)]),
        ]),
        Scene(id: "look", text: "you look around", next: "look2", next_when: [Route(flags: ["x"], next: "end")]),
        Identify(id: "look2", prompt: "flag", next: "look"),
        Ending(id: "end", outcome: SafeguardedAndReferred, title: "e", text: "e"),"#,
    );
    assert_eq!(
        problems(&text),
        [
            Problem::TrapWithFlags {
                step: "look".into(),
                flags: vec![]
            },
            Problem::TrapWithFlags {
                step: "look2".into(),
                flags: vec![]
            }
        ]
    );
}

#[test]
fn an_option_that_loops_back_may_not_carry_points() {
    let text = scenario(
        "d",
        r#"Decision(id: "d", prompt: "p", options: [
            Option(id: "ask", text: "Ask again", feedback: "f", next: "d", effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 5)]),
            Option(id: "refer", text: "Refer", feedback: "f", next: "good", effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 10)]),
            Option(id: "leave", text: "Send him away", feedback: "f", next: "lost"),
        ]),
        Ending(id: "good", outcome: SafeguardedAndReferred, title: "e", text: "e"),
        Ending(id: "lost", outcome: VictimLost, title: "e", text: "e"),"#,
    )
    // Scored under the 2003 ruleset alone, so the loop is the only problem.
    .replacen("version: 1,", "version: 1, rulesets: [\"silent-slavery-2003\"],", 1);
    assert_eq!(
        problems(&text),
        [Problem::LoopWithPoints {
            step: "d".into(),
            option: "ask".into()
        }]
    );
    // The same loop without points is allowed: asking again changes nothing.
    let free = text.replacen(
        "next: \"d\", effects: [Upholds(rule: \"p1_human_rights_not_immigration\", points: 5)]",
        "next: \"d\"",
        1,
    );
    assert_eq!(problems(&free), []);
}

#[test]
fn the_best_score_is_exact_however_many_paths_there_are() {
    // Twenty decisions in a row, each with options worth -5, 0 and +10 in that order:
    // 3^20 paths, best 200, worst -100, whatever order the options are written in.
    let mut steps = String::new();
    for n in 0..20 {
        let next = if n == 19 {
            "end".to_owned()
        } else {
            format!("d{}", n + 1)
        };
        steps.push_str(&format!(
            r#"Decision(id: "d{n}", prompt: "p", options: [
                Option(id: "o0", text: "a", feedback: "f", next: "{next}", effects: [Breaches(rule: "p1_human_rights_not_immigration", points: 5)]),
                Option(id: "o1", text: "b", feedback: "f", next: "{next}"),
                Option(id: "o2", text: "c", feedback: "f", next: "{next}", effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 10)]),
            ]),
"#
        ));
    }
    steps.push_str(r#"Ending(id: "end", outcome: SafeguardedAndReferred, title: "e", text: "e"),"#);
    let text = scenario("d0", &steps).replace(
        "setting: \"x\",",
        "setting: \"x\", rulesets: [\"silent-slavery-2003\"],",
    );
    let loaded = load_bytes("chain.ron", text.as_bytes(), &catalog()).expect("valid");
    assert_eq!(
        loaded.bounds["silent-slavery-2003"],
        ScoreBounds {
            min: -100,
            max: 200
        }
    );
}

#[test]
fn a_ruleset_listed_twice_keeps_its_points_in_the_bounds() {
    // Found by `cargo fuzz` (structured target): with the deciding ruleset listed twice, the
    // state graph credited the points to its first place and then overwrote its bounds with
    // those of the second place, which had none, so paths scored over the "best" score.
    let text = scenario(
        "d",
        r#"Decision(id: "d", prompt: "p", options: [
            Option(id: "good", text: "g", feedback: "f", next: "end", effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 10)]),
            Option(id: "bad", text: "b", feedback: "f", next: "end", effects: [Breaches(rule: "p1_human_rights_not_immigration", points: 5)]),
        ]),
        Ending(id: "end", outcome: SafeguardedAndReferred, title: "e", text: "e"),"#,
    )
    .replace(
        "setting: \"x\",",
        "setting: \"x\", rulesets: [\"silent-slavery-2003\", \"silent-slavery-2003\"],",
    );
    // Validation now refuses the file, pointing at the second mention...
    let refused = load_bytes("twice.ron", text.as_bytes(), &catalog()).expect_err("refused");
    let duplicate = refused
        .iter()
        .find(|d| d.problem.code() == "duplicate-ruleset")
        .expect("a duplicate-ruleset diagnostic");
    let line = text
        .lines()
        .position(|l| l.contains("rulesets: ["))
        .expect("the rulesets line")
        + 1;
    let column = text
        .lines()
        .nth(line - 1)
        .unwrap_or_default()
        .rfind("\"silent-slavery-2003\"")
        .expect("second mention")
        + 1;
    assert_eq!(
        (duplicate.position.line, duplicate.position.column),
        (line, column)
    );
    // ...and the state graph, which the fuzzer reached before that check existed, still
    // keeps the points with the ruleset's first place.
    let parsed = silent_slavery_scenario::load::parse::parse_scenario("twice.ron", text.as_bytes())
        .expect("parses");
    let analysis =
        silent_slavery_scenario::analysis::states::analyse(&parsed.scenario, &catalog(), 1_000);
    assert_eq!(
        analysis.bounds["silent-slavery-2003"],
        ScoreBounds { min: -5, max: 10 }
    );
}

#[test]
fn ids_are_limited_to_a_safe_alphabet() {
    let text = scenario(
        "a",
        r#"Scene(id: "a", text: "t", cues: [Cue(id: "c#1", text: "x", indicator: "documents_held_by_other")], next: "d"),
        Decision(id: "d", prompt: "p", options: [
            Option(id: "o 1", text: "a", feedback: "f", next: "end", effects: [Upholds(rule: "p1_human_rights_not_immigration", points: 5)]),
            Option(id: "o2", text: "b", feedback: "f", next: "end", sets: ["Flag"]),
        ]),
        Ending(id: "end", outcome: SafeguardedAndReferred, title: "e", text: "e"),"#,
    );
    let invalid: Vec<String> = problems(&text)
        .into_iter()
        .filter_map(|p| match p {
            Problem::InvalidId { id } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(invalid, ["c#1", "o 1", "Flag"]);
}

#[cfg(unix)]
#[test]
fn folders_linked_back_to_themselves_are_read_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = include_str!("fixtures/front_counter.ron");
    std::fs::write(dir.path().join("a.ron"), fixture).expect("write");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("self")).expect("link");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("again")).expect("link");
    std::fs::write(
        dir.path().join("upper.RON"),
        fixture.replace("fixture_front_counter", "upper_case"),
    )
    .expect("write");
    let report = load_paths(&[dir.path().to_path_buf()], &catalog());
    assert_eq!(report.files.len(), 2, "{:?}", report.files);
    assert_eq!(report.scenarios.len(), 2);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}
