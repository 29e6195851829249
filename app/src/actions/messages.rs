//! Messages with the care team. The client writes (from the page's form or the phone's
//! queue, once per key), and so may a supporter the client gave the messages share, in a
//! conversation of their own; anyone on the care team opens the client's conversations
//! (what was written to the team is then read), answers one (whoever wrote in it is
//! notified, and what the answer answers is handled) or marks it handled without an answer.
//! Opening theirs marks the team's answers read for the client or supporter.
use super::{kept_if_saved, traced};
use crate::audit;
use crate::db::{self, CheckInOutcome, ClientHome, Conversation, Db, SupporterGrant};
use crate::domain::{
    is_form_key, FieldProblems, Message, Notice, PlainText, Role, SaveAnswer, Sender, Share,
    MESSAGE_MAX_CHARS,
};
use crate::error::AppError;
use crate::notice::Problem;
use crate::session::{case_manager_of, Asking};
use chrono::{DateTime, NaiveDate, Utc};

impl super::Outcome for Vec<Message> {
    fn outcome(&self) -> &'static str {
        "done"
    }
}

impl super::Outcome for (ClientHome, Vec<Message>) {
    fn outcome(&self) -> &'static str {
        "done"
    }
}

/// Records a message of the signed-in client to their care team, or of a supporter through
/// `grant_id` (which must let them write), once per `key`. `made_at` is when they wrote
/// it, if that was before now (a message kept on the phone offline).
pub async fn write(
    db: &Db,
    asking: &Asking,
    (grant_id, text): (Option<&str>, &str),
    key: &str,
    made_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Result<CheckInOutcome, Problem>, AppError> {
    let action = "message.write";
    traced(action, asking, async {
        let (client_id, conversation, writer) = match grant_id {
            None => {
                let client = asking.as_role(Role::Client)?;
                let writer = (Sender::Client, client.person_id.as_str());
                (client.person_id.clone(), Conversation::Own, writer)
            }
            Some(grant_id) => {
                let supporter = asking.as_role(Role::Supporter)?;
                let grant = db::grant_of_supporter(db, &supporter.person_id, grant_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let home = db::client_home(db, &grant.client_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if !lets_write(&grant, crate::clock::local_now(&home).date()) {
                    return Err(AppError::NotFound);
                }
                let writer = (Sender::Supporter, supporter.person_id.as_str());
                (grant.client_id, Conversation::Supporter(grant_id), writer)
            }
        };
        let Ok(text) = PlainText::parse(text, MESSAGE_MAX_CHARS) else {
            return Ok(Err(Problem::MessageInvalid));
        };
        let mut change = db.change().await?;
        let at = made_at.unwrap_or(now).min(now);
        let place = (client_id.as_str(), conversation);
        let Some(id) =
            db::record_message(&mut change, place, writer, text.as_str(), key, at).await?
        else {
            return Ok(Ok(CheckInOutcome::AlreadyRecorded));
        };
        let entry = audit::allowed(asking, action).about(&client_id).on(&id);
        change.keep(&[entry], now).await?;
        Ok(Ok(CheckInOutcome::Recorded))
    })
    .await
}

/// Whether a grant lets its supporter write to the client's team (and the team answer
/// them) on the client's `today`: active, with the messages share.
fn lets_write(grant: &SupporterGrant, today: NaiveDate) -> bool {
    grant.is_active(today) && grant.shares.contains(&Share::Messages)
}

/// Marks the team's answers in one conversation read by the client or supporter in it,
/// kept with its entry when there were any.
async fn mark_read_by(
    db: &Db,
    asking: &Asking,
    place: (&str, Conversation<'_>),
    reader: Sender,
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut change = db.change().await?;
    if db::mark_messages_read(&mut change, place, reader, now).await? > 0 {
        let entry = audit::allowed(asking, "message.read").about(place.0);
        change.keep(&[entry], now).await?;
    }
    Ok(())
}

/// The signed-in client's record and their conversation with their team; the team's
/// messages in it are read from now on.
pub async fn open_own(db: &Db, asking: &Asking) -> Result<(ClientHome, Vec<Message>), AppError> {
    traced("message.read", asking, async {
        let client = asking.as_role(Role::Client)?;
        let home = crate::session::own_record(db, client).await?;
        let place = (home.client_id.as_str(), Conversation::Own);
        mark_read_by(db, asking, place, Sender::Client).await?;
        let messages = db::messages_of_conversation(db, place, &home.time_zone).await?;
        Ok((home, messages))
    })
    .await
}

/// The team's messages in a supporter's conversation through `grant` (theirs, active: the
/// caller checked) are read from now on, if the grant lets them write.
pub async fn open_as_supporter(
    db: &Db,
    asking: &Asking,
    grant: &SupporterGrant,
) -> Result<(), AppError> {
    traced("message.read", asking, async {
        if !grant.shares.contains(&Share::Messages) {
            return Ok(());
        }
        let place = (
            grant.client_id.as_str(),
            Conversation::Supporter(&grant.grant_id),
        );
        mark_read_by(db, asking, place, Sender::Supporter).await
    })
    .await
}

/// Every conversation of a client on the asker's care team; what was written to the team
/// is read from now on (the writers see that).
pub async fn open_for_team(
    db: &Db,
    asking: &Asking,
    client_id: &str,
) -> Result<Vec<Message>, AppError> {
    let action = "message.read";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let now = Utc::now();
        let mut change = db.change().await?;
        let place = (home.client_id.as_str(), Conversation::Own);
        if db::mark_messages_read(&mut change, place, Sender::Team, now).await? > 0 {
            let entry = audit::allowed(asking, action).about(&home.client_id);
            change.keep(&[entry], now).await?;
        }
        let messages =
            db::messages_for_case_manager(db, &person.person_id, &home.client_id, &home.time_zone)
                .await?;
        Ok(messages)
    })
    .await
}

/// The grants of a client's supporters the team may answer now (active, with the messages
/// share), each with what it shares.
pub async fn answerable_grants(
    db: &Db,
    home: &ClientHome,
) -> Result<Vec<(String, Vec<Share>)>, AppError> {
    let today = crate::clock::local_now(home).date();
    let mut open = Vec::new();
    for grant in db::grants_of_client(db, &home.client_id).await? {
        if grant.supporter_id.is_some() && lets_write(&grant, today) {
            open.push((grant.grant_id, grant.shares));
        }
    }
    Ok(open)
}

/// Answers in one of a client's conversations (`grant_id` empty: the client's own; else a
/// supporter's, only while the client lets them write), once per page `key`: whoever wrote
/// in it is notified (in the same change), and every message to the team in it so far is
/// handled.
pub async fn answer(
    db: &Db,
    asking: &Asking,
    (client_id, grant_id): (&str, &str),
    text: &str,
    key: &str,
) -> Result<SaveAnswer, AppError> {
    let action = "message.answer";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let conversation = Conversation::of(grant_id);
        let (reader, open_path) = match conversation {
            Conversation::Own => (home.client_id.clone(), "/messages".to_owned()),
            Conversation::Supporter(grant_id) => {
                let grant = db::grants_of_client(db, &home.client_id)
                    .await?
                    .into_iter()
                    .find(|g| g.grant_id == grant_id)
                    .ok_or(AppError::NotFound)?;
                let supporter = grant.supporter_id.clone().ok_or(AppError::NotFound)?;
                if !lets_write(&grant, crate::clock::local_now(&home).date()) {
                    return Err(AppError::NotFound);
                }
                (supporter, format!("/supporting/{grant_id}"))
            }
        };
        let text = match PlainText::parse(text, MESSAGE_MAX_CHARS) {
            Ok(text) => text,
            Err(error) => {
                let mut problems = FieldProblems::default();
                problems.add("text", error.to_string());
                return Ok(SaveAnswer::Invalid(problems));
            }
        };
        if !is_form_key(key) {
            return Err(AppError::NotFound);
        }
        let now = Utc::now();
        let mut change = db.change().await?;
        let writer = (Sender::Team, person.person_id.as_str());
        // One page load has a form for each conversation.
        let key = format!("form-{key}-{grant_id}");
        let place = (home.client_id.as_str(), conversation);
        let Some(id) =
            db::record_message(&mut change, place, writer, text.as_str(), &key, now).await?
        else {
            // The same form sent twice (a double click): the first one stands.
            return Ok(SaveAnswer::Saved);
        };
        db::mark_messages_handled(&mut change, place, &person.person_id, now).await?;
        db::queue_notice(&mut change, &reader, &Notice::message(&id, open_path), now).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, Some(id)), entry).await
    })
    .await
}

/// Marks the messages to the team in one of a client's conversations so far as handled,
/// without an answer.
pub async fn mark_handled(
    db: &Db,
    asking: &Asking,
    (client_id, grant_id): (&str, &str),
) -> Result<SaveAnswer, AppError> {
    let action = "message.handled";
    traced(action, asking, async {
        let (person, home) = case_manager_of(db, asking, client_id).await?;
        let now = Utc::now();
        let mut change = db.change().await?;
        let place = (home.client_id.as_str(), Conversation::of(grant_id));
        db::mark_messages_handled(&mut change, place, &person.person_id, now).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        kept_if_saved(change, (SaveAnswer::Saved, None), entry).await
    })
    .await
}
