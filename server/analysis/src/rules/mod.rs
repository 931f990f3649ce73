//! The rules: every diagnostic of the spec's table, as data.

mod rule;

pub use rule::{Rule, Severity};

use crate::{Analysis, Config, Resolver, TextRange};

/// One finding. Its wording comes from [`Problem::message`], its code and
/// default severity from [`Rule`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub problem: Problem,
    pub related: Vec<Related>,
}

/// Another place a diagnostic points at (in the same file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// What is wrong, with what the message needs to name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Placeholder,
}

impl Problem {
    pub fn rule(&self) -> Rule {
        Rule::Config
    }

    pub fn message(&self) -> String {
        String::new()
    }
}

/// Runs every rule that `config` leaves on. Diagnostics come in text order.
pub fn check(analysis: &Analysis, config: &Config, resolver: &dyn Resolver) -> Vec<Diagnostic> {
    let _ = (analysis, config, resolver);
    Vec::new()
}
