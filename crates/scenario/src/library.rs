//! Loads scenario files from disk into validated, hashed, playable scenarios, collecting every diagnostic on the way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::{Validation, validate};
use crate::load::diagnostic::{Diagnostic, Problem, Severity};
use crate::load::loaded::LoadedScenario;
use crate::load::locate::Position;
use crate::load::parse::{ParsedScenario, parse_scenario};
use crate::model::catalog::Catalog;
use crate::path;

/// Parses and validates one file's bytes (image files are not looked for: see
/// [`load_bytes_beside`]).
///
/// # Errors
/// Every diagnostic (errors and warnings) when the file has at least one error.
pub fn load_bytes(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<LoadedScenario, Vec<Diagnostic>> {
    load_bytes_beside(file, bytes, catalog, &|_| true)
}

/// [`load_bytes`], also checking each scene image: `image_exists` says whether a file
/// (relative to the scenario file's folder, as written) is there.
///
/// # Errors
/// Every diagnostic when the file has at least one error; a missing image or one without
/// alt text is an error at its place (file:line:col).
pub fn load_bytes_beside(
    file: &str,
    bytes: &[u8],
    catalog: &Catalog,
    image_exists: &dyn Fn(&str) -> bool,
) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let parsed = parse_scenario(file, bytes)?;
    let mut validation = validate(&parsed, catalog);
    let images = image_problems(&parsed, image_exists);
    if !images.is_empty() {
        validation.diagnostics.extend(images);
        validation.diagnostics.sort_by_key(|d| d.position);
    }
    loaded(parsed, validation)
}

/// Whether an image path as written stays in the scenario's folder: relative, with no `..`.
pub fn image_path_is_inside(file: &str) -> bool {
    let path = Path::new(file);
    !file.is_empty()
        && path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

/// Problems with the scenes' images: a file outside the scenario's folder or not there, and
/// an image without alt text, each at its place.
fn image_problems(parsed: &ParsedScenario, image_exists: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, step) in parsed.scenario.steps.iter().enumerate() {
        let crate::model::scenario::Step::Scene(scene) = step else {
            continue;
        };
        let Some(image) = &scene.image else { continue };
        let reason = if !image_path_is_inside(&image.file) {
            Some(
                "an image must be a file in the scenario's folder or below it (no absolute path, no `..`)",
            )
        } else if !image_exists(&image.file) {
            Some(
                "there is no such file beside the scenario (the path is relative to the scenario file's folder)",
            )
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push(parsed.diagnostic(
                &path!["steps", i, "image", "file"],
                Problem::ImageNotFound {
                    file: image.file.clone(),
                    reason: reason.to_owned(),
                },
            ));
        }
        if image.alt.trim().is_empty() {
            out.push(parsed.diagnostic(
                &path!["steps", i, "image", "alt"],
                Problem::ImageWithoutAlt {
                    step: scene.id.clone(),
                },
            ));
        }
    }
    out
}

fn loaded(
    parsed: ParsedScenario,
    validation: Validation,
) -> Result<LoadedScenario, Vec<Diagnostic>> {
    if validation.has_errors() {
        return Err(validation.diagnostics);
    }
    Ok(LoadedScenario::new(
        parsed.file,
        parsed.scenario,
        validation.bounds,
        validation.diagnostics,
    ))
}

/// Reads, parses and validates one file.
///
/// # Errors
/// Every diagnostic when the file cannot be read or has an error.
pub fn load_file(path: &Path, catalog: &Catalog) -> Result<LoadedScenario, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let bytes = read_limited(path)
        .map_err(|problem| vec![Diagnostic::new(&name, "", Position::START, problem)])?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_bytes_beside(&name, &bytes, catalog, &|image| {
        folder.join(image).is_file()
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>, Problem> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Problem::Unreadable {
        message: e.to_string(),
    })?;
    let mut bytes = Vec::new();
    // One byte over the limit is enough to report the file as too large without reading
    // all of a huge file.
    let limit = crate::load::parse::MAX_FILE_BYTES as u64 + 1;
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Unreadable {
            message: e.to_string(),
        })?;
    if bytes.len() as u64 == limit {
        let size = std::fs::metadata(path).map_or(bytes.len(), |m| m.len() as usize);
        return Err(Problem::FileTooLarge {
            bytes: size,
            limit: crate::load::parse::MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// What loading a set of files found.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Files read, in order.
    pub files: Vec<String>,
    /// Scenarios that loaded, in file order.
    pub scenarios: Vec<LoadedScenario>,
    /// Every diagnostic from every file, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadReport {
    /// Number of error diagnostics.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// A loaded scenario by id.
    pub fn scenario(&self, id: &str) -> Option<&LoadedScenario> {
        self.scenarios.iter().find(|s| s.scenario.id == id)
    }
}

/// Scenario files under `path`: the file itself, or every `*.ron` below a directory
/// (sorted), leaving out `courses/` (course definitions are not scenarios).
pub fn scenario_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    // Each folder is read once, by its real path, so links that point back up cannot
    // make the walk loop or report a file twice.
    let mut visited = std::collections::BTreeSet::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(real) = dir.canonicalize() else {
            continue;
        };
        if !visited.insert(real) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let p = entry.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "courses") {
                    dirs.push(p);
                }
            } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.canonicalize().ok() == b.canonicalize().ok());
    out
}

/// Loads every scenario file under each path, reporting all problems of all files, and a
/// scenario id defined in two files.
pub fn load_paths(paths: &[PathBuf], catalog: &Catalog) -> LoadReport {
    let mut report = LoadReport::default();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for path in paths {
        let files = scenario_files(path);
        if files.is_empty() {
            continue;
        }
        for file in files {
            let name = file.display().to_string();
            report.files.push(name.clone());
            match load_file(&file, catalog) {
                Ok(loaded) => {
                    report.diagnostics.extend(loaded.warnings.iter().cloned());
                    if let Some(other) = ids.get(&loaded.scenario.id) {
                        let text = std::fs::read_to_string(&file).unwrap_or_default();
                        let position = crate::load::locate::Locator::scan(&text).find(&path!["id"]);
                        report.diagnostics.push(Diagnostic::new(
                            &name,
                            &text,
                            position,
                            Problem::DuplicateScenarioId {
                                id: loaded.scenario.id.clone(),
                                other: other.clone(),
                            },
                        ));
                        continue;
                    }
                    ids.insert(loaded.scenario.id.clone(), name);
                    report.scenarios.push(loaded);
                }
                Err(diagnostics) => report.diagnostics.extend(diagnostics),
            }
        }
    }
    report
}
