//! The family's library: open to everyone, with no sign-in, in English and French. Every
//! page is the same for every reader of its address (nothing about the reader is in it),
//! so the phone may keep it in the clear for reading offline (`public/sw.js`,
//! `public/library.js`). Each page's title is only "Library": a tab or a history entry
//! must not say what the reader was reading about, and addresses carry numbers, not words.
use crate::components::{served, ResourceCard};
use crate::domain::{
    date_in, start_here_articles, ArticleLink, ArticleText, Language, LibraryPlace, Resource,
    Topic, LIBRARY_WORDS,
};
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryHome {
    pub place: LibraryPlace,
    pub topics: Vec<Topic>,
    /// The program's places for family and friends to get help.
    pub help: Vec<Resource>,
    /// Every page "Save the library" keeps: the home, each topic, each article.
    pub pages: Vec<String>,
    /// About how many kilobytes saving it downloads (see `saved_size_kb`).
    pub size_kb: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPage {
    pub place: LibraryPlace,
    pub topic: Topic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub place: LibraryPlace,
    pub article: ArticleText,
    pub next: Option<ArticleLink>,
    /// The page's whole address, to copy or share.
    pub share_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub place: LibraryPlace,
    pub query: String,
    /// None when the query had no word to look for.
    pub found: Option<Vec<ArticleLink>>,
}

/// The library at `code` read in `language`, or not found; the language is kept for the
/// next `/learn`.
#[cfg(feature = "ssr")]
async fn open_library(
    code: &str,
    language: &str,
) -> Result<(crate::state::AppState, crate::db::Library, LibraryPlace), AppError> {
    use crate::session::{kept_language, language_cookie};
    let state = use_context::<crate::state::AppState>().ok_or(AppError::Unavailable)?;
    let language = Language::from_code(language).map_err(|_| AppError::NotFound)?;
    let library = crate::db::library_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let parts = use_context::<http::request::Parts>();
    let kept = parts.as_ref().and_then(|p| kept_language(&p.headers));
    if kept != Some(language) {
        if let (Some(response), Ok(cookie)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&language_cookie(language, state.secure_cookies)),
        ) {
            response.append_header(http::header::SET_COOKIE, cookie);
        }
    }
    let place = LibraryPlace {
        code: library.code.clone(),
        language,
    };
    Ok((state, library, place))
}

/// About how many kilobytes the saved library takes to download: each page's words
/// compress to about a third, and each page's frame adds about 1.65 KB. Measured
/// against what the server really sends by `bench/size.sh`.
pub fn saved_size_kb(html_bytes: usize, pages: usize) -> usize {
    (html_bytes / 3 + pages * 1650).div_ceil(1000)
}

#[server(endpoint = "library-home")]
pub async fn get_library_home(code: String, language: String) -> Result<LibraryHome, AppError> {
    crate::request::answer_public(async move {
        let (state, library, place) = open_library(&code, &language).await?;
        let db = &state.db;
        let topics =
            crate::db::library_topics(db, &library.organisation_id, place.language).await?;
        let help = crate::db::family_resources(db, &library.organisation_id).await?;
        let mut pages = vec![place.href("")];
        for topic in &topics {
            pages.push(place.href(&format!("t/{}", topic.number)));
            pages.extend(
                topic
                    .articles
                    .iter()
                    .map(|a| place.href(&format!("a/{}", a.number))),
            );
        }
        let html_bytes =
            crate::db::library_html_bytes(db, &library.organisation_id, place.language).await?;
        let size_kb = saved_size_kb(html_bytes, pages.len());
        Ok(LibraryHome {
            place,
            topics,
            help,
            pages,
            size_kb,
        })
    })
    .await
}

#[server(endpoint = "library-topic")]
pub async fn get_library_topic(
    code: String,
    language: String,
    number: i64,
) -> Result<TopicPage, AppError> {
    crate::request::answer_public(async move {
        let (state, library, place) = open_library(&code, &language).await?;
        let topic = crate::db::library_topics(&state.db, &library.organisation_id, place.language)
            .await?
            .into_iter()
            .find(|t| t.number == number)
            .ok_or(AppError::NotFound)?;
        Ok(TopicPage { place, topic })
    })
    .await
}

#[server(endpoint = "library-article")]
pub async fn get_library_article(
    code: String,
    language: String,
    number: i64,
) -> Result<ArticlePage, AppError> {
    crate::request::answer_public(async move {
        let (state, library, place) = open_library(&code, &language).await?;
        let db = &state.db;
        let article =
            crate::db::library_article(db, &library.organisation_id, place.language, number)
                .await?
                .ok_or(AppError::NotFound)?;
        let topics =
            crate::db::library_topics(db, &library.organisation_id, place.language).await?;
        let next = topics
            .into_iter()
            .find(|t| t.number == article.link.topic_number)
            .and_then(|topic| {
                let mut articles = topic.articles.into_iter();
                articles.find(|a| a.number == number)?;
                articles.next()
            });
        let share_url = format!(
            "{}{}",
            state.public_origin,
            place.href(&format!("a/{number}"))
        );
        Ok(ArticlePage {
            place,
            article,
            next,
            share_url,
        })
    })
    .await
}

