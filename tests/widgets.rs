//! The screens' egui widgets under egui_kittest: real clicks and keys on options and cues, and what the debrief says.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use silent_slavery::sim::{SignInAction, SignInStage};
use silent_slavery::ui::intent::Intent;
use silent_slavery::ui::screens::debrief::{
    self, BetterChoice, ConditionLine, DebriefView, DecisionLesson, RuleNote, RuleRow, RuleTable,
    RulesetLine,
};
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

/// [`harness`] on a screen of `width` by `height` points, for what scrolls.
fn harness_sized<'a>(
    width: f32,
    height: f32,
    draw: impl Fn(&mut egui::Ui) -> Option<Intent> + 'a,
) -> Harness<'a, Option<Intent>> {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(
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
            passages: Vec::new(),
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
        reviewed: None,
        outcome: "Left with the driver (Victim lost)".into(),
        closing: "The minibus drives off.".into(),
        passed: false,
        conditions: vec![
            ConditionLine {
                text: "score under silent-slavery-2003 at least 80%: 9.0% (NOT MET)".into(),
                met: false,
                why: Some("Your choices and flags earned 12 of the 134 points the best path earns.".into()),
            },
            ConditionLine {
                text: "red herrings flagged at most 1: 0 (met)".into(),
                met: true,
                why: None,
            },
        ],
        rulesets: vec![
            RulesetLine { title: "Silent Slavery conference recommendations (2003)".into(), raw: 12, max: 134, scaled: Scaled::of(12, 134), decides: true, passed: false },
            RulesetLine { title: "Current practice, England & Wales".into(), raw: 20, max: 154, scaled: Scaled::of(20, 154), decides: false, passed: false },
        ],
        identification: "Indicators: you flagged 3 of 8 (38%).".into(),
        choices_summary: "Your one choice was not the best open to you at the time.".into(),
        decisions: vec![DecisionLesson {
            prompt: "The driver wants to leave. What do you do?".into(),
            chosen: "Wave them on".into(),
            feedback: "They drive off with the driver.".into(),
            better: Some(BetterChoice {
                text: "Separate the passengers from the driver".into(),
                why: "Each can speak without being overheard.".into(),
                upholds: "Principle 1".into(),
            }),
            rules: vec![RuleNote {
                rule: "Principle 1: Human rights first, not immigration".into(),
                effect: "breached: −30 points; critical: this alone fails the attempt".into(),
                breached: true,
                explanation: vec![
                    "What it asks (Silent Slavery conference, 2003, principle 1): Treat the person as a potential victim of serious crime.".into(),
                    "Today: Immigration staff are first responders too.".into(),
                ],
            }],
        }],
        missed: vec!["The driver keeps the passports. — Documents held by someone else: An employer keeps the passport.".into()],
        red_herrings: vec!["They share a language. — Nationality alone proves nothing.".into()],
        rule_tables: vec![RuleTable {
            heading: "Silent Slavery conference recommendations (2003): decides pass or fail".into(),
            codes: "Codes: \"Rec 9\" is recommendation 9.".into(),
            rows: vec![
                RuleRow { code: "Principle 1".into(), title: "Human rights first, not immigration".into(), upheld: 0, breached: 30, critical: true },
                RuleRow { code: "Rec 4".into(), title: "Help not conditional on evidence".into(), upheld: 10, breached: 0, critical: false },
            ],
        }],
    };
    let mut h = harness(|ui| debrief::widget(ui, &view));
    h.run();
    h.get_by_label("NOT PASSED — Left with the driver (Victim lost)");
    h.get_by_label("× score under silent-slavery-2003 at least 80%: 9.0% (NOT MET)");
    h.get_by_label("Your choices and flags earned 12 of the 134 points the best path earns.");
    h.get_by_label("✔ red herrings flagged at most 1: 0 (met)");
    h.get_by_label("Silent Slavery conference recommendations (2003) (decides pass or fail): 12 of 134 points (9.0%) — not passed");
    h.get_by_label("You chose: Wave them on");
    h.get_by_label("A better choice: Separate the passengers from the driver");
    h.get_by_label("Why: Each can speak without being overheard.");
    h.get_by_label(
        "Principle 1: Human rights first, not immigration — breached: −30 points; critical: this alone fails the attempt",
    );
    h.get_by_label("What it asks (Silent Slavery conference, 2003, principle 1): Treat the person as a potential victim of serious crime.");
    h.get_by_label("Today: Immigration staff are first responders too.");
    h.get_by_label("• The driver keeps the passports. — Documents held by someone else: An employer keeps the passport.");
    h.get_by_label("• They share a language. — Nationality alone proves nothing.");
    h.get_by_label("Points per rule");
    h.get_by_label("lost −30 points (critical)");
    h.get_by_label("gained +10 points");
    h.get_by_label("Back to scenarios (Enter)").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Back));
}

/// The fixture played with seed 2 (the `injured` variant: two true indicators and one red
/// herring) through `inputs`, as the debrief gets it.
fn front_counter_debrief(inputs: &[Input]) -> DebriefView {
    use silent_slavery_scenario::play::runner::Runner;
    use std::sync::Arc;
    let catalog =
        Arc::new(silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue"));
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let loaded = Arc::new(
        silent_slavery_scenario::library::load_bytes("f.ron", fixture.as_bytes(), &catalog)
            .expect("valid"),
    );
    let (mut runner, _) =
        Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), 2).expect("starts");
    for input in inputs {
        runner.apply(input).expect("applies");
    }
    assert!(runner.is_finished());
    debrief::view(
        &silent_slavery::sim::FinishedAttempt {
            id: uuid::Uuid::nil(),
            scenario: loaded,
            score: runner.score(),
            transcript: runner.transcript().clone(),
            reviewed: None,
        },
        &catalog,
    )
}

