//! `silent-slavery report`: who has completed each course, who is in progress and who has not started.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use silent_slavery_results::attempt::Trainee;
use silent_slavery_results::course::CourseStatus;
use silent_slavery_results::export;
use silent_slavery_scenario::play::score::Scaled;

use super::args::{
    ActivityArgs, Format, FormatArg, LrsSourceArgs, StoreArgs, load_courses, open_source,
};
use super::print::{emit, emit_json};

/// What an operator can do about trainees who may be one person recorded twice.
pub const DUPLICATES_HINT: &str = "If they are one person, merge them: silent-slavery trainee merge --from NUMBER --into NUMBER. If they are different people, say so once: silent-slavery trainee distinct NUMBER NUMBER.";

/// Who has completed each course, who is in progress and who has not started.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this course.
    #[arg(long)]
    pub course: Option<String>,
    /// Only trainees of this unit.
    #[arg(long)]
    pub unit: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub lrs: LrsSourceArgs,
    #[command(flatten)]
    pub activities: ActivityArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Prints each course's completion by trainee.
pub fn run(args: &Args) -> Result<ExitCode> {
    let (unit, format) = (args.unit.as_deref(), args.format.format);
    let courses = load_courses(&args.store.courses, args.course.as_deref())?;
    let source = open_source(
        &args.store,
        &args.lrs,
        args.activities.home_page.clone(),
        args.activities.activity_base.clone(),
    )?;
    source.warn_unknown_unit(unit)?;
    let store = &source.store;
    let trainees: Vec<Trainee> = store
        .trainees()?
        .into_iter()
        .filter(|t| unit.is_none_or(|u| u == t.unit))
        .collect();
    let mut json_courses = Vec::new();
    let mut out = String::new();
    for c in &courses {
        let mut rows = Vec::new();
        for t in &trainees {
            let standing = c.standing(&store.attempts_of(&t.staff_number)?);
            rows.push((t, standing));
        }
        if format == Format::Json {
            json_courses.push(serde_json::json!({
                "course": c.id,
                "title": c.title,
                "trainees": rows.iter().map(|(t, s)| serde_json::json!({
                    "staff_number": t.staff_number,
                    "name": t.name,
                    "unit": t.unit,
                    "status": s.status,
                    "completed_at": s.completed_at.map(export::totara_date),
                    "scenarios_done": s.scenarios.iter().filter(|x| x.done).count(),
                    "scenarios_required": s.scenarios.len(),
                    "grade": s.grade,
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        writeln!(
            out,
            "{} ({}): {} required scenario(s), moveOn {:?}",
            c.title,
            c.id,
            c.scenarios.len(),
            c.move_on
        )?;
        for (label, status) in [
            ("Completed", CourseStatus::Completed),
            ("In progress", CourseStatus::InProgress),
            ("Not started", CourseStatus::NotStarted),
        ] {
            let group: Vec<_> = rows.iter().filter(|(_, s)| s.status == status).collect();
            writeln!(out, "  {label}: {}", group.len())?;
            for (t, s) in group {
                let done = s.scenarios.iter().filter(|x| x.done).count();
                let detail = match status {
                    CourseStatus::Completed => format!(
                        "completed {}, grade {}%",
                        s.completed_at.map(export::totara_date).unwrap_or_default(),
                        s.grade.unwrap_or(Scaled::ZERO).percent()
                    ),
                    CourseStatus::InProgress => {
                        let last = s
                            .scenarios
                            .iter()
                            .filter_map(|x| x.counted.as_ref().and_then(|a| a.finished_at))
                            .max()
                            .map(export::totara_date)
                            .map(|d| format!(", last finished {d}"))
                            .unwrap_or_else(|| ", none finished yet".into());
                        format!("{done} of {} done{last}", s.scenarios.len())
                    }
                    CourseStatus::NotStarted => String::new(),
                };
                writeln!(
                    out,
                    "    {:<12} {:<24} {:<20} {detail}",
                    t.staff_number, t.name, t.unit
                )?;
            }
        }
        writeln!(out)?;
    }
    // Only look-alikes among the trainees reported are named.
    let duplicates: Vec<_> = store
        .possible_duplicates()?
        .into_iter()
        .filter(|d| d.trainees.iter().any(|t| unit.is_none_or(|u| u == t.unit)))
        .collect();
    let mut warning = String::new();
    if !duplicates.is_empty() {
        writeln!(
            warning,
            "Possibly one person recorded twice (a learning system would count them as two people):"
        )?;
        for d in &duplicates {
            writeln!(warning, "  {d}")?;
        }
        writeln!(warning, "{DUPLICATES_HINT}")?;
    }
    if format == Format::Json {
        // The JSON stays the list of courses; the warning goes where a person will see it.
        emit_json(&json_courses)?;
        eprint!("{warning}");
    } else {
        out.push_str(&warning);
        emit(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}
