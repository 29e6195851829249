//! The program's library as its admin keeps it: articles' words saved as drafts (every save
//! a version, with who and when), published, checked; articles and topics added, moved,
//! retired. Only an admin, and only of their own program's library: every query takes the
//! admin's organisation.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::clock::local_time_in;
use crate::db::{self, Db, LibraryItem, Saved, TextSave};
use crate::domain::{row, ArticleForm, Language, Role, SaveAnswer, TopicForm};
use crate::error::AppError;
use crate::session::{Asking, SignedIn};
use chrono::Utc;

fn admin(asking: &Asking) -> Result<&SignedIn, AppError> {
    asking.as_role(Role::Admin)
}

/// Keeps an admin's change to the library with its audit entry, on `target`.
async fn keep(
    change: db::Change,
    asking: &Asking,
    action: &'static str,
    target: String,
) -> Result<SaveAnswer, AppError> {
    let entry = audit::allowed(asking, action);
    kept_if_saved(change, (SaveAnswer::Saved, Some(target)), entry).await
}

/// Today in the admin's program.
async fn today(
    change: &mut db::Change,
    organisation_id: &str,
) -> Result<chrono::NaiveDate, AppError> {
    let zone = db::time_zone_of_organisation_in(change, organisation_id).await?;
    Ok(local_time_in(&zone).date())
}

fn language(code: &str) -> Result<Language, AppError> {
    Language::from_code(code).map_err(|_| AppError::NotFound)
}

/// Saves an article's words in one language as a new draft version over `based_on`; when
/// someone saved first, nothing is saved and both versions are shown.
pub async fn save_text(
    db: &Db,
    asking: &Asking,
    number: i64,
    language_code: &str,
    based_on: i64,
    form: ArticleForm,
) -> Result<SaveAnswer, AppError> {
    let action = "library.text.save";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let language = language(language_code)?;
        let form = match form.check() {
            Ok(form) => form,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        let text = TextSave {
            number,
            language,
            based_on,
            form: &form,
        };
        let org = &admin.organisation_id;
        let saved =
            db::save_library_text(&mut change, org, text, &admin.person_id, Utc::now()).await?;
        match saved {
            Saved::Saved { id, .. } => keep(change, asking, action, id).await,
            Saved::NotFound => Err(AppError::NotFound),
            Saved::Conflict(_) => {
                drop(change);
                let stored = db::edited_article(db, org, number)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let latest = stored
                    .texts
                    .into_iter()
                    .find(|t| t.language == language)
                    .and_then(|t| t.latest)
                    .ok_or(AppError::NotFound)?;
                let rows = |f: &ArticleForm| {
                    vec![
                        row("Title", f.title.as_str()),
                        row("Summary", f.summary.as_str()),
                        row("Text", f.body.as_str()),
                    ]
                };
                Ok(SaveAnswer::Conflict {
                    theirs: rows(&latest.form),
                    yours: rows(&form),
                    version: latest.version,
                })
            }
        }
    })
    .await
}

/// Publishes the draft `version` of an article's words: readers get it at once. Refused
/// (`Outdated`) when a newer draft was saved since the page was loaded.
pub async fn publish_text(
    db: &Db,
    asking: &Asking,
    number: i64,
    language_code: &str,
    version: i64,
) -> Result<SaveAnswer, AppError> {
    let action = "library.text.publish";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let language = language(language_code)?;
        let mut change = db.change().await?;
        let org = &admin.organisation_id;
        let published = db::publish_library_text(
            &mut change,
            org,
            number,
            language,
            version,
            &admin.person_id,
            Utc::now(),
        )
        .await?;
        if !published {
            return Ok(SaveAnswer::Outdated);
        }
        let target = format!("{number}/{}", language.code());
        keep(change, asking, action, target).await
    })
    .await
}