#[test]
fn the_debrief_says_which_condition_failed_when_the_choices_were_right() {
    // The case: the best ending and no breach, but nothing flagged.
    let view = front_counter_debrief(&[
        Input::Continue,
        Input::Continue,
        Input::Choose("private_room".into()),
        Input::Continue,
        Input::Choose("refer".into()),
        Input::Continue,
    ]);
    assert!(!view.passed);
    let failed: Vec<_> = view.conditions.iter().filter(|c| !c.met).collect();
    assert_eq!(failed.len(), 2, "{:#?}", view.conditions);
    // The score, by the deciding ruleset's title, with where its points went.
    assert_eq!(
        failed[0].text,
        "score under Silent Slavery conference recommendations (2003) at least 80.00%: 76.92% (NOT MET)"
    );
    assert_eq!(
        failed[0].why.as_deref(),
        Some(
            "Your choices earned 20 points and your flags 0: 20 of the 26 points the best path earns. Every choice was the best open to you at the time: the points were lost in flagging (the indicators you did not flag and any red herrings you flagged are listed below)."
        )
    );
    assert_eq!(
        failed[1].text,
        "true indicators flagged at least 50%: 0% (NOT MET)"
    );
    assert_eq!(
        failed[1]
            .why
            .as_deref()
            .map(|w| w.split('.').next().unwrap_or_default()),
        Some("You flagged 0 of the 2 indicators shown"),
    );
    assert_eq!(
        view.choices_summary,
        "All 2 of your choices were the best open to you at the time."
    );
    assert!(view.decisions.is_empty(), "{:#?}", view.decisions);
    assert_eq!(view.missed.len(), 2);
    assert!(
        view.missed
            .iter()
            .any(|m| m.starts_with("He says his passport is 'with the boss'. — "))
    );

    let mut h = harness(|ui| debrief::widget(ui, &view));
    h.run();
    h.get_by_label("× true indicators flagged at least 50%: 0% (NOT MET)");
    h.get_by_label_contains("You flagged 0 of the 2 indicators shown.");
    h.get_by_label("✔ no critical breach: 0 (met)");
}

#[test]
fn a_total_below_zero_and_a_critical_breach_are_explained() {
    let view = front_counter_debrief(&[
        Input::Continue,
        Input::Continue,
        Input::Choose("come_back".into()),
        Input::Continue,
    ]);
    let why = |start: &str| {
        view.conditions
            .iter()
            .find(|c| c.text.starts_with(start))
            .and_then(|c| c.why.clone())
            .unwrap_or_else(|| panic!("no reason for {start}: {:#?}", view.conditions))
    };
    assert_eq!(
        why("score under"),
        "Your choices earned −10 points and your flags 0: −10 of the 26 points the best path earns (a total below zero counts as 0%). The decisions below show where points were lost and what would have earned them."
    );
    assert_eq!(
        why("no critical breach"),
        "Your choices breached a rule critically once (marked critical below): a critical breach is something the recommendations treat as unacceptable whatever else goes well, and one alone fails the attempt."
    );
    assert_eq!(view.decisions.len(), 1);
    assert_eq!(
        view.decisions[0].rules[0].effect,
        "breached: −10 points; critical: this alone fails the attempt"
    );
    assert_eq!(
        view.decisions[0].better.as_ref().map(|b| b.text.as_str()),
        Some("Take him to a private room and call an interpreter.")
    );
}

#[test]
fn a_choice_that_breached_two_rules_is_taught_once_with_the_better_option_and_the_rules_text() {
    let view = front_counter_debrief(&[
        Input::Continue,
        Input::Flag("no_papers".into()),
        Input::Flag("hand".into()),
        Input::Continue,
        Input::Choose("status_check".into()),
        Input::Continue,
        Input::Choose("phone_helpline".into()),
        Input::Continue,
    ]);
    assert!(!view.passed);
    // The helpline was the best open (the referral was locked), so only the first choice
    // is gone over: once, though it breached a rule of each ruleset.
    assert_eq!(
        view.choices_summary,
        "1 of your 2 choices was the best open to you at the time."
    );
    assert_eq!(
        view.identification,
        "Indicators: you flagged 2 of the 2 shown (100%); 2 of your 2 flags were on a real indicator."
    );
    assert_eq!(view.decisions.len(), 1, "{:#?}", view.decisions);
    let lesson = &view.decisions[0];
    assert_eq!(lesson.prompt, "What do you do first?");
    assert_eq!(lesson.chosen, "Check his immigration status first.");
    assert_eq!(
        lesson.feedback,
        "Status first tells him he is a suspect, not a victim."
    );
    let better = lesson.better.as_ref().expect("a better option");
    assert_eq!(
        better.text,
        "Take him to a private room and call an interpreter."
    );
    assert_eq!(better.why, "Right: somewhere safe, in his own language.");
    assert!(
        better.upholds.starts_with("Principle 1, E&W "),
        "{}",
        better.upholds
    );
    let breached: Vec<_> = lesson.rules.iter().filter(|r| r.breached).collect();
    assert_eq!(breached.len(), 2, "{:#?}", lesson.rules);
    assert_eq!(
        breached[0].rule,
        "Principle 1: Human rights first, not immigration"
    );
    assert_eq!(breached[0].effect, "breached: −10 points");
    assert!(
        breached[0].explanation[0].starts_with("What it asks (Silent Slavery conference, 2003, principle 1): Government should treat trafficking as an abuse of human rights"),
        "the recommendation's text: {:#?}",
        breached[0].explanation
    );
    assert!(
        breached[0]
            .explanation
            .iter()
            .any(|l| l.starts_with("A breach looks like this: Starts with status checks"))
    );
    assert!(
        breached[0]
            .explanation
            .iter()
            .any(|l| l.starts_with("Today: "))
    );
    // The 2003 table first, with its breached rule first and the codes explained.
    assert!(
        view.rule_tables[0]
            .heading
            .ends_with(": decides pass or fail")
    );
    assert_eq!(view.rule_tables[0].rows[0].code, "Principle 1");
    assert_eq!(view.rule_tables[0].rows[0].breached, 10);
    assert!(
        view.rule_tables[0]
            .codes
            .contains("\"Rec 9\" is recommendation 9"),
        "{}",
        view.rule_tables[0].codes
    );

    let mut h = harness(|ui| debrief::widget(ui, &view));
    h.run();
    assert_eq!(
        h.get_all_by_label("You chose: Check his immigration status first.")
            .count(),
        1,
        "one decision, listed once"
    );
    h.get_by_label("A better choice: Take him to a private room and call an interpreter.");
    h.get_by_label("Why: Right: somewhere safe, in his own language.");
    h.get_by_label("Principle 1: Human rights first, not immigration — breached: −10 points");
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
fn typing_into_the_unit_this_workstation_remembered_replaces_it() {
    let form = std::cell::RefCell::new(sign_in::SignInForm {
        unit: "North Response".into(),
        ..Default::default()
    });
    let view = sign_in_view(
        sign_in::SignInMode::Pin { min_digits: 4 },
        SignInStage::Register {
            staff_number: "7002".into(),
        },
    );
    let mut h = harness(|ui| sign_in::widget(ui, &view, &mut form.borrow_mut()));
    h.run();
    h.get_all_by_value("North Response")
        .next()
        .expect("the unit field")
        .focus();
    h.run();
    h.get_all_by_value("North Response")
        .next()
        .expect("the unit field")
        .type_text("East Response");
    h.run();
    assert_eq!(form.borrow().unit, "East Response");
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
    let lines = author::step_preview(&loaded, second, None);
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
        step_ids: vec!["arrives".into(), "second".into()],
        preview: lines,
        paths,
        summary,
    };
    let controls = std::cell::RefCell::new(author::PreviewControls::default());
    let mut h = harness(|ui| author::widget(ui, &view, &mut controls.borrow_mut()));
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
        &[],
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
        &[],
        false,
        Vec::new(),
    );
    assert_eq!(view.trainee, "C. Example (55), North");
}

