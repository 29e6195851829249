//! A client's private calendar address: opening one (the address is shown once: only its
//! token's hash is kept) and ending it.
use super::traced;
use crate::audit;
use crate::db::{self, Db};
use crate::domain::Role;
use crate::error::AppError;
use crate::secrets::{new_session_token, secret_hash};
use crate::session::{own_record, Asking};
use chrono::{DateTime, Utc};

/// Opens a new calendar address for the signed-in client, ending any they had; its token,
/// for the address shown once.
pub async fn open_feed(db: &Db, asking: &Asking, now: DateTime<Utc>) -> Result<String, AppError> {
    let action = "calendar.open";
    traced(action, asking, async {
        let home = own_record(db, asking.as_role(Role::Client)?).await?;
        let token = new_session_token()?;
        let mut change = db.change().await?;
        db::open_calendar_feed(&mut change, &home.client_id, &secret_hash(&token), now).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        change.keep(&[entry], now).await?;
        Ok(token)
    })
    .await
}

/// Ends the signed-in client's calendar address: phone calendars stop getting anything.
pub async fn end_feed(db: &Db, asking: &Asking, now: DateTime<Utc>) -> Result<bool, AppError> {
    let action = "calendar.end";
    traced(action, asking, async {
        let home = own_record(db, asking.as_role(Role::Client)?).await?;
        let mut change = db.change().await?;
        let ended = db::end_calendar_feed(&mut change, &home.client_id, now).await?;
        let entry = audit::allowed(asking, action).about(&home.client_id);
        change.keep(&[entry], now).await?;
        Ok(ended)
    })
    .await
}
