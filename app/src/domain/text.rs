use serde::{Deserialize, Serialize};

/// The id of a stored record, as it appears in a link. Ids are random UUIDs, so a malformed
/// one can be turned away before any query runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(String);

impl RecordId {
    pub fn parse(raw: &str) -> Option<Self> {
        let bytes = raw.as_bytes();
        let well_formed = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
            });
        well_formed.then(|| RecordId(raw.to_owned()))
    }

    /// The id of a record to change, or `None` for a new one: an empty id means "new".
    /// `Err` when it is neither.
    pub fn parse_or_new(raw: &str) -> Result<Option<Self>, NotAnId> {
        match raw {
            "" => Ok(None),
            raw => RecordId::parse(raw).map(Some).ok_or(NotAnId),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that is not a record id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnId;

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text a person wrote that must say something: trimmed, not empty, not over a limit,
/// and free of control characters other than line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlainText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("Please write something here.")]
    Empty,
    #[error("Please keep this under {max} characters.")]
    TooLong { max: usize },
    #[error("This has characters that can't be saved. Please retype it.")]
    ControlCharacters,
}

impl PlainText {
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, TextError> {
        // A browser sends a textarea's line breaks as CR LF: kept as the one line break.
        let lines = raw.replace("\r\n", "\n").replace('\r', "\n");
        let trimmed = lines.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > max_chars {
            return Err(TextError::TooLong { max: max_chars });
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(TextError::ControlCharacters);
        }
        Ok(PlainText(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn record_ids_must_look_like_uuids() {
        assert!(RecordId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").is_some());
        assert!(RecordId::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").is_none());
        assert!(RecordId::parse("42").is_none());
        assert!(RecordId::parse("0f8fad5b-d9cb-469f-a165-70867728950").is_none());
        assert!(RecordId::parse("0f8fad5b-d9cb-469f-a165-70867728950e'").is_none());
        assert!(RecordId::parse("0f8fad5b_d9cb-469f-a165-70867728950e").is_none());
    }

    #[test]
    fn plain_text_is_trimmed_and_bounded() {
        assert_eq!(PlainText::parse("  hi ", 10).unwrap().as_str(), "hi");
        assert_eq!(PlainText::parse("   ", 10), Err(TextError::Empty));
        assert_eq!(
            PlainText::parse(&"a".repeat(11), 10),
            Err(TextError::TooLong { max: 10 })
        );
        assert_eq!(
            PlainText::parse("a\u{0}b", 10),
            Err(TextError::ControlCharacters)
        );
        assert!(PlainText::parse("line one\nline two", 40).is_ok());
        assert_eq!(
            PlainText::parse("line one\r\nline two\rthree", 40)
                .unwrap()
                .as_str(),
            "line one\nline two\nthree"
        );
    }

    proptest! {
        #[test]
        fn parsed_text_is_never_blank_or_long(raw in ".{0,80}") {
            if let Ok(text) = PlainText::parse(&raw, 50) {
                prop_assert!(!text.as_str().trim().is_empty());
                prop_assert!(text.as_str().chars().count() <= 50);
            }
        }

        #[test]
        fn any_uuid_is_a_record_id(bytes in any::<[u8; 16]>()) {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let id = format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]);
            prop_assert!(RecordId::parse(&id).is_some());
        }
    }
}