/// A trainee "55" with a passed attempt at the fixture and two answers into a second
/// scenario (the fixture under another id), both in a course needing each passed.
struct Played {
    store: silent_slavery_results::store::Store,
    library: silent_slavery::sim::ScenarioLibrary,
    session: silent_slavery::sim::Session,
    courses: Vec<silent_slavery_results::course::Course>,
    passed: uuid::Uuid,
    unfinished: uuid::Uuid,
}

fn played() -> Played {
    use silent_slavery::sim::{LibraryEntry, ScenarioLibrary, Session};
    use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
    use silent_slavery_results::course::{AttemptsCounted, Course, MoveOn};
    use silent_slavery_results::record::RecordedAttempt;
    use silent_slavery_results::store::Store;
    use std::sync::Arc;
    let catalog =
        Arc::new(silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue"));
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let load = |text: &str| {
        Arc::new(
            silent_slavery_scenario::library::load_bytes("f.ron", text.as_bytes(), &catalog)
                .expect("valid"),
        )
    };
    let first = load(fixture);
    let second = load(
        &fixture
            .replace("fixture_front_counter", "fixture_second")
            .replace("A visitor at the front counter", "A second visitor"),
    );
    let mut library = ScenarioLibrary::default();
    library.entries.insert(
        "scenarios/a.ron".into(),
        LibraryEntry::Ready(Arc::clone(&first)),
    );
    library.entries.insert(
        "scenarios/b.ron".into(),
        LibraryEntry::Ready(Arc::clone(&second)),
    );
    let store = Store::open_in_memory().expect("store");
    let trainee = Trainee {
        staff_number: "55".into(),
        name: "C. Example".into(),
        unit: "North".into(),
    };
    store.add_trainee(&trainee).expect("trainee");
    let start = |scenario: &Arc<_>| {
        RecordedAttempt::start(
            &store,
            "55",
            IdentifiedBy::Open,
            Arc::clone(scenario),
            Arc::clone(&catalog),
            2,
        )
        .expect("starts")
        .0
    };
    let mut a = start(&first);
    for input in [
        Input::Continue,
        Input::Flag("no_papers".into()),
        Input::Flag("hand".into()),
        Input::Continue,
        Input::Choose("private_room".into()),
        Input::Continue,
        Input::Choose("refer".into()),
        Input::Continue,
    ] {
        a.apply(&store, &input).expect("saved");
    }
    assert!(a.runner().score().passed);
    let mut b = start(&second);
    for input in [Input::Continue, Input::Flag("no_papers".into())] {
        b.apply(&store, &input).expect("saved");
    }
    let mut session = Session::default();
    session.trainee = Some(trainee);
    Played {
        store,
        library,
        session,
        courses: vec![Course {
            id: "counter".into(),
            title: "Front counter course".into(),
            short_name: "FC".into(),
            id_number: None,
            scenarios: vec!["fixture_front_counter".into(), "fixture_second".into()],
            mastery_score: 0.8,
            move_on: MoveOn::Passed,
            attempts_counted: AttemptsCounted::Best,
        }],
        passed: a.id,
        unfinished: b.id,
    }
}

#[test]
fn the_home_screen_shows_course_progress_where_the_trainee_left_off_and_reviews() {
    use silent_slavery::ui::screens::home::{self, CourseProgress, ScenarioStatus};
    let p = played();
    let view = home::view(
        &p.session,
        &p.library,
        &p.store,
        &silent_slavery::sim::TraineeHistory::default(),
        &p.courses,
        false,
        Vec::new(),
    );
    assert_eq!(
        view.progress,
        [CourseProgress {
            title: "Front counter course".into(),
            done: 1,
            required: 2,
            done_means: "passed",
            complete: false,
        }]
    );
    let left_off = view.left_off.clone().expect("where the trainee was");
    assert_eq!(left_off.scenario, "fixture_second");
    assert_eq!(left_off.resume, Some(p.unfinished.to_string()));
    assert_eq!(left_off.review, None);
    assert!(
        left_off
            .line
            .starts_with("Where you left off: “A second visitor”, 2 answers saved, last on "),
        "{}",
        left_off.line
    );
    assert!(matches!(
        view.scenarios[0].status,
        ScenarioStatus::Passed(_)
    ));
    assert_eq!(view.scenarios[0].finished.len(), 1);
    assert!(view.scenarios[0].finished[0].passed);
    assert!(matches!(
        view.scenarios[1].status,
        ScenarioStatus::InProgress(_)
    ));

    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label("Front counter course: 1 of 2 passed");
    h.get_by_label("(where you left off)");
    h.get_by_label("Review").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Review(p.passed.to_string())));
    h.get_by_label("Carry on").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Resume(p.unfinished.to_string())));
    // "Start again" asks first only where an attempt is unfinished.
    let again: Vec<_> = h.get_all_by_label("Start again").collect();
    assert_eq!(again.len(), 2);
    again[1].click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::StartAgain("fixture_second".into()))
    );
    h.get_all_by_label("Start again")
        .next()
        .expect("first card")
        .click();
    h.run();
    assert_eq!(
        h.state(),
        &Some(Intent::Open("fixture_front_counter".into()))
    );
}

