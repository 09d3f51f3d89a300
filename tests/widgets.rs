//! The screens' egui widgets under egui_kittest: real clicks and keys on options and cues, and what the debrief says.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use silent_slavery::sim::{SignInAction, SignInStage};
use silent_slavery::ui::intent::Intent;
use silent_slavery::ui::screens::debrief::{self, DebriefView, Lesson, RuleBar, RulesetLine};
use silent_slavery::ui::screens::playing::{self, CueItem, OptionItem, PlayView, StepView};
use silent_slavery::ui::screens::{author, catalogue, graph, sign_in, store_damaged};
use silent_slavery_results::attempt::Trainee;
use silent_slavery_scenario::play::runner::Input;
use silent_slavery_scenario::play::score::Scaled;

/// A harness drawing `draw` with the last intent it returned kept as state.
fn harness<'a>(draw: impl Fn(&mut egui::Ui) -> Option<Intent> + 'a) -> Harness<'a, Option<Intent>> {
    Harness::new_ui_state(
        move |ui, state: &mut Option<Intent>| {
            if let Some(intent) = draw(ui) {
                *state = Some(intent);
            }
        },
        None,
    )
}

fn decision() -> PlayView {
    PlayView {
        title: "Dawn stop".into(),
        steps_done: 3,
        steps_total: 12,
        step: StepView::Decision {
            speaker: None,
            prompt: "What do you do first?".into(),
            options: vec![
                OptionItem {
                    id: "separate".into(),
                    text: "Separate the driver".into(),
                    locked: None,
                },
                OptionItem {
                    id: "refer".into(),
                    text: "Refer everyone now".into(),
                    locked: Some("You have not spoken to anyone alone yet.".into()),
                },
                OptionItem {
                    id: "wave_on".into(),
                    text: "Wave them on".into(),
                    locked: None,
                },
            ],
        },
        notice: None,
        saving: None,
    }
}

#[test]
fn clicking_an_option_chooses_it_and_a_locked_one_does_nothing() {
    let view = decision();
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.get_by_label("3. Wave them on").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Choose("wave_on".into())));

    *h.state_mut() = None;
    h.get_by_label("2. Refer everyone now").click();
    h.run();
    assert_eq!(h.state(), &None, "a locked option cannot be chosen");
    h.get_by_label("Locked: You have not spoken to anyone alone yet.");
}

#[test]
fn while_an_answer_waits_for_the_store_it_shows_and_nothing_else_is_taken() {
    let view = PlayView {
        notice: Some(silent_slavery::sim::BUSY_SAVING.into()),
        saving: Some(Input::Choose("separate".into())),
        ..decision()
    };
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run_steps(2);
    h.get_by_label(silent_slavery::sim::BUSY_SAVING);
    h.get_by_label("3. Wave them on").click();
    h.run_steps(2);
    assert_eq!(h.state(), &None, "another option is held back");
    h.key_press(egui::Key::Num3);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state(), &None, "keys are held back");
    // The waiting answer shows as given.
    h.get_by_label("1. Separate the driver — your answer, being saved");
    h.get_by_label("Save and leave").click();
    h.run_steps(2);
    assert_eq!(h.state(), &Some(Intent::Back), "leaving stays possible");
}

#[test]
fn number_keys_choose_options() {
    let view = decision();
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Choose("separate".into())));
    *h.state_mut() = None;
    h.key_press(egui::Key::Num2);
    h.run();
    assert_eq!(h.state(), &None, "the locked option's key does nothing");
}

#[test]
fn flagging_a_cue_and_moving_on() {
    let view = PlayView {
        title: "Dawn stop".into(),
        steps_done: 2,
        steps_total: 12,
        step: StepView::Identify {
            prompt: "Which of these details concern you?".into(),
            cues: vec![
                CueItem {
                    id: "passports".into(),
                    text: "The driver keeps the passports.".into(),
                    flagged: false,
                },
                CueItem {
                    id: "accent".into(),
                    text: "They share a language.".into(),
                    flagged: true,
                },
            ],
        },
        notice: None,
        saving: None,
    };
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.get_by_label("1. The driver keeps the passports.").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("passports".into())));
    h.get_by_label("2. They share a language.").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Unflag("accent".into())));
    h.get_by_label("Done flagging (Enter)").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Continue));
}

