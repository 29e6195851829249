//! Rules for signing in, checked the same way in the browser and on the server.
use serde::{Deserialize, Serialize};

/// The name a person types to sign in: 3 to 32 of a-z, 0-9, '.', '-', '_', kept lowercase.
/// Chosen by the person, so it need not be (and should not be) their real name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SignInName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SignInNameProblem {
    #[error("Please choose a sign-in name of at least 3 characters.")]
    TooShort,
    #[error("Please keep your sign-in name to 32 characters or fewer.")]
    TooLong,
    #[error("Please use only letters a to z, numbers, dots, dashes and underscores.")]
    Characters,
}

impl SignInName {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, SignInNameProblem> {
        let name = raw.trim().to_lowercase();
        if name.chars().count() > Self::MAX_CHARS {
            return Err(SignInNameProblem::TooLong);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
        {
            return Err(SignInNameProblem::Characters);
        }
        if name.chars().count() < 3 {
            return Err(SignInNameProblem::TooShort);
        }
        Ok(SignInName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is wrong with a chosen passphrase. NIST SP 800-63B: a minimum length, a generous
/// maximum, any characters, no composition rules, and no common or breached passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PassphraseProblem {
    #[error("Please use at least 8 characters. A few words together is easy to remember.")]
    TooShort,
    #[error("Please use 256 characters or fewer.")]
    TooLong,
    #[error("That passphrase is too common and easy to guess. Please choose another.")]
    Common,
    #[error("Please don't use your sign-in name as your passphrase.")]
    SameAsName,
    #[error("The two passphrases are not the same. Please type them again.")]
    Mismatch,
}

pub const PASSPHRASE_MIN_CHARS: usize = 8;
pub const PASSPHRASE_MAX_CHARS: usize = 256;

/// The checks that need no list; the server adds the common-password check.
pub fn check_passphrase_shape(
    passphrase: &str,
    sign_in_name: &str,
) -> Result<(), PassphraseProblem> {
    let chars = passphrase.chars().count();
    if chars < PASSPHRASE_MIN_CHARS {
        return Err(PassphraseProblem::TooShort);
    }
    if chars > PASSPHRASE_MAX_CHARS {
        return Err(PassphraseProblem::TooLong);
    }
    if passphrase.trim().eq_ignore_ascii_case(sign_in_name.trim()) {
        return Err(PassphraseProblem::SameAsName);
    }
    Ok(())
}

/// The name a supporter or staff member is shown by: plain text of up to 60 characters, on
/// one line. `None` when it is empty or not plain text.
pub fn shown_name(raw: &str) -> Option<String> {
    super::PlainText::parse(raw, 60)
        .ok()
        .map(|text| text.as_str().replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sign_in_names_are_lowercase_and_plain() {
        assert_eq!(SignInName::parse("  Sam.R_2 ").unwrap().as_str(), "sam.r_2");
        assert_eq!(SignInName::parse("ab"), Err(SignInNameProblem::TooShort));
        assert_eq!(SignInName::parse(""), Err(SignInNameProblem::TooShort));
        assert_eq!(
            SignInName::parse("sam r"),
            Err(SignInNameProblem::Characters)
        );
        assert_eq!(
            SignInName::parse("sam\u{0}"),
            Err(SignInNameProblem::Characters)
        );
        assert_eq!(SignInName::parse("zoë"), Err(SignInNameProblem::Characters));
        assert_eq!(
            SignInName::parse(&"a".repeat(10_000)),
            Err(SignInNameProblem::TooLong)
        );
    }

    #[test]
    fn passphrases_follow_nist() {
        assert_eq!(
            check_passphrase_shape("short", "sam"),
            Err(PassphraseProblem::TooShort)
        );
        // Length counts characters, not bytes: four emoji are 16 bytes but 4 characters.
        assert_eq!(
            check_passphrase_shape("🌱🌱🌱🌱", "sam"),
            Err(PassphraseProblem::TooShort)
        );
        assert_eq!(
            check_passphrase_shape("riverstone", "RiverStone"),
            Err(PassphraseProblem::SameAsName)
        );
        assert_eq!(
            check_passphrase_shape(&"x".repeat(257), "sam"),
            Err(PassphraseProblem::TooLong)
        );
        // No composition rules: spaces, any script, all lowercase are fine.
        assert_eq!(
            check_passphrase_shape("green kettle on the hill", "sam"),
            Ok(())
        );
        assert_eq!(check_passphrase_shape("дом у реки весной", "sam"), Ok(()));
        assert_eq!(check_passphrase_shape(&"x".repeat(64), "sam"), Ok(()));
    }

    proptest! {
        #[test]
        fn parsed_names_always_parse_again(raw in "\\PC{0,40}") {
            if let Ok(name) = SignInName::parse(&raw) {
                prop_assert_eq!(SignInName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}
