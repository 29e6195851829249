//! What a form's handler tells the page it sends the person back to: a problem code or a
//! notice code in the address, never the person's input (addresses end up in history).
use crate::domain::{coded_enum, PassphraseProblem, SignInNameProblem};

coded_enum! {
    /// Why a form was not accepted, in words that say what to do.
    Problem ("problem") {
        WrongSignIn = "wrong_sign_in" => "That sign-in name and passphrase don't match. Please check them and try again.",
        WrongPassphrase = "wrong_passphrase" => "That passphrase doesn't match. Please check it and try again.",
        OfflineUnlock = "offline_unlock" => "This phone can't check your passphrase without the internet. Please connect to go on, or sign out of this phone.",
        OfflineWiped = "offline_wiped" => "Too many wrong passphrases. For your safety, this phone no longer keeps your plan. Connect to the internet and sign in again.",
        Wait = "wait" => "Too many tries. For your safety, please wait a few minutes before trying again.",
        CodeInvalid = "code_invalid" => "That code doesn't work. It may be mistyped, already used, or more than 3 days old. Your case manager can give you a new one.",
        ResetCodeInvalid = "reset_code_invalid" => "That code doesn't work with that sign-in name. It may be mistyped, already used, or more than a day old. Your administrator can give you a new one.",
        InviteInvalid = "invite_invalid" => "That invite code doesn't work. It may be mistyped, already used, ended, or more than 3 days old. Please ask for a new one.",
        NameTaken = "name_taken" => "That sign-in name is already taken. Please choose another.",
        NameShort = "name_short" => "Please choose a sign-in name of at least 3 characters.",
        NameLong = "name_long" => "Please keep your sign-in name to 32 characters or fewer.",
        NameCharacters = "name_characters" => "Please use only letters a to z, numbers, dots, dashes and underscores in your sign-in name.",
        PassphraseShort = "passphrase_short" => "Please use at least 8 characters in your passphrase. A few words together is easy to remember.",
        PassphraseLong = "passphrase_long" => "Please use 256 characters or fewer in your passphrase.",
        PassphraseCommon = "passphrase_common" => "That passphrase is too common and easy to guess. Please choose another.",
        PassphraseSameAsName = "passphrase_same_as_name" => "Please don't use your sign-in name as your passphrase.",
        PassphraseMismatch = "passphrase_mismatch" => "The two passphrases are not the same. Please type them again.",
        NameMissing = "name_missing" => "Please write a name of up to 60 characters, without special characters.",
        EndDate = "end_date" => "Please choose an end date between tomorrow and a year from now.",
        NotFound = "not_found" => "We couldn't find that. It may have been removed already.",
        Unavailable = "unavailable" => "Something went wrong on our side. Nothing was changed. Please try again in a few minutes.",
        SafetyPlanInvalid = "safety_plan_invalid" => "Your plan was not saved: please keep each part shorter, and write each phone number with digits and a name beside it.",
        SuggestionInvalid = "suggestion_invalid" => "Please write your idea in 200 characters or fewer, without special characters.",
        MessageInvalid = "message_invalid" => "Please keep your message under 2,000 characters, without special characters. Nothing was sent.",
        NoteTooLong = "note_too_long" => "Please keep your note under 300 characters, without special characters.",
        NotificationTimes = "notification_times" => "Please choose both times for quiet hours, or neither. Nothing was changed.",
        NotificationsUnavailable = "notifications_unavailable" => "This phone could not turn on notifications. Nothing was changed. Please try again later.",
        Refused = "refused" => "This form was sent from somewhere else, so it was not accepted. Please use the form on this page.",
    }
}

coded_enum! {
    /// What went right, said on the page a form leads back to.
    Notice ("notice") {
        SignedOut = "signed_out" => "You are signed out.",
        DeviceEnded = "device_ended" => "That device is signed out.",
        AccessEnded = "access_ended" => "Access ended. They can no longer see anything.",
        SessionsEnded = "sessions_ended" => "All of that person's devices are signed out.",
        StepDone = "step_done" => "Well done. Your case manager will see that you did this step.",
        WillCome = "will_come" => "Thank you. Your case manager knows you will be there.",
        CantCome = "cant_come" => "Thank you for letting us know. Your case manager will be in touch about another time.",
        PassphraseChanged = "passphrase_changed" => "Your passphrase is changed. Your other devices are signed out.",
        PasskeyRemoved = "passkey_removed" => "That passkey is removed. It can no longer be used to sign in.",
        StaffDeactivated = "staff_deactivated" => "That account is deactivated: signed out everywhere, and off every care team. Their records stay.",
        StaffReactivated = "staff_reactivated" => "That account can sign in again.",
        SafetyPlanSaved = "safety_plan_saved" => "Your safety plan is saved. It stays on this phone for when you need it.",
        SafetyPlanSavedBoth = "safety_plan_saved_both" => "Your safety plan is saved. Your case manager changed it too while you were writing: they can see both.",
        SuggestionSent = "suggestion_sent" => "Thank you. Your case manager will see your idea; you'll see here what becomes of it.",
        MessageSent = "message_sent" => "Your message is sent. The care team will answer here.",
        NotificationsSaved = "notifications_saved" => "Your choices are saved.",
        NotificationsOff = "notifications_off" => "Notifications are off on this phone.",
        CalendarReady = "calendar_ready" => "Your calendar address is ready. Add it to your phone's calendar now: it is shown only this once.",
        CalendarEnded = "calendar_ended" => "Your calendar address is stopped. Calendars that used it get nothing more.",
        StaffAdded = "staff_added" => "The account is ready. Tell them their sign-in name and passphrase in person.",
    }
}

impl From<SignInNameProblem> for Problem {
    fn from(problem: SignInNameProblem) -> Self {
        match problem {
            SignInNameProblem::TooShort => Problem::NameShort,
            SignInNameProblem::TooLong => Problem::NameLong,
            SignInNameProblem::Characters => Problem::NameCharacters,
        }
    }
}

impl From<PassphraseProblem> for Problem {
    fn from(problem: PassphraseProblem) -> Self {
        match problem {
            PassphraseProblem::TooShort => Problem::PassphraseShort,
            PassphraseProblem::TooLong => Problem::PassphraseLong,
            PassphraseProblem::Common => Problem::PassphraseCommon,
            PassphraseProblem::SameAsName => Problem::PassphraseSameAsName,
            PassphraseProblem::Mismatch => Problem::PassphraseMismatch,
        }
    }
}