#[test]
fn the_debrief_explains_what_was_missed_and_why() {
    let view = DebriefView {
        title: "Dawn stop".into(),
        outcome: "Left with the driver (Victim lost)".into(),
        closing: "The minibus drives off.".into(),
        passed: false,
        conditions: vec![
            ("score under silent-slavery-2003 at least 80%: 9.0% (NOT MET)".into(), false),
            ("red herrings flagged at most 1: 0 (met)".into(), true),
        ],
        rulesets: vec![
            RulesetLine { title: "Silent Slavery conference recommendations (2003)".into(), raw: 12, max: 134, scaled: Scaled::of(12, 134), decides: true, passed: false },
            RulesetLine { title: "Current practice, England & Wales".into(), raw: 20, max: 154, scaled: Scaled::of(20, 154), decides: false, passed: false },
        ],
        bars: vec![
            RuleBar { label: "Principle 1".into(), upheld: 0, breached: 30 },
            RuleBar { label: "Rec 4".into(), upheld: 10, breached: 0 },
        ],
        missed: vec!["The driver keeps the passports. — Documents held by someone else: An employer keeps the passport.".into()],
        red_herrings: vec!["They share a language. — Nationality alone proves nothing.".into()],
        identification: "Indicators: you flagged 3 of 8 (38%).".into(),
        lessons: vec![Lesson {
            choice: "Wave them on".into(),
            rule: "Principle 1: Human rights first, not immigration".into(),
            critical: true,
            summary: "Treat the person as a potential victim of serious crime.".into(),
            current_practice: Some("Immigration staff are first responders too.".into()),
        }],
    };
    let mut h = harness(|ui| debrief::widget(ui, &view));
    h.run();
    h.get_by_label("NOT PASSED — Left with the driver (Victim lost)");
    h.get_by_label("✘ score under silent-slavery-2003 at least 80%: 9.0% (NOT MET)");
    h.get_by_label("✔ red herrings flagged at most 1: 0 (met)");
    h.get_by_label("Silent Slavery conference recommendations (2003) (decides pass or fail): 12 of 134 points (9.0%) — not passed");
    h.get_by_label(
        "Principle 1: Human rights first, not immigration — critical: this alone fails the attempt",
    );
    h.get_by_label("Today: Immigration staff are first responders too.");
    h.get_by_label("• The driver keeps the passports. — Documents held by someone else: An employer keeps the passport.");
    h.get_by_label("• They share a language. — Nationality alone proves nothing.");
    h.get_by_label("Points upheld and breached per rule");
    h.get_by_label("Back to scenarios (Enter)").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Back));
}

fn sign_in_view(mode: sign_in::SignInMode, stage: SignInStage) -> sign_in::SignInView {
    sign_in::SignInView {
        mode,
        stage,
        problem: None,
    }
}

fn trainee(staff_number: &str, name: &str, unit: &str) -> Trainee {
    Trainee {
        staff_number: staff_number.into(),
        name: name.into(),
        unit: unit.into(),
    }
}

#[test]
fn signing_in_sends_the_form() {
    let form = std::cell::RefCell::new(sign_in::SignInForm {
        unit: "North Response".into(),
        ..Default::default()
    });
    let view = sign_in_view(sign_in::SignInMode::Open, SignInStage::Start);
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_by_label(
        "Demonstration mode: sign-in is not checked, and results are marked as not verified.",
    );
    form.borrow_mut().staff_number = " 4521 ".into();
    form.borrow_mut().name = "A. Example".into();
    h.run();
    h.get_by_label("Sign in").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::Open {
            staff_number: "4521".into(),
            name: "A. Example".into(),
            unit: "North Response".into()
        }))
    );
}

