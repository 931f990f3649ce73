//! The rule table: codes and default severities, in one place.

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Error, Self::Warning, Self::Info, Self::Hint];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Hint => "hint",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A rule's default severity as the table writes it: a severity, or `Off`
/// for a rule that only runs when `[rules]` gives it one.
macro_rules! default_severity {
    (Off) => {
        None
    };
    ($severity:ident) => {
        Some(Severity::$severity)
    };
}

macro_rules! rules {
    ($($variant:ident => $code:literal, $severity:ident;)*) => {
        /// Every rule the checker knows, by its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable code, as in `digest.toml` and in every diagnostic.
            pub fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)*
                }
            }

            /// The severity without configuration; `None`: off unless
            /// `[rules]` turns it on.
            pub fn default_severity(self) -> Option<Severity> {
                match self {
                    $(Rule::$variant => default_severity!($severity),)*
                }
            }
        }
    };
}

rules! {
    MissingSection => "missing-section", Warning;
    EmptySection => "empty-section", Warning;
    DuplicateSection => "duplicate-section", Warning;
    MissingTitle => "missing-title", Error;
    DuplicatePaper => "duplicate-paper", Error;
    Numbering => "numbering", Warning;
    UnresolvedReference => "unresolved-reference", Error;
    MalformedLink => "malformed-link", Error;
    LinkWithoutScheme => "link-without-scheme", Hint;
    UnknownLabel => "unknown-label", Warning;
    StrayText => "stray-text", Warning;
    DuplicatePaperAcrossFiles => "duplicate-paper-across-files", Hint;
    UnresolvedCitation => "unresolved-citation", Error;
    TitleMismatch => "title-mismatch", Hint;
    CjkSpacing => "cjk-spacing", Off;
    CjkPunctuation => "cjk-punctuation", Off;
    FullwidthAlphanumeric => "fullwidth-alphanumeric", Off;
    TooManyDiagnostics => "too-many-diagnostics", Info;
    Config => "config", Error;
}

impl Rule {
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.code() == code)
    }
}