#[test]
fn after_a_finished_attempt_the_home_screen_offers_to_review_it() {
    use silent_slavery::ui::screens::home;
    let p = played();
    // The unfinished attempt is finished (badly) later: it is now where the trainee was.
    let catalog = std::sync::Arc::new(
        silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue"),
    );
    let resumed = p
        .store
        .resume(p.unfinished, std::sync::Arc::clone(&catalog))
        .expect("resumes");
    let mut b = silent_slavery_results::record::RecordedAttempt::resumed(
        p.unfinished,
        resumed.runner,
        resumed.next_seq,
    );
    for input in [
        Input::Continue,
        Input::Choose("come_back".into()),
        Input::Continue,
    ] {
        b.apply(&p.store, &input).expect("saved");
    }
    let view = home::view(
        &p.session,
        &p.library,
        &p.store,
        &silent_slavery::sim::TraineeHistory::default(),
        &p.courses,
        false,
        Vec::new(),
    );
    let left_off = view.left_off.clone().expect("where the trainee was");
    assert_eq!(left_off.review, Some(p.unfinished.to_string()));
    assert!(
        left_off
            .line
            .starts_with("Last played: “A second visitor”, finished on "),
        "{}",
        left_off.line
    );
    assert!(
        left_off.line.ends_with(", not passed."),
        "{}",
        left_off.line
    );
    assert_eq!(view.progress[0].done, 1, "a failed attempt does not count");
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label("Review it").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Review(p.unfinished.to_string())));

    // A second finished attempt at the second scenario: both listed, newest first, each
    // reviewable; the card's own "Review" opens the newest.
    let resumed = p
        .store
        .resume(p.unfinished, std::sync::Arc::clone(&catalog));
    assert!(resumed.is_err(), "a finished attempt does not resume");
    let (mut again, _) = silent_slavery_results::record::RecordedAttempt::start(
        &p.store,
        "55",
        silent_slavery_results::attempt::IdentifiedBy::Open,
        p.library.scenario("fixture_second").expect("playable"),
        catalog,
        2,
    )
    .expect("starts");
    for input in [
        Input::Continue,
        Input::Continue,
        Input::Choose("status_check".into()),
        Input::Continue,
        Input::Choose("phone_helpline".into()),
        Input::Continue,
    ] {
        again.apply(&p.store, &input).expect("saved");
    }
    let view = home::view(
        &p.session,
        &p.library,
        &p.store,
        &silent_slavery::sim::TraineeHistory::default(),
        &p.courses,
        false,
        Vec::new(),
    );
    let ids: Vec<_> = view.scenarios[1]
        .finished
        .iter()
        .map(|f| f.id.clone())
        .collect();
    assert_eq!(ids, [again.id.to_string(), p.unfinished.to_string()]);
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label("Your 2 finished attempts").click();
    h.run();
    let reviews: Vec<_> = h.get_all_by_label("Review").collect();
    // The first card's, the second card's, then the two in the list.
    assert_eq!(reviews.len(), 4);
    reviews[3].click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Review(p.unfinished.to_string())));
}

#[test]
fn start_again_asks_before_setting_an_unfinished_attempt_aside() {
    use silent_slavery::sim::StartAgainPending;
    use silent_slavery::ui::screens::home;
    let mut p = played();
    p.session.start_again = Some(StartAgainPending {
        scenario: "fixture_second".into(),
        attempt: p.unfinished,
        title: "A second visitor".into(),
        inputs: 2,
    });
    let view = home::view(
        &p.session,
        &p.library,
        &p.store,
        &silent_slavery::sim::TraineeHistory::default(),
        &p.courses,
        false,
        Vec::new(),
    );
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label("Start “A second visitor” again?");
    h.get_by_label_contains("Your unfinished attempt (2 answers saved) will be set aside");
    // While the question is open, a number key opens nothing.
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state(), &None);
    h.get_by_label("Keep my attempt").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::CancelStartAgain));
    h.get_by_label("Set it aside and start again").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::ConfirmStartAgain));
    // Escape keeps the attempt, as the safe answer.
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state(), &Some(Intent::CancelStartAgain));
}

#[test]
fn arriving_home_scrolls_to_where_the_trainee_left_off() {
    use silent_slavery::ui::screens::home::{
        self, HomeView, LeftOff, ScenarioCard, ScenarioStatus,
    };
    let card = |n: usize| ScenarioCard {
        id: format!("s{n}"),
        title: format!("Scenario {n}"),
        subtitle: "Police officer · a street".into(),
        summary: "A summary.".into(),
        minutes: 10,
        status: ScenarioStatus::NotStarted,
        finished: Vec::new(),
        elsewhere: false,
    };
    let view = |scroll: bool| HomeView {
        trainee: "C. Example (55)".into(),
        course: None,
        progress: Vec::new(),
        start_again: None,
        left_off: Some(LeftOff {
            scenario: "s18".into(),
            line: "Where you left off: “Scenario 18”.".into(),
            resume: Some(uuid::Uuid::nil().to_string()),
            review: None,
        }),
        scroll_to_left_off: scroll,
        scenarios: (0..20).map(card).collect(),
        broken: Vec::new(),
        audit: Vec::new(),
        notice: None,
        history: None,
        author: false,
    };
    for (scroll, shown) in [(false, false), (true, true)] {
        // As the home system does: the first frame after arriving asks for the scroll.
        let first = std::cell::Cell::new(true);
        let mut h = Harness::builder()
            .with_size(egui::vec2(800.0, 500.0))
            .build_ui_state(
                |ui, state: &mut Option<Intent>| {
                    let view = view(scroll && first.replace(false));
                    if let Some(intent) = home::widget(ui, &view) {
                        *state = Some(intent);
                    }
                },
                None,
            );
        h.run();
        let rect = h.get_by_label("19. Scenario 18").rect();
        assert_eq!(
            rect.bottom() <= 500.0 && rect.top() >= 0.0,
            shown,
            "scroll {scroll}: card at {rect:?}"
        );
    }
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
        finished: Vec::new(),
        elsewhere,
    };
    let mut view = HomeView {
        trainee: "C. Example (55), North".into(),
        course: None,
        progress: Vec::new(),
        start_again: None,
        left_off: None,
        scroll_to_left_off: false,
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
fn a_home_screen_with_nothing_to_play_says_so() {
    use silent_slavery::ui::screens::home::{self, HomeView, ScenarioCard, ScenarioStatus};
    let mut view = HomeView {
        trainee: "C. Example (55), North".into(),
        course: None,
        progress: Vec::new(),
        start_again: None,
        left_off: None,
        scroll_to_left_off: false,
        scenarios: Vec::new(),
        broken: Vec::new(),
        audit: Vec::new(),
        notice: None,
        history: None,
        author: false,
    };
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    h.get_by_label(home::NO_SCENARIOS);
    drop(h);
    view.scenarios.push(ScenarioCard {
        id: "a".into(),
        title: "Scenario a".into(),
        subtitle: "Police response officer · a roadside".into(),
        summary: "A summary.".into(),
        minutes: 10,
        status: ScenarioStatus::NotStarted,
        finished: Vec::new(),
        elsewhere: false,
    });
    let mut h = harness(|ui| home::widget(ui, &view));
    h.run();
    assert!(h.query_by_label(home::NO_SCENARIOS).is_none());
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
        step_ids: vec!["arrives".into()],
        preview: Vec::new(),
        paths: Vec::new(),
        summary: String::new(),
    };
    let controls = std::cell::RefCell::new(author::PreviewControls::default());
    let mut h = harness(|ui| author::widget(ui, &view, &mut controls.borrow_mut()));
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
    let lines = author::step_preview(&loaded, talk, None);
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

// ---- Input that records what the trainee meant (issue 15) ----

fn scene(text: &str) -> PlayView {
    PlayView {
        title: "Dawn stop".into(),
        steps_done: 1,
        steps_total: 12,
        step: StepView::Scene {
            speaker: "Narrator".into(),
            text: text.into(),
            image: None,
        },
        notice: None,
        saving: None,
    }
}

fn feedback() -> PlayView {
    PlayView {
        steps_done: 3,
        step: StepView::Feedback {
            chosen: "Separate the driver".into(),
            feedback: "Right: speak to each person alone.".into(),
        },
        ..decision()
    }
}

fn many_options(count: usize) -> PlayView {
    PlayView {
        steps_done: 2,
        step: StepView::Decision {
            speaker: None,
            prompt: "What do you do?".into(),
            options: (1..=count)
                .map(|n| OptionItem {
                    id: format!("o{n}"),
                    text: format!("Option {n}"),
                    locked: None,
                })
                .collect(),
        },
        ..decision()
    }
}

fn many_cues(count: usize, flagged: &[usize]) -> PlayView {
    PlayView {
        steps_done: 2,
        step: StepView::Identify {
            passages: Vec::new(),
            prompt: "Which details concern you?".into(),
            cues: (1..=count)
                .map(|n| CueItem {
                    id: format!("c{n}"),
                    text: format!("Detail {n}"),
                    flagged: flagged.contains(&n),
                })
                .collect(),
        },
        ..decision()
    }
}

/// The app's screens in order, through the shared frame: an intent moves to the next
/// screen, as the session does; every intent is kept.
struct Screens {
    views: Vec<PlayView>,
    at: usize,
    got: Vec<Intent>,
    settings: silent_slavery::ui::DisplaySettings,
}

fn screens<'a>(views: Vec<PlayView>, step_dt: f32) -> Harness<'a, Screens> {
    Harness::builder()
        .with_step_dt(step_dt)
        .with_size(egui::vec2(800.0, 600.0))
        .build_ui_state(
            |ui, s: &mut Screens| {
                let view = s.views[s.at.min(s.views.len() - 1)].clone();
                if let Some(intent) = silent_slavery::ui::frame::frame(
                    ui.ctx(),
                    &mut s.settings,
                    view.on_screen(),
                    |ui| playing::widget(ui, &view),
                ) {
                    s.got.push(intent);
                    s.at += 1;
                }
            },
            Screens {
                views,
                at: 0,
                got: Vec::new(),
                settings: silent_slavery::ui::DisplaySettings::default(),
            },
        )
}

fn pointer(h: &Harness<'_, Screens>, pos: egui::Pos2, pressed: bool) {
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    });
}

