//! The shipped catalogues parse, are consistent, and hold everything the reference lists.

use silent_slavery_scenario::model::catalog::{Catalog, RuleKind};

#[test]
fn embedded_catalog_loads() {
    let catalog = Catalog::embedded().expect("shipped catalogue is valid");
    assert_eq!(catalog.indicators.categories.len(), 18);
    assert_eq!(catalog.indicators.indicators.len(), 100);
    assert_eq!(catalog.indicators.cautions.len(), 6);
    let rulesets: Vec<&str> = catalog.rulesets.keys().map(String::as_str).collect();
    assert_eq!(rulesets, ["silent-slavery-2003", "uk-ew-current"]);
    let r2003 = &catalog.rulesets["silent-slavery-2003"];
    let principles = r2003
        .rules
        .iter()
        .filter(|r| r.kind == RuleKind::Principle)
        .count();
    let recs = r2003
        .rules
        .iter()
        .filter(|r| r.kind == RuleKind::Recommendation)
        .count();
    assert_eq!((principles, recs), (5, 15));
    for id in ["p5_first_step_only", "rec_08_chief_constable_kpis"] {
        let (_, rule) = catalog.rule(id).expect(id);
        assert!(!rule.scored, "{id} is not a trainee decision");
    }
}