#[test]
fn a_pin_workstation_asks_for_the_number_then_the_pin_and_forgets_the_pin_once_sent() {
    let form = std::cell::RefCell::new(sign_in::SignInForm::default());
    let pin_mode = sign_in::SignInMode::Pin { min_digits: 4 };
    let start = sign_in_view(pin_mode.clone(), SignInStage::Start);
    let mut h = harness(|ui| sign_in::widget(ui, &start, &mut form.borrow_mut()));
    h.run();
    h.get_by_label("Sign in with your staff or collar number and your PIN.");
    assert!(
        h.query_by_label("Name").is_none(),
        "no name field before the number is known"
    );
    form.borrow_mut().staff_number = "4521".into();
    h.run();
    h.get_by_label("Next").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::StaffNumber("4521".into())))
    );
    drop(h);

    let enter_pin = sign_in_view(
        pin_mode,
        SignInStage::EnterPin {
            trainee: trainee("4521", "A. Example", "North Response"),
        },
    );
    let mut h = harness(|ui| sign_in::widget(ui, &enter_pin, &mut form.borrow_mut()));
    h.run();
    h.get_by_label("A. Example (4521)");
    form.borrow_mut().pin = "8093".into();
    h.run();
    h.get_by_label("Sign in").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::Pin("8093".into())))
    );
    assert_eq!(
        form.borrow().pin,
        "",
        "the PIN does not stay in the form once sent"
    );
}

#[test]
fn a_new_staff_number_gives_name_unit_and_a_pin_twice() {
    let form = std::cell::RefCell::new(sign_in::SignInForm::default());
    let view = sign_in_view(
        sign_in::SignInMode::Pin { min_digits: 6 },
        SignInStage::Register {
            staff_number: "7730".into(),
        },
    );
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_by_label("Staff number 7730 is new here");
    h.get_by_label("Give your name and unit, and choose a PIN of at least 6 digits. You will type it each time you sign in; keep it to yourself.");
    {
        let mut f = form.borrow_mut();
        f.name = "B. Example ".into();
        f.unit = "Port Team".into();
        f.pin = "482913".into();
        f.pin_again = "482913".into();
    }
    h.run();
    h.get_by_label("Set my PIN and sign in").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::NewPin {
            pin: "482913".into(),
            again: "482913".into(),
            name: "B. Example".into(),
            unit: "Port Team".into(),
        }))
    );
}

#[test]
fn a_recorded_number_typed_with_another_name_asks_before_changing_the_record() {
    let form = std::cell::RefCell::new(sign_in::SignInForm::default());
    let view = sign_in_view(
        sign_in::SignInMode::Open,
        SignInStage::ConfirmDetails {
            recorded: trainee("4521", "A. Example", "North Response"),
            typed: trainee("4521", "C. Other", ""),
        },
    );
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_by_label("Staff number 4521 is recorded as A. Example (North Response). You typed C. Other (no unit).");
    h.get_by_label("I am A. Example: sign in as recorded")
        .click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::ConfirmDetails {
            update_record: false
        }))
    );
    h.get_by_label("Change the record to C. Other (no unit)")
        .click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::ConfirmDetails {
            update_record: true
        }))
    );
    h.get_by_label("Back").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::SignIn(SignInAction::Restart)));
}

#[test]
fn an_account_that_maps_to_no_staff_number_says_why_and_offers_no_button() {
    let form = std::cell::RefCell::new(sign_in::SignInForm::default());
    let view = sign_in_view(
        sign_in::SignInMode::Account {
            account: Some("jsmith".into()),
            staff_number: Err(
                "account jsmith has no staff number on this workstation; ask your training lead"
                    .into(),
            ),
            recorded: None,
        },
        SignInStage::Start,
    );
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_by_label(
        "account jsmith has no staff number on this workstation; ask your training lead",
    );
    assert!(h.query_by_label("Start").is_none());
    assert!(h.query_by_label("Name").is_none());
}

