//! Courses: the scenarios a trainee must complete, and cmi5's moveOn rule for when they count as done.

use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::attempt::{AttemptRecord, AttemptStatus};
use silent_slavery_scenario::load::diagnostic::{Diagnostic, Problem};
use silent_slavery_scenario::load::locate::Position;
use silent_slavery_scenario::play::score::Scaled;

/// When a required scenario counts as done: the values of cmi5's AU `moveOn` attribute
/// (cmi5 course structure), applied to the trainee's counted attempt at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveOn {
    /// A passing attempt.
    Passed,
    /// A finished attempt, pass or fail.
    Completed,
    /// A finished attempt that passed.
    CompletedAndPassed,
    /// A finished attempt, or a passing one.
    CompletedOrPassed,
    /// Nothing is required: counts as done at once.
    NotApplicable,
}

/// Which of a trainee's attempts at a scenario counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AttemptsCounted {
    /// The best finished attempt: passed before failed, then the highest scaled score.
    #[default]
    Best,
    /// The most recent finished attempt.
    Latest,
}

/// A course, as authored in `scenarios/courses/<id>.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Stable id.
    pub id: String,
    /// Full title.
    pub title: String,
    /// Short name as the learning system knows it (Totara's `courseshortname`).
    pub short_name: String,
    /// The learning system's course id number (Totara's `courseidnumber`, Moodle's grade
    /// item), if any.
    #[serde(default)]
    pub id_number: Option<String>,
    /// Ids of the required scenarios.
    pub scenarios: Vec<String>,
    /// Share of the best achievable score needed for a scenario attempt to count as passed
    /// in this course, 0–1 (cmi5's masteryScore); the scenario's own pass rules apply too.
    #[serde(default = "default_mastery")]
    pub mastery_score: f64,
    /// When a required scenario counts as done.
    pub move_on: MoveOn,
    /// Which attempt counts.
    #[serde(default)]
    pub attempts_counted: AttemptsCounted,
}

fn default_mastery() -> f64 {
    silent_slavery_scenario::model::scenario::DEFAULT_MASTERY_SCORE
}

/// Loads every `*.ron` course under `dir`, sorted by file name.
///
/// # Errors
/// One diagnostic per unreadable or malformed file, per `short_name` or `id_number` a learning
/// system would not match (empty, spaces around it, control characters:
/// [`Problem::LearningSystemName`]) and per id or name another course already uses
/// ([`Problem::DuplicateCourseName`]); such a course is left out, the good courses still load.
pub fn load_courses(dir: &Path) -> (Vec<Course>, Vec<Diagnostic>) {
    let mut courses = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        problems.push(Diagnostic::new(
            &dir.display().to_string(),
            "",
            Position::START,
            Problem::Unreadable {
                message: "no such folder of course definitions".into(),
            },
        ));
        return (courses, problems);
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    // The file each loaded course came from, to name it when another repeats its names.
    let mut course_files: Vec<String> = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Diagnostic::new(
                    &name,
                    "",
                    Position::START,
                    Problem::Unreadable {
                        message: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match silent_slavery_scenario::model::ron::ron_options().from_str::<Course>(body) {
            Ok(course) if !(0.0..=1.0).contains(&course.mastery_score) => {
                problems.push(Diagnostic::new(
                    &name,
                    body,
                    silent_slavery_scenario::load::locate::Locator::scan(body)
                        .find(&silent_slavery_scenario::path!["mastery_score"]),
                    Problem::ShareOutOfRange {
                        field: "mastery_score",
                        value: course.mastery_score,
                    },
                ))
            }
            Ok(course) => {
                let found = name_problems(&course, &courses, &course_files);
                if found.is_empty() {
                    courses.push(course);
                    course_files.push(name.clone());
                } else {
                    let locator = silent_slavery_scenario::load::locate::Locator::scan(body);
                    problems.extend(found.into_iter().map(|(field, problem)| {
                        Diagnostic::new(
                            &name,
                            body,
                            locator.find(&silent_slavery_scenario::path![field]),
                            problem,
                        )
                    }));
                }
            }
            Err(e) => problems.push(Diagnostic::new(
                &name,
                body,
                Position {
                    line: e.span.start.line.max(1),
                    column: e.span.start.col.max(1),
                },
                Problem::Syntax {
                    message: e.code.to_string(),
                },
            )),
        }
    }
    (courses, problems)
}

/// What is wrong with a name a learning system matches exactly, if anything.
fn learning_system_name_fault(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("is empty")
    } else if value.starts_with(char::is_whitespace) {
        Some("starts with a space")
    } else if value.ends_with(char::is_whitespace) {
        Some("ends with a space")
    } else if value.chars().any(char::is_control) {
        Some("holds a line break or other control character")
    } else {
        None
    }
}