#[server(endpoint = "library-search")]
pub async fn get_library_search(
    code: String,
    language: String,
    query: String,
) -> Result<SearchPage, AppError> {
    crate::request::answer_public(async move {
        let (state, library, place) = open_library(&code, &language).await?;
        let query: String = query.chars().take(100).collect();
        let words = crate::domain::search_words(&query);
        let found = if words.is_empty() {
            None
        } else {
            Some(
                crate::db::search_library(
                    &state.db,
                    &library.organisation_id,
                    place.language,
                    &words,
                )
                .await?,
            )
        };
        Ok(SearchPage {
            place,
            query,
            found,
        })
    })
    .await
}

/// The library's code and language from the page's address.
fn address() -> (String, String, Option<i64>) {
    let params = use_params_map().read_untracked();
    let number = params.get("number").and_then(|n| n.parse().ok());
    (
        params.get("code").unwrap_or_default(),
        params.get("language").unwrap_or_default(),
        number,
    )
}

/// Every library page's title: only the word "Library" in the page's language.
fn title() -> &'static str {
    let (_, language, _) = address();
    LIBRARY_WORDS
        .of(Language::from_code(&language).unwrap_or(Language::English))
        .title
}

#[component]
pub fn LibraryHomePage() -> impl IntoView {
    let (code, language, _) = address();
    view! {
        <Title text=title()/>
        {served(move || get_library_home(code, language), |home| view! { <LibraryHomeView home/> })}
    }
}

#[component]
pub fn LibraryTopicPage() -> impl IntoView {
    let (code, language, number) = address();
    view! {
        <Title text=title()/>
        {served(
            move || get_library_topic(code, language, number.unwrap_or(0)),
            |page| view! { <TopicView page/> },
        )}
    }
}

#[component]
pub fn LibraryArticlePage() -> impl IntoView {
    let (code, language, number) = address();
    view! {
        <Title text=title()/>
        {served(
            move || get_library_article(code, language, number.unwrap_or(0)),
            |page| view! { <ArticleView page/> },
        )}
    }
}

#[component]
pub fn LibrarySearchPage() -> impl IntoView {
    let (code, language, _) = address();
    let query = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    view! {
        <Title text=title()/>
        {served(
            move || get_library_search(code, language, query),
            |page| view! { <SearchView page/> },
        )}
    }
}

/// The bar at the top of each library page: back to the library's home, and the same page
/// in the other language.
#[component]
fn LibraryBar(place: LibraryPlace, #[prop(into)] here: String) -> impl IntoView {
    let words = place.words();
    let other = place.language.other();
    let other_href = LibraryPlace {
        language: other,
        ..place.clone()
    }
    .href(&here);
    view! {
        <nav class="library-bar" aria-label=words.language>
            <a class="link" href=place.href("")>{words.title}</a>
            <a class="language-switch" href=other_href lang=other.code() hreflang=other.code()>
                {other.label()}
            </a>
        </nav>
    }
}

#[component]
fn SearchForm(place: LibraryPlace, #[prop(into)] query: String) -> impl IntoView {
    let words = place.words();
    view! {
        <form class="library-search" method="get" action=place.href("search") role="search">
            <label for="library-q">{words.search_label}</label>
            <div class="search-row">
                <input id="library-q" name="q" type="search" value=query maxlength="100" autocomplete="off"/>
                <button class="button" type="submit">{words.search_button}</button>
            </div>
        </form>
    }
}

