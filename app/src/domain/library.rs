//! The family's library: what an article is made of, the starter library every program
//! begins with, search that forgives accents and plurals, and the library's words in each
//! language.
use super::{FieldProblems, Language, Stage, Translated};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A reader reads about 200 words a minute; an article says how many minutes it takes.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// The language of a page at `path`: a library page's address names it
/// (`/learn/<library>/<language>/...`); the rest of the interface is in English for now.
pub fn page_language(path: &str) -> Language {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("learn"), Some(_), Some(code)) => {
            Language::from_code(code).unwrap_or(Language::English)
        }
        _ => Language::English,
    }
}

/// The address of a library page: its home (`""`), a topic (`"t/3"`), an article
/// (`"a/12"`), the search (`"search"`).
pub fn library_href(library: &str, language: Language, rest: &str) -> String {
    let base = format!("/learn/{library}/{}", language.code());
    if rest.is_empty() {
        base
    } else {
        format!("{base}/{rest}")
    }
}

/// Text folded for search: lower case, no accents, words of letters and digits joined by
/// single spaces with one on each side, and a final `s` or `x` off longer words (so
/// "overdoses" finds "overdose" and "enfants" finds "enfant"). A query's words, folded the
/// same way, match the start of a word.
pub fn fold_for_search(text: &str) -> String {
    let mut folded = String::from(" ");
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut plain = String::with_capacity(word.len());
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => plain.push('a'),
                'ç' => plain.push('c'),
                'è' | 'é' | 'ê' | 'ë' => plain.push('e'),
                'ì' | 'í' | 'î' | 'ï' => plain.push('i'),
                'ñ' => plain.push('n'),
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' => plain.push('o'),
                'ù' | 'ú' | 'û' | 'ü' => plain.push('u'),
                'ý' | 'ÿ' => plain.push('y'),
                'œ' => plain.push_str("oe"),
                'æ' => plain.push_str("ae"),
                c if c.is_ascii_alphanumeric() => plain.push(c),
                _ => {}
            }
        }
        if plain.len() > 3 && (plain.ends_with('s') || plain.ends_with('x')) {
            plain.pop();
        }
        if !plain.is_empty() {
            folded.push_str(&plain);
            folded.push(' ');
        }
    }
    folded
}

/// The words of a search, folded, at most eight, each at least two letters.
pub fn search_words(query: &str) -> Vec<String> {
    fold_for_search(query)
        .split_whitespace()
        .filter(|w| w.len() >= 2)
        .take(8)
        .map(str::to_owned)
        .collect()
}

/// "3 December 2026", "3 décembre 2026".
pub fn date_in(language: Language, date: NaiveDate) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let months = match language {
        Language::English => super::dates::MONTHS,
        Language::French => FR,
    };
    let month = months[date.month0() as usize];
    format!("{} {month} {}", date.day(), date.year())
}

/// An article as a list shows it: in a topic, in "Start here", in search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLink {
    pub number: i64,
    pub topic_number: i64,
    pub title: String,
    pub summary: String,
    pub minutes: usize,
    /// Its place in "Start here", if it is there.
    pub start_here: Option<i64>,
    pub stages: Vec<Stage>,
}

/// A topic of a library, with its published articles in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub number: i64,
    pub title: String,
    pub articles: Vec<ArticleLink>,
}

/// A library as its pages address it: the code in its addresses and the language read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPlace {
    pub code: String,
    pub language: Language,
}

impl LibraryPlace {
    pub fn href(&self, rest: &str) -> String {
        library_href(&self.code, self.language, rest)
    }

    pub fn words(&self) -> &'static LibraryWords {
        LIBRARY_WORDS.of(self.language)
    }
}

/// Who at the clinic checked an article, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub by: String,
    pub on: NaiveDate,
}

/// An article's published words in one language, as a reader reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleText {
    pub link: ArticleLink,
    pub topic_title: String,
    /// Made from the Markdown and sanitised when it was saved.
    pub html: String,
    pub review: Option<Review>,
}

/// What an article's words make when saved: the HTML a reader gets, the text search
/// reads, and the count of words.
#[cfg(feature = "ssr")]
pub struct RenderedText {
    pub html: String,
    pub search_text: String,
    pub words: usize,
}

