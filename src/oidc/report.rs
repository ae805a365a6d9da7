//! The validation report the page shows: one entry per check, in spec order, pass or fail.

use std::fmt;

/// One check: what was checked, where the spec requires it, what was expected and found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Short name, e.g. `iss`, `signature`.
    pub name: &'static str,
    /// The rule, e.g. `OpenID Connect Core §3.1.3.7 step 2`.
    pub citation: &'static str,
    /// What the rule expects.
    pub expected: String,
    /// What the token has.
    pub found: String,
    /// Whether the check passed.
    pub passed: bool,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.passed { "pass" } else { "FAIL" };
        write!(
            f,
            "[{mark}] {} ({}): expected {}, found {}",
            self.name, self.citation, self.expected, self.found
        )
    }
}

/// Every check that was run, in order. The token is accepted only if all passed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationReport {
    checks: Vec<Check>,
}

impl ValidationReport {
    pub(crate) fn push(
        &mut self,
        name: &'static str,
        citation: &'static str,
        expected: impl Into<String>,
        found: impl Into<String>,
        passed: bool,
    ) {
        self.checks.push(Check {
            name,
            citation,
            expected: expected.into(),
            found: found.into(),
            passed,
        });
    }

    /// All checks, in the order they ran.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }

    /// True when there is at least one check and all passed.
    pub fn all_passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    /// The check with this name, if it ran.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for check in &self.checks {
            writeln!(f, "{check}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_report_does_not_count_as_passed() {
        assert!(!ValidationReport::default().all_passed());
    }

    #[test]
    fn one_failure_fails_the_report_and_is_listed() {
        let mut report = ValidationReport::default();
        report.push("a", "spec §1", "x", "x", true);
        report.push("b", "spec §2", "y", "z", false);
        assert!(!report.all_passed());
        let failed: Vec<&str> = report.failures().map(|c| c.name).collect();
        assert_eq!(failed, ["b"]);
        assert_eq!(
            report.check("b").map(ToString::to_string).as_deref(),
            Some("[FAIL] b (spec §2): expected y, found z")
        );
    }
}