#[test]
fn a_recorded_account_continues_with_one_click() {
    let form = std::cell::RefCell::new(sign_in::SignInForm::default());
    let view = sign_in_view(
        sign_in::SignInMode::Account {
            account: Some("a.example".into()),
            staff_number: Ok("4521".into()),
            recorded: Some(trainee("4521", "A. Example", "North Response")),
        },
        SignInStage::Start,
    );
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_by_label("You are signed in to this computer as a.example (staff number 4521).");
    h.get_by_label("Continue as A. Example").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::SignIn(SignInAction::Account {
            name: String::new(),
            unit: String::new()
        }))
    );
}

#[test]
fn the_author_preview_shows_any_step_with_its_effects_and_every_path() {
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let loaded =
        silent_slavery_scenario::library::load_bytes("f.ron", fixture.as_bytes(), &catalog)
            .expect("valid");
    let second = loaded.scenario.step_index("second").expect("step");
    let lines = author::step_preview(&loaded, second);
    assert_eq!(
        lines[0],
        "He says he owes money and cannot leave. What next?"
    );
    assert!(lines.contains(&"   effects: +10 rec_04_not_conditional_on_evidence, +10 ew_informed_consent_adult_nrm".to_owned()), "{lines:#?}");
    assert!(
        lines.contains(&"   effects: -10 rec_04_not_conditional_on_evidence (critical)".to_owned()),
        "{lines:#?}"
    );
    let (paths, summary) = author::paths(&loaded, &catalog);
    assert_eq!(
        summary,
        "12 path(s), 2 pass; passing with a critical breach: 0; passing without upholding the critical rules at stake: 2 (identification assumed perfect)"
    );
    assert_eq!(paths.iter().filter(|p| p.passed).count(), 2);

    let view = author::AuthorView {
        scenarios: vec!["A visitor at the front counter".into()],
        scenario: 0,
        steps: vec!["arrives (Scene)".into(), "second (Decision)".into()],
        step: 1,
        preview: lines,
        paths,
        summary,
    };
    let mut h = harness(|ui| author::widget(ui, &view));
    h.run();
    h.get_by_label("12 path(s), 2 pass; passing with a critical breach: 0; passing without upholding the critical rules at stake: 2 (identification assumed perfect)");
    h.get_by_label("Back to scenarios").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Back));
}

#[test]
fn the_home_view_names_the_trainee_without_a_dangling_comma() {
    use silent_slavery::sim::{ScenarioLibrary, Session};
    use silent_slavery_results::attempt::Trainee;
    use silent_slavery_results::store::Store;
    let store = Store::open_in_memory().expect("store");
    let library = ScenarioLibrary::default();
    let mut session = Session::default();
    session.trainee = Some(Trainee {
        staff_number: "55".into(),
        name: "C. Example".into(),
        unit: String::new(),
    });
    let view = silent_slavery::ui::screens::home::view(
        &session,
        &library,
        &store,
        &silent_slavery::sim::TraineeHistory::default(),
        None,
        false,
        Vec::new(),
    );
    assert_eq!(view.trainee, "C. Example (55)");
    session.trainee = Some(Trainee {
        staff_number: "55".into(),
        name: "C. Example".into(),
        unit: "North".into(),
    });
    let view = silent_slavery::ui::screens::home::view(
        &session,
        &library,
        &store,
        &silent_slavery::sim::TraineeHistory::default(),
        None,
        false,
        Vec::new(),
    );
    assert_eq!(view.trainee, "C. Example (55), North");
}

