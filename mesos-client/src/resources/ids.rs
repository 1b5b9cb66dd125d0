//! The `{"value": "…"}` ID messages of `mesos.proto` that offers and tasks use.

use dcos_auth::json_model;

macro_rules! id_message {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        $(
            json_model! {
                $(#[$meta])*
                pub struct $name {
                    /// The ID itself.
                    "value" value: String,
                }
            }

            impl $name {
                /// Wraps an ID string.
                pub fn new(value: impl Into<String>) -> Self {
                    $name { value: value.into(), ..$name::default() }
                }

                /// The ID string.
                pub fn as_str(&self) -> &str {
                    &self.value
                }
            }

            impl ::std::fmt::Display for $name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(&self.value)
                }
            }
        )*
    };
}

id_message! {
    /// An offer's ID (`OfferID`). An offer ID may be used in one call only.
    OfferId,
    /// A framework's ID (`FrameworkID`).
    FrameworkId,
    /// An agent's ID (`AgentID`).
    AgentId,
    /// A task's ID (`TaskID`), chosen by the framework.
    TaskId,
    /// An executor's ID (`ExecutorID`).
    ExecutorId,
    /// A resource provider's ID (`ResourceProviderID`).
    ResourceProviderId,
}