/// Renders an article's Markdown with pulldown-cmark and keeps only safe HTML with ammonia:
/// no scripts, no event handlers, no `javascript:` links, no images (a picture from
/// elsewhere would tell its server who reads what). A `#` heading becomes `##`: the
/// article's title is the page's only first-level heading.
#[cfg(feature = "ssr")]
pub fn render_article(title: &str, summary: &str, body: &str) -> RenderedText {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut plain = format!("{title} {summary} ");
    let events = Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).map(|event| {
        match &event {
            Event::Text(text) | Event::Code(text) => {
                plain.push_str(text);
                plain.push(' ');
            }
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                Event::End(TagEnd::Heading(HeadingLevel::H2))
            }
            other => other,
        }
    });
    let mut unsafe_html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, events);
    let html = ammonia::Builder::default()
        .rm_tags(&["img", "h1"])
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string();
    let words = plain.split_whitespace().count();
    RenderedText {
        html,
        search_text: fold_for_search(&plain),
        words,
    }
}

/// The most an article's title, summary and text may hold (characters). The longest
/// starter article is under 6,000; a text ten times that is not one a family reads.
pub const ARTICLE_TITLE_MAX: usize = 120;
pub const ARTICLE_SUMMARY_MAX: usize = 300;
pub const ARTICLE_BODY_MAX: usize = 60_000;
pub const TOPIC_TITLE_MAX: usize = 80;

/// An article's words in one language as an admin writes them (Markdown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleForm {
    pub title: String,
    pub summary: String,
    pub body: String,
}

impl ArticleForm {
    /// Trimmed, with every problem at its field.
    pub fn check(&self) -> Result<ArticleForm, FieldProblems> {
        let mut problems = FieldProblems::default();
        let (title, summary, body) = (self.title.trim(), self.summary.trim(), self.body.trim());
        if title.is_empty() {
            problems.add("title", "Give the article a title.");
        } else if title.chars().count() > ARTICLE_TITLE_MAX {
            problems.add(
                "title",
                format!("Keep the title to {ARTICLE_TITLE_MAX} characters."),
            );
        }
        if summary.chars().count() > ARTICLE_SUMMARY_MAX {
            problems.add(
                "summary",
                format!("Keep the summary to {ARTICLE_SUMMARY_MAX} characters."),
            );
        }
        if body.is_empty() {
            problems.add("body", "Write the article's text.");
        } else if body.chars().count() > ARTICLE_BODY_MAX {
            problems.add(
                "body",
                format!("This is too long for one article: keep it to {ARTICLE_BODY_MAX} characters, or split it in two."),
            );
        }
        problems.or(Some(ArticleForm {
            title: title.to_owned(),
            summary: summary.to_owned(),
            body: body.to_owned(),
        }))
    }
}

/// A topic's title in both languages, as an admin writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicForm {
    pub title_en: String,
    pub title_fr: String,
}

impl TopicForm {
    pub fn check(&self) -> Result<TopicForm, FieldProblems> {
        let mut problems = FieldProblems::default();
        for (field, value) in [("title_en", &self.title_en), ("title_fr", &self.title_fr)] {
            let value = value.trim();
            if value.is_empty() {
                problems.add(field, "Give the topic a title.");
            } else if value.chars().count() > TOPIC_TITLE_MAX {
                problems.add(field, format!("Keep it to {TOPIC_TITLE_MAX} characters."));
            }
        }
        problems.or(Some(TopicForm {
            title_en: self.title_en.trim().to_owned(),
            title_fr: self.title_fr.trim().to_owned(),
        }))
    }
}

/// Where an article's words stand in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextState {
    /// No words in this language: readers of it do not see the article.
    Missing,
    /// Saved, never published.
    Draft,
    /// The latest words are what readers read.
    Published,
    /// Readers read a published version; a newer draft waits.
    DraftWaiting,
}

impl TextState {
    pub fn label(self) -> &'static str {
        match self {
            TextState::Missing => "Not written",
            TextState::Draft => "Draft, not published",
            TextState::Published => "Published",
            TextState::DraftWaiting => "Published, with a newer draft",
        }
    }
}

/// An article as the admin's list of the library shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShelfArticle {
    pub number: i64,
    pub title: String,
    pub states: Vec<(Language, TextState)>,
    pub checked: bool,
    pub retired: bool,
}

