//! Each organisation's library: its topics, its articles and every saved version of their
//! words. Readers read only published words; every query is scoped by the organisation.
use super::{instant_text, new_id, read_date, Db, DbError, Result};
use crate::domain::{
    fold_for_search, reading_minutes, render_article, starter_articles, ArticleFile, ArticleLink,
    ArticleText, Language, Review, Stage, Topic, STARTER_TOPICS,
};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A library, found by the code in its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub organisation_id: String,
    pub code: String,
}

pub async fn library_by_code(db: &Db, code: &str) -> Result<Option<Library>> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE library_code = $1")
            .bind(code)
            .fetch_optional(db.pool())
            .await?;
    Ok(id.map(|organisation_id| Library {
        organisation_id,
        code: code.to_owned(),
    }))
}

/// The code of the library of `person_id`'s program.
pub async fn library_code_of_person(db: &Db, person_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT o.library_code FROM organisations o
         JOIN people p ON p.organisation_id = o.id WHERE p.id = $1",
    )
    .bind(person_id)
    .fetch_optional(db.pool())
    .await?
    .flatten())
}

/// The code of this server's first program: the library of someone who came with no other.
pub async fn first_library_code(db: &Db) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar(
            "SELECT library_code FROM organisations ORDER BY created_at, id LIMIT 1",
        )
        .fetch_optional(db.pool())
        .await?
        .flatten(),
    )
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    number: i64,
    topic_number: i64,
    title: String,
    summary: String,
    words: i64,
    start_here: Option<i64>,
    stages: String,
}

impl TryFrom<LinkRow> for ArticleLink {
    type Error = DbError;

    fn try_from(row: LinkRow) -> Result<Self> {
        Ok(ArticleLink {
            number: row.number,
            topic_number: row.topic_number,
            title: row.title,
            summary: row.summary,
            minutes: reading_minutes(usize::try_from(row.words).unwrap_or(0)),
            start_here: row.start_here,
            stages: row
                .stages
                .split_whitespace()
                .map(Stage::from_code)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The published articles of a library in `language`, in topic order: `x` is each one's
/// latest published text. `{rest}` adds conditions from `$3` on.
fn published(extra_columns: &str, rest: &str) -> String {
    format!(
        "SELECT a.number, t.number AS topic_number, x.title, x.summary, x.words,
                a.start_here, a.stages {extra_columns}
         FROM library_articles a
         JOIN library_topics t ON t.id = a.topic_id AND t.retired_on IS NULL
         JOIN library_texts x ON x.article_id = a.id AND x.language = $2
         WHERE a.organisation_id = $1 AND a.retired_on IS NULL
           AND x.version = (SELECT max(v.version) FROM library_texts v
                            WHERE v.article_id = a.id AND v.language = $2
                              AND v.published_at IS NOT NULL)
           {rest}
         ORDER BY t.position, t.number, a.position, a.number"
    )
}

/// The column of a topic's title in `language` (from the closed set, never from input).
fn topic_title_column(language: Language) -> &'static str {
    match language {
        Language::English => "title_en",
        Language::French => "title_fr",
    }
}

/// The library's topics in use, each with its published articles in `language`.
pub async fn library_topics(
    db: &Db,
    organisation_id: &str,
    language: Language,
) -> Result<Vec<Topic>> {
    let titles: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT number, {} FROM library_topics
         WHERE organisation_id = $1 AND retired_on IS NULL ORDER BY position, number",
        topic_title_column(language)
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let rows: Vec<LinkRow> = sqlx::query_as(&published("", ""))
        .bind(organisation_id)
        .bind(language.code())
        .fetch_all(db.pool())
        .await?;
    let mut topics: Vec<Topic> = titles
        .into_iter()
        .map(|(number, title)| Topic {
            number,
            title,
            articles: Vec::new(),
        })
        .collect();
    for row in rows {
        let link = ArticleLink::try_from(row)?;
        if let Some(topic) = topics.iter_mut().find(|t| t.number == link.topic_number) {
            topic.articles.push(link);
        }
    }
    Ok(topics)
}

/// How many bytes of HTML the library's published articles in `language` hold together.
pub async fn library_html_bytes(
    db: &Db,
    organisation_id: &str,
    language: Language,
) -> Result<usize> {
    let sql = published(", length(x.html) AS html_bytes", "")
        .replace("ORDER BY t.position, t.number, a.position, a.number", "");
    let sql = format!("SELECT coalesce(sum(html_bytes), 0) FROM ({sql}) AS p");
    let bytes: i64 = sqlx::query_scalar(&sql)
        .bind(organisation_id)
        .bind(language.code())
        .fetch_one(db.pool())
        .await?;
    Ok(usize::try_from(bytes).unwrap_or(0))
}

#[derive(sqlx::FromRow)]
struct TextRow {
    #[sqlx(flatten)]
    link: LinkRow,
    html: String,
    topic_title: String,
    reviewed_by: Option<String>,
    reviewed_on: Option<String>,
}

/// One published article of the library in `language`, by its number.
pub async fn library_article(
    db: &Db,
    organisation_id: &str,
    language: Language,
    number: i64,
) -> Result<Option<ArticleText>> {
    let sql = published(
        &format!(
            ", x.html, t.{} AS topic_title, r.display_name AS reviewed_by, a.reviewed_on",
            topic_title_column(language)
        ),
        "AND a.number = $3",
    )
    .replace(
        "WHERE a.organisation_id",
        "LEFT JOIN people r ON r.id = a.reviewed_by WHERE a.organisation_id",
    );
    let row: Option<TextRow> = sqlx::query_as(&sql)
        .bind(organisation_id)
        .bind(language.code())
        .bind(number)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        let review = match (row.reviewed_by, row.reviewed_on) {
            (Some(by), Some(on)) => Some(Review {
                by,
                on: read_date(&on)?,
            }),
            _ => None,
        };
        Ok(ArticleText {
            link: ArticleLink::try_from(row.link)?,
            topic_title: row.topic_title,
            html: row.html,
            review,
        })
    })
    .transpose()
}

/// The published articles in `language` whose title or words have every one of `words`
/// (folded, see `fold_for_search`) at the start of a word, best first.
pub async fn search_library(
    db: &Db,
    organisation_id: &str,
    language: Language,
    words: &[String],
) -> Result<Vec<ArticleLink>> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let conditions: String = (0..words.len())
        .map(|i| format!(" AND x.search_text LIKE ${}", i + 3))
        .collect();
    let sql = published(", x.search_text", &conditions);
    let mut query = sqlx::query_as::<_, FoundRow>(&sql)
        .bind(organisation_id)
        .bind(language.code());
    for word in words {
        query = query.bind(format!("% {word}%"));
    }
    let rows = query.fetch_all(db.pool()).await?;
    // The words in the title count first, then how often they come in the text.
    let mut found = rows
        .into_iter()
        .map(|row| {
            let title = fold_for_search(&row.link.title);
            let starts = |text: &str, w: &String| text.matches(&format!(" {w}")).count();
            let in_title = words.iter().filter(|w| starts(&title, w) > 0).count();
            let in_text: usize = words.iter().map(|w| starts(&row.search_text, w)).sum();
            Ok(((in_title, in_text), ArticleLink::try_from(row.link)?))
        })
        .collect::<Result<Vec<_>>>()?;
    found.sort_by(|(a, _), (b, _)| b.cmp(a));
    Ok(found.into_iter().map(|(_, link)| link).collect())
}

