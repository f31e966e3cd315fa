//! The one application error type. Server functions return it; the UI shows its message.
//! It carries only what a user may see: causes are logged on the server, never sent.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    NotSignedIn,
    #[error("You don't have access to this part of Gather.")]
    WrongArea,
    /// Used for objects the caller may not see as well as for missing ones, so that a URL
    /// never confirms that someone else's record exists.
    #[error("Not found, or you are not allowed to see it.")]
    NotFound,
    /// The caller may see the object but not do this to it; says who can.
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    InvalidInput { field: String, message: String },
    /// Deliberately the same whether the email is unknown or the password is wrong.
    #[error("That email and password do not match an account. Check both and try again.")]
    SignInFailed,
    #[error("Too many sign-in attempts. Try again in {minutes} minute(s).")]
    TooManyAttempts { minutes: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("Gather can't reach its database right now. Try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    /// Transport-level failures (offline, bad response) raised by the server-function layer.
    #[error("Couldn't reach Gather: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::InvalidInput {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// An internal error, with its cause logged where it happened (file and line), since
    /// the user only ever sees the generic message. Never build `AppError::Internal` bare.
    #[cfg(feature = "ssr")]
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(%cause, at = %at, "internal error");
        AppError::Internal
    }

    /// The HTTP status a page showing this error should carry.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::SignInFailed => 401,
            AppError::WrongArea | AppError::Forbidden(_) => 403,
            AppError::NotFound => 404,
            AppError::InvalidInput { .. } => 422,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Conflict(_) => 409,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not even parse are bad input, not a server fault. On the
            // server, a body that does not decode is the caller's input too; in the browser,
            // a response that does not decode is a transport failure.
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => malformed(&e),
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(e) | ServerFnErrorErr::Request(e) => malformed(&e),
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Deserialization(e) => {
                AppError::Transport(e)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Input that does not decode, as a field error naming the field when the decoder does
/// ("missing field `id`"), never echoing the decoder's text.
fn malformed(decoder_message: &str) -> AppError {
    let field = ["missing field `", "unknown field `", "duplicate field `"]
        .iter()
        .find_map(|marker| {
            let rest = decoder_message.split_once(marker)?.1;
            rest.split_once('`').map(|(name, _)| name)
        })
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match field {
        Some(name) => AppError::invalid(name, format!("The {name} field is missing or malformed.")),
        None => AppError::invalid(
            "form",
            "Some of the form's fields are missing or malformed.",
        ),
    }
}

pub type AppResult<T> = Result<T, AppError>;