/// A topic as the admin's list shows it, with every article in it (retired ones too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShelfTopic {
    pub number: i64,
    pub title: TopicForm,
    pub retired: bool,
    pub articles: Vec<ShelfArticle>,
}

/// One saved version of an article's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextVersion {
    pub version: i64,
    pub form: ArticleForm,
    /// The HTML a reader would get: the preview.
    pub html: String,
    pub saved_by: String,
    pub saved_at: String,
    pub published_at: Option<String>,
}

/// An article's words in one language for its editor: the latest version and the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditedText {
    pub language: Language,
    pub latest: Option<TextVersion>,
    /// Newest first: (version, who, when, published when).
    pub history: Vec<(i64, String, String, Option<String>)>,
}

impl EditedText {
    pub fn state(&self) -> TextState {
        let published = self.history.iter().any(|(_, _, _, p)| p.is_some());
        match &self.latest {
            None => TextState::Missing,
            Some(latest) if latest.published_at.is_some() => TextState::Published,
            Some(_) if published => TextState::DraftWaiting,
            Some(_) => TextState::Draft,
        }
    }
}

/// An article as its editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditedArticle {
    pub number: i64,
    pub topic_number: i64,
    pub stages: Vec<Stage>,
    pub review: Option<Review>,
    pub retired: bool,
    pub version: i64,
    pub texts: Vec<EditedText>,
}

/// The header of an article's Markdown file: `name: value` lines, then `---`, then the
/// body. Starter articles are written this way (`app/library/<key>.<language>.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFile<'a> {
    pub key: &'a str,
    pub topic: &'a str,
    pub stages: Vec<Stage>,
    pub start_here: bool,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
}

impl<'a> ArticleFile<'a> {
    pub fn parse(text: &'a str) -> Result<ArticleFile<'a>, String> {
        let (header, body) = text
            .split_once("\n---\n")
            .ok_or("no `---` line after the header")?;
        let field = |name: &str| {
            header.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == name).then(|| value.trim())
            })
        };
        let required = |name: &str| {
            field(name)
                .filter(|v| !v.is_empty())
                .ok_or(format!("no `{name}`"))
        };
        let stages = field("stages")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Stage::from_code(s).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ArticleFile {
            key: required("key")?,
            topic: required("topic")?,
            stages,
            start_here: field("first") == Some("yes"),
            title: required("title")?,
            summary: required("summary")?,
            body: body.trim(),
        })
    }
}

/// A topic of the starter library: its key (what a starter article's `topic` names) and
/// its title in each language.
pub struct StarterTopic {
    pub key: &'static str,
    pub title: Translated<&'static str>,
}

pub static STARTER_TOPICS: [StarterTopic; 5] = [
    StarterTopic {
        key: "treatment",
        title: Translated {
            en: "Methadone treatment",
            fr: "Le traitement à la méthadone",
        },
    },
    StarterTopic {
        key: "safety",
        title: Translated {
            en: "Staying safe",
            fr: "Rester en sécurité",
        },
    },
    StarterTopic {
        key: "recovery",
        title: Translated {
            en: "Recovery and setbacks",
            fr: "Le rétablissement et les rechutes",
        },
    },
    StarterTopic {
        key: "supporting",
        title: Translated {
            en: "Supporting someone",
            fr: "Soutenir un proche",
        },
    },
    StarterTopic {
        key: "help",
        title: Translated {
            en: "Help and support groups",
            fr: "Aide et groupes de soutien",
        },
    },
];

/// The starter articles in the order they are numbered and shown, each in English and
/// French. Compiled into the server only.
#[cfg(any(feature = "ssr", test))]
pub fn starter_articles() -> Vec<Translated<&'static str>> {
    macro_rules! starter {
        ($($key:literal),+ $(,)?) => {
            vec![$(Translated {
                en: include_str!(concat!("../../library/", $key, ".en.md")),
                fr: include_str!(concat!("../../library/", $key, ".fr.md")),
            }),+]
        };
    }
    starter![
        "what-is-methadone-treatment",
        "first-weeks",
        "side-effects",
        "overdose-and-naloxone",
        "dangerous-combinations",
        "safe-storage",
        "stages-of-care",
        "myths",
        "relapse",
        "talk-and-listen",
        "support-without-taking-over",
        "looking-after-yourself",
        "children-in-the-family",
        "confidentiality-and-sharing",
        "help-right-now",
        "peer-and-family-groups",
    ]
}