#[test]
fn a_click_counts_however_long_the_pointer_rested_and_the_button_was_held() {
    let mut h = screens(vec![decision()], 0.25);
    h.run();
    let at = h.get_by_label("3. Wave them on").rect().center();
    h.event(egui::Event::PointerMoved(at));
    h.run_steps(6); // 1.5 s at rest on the option
    pointer(&h, at, true);
    h.step();
    h.run_steps(5); // held 1.25 s, longer than egui's 0.8 s click
    pointer(&h, at, false);
    h.step();
    h.run_steps(2);
    assert_eq!(h.state().got, vec![Intent::Choose("wave_on".into())]);
}

#[test]
fn a_double_click_on_continue_acts_once_and_never_on_the_next_screen() {
    let mut h = screens(vec![scene("A minibus stops."), many_options(8)], 0.05);
    h.run_steps(3);
    let at = h.get_by_label("Continue (Enter)").rect().center();
    h.event(egui::Event::PointerMoved(at));
    h.step();
    pointer(&h, at, true);
    pointer(&h, at, false);
    h.step();
    // The next screen is drawn before the second click of the double click arrives.
    h.step();
    h.step();
    let under = (1..=8)
        .map(|n| format!("{n}. Option {n}"))
        .find(|label| h.get_by_label(label).rect().contains(at))
        .expect("an option lies where Continue was (the issue's case)");
    pointer(&h, at, true);
    pointer(&h, at, false);
    h.step();
    h.run_steps(4);
    assert_eq!(
        h.state().got,
        vec![Intent::Continue],
        "the second click chose {under} on a screen the trainee had not seen"
    );
    // A deliberate click on the new screen, later, chooses.
    h.run_steps(10);
    pointer(&h, at, true);
    pointer(&h, at, false);
    h.step();
    h.run_steps(2);
    assert_eq!(h.state().got.len(), 2, "{:?}", h.state().got);
    assert!(matches!(&h.state().got[1], Intent::Choose(_)));
}

#[test]
fn a_held_key_acts_once() {
    let mut h = screens(vec![feedback(), scene("Next."), decision()], 0.05);
    h.run_steps(3);
    let key = |pressed, repeat| egui::Event::Key {
        key: egui::Key::Enter,
        physical_key: None,
        pressed,
        repeat,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(key(true, false));
    for _ in 0..20 {
        h.event(key(true, true));
    }
    h.step();
    h.run_steps(3);
    assert_eq!(
        h.state().got,
        vec![Intent::Continue],
        "one press, one action"
    );
    assert_eq!(h.state().at, 1, "the scene after the feedback is on screen");
    // The key released and pressed again acts again (egui takes a press of a key it still
    // holds down for a repeat, so the release must come first).
    h.event(key(false, false));
    h.step();
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().got, vec![Intent::Continue, Intent::Continue]);
}

#[test]
fn enter_on_a_focused_button_does_that_and_nothing_else() {
    let mut h = screens(vec![scene("A minibus stops."), decision()], 0.05);
    h.run_steps(3);
    let before = h.state().settings.scale;
    // The display settings come first in the Tab order: A− has the focus.
    h.key_press(egui::Key::Tab);
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert!(
        (h.state().settings.scale - (before - 0.1)).abs() < 1e-4,
        "A− made the text smaller: {} -> {}",
        before,
        h.state().settings.scale
    );
    assert!(
        h.state().got.is_empty(),
        "Enter also went on: {:?}",
        h.state().got
    );
    // Escape gives up the focus (and only that); with nothing focused, Enter goes on.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(
        h.state().got.is_empty(),
        "Escape also acted: {:?}",
        h.state().got
    );
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().got, vec![Intent::Continue]);
}

#[test]
fn done_flagging_with_nothing_flagged_asks_first() {
    let view = many_cues(3, &[]);
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.get_by_label("Done flagging (Enter)").click();
    h.run();
    assert_eq!(h.state(), &None, "nothing flagged: it asks before going on");
    h.get_by_label(playing::NOTHING_FLAGGED);
    h.get_by_label("Look again (Esc)").click();
    h.run();
    assert!(h.query_by_label(playing::NOTHING_FLAGGED).is_none());
    assert_eq!(h.state(), &None, "looking again stays on the step");
    // By keyboard: Enter asks, Enter again goes on.
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label(playing::NOTHING_FLAGGED);
    assert_eq!(h.state(), &None);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Continue));

    // With a flag, Done flagging goes straight on.
    let flagged = many_cues(3, &[2]);
    let mut h = harness(|ui| playing::widget(ui, &flagged));
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Continue));
}

