//! Which sections of the profile are open, kept in this tab's `sessionStorage` so that a reload
//! or a way back shows the profile as the user left it. The address's fragment (`/profile#claims`)
//! opens its section too.

use super::storage_keys::OPEN_PROFILE_SECTIONS;
use crate::browser::storage;

/// The collapsible sections of the profile, in page order; each one's id is its deep link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileSection {
    Claims,
    Validation,
    Inspector,
    Tokens,
    Api,
}

impl ProfileSection {
    pub const ALL: [ProfileSection; 5] = [
        ProfileSection::Claims,
        ProfileSection::Validation,
        ProfileSection::Inspector,
        ProfileSection::Tokens,
        ProfileSection::Api,
    ];

    /// The element id and the fragment that links to the section.
    pub fn id(self) -> &'static str {
        match self {
            ProfileSection::Claims => "claims",
            ProfileSection::Validation => "validation",
            ProfileSection::Inspector => "inspector",
            ProfileSection::Tokens => "tokens",
            ProfileSection::Api => "api",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProfileSection::Claims => "Claims",
            ProfileSection::Validation => "Validation report",
            ProfileSection::Inspector => "Flow inspector",
            ProfileSection::Tokens => "Tokens",
            ProfileSection::Api => "Call an API",
        }
    }

    /// The section a fragment (without `#`) links to.
    pub fn from_fragment(fragment: &str) -> Option<ProfileSection> {
        ProfileSection::ALL.into_iter().find(|s| s.id() == fragment)
    }
}

/// The open sections in `line` (ids separated by spaces), with `section` opened or closed.
/// Unknown ids are dropped: a renamed section must not stay in storage forever.
fn with_section(line: &str, section: ProfileSection, open: bool) -> String {
    ProfileSection::ALL
        .into_iter()
        .filter(|s| match *s == section {
            true => open,
            false => is_in(line, *s),
        })
        .map(ProfileSection::id)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_in(line: &str, section: ProfileSection) -> bool {
    line.split(' ').any(|id| id == section.id())
}

/// Whether `section` was left open in this tab.
pub fn is_open(section: ProfileSection) -> bool {
    let line = storage::get(OPEN_PROFILE_SECTIONS).ok().flatten();
    line.is_some_and(|line| is_in(&line, section))
}

/// Keeps `section` open or closed for this tab.
pub fn remember(section: ProfileSection, open: bool) {
    let line = storage::get(OPEN_PROFILE_SECTIONS)
        .ok()
        .flatten()
        .unwrap_or_default();
    // Not kept (storage blocked or full): the section still opens and closes on the page.
    let _ = storage::set(OPEN_PROFILE_SECTIONS, &with_section(&line, section, open));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_section_adds_it_in_page_order() {
        let line = with_section("tokens", ProfileSection::Claims, true);
        assert_eq!(line, "claims tokens");
        assert!(is_in(&line, ProfileSection::Tokens));
        assert!(!is_in(&line, ProfileSection::Api));
    }

    #[test]
    fn closing_a_section_keeps_the_others_open() {
        let line = with_section("claims inspector tokens", ProfileSection::Inspector, false);
        assert_eq!(line, "claims tokens");
    }

    #[test]
    fn unknown_ids_in_storage_are_dropped() {
        assert_eq!(
            with_section("old-section claims", ProfileSection::Api, true),
            "claims api"
        );
        assert!(!is_in("claimsx", ProfileSection::Claims));
    }

    #[test]
    fn a_fragment_names_its_section() {
        assert_eq!(
            ProfileSection::from_fragment("claims"),
            Some(ProfileSection::Claims)
        );
        assert_eq!(ProfileSection::from_fragment("Claims"), None);
        assert_eq!(ProfileSection::from_fragment(""), None);
    }
}