#[test]
fn the_home_screen_says_which_results_came_from_another_workstation_and_when_offline() {
    use silent_slavery::sim::HistoryState;
    use silent_slavery::ui::screens::home::{self, HomeView, ScenarioCard, ScenarioStatus};
    let card = |id: &str, status: ScenarioStatus, elsewhere: bool| ScenarioCard {
        id: id.into(),
        title: format!("Scenario {id}"),
        subtitle: "Police response officer · a roadside".into(),
        summary: "A summary.".into(),
        minutes: 10,
        status,
        elsewhere,
    };
    let mut view = HomeView {
        trainee: "C. Example (55), North".into(),
        course: None,
        scenarios: vec![
            card("a", ScenarioStatus::Passed(Scaled::of(30, 40)), true),
            card("b", ScenarioStatus::Failed(Scaled::of(10, 40)), false),
        ],
        broken: Vec::new(),
        audit: Vec::new(),
        notice: None,
        history: home::history_line(&HistoryState::Fetched(3)),
        author: false,
    };
    {
        let mut h = harness(|ui| home::widget(ui, &view));
        h.run();
        h.get_by_label("Passed, best 75.0% (on another workstation)");
        h.get_by_label("Not passed yet, best 25.0%");
        h.get_by_label("Your results from other workstations are included (the learning record store holds 3 finished attempt(s) of yours).");
    }
    view.history = home::history_line(&HistoryState::Offline("io: Connection refused".into()));
    view.scenarios.truncate(1);
    view.scenarios[0].elsewhere = false;
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label("Offline: the learning record store could not be reached, so only this workstation's results are shown. (io: Connection refused)");
    h.get_by_label("Passed, best 75.0%");
    assert_eq!(home::history_line(&HistoryState::NoLrs), None);
}

#[test]
fn a_damaged_store_says_where_and_offers_to_set_it_aside_or_close() {
    let view = store_damaged::StoreDamagedView {
        path: "/var/lib/sst/results.sqlite3".into(),
        detail: "database disk image is malformed".into(),
        problem: None,
    };
    let mut h = harness(|ui| store_damaged::widget(ui, &view));
    h.run();
    h.get_by_label_contains("/var/lib/sst/results.sqlite3, failed its check");
    h.get_by_label("What was found: database disk image is malformed");
    h.get_by_label("Move it aside and start a new store")
        .click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::SetAsideStore));
    *h.state_mut() = None;
    h.get_by_label("Close the app").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Quit));
}

#[test]
fn the_author_preview_opens_the_catalogue_and_the_step_graph() {
    let view = author::AuthorView {
        scenarios: vec!["A".into()],
        scenario: 0,
        steps: vec!["arrives (Scene)".into()],
        step: 0,
        preview: Vec::new(),
        paths: Vec::new(),
        summary: String::new(),
    };
    let mut h = harness(|ui| author::widget(ui, &view));
    h.run();
    h.get_by_label("Catalogue").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Catalogue));
    h.get_by_label("Step graph").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::StepGraph));
}

#[test]
fn the_catalogue_narrows_to_what_is_searched_for() {
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let reference = silent_slavery_scenario::analysis::reference::Reference::of(&catalog, &[]);
    let everything = catalogue::view(&reference, "");
    assert_eq!(everything.entries.len(), everything.total);
    assert_eq!(everything.total, 20 + 17 + 100 + 6);

    let query = std::cell::RefCell::new(String::new());
    let mut h = harness(|ui| {
        let view = catalogue::view(&reference, &query.borrow());
        catalogue::widget(ui, &view, &mut query.borrow_mut())
    });
    h.run();
    h.get_by_label("143 of 143 entries");
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("age presumption");
    h.run();
    h.run();
    assert_eq!(query.borrow().as_str(), "age presumption");
    // The rule, and the indicator whose definition speaks of the presumption.
    h.get_by_label("2 of 143 entries");
    h.get_by_label("ew_age_presumption_s51");
    h.get_by_label("age_appears_under_18");
    h.get_by_label("Back to the author preview").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::AuthorPreview));

    // Rules first, then indicators: each entry whose text has both words.
    let view = catalogue::view(&reference, "companion interpret");
    assert_eq!(
        view.entries
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        [
            "p2_police_first_contact",
            "ew_independent_interpreter",
            "companion_offers_to_interpret"
        ]
    );
    assert_eq!(
        view.entries[2].heading,
        "Indicator, Strong (3 points), Third-party control of the encounter: Companion offers to interpret"
    );
}

