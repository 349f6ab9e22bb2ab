//! Why a world operation was refused. Personas render these in their provider's dialect.

/// A refused world operation. Messages are lowercase fragments that read after "failed to".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: String },
    #[error("{field} {message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
}

impl WorldError {
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        WorldError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        WorldError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        WorldError::Conflict {
            code,
            message: message.into(),
        }
    }
}
