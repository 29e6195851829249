//! Waypoint's domain: the words of support-plan case management as types, and the rules
//! that hold between them. Shared by the browser and the server so both apply the same rules.

mod account;
mod appointment;
mod assessment;
#[cfg(feature = "ssr")]
mod calendar;
mod care_team;
mod case_note;
mod caseload;
mod check_in;
mod dates;
mod directory;
mod episode;
mod form;
mod intake;
mod language;
mod library;
mod message;
mod notification;
mod person;
mod plan;
mod plan_edit;
mod readability;
mod referral;
mod resource;
mod review;
mod safety_plan;
mod session;
mod share;
mod stage;
mod suggestion;
mod sync;
mod text;
#[cfg(feature = "ssr")]
mod zone;

pub use account::*;
pub use appointment::*;
pub use assessment::*;
#[cfg(feature = "ssr")]
pub use calendar::*;
pub use care_team::*;
pub use case_note::*;
pub use caseload::*;
pub use check_in::*;
pub use dates::*;
pub use directory::*;
pub use episode::*;
pub use form::{latest_form_year, row, FieldProblem, FieldProblems, SaveAnswer, PHONE_MAX_CHARS};
pub use intake::*;
pub use language::*;
pub use library::*;
pub use message::*;
pub use notification::*;
pub use person::*;
pub use plan::*;
pub use plan_edit::*;
pub use readability::*;
pub use referral::*;
pub use resource::*;
pub use review::*;
pub use safety_plan::*;
pub use session::*;
pub use share::*;
pub use stage::*;
pub use suggestion::*;
pub use sync::*;
pub use text::*;
#[cfg(feature = "ssr")]
pub use zone::*;

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
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal $(as $wire:literal)? => $label:literal $(staff $staff:literal)?, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

            /// The words on staff pages: the same, unless the set names others (staff read
            /// about the client, where the client reads "you").
            pub fn staff_label(self) -> &'static str {
                match self { $($name::$variant => $crate::domain::coded_enum!(@staff $label $($staff)?),)+ }
            }

            /// The name in JSON (the sync protocol, server functions): the code, unless the
            /// set names another.
            pub fn wire_name(self) -> &'static str {
                match self { $($name::$variant => $crate::domain::coded_enum!(@wire $code $($wire)?),)+ }
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

        // As their codes, through one shared visitor: a derive would write a string
        // matcher of its own for every set, twice over, into the phone's wasm.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.wire_name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::domain::deserialize_code(deserializer, |name| {
                    $name::ALL.iter().copied().find(|value| value.wire_name() == name)
                })
            }
        }
    };
    (@wire $code:literal) => { $code };
    (@wire $code:literal $wire:literal) => { $wire };
    (@staff $label:literal) => { $label };
    (@staff $label:literal $staff:literal) => { $staff };
}

/// Reads a word with `find`; the one visitor behind every coded set's `Deserialize`.
pub(crate) fn deserialize_code<'de, D, T>(
    deserializer: D,
    find: fn(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Code;
    impl serde::de::Visitor<'_> for Code {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a code")
        }
        fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<String, E> {
            Ok(code.to_owned())
        }
    }
    let code = deserializer.deserialize_str(Code)?;
    find(&code).ok_or_else(|| serde::de::Error::custom("an unknown code"))
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

    /// In JSON a coded word is its code, or the name its set gives it; nothing else reads.
    #[test]
    fn coded_words_in_json_are_their_names() {
        let json = serde_json::to_string(&(LifeDomain::Housing, CheckInKind::CantCome)).unwrap();
        assert_eq!(json, r#"["housing","cant_come"]"#);
        let back: (LifeDomain, CheckInKind) = serde_json::from_str(&json).unwrap();
        assert_eq!(back, (LifeDomain::Housing, CheckInKind::CantCome));
        assert!(serde_json::from_str::<CheckInKind>(r#""appointment_cant_come""#).is_err());
        assert!(serde_json::from_str::<LifeDomain>(r#""Housing""#).is_err());
        assert!(serde_json::from_str::<LifeDomain>("3").is_err());
    }
}