#[component]
fn ArticleList(place: LibraryPlace, articles: Vec<ArticleLink>) -> impl IntoView {
    let words = place.words();
    view! {
        <ul class="plain-list article-list">
            {articles.into_iter().map(|article| view! {
                <li class="card article-card">
                    <a class="article-link" href=place.href(&format!("a/{}", article.number))>{article.title}</a>
                    <p>{article.summary}</p>
                    <p class="meta">{format!("{} {}", article.minutes, words.minutes_read)}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn LibraryHomeView(home: LibraryHome) -> impl IntoView {
    let LibraryHome {
        place,
        topics,
        help,
        pages,
        size_kb,
    } = home;
    let words = place.words();
    let start_here = start_here_articles(&topics);
    let topic_items = topics
        .into_iter()
        .filter(|t| !t.articles.is_empty())
        .map(|topic| {
            let href = place.href(&format!("t/{}", topic.number));
            let count = format!("{} {}", topic.articles.len(), words.articles);
            view! {
                <li><a class="topic-link" href=href><span>{topic.title}</span><span class="meta">{count}</span></a></li>
            }
        })
        .collect_view();
    let size = format!("{} {size_kb} KB.", words.save_size);
    view! {
        <LibraryBar place=place.clone() here=""/>
        <h1>{words.heading}</h1>
        <p>{words.intro}</p>
        <SearchForm place=place.clone() query=""/>
        {(!start_here.is_empty()).then(|| view! {
            <section aria-labelledby="start-heading">
                <h2 id="start-heading">{words.start_here}</h2>
                <ArticleList place=place.clone() articles=start_here/>
            </section>
        })}
        <section aria-labelledby="topics-heading">
            <h2 id="topics-heading">{words.topics}</h2>
            <ul class="plain-list topic-list">{topic_items}</ul>
        </section>
        // Shown by `library.js` where the phone can keep pages.
        <section class="card save-library" aria-labelledby="save-heading" hidden>
            <h2 id="save-heading">{words.save_heading}</h2>
            <p>{words.save_text}" "{size}</p>
            <button type="button" class="button" data-library-save=pages.join(" ")
                data-saving=words.saving data-saved=words.saved data-failed=words.save_failed>
                {words.save_button}
            </button>
            <p class="save-status" role="status" data-library-status></p>
        </section>
        {(!help.is_empty()).then(|| view! {
            <section aria-labelledby="places-heading">
                <h2 id="places-heading">{words.places_heading}</h2>
                <ul class="plain-list">
                    {help.into_iter().map(|resource| view! { <li><ResourceCard resource/></li> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
pub fn TopicView(page: TopicPage) -> impl IntoView {
    let TopicPage { place, topic } = page;
    let words = place.words();
    view! {
        <LibraryBar place=place.clone() here=format!("t/{}", topic.number)/>
        <p class="eyebrow">{words.topic}</p>
        <h1>{topic.title}</h1>
        <ArticleList place=place.clone() articles=topic.articles/>
        <p><a class="link" href=place.href("")>{words.all_topics}</a></p>
    }
}

#[component]
pub fn ArticleView(page: ArticlePage) -> impl IntoView {
    let ArticlePage {
        place,
        article,
        next,
        share_url,
    } = page;
    let words = place.words();
    let link = article.link;
    let topic_href = place.href(&format!("t/{}", link.topic_number));
    let review = match article.review {
        Some(review) => format!(
            "{} {} {} {}.",
            words.reviewed,
            review.by,
            words.reviewed_on,
            date_in(place.language, review.on)
        ),
        None => words.not_reviewed.to_owned(),
    };
    let next = match next {
        Some(next) => Either::Left(view! {
            <nav class="card next-article" aria-labelledby="next-heading">
                <h2 id="next-heading">{words.next_in_topic}</h2>
                <a class="article-link" href=place.href(&format!("a/{}", next.number))>{next.title}</a>
                <p>{next.summary}</p>
            </nav>
        }),
        None => Either::Right(view! {
            <p class="next-article">{words.last_in_topic}" "<a class="link" href=topic_href.clone()>{words.all_topics}</a></p>
        }),
    };
    view! {
        <LibraryBar place=place.clone() here=format!("a/{}", link.number)/>
        <article class="library-article">
            <p class="eyebrow"><a class="link" href=topic_href>{article.topic_title}</a></p>
            <h1>{link.title}</h1>
            <p class="lede">{link.summary}</p>
            <p class="meta">{format!("{} {}", link.minutes, words.minutes_read)}</p>
            <div class="article-body" inner_html=article.html></div>
            <p class="review-line">{review}</p>
        </article>
        <div class="share-tools">
            <button type="button" class="button secondary" data-library-share data-copied=words.link_copied hidden>
                {words.share}
            </button>
            <button type="button" class="button secondary" data-library-print hidden>{words.print}</button>
            <label class="share-link">
                <span>{words.link_label}</span>
                <input type="url" readonly value=share_url/>
            </label>
            <p class="save-status" role="status" data-library-status></p>
        </div>
        {next}
    }
}

#[component]
pub fn SearchView(page: SearchPage) -> impl IntoView {
    let SearchPage {
        place,
        query,
        found,
    } = page;
    let words = place.words();
    let here = format!("search?q={}", encode_query(&query));
    let results = match found {
        None => Either::Left(view! { <p>{words.short_query}</p> }),
        Some(found) if found.is_empty() => Either::Left(view! { <p>{words.no_results}</p> }),
        Some(found) => Either::Right(view! { <ArticleList place=place.clone() articles=found/> }),
    };
    view! {
        <LibraryBar place=place.clone() here/>
        <h1>{words.results_for}" “"{query.clone()}"”"</h1>
        <SearchForm place=place.clone() query/>
        {results}
        <p><a class="link" href=place.href("")>{words.all_topics}</a></p>
    }
}

/// A query for an address: letters and digits as they are, everything else %-encoded.
fn encode_query(query: &str) -> String {
    let mut out = String::new();
    for byte in query.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(byte as char);
        } else if byte == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_goes_into_an_address_safely() {
        assert_eq!(encode_query("enfant été"), "enfant+%C3%A9t%C3%A9");
        assert_eq!(encode_query("a&b=<c>"), "a%26b%3D%3Cc%3E");
    }
}
