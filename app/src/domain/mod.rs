//! Waypoint's domain: the words of support-plan case management as types, and the rules
//! that hold between them. Shared by the browser and the server so both apply the same rules.

mod account;
mod appointment;
mod caseload;
mod check_in;
mod dates;
mod directory;
mod form;
mod person;
mod plan;
mod plan_edit;
mod referral;
mod resource;
mod session;
mod stage;
mod sync;
mod text;

pub use account::*;
pub use appointment::*;
pub use caseload::*;
pub use check_in::*;
pub use dates::*;
pub use directory::*;
pub use form::{latest_form_year, row, FieldProblem, FieldProblems, SaveAnswer};
pub use person::*;
pub use plan::*;
pub use plan_edit::*;
pub use referral::*;
pub use resource::*;
pub use session::*;
pub use stage::*;
pub use sync::*;
pub use text::*;

/// A value that was not one of the words the domain knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known {kind}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub value: String,
}

/// Declares a closed set of domain words: each variant has the code stored in the database
/// (and checked there by a constraint) and the plain-language label people read.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident ($kind:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order people should see them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code kept in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn from_code(code: &str) -> Result<Self, $crate::domain::UnknownCode> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::domain::UnknownCode {
                        kind: $kind,
                        value: other.chars().take(40).collect(),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code round-trips and no two variants share a code, in every coded set.
    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Result<T, UnknownCode>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &value in all {
                assert_eq!(parse(code(value)), Ok(value));
                assert!(seen.insert(code(value)), "duplicate code {}", code(value));
            }
            assert!(parse("no-such-code").is_err());
        }
        check(Stage::ALL, Stage::code, Stage::from_code);
        check(LifeDomain::ALL, LifeDomain::code, LifeDomain::from_code);
        check(Horizon::ALL, Horizon::code, Horizon::from_code);
        check(GoalStatus::ALL, GoalStatus::code, GoalStatus::from_code);
        check(StepDoer::ALL, StepDoer::code, StepDoer::from_code);
        check(
            AppointmentKind::ALL,
            AppointmentKind::code,
            AppointmentKind::from_code,
        );
        check(
            AppointmentStatus::ALL,
            AppointmentStatus::code,
            AppointmentStatus::from_code,
        );
        check(
            ReferralStatus::ALL,
            ReferralStatus::code,
            ReferralStatus::from_code,
        );
        check(
            ResourceKind::ALL,
            ResourceKind::code,
            ResourceKind::from_code,
        );
        check(Audience::ALL, Audience::code, Audience::from_code);
        check(Role::ALL, Role::code, Role::from_code);
        check(Share::ALL, Share::code, Share::from_code);
        check(Attention::ALL, Attention::code, Attention::from_code);
        check(CheckInKind::ALL, CheckInKind::code, CheckInKind::from_code);
    }
}
