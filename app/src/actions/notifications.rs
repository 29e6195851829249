//! What a client or supporter does about notifications: turning them on or off for the
//! device in their hand (the subscription belongs to the session, so a shared phone's next
//! person never gets the last one's), and choosing reminders, quiet hours and detail.
use super::traced;
use crate::audit;
use crate::db::{self, Db};
use crate::domain::{NotificationForm, Role};
use crate::error::AppError;
use crate::notice::{Notice, Problem};
use crate::push::PushServices;
use crate::session::{Asking, SignedIn};
use chrono::{DateTime, Utc};

/// Notifications are for the people the app reaches on their own phones.
fn reachable(asking: &Asking) -> Result<&SignedIn, AppError> {
    let person = asking.signed_in()?;
    match person.role {
        Role::Client | Role::Supporter => Ok(person),
        _ => Err(AppError::NotFound),
    }
}

/// A browser's subscription, as its `toJSON()` gives it.
#[derive(Debug, Clone, Copy)]
pub struct Subscribing<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
}

/// Turns notifications on for this session's device.
pub async fn turn_on(
    db: &Db,
    asking: &Asking,
    services: &PushServices,
    subscribing: Subscribing<'_>,
    now: DateTime<Utc>,
) -> Result<Result<(), Problem>, AppError> {
    let action = "notifications.on";
    traced(action, asking, async {
        let person = reachable(asking)?;
        let Some(subscription) =
            services.subscription_of(subscribing.endpoint, subscribing.p256dh, subscribing.auth)
        else {
            return Ok(Err(Problem::NotificationsUnavailable));
        };
        let mut change = db.change().await?;
        db::save_push_subscription(
            &mut change,
            &person.session_id,
            &person.person_id,
            &subscription,
            now,
        )
        .await?;
        change.keep(&[audit::allowed(asking, action)], now).await?;
        Ok(Ok(()))
    })
    .await
}

/// Turns notifications off for this session's device (nothing to do if they were off).
pub async fn turn_off(db: &Db, asking: &Asking, now: DateTime<Utc>) -> Result<(), AppError> {
    let action = "notifications.off";
    traced(action, asking, async {
        let person = reachable(asking)?;
        let mut change = db.change().await?;
        db::remove_push_subscription_of_session(&mut change, &person.session_id).await?;
        change.keep(&[audit::allowed(asking, action)], now).await?;
        Ok(())
    })
    .await
}

/// Keeps the person's choices (for every device of theirs).
pub async fn choose(
    db: &Db,
    asking: &Asking,
    form: &NotificationForm,
    now: DateTime<Utc>,
) -> Result<Result<Notice, Problem>, AppError> {
    let action = "notifications.choose";
    traced(action, asking, async {
        let person = reachable(asking)?;
        let Some(settings) = form.check() else {
            return Ok(Err(Problem::NotificationTimes));
        };
        let mut change = db.change().await?;
        db::save_notification_settings(&mut change, &person.person_id, &settings).await?;
        change.keep(&[audit::allowed(asking, action)], now).await?;
        Ok(Ok(Notice::NotificationsSaved))
    })
    .await
}
