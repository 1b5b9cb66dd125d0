//! Build parameters: `hudson.model.ParametersDefinitionProperty` and the
//! string, boolean, choice and password definitions inside it.

use std::collections::HashSet;

use dcos_auth::Secret;

use super::error::ConfigXmlError;
use super::tree::Element;
use super::writer::XmlOut;

/// The job property that holds the parameter definitions.
pub(crate) const PROPERTY: &str = "hudson.model.ParametersDefinitionProperty";
const STRING: &str = "hudson.model.StringParameterDefinition";
const BOOLEAN: &str = "hudson.model.BooleanParameterDefinition";
const CHOICE: &str = "hudson.model.ChoiceParameterDefinition";
const PASSWORD: &str = "hudson.model.PasswordParameterDefinition";

/// One build parameter of a job, as Jenkins stores it in `config.xml`.
///
/// Build them with [`ParameterDefinition::string`], [`boolean`](Self::boolean),
/// [`choice`](Self::choice) and [`password`](Self::password), then
/// [`with_description`](Self::with_description).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParameterDefinition {
    /// `hudson.model.StringParameterDefinition`.
    String(StringParameter),
    /// `hudson.model.BooleanParameterDefinition`.
    Boolean(BooleanParameter),
    /// `hudson.model.ChoiceParameterDefinition`; the first choice is the default.
    Choice(ChoiceParameter),
    /// `hudson.model.PasswordParameterDefinition`.
    Password(PasswordParameter),
    /// A kind this crate does not model (file, run, credentials, plugin
    /// parameters…), read from a server. It cannot be written back.
    Other {
        /// The element name (the Java class).
        class: String,
        /// Its `<name>`, when present.
        name: Option<String>,
    },
}

/// A free-text parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StringParameter {
    /// The parameter name, as used in `params.NAME` and `$NAME`.
    pub name: String,
    /// Help text shown on the build form.
    pub description: String,
    /// The value used when the build does not pass one.
    pub default_value: String,
    /// Whether Jenkins trims the value (`<trim>`, Jenkins 2.90 and later).
    pub trim: bool,
}

/// A checkbox parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BooleanParameter {
    /// The parameter name.
    pub name: String,
    /// Help text shown on the build form.
    pub description: String,
    /// Whether the box is ticked by default.
    pub default_value: bool,
}

/// A pick-one-of parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ChoiceParameter {
    /// The parameter name.
    pub name: String,
    /// Help text shown on the build form.
    pub description: String,
    /// The choices in order; the first one is the default. At least one.
    pub choices: Vec<String>,
}

/// A masked parameter.
///
/// Jenkins encrypts the default when it saves the job (`{AQAAAB…}`), so a
/// default read back from a server is that encrypted form, not the value sent.
/// Prefer Jenkins credentials over password defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordParameter {
    /// The parameter name.
    pub name: String,
    /// Help text shown on the build form.
    pub description: String,
    /// The default value; `Debug` prints `***`.
    pub default_value: Secret,
}

impl ParameterDefinition {
    /// A string parameter with a default value; not trimmed.
    pub fn string(name: impl Into<String>, default_value: impl Into<String>) -> Self {
        ParameterDefinition::String(StringParameter {
            name: name.into(),
            description: String::new(),
            default_value: default_value.into(),
            trim: false,
        })
    }

    /// A boolean parameter.
    pub fn boolean(name: impl Into<String>, default_value: bool) -> Self {
        ParameterDefinition::Boolean(BooleanParameter {
            name: name.into(),
            description: String::new(),
            default_value,
        })
    }

    /// A choice parameter; the first choice is the default.
    pub fn choice<I, S>(name: impl Into<String>, choices: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ParameterDefinition::Choice(ChoiceParameter {
            name: name.into(),
            description: String::new(),
            choices: choices.into_iter().map(Into::into).collect(),
        })
    }