/// The admin marks an article checked by them, today.
pub async fn check_article(db: &Db, asking: &Asking, number: i64) -> Result<SaveAnswer, AppError> {
    let action = "library.article.check";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let mut change = db.change().await?;
        let org = &admin.organisation_id;
        let today = today(&mut change, org).await?;
        if !db::check_library_article(&mut change, org, number, &admin.person_id, today).await? {
            return Err(AppError::NotFound);
        }
        keep(change, asking, action, number.to_string()).await
    })
    .await
}

/// A new article at the end of a topic, its English title its first draft.
pub async fn add_article(
    db: &Db,
    asking: &Asking,
    topic_number: i64,
    title: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "library.article.add";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let form = ArticleForm {
            title: title.to_owned(),
            body: "-".to_owned(),
            ..ArticleForm::default()
        };
        if let Err(problems) = form.check() {
            return Ok(SaveAnswer::Invalid(problems));
        }
        let mut change = db.change().await?;
        let org = &admin.organisation_id;
        let number = db::add_library_article(
            &mut change,
            org,
            topic_number,
            title.trim(),
            &admin.person_id,
            Utc::now(),
        )
        .await?
        .ok_or(AppError::NotFound)?;
        keep(change, asking, action, number.to_string()).await
    })
    .await
}

/// Moves an article to another topic, if nobody changed it since `version`.
pub async fn set_article(
    db: &Db,
    asking: &Asking,
    number: i64,
    version: i64,
    topic_number: i64,
) -> Result<SaveAnswer, AppError> {
    let action = "library.article.set";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let mut change = db.change().await?;
        let org = &admin.organisation_id;
        match db::set_library_article(&mut change, org, number, version, topic_number).await? {
            Saved::Saved { id, .. } => keep(change, asking, action, id).await,
            Saved::Conflict(_) => Ok(SaveAnswer::Outdated),
            Saved::NotFound => Err(AppError::NotFound),
        }
    })
    .await
}

/// Adds a topic (`number` 0) or renames one.
pub async fn save_topic(
    db: &Db,
    asking: &Asking,
    number: i64,
    form: TopicForm,
) -> Result<SaveAnswer, AppError> {
    let action = "library.topic.save";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let form = match form.check() {
            Ok(form) => form,
            Err(problems) => return Ok(SaveAnswer::Invalid(problems)),
        };
        let mut change = db.change().await?;
        if !db::save_library_topic(&mut change, &admin.organisation_id, number, &form).await? {
            return Err(AppError::NotFound);
        }
        keep(change, asking, action, format!("topic {number}")).await
    })
    .await
}

fn item(kind: &str) -> Result<LibraryItem, AppError> {
    match kind {
        "topic" => Ok(LibraryItem::Topic),
        "article" => Ok(LibraryItem::Article),
        _ => Err(AppError::NotFound),
    }
}

/// Retires a topic or an article from today (`retire`), or brings it back.
pub async fn retire_item(
    db: &Db,
    asking: &Asking,
    kind: &str,
    number: i64,
    retire: bool,
) -> Result<SaveAnswer, AppError> {
    let action = "library.retire";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let item = item(kind)?;
        let mut change = db.change().await?;
        let org = &admin.organisation_id;
        let today = today(&mut change, org).await?;
        let on = retire.then_some(today);
        if !db::retire_library_item(&mut change, org, item, number, on).await? {
            return Err(AppError::NotFound);
        }
        keep(change, asking, action, format!("{kind} {number}")).await
    })
    .await
}

/// Moves a topic or an article one place up or down.
pub async fn move_item(
    db: &Db,
    asking: &Asking,
    kind: &str,
    number: i64,
    up: bool,
) -> Result<SaveAnswer, AppError> {
    let action = "library.move";
    traced(action, asking, async {
        let admin = admin(asking)?;
        let item = item(kind)?;
        let mut change = db.change().await?;
        let moved =
            db::move_library_item(&mut change, &admin.organisation_id, item, number, up).await?;
        if !moved {
            return Ok(SaveAnswer::NothingToSend);
        }
        keep(change, asking, action, format!("{kind} {number}")).await
    })
    .await
}