#[test]
fn items_beyond_nine_are_reached_by_two_digits_shown_on_screen() {
    let view = many_cues(12, &[]);
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.get_by_label("01. Detail 1");
    h.get_by_label("12. Detail 12");
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state(), &None, "1 could begin 10, 11 or 12");
    h.get_by_label_contains("Typed 1_");
    h.key_press(egui::Key::Num2);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("c12".into())));
    h.key_press(egui::Key::Num0);
    h.key_press(egui::Key::Num3);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("c3".into())));
    // Escape clears a half-typed number and does not leave.
    *h.state_mut() = None;
    h.key_press(egui::Key::Num1);
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state(), &None);
    assert!(h.query_by_label_contains("Typed 1_").is_none());

    // Options too, in a decision of eleven.
    let view = many_options(11);
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    h.key_press(egui::Key::Num1);
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Choose("o11".into())));
}

#[test]
fn the_focused_item_is_scrolled_into_view() {
    let view = many_options(20);
    let mut h = harness_sized(600.0, 320.0, |ui| playing::widget(ui, &view));
    h.run();
    assert!(h.get_by_label("18. Option 18").rect().min.y > 320.0);
    // "Save and leave", then options 1 to 18.
    for _ in 0..19 {
        h.key_press(egui::Key::Tab);
        h.run();
    }
    let rect = h.get_by_label("18. Option 18").rect();
    assert!(
        rect.min.y >= 0.0 && rect.max.y <= 320.0,
        "the focused option is off screen at {rect:?}"
    );
    h.key_press(egui::Key::Space);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Choose("o18".into())));
}

#[test]
fn the_debrief_scrolls_by_keyboard() {
    let view = front_counter_debrief(&[
        Input::Continue,
        Input::Continue,
        Input::Choose("private_room".into()),
        Input::Continue,
        Input::Choose("refer".into()),
        Input::Continue,
    ]);
    let mut h = harness_sized(800.0, 400.0, |ui| debrief::widget(ui, &view));
    h.run();
    let top = h.get_by_label("Points per rule").rect().min.y;
    assert!(top > 400.0, "the last section starts on screen ({top})");
    h.key_press(egui::Key::PageDown);
    h.run();
    let after_page = h.get_by_label("Points per rule").rect().min.y;
    assert!(after_page < top - 100.0, "Page Down: {top} -> {after_page}");
    h.key_press(egui::Key::End);
    h.run();
    let bottom = h.get_by_label("Points per rule").rect().min.y;
    assert!(
        bottom < 400.0,
        "End brings the last section into view ({bottom})"
    );
    h.key_press(egui::Key::Home);
    h.run();
    assert!(h.get_by_label("Points per rule").rect().min.y > 400.0);
    assert_eq!(h.state(), &None, "scrolling did not leave the debrief");
}

// ---- Author preview: a seed's option order and the path filter (issue 15) ----

/// The order a trainee with `seed` sees decision `step` of `loaded` in, played with the runner.
fn runner_order(
    loaded: &std::sync::Arc<silent_slavery_scenario::load::loaded::LoadedScenario>,
    catalog: &std::sync::Arc<silent_slavery_scenario::model::catalog::Catalog>,
    seed: u64,
    step: &str,
) -> Vec<String> {
    use silent_slavery_scenario::play::runner::{Runner, View};
    let (mut runner, _) = Runner::start(loaded.clone(), catalog.clone(), seed).expect("starts");
    for _ in 0..20 {
        if let View::Decision {
            step: d, options, ..
        } = runner.view()
            && d.id == step
        {
            return options.iter().map(|o| o.option.id.clone()).collect();
        }
        runner.apply(&Input::Continue).expect("goes on");
    }
    panic!("{step} not reached");
}

#[test]
fn the_author_preview_shows_a_seeds_option_order_and_filters_the_paths() {
    use silent_slavery_scenario::model::scenario::Step;
    use std::sync::Arc;
    let catalog =
        Arc::new(silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue"));
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let loaded = Arc::new(
        silent_slavery_scenario::library::load_bytes("f.ron", fixture.as_bytes(), &catalog)
            .expect("valid"),
    );
    let first = loaded.scenario.step_index("first").expect("step");
    let Step::Decision(decision) = &loaded.scenario.steps[first] else {
        panic!("first is a decision");
    };
    let line = |id: &str, n: usize| {
        let o = decision
            .options
            .iter()
            .find(|o| o.id == id)
            .expect("option");
        format!("{}. {} [{}] -> {}", n + 1, o.text, o.id, o.next)
    };
    // Two seeds that show the options in different orders.
    let seed_a = 1;
    let order_a = runner_order(&loaded, &catalog, seed_a, "first");
    let seed_b = (2..200)
        .find(|&s| runner_order(&loaded, &catalog, s, "first") != order_a)
        .expect("another order");
    let order_b = runner_order(&loaded, &catalog, seed_b, "first");

    let (paths, summary) = author::paths(&loaded, &catalog);
    let report = silent_slavery_scenario::analysis::paths::report(&loaded, &catalog);
    let critical = report
        .paths
        .iter()
        .filter(|p| {
            p.score
                .rulesets
                .iter()
                .any(|r| !r.critical_breaches.is_empty())
        })
        .count();
    let through_second = report
        .paths
        .iter()
        .filter(|p| p.transcript.visited.iter().any(|s| s == "second"))
        .count();
    assert!(critical > 0 && critical < 12 && through_second > 0 && through_second < 12);

    struct Preview {
        controls: author::PreviewControls,
        got: Option<Intent>,
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 2400.0))
        .build_ui_state(
            |ui, st: &mut Preview| {
                let order = st
                    .controls
                    .seed
                    .and_then(|seed| author::SeededOrder::of(&loaded, &catalog, first, seed));
                let view = author::AuthorView {
                    scenarios: vec![loaded.scenario.title.clone()],
                    scenario: 0,
                    steps: loaded
                        .scenario
                        .steps
                        .iter()
                        .map(|s| s.id().to_owned())
                        .collect(),
                    step: first,
                    step_ids: loaded
                        .scenario
                        .steps
                        .iter()
                        .map(|s| s.id().to_owned())
                        .collect(),
                    preview: author::step_preview(&loaded, first, order.as_ref()),
                    paths: paths.clone(),
                    summary: summary.clone(),
                };
                if let Some(i) = author::widget(ui, &view, &mut st.controls) {
                    st.got = Some(i);
                }
            },
            Preview {
                controls: author::PreviewControls::default(),
                got: None,
            },
        );
    h.run();
    // File order until a seed is chosen.
    h.get_by_label_contains("Options in file order; trainees see them shuffled");
    for (n, o) in decision.options.iter().enumerate() {
        h.get_by_label(&line(&o.id, n));
    }
    h.get_by_label("Options in the order of seed").click();
    h.run();
    assert_eq!(h.state().controls.seed, Some(1));
    h.get_by_label_contains(&format!("Options as seed {seed_a} shows them"));
    for (n, id) in order_a.iter().enumerate() {
        h.get_by_label(&line(id, n));
    }
    h.state_mut().controls.seed = Some(seed_b);
    h.run();
    for (n, id) in order_b.iter().enumerate() {
        h.get_by_label(&line(id, n));
    }

    // Every option's points are on screen, "no points" included.
    assert_eq!(
        h.query_all_by_label_contains("   effects: ").count(),
        decision.options.len()
    );

    // The path filter.
    h.get_by_label("12 of 12 paths match.");
    h.get_by_label("Passing").click();
    h.run();
    h.get_by_label("2 of 12 paths match.");
    assert_eq!(h.query_all_by_label("PASS").count(), 2);
    assert_eq!(h.query_all_by_label("fail").count(), 0);
    h.get_by_label("Failing").click();
    h.run();
    h.get_by_label("10 of 12 paths match.");
    assert_eq!(h.query_all_by_label("PASS").count(), 0);
    h.get_by_label("With a critical breach").click();
    h.run();
    h.get_by_label(&format!("{critical} of 12 paths match."));
    assert_eq!(h.query_all_by_label("fail").count(), critical);
    h.get_by_label("All paths").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "going through")
        .click();
    h.run();
    h.get_by_label("second").click();
    h.run();
    assert_eq!(h.state().controls.filter.through.as_deref(), Some("second"));
    h.get_by_label(&format!("{through_second} of 12 paths match."));
    assert_eq!(
        h.state().got,
        None,
        "filtering and seeds stay on the preview"
    );
}