#[test]
fn the_step_graph_draws_a_scenario_and_switches_to_another() {
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let loaded =
        silent_slavery_scenario::library::load_bytes("f.ron", fixture.as_bytes(), &catalog)
            .expect("valid");
    let (summary, marks) = graph::picture(&loaded.scenario, &catalog);
    assert_eq!(
        summary,
        "Best scores under silent-slavery-2003: 26 at most, 21 to pass. Dashed: an option flags can lock. Red: a critical breach."
    );
    let marks = marks.expect("laid out");
    let texts: Vec<String> = marks
        .iter()
        .filter_map(|m| match m {
            silent_slavery_scenario::analysis::picture::Mark::Text { text, .. } => {
                Some(text.clone())
            }
            _ => None,
        })
        .collect();
    assert!(texts.contains(&"refer\nneeds safe".to_owned()), "{texts:?}");
    assert!(
        texts.contains(&"late\nending: Referred late\nbest 18 of 26: cannot pass".to_owned()),
        "{texts:?}"
    );
    let start = graph::start_of(&loaded.scenario, &marks).expect("the start step is drawn");
    let start_text = marks.iter().find_map(|m| match m {
        silent_slavery_scenario::analysis::picture::Mark::Text { x, y, text, .. }
            if text.starts_with("arrives\n") =>
        {
            Some((*x, *y))
        }
        _ => None,
    });
    assert_eq!(
        Some(start),
        start_text,
        "the start's box is centred on its label"
    );
    let view = graph::GraphView {
        scenarios: vec!["A visitor at the front counter".into(), "Another".into()],
        scenario: 0,
        summary: summary.clone(),
        marks: Ok(marks),
        start: Some(start),
        // Scrolling animates over several frames; the system asks for it once.
        scroll_to_start: false,
    };
    let zoom = std::cell::RefCell::new(0.8f32);
    let mut h = harness(|ui| graph::widget(ui, &view, &mut zoom.borrow_mut()));
    h.run();
    h.get_by_label(summary.as_str());
    h.get_by_label("Back to the author preview").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::AuthorPreview));
}

#[test]
fn the_author_preview_places_and_tags_a_decisions_cues() {
    let catalog = silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue");
    let fixture = include_str!("../crates/scenario/tests/fixtures/decision_cues.ron");
    let loaded =
        silent_slavery_scenario::library::load_bytes("d.ron", fixture.as_bytes(), &catalog)
            .expect("valid");
    let talk = loaded.scenario.step_index("talk").expect("step");
    let lines = author::step_preview(&loaded, talk);
    assert_eq!(
        lines[..2],
        [
            "None of the men speaks English. The driver offers to interpret for them. How will you talk to them?",
            "  cue driver_offers: companion_offers_to_interpret"
        ]
    );
}

#[test]
fn a_changed_scenario_says_which_versions_and_offers_both_ways_on() {
    use silent_slavery::ui::screens::scenario_changed::{self, ScenarioChangedView};
    use silent_slavery_results::attempt::ChangedVersionChoice;
    let view = ScenarioChangedView {
        title: "A late visitor at the front counter".into(),
        started_version: 3,
        current_version: 4,
        started_on: "2026-12-01".into(),
    };
    let mut h = harness(|ui| scenario_changed::widget(ui, &view));
    h.run();
    h.get_by_label("This scenario has changed since you started it");
    h.get_by_label("You started version 3 on 2026-12-01; it is now version 4.");
    h.get_by_label("1  Finish the version I started").click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::ChangedScenario(ChangedVersionChoice::FinishStarted))
    );
    h.key_press(egui::Key::Num2);
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::ChangedScenario(ChangedVersionChoice::StartNew))
    );
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Back));

    // Edited without a new version number: said so.
    let same = ScenarioChangedView {
        current_version: 3,
        ..view.clone()
    };
    let mut h = harness(|ui| scenario_changed::widget(ui, &same));
    h.run();
    h.get_by_label("You started it on 2026-12-01 and a trainer has edited it since (it is still numbered version 3).");
}
