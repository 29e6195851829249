//! The rules of signing in, as values in and values out: passphrase checks and hashing
//! (Argon2id, off the async threads), one-time codes, how long failures make someone wait,
//! and the passkey relying party. No database: the actions (`actions::sessions`,
//! `actions::enrollment`, ...) store what these produce.
mod codes;
mod passkeys;
mod passphrase;
mod throttle;

pub use codes::*;
pub use passkeys::*;
pub use passphrase::*;
pub use throttle::*;

/// How long an enrollment or invite code works.
pub const CODE_LIFETIME: chrono::Duration = chrono::Duration::hours(72);

/// How long a staff member's reset code works: it opens a staff account, so a day.
pub const RESET_CODE_LIFETIME: chrono::Duration = chrono::Duration::hours(24);
