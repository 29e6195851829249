//! The program's directory as admins keep it: services clients are referred to, and
//! resources (peer support, family support, crisis lines...). Retired entries stay on the
//! referrals that name them but are offered no more.
use super::form::{code, optional_text, phone, text, PhoneOf};
use super::{Audience, FieldProblems, PlainText, RecordId, ResourceKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 500;
pub const CONTACT_MAX_CHARS: usize = 200;

/// A web address: whole, starting with https:// or http://.
fn website(raw: &str, problems: &mut FieldProblems) -> Option<Option<PlainText>> {
    let address = optional_text(raw, CONTACT_MAX_CHARS, "website", problems)?;
    match address {
        Some(a) if !(a.as_str().starts_with("https://") || a.as_str().starts_with("http://")) => {
            problems.add(
                "website",
                "Please give the whole address, starting with https://.",
            );
            None
        }
        a => Some(a),
    }
}

/// The name and description every entry has.
fn name_and_description(
    name: &str,
    description: &str,
    problems: &mut FieldProblems,
) -> (Option<PlainText>, Option<PlainText>) {
    (
        text(name, NAME_MAX_CHARS, "name", problems),
        text(description, DESCRIPTION_MAX_CHARS, "description", problems),
    )
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    pub name: String,
    pub description: String,
    pub phone: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFields {
    pub name: PlainText,
    pub description: PlainText,
    pub phone: Option<PlainText>,
    pub address: Option<PlainText>,
}

impl ServiceForm {
    pub fn check(&self) -> Result<ServiceFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let (name, description) =
            name_and_description(&self.name, &self.description, &mut problems);
        let phone = phone(&self.phone, "phone", PhoneOf::Service, &mut problems);
        let address = optional_text(&self.address, CONTACT_MAX_CHARS, "address", &mut problems);
        let fields = (|| {
            Some(ServiceFields {
                name: name?,
                description: description?,
                phone: phone?,
                address: address?,
            })
        })();
        problems.or(fields)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceForm {
    pub kind: String,
    pub audience: String,
    pub name: String,
    pub description: String,
    pub how_to_reach: String,
    pub phone: String,
    pub website: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceFields {
    pub kind: ResourceKind,
    pub audience: Audience,
    pub name: PlainText,
    pub description: PlainText,
    pub how_to_reach: PlainText,
    pub phone: Option<PlainText>,
    pub website: Option<PlainText>,
}

impl ResourceForm {
    pub fn check(&self) -> Result<ResourceFields, FieldProblems> {
        let mut problems = FieldProblems::default();
        let kind = code(&self.kind, ResourceKind::from_code, "kind", &mut problems);
        let audience = code(
            &self.audience,
            Audience::from_code,
            "audience",
            &mut problems,
        );
        let (name, description) =
            name_and_description(&self.name, &self.description, &mut problems);
        let how_to_reach = text(
            &self.how_to_reach,
            CONTACT_MAX_CHARS,
            "how_to_reach",
            &mut problems,
        );
        let phone = phone(&self.phone, "phone", PhoneOf::Service, &mut problems);
        let website = website(&self.website, &mut problems);
        let fields = (|| {
            Some(ResourceFields {
                kind: kind?,
                audience: audience?,
                name: name?,
                description: description?,
                how_to_reach: how_to_reach?,
                phone: phone?,
                website: website?,
            })
        })();
        problems.or(fields)
    }
}

/// A directory entry as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub id: RecordId,
    pub name: String,
    pub description: String,
    /// For a resource: its kind and audience, in words.
    pub kind: Option<String>,
    pub phone: Option<String>,
    pub retired_on: Option<NaiveDate>,
    pub version: i64,
    /// The form as filled in from the entry, for editing.
    pub service: Option<ServiceForm>,
    pub resource: Option<ResourceForm>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_must_be_usable() {
        let service = ServiceForm {
            name: "Northside Housing Help".into(),
            description: "Helps people find a home.".into(),
            phone: "call us".into(),
            address: String::new(),
        };
        assert!(service.check().unwrap_err().about("phone").is_some());
        let ok = ServiceForm {
            phone: "+1 (555) 014-2000".into(),
            ..service
        };
        assert!(ok.check().is_ok());
        let resource = ResourceForm {
            kind: "peer_support".into(),
            audience: "client".into(),
            name: "Tuesday group".into(),
            description: "People who have been there.".into(),
            how_to_reach: "Drop in, Tuesdays at 6".into(),
            phone: String::new(),
            website: "example.org".into(),
        };
        assert!(resource.check().unwrap_err().about("website").is_some());
    }
}
