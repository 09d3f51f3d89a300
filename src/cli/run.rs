//! `silent-slavery run`: plays a scripted attempt without a window, prints the transcript and the score with every pass condition, and records it in a results store when asked.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use silent_slavery_results::attempt::{IdentifiedBy, Trainee};
use silent_slavery_results::identity::check_identifier;
use silent_slavery_results::record::{Recorded, RecordedAttempt};
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::play::runner::Runner;
use silent_slavery_scenario::play::script;

use super::args::{Format, FormatArg, ScenariosDir, open_store};
use super::print::{emit, emit_json, score_text, transcript_text};

/// Play a scripted attempt headlessly and print the transcript and score.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario id (or path to a scenario file).
    #[arg(long)]
    pub scenario: String,
    /// Seed for the attempt's randomness (variants, option order).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Find the first seed (from --seed on) that draws this variant, e.g.
    /// `--seed-for forecourt=cash_board`, and play with it; repeat it for several scenes.
    #[arg(long, value_name = "SCENE=VARIANT")]
    pub seed_for: Vec<String>,
    /// Script of inputs, one a line: `flag CUE`, `unflag CUE`, `choose OPTION`, `continue`.
    #[arg(long, value_name = "FILE")]
    pub choices: PathBuf,
    #[command(flatten)]
    pub dir: ScenariosDir,
    #[command(flatten)]
    pub format: FormatArg,
    /// Record the attempt in the results store at this file, exactly as the app would.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Staff number of the trainee the attempt is recorded for (with --db).
    #[arg(long, value_name = "STAFF_NUMBER", requires = "db")]
    pub trainee: Option<String>,
    /// The trainee's name, to add them (with --trainee); a different name for a known staff
    /// number is refused unless --rename is given.
    #[arg(long, requires = "trainee")]
    pub name: Option<String>,
    /// The trainee's unit, to add them (with --trainee); a different unit for a known staff
    /// number is refused unless --rename is given.
    #[arg(long, requires = "trainee")]
    pub unit: Option<String>,
    /// Change the name or unit on record for a known staff number to --name / --unit (it
    /// is never changed otherwise: the same number given with another name is more often a
    /// second person than a new name).
    #[arg(long, requires = "trainee")]
    pub rename: bool,
}

/// Seeds tried by `--seed-for` before it gives up.
const SEED_SEARCH: u64 = 10_000;

/// The first seed from `--seed` on with which the script plays through and draws every
/// variant named by `--seed-for` (and by the script's own `variant` lines).
fn find_seed(
    loaded: &Arc<silent_slavery_scenario::load::loaded::LoadedScenario>,
    catalog: &Arc<Catalog>,
    script: &script::Script,
    args: &Args,
) -> Result<u64> {
    let mut wanted = script.clone();
    for pair in &args.seed_for {
        let Some((scene, variant)) = pair.split_once('=') else {
            bail!("--seed-for {pair}: write SCENE=VARIANT, e.g. --seed-for forecourt=cash_board");
        };
        wanted.variants.push(script::ExpectedVariant {
            line: 0,
            scene: scene.trim().to_owned(),
            variant: variant.trim().to_owned(),
        });
    }
    // A scene or variant that does not exist is said plainly, not as "no seed found".
    let (mut probe, mut events) =
        Runner::start(Arc::clone(loaded), Arc::clone(catalog), args.seed)?;
    if let Err(e @ script::ScriptError::UnknownVariant { .. }) =
        script::play(&mut probe, &wanted, &mut events)
    {
        bail!(
            "--seed-for: {}",
            e.to_string().trim_start_matches("line 0: ")
        );
    }
    match script::seed_for(loaded, catalog, &wanted, args.seed, SEED_SEARCH) {
        Some(seed) => Ok(seed),
        None => bail!(
            "no seed from {} to {} plays {} through and draws {}: check that the choices reach those scenes, or try --seed {}",
            args.seed,
            args.seed.saturating_add(SEED_SEARCH - 1),
            args.choices.display(),
            args.seed_for.join(", "),
            args.seed.saturating_add(SEED_SEARCH)
        ),
    }
}

/// Where `run --db` records the attempt.
struct RecordTo {
    db: PathBuf,
    staff_number: String,
    name: Option<String>,
    unit: Option<String>,
}