#[test]
fn what_each_screen_keeps_is_forgotten_when_the_next_comes() {
    // Forty steps, each its own screen, gone through by Enter as a trainee would.
    let views: Vec<PlayView> = (0..40)
        .map(|n| PlayView {
            steps_done: n,
            ..scene(&format!("Step {n}."))
        })
        .collect();
    let mut h = screens(views, 0.05);
    h.run_steps(3);
    let kept = |h: &Harness<'_, Screens>| h.ctx.memory(|m| m.data.len());
    let mut after_three = 0;
    for n in 0..39 {
        h.key_press(egui::Key::Enter);
        h.run_steps(3);
        if n == 2 {
            after_three = kept(&h);
        }
    }
    assert_eq!(h.state().at, 39, "every Enter went on one step");
    assert!(
        kept(&h) <= after_three,
        "egui kept {} entries after 39 screens, {after_three} after 3",
        kept(&h)
    );
}

// ---- A designed look: measure, and layouts that fit (issue 15) ----

/// A long scenario title, as trainers write them.
const LONG_TITLE: &str = "Five women in a van at a motorway service station before dawn";

/// The playing screen through the shared frame at `pixels` with text at `scale`, as the
/// window draws it (the type scale and zoom in force).
fn playing_at<'a>(view: PlayView, pixels: egui::Vec2, scale: f32) -> Harness<'a, Option<Intent>> {
    let mut settings = silent_slavery::ui::DisplaySettings {
        scale,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(pixels / scale)
        .with_pixels_per_point(scale)
        .build_ui_state(
            move |ui, got: &mut Option<Intent>| {
                silent_slavery::ui::frame::apply_type_scale(ui.ctx());
                if let Some(i) = silent_slavery::ui::frame::frame(
                    ui.ctx(),
                    &mut settings,
                    view.on_screen(),
                    |ui| playing::widget(ui, &view),
                ) {
                    *got = Some(i);
                }
            },
            None,
        );
    h.run();
    h
}

#[test]
fn the_playing_screen_fits_at_1024_by_600_with_text_at_200_percent_and_1366_by_768() {
    for (pixels, scale) in [
        (egui::vec2(1366.0, 768.0), 1.25),
        (egui::vec2(1024.0, 600.0), 2.0),
        (egui::vec2(1024.0, 600.0), 1.25),
    ] {
        let view = PlayView {
            title: LONG_TITLE.into(),
            ..decision()
        };
        let h = playing_at(view, pixels, scale);
        let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, pixels / scale);
        let title = h.get_by_label(LONG_TITLE).rect();
        let leave = h.get_by_label("Save and leave").rect();
        let bigger = h.get_by_label("A+").rect();
        let contrast = h.get_by_label("High contrast").rect();
        let at = format!("{pixels:?} at {scale}");
        assert!(
            !title.intersects(leave),
            "{at}: title {title:?} over Save and leave {leave:?}"
        );
        for (what, rect) in [
            ("title", title),
            ("Save and leave", leave),
            ("A+", bigger),
            ("High contrast", contrast),
        ] {
            assert!(
                screen.contains_rect(rect),
                "{at}: {what} at {rect:?} is off the screen {screen:?}"
            );
        }
        let option = h.get_by_label("1. Separate the driver").rect();
        assert!(
            screen.contains_rect(option),
            "{at}: the first option at {option:?}"
        );
    }
}

#[test]
fn body_text_keeps_a_readable_measure_on_a_wide_screen() {
    let text = "The driver answers every question for the five women in the back of the van. None of them holds her own passport, and none can say the address of the house where they sleep. One has a bandaged hand she keeps out of sight; another looks at the driver before each answer. They say they work in a food factory, paid in cash, and owe the man who brought them here for the journey and the rent.";
    let view = PlayView {
        step: StepView::Scene {
            speaker: "Narrator".into(),
            text: text.into(),
            image: None,
        },
        ..decision()
    };
    let h = playing_at(view, egui::vec2(1920.0, 1080.0), 1.25);
    let paragraph = h.get_by_label(text).rect();
    let screen_width = 1920.0 / 1.25;
    assert!(
        paragraph.width() < screen_width * 0.6,
        "the text runs {} of {screen_width} points wide",
        paragraph.width()
    );
    // Characters per line at that width, laid out as the label lays them out.
    let per_line = h.ctx.fonts_mut(|f| {
        let font = egui::FontId::proportional(silent_slavery::ui::theme::BODY);
        let galley = f.layout(
            text.to_owned(),
            font,
            egui::Color32::BLACK,
            paragraph.width(),
        );
        let rows: Vec<usize> = galley
            .rows
            .iter()
            .map(|r| r.char_count_excluding_newline().0)
            .collect();
        rows[..rows.len() - 1].to_vec()
    });
    assert!(per_line.len() >= 3, "{per_line:?}");
    for n in &per_line {
        assert!(
            (65..=90).contains(n),
            "{n} characters in a line: {per_line:?}"
        );
    }
}

