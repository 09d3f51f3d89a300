//! Every shipped scenario is clean and teaches what it should: the best path passes, critical breaches fail, and spotting matters.

use std::path::PathBuf;

use silent_slavery_core::catalog::{Catalog, CueTag};
use silent_slavery_core::coverage::is_template;
use silent_slavery_core::explore;
use silent_slavery_core::library::{LoadReport, load_paths};
use silent_slavery_core::scenario::Step;
use silent_slavery_core::score;

fn shipped() -> (LoadReport, Catalog) {
    let catalog = Catalog::embedded().expect("catalogue");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    (load_paths(&[dir], &catalog), catalog)
}

#[test]
fn every_shipped_scenario_validates_without_errors_or_warnings() {
    let (report, _) = shipped();
    let rendered: Vec<String> = report.diagnostics.iter().map(|d| d.render()).collect();
    assert!(rendered.is_empty(), "{}", rendered.join("\n\n"));
    assert!(report.scenarios.len() >= 2);
    assert_eq!(report.scenarios.len(), report.files.len());
}

#[test]
fn each_scenario_meets_the_content_minimums() {
    let (report, catalog) = shipped();
    for loaded in report.scenarios.iter().filter(|l| !is_template(&l.file)) {
        let s = &loaded.scenario;
        let count = |f: fn(&Step) -> bool| s.steps.iter().filter(|st| f(st)).count();
        assert!(count(|st| matches!(st, Step::Identify(_))) >= 1, "{}", s.id);
        assert!(count(|st| matches!(st, Step::Decision(_))) >= 3, "{}", s.id);
        assert!(count(|st| matches!(st, Step::Ending(_))) >= 3, "{}", s.id);
        let red_herrings = s
            .all_cues()
            .filter(|c| matches!(catalog.cue_tag(&c.indicator), Some(CueTag::Caution(_))))
            .count();
        assert!(red_herrings >= 2, "{}: {red_herrings} red herrings", s.id);
    }
}

#[test]
fn on_every_path_only_good_practice_passes() {
    let (report, catalog) = shipped();
    for loaded in &report.scenarios {
        let s = &loaded.scenario;
        let exploration = explore::explore(s, &catalog, explore::DEFAULT_PATH_LIMIT);
        assert!(!exploration.truncated, "{}", s.id);
        let scored = explore::scored_paths(s, &catalog, &loaded.bounds, &exploration);
        let pass = scored.iter().find(|p| p.score.passed);
        assert!(pass.is_some(), "{}: some path passes", s.id);
        let best = scored
            .iter()
            .max_by_key(|p| p.score.ruleset(&s.pass_ruleset).map_or(i64::MIN, |r| r.raw))
            .expect("paths");
        assert!(best.score.passed, "{}: the best-scoring path passes", s.id);
        for path in &scored {
            let critical = path
                .score
                .rulesets
                .iter()
                .any(|r| !r.critical_breaches.is_empty());
            if path.score.passed {
                assert!(
                    !critical,
                    "{}: {:?} passes with a critical breach",
                    s.id, path.transcript.choices
                );
                assert!(
                    path.critical_rules_not_upheld.is_empty(),
                    "{}: {:?} passes without upholding {:?}",
                    s.id,
                    path.transcript.choices,
                    path.critical_rules_not_upheld
                );
            }
        }
    }
}

#[test]
fn no_path_passes_while_missing_more_than_half_of_the_true_indicators() {
    let (report, catalog) = shipped();
    for loaded in &report.scenarios {
        let s = &loaded.scenario;
        let exploration = explore::explore(s, &catalog, explore::DEFAULT_PATH_LIMIT);
        for path in &exploration.paths {
            let true_cues: Vec<&String> = path.flagged_cues.iter().collect();
            // Flag fewer than half of them (rounding down, minus one where that is still half).
            let keep = (true_cues.len() - 1) / 2;
            let mut sparse = path.clone();
            sparse.flagged_cues = true_cues.into_iter().take(keep).cloned().collect();
            let score = score::score(
                s,
                &catalog,
                &loaded.bounds,
                &score::PassRule::of(s),
                &sparse,
            );
            assert!(score.identification.recall < 0.5);
            assert!(
                !score.passed,
                "{}: {:?} passes with recall {}",
                s.id, sparse.choices, score.identification.recall
            );
        }
    }
}

