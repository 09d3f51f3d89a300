//! Ids as authors write them: what a valid id is, `{cue}` markers in texts, and the closest id to a typo.

/// Whether `id` is a valid id: lower-case ASCII letters, digits, `_` and `-`, starting with
/// a letter or digit, at most 100 characters.
pub fn is_valid_id(id: &str) -> bool {
    id.len() <= 100
        && id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `{cue_id}` markers in a text.
pub fn cue_markers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let inner = &after[..close];
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                {
                    out.push(inner);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

/// The closest of `candidates` to `found`, if it is close enough to be a likely typo.
pub fn suggest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(found, c), c))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}