/// Plays the script (recording it when asked), prints the transcript and score.
pub fn run(args: &Args, catalog: Catalog) -> Result<ExitCode> {
    let record = match (&args.db, &args.trainee) {
        (Some(db), Some(staff_number)) => Some(RecordTo {
            db: db.clone(),
            staff_number: staff_number.clone(),
            name: args.name.clone(),
            unit: args.unit.clone(),
        }),
        (Some(_), None) => {
            bail!("--db records the attempt for a trainee: give --trainee STAFF_NUMBER")
        }
        _ => None,
    };
    let (choices, format) = (&args.choices, args.format.format);
    let loaded = Arc::new(args.dir.find(&catalog, &args.scenario)?);
    let text = std::fs::read_to_string(choices)
        .with_context(|| format!("reading {}", choices.display()))?;
    let script =
        script::parse_script(&text).with_context(|| format!("in {}", choices.display()))?;
    let catalog = Arc::new(catalog);
    let seed = if args.seed_for.is_empty() {
        args.seed
    } else {
        find_seed(&loaded, &catalog, &script, args)?
    };
    let mut attempt_id = None;
    let (runner, events, played) = match record {
        None => {
            let (mut runner, mut events) =
                Runner::start(Arc::clone(&loaded), Arc::clone(&catalog), seed)?;
            let played = script::play(&mut runner, &script, &mut events);
            (runner, events, played)
        }
        Some(to) => {
            for (flag, value) in [
                ("--trainee", Some(&to.staff_number)),
                ("--name", to.name.as_ref()),
                ("--unit", to.unit.as_ref()),
            ] {
                // A unit may be left empty, as at sign-in; the rest identify someone.
                if let Some(value) = value.filter(|v| flag != "--unit" || !v.is_empty())
                    && let Err(problem) = check_identifier(value)
                {
                    bail!("{flag} {value:?} {problem}: nothing was recorded");
                }
            }
            let store = open_store(Some(&to.db))?;
            match store.trainee(&to.staff_number)? {
                None => match (to.name, to.unit) {
                    (Some(name), Some(unit)) => store.add_trainee(&Trainee {
                        staff_number: to.staff_number.clone(),
                        name,
                        unit,
                    })?,
                    _ => bail!(
                        "trainee {} is not in the store: give --name and --unit to add them",
                        to.staff_number
                    ),
                },
                Some(recorded) => {
                    let given = Trainee {
                        staff_number: to.staff_number.clone(),
                        name: to.name.unwrap_or_else(|| recorded.name.clone()),
                        unit: to.unit.unwrap_or_else(|| recorded.unit.clone()),
                    };
                    if given != recorded {
                        if !args.rename {
                            bail!(
                                "staff number {} is recorded as {} ({}), not {} ({}): nothing was recorded. If this is the same person under a new name or unit, add --rename; if it is someone else, check the staff number",
                                recorded.staff_number,
                                recorded.name,
                                recorded.unit,
                                given.name,
                                given.unit
                            );
                        }
                        store.update_trainee(&given)?;
                        eprintln!(
                            "trainee {}: {} ({}) is now {} ({})",
                            given.staff_number,
                            recorded.name,
                            recorded.unit,
                            given.name,
                            given.unit
                        );
                    }
                }
            }
            let (mut attempt, mut events) = RecordedAttempt::start(
                &store,
                &to.staff_number,
                IdentifiedBy::CommandLine,
                Arc::clone(&loaded),
                Arc::clone(&catalog),
                seed,
            )?;
            attempt_id = Some(attempt.id);
            let played = script::play(
                &mut Recorded {
                    attempt: &mut attempt,
                    log: &store,
                },
                &script,
                &mut events,
            );
            (attempt.runner().clone(), events, played)
        }
    };
    let score = runner.score();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "scenario": loaded.scenario.id,
                "version": loaded.scenario.version,
                "content_hash": loaded.content_hash(),
                "seed": seed,
                "variants": runner.transcript().variants.iter().map(|(scene, variant)| serde_json::json!({"scene": scene, "variant": variant})).collect::<Vec<_>>(),
                "attempt_id": attempt_id,
                "finished": runner.is_finished(),
                "error": played.as_ref().err().map(ToString::to_string),
                "events": events,
                "score": score,
            });
            emit_json(&out)?;
        }
        Format::Text => {
            emit(&transcript_text(&loaded, seed, &events))?;
            emit(&score_text(&loaded, &catalog, &score))?;
            if let Some(id) = attempt_id {
                emit(&format!("Recorded as attempt {id}\n"))?;
            }
        }
    }
    if let Err(e) = played {
        bail!("{}: {e}", choices.display());
    }
    Ok(ExitCode::SUCCESS)
}