#[test]
fn flagging_every_red_herring_costs_points() {
    let (report, catalog) = shipped();
    for loaded in &report.scenarios {
        let s = &loaded.scenario;
        let exploration = explore::explore(s, &catalog, explore::DEFAULT_PATH_LIMIT);
        let path = &exploration.paths[0];
        let clean = score::score(s, &catalog, &loaded.bounds, &score::PassRule::of(s), path);
        let mut stereotyped = path.clone();
        let herrings: Vec<String> = path
            .offered_cues
            .iter()
            .filter(|id| {
                s.cue(id).is_some_and(|c| {
                    matches!(catalog.cue_tag(&c.indicator), Some(CueTag::Caution(_)))
                })
            })
            .cloned()
            .collect();
        assert!(!herrings.is_empty(), "{}: red herrings offered", s.id);
        stereotyped.flagged_cues.extend(herrings.iter().cloned());
        let after = score::score(
            s,
            &catalog,
            &loaded.bounds,
            &score::PassRule::of(s),
            &stereotyped,
        );
        assert_eq!(
            after.identification.points,
            clean.identification.points - herrings.len() as i64 * i64::from(s.caution_penalty)
        );
        assert_eq!(
            after.identification.red_herrings_flagged.len(),
            herrings.len()
        );
        assert!(after.identification.precision < 1.0);
    }
}

#[test]
fn the_library_spans_roles_and_forms_of_exploitation() {
    use silent_slavery_core::scenario::{ExploitationForm, Role};
    let (report, _) = shipped();
    let library: Vec<_> = report
        .scenarios
        .iter()
        .filter(|l| !is_template(&l.file))
        .collect();
    assert!(library.len() >= 10, "{} scenarios", library.len());
    let roles: std::collections::BTreeSet<String> = library
        .iter()
        .map(|l| format!("{:?}", l.scenario.role))
        .collect();
    for role in [
        Role::PoliceResponseOfficer,
        Role::ImmigrationOfficer,
        Role::CustodyOfficer,
        Role::Investigator,
    ] {
        assert!(
            roles.contains(&format!("{role:?}")),
            "{role:?} in {roles:?}"
        );
    }
    for form in [
        ExploitationForm::Sexual,
        ExploitationForm::Labour,
        ExploitationForm::DomesticServitude,
        ExploitationForm::Criminal,
        ExploitationForm::Child,
    ] {
        assert!(
            library.iter().any(|l| l.scenario.forms.contains(&form)),
            "{form:?}"
        );
    }
    for loaded in &library {
        let s = &loaded.scenario;
        let decisions = s
            .steps
            .iter()
            .filter(|st| matches!(st, Step::Decision(_)))
            .count();
        assert!(decisions >= 4, "{}: {decisions} decisions", s.id);
    }
}

#[test]
fn the_shipped_course_names_every_shipped_scenario_and_nothing_else() {
    let (report, _) = shipped();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/courses");
    let (courses, problems) = silent_slavery_core::course::load_courses(&dir);
    assert!(problems.is_empty(), "{problems:?}");
    let frontline = courses
        .iter()
        .find(|c| c.id == "frontline")
        .expect("the frontline course");
    let mut named: Vec<&str> = frontline.scenarios.iter().map(String::as_str).collect();
    let mut shipped: Vec<&str> = report
        .scenarios
        .iter()
        .filter(|l| !is_template(&l.file))
        .map(|l| l.scenario.id.as_str())
        .collect();
    named.sort_unstable();
    shipped.sort_unstable();
    assert_eq!(named, shipped);
    assert_eq!(
        frontline.title,
        "Trafficking indicators and referral — frontline"
    );
}
