//! `silent-slavery stats`: item analysis from the recorded attempts, per scenario version, decision, option and cue, with the decisions to look at flagged (docs/statistics.md).

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use silent_slavery_results::stats::{self, Figure, StatsReport, VersionStats};
use silent_slavery_scenario::model::catalog::Catalog;

use super::args::{
    ActivityArgs, LrsSourceArgs, SelectionArgs, StoreArgs, TableFormat, TableFormatArg,
    load_courses, open_source,
};
use super::print::{emit, emit_json};

/// The table `--format csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// One row per scenario version: attempts, pass rate, score, time.
    Versions,
    /// One row per ending of each version.
    Endings,
    /// One row per decision: reached, facility, discrimination, efficiency, time, flags.
    Decisions,
    /// One row per option: points and share of the choices.
    Options,
    /// One row per cue: offered, flagged, rate.
    Cues,
    /// One row per catalogue indicator over every version, most missed first.
    Indicators,
}

/// Item analysis from the recorded attempts (docs/statistics.md).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this scenario (id).
    #[arg(long)]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub format: TableFormatArg,
    /// The table `--format csv` writes (text and JSON have them all).
    #[arg(long, value_enum, default_value_t = Table::Decisions)]
    pub table: Table,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub lrs: LrsSourceArgs,
    #[command(flatten)]
    pub activities: ActivityArgs,
}

/// A progress bar on standard error that shows itself only once the analysis has taken
/// more than a second (and never when standard error is not a terminal).
struct DelayedBar {
    bar: ProgressBar,
    started: Instant,
    shown: bool,
}

