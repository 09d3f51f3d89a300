//! `silent-slavery new`: writes a starter scenario for a role (police, immigration or social care) that validates as it is, with the rules that pair for that role.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use silent_slavery_scenario::library;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::ids::is_valid_id;
use silent_slavery_scenario::model::scenario::{Role, RoleGroup};

use super::args::{ScenariosDir, parse_role};
use super::print::emit;

/// The starters, one per group of staff, embedded so `new` works from any folder.
const STARTERS: [(RoleGroup, &str, &str); 3] = [
    (
        RoleGroup::Police,
        "starter_police",
        include_str!("../../assets/starters/police.ron"),
    ),
    (
        RoleGroup::Immigration,
        "starter_immigration",
        include_str!("../../assets/starters/immigration.ron"),
    ),
    (
        RoleGroup::SocialCare,
        "starter_social_care",
        include_str!("../../assets/starters/social_care.ron"),
    ),
];

/// Write a starter scenario that validates, for a role.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The new scenario's id: lower-case letters, digits and `_`, e.g. `warehouse_agency_shift`.
    pub id: String,
    /// Whom the scenario trains: `police`, `immigration` or `social-care`, or a role as in a
    /// scenario file (`BorderForceOfficer`, `CustodyOfficer`, ...).
    #[arg(long)]
    pub role: String,
    #[command(flatten)]
    pub dir: ScenariosDir,
    /// Write here instead of DIR/ID.ron.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The starter scenario for `role` with the id `id`, as text.
///
/// # Errors
/// Only if a shipped starter lacks its id or role line, which the tests rule out.
pub fn starter(id: &str, role: Role) -> Result<String> {
    let group = role.group();
    let Some((_, starter_id, text)) = STARTERS.iter().find(|(g, _, _)| *g == group) else {
        bail!("no starter for {} staff", group.label());
    };
    let id_line = format!("id: \"{starter_id}\",");
    if text.matches(&id_line).count() != 1 {
        bail!("the {} starter has no single id line", group.label());
    }
    let text = text.replacen(&id_line, &format!("id: \"{id}\","), 1);
    let mut replaced = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.strip_prefix("    role: ") {
            Some(rest) if !replaced => {
                replaced = true;
                let comment = rest.find("//").map_or("", |i| &rest[i..]);
                let field = format!("    role: {role:?},");
                if comment.is_empty() {
                    field
                } else {
                    format!("{field:<45}{comment}")
                }
            }
            _ => line.to_owned(),
        })
        .collect();
    if !replaced {
        bail!("the {} starter has no role line", group.label());
    }
    Ok(lines.join("\n") + "\n")
}

/// Writes the starter, refusing an id that is not valid or already used.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let id = &args.id;
    if !is_valid_id(id) {
        bail!(
            "`{id}` is not a valid id: use lower-case letters, digits, `_` and `-`, starting with a letter or digit, e.g. `warehouse_agency_shift`"
        );
    }
    let role = parse_role(&args.role)?;
    let path = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.scenarios.join(format!("{id}.ron")));
    if path.exists() {
        bail!(
            "{} already exists: choose another id, or move that file away first",
            path.display()
        );
    }
    if args.dir.scenarios.is_dir() {
        let report = library::load_paths(std::slice::from_ref(&args.dir.scenarios), catalog);
        if let Some(other) = report.scenarios.iter().find(|s| &s.scenario.id == id) {
            bail!(
                "scenario id `{id}` is already used by {}: choose another id",
                other.file
            );
        }
    }
    let text = starter(id, role)?;
    // A starter that did not validate would be a bug here, not the trainer's problem.
    if let Err(diagnostics) =
        library::load_bytes(&path.display().to_string(), text.as_bytes(), catalog)
    {
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render()).collect();
        bail!("the starter does not validate:\n{}", rendered.join("\n\n"));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    let group = role.group();
    let flag = match group {
        RoleGroup::Police => "police",
        RoleGroup::Immigration => "immigration",
        RoleGroup::SocialCare => "social-care",
    };
    let next = [
        (
            format!("silent-slavery catalog rules --role {flag}"),
            format!("the rules, with their partners for {} staff", group.label()),
        ),
        (
            "silent-slavery catalog indicators --search WORD".to_owned(),
            "indicator ids for your cues".to_owned(),
        ),
        (
            format!("silent-slavery validate {}", path.display()),
            "after every edit".to_owned(),
        ),
        (
            format!("silent-slavery graph {id} --out {id}.svg"),
            "the steps as a picture".to_owned(),
        ),
        (
            format!("silent-slavery paths {id}"),
            "every path with its score".to_owned(),
        ),
        (
            "silent-slavery audit".to_owned(),
            "whether a trainee who knows nothing could pass".to_owned(),
        ),
    ];
    let mut out = format!(
        "Wrote {}: a starter for the role {role:?} ({}) that validates as it is.\nNext:\n",
        path.display(),
        role.label()
    );
    for (command, what) in next {
        out.push_str(&format!("  {what}:\n    {command}\n"));
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
