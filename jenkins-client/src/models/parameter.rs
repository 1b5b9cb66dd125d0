//! [`ParameterDefinition`]: the parameters a job takes.

dcos_auth::json_model! {
    /// A job property. The one this crate reads is
    /// `hudson.model.ParametersDefinitionProperty`, with its
    /// `parameterDefinitions`; others are kept as sent.
    pub struct JobProperty {
        /// The property's class (absent before Jenkins 2).
        "_class" class: Option<String>,
        /// The parameters, for a `ParametersDefinitionProperty`.
        "parameterDefinitions" parameter_definitions: Option<Vec<ParameterDefinition>>,
    }
}

dcos_auth::json_model! {
    /// One parameter a job takes.
    pub struct ParameterDefinition {
        /// Its class, such as `hudson.model.StringParameterDefinition`.
        "_class" class: Option<String>,
        /// Its name.
        "name" name: String,
        /// Its type: `StringParameterDefinition`, `BooleanParameterDefinition`,
        /// `ChoiceParameterDefinition`, `PasswordParameterDefinition`…
        "type" kind: Option<String>,
        /// Its description.
        "description" description: Option<String>,
        /// Its default value.
        "defaultParameterValue" default_value: Option<ParameterValue>,
        /// The choices of a choice parameter.
        "choices" choices: Option<Vec<String>>,
    }
}

dcos_auth::json_model! {
    /// A parameter value. A password parameter's default is sent masked or
    /// not at all.
    pub struct ParameterValue {
        /// Its class, such as `hudson.model.StringParameterValue`.
        "_class" class: Option<String>,
        /// The parameter's name.
        "name" name: Option<String>,
        /// The value: a string, a boolean, or another JSON value.
        "value" value: Option<serde_json::Value>,
    }
}
