//! Each organisation's library: its topics, its articles and every saved version of their
//! words. Readers read only published words; every query is scoped by the organisation.
use super::{instant_text, new_id, read_date, Db, DbError, Result, Saved};
use crate::domain::{
    fold_for_search, reading_minutes, render_article, starter_articles, ArticleFile, ArticleForm,
    ArticleLink, ArticleText, EditedArticle, EditedText, Language, Review, ShelfArticle,
    ShelfTopic, Stage, TextState, TextVersion, Topic, TopicForm, STARTER_TOPICS,
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

/// The code of the library of the program `organisation_id`.
pub async fn library_code_of_organisation(
    db: &Db,
    organisation_id: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT library_code FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(db.pool())
            .await?
            .flatten(),
    )
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

/// The library's topics in use, in order: (number, title in `language`).
pub async fn topic_titles(
    db: &Db,
    organisation_id: &str,
    language: Language,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT number, {} FROM library_topics
         WHERE organisation_id = $1 AND retired_on IS NULL ORDER BY position, number",
        topic_title_column(language)
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?)
}

/// The library's topics in use, each with its published articles in `language`.
pub async fn library_topics(
    db: &Db,
    organisation_id: &str,
    language: Language,
) -> Result<Vec<Topic>> {
    let titles = topic_titles(db, organisation_id, language).await?;
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
                super::bump_view_stamp(&mut tx, &organisation_id).await?;
                tx.commit().await?;
                stocked += 1;
            }
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stocked)
}

// The admin's side: every article and topic (retired ones too), drafts and history.

