//! Where a value sits in a scenario (`steps[3].options[1].next`): the address diagnostics point at.

/// One step in a path to a value: a struct field or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    /// A named field. Borrowed when the name is written in our code, as almost all are:
    /// validation builds a path for every value it checks, and most are never used.
    Field(std::borrow::Cow<'static, str>),
    /// A position in a list or tuple, from 0.
    Index(usize),
}

impl PathSegment {
    /// A field segment.
    pub fn field(name: &'static str) -> PathSegment {
        PathSegment::Field(std::borrow::Cow::Borrowed(name))
    }
}

/// A path from the top-level value to a nested one.
pub type ValuePath = Vec<PathSegment>;

/// Builds a [`ValuePath`] from field names and indices: `path!["steps", 2, "next"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::model::path::IntoSegment::into_segment($seg)),*]
    };
}

/// Conversion used by [`path!`].
pub trait IntoSegment {
    /// The segment.
    fn into_segment(self) -> PathSegment;
}

impl IntoSegment for &'static str {
    fn into_segment(self) -> PathSegment {
        PathSegment::field(self)
    }
}

impl IntoSegment for usize {
    fn into_segment(self) -> PathSegment {
        PathSegment::Index(self)
    }
}

impl IntoSegment for PathSegment {
    fn into_segment(self) -> PathSegment {
        self
    }
}
