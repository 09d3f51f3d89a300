//! The field names of every struct a scenario file can hold, as written in RON (`Scene(...)`, `Option(...)`, `Breaches(...)`), read from the model's own serde definitions so they never drift from it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_reflection::{ContainerFormat, Format, Registry, Tracer, TracerConfig, VariantFormat};

use crate::model::scenario::{Effect, ExploitationForm, Milestone, Outcome, Role, Scenario, Step};

/// For each name a struct is written under in a scenario file, its field names in
/// declaration order: containers by their serde name, struct variants by their variant
/// name, and newtype variants wrapping a struct (`Scene(...)` for `Step::Scene(Scene)`) by
/// the variant name.
pub fn scenario_fields() -> &'static BTreeMap<String, Vec<String>> {
    static FIELDS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    FIELDS.get_or_init(|| trace().map(|r| fields(&r)).unwrap_or_default())
}

fn trace() -> serde_reflection::Result<Registry> {
    let mut tracer = Tracer::new(TracerConfig::default());
    tracer.trace_simple_type::<Scenario>()?;
    // Each enum once more on its own, so every variant is known.
    tracer.trace_simple_type::<Step>()?;
    tracer.trace_simple_type::<Effect>()?;
    tracer.trace_simple_type::<Role>()?;
    tracer.trace_simple_type::<ExploitationForm>()?;
    tracer.trace_simple_type::<Outcome>()?;
    tracer.trace_simple_type::<Milestone>()?;
    tracer.registry()
}

fn fields(registry: &Registry) -> BTreeMap<String, Vec<String>> {
    let names = |fields: &[serde_reflection::Named<Format>]| -> Vec<String> {
        fields.iter().map(|f| f.name.clone()).collect()
    };
    let mut out = BTreeMap::new();
    for (name, container) in registry {
        match container {
            ContainerFormat::Struct(fields) => {
                out.insert(name.clone(), names(fields));
            }
            ContainerFormat::Enum(variants) => {
                for variant in variants.values() {
                    match &variant.value {
                        VariantFormat::Struct(fields) => {
                            out.insert(variant.name.clone(), names(fields));
                        }
                        VariantFormat::NewType(inner) => {
                            if let Format::TypeName(inner) = inner.as_ref()
                                && let Some(ContainerFormat::Struct(fields)) = registry.get(inner)
                            {
                                out.entry(variant.name.clone())
                                    .or_insert_with(|| names(fields));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_struct_of_the_format_is_known_by_the_name_it_is_written_under() {
        let f = scenario_fields();
        let has =
            |owner: &str, field: &str| f.get(owner).is_some_and(|v| v.iter().any(|x| x == field));
        assert!(has("Scenario", "max_red_herrings_flagged"));
        assert!(has("Scene", "variants"));
        assert!(has("Identify", "prompt"));
        assert!(has("Decision", "shuffle"));
        assert!(has("Option", "locked_reason"));
        assert!(has("Ending", "outcome"));
        assert!(has("Cue", "indicator"));
        assert!(has("SceneVariant", "weight"));
        assert!(has("Route", "not_flags"));
        assert!(has("Breaches", "critical"));
        assert!(has("Upholds", "points"));
        assert!(!has("Upholds", "critical"));
    }
}