/// The admin's list: every topic and article of the library, each with where its words
/// stand in each language.
pub async fn library_shelf(db: &Db, organisation_id: &str) -> Result<Vec<ShelfTopic>> {
    let topics: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT number, title_en, title_fr, retired_on FROM library_topics
         WHERE organisation_id = $1 ORDER BY position, number",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let articles: Vec<(i64, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT a.number, t.number, a.reviewed_on, a.retired_on
         FROM library_articles a JOIN library_topics t ON t.id = a.topic_id
         WHERE a.organisation_id = $1 ORDER BY a.position, a.number",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    // Each text's latest version, and its latest published one.
    let texts: Vec<(i64, String, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT a.number, x.language, x.version, x.title,
                (SELECT max(p.version) FROM library_texts p
                 WHERE p.article_id = x.article_id AND p.language = x.language
                   AND p.published_at IS NOT NULL) AS published
         FROM library_texts x JOIN library_articles a ON a.id = x.article_id
         WHERE a.organisation_id = $1
           AND x.version = (SELECT max(v.version) FROM library_texts v
                            WHERE v.article_id = x.article_id AND v.language = x.language)",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut shelf: Vec<ShelfTopic> = topics
        .into_iter()
        .map(|(number, title_en, title_fr, retired)| ShelfTopic {
            number,
            title: TopicForm { title_en, title_fr },
            retired: retired.is_some(),
            articles: Vec::new(),
        })
        .collect();
    for (number, topic, reviewed_on, retired_on) in articles {
        let mut title = String::new();
        let states = Language::ALL
            .iter()
            .map(|&language| {
                let text = texts
                    .iter()
                    .find(|(n, l, ..)| *n == number && l == language.code());
                let state = match text {
                    None => TextState::Missing,
                    Some((_, _, latest, text_title, published)) => {
                        if title.is_empty() {
                            title = text_title.clone();
                        }
                        match published {
                            Some(p) if p == latest => TextState::Published,
                            Some(_) => TextState::DraftWaiting,
                            None => TextState::Draft,
                        }
                    }
                };
                (language, state)
            })
            .collect();
        if let Some(shelf_topic) = shelf.iter_mut().find(|t| t.number == topic) {
            shelf_topic.articles.push(ShelfArticle {
                number,
                title,
                states,
                checked: reviewed_on.is_some(),
                retired: retired_on.is_some(),
            });
        }
    }
    Ok(shelf)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    language: String,
    version: i64,
    title: String,
    summary: String,
    body: String,
    html: String,
    saved_by: Option<String>,
    saved_at: String,
    published_at: Option<String>,
}

/// One article of the library for its editor, with every version of its words.
pub async fn edited_article(
    db: &Db,
    organisation_id: &str,
    number: i64,
) -> Result<Option<EditedArticle>> {
    type ArticleRow = (
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let article: Option<ArticleRow> = sqlx::query_as(
        "SELECT a.id, t.number, a.stages, r.display_name, a.reviewed_on, a.retired_on, a.version
         FROM library_articles a JOIN library_topics t ON t.id = a.topic_id
         LEFT JOIN people r ON r.id = a.reviewed_by
         WHERE a.organisation_id = $1 AND a.number = $2",
    )
    .bind(organisation_id)
    .bind(number)
    .fetch_optional(db.pool())
    .await?;
    let Some((id, topic_number, stages, reviewer, reviewed_on, retired_on, version)) = article
    else {
        return Ok(None);
    };
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT x.language, x.version, x.title, x.summary, x.body, x.html,
                p.display_name AS saved_by, x.saved_at, x.published_at
         FROM library_texts x LEFT JOIN people p ON p.id = x.saved_by
         WHERE x.article_id = $1 ORDER BY x.version DESC",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?;
    let texts = Language::ALL
        .iter()
        .map(|&language| {
            let mine: Vec<&VersionRow> = rows
                .iter()
                .filter(|r| r.language == language.code())
                .collect();
            let saved_by =
                |r: &VersionRow| r.saved_by.clone().unwrap_or_else(|| "Waypoint".to_owned());
            EditedText {
                language,
                latest: mine.first().map(|r| TextVersion {
                    version: r.version,
                    form: ArticleForm {
                        title: r.title.clone(),
                        summary: r.summary.clone(),
                        body: r.body.clone(),
                    },
                    html: r.html.clone(),
                    saved_by: saved_by(r),
                    saved_at: r.saved_at.clone(),
                    published_at: r.published_at.clone(),
                }),
                history: mine
                    .iter()
                    .map(|r| {
                        (
                            r.version,
                            saved_by(r),
                            r.saved_at.clone(),
                            r.published_at.clone(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let review = match (reviewer, reviewed_on) {
        (Some(by), Some(on)) => Some(Review {
            by,
            on: read_date(&on)?,
        }),
        _ => None,
    };
    Ok(Some(EditedArticle {
        number,
        topic_number,
        stages: stages
            .split_whitespace()
            .map(Stage::from_code)
            .collect::<Result<_, _>>()?,
        review,
        retired: retired_on.is_some(),
        version,
        texts,
    }))
}

/// The id of the library's article `number`.
async fn article_id(
    conn: &mut AnyConnection,
    organisation_id: &str,
    number: i64,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM library_articles WHERE organisation_id = $1 AND number = $2",
    )
    .bind(organisation_id)
    .bind(number)
    .fetch_optional(conn)
    .await?)
}

/// New words for article `number` in `language`, over version `based_on` (0: the first).
#[derive(Debug, Clone, Copy)]
pub struct TextSave<'a> {
    pub number: i64,
    pub language: Language,
    pub based_on: i64,
    pub form: &'a ArticleForm,
}

/// Saves new words for an article in one language as version `based_on + 1`, a draft. The
/// primary key (article, language, version) is the check that nobody saved since
/// `based_on`: of two saves over the same version, the database keeps one.
pub async fn save_library_text(
    conn: &mut AnyConnection,
    organisation_id: &str,
    text: TextSave<'_>,
    saved_by: &str,
    now: DateTime<Utc>,
) -> Result<Saved<()>> {
    let TextSave {
        number,
        language,
        based_on,
        form,
    } = text;
    let Some(id) = article_id(conn, organisation_id, number).await? else {
        return Ok(Saved::NotFound);
    };
    let rendered = render_article(&form.title, &form.summary, &form.body);
    let inserted = sqlx::query(
        "INSERT INTO library_texts (article_id, language, version, title, summary, body, html,
             search_text, words, saved_by, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(language.code())
    .bind(based_on + 1)
    .bind(&form.title)
    .bind(&form.summary)
    .bind(&form.body)
    .bind(rendered.html)
    .bind(rendered.search_text)
    .bind(i64::try_from(rendered.words).unwrap_or(i64::MAX))
    .bind(saved_by)
    .bind(instant_text(now))
    .execute(conn)
    .await;
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(Saved::over(format!("{id}/{}", language.code()), based_on)),
        Err(e) if e.is_unique_violation() => Ok(Saved::Conflict(Box::new(()))),
        Err(e) => Err(e),
    }
}

/// Publishes `version` of an article's words in `language`, if it is the latest and not
/// published yet. False otherwise (someone saved a newer draft, or published it already).
pub async fn publish_library_text(
    conn: &mut AnyConnection,
    organisation_id: &str,
    number: i64,
    language: Language,
    version: i64,
    published_by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(id) = article_id(conn, organisation_id, number).await? else {
        return Ok(false);
    };
    let done = sqlx::query(
        "UPDATE library_texts SET published_at = $1, published_by = $2
         WHERE article_id = $3 AND language = $4 AND version = $5 AND published_at IS NULL
           AND version = (SELECT max(v.version) FROM library_texts v
                          WHERE v.article_id = $3 AND v.language = $4)",
    )
    .bind(instant_text(now))
    .bind(published_by)
    .bind(&id)
    .bind(language.code())
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks an article checked by `reviewer` on `on` (the program's date).
pub async fn check_library_article(
    conn: &mut AnyConnection,
    organisation_id: &str,
    number: i64,
    reviewer: &str,
    on: chrono::NaiveDate,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE library_articles SET reviewed_by = $1, reviewed_on = $2
         WHERE organisation_id = $3 AND number = $4",
    )
    .bind(reviewer)
    .bind(super::date_text(on))
    .bind(organisation_id)
    .bind(number)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new article at the end of topic `topic_number`, with a first English draft holding
/// only its title. Its number is the next free one; the unique number decides a race.
pub async fn add_library_article(
    conn: &mut AnyConnection,
    organisation_id: &str,
    topic_number: i64,
    title: &str,
    saved_by: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let topic: Option<String> = sqlx::query_scalar(
        "SELECT id FROM library_topics WHERE organisation_id = $1 AND number = $2",
    )
    .bind(organisation_id)
    .bind(topic_number)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(topic_id) = topic else {
        return Ok(None);
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO library_articles (id, organisation_id, number, topic_id, position)
         SELECT $1, $2,
                (SELECT coalesce(max(number), 0) + 1 FROM library_articles WHERE organisation_id = $2),
                $3,
                (SELECT coalesce(max(position), 0) + 1 FROM library_articles WHERE organisation_id = $2)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(&topic_id)
    .execute(&mut *conn)
    .await?;
    let form = ArticleForm {
        title: title.to_owned(),
        summary: String::new(),
        body: String::new(),
    };
    let number: i64 = sqlx::query_scalar("SELECT number FROM library_articles WHERE id = $1")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    let first = TextSave {
        number,
        language: Language::English,
        based_on: 0,
        form: &form,
    };
    save_library_text(conn, organisation_id, first, saved_by, now).await?;
    Ok(Some(number))
}

/// Moves an article to topic `topic_number` (of the same library), if still at `version`.
pub async fn set_library_article(
    conn: &mut AnyConnection,
    organisation_id: &str,
    number: i64,
    version: i64,
    topic_number: i64,
) -> Result<Saved<()>> {
    let done = sqlx::query(
        "UPDATE library_articles SET version = version + 1,
             topic_id = (SELECT id FROM library_topics WHERE organisation_id = $1 AND number = $2)
         WHERE organisation_id = $1 AND number = $3 AND version = $4
           AND EXISTS (SELECT 1 FROM library_topics WHERE organisation_id = $1 AND number = $2)",
    )
    .bind(organisation_id)
    .bind(topic_number)
    .bind(number)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Saved::over(number, version));
    }
    Ok(match article_id(conn, organisation_id, number).await? {
        Some(_) => Saved::Conflict(Box::new(())),
        None => Saved::NotFound,
    })
}

/// Adds a topic at the end (`number` 0) or renames topic `number`.
pub async fn save_library_topic(
    conn: &mut AnyConnection,
    organisation_id: &str,
    number: i64,
    form: &TopicForm,
) -> Result<bool> {
    let done = if number == 0 {
        sqlx::query(
            "INSERT INTO library_topics (id, organisation_id, number, position, title_en, title_fr)
             SELECT $1, $2,
                    (SELECT coalesce(max(number), 0) + 1 FROM library_topics WHERE organisation_id = $2),
                    (SELECT coalesce(max(position), 0) + 1 FROM library_topics WHERE organisation_id = $2),
                    $3, $4",
        )
        .bind(new_id())
        .bind(organisation_id)
        .bind(&form.title_en)
        .bind(&form.title_fr)
        .execute(conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE library_topics SET title_en = $1, title_fr = $2, version = version + 1
             WHERE organisation_id = $3 AND number = $4",
        )
        .bind(&form.title_en)
        .bind(&form.title_fr)
        .bind(organisation_id)
        .bind(number)
        .execute(conn)
        .await?
    };
    Ok(done.rows_affected() == 1)
}

/// A topic or an article of the library, for moving and retiring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryItem {
    Topic,
    Article,
}

impl LibraryItem {
    fn table(self) -> &'static str {
        match self {
            LibraryItem::Topic => "library_topics",
            LibraryItem::Article => "library_articles",
        }
    }
}

/// Retires an item from `on` (readers no longer see it) or brings it back (`None`).
pub async fn retire_library_item(
    conn: &mut AnyConnection,
    organisation_id: &str,
    item: LibraryItem,
    number: i64,
    on: Option<chrono::NaiveDate>,
) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET retired_on = $1 WHERE organisation_id = $2 AND number = $3",
        item.table()
    ))
    .bind(on.map(super::date_text))
    .bind(organisation_id)
    .bind(number)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Swaps an item with the one before it (`up`) or after it, among the topics or among the
/// articles of its topic. False when it is first (or last) already.
pub async fn move_library_item(
    conn: &mut AnyConnection,
    organisation_id: &str,
    item: LibraryItem,
    number: i64,
    up: bool,
) -> Result<bool> {
    let table = item.table();
    let group = match item {
        LibraryItem::Topic => "",
        LibraryItem::Article => "AND o.topic_id = me.topic_id",
    };
    let (compare, order) = if up { ("<", "DESC") } else { (">", "ASC") };
    let pair: Option<(String, i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT me.id, me.position, o.id, o.position FROM {table} me
         JOIN {table} o ON o.organisation_id = me.organisation_id {group}
              AND (o.position {compare} me.position
                   OR (o.position = me.position AND o.number {compare} me.number))
         WHERE me.organisation_id = $1 AND me.number = $2
         ORDER BY o.position {order}, o.number {order} LIMIT 1"
    ))
    .bind(organisation_id)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((mine, my_position, other, other_position)) = pair else {
        return Ok(false);
    };
    // Equal positions (never in the starter library) are told apart by number.
    let (my_new, other_new) = if my_position == other_position {
        if up {
            (my_position, my_position + 1)
        } else {
            (my_position + 1, my_position)
        }
    } else {
        (other_position, my_position)
    };
    for (id, position) in [(&mine, my_new), (&other, other_new)] {
        sqlx::query(&format!("UPDATE {table} SET position = $1 WHERE id = $2"))
            .bind(position)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}
