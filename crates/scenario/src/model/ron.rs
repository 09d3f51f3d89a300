//! The RON dialect every authored file (scenarios, the catalogue, courses) is read in.

/// Deepest bracket nesting accepted. Scenarios need about eight levels.
pub const MAX_NESTING: usize = 64;

/// The ron options every authored file is read with: `Some(..)` may be left out around
/// optional values, newtype variants unwrap (`Scene(id: ..)`), and ron's recursion limit
/// stays on so deeply nested brackets are an error, not a stack overflow.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_recursion_limit(MAX_NESTING)
}
