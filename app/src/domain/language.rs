//! The languages Waypoint is written in, and how a page's words are kept in each.
//!
//! A page's words are one struct of `&'static str` fields (`LibraryWords`, ...) with one
//! value per language in a `Translated`: a field added in one language and not the other
//! does not compile, and the words cost nothing to look up. The library's pages are the
//! first written this way; the rest of the interface follows the same shape.
use super::coded_enum;

coded_enum! {
    /// A language a reader can choose. The label is the language's own name for itself,
    /// as a language switch shows it.
    Language ("language") {
        English = "en" => "English",
        French = "fr" => "Français",
    }
}

impl Language {
    /// The language a browser asks for first among ours (`Accept-Language`, by its
    /// q-values), English when it asks for none of them.
    pub fn from_accept_language(header: &str) -> Language {
        let mut best: Option<(f32, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Ok(language) = Language::from_code(primary) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map_or(Language::English, |(_, language)| language)
    }

    /// The other language, for a switch between the two.
    pub fn other(self) -> Language {
        match self {
            Language::English => Language::French,
            Language::French => Language::English,
        }
    }
}

/// One value for each language.
pub struct Translated<T: 'static> {
    pub en: T,
    pub fr: T,
}

impl<T> Translated<T> {
    pub const fn of(&'static self, language: Language) -> &'static T {
        match language {
            Language::English => &self.en,
            Language::French => &self.fr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_first_choice_among_ours_wins() {
        assert_eq!(
            Language::from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"),
            Language::French
        );
        assert_eq!(
            Language::from_accept_language("en-CA,en;q=0.9,fr;q=0.8"),
            Language::English
        );
        assert_eq!(
            Language::from_accept_language("de-DE,fr;q=0.5,en;q=0.7"),
            Language::English
        );
        assert_eq!(
            Language::from_accept_language("de, FR;q=0.4"),
            Language::French
        );
        assert_eq!(Language::from_accept_language("es"), Language::English);
        assert_eq!(Language::from_accept_language(""), Language::English);
        assert_eq!(Language::from_accept_language("fr;q=0"), Language::English);
        assert_eq!(
            Language::from_accept_language("*;q=0.1,fr;q=garbage"),
            Language::French
        );
    }
}
