//! `silent-slavery catalog`: every rule (what it asks, what upholding and breaching it look like, its partners) and every indicator (weight, definition, sources), with the scenarios that use each; `--format markdown` writes docs/catalog.md.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::ValueEnum;
use silent_slavery_scenario::analysis::coverage::is_template;
use silent_slavery_scenario::analysis::reference::{
    CautionEntry, IndicatorEntry, Reference, RuleEntry,
};
use silent_slavery_scenario::library;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::ids::suggest;
use silent_slavery_scenario::model::scenario::RoleGroup;

use super::args::{ScenariosDir, parse_role_group};
use super::print::{emit, emit_json};

/// How the reference is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    /// Text for people.
    Text,
    /// JSON for tools.
    Json,
    /// The Markdown page docs/catalog.md (the catalogue alone, without scenario usage).
    Markdown,
}

/// Show the rules and indicators scenarios refer to.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `rules`, `indicators`, or one rule, indicator or red-herring id (default: everything).
    pub what: Option<String>,
    /// Only entries whose id, title or text contains every one of these words.
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
    /// Show the partner rules that read right for this trainee: a role as in a scenario
    /// file (`BorderForceOfficer`) or a group (`police`, `immigration`, `social-care`).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    #[command(flatten)]
    pub dir: ScenariosDir,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
}