    /// A password parameter with a default value (often empty).
    pub fn password(name: impl Into<String>, default_value: impl Into<Secret>) -> Self {
        ParameterDefinition::Password(PasswordParameter {
            name: name.into(),
            description: String::new(),
            default_value: default_value.into(),
        })
    }

    /// Sets the help text. No effect on [`ParameterDefinition::Other`].
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        let description = description.into();
        match &mut self {
            ParameterDefinition::String(p) => p.description = description,
            ParameterDefinition::Boolean(p) => p.description = description,
            ParameterDefinition::Choice(p) => p.description = description,
            ParameterDefinition::Password(p) => p.description = description,
            ParameterDefinition::Other { .. } => {}
        }
        self
    }

    /// Sets whether a string parameter's value is trimmed. No effect on other kinds.
    #[must_use]
    pub fn with_trim(mut self, trim: bool) -> Self {
        if let ParameterDefinition::String(p) = &mut self {
            p.trim = trim;
        }
        self
    }

    /// The parameter name (`None` only for an [`Other`](Self::Other) without one).
    pub fn name(&self) -> Option<&str> {
        match self {
            ParameterDefinition::String(p) => Some(&p.name),
            ParameterDefinition::Boolean(p) => Some(&p.name),
            ParameterDefinition::Choice(p) => Some(&p.name),
            ParameterDefinition::Password(p) => Some(&p.name),
            ParameterDefinition::Other { name, .. } => name.as_deref(),
        }
    }

    /// The Java class Jenkins stores this definition as.
    pub fn class(&self) -> &str {
        match self {
            ParameterDefinition::String(_) => STRING,
            ParameterDefinition::Boolean(_) => BOOLEAN,
            ParameterDefinition::Choice(_) => CHOICE,
            ParameterDefinition::Password(_) => PASSWORD,
            ParameterDefinition::Other { class, .. } => class,
        }
    }

    fn write(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        let class = self.class();
        let (name, description) = match self {
            ParameterDefinition::String(p) => (&p.name, &p.description),
            ParameterDefinition::Boolean(p) => (&p.name, &p.description),
            ParameterDefinition::Choice(p) => (&p.name, &p.description),
            ParameterDefinition::Password(p) => (&p.name, &p.description),
            ParameterDefinition::Other { class, .. } => {
                return Err(ConfigXmlError::NotWritable {
                    what: "parameter",
                    class: class.clone(),
                });
            }
        };
        out.open(class, &[])?;
        out.text("name", "parameter name", name)?;
        out.text("description", "parameter description", description)?;
        match self {
            ParameterDefinition::String(p) => {
                out.text("defaultValue", "parameter default", &p.default_value)?;
                out.boolean("trim", p.trim)?;
            }
            ParameterDefinition::Boolean(p) => out.boolean("defaultValue", p.default_value)?,
            ParameterDefinition::Choice(p) => {
                // An ArrayList is written without a class attribute, which is
                // what current Jenkins saves; the older `Arrays$ArrayList` /
                // `string-array` shape is read as well.
                out.open("choices", &[])?;
                for choice in &p.choices {
                    out.text("string", "choice", choice)?;
                }
                out.close("choices")?;
            }
            ParameterDefinition::Password(p) => {
                // Sent in clear; Jenkins encrypts it when it saves the job.
                out.text("defaultValue", "password default", p.default_value.expose())?;
            }
            ParameterDefinition::Other { .. } => {}
        }
        out.close(class)
    }

    fn read(el: &Element) -> Result<Self, ConfigXmlError> {
        let name = el.child_text("name").unwrap_or_default().to_owned();
        let description = el.child_text("description").unwrap_or_default().to_owned();
        Ok(match el.name.as_str() {
            STRING => ParameterDefinition::String(StringParameter {
                name,
                description,
                default_value: el.child_text("defaultValue").unwrap_or_default().to_owned(),
                trim: el.bool_child("trim", false)?,
            }),
            BOOLEAN => ParameterDefinition::Boolean(BooleanParameter {
                name,
                description,
                default_value: el.bool_child("defaultValue", false)?,
            }),
            CHOICE => ParameterDefinition::Choice(ChoiceParameter {
                name,
                description,
                choices: el.child("choices").map(read_choices).unwrap_or_default(),
            }),
            PASSWORD => ParameterDefinition::Password(PasswordParameter {
                name,
                description,
                default_value: Secret::new(el.child_text("defaultValue").unwrap_or_default()),
            }),
            other => ParameterDefinition::Other {
                class: other.to_owned(),
                name: el.child_text("name").map(str::to_owned),
            },
        })
    }
}