/// Problems with the names by which `course` is exported, against the courses already
/// loaded (from `files`, in the same order): each with the field it is at.
fn name_problems(
    course: &Course,
    loaded: &[Course],
    files: &[String],
) -> Vec<(&'static str, Problem)> {
    let mut found = Vec::new();
    let names = [
        ("id", Some(&course.id)),
        ("short_name", Some(&course.short_name)),
        ("id_number", course.id_number.as_ref()),
    ];
    for (field, value) in names {
        let Some(value) = value else { continue };
        if field != "id"
            && let Some(fault) = learning_system_name_fault(value)
        {
            found.push((
                field,
                Problem::LearningSystemName {
                    field,
                    value: value.clone(),
                    fault,
                },
            ));
            continue;
        }
        let clash = loaded.iter().zip(files).find(|(other, _)| match field {
            "id" => &other.id == value,
            "short_name" => &other.short_name == value,
            _ => other.id_number.as_ref() == Some(value),
        });
        if let Some((_, other)) = clash {
            found.push((
                field,
                Problem::DuplicateCourseName {
                    field,
                    value: value.clone(),
                    other: other.clone(),
                },
            ));
        }
    }
    found
}

/// A trainee's standing in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    /// No attempt at any required scenario.
    NotStarted,
    /// Some attempt, but not every required scenario is done.
    InProgress,
    /// Every required scenario is done under the course's moveOn rule.
    Completed,
}

/// How one required scenario stands for a trainee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioStanding {
    /// The scenario.
    pub scenario: String,
    /// The counted attempt, if any finished.
    pub counted: Option<AttemptRecord>,
    /// Attempts started (finished or not).
    pub attempts: usize,
    /// Whether it counts as done.
    pub done: bool,
    /// When it was done: the counted attempt's finish time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
}

/// A trainee's standing in a course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseStanding {
    /// Overall status.
    pub status: CourseStatus,
    /// When the course was completed: the latest `done_at` of its scenarios.
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// Per required scenario, in course order.
    pub scenarios: Vec<ScenarioStanding>,
    /// Mean scaled score (deciding ruleset) over the required scenarios, a scenario with no
    /// finished attempt counting 0, rounded as [`Scaled::mean`] says; `None` before any
    /// attempt.
    pub grade: Option<Scaled>,
}

/// The deciding ruleset's scaled score of a finished attempt ([`RulesetScore::scaled_score`]).
///
/// [`RulesetScore::scaled_score`]: silent_slavery_scenario::play::score::RulesetScore::scaled_score
pub fn scaled_score(attempt: &AttemptRecord) -> Option<Scaled> {
    let score = attempt.score.as_ref()?;
    score.ruleset(&score.pass_ruleset).map(|r| r.scaled_score())
}

impl Course {
    /// Whether a finished attempt passes in this course: it passed under its scenario's own
    /// rules and its scaled score reaches the course's mastery score.
    pub fn attempt_passes(&self, attempt: &AttemptRecord) -> bool {
        attempt.passed == Some(true)
            && scaled_score(attempt).is_some_and(|s| s.reaches(self.mastery_score))
    }

    /// A trainee's standing, from all their attempts (any scenario; others are ignored).
    pub fn standing(&self, attempts: &[AttemptRecord]) -> CourseStanding {
        let scenarios: Vec<ScenarioStanding> = self
            .scenarios
            .iter()
            .map(|scenario| {
                let mine: Vec<&AttemptRecord> = attempts
                    .iter()
                    .filter(|a| &a.scenario_id == scenario)
                    .collect();
                let finished = mine
                    .iter()
                    .copied()
                    .filter(|a| a.status == AttemptStatus::Finished);
                let counted = match self.attempts_counted {
                    AttemptsCounted::Latest => finished.max_by_key(|a| a.finished_at),
                    AttemptsCounted::Best => finished.max_by(|a, b| {
                        (self.attempt_passes(a), scaled_score(a))
                            .cmp(&(self.attempt_passes(b), scaled_score(b)))
                            // Among equals, the earlier one counts: it was achieved first.
                            .then(b.finished_at.cmp(&a.finished_at))
                    }),
                };
                let passed = counted.is_some_and(|a| self.attempt_passes(a));
                let completed = counted.is_some();
                let done = match self.move_on {
                    MoveOn::Passed | MoveOn::CompletedAndPassed => passed,
                    MoveOn::Completed | MoveOn::CompletedOrPassed => completed || passed,
                    MoveOn::NotApplicable => true,
                };
                ScenarioStanding {
                    scenario: scenario.clone(),
                    done_at: if done {
                        counted.and_then(|a| a.finished_at)
                    } else {
                        None
                    },
                    counted: counted.cloned(),
                    attempts: mine.len(),
                    done,
                }
            })
            .collect();
        let any_attempt = scenarios.iter().any(|s| s.attempts > 0);
        let all_done = scenarios.iter().all(|s| s.done);
        let status = if all_done && (any_attempt || self.move_on == MoveOn::NotApplicable) {
            CourseStatus::Completed
        } else if any_attempt {
            CourseStatus::InProgress
        } else {
            CourseStatus::NotStarted
        };
        // A required scenario with no finished attempt counts as 0, so the grade reads the
        // same in every learning system: the share of the whole course achieved.
        let grades: Vec<Scaled> = scenarios
            .iter()
            .map(|s| {
                s.counted
                    .as_ref()
                    .and_then(scaled_score)
                    .unwrap_or(Scaled::ZERO)
            })
            .collect();
        CourseStanding {
            status,
            completed_at: if status == CourseStatus::Completed {
                scenarios.iter().filter_map(|s| s.done_at).max()
            } else {
                None
            },
            grade: if any_attempt {
                Scaled::mean(&grades)
            } else {
                None
            },
            scenarios,
        }
    }
}