impl DelayedBar {
    fn new() -> DelayedBar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{msg} {wide_bar} {percent:>3}% ({elapsed})")
        {
            bar.set_style(style);
        }
        bar.set_message("analysing attempts");
        DelayedBar {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    fn update(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if !self.shown && self.started.elapsed() > Duration::from_secs(1) {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

/// Prints the item analysis.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let course = args.selection.course.as_deref();
    let courses = match course {
        Some(_) => load_courses(&args.store.courses, course)?,
        None => Vec::new(),
    };
    let source = open_source(
        &args.store,
        &args.lrs,
        args.activities.home_page.clone(),
        args.activities.activity_base.clone(),
    )?;
    let store = &source.store;
    let selection = stats::Selection {
        since: args.selection.since()?,
        course: courses.first(),
        scenario: args.scenario.as_deref(),
        unit: args.selection.unit.as_deref(),
    };
    source.warn_unknown_unit(selection.unit)?;
    let mut bar = DelayedBar::new();
    let report = stats::analyse(store, catalog, &selection, |done, total| {
        bar.update(done, total)
    })?;
    bar.bar.finish_and_clear();
    match args.format.format {
        TableFormat::Json => emit_json(&report)?,
        TableFormat::Text => emit(&text(&report)?)?,
        TableFormat::Csv => emit(&csv(&report, args.table)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A figure with its sign, e.g. "+10".
fn signed(points: i64) -> String {
    if points > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// The whole report as text: the indicators most missed, then each version's summary,
/// decisions with their options and flags, and cues.
fn text(report: &StatsReport) -> Result<String> {
    let t = &report.thresholds;
    let mut out = String::new();
    writeln!(
        out,
        "Item analysis: {} finished attempt(s) in {} scenario version(s) (docs/statistics.md)",
        report.finished,
        report.versions.len()
    )?;
    writeln!(
        out,
        "Shares, means and medians need {} attempts, correlations {}; \"too few (n/need)\" says when there were fewer.",
        t.min_attempts, t.min_attempts_for_correlation
    )?;
    if report.versions.is_empty() {
        writeln!(out, "\nNo attempts match.")?;
        return Ok(out);
    }
    if !report.indicators.is_empty() {
        writeln!(
            out,
            "\nTrue indicators trainees miss most, over every version analysed"
        )?;
        writeln!(
            out,
            "  {:>15} {:>8} {:>8}  Indicator",
            "Detected", "Offered", "Flagged"
        )?;
        for i in &report.indicators {
            writeln!(
                out,
                "  {:>15} {:>8} {:>8}  {} ({}) in {}",
                i.detection.percent(),
                i.offered,
                i.flagged,
                i.indicator,
                i.name,
                i.scenarios.join(", ")
            )?;
        }
    }
    for v in &report.versions {
        version_text(&mut out, v)?;
    }
    Ok(out)
}

fn version_text(out: &mut String, v: &VersionStats) -> Result<()> {
    writeln!(
        out,
        "\n{} v{} ({}): {}",
        v.scenario_id,
        v.version,
        short_hash(&v.content_hash),
        v.title
    )?;
    writeln!(
        out,
        "  Finished {}, unfinished {}; passed {}; scaled score mean {}, SD {}; median time {}",
        v.finished,
        v.unfinished,
        v.pass_rate.percent(),
        v.mean_score.percent(),
        v.score_sd.percent(),
        v.median_seconds.seconds()
    )?;
    let endings: Vec<String> = v
        .endings
        .iter()
        .map(|e| {
            format!(
                "{} \"{}\" {} ({})",
                e.id,
                e.title,
                e.share.percent(),
                e.count
            )
        })
        .collect();
    writeln!(out, "  Endings: {}", endings.join("; "))?;
    if v.unmatched > 0 {
        writeln!(
            out,
            "  {} recorded choice(s) or cue(s) are not in the stored scenario and were left out",
            v.unmatched
        )?;
    }
    writeln!(
        out,
        "  Points are under {}, the ruleset that decides pass or fail.",
        v.pass_ruleset
    )?;
    writeln!(
        out,
        "  {:<26} {:>7} {:>15} {:>15} {:>15} {:>15}",
        "Decision", "Reached", "Facility", "Discrimination", "Efficiency", "Median time"
    )?;
    for d in &v.decisions {
        writeln!(
            out,
            "  {:<26} {:>7} {:>15} {:>15} {:>15} {:>15}",
            d.step,
            d.reached,
            d.facility.percent(),
            d.discrimination.decimal(),
            d.efficiency.percent(),
            d.median_seconds.seconds()
        )?;
        for o in &d.options {
            writeln!(
                out,
                "      {:<28} {:>5} {:>15} {:>6} chosen{}",
                o.id,
                signed(o.points),
                o.share.percent(),
                o.chosen,
                if o.best { "  (best)" } else { "" }
            )?;
        }
        for f in &d.flags {
            writeln!(out, "    FLAG {}", f.reason())?;
        }
    }
    writeln!(
        out,
        "  {:<26} {:<36} {:<11} {:>7} {:>7} {:>15}",
        "Cue", "Tagged", "Kind", "Offered", "Flagged", "Rate"
    )?;
    for c in &v.cues {
        writeln!(
            out,
            "  {:<26} {:<36} {:<11} {:>7} {:>7} {:>15}",
            c.cue,
            c.indicator,
            if c.red_herring {
                "red herring"
            } else {
                "indicator"
            },
            c.offered,
            c.flagged,
            c.rate.percent()
        )?;
    }
    Ok(())
}

/// A figure in a CSV cell: the number (shares and correlations as fractions with four
/// decimals, seconds with one), or the words saying why there is none.
fn cell(figure: &Figure, decimals: usize) -> String {
    match figure {
        Figure::Value(v) => format!("{v:.decimals$}"),
        other => other.percent(),
    }
}

/// One table of the report as CSV, every row carrying its version's scenario id, version
/// and content hash so versions stay apart in a spreadsheet.
fn csv(report: &StatsReport, table: Table) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let version = ["scenario_id", "scenario_version", "content_hash"];
    let with_version = |v: &VersionStats, rest: Vec<String>| {
        let mut row = vec![
            v.scenario_id.clone(),
            v.version.to_string(),
            v.content_hash.clone(),
        ];
        row.extend(rest);
        row
    };
    let header = |rest: &[&str]| -> Vec<String> {
        version
            .iter()
            .chain(rest)
            .map(|s| (*s).to_owned())
            .collect()
    };
    match table {
        Table::Versions => {
            w.write_record(header(&[
                "title",
                "pass_ruleset",
                "finished",
                "unfinished",
                "pass_rate",
                "mean_score",
                "score_sd",
                "median_seconds",
            ]))?;
            for v in &report.versions {
                w.write_record(with_version(
                    v,
                    vec![
                        v.title.clone(),
                        v.pass_ruleset.clone(),
                        v.finished.to_string(),
                        v.unfinished.to_string(),
                        cell(&v.pass_rate, 4),
                        cell(&v.mean_score, 4),
                        cell(&v.score_sd, 4),
                        cell(&v.median_seconds, 1),
                    ],
                ))?;
            }
        }
        Table::Endings => {
            w.write_record(header(&["ending", "title", "count", "share"]))?;
            for v in &report.versions {
                for e in &v.endings {
                    w.write_record(with_version(
                        v,
                        vec![
                            e.id.clone(),
                            e.title.clone(),
                            e.count.to_string(),
                            cell(&e.share, 4),
                        ],
                    ))?;
                }
            }
        }
        Table::Decisions => {
            w.write_record(header(&[
                "decision",
                "reached",
                "choices",
                "best_points",
                "worst_points",
                "facility",
                "discrimination",
                "efficiency",
                "median_seconds",
                "flags",
            ]))?;
            for v in &report.versions {
                for d in &v.decisions {
                    let flags: Vec<String> = d.flags.iter().map(|f| f.reason()).collect();
                    w.write_record(with_version(
                        v,
                        vec![
                            d.step.clone(),
                            d.reached.to_string(),
                            d.choices.to_string(),
                            d.best_points.to_string(),
                            d.worst_points.to_string(),
                            cell(&d.facility, 4),
                            cell(&d.discrimination, 4),
                            cell(&d.efficiency, 4),
                            cell(&d.median_seconds, 1),
                            flags.join("; "),
                        ],
                    ))?;
                }
            }
        }
        Table::Options => {
            w.write_record(header(&[
                "decision", "option", "points", "best", "chosen", "share",
            ]))?;
            for v in &report.versions {
                for d in &v.decisions {
                    for o in &d.options {
                        w.write_record(with_version(
                            v,
                            vec![
                                d.step.clone(),
                                o.id.clone(),
                                o.points.to_string(),
                                o.best.to_string(),
                                o.chosen.to_string(),
                                cell(&o.share, 4),
                            ],
                        ))?;
                    }
                }
            }
        }
        Table::Cues => {
            w.write_record(header(&[
                "cue",
                "indicator",
                "red_herring",
                "offered",
                "flagged",
                "rate",
            ]))?;
            for v in &report.versions {
                for c in &v.cues {
                    w.write_record(with_version(
                        v,
                        vec![
                            c.cue.clone(),
                            c.indicator.clone(),
                            c.red_herring.to_string(),
                            c.offered.to_string(),
                            c.flagged.to_string(),
                            cell(&c.rate, 4),
                        ],
                    ))?;
                }
            }
        }
        Table::Indicators => {
            w.write_record([
                "indicator",
                "name",
                "scenarios",
                "offered",
                "flagged",
                "detection",
            ])?;
            for i in &report.indicators {
                w.write_record([
                    i.indicator.clone(),
                    i.name.clone(),
                    i.scenarios.join(";"),
                    i.offered.to_string(),
                    i.flagged.to_string(),
                    cell(&i.detection, 4),
                ])?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
