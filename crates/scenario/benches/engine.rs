//! Benchmarks of what trainers feel: parsing, validating and scoring a library of scenarios, and how validation and path listing grow with scenario size (docs/performance.md).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use silent_slavery_scenario::analysis::paths as explore;
use silent_slavery_scenario::check::validate;
use silent_slavery_scenario::library::load_bytes;
use silent_slavery_scenario::load::parse::ParsedScenario;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::ron::ron_options;
use silent_slavery_scenario::model::scenario::Scenario;

/// A synthetic scenario of `steps` steps: a scene with two cues, an identify step, a chain
/// of three-way decisions (two options go on, one ends the scenario early), two endings.
pub fn synthetic(id: usize, steps: usize) -> String {
    let decisions = steps.saturating_sub(4).max(1);
    let mut out = format!(
        "Scenario(id: \"synthetic_{id}\", version: 1, title: \"Synthetic {id}\", summary: \"A generated scenario.\",
  role: PoliceResponseOfficer, setting: \"Generated\", estimated_minutes: 10, start: \"scene\", steps: [
  Scene(id: \"scene\", text: \"{{held}} {{sector}}\", cues: [
    Cue(id: \"held\", text: \"Someone else holds the passport.\", indicator: \"documents_held_by_other\"),
    Cue(id: \"sector\", text: \"They work in a car wash.\", indicator: \"caution_sector_alone\"),
  ], next: \"concerns\"),
  Identify(id: \"concerns\", prompt: \"Which details concern you?\", next: \"d1\"),\n"
    );
    for d in 1..=decisions {
        let next = if d == decisions {
            "safe".to_owned()
        } else {
            format!("d{}", d + 1)
        };
        out.push_str(&format!(
            "  Decision(id: \"d{d}\", prompt: \"What now?\", options: [
    Option(id: \"good\", text: \"Speak to them alone.\", feedback: \"Right.\", next: \"{next}\", effects: [Upholds(rule: \"p1_human_rights_not_immigration\", points: 10), Upholds(rule: \"ew_separate_from_controller\", points: 10)]),
    Option(id: \"poor\", text: \"Ask in front of the driver.\", feedback: \"No.\", next: \"{next}\", effects: [Breaches(rule: \"p1_human_rights_not_immigration\", points: 5), Breaches(rule: \"ew_separate_from_controller\", points: 5)]),
    Option(id: \"bad\", text: \"Check status first.\", feedback: \"No.\", next: \"lost\", effects: [Breaches(rule: \"p4_separate_from_immigration_law\", points: 10, critical: true), Breaches(rule: \"ew_victim_first_not_immigration\", points: 10)]),
  ]),\n"
        ));
    }
    out.push_str(
        "  Ending(id: \"safe\", outcome: SafeguardedAndReferred, title: \"Safe\", text: \"Referred.\"),
  Ending(id: \"lost\", outcome: VictimLost, title: \"Lost\", text: \"Gone.\"),
])\n",
    );
    out
}

/// The same branching structure as [`synthetic`] as a Yarn Spinner script: a node per
/// decision with three options, the points kept in variables, the same two endings.
pub fn synthetic_yarn(id: usize, steps: usize) -> String {
    let decisions = steps.saturating_sub(4).max(1);
    let mut out = format!(
        "title: scene_{id}\n---\n<<declare $p1 = 0>>\n<<declare $ew = 0>>\n<<declare $critical = false>>\nNarrator: Someone else holds the passport. They work in a car wash.\n<<jump d1_{id}>>\n===\n"
    );
    for d in 1..=decisions {
        let next = if d == decisions {
            format!("safe_{id}")
        } else {
            format!("d{}_{id}", d + 1)
        };
        out.push_str(&format!(
            "title: d{d}_{id}\n---\nWhat now?\n-> Speak to them alone.\n    Right.\n    <<set $p1 to $p1 + 10>>\n    <<set $ew to $ew + 10>>\n    <<jump {next}>>\n-> Ask in front of the driver.\n    No.\n    <<set $p1 to $p1 - 5>>\n    <<set $ew to $ew - 5>>\n    <<jump {next}>>\n-> Check status first.\n    No.\n    <<set $critical to true>>\n    <<set $ew to $ew - 10>>\n    <<jump lost_{id}>>\n===\n"
        ));
    }
    out.push_str(&format!(
        "title: safe_{id}\n---\nReferred.\n===\ntitle: lost_{id}\n---\nGone.\n===\n"
    ));
    out
}

/// Yarn Spinner's compiler on 100 scenarios against ours: Yarn takes about 60 ms a file
/// here, so the full 1,000 would take ten minutes a sample.
fn against_yarn_spinner(c: &mut Criterion) {
    use yarnspinner::compiler::{Compiler, File};
    let catalog = Catalog::embedded().expect("catalogue");
    let ours: Vec<String> = (0..100).map(|i| synthetic(i, 50)).collect();
    let yarn: Vec<String> = (0..100).map(|i| synthetic_yarn(i, 50)).collect();
    let mut group = c.benchmark_group("authoring_load_100x50");
    group.sample_size(10);
    group.bench_function("silent_slavery_parse_validate_best_score", |b| {
        b.iter(|| {
            for text in &ours {
                std::hint::black_box(
                    load_bytes("s.ron", text.as_bytes(), &catalog).expect("valid"),
                );
            }
        })
    });
    group.bench_function("yarn_spinner_compile", |b| {
        b.iter(|| {
            for (i, source) in yarn.iter().enumerate() {
                let compiled = Compiler::new()
                    .add_file(File {
                        file_name: format!("s{i}.yarn"),
                        source: source.clone(),
                    })
                    .compile();
                assert!(compiled.is_ok(), "the Yarn script compiles");
                std::hint::black_box(compiled.ok());
            }
        })
    });
    group.finish();
}

fn authoring_load(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("catalogue");
    let library: Vec<String> = (0..1000).map(|i| synthetic(i, 50)).collect();
    // Every generated scenario is valid: a benchmark of failures would measure nothing.
    for text in library.iter().take(3) {
        load_bytes("synthetic.ron", text.as_bytes(), &catalog).expect("valid");
    }
    let mut group = c.benchmark_group("authoring_load_1000x50");
    group.sample_size(10);
    group.throughput(Throughput::Elements(library.len() as u64));
    group.bench_function("parse_only", |b| {
        b.iter(|| {
            for text in &library {
                let s: Scenario = ron_options().from_str(text).expect("parses");
                std::hint::black_box(s);
            }
        })
    });
    group.bench_function("parse_validate_best_score", |b| {
        b.iter(|| {
            for text in &library {
                std::hint::black_box(
                    load_bytes("s.ron", text.as_bytes(), &catalog).expect("valid"),
                );
            }
        })
    });
    group.finish();
}

/// The assessment audit against validation, on the same library: parsing, validating and
/// scoring every file (what `validate` and the app's loading do) against auditing the loaded
/// library (docs/performance.md: audit costs at most 2× validate). Measured on the shipped
/// library and on the 1,000 synthetic scenarios.
fn audit_against_validate(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("catalogue");
    let shipped: Vec<(String, Vec<u8>)> = silent_slavery_scenario::library::scenario_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios"),
    )
    .into_iter()
    .map(|p| {
        let bytes = std::fs::read(&p).expect("readable");
        (p.display().to_string(), bytes)
    })
    .collect();
    let synthetic: Vec<(String, Vec<u8>)> = (0..1000)
        .map(|i| (format!("s{i}.ron"), synthetic(i, 50).into_bytes()))
        .collect();
    for (name, files) in [("shipped", &shipped), ("synthetic_1000x50", &synthetic)] {
        let load = || -> Vec<silent_slavery_scenario::load::loaded::LoadedScenario> {
            files
                .iter()
                .map(|(file, bytes)| load_bytes(file, bytes, &catalog).expect("valid"))
                .collect()
        };
        let loaded = load();
        let mut group = c.benchmark_group(format!("audit_vs_validate_{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(files.len() as u64));
        group.bench_function("parse_validate_best_score", |b| {
            b.iter(|| std::hint::black_box(load()))
        });
        group.bench_function("audit", |b| {
            b.iter(|| {
                std::hint::black_box(silent_slavery_scenario::analysis::audit::audit(
                    &loaded, &catalog,
                ))
            })
        });
        group.finish();
    }
}

fn scaling(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("catalogue");
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    for steps in [10usize, 100, 1000, 10_000] {
        let text = synthetic(0, steps);
        group.throughput(Throughput::Elements(steps as u64));
        // Past 1,000 steps the generated file is over the 1 MiB limit for trainers' files, so
        // the parsed scenario is validated directly: the limit is not what is measured.
        let parse = |text: &str| {
            ParsedScenario::new("s.ron", text, ron_options().from_str(text).expect("parses"))
        };
        group.bench_with_input(BenchmarkId::new("validate", steps), &text, |b, text| {
            b.iter(|| {
                let parsed = parse(text);
                let validation = validate(&parsed, &catalog);
                assert!(!validation.has_errors());
                std::hint::black_box(validation)
            })
        });
        let parsed = parse(&text);
        let bounds = validate(&parsed, &catalog).bounds;
        let loaded = silent_slavery_scenario::load::loaded::LoadedScenario::with_hash(
            parsed.file.clone(),
            parsed.scenario,
            String::new(),
            bounds,
            Vec::new(),
        );
        group.bench_with_input(BenchmarkId::new("paths", steps), &loaded, |b, loaded| {
            b.iter(|| {
                std::hint::black_box(explore::explore(
                    &loaded.scenario,
                    &catalog,
                    explore::DEFAULT_PATH_LIMIT,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    authoring_load,
    against_yarn_spinner,
    audit_against_validate,
    scaling
);
criterion_main!(benches);