/// Prints the reference; exit 1 when an id is named that the catalogue does not have.
pub fn run(args: &Args, catalog: &Catalog) -> Result<ExitCode> {
    let group = args.role.as_deref().map(parse_role_group).transpose()?;
    let library = if args.format == CatalogFormat::Markdown || !args.dir.scenarios.is_dir() {
        Vec::new()
    } else {
        // Templates are examples to copy, not part of the library (as in `coverage`).
        library::load_paths(std::slice::from_ref(&args.dir.scenarios), catalog)
            .scenarios
            .into_iter()
            .filter(|s| !is_template(&s.file))
            .collect()
    };
    let mut reference = Reference::of(catalog, &library);
    if let Some(group) = group {
        reference = reference.for_group(group);
    }
    if let Some(words) = &args.search {
        reference = reference.search(words);
    }
    match args.what.as_deref() {
        None => {}
        Some("rules") => {
            reference.indicators.clear();
            reference.cautions.clear();
        }
        Some("indicators") => reference.rules.clear(),
        Some(id) => {
            reference.rules.retain(|r| r.id == id);
            reference.indicators.retain(|i| i.id == id);
            reference.cautions.retain(|c| c.id == id);
            // An id that --search or --role filtered out is known: it prints "nothing
            // matches", not an error.
            if catalog.rule(id).is_none() && catalog.cue_tag(id).is_none() {
                let all = Reference::of(catalog, &[]);
                let ids = all
                    .rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .chain(all.indicators.iter().map(|i| i.id.as_str()))
                    .chain(all.cautions.iter().map(|c| c.id.as_str()));
                let hint = suggest(id, ids)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                bail!(
                    "`{id}` is not a rule, indicator or red herring in the catalogue{hint}: write `rules`, `indicators` or an id they list, or search with --search WORDS"
                );
            }
        }
    }
    match args.format {
        CatalogFormat::Json => emit_json(&reference)?,
        CatalogFormat::Text => emit(&text(&reference, group)?)?,
        CatalogFormat::Markdown => emit(&markdown(&reference, catalog)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn roles_text(roles: &[RoleGroup]) -> String {
    if roles.len() == RoleGroup::ALL.len() {
        "every role".to_owned()
    } else {
        roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn used_text(ids: &std::collections::BTreeSet<String>) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        format!(
            "{} ({})",
            ids.len(),
            ids.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    }
}

fn rule_text(out: &mut String, r: &RuleEntry, group: Option<RoleGroup>) -> Result<()> {
    writeln!(out, "{}  ({}, {})", r.id, r.ruleset, r.label)?;
    writeln!(out, "  {}", r.title)?;
    if !r.scored {
        writeln!(
            out,
            "  NOT SCORED: not a trainee decision; options cannot name it"
        )?;
    }
    writeln!(out, "  Asks:      {}", r.text)?;
    writeln!(out, "  Upholding: {}", r.upholding)?;
    writeln!(out, "  Breaching: {}", r.breaching)?;
    if let Some(today) = &r.current_practice {
        writeln!(out, "  Today:     {today}")?;
    }
    let partners: Vec<String> = r
        .partners
        .iter()
        .map(|p| match group {
            Some(_) => format!("{} ({})", p.rule, p.title),
            None => format!("{} ({}; for {})", p.rule, p.title, roles_text(&p.roles)),
        })
        .collect();
    writeln!(
        out,
        "  Partners:  {}",
        if partners.is_empty() {
            match group {
                Some(g) => format!("none for {} staff", g.label()),
                None => "none".to_owned(),
            }
        } else {
            partners.join("; ")
        }
    )?;
    writeln!(out, "  Source:    {}", r.citation)?;
    writeln!(
        out,
        "  Upheld in: {}; breached in: {}\n",
        used_text(&r.upheld_in),
        used_text(&r.breached_in)
    )?;
    Ok(())
}

fn sources_text(sources: &[(String, String)]) -> String {
    sources
        .iter()
        .map(|(code, title)| format!("{code} ({title})"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn indicator_text(out: &mut String, i: &IndicatorEntry) -> Result<()> {
    writeln!(
        out,
        "{}  ({:?}, {} point(s); {})",
        i.id, i.weight, i.points, i.category_name
    )?;
    writeln!(out, "  {}: {}", i.name, i.definition)?;
    writeln!(out, "  Sources: {}", sources_text(&i.sources))?;
    writeln!(out, "  Used in: {}\n", used_text(&i.used_in))?;
    Ok(())
}

fn caution_text(out: &mut String, c: &CautionEntry) -> Result<()> {
    writeln!(out, "{}  (red herring: flagging it costs points)", c.id)?;
    writeln!(out, "  {}: {}", c.name, c.why_not_alone)?;
    writeln!(out, "  Sources: {}", sources_text(&c.sources))?;
    writeln!(out, "  Used in: {}\n", used_text(&c.used_in))?;
    Ok(())
}

/// The reference as text: rules by ruleset, indicators by category, red herrings.
fn text(reference: &Reference, group: Option<RoleGroup>) -> Result<String> {
    let mut out = String::new();
    if let Some(g) = group
        && !reference.rules.is_empty()
    {
        writeln!(out, "Partners shown for {} staff.\n", g.label())?;
    }
    let mut ruleset = "";
    for r in &reference.rules {
        if r.ruleset != ruleset {
            ruleset = &r.ruleset;
            writeln!(out, "== {} ({})\n", r.ruleset_title, r.ruleset)?;
        }
        rule_text(&mut out, r, group)?;
    }
    let mut category = "";
    for i in &reference.indicators {
        if i.category != category {
            category = &i.category;
            writeln!(out, "== Indicators: {} ({})\n", i.category_name, i.category)?;
        }
        indicator_text(&mut out, i)?;
    }
    if !reference.cautions.is_empty() {
        writeln!(out, "== Red herrings: never indicators on their own\n")?;
    }
    for c in &reference.cautions {
        caution_text(&mut out, c)?;
    }
    if reference.rules.is_empty()
        && reference.indicators.is_empty()
        && reference.cautions.is_empty()
    {
        writeln!(
            out,
            "Nothing matches: try fewer words, or `silent-slavery catalog rules` for every rule."
        )?;
    }
    Ok(out)
}

/// Markdown table cells cannot hold a bare `|`.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The docs page: generated, so the docs never drift from the catalogue.
fn markdown(reference: &Reference, catalog: &Catalog) -> Result<String> {
    let mut out = String::new();
    writeln!(out, "# The catalogue: every rule and indicator\n")?;
    writeln!(
        out,
        "<!-- Generated by `silent-slavery catalog --format markdown > docs/catalog.md` from assets/catalog/. Do not edit by hand: a test regenerates it and compares. -->\n"
    )?;
    writeln!(
        out,
        "Everything a scenario's effects and cues can name. The same reference, with the scenarios that use each entry, is printed by `silent-slavery catalog` (`rules`, `indicators` or one id; `--search WORDS`; `--role ROLE`; `--format json`) and shown, searchable, in the app's author mode.\n"
    )?;
    writeln!(
        out,
        "- [Pairing rules for your trainees' role](#pairing-rules-for-your-trainees-role)"
    )?;
    for set in catalog.rulesets.values() {
        writeln!(out, "- [{}](#{})", set.title, anchor(&set.title))?;
    }
    writeln!(out, "- [Indicators](#indicators)")?;
    writeln!(out, "- [Red herrings](#red-herrings)")?;
    writeln!(out, "- [Sources](#sources)\n")?;

    writeln!(out, "## Pairing rules for your trainees' role\n")?;
    writeln!(
        out,
        "Name one rule of each ruleset for the same point of practice in an option's effects, so the debrief shows 2003 and today side by side. Some 2003 wording assumes a police officer, so the partner depends on whom the scenario trains (`role`). `silent-slavery new ID --role ROLE` starts a scenario with these pairs.\n"
    )?;
    writeln!(out, "| Current rule | Police | Immigration | Social care |")?;
    writeln!(out, "|---|---|---|---|")?;
    for r in reference
        .rules
        .iter()
        .filter(|r| r.ruleset == "uk-ew-current")
    {
        let per_group: Vec<String> = RoleGroup::ALL
            .iter()
            .map(|g| {
                let ids: Vec<String> = r
                    .partners
                    .iter()
                    .filter(|p| p.roles.contains(g))
                    .map(|p| format!("`{}`", p.rule))
                    .collect();
                if ids.is_empty() {
                    "—".to_owned()
                } else {
                    ids.join(", ")
                }
            })
            .collect();
        writeln!(
            out,
            "| `{}` ({}) | {} |",
            r.id,
            cell(&r.title),
            per_group.join(" | ")
        )?;
    }
    let unpaired: Vec<String> = reference
        .rules
        .iter()
        .filter(|r| r.scored && r.partners.is_empty())
        .map(|r| format!("`{}`", r.id))
        .collect();
    if !unpaired.is_empty() {
        writeln!(
            out,
            "\nScored rules with no partner: {}. Name them beside whichever rule of the other ruleset the option also serves.",
            unpaired.join(", ")
        )?;
    }
    writeln!(out)?;

    for set in catalog.rulesets.values() {
        writeln!(out, "## {}\n", set.title)?;
        writeln!(
            out,
            "Ruleset `{}`, version {}. Source: {}.\n",
            set.id, set.version, set.source
        )?;
        for r in reference.rules.iter().filter(|r| r.ruleset == set.id) {
            writeln!(out, "### `{}`: {}\n", r.id, r.title)?;
            writeln!(
                out,
                "{}{}.\n",
                r.label,
                if r.scored {
                    ""
                } else {
                    ", **not scored** (not a trainee decision; options cannot name it)"
                }
            )?;
            writeln!(out, "- **What it asks:** {}", r.text)?;
            writeln!(out, "- **Upholding looks like:** {}", r.upholding)?;
            writeln!(out, "- **Breaching looks like:** {}", r.breaching)?;
            if let Some(today) = &r.current_practice {
                writeln!(out, "- **Today:** {today}")?;
            }
            let partners: Vec<String> = r
                .partners
                .iter()
                .map(|p| format!("`{}` ({}; for {})", p.rule, p.title, roles_text(&p.roles)))
                .collect();
            writeln!(
                out,
                "- **Partners:** {}",
                if partners.is_empty() {
                    "none".to_owned()
                } else {
                    partners.join("; ")
                }
            )?;
            writeln!(out, "- **Source:** {}\n", r.citation)?;
        }
    }

    writeln!(out, "## Indicators\n")?;
    writeln!(
        out,
        "Tag a cue with an indicator id. Flagging a cue earns its weight's points: Strong 3, Medium 2, Weak 1. An indicator is a prompt to ask more, never proof.\n"
    )?;
    let mut category = "";
    for i in &reference.indicators {
        if i.category != category {
            category = &i.category;
            writeln!(out, "\n### {} (`{}`)\n", i.category_name, i.category)?;
            writeln!(out, "| Id | Weight | Name | Definition | Sources |")?;
            writeln!(out, "|---|---|---|---|---|")?;
        }
        writeln!(
            out,
            "| `{}` | {:?} ({}) | {} | {} | {} |",
            i.id,
            i.weight,
            i.points,
            cell(&i.name),
            cell(&i.definition),
            i.sources
                .iter()
                .map(|(code, _)| code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(out, "\n## Red herrings\n")?;
    writeln!(
        out,
        "Never indicators on their own. Tag a plain fact with the first four (flagging one costs points; flagging two fails the attempt). The last two are errors of reasoning: teach them in feedback, never tag a cue with them.\n"
    )?;
    writeln!(out, "| Id | Name | Why it is not an indicator on its own |")?;
    writeln!(out, "|---|---|---|")?;
    for c in &reference.cautions {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            c.id,
            cell(&c.name),
            cell(&c.why_not_alone)
        )?;
    }
    writeln!(out, "\n## Sources\n")?;
    writeln!(out, "| Code | Source |")?;
    writeln!(out, "|---|---|")?;
    for s in &catalog.indicators.sources {
        writeln!(out, "| `{}` | {} |", s.code, cell(&s.title))?;
    }
    Ok(out)
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}