/// The words of the library's pages.
pub struct LibraryWords {
    pub title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub start_here: &'static str,
    pub topics: &'static str,
    pub all_topics: &'static str,
    pub articles: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub results_for: &'static str,
    pub no_results: &'static str,
    pub short_query: &'static str,
    pub minutes_read: &'static str,
    pub next_in_topic: &'static str,
    pub last_in_topic: &'static str,
    pub topic: &'static str,
    pub share: &'static str,
    pub print: &'static str,
    pub link_label: &'static str,
    pub link_copied: &'static str,
    pub reviewed: &'static str,
    pub reviewed_on: &'static str,
    pub not_reviewed: &'static str,
    pub save_heading: &'static str,
    pub save_text: &'static str,
    pub save_size: &'static str,
    pub save_button: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    pub places_heading: &'static str,
    pub language: &'static str,
    pub skip_link: &'static str,
}

pub static LIBRARY_WORDS: Translated<LibraryWords> = Translated {
    en: LibraryWords {
        title: "Library",
        heading: "Learn and find support",
        intro: "Plain, trusted information for family and friends. Open to everyone: you do not need to sign in, and nothing about you is kept.",
        start_here: "Start here",
        topics: "Topics",
        all_topics: "All topics",
        articles: "articles",
        search_label: "Search the library",
        search_button: "Search",
        results_for: "Results for",
        no_results: "Nothing matched. Try a shorter word, or look through the topics.",
        short_query: "Type a word of two letters or more.",
        minutes_read: "min read",
        next_in_topic: "Next in this topic",
        last_in_topic: "This is the last article in this topic.",
        topic: "Topic",
        share: "Share",
        print: "Print",
        link_label: "Link to this page",
        link_copied: "Link copied.",
        reviewed: "Checked by",
        reviewed_on: "on",
        not_reviewed: "This is Waypoint's starter text. Your clinic has not checked it yet.",
        save_heading: "Read with no internet",
        save_text: "Save the whole library on this phone. Then you can read every article with no connection.",
        save_size: "It uses about",
        save_button: "Save the library on this phone",
        saving: "Saving…",
        saved: "Saved. You can read every article with no connection.",
        save_failed: "Could not save it. Check your connection and try again.",
        places_heading: "Places to get help",
        language: "Language",
        skip_link: "Skip to content",
    },
    fr: LibraryWords {
        title: "Bibliothèque",
        heading: "S'informer et trouver du soutien",
        intro: "De l'information simple et fiable pour la famille et les amis. Ouvert à tous : pas besoin de vous connecter, et rien sur vous n'est gardé.",
        start_here: "Pour commencer",
        topics: "Sujets",
        all_topics: "Tous les sujets",
        articles: "articles",
        search_label: "Chercher dans la bibliothèque",
        search_button: "Chercher",
        results_for: "Résultats pour",
        no_results: "Aucun résultat. Essayez un mot plus court, ou parcourez les sujets.",
        short_query: "Tapez un mot de deux lettres ou plus.",
        minutes_read: "min de lecture",
        next_in_topic: "À lire ensuite dans ce sujet",
        last_in_topic: "C'est le dernier article de ce sujet.",
        topic: "Sujet",
        share: "Partager",
        print: "Imprimer",
        link_label: "Lien vers cette page",
        link_copied: "Lien copié.",
        reviewed: "Vérifié par",
        reviewed_on: "le",
        not_reviewed: "Ceci est le texte de départ de Waypoint. Votre clinique ne l'a pas encore vérifié.",
        save_heading: "Lire sans internet",
        save_text: "Enregistrez toute la bibliothèque sur ce téléphone. Vous pourrez ensuite lire chaque article sans connexion.",
        save_size: "Elle prend environ",
        save_button: "Enregistrer la bibliothèque sur ce téléphone",
        saving: "Enregistrement…",
        saved: "C'est enregistré. Vous pouvez lire chaque article sans connexion.",
        save_failed: "L'enregistrement n'a pas marché. Vérifiez votre connexion et réessayez.",
        places_heading: "Où trouver de l'aide",
        language: "Langue",
        skip_link: "Aller au contenu",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::count_text;

    #[test]
    fn search_forgives_case_accents_and_plurals() {
        assert_eq!(fold_for_search("Les Enfants, l'été!"), " les enfant l ete ");
        assert_eq!(search_words("Overdoses"), vec!["overdose"]);
        assert!(fold_for_search("Naloxone: étape par étape").contains(" etape "));
        assert_eq!(search_words("a  é   NALOXONE"), vec!["naloxone"]);
        assert!(search_words(&"word ".repeat(20)).len() <= 8);
    }

    #[test]
    fn a_library_address_names_its_language() {
        assert_eq!(page_language("/learn/ab12cd34/fr/a/3"), Language::French);
        assert_eq!(page_language("/learn/ab12cd34/en"), Language::English);
        assert_eq!(page_language("/learn/ab12cd34/xx"), Language::English);
        assert_eq!(page_language("/plan"), Language::English);
        assert_eq!(
            library_href("ab12cd34", Language::French, "a/3"),
            "/learn/ab12cd34/fr/a/3"
        );
        assert_eq!(
            date_in(
                Language::French,
                NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()
            ),
            "1 août 2026"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn no_script_or_raw_html_reaches_a_reader() {
        let body = "## Safe\n\nHello <script>alert(1)</script> there.\n\n\
                    <img src=\"https://elsewhere.example/pixel.gif\" onerror=\"alert(2)\">\n\n\
                    [tap me](javascript:alert(3)) and [ok](https://example.org) and \
                    <a href=\"javascript:alert(4)\" onclick=\"alert(5)\">raw</a>\n\n\
                    <iframe src=\"https://evil.example\"></iframe><style>body{}</style>\n\n# Big\n";
        let rendered = render_article("Title", "Summary", body);
        let html = rendered.html.to_lowercase();
        for bad in [
            "<script",
            "alert(1)",
            "<img",
            "onerror",
            "javascript:",
            "onclick",
            "<iframe",
            "<style",
            "<h1",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains("<h2>safe</h2>") && html.contains("<h2>big</h2>"),
            "{html}"
        );
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
        assert!(rendered.search_text.contains(" hello "));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_long_text_renders_whole() {
        let body = "Word and word. ".repeat(7000);
        assert!(body.len() >= 100_000);
        let rendered = render_article("Long", "", &body);
        assert_eq!(rendered.words, 21_000 + 1);
        assert!(rendered.html.starts_with("<p>") && rendered.html.len() > body.len());
    }

    /// Every starter article, in both languages, parses, belongs to a starter topic, and
    /// is plain: Flesch-Kincaid grade 8 or below in English, Kandel-Moles ease 65 or more
    /// in French. Each names its sources at the end.
    #[test]
    fn every_starter_article_is_plain_and_names_its_sources() {
        let articles = starter_articles();
        assert!(articles.len() >= 16);
        let mut report = Vec::new();
        for article in &articles {
            let en = ArticleFile::parse(article.en).unwrap();
            let fr = ArticleFile::parse(article.fr).unwrap();
            assert_eq!(en.key, fr.key);
            assert_eq!(en.topic, fr.topic, "{}", en.key);
            assert_eq!(en.stages, fr.stages, "{}", en.key);
            assert!(
                STARTER_TOPICS.iter().any(|t| t.key == en.topic),
                "{}",
                en.key
            );
            for (language, file) in [(Language::English, &en), (Language::French, &fr)] {
                assert!(
                    file.body.contains("## Sources"),
                    "{} ({language:?}) names no sources",
                    file.key
                );
                let counts = count_text(file.body, language);
                assert!(counts.words >= 300, "{} ({language:?}) is short", file.key);
                report.push(format!(
                    "{} {}: grade {:.1}, ease {:.1}",
                    file.key,
                    language.code(),
                    counts.grade(),
                    counts.ease()
                ));
                assert!(
                    counts.is_plain(language),
                    "{} ({language:?}) is too hard to read: {counts:?}, grade {:.1}, ease {:.1}",
                    file.key,
                    counts.grade(),
                    counts.ease()
                );
            }
        }
        println!("{}", report.join("\n"));
    }
}