/// `<choices><string>…</string></choices>` or the `Arrays$ArrayList` shape
/// `<choices class="java.util.Arrays$ArrayList"><a class="string-array"><string>…`.
fn read_choices(choices: &Element) -> Vec<String> {
    let strings = match choices.child("a") {
        Some(array) => &array.children,
        None => &choices.children,
    };
    strings
        .iter()
        .filter(|s| s.name == "string")
        .map(|s| s.text.clone())
        .collect()
}

/// Checks the rules Jenkins enforces: names present and unique, choices not empty.
pub(crate) fn validate(parameters: &[ParameterDefinition]) -> Result<(), ConfigXmlError> {
    let mut seen = HashSet::new();
    for p in parameters {
        let name = p.name().unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ConfigXmlError::Invalid(format!(
                "a parameter ({}) has no name",
                p.class()
            )));
        }
        if !seen.insert(name) {
            return Err(ConfigXmlError::Invalid(format!(
                "parameter name `{name}` is used twice"
            )));
        }
        if let ParameterDefinition::Choice(c) = p {
            if c.choices.is_empty() {
                return Err(ConfigXmlError::Invalid(format!(
                    "choice parameter `{name}` has no choices"
                )));
            }
        }
    }
    Ok(())
}

/// Writes the property, or nothing when there are no parameters.
pub(crate) fn write_property(
    out: &mut XmlOut,
    parameters: &[ParameterDefinition],
) -> Result<(), ConfigXmlError> {
    if parameters.is_empty() {
        return Ok(());
    }
    validate(parameters)?;
    out.open(PROPERTY, &[])?;
    out.open("parameterDefinitions", &[])?;
    for p in parameters {
        p.write(out)?;
    }
    out.close("parameterDefinitions")?;
    out.close(PROPERTY)
}

/// Reads the definitions from a job's `<properties>`; empty without the property.
pub(crate) fn read_property(
    properties: Option<&Element>,
) -> Result<Vec<ParameterDefinition>, ConfigXmlError> {
    let Some(defs) = properties
        .and_then(|p| p.child(PROPERTY))
        .and_then(|p| p.child("parameterDefinitions"))
    else {
        return Ok(Vec::new());
    };
    defs.children
        .iter()
        .map(ParameterDefinition::read)
        .collect()
}

/// Whether `value` has the shape of a Jenkins-encrypted secret, `{base64}`.
pub(crate) fn looks_encrypted(value: &str) -> bool {
    value.len() > 2
        && value.starts_with('{')
        && value.ends_with('}')
        && value[1..value.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_password_defaults() {
        let p = ParameterDefinition::password("TOKEN", "hunter2");
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn validation_names_the_problem() {
        let err = validate(&[
            ParameterDefinition::string("A", ""),
            ParameterDefinition::boolean("A", true),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid job configuration: parameter name `A` is used twice"
        );
        let err = validate(&[ParameterDefinition::choice("C", Vec::<String>::new())]).unwrap_err();
        assert!(err.to_string().contains("no choices"));
        let err = validate(&[ParameterDefinition::string(" ", "")]).unwrap_err();
        assert!(err.to_string().contains("has no name"));
    }

    #[test]
    fn encrypted_secret_shape() {
        assert!(looks_encrypted("{AQAAABAAAAAQ+/=}"));
        assert!(!looks_encrypted("{}"));
        assert!(!looks_encrypted("hunter2"));
        assert!(!looks_encrypted("{not base64!}"));
    }
}