#[derive(sqlx::FromRow)]
struct FoundRow {
    #[sqlx(flatten)]
    link: LinkRow,
    search_text: String,
}

/// Puts the starter library (`app/library/`) into a new program's library: its topics and
/// articles, each in English and French, published, not yet checked by the clinic.
pub async fn stock_starter_library(
    conn: &mut AnyConnection,
    organisation_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut topic_ids = Vec::new();
    for (i, topic) in STARTER_TOPICS.iter().enumerate() {
        let id = new_id();
        let number = i64::try_from(i).unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO library_topics (id, organisation_id, number, position, title_en, title_fr)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(organisation_id)
        .bind(number)
        .bind(number)
        .bind(topic.title.en)
        .bind(topic.title.fr)
        .execute(&mut *conn)
        .await?;
        topic_ids.push((topic.key, id));
    }
    let mut start_here = 0;
    let now = instant_text(now);
    for (i, article) in starter_articles().iter().enumerate() {
        let unreadable = |e: String| DbError::Corrupt(format!("starter article {i}: {e}"));
        let en = ArticleFile::parse(article.en).map_err(unreadable)?;
        let fr = ArticleFile::parse(article.fr).map_err(unreadable)?;
        let topic_id = topic_ids
            .iter()
            .find(|(key, _)| *key == en.topic)
            .map(|(_, id)| id.clone())
            .ok_or_else(|| unreadable(format!("no topic {}", en.topic)))?;
        let id = new_id();
        let number = i64::try_from(i).unwrap_or(0) + 1;
        let place = en.start_here.then(|| {
            start_here += 1;
            start_here
        });
        let stages = en
            .stages
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(" ");
        sqlx::query(
            "INSERT INTO library_articles
                 (id, organisation_id, number, topic_id, position, starter_key, stages, start_here)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(organisation_id)
        .bind(number)
        .bind(&topic_id)
        .bind(number)
        .bind(en.key)
        .bind(stages)
        .bind(place)
        .execute(&mut *conn)
        .await?;
        for (language, file) in [(Language::English, &en), (Language::French, &fr)] {
            let rendered = render_article(file.title, file.summary, file.body);
            sqlx::query(
                "INSERT INTO library_texts (article_id, language, version, title, summary, body,
                     html, search_text, words, saved_at, published_at)
                 VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(&id)
            .bind(language.code())
            .bind(file.title)
            .bind(file.summary)
            .bind(file.body)
            .bind(rendered.html)
            .bind(rendered.search_text)
            .bind(i64::try_from(rendered.words).unwrap_or(i64::MAX))
            .bind(&now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Stocks the starter library for every program that has no library yet (those made
/// before there was one). Two servers starting at once: the second's insert meets the
/// first's unique numbers and leaves it.
pub async fn stock_missing_libraries(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let bare: Vec<String> = sqlx::query_scalar(
        "SELECT o.id FROM organisations o
         WHERE NOT EXISTS (SELECT 1 FROM library_topics t WHERE t.organisation_id = o.id)",
    )
    .fetch_all(db.pool())
    .await?;
    let mut stocked = 0;
    for organisation_id in bare {
        let mut tx = db.begin().await?;
        match stock_starter_library(&mut tx, &organisation_id, now).await {
            Ok(()) => {
                tx.commit().await?;
                stocked += 1;
            }
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stocked)
}
