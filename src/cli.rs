//! The `silent-slavery` command line: validate, run, paths and graph, printing the core's results as text or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use silent_slavery_core::catalog::Catalog;
use silent_slavery_core::coverage::{Coverage, Gap, REQUIRED_DISTINCT_INDICATORS};
use silent_slavery_core::diagnostic::Severity;
use silent_slavery_core::explore;
use silent_slavery_core::library::{self, LoadReport, LoadedScenario};
use silent_slavery_core::runner::{EffectKind, Event, Runner};
use silent_slavery_core::scenario::Step;
use silent_slavery_core::score::AttemptScore;
use silent_slavery_core::script;

/// Silent Slavery Trainer: scenario tools for trainers.
#[derive(Debug, Parser)]
#[command(name = "silent-slavery", version, about)]
pub struct Cli {
    /// Catalogue directory (indicators.ron and ruleset files) to use instead of the
    /// catalogue built into the program.
    #[arg(long, global = true, value_name = "DIR")]
    catalog: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files and report every problem as file:line:col.
    Validate {
        /// Files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Play a scripted attempt headlessly and print the transcript and score.
    Run {
        /// Scenario id (or path to a scenario file).
        #[arg(long)]
        scenario: String,
        /// Seed for the attempt's randomness (variants, option order).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Script of inputs, one a line: `flag CUE`, `unflag CUE`, `choose OPTION`, `continue`.
        #[arg(long, value_name = "FILE")]
        choices: PathBuf,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List every path through a scenario with its score per ruleset; exit 1 when a path
    /// passes with a critical breach or without upholding a critical rule at stake.
    Paths {
        /// Scenario id (or path to a scenario file).
        scenario: String,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print which rules and indicators each scenario exercises; exit 1 when the library
    /// leaves a scored rule never upheld or never breached, a then-and-now difference unshown,
    /// or fewer than 60 indicators shown.
    Coverage {
        /// Files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a scenario's step graph as Graphviz DOT.
    Graph {
        /// Scenario id (or path to a scenario file).
        scenario: String,
        /// Where scenarios are looked up by id.
        #[arg(long, default_value = "scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs the command line; errors are printed by `main`.
///
/// # Errors
/// Anything that stops the command: unreadable files, an unknown scenario id, a bad script.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let catalog = match &cli.catalog {
        Some(dir) => Catalog::from_dir(dir),
        None => Catalog::embedded(),
    }
    .context("loading the catalogue")?;
    let Some(command) = cli.command else {
        use clap::CommandFactory;
        Cli::command().print_help()?;
        println!();
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Validate { paths, format } => validate(&catalog, paths, format),
        Command::Run {
            scenario,
            seed,
            choices,
            scenarios,
            format,
        } => run_script(catalog, &scenarios, &scenario, seed, &choices, format),
        Command::Paths {
            scenario,
            scenarios,
            format,
        } => paths(&catalog, &scenarios, &scenario, format),
        Command::Coverage { paths, format } => coverage(&catalog, paths, format),
        Command::Graph {
            scenario,
            scenarios,
            out,
        } => {
            let loaded = find_scenario(&catalog, &scenarios, &scenario)?;
            let dot = silent_slavery_core::graph::to_dot(&loaded.scenario);
            match out {
                Some(path) => std::fs::write(&path, dot)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => emit(&dot)?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads the scenarios under `paths` (default `scenarios/`), refusing paths that do not exist.
fn load_library(catalog: &Catalog, mut paths: Vec<PathBuf>) -> Result<LoadReport> {
    if paths.is_empty() {
        paths.push(PathBuf::from("scenarios"));
    }
    for path in &paths {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }
    Ok(library::load_paths(&paths, catalog))
}

fn validate(catalog: &Catalog, paths: Vec<PathBuf>, format: Format) -> Result<ExitCode> {
    let report = load_library(catalog, paths)?;
    let errors = report.error_count();
    match format {
        Format::Json => {
            let records: Vec<_> = report.diagnostics.iter().map(|d| d.to_record()).collect();
            let out = serde_json::json!({
                "files": report.files,
                "scenarios": report.scenarios.iter().map(|s| serde_json::json!({
                    "id": s.scenario.id,
                    "file": s.file,
                    "version": s.scenario.version,
                    "content_hash": s.content_hash,
                    "bounds": s.bounds,
                })).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": report.diagnostics.len() - errors,
                "diagnostics": records,
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => {
            for d in &report.diagnostics {
                eprintln!("{}\n", d.render());
            }
            let warnings = report.diagnostics.len() - errors;
            eprintln!(
                "{} file(s) checked: {} scenario(s) valid, {errors} error(s), {warnings} warning(s)",
                report.files.len(),
                report.scenarios.len()
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads one scenario by id from `dir`, or from a file path; a broken scenario's
/// diagnostics become the error.
fn find_scenario(catalog: &Catalog, dir: &Path, id: &str) -> Result<LoadedScenario> {
    let as_path = Path::new(id);
    let report: LoadReport = if as_path.extension().is_some_and(|e| e == "ron") {
        library::load_paths(&[as_path.to_path_buf()], catalog)
    } else {
        library::load_paths(&[dir.to_path_buf()], catalog)
    };
    if let Some(found) = report
        .scenarios
        .iter()
        .find(|s| s.scenario.id == id || Path::new(&s.file) == as_path)
    {
        return Ok(found.clone());
    }
    let broken: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| d.render())
        .collect();
    if broken.is_empty() {
        let known: Vec<&str> = report
            .scenarios
            .iter()
            .map(|s| s.scenario.id.as_str())
            .collect();
        bail!(
            "no scenario `{id}` in {}; known: {}",
            dir.display(),
            known.join(", ")
        );
    }
    bail!(
        "no valid scenario `{id}` in {}; these files have errors:\n{}",
        dir.display(),
        broken.join("\n\n")
    )
}

fn run_script(
    catalog: Catalog,
    dir: &Path,
    id: &str,
    seed: u64,
    choices: &Path,
    format: Format,
) -> Result<ExitCode> {
    let loaded = Arc::new(find_scenario(&catalog, dir, id)?);
    let text = std::fs::read_to_string(choices)
        .with_context(|| format!("reading {}", choices.display()))?;
    let script =
        script::parse_script(&text).with_context(|| format!("in {}", choices.display()))?;
    let catalog = Arc::new(catalog);
    let (mut runner, mut events) = Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), seed)?;
    let played = script::play(&mut runner, &script, &mut events);
    let score = runner.score();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "scenario": loaded.scenario.id,
                "version": loaded.scenario.version,
                "content_hash": loaded.content_hash,
                "seed": seed,
                "finished": runner.is_finished(),
                "error": played.as_ref().err().map(ToString::to_string),
                "events": events,
                "score": score,
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => {
            emit(&transcript_text(&loaded, &events))?;
            emit(&score_text(&loaded, &catalog, &score))?;
        }
    }
    if let Err(e) = played {
        bail!("{}: {e}", choices.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn transcript_text(loaded: &LoadedScenario, events: &[Event]) -> String {
    let s = &loaded.scenario;
    let mut out = format!(
        "{} (v{}, {})\n\n",
        s.title,
        s.version,
        &loaded.content_hash[..12]
    );
    for event in events {
        let line = match event {
            Event::StepPresented { step, kind } => format!("[{step}] {kind:?}"),
            Event::VariantChosen { variant, .. } => format!("  variant: {variant}"),
            Event::OptionsOrdered { order, .. } => format!("  options: {}", order.join(", ")),
            Event::CueFlagged { cue } => format!("  flag {cue}"),
            Event::CueUnflagged { cue } => format!("  unflag {cue}"),
            Event::OptionChosen { option, .. } => format!("  choose {option}"),
            Event::RuleEffect {
                rule,
                effect,
                points,
                critical,
                ..
            } => {
                let sign = if *effect == EffectKind::Upheld {
                    '+'
                } else {
                    '-'
                };
                let critical = if *critical { " CRITICAL" } else { "" };
                format!("    {sign}{points} {rule}{critical}")
            }
            Event::FlagSet { flag } => format!("    sets {flag}"),
            Event::FeedbackShown { step, option } => {
                let feedback = match s.step(step) {
                    Some(Step::Decision(d)) => d
                        .options
                        .iter()
                        .find(|o| &o.id == option)
                        .map(|o| o.feedback.trim().to_owned())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                format!("  feedback: {feedback}")
            }
            Event::AttemptFinished { ending, outcome } => {
                format!("  ended at {ending}: {}", outcome.label())
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn score_text(loaded: &LoadedScenario, catalog: &Catalog, score: &AttemptScore) -> String {
    let mut out = String::from("\nScore\n");
    for r in &score.rulesets {
        let decides = if r.ruleset == score.pass_ruleset {
            " (decides pass/fail)"
        } else {
            ""
        };
        let verdict = if r.passed { "pass" } else { "fail" };
        out.push_str(&format!(
            "  {}{decides}: {} of {} points, scaled {:.2}: {verdict}\n",
            r.ruleset, r.raw, r.max, r.scaled
        ));
        for breach in &r.critical_breaches {
            let title = catalog
                .rule(&breach.rule)
                .map_or("", |(_, rule)| &rule.title);
            out.push_str(&format!(
                "    critical breach of {} ({title}) at {}: {}\n",
                breach.rule, breach.step, breach.option
            ));
        }
    }
    let id = &score.identification;
    out.push_str(&format!(
        "  identification: recall {:.2}, precision {:.2}, {} point(s); missed: {}; red herrings flagged: {}\n",
        id.recall,
        id.precision,
        id.points,
        list_or_none(&id.missed_indicators),
        list_or_none(&id.red_herrings_flagged)
    ));
    let result = match (score.outcome, score.passed) {
        (None, _) => "not finished".to_owned(),
        (Some(o), true) => format!("PASSED ({})", o.label()),
        (Some(o), false) => format!("FAILED ({})", o.label()),
    };
    out.push_str(&format!(
        "Result: {result} — mastery {:.2} on {}, scenario {} v{}\n",
        score.mastery_score, score.pass_ruleset, loaded.scenario.id, loaded.scenario.version
    ));
    out
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn coverage(catalog: &Catalog, paths: Vec<PathBuf>, format: Format) -> Result<ExitCode> {
    let report = load_library(catalog, paths)?;
    let coverage = Coverage::of(&report.scenarios, catalog);
    let gaps = coverage.gaps(REQUIRED_DISTINCT_INDICATORS);
    let errors = report.error_count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "coverage": coverage,
                "distinct_indicators": coverage.distinct_indicators(),
                "gaps": gaps.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "scenario_errors": errors,
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => emit(&coverage_text(&coverage, &gaps, errors)?)?,
    }
    Ok(if gaps.is_empty() && errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn coverage_text(coverage: &Coverage, gaps: &[Gap], errors: usize) -> Result<String> {
    let mut out = String::new();
    writeln!(out, "Scenarios:")?;
    for (n, id) in coverage.scenarios.iter().enumerate() {
        writeln!(out, "  {:>2} {id}", n + 1)?;
    }
    let header: String = (1..=coverage.scenarios.len())
        .map(|n| format!("{:>3}", n))
        .collect();
    writeln!(
        out,
        "\nRules x scenarios (+ upheld, - breached, * both, . neither; ~ not a trainee decision)\n{:<46}{header}",
        ""
    )?;
    let mut ruleset = "";
    for rule in &coverage.rules {
        if rule.ruleset != ruleset {
            ruleset = &rule.ruleset;
            writeln!(out, "{ruleset}")?;
        }
        let cells: String = coverage
            .scenarios
            .iter()
            .map(|id| {
                let cell = match (rule.upheld_in.contains(id), rule.breached_in.contains(id)) {
                    (true, true) => '*',
                    (true, false) => '+',
                    (false, true) => '-',
                    (false, false) => '.',
                };
                format!("{cell:>3}")
            })
            .collect();
        let mark = if rule.scored { ' ' } else { '~' };
        writeln!(out, "  {mark}{:<43}{cells}", rule.rule)?;
    }
    writeln!(
        out,
        "\nIndicators x scenarios (x shown): {} of {} distinct\n{:<46}{header}",
        coverage.distinct_indicators(),
        coverage.indicators.len(),
        ""
    )?;
    let mut category = "";
    for indicator in &coverage.indicators {
        if indicator.category != category {
            category = &indicator.category;
            writeln!(out, "{category}")?;
        }
        let cells: String = coverage
            .scenarios
            .iter()
            .map(|id| {
                format!(
                    "{:>3}",
                    if indicator.shown_in.contains(id) {
                        'x'
                    } else {
                        '.'
                    }
                )
            })
            .collect();
        writeln!(out, "   {:<43}{cells}", indicator.indicator)?;
    }
    if errors > 0 {
        writeln!(
            out,
            "\n{errors} scenario error(s): run `silent-slavery validate` for details"
        )?;
    }
    if gaps.is_empty() {
        writeln!(
            out,
            "\nCoverage complete: every scored rule upheld and breached, every difference from 2003 shown, {} indicators.",
            coverage.distinct_indicators()
        )?;
    } else {
        writeln!(out, "\n{} gap(s):", gaps.len())?;
        for gap in gaps {
            writeln!(out, "  {gap}")?;
        }
    }
    Ok(out)
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn paths(catalog: &Catalog, dir: &Path, id: &str, format: Format) -> Result<ExitCode> {
    let loaded = find_scenario(catalog, dir, id)?;
    let s = &loaded.scenario;
    let exploration = explore::explore(s, catalog, explore::DEFAULT_PATH_LIMIT);
    let scored = explore::scored_paths(s, catalog, &loaded.bounds, &exploration);
    let passing = scored.iter().filter(|p| p.score.passed).count();
    let critical_passing = scored
        .iter()
        .filter(|p| {
            p.score.passed
                && p.score
                    .rulesets
                    .iter()
                    .any(|r| !r.critical_breaches.is_empty())
        })
        .count();
    let passing_missing_critical = scored
        .iter()
        .filter(|p| p.score.passed && !p.critical_rules_not_upheld.is_empty())
        .count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "scenario": s.id,
                "version": s.version,
                "content_hash": loaded.content_hash,
                "bounds": loaded.bounds,
                "truncated": exploration.truncated,
                "paths": scored,
                "summary": {
                    "paths": scored.len(),
                    "passing": passing,
                    "passing_with_critical_breach": critical_passing,
                    "passing_without_upholding_critical_rules": passing_missing_critical,
                },
            });
            emit(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        }
        Format::Text => {
            let mut out = String::new();
            writeln!(
                out,
                "{} — {} path(s){}; identification assumed perfect (every true indicator flagged, no red herring)\n",
                s.id,
                scored.len(),
                if exploration.truncated {
                    " (stopped at the limit)"
                } else {
                    ""
                }
            )?;
            for (n, p) in scored.iter().enumerate() {
                let verdict = if p.score.passed { "PASS" } else { "fail" };
                let choices: Vec<&str> = p
                    .transcript
                    .choices
                    .iter()
                    .map(|(_, o)| o.as_str())
                    .collect();
                let variants: Vec<String> = p
                    .transcript
                    .variants
                    .iter()
                    .map(|(scene, v)| format!("{scene}={v}"))
                    .collect();
                writeln!(
                    out,
                    "{:>3}. {verdict}  {} -> {}{}",
                    n + 1,
                    choices.join(" > "),
                    p.transcript.ending.as_deref().unwrap_or("?"),
                    if variants.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", variants.join(", "))
                    }
                )?;
                for r in &p.score.rulesets {
                    let critical = if r.critical_breaches.is_empty() {
                        String::new()
                    } else {
                        let rules: Vec<&str> = r
                            .critical_breaches
                            .iter()
                            .map(|b| b.rule.as_str())
                            .collect();
                        format!("  critical: {}", rules.join(", "))
                    };
                    writeln!(
                        out,
                        "       {:<22} {:>4} / {:<4} {:.2}{critical}",
                        r.ruleset, r.raw, r.max, r.scaled
                    )?;
                }
                if p.score.passed && !p.critical_rules_not_upheld.is_empty() {
                    writeln!(
                        out,
                        "       passes without upholding critical rule(s): {}",
                        p.critical_rules_not_upheld.join(", ")
                    )?;
                }
            }
            writeln!(
                out,
                "\n{} path(s), {passing} pass; passing with a critical breach: {critical_passing}; passing without upholding the critical rules at stake: {passing_missing_critical}",
                scored.len()
            )?;
            emit(&out)?;
        }
    }
    // A path that passes but should not is a content error the author must fix.
    Ok(if critical_passing + passing_missing_critical > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