#[test]
fn the_debrief_title_and_its_button_fit_at_1024_by_600_with_text_at_200_percent() {
    let view = front_counter_debrief(&[
        Input::Continue,
        Input::Continue,
        Input::Choose("private_room".into()),
        Input::Continue,
        Input::Choose("refer".into()),
        Input::Continue,
    ]);
    let title = format!("Debrief: {}", view.title);
    let (pixels, scale) = (egui::vec2(1024.0, 600.0), 2.0);
    let mut settings = silent_slavery::ui::DisplaySettings {
        scale,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(pixels / scale)
        .with_pixels_per_point(scale)
        .build_ui(move |ui| {
            silent_slavery::ui::frame::apply_type_scale(ui.ctx());
            silent_slavery::ui::frame::frame(ui.ctx(), &mut settings, egui::Id::new("d"), |ui| {
                debrief::widget(ui, &view)
            });
        });
    h.run();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, pixels / scale);
    let heading = h.get_by_label(&title).rect();
    let back = h.get_by_label("Back to scenarios (Enter)").rect();
    assert!(!heading.intersects(back), "{heading:?} over {back:?}");
    assert!(screen.contains_rect(heading) && screen.contains_rect(back));
    assert!(screen.contains_rect(h.get_by_label("A+").rect()));
}

// ---- Flagging in the text: "mark the words" (issue 15) ----

#[test]
fn an_identify_step_shows_the_scene_read_with_its_details_to_mark_in_place() {
    use silent_slavery_scenario::play::runner::{Runner, View};
    use std::sync::Arc;
    let catalog =
        Arc::new(silent_slavery_scenario::model::catalog::Catalog::embedded().expect("catalogue"));
    let fixture = include_str!("../crates/scenario/tests/fixtures/front_counter.ron");
    let loaded = Arc::new(
        silent_slavery_scenario::library::load_bytes("f.ron", fixture.as_bytes(), &catalog)
            .expect("valid"),
    );
    let (mut runner, _) = Runner::start(loaded, catalog, 7).expect("starts");
    runner.apply(&Input::Continue).expect("past the scene");
    let View::Identify { cues, .. } = runner.view() else {
        panic!("at the identify step");
    };
    let cues: Vec<playing::CueItem> = cues
        .iter()
        .map(|c| playing::CueItem {
            id: c.cue.id.clone(),
            text: c.cue.text.clone(),
            flagged: c.flagged,
        })
        .collect();
    let at = |id: &str| cues.iter().position(|c| c.id == id).expect("offered");
    let (variant_text, variant_cue) = match runner.transcript().variants[0].1.as_str() {
        "injured" => ("His hand is bandaged with tape.", "hand"),
        _ => ("He looks exhausted.", "tired_look"),
    };
    let passages = playing::passages(&runner, &cues);
    assert_eq!(passages.len(), 1, "{passages:#?}");
    assert_eq!(passages[0].speaker, "Narrator");
    use playing::Span;
    assert_eq!(
        passages[0].spans,
        vec![
            Span::Text("A man comes to the counter. ".into()),
            Span::Cue(at("no_papers")),
            Span::Text(" He keeps looking at the door.".into()),
            Span::Break,
            Span::Text(variant_text.into()),
            Span::Break,
            Span::Cue(at("accent")),
            Span::Break,
            Span::Cue(at(variant_cue)),
        ]
    );
}

#[test]
fn a_detail_is_flagged_by_clicking_it_in_the_text_and_the_list_stays_as_a_summary() {
    use playing::{Passage, Span};
    let mut view = many_cues(12, &[3]);
    if let StepView::Identify { passages, .. } = &mut view.step {
        *passages = vec![Passage {
            speaker: "Narrator".into(),
            spans: vec![
                Span::Text("A man comes to the counter. ".into()),
                Span::Cue(1),
                Span::Text(" He keeps looking at the door.".into()),
                Span::Break,
                Span::Cue(2),
            ],
        }];
    }
    let mut h = harness(|ui| playing::widget(ui, &view));
    h.run();
    // A paragraph break is a blank line, as in the scene, not just the next line.
    let first_line = h.get_by_label("A man comes to the counter. ").rect();
    let next_paragraph = h.get_by_label("Detail 3").rect();
    assert!(
        next_paragraph.top() - first_line.bottom() >= first_line.height() * 0.8,
        "{first_line:?} then {next_paragraph:?}"
    );
    h.get_by_label("Detail 2").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("c2".into())));
    // Detail 3 is flagged already: clicking it in the text unflags it.
    h.get_by_label("Detail 3").click();
    h.run();
    assert_eq!(h.state(), &Some(Intent::Unflag("c3".into())));
    // The list is the summary, with the same two-digit keys.
    h.get_by_label("Your flags");
    h.get_by_label("02. Detail 2");
    *h.state_mut() = None;
    h.key_press(egui::Key::Num1);
    h.key_press(egui::Key::Num1);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("c11".into())));
    // By keyboard in the text: Tab past "Save and leave" to the first marked passage, Space.
    *h.state_mut() = None;
    h.key_press(egui::Key::Tab);
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.key_press(egui::Key::Space);
    h.run();
    assert_eq!(h.state(), &Some(Intent::Flag("c2".into())));
}

// ---- Scene images (issue 15) ----

#[test]
fn a_scene_picture_shows_with_its_alt_text_and_the_alt_text_alone_until_it_loads() {
    let alt = "A restaurant kitchen with mattresses stacked behind the freezers";
    let with = |texture| PlayView {
        step: StepView::Scene {
            speaker: "Narrator".into(),
            text: "You go through to the kitchen.".into(),
            image: Some(playing::SceneImageView {
                asset: "scenarios/images/kitchen.jpg".into(),
                alt: alt.into(),
                texture,
            }),
        },
        ..decision()
    };
    let loading = with(None);
    let mut h = harness(|ui| playing::widget(ui, &loading));
    h.run();
    h.get_by_label(&format!("Picture: {alt}"));
    h.get_by_label("You go through to the kitchen.");

    // Loaded: the picture itself, named by its alt text (the font atlas stands in for it).
    let shown = with(Some((egui::TextureId::Managed(0), [640, 480])));
    let mut h = harness(|ui| playing::widget(ui, &shown));
    h.run();
    let picture = h.get_by_label(alt);
    assert!(picture.rect().width() > 100.0, "{:?}", picture.rect());
    assert!(h.query_by_label(&format!("Picture: {alt}")).is_none());

    // No picture in the scenario: nothing in its place.
    let plain = PlayView {
        step: StepView::Scene {
            speaker: "Narrator".into(),
            text: "You go through to the kitchen.".into(),
            image: None,
        },
        ..decision()
    };
    let mut h = harness(|ui| playing::widget(ui, &plain));
    h.run();
    assert!(h.query_by_label_contains("Picture:").is_none());
    assert_eq!(
        playing::image_asset("scenarios/kitchen_visit.ron", "images/kitchen.jpg"),
        "scenarios/images/kitchen.jpg"
    );
    assert_eq!(
        playing::image_asset("kitchen_visit.ron", "kitchen.jpg"),
        "kitchen.jpg"
    );
}
