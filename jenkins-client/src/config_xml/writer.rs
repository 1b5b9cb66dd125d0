//! [`XmlOut`]: a thin layer over `quick_xml::Writer` that writes Jenkins-shaped
//! elements (two-space indent, XML 1.1 declaration) with escaped text.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::error::ConfigXmlError;
use super::escape::escape_text;

/// Writes one `config.xml` document into memory.
pub(crate) struct XmlOut {
    writer: Writer<Vec<u8>>,
}

/// Writing into a `Vec<u8>` cannot fail; the error is mapped rather than unwrapped.
fn io(err: std::io::Error) -> ConfigXmlError {
    ConfigXmlError::Invalid(format!("writing XML into memory failed: {err}"))
}

impl XmlOut {
    /// Starts a document with the declaration Jenkins writes:
    /// `<?xml version="1.1" encoding="UTF-8"?>`. XML 1.1 is what lets control
    /// characters travel as character references.
    pub(crate) fn new() -> Result<Self, ConfigXmlError> {
        let mut writer = Writer::new_with_indent(Vec::with_capacity(1024), b' ', 2);
        writer
            .write_event(Event::Decl(BytesDecl::new("1.1", Some("UTF-8"), None)))
            .map_err(io)?;
        Ok(XmlOut { writer })
    }

    /// `<name attr="…">`.
    pub(crate) fn open(
        &mut self,
        name: &str,
        attrs: &[(&str, &str)],
    ) -> Result<(), ConfigXmlError> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.writer.write_event(Event::Start(start)).map_err(io)
    }

    /// `</name>`.
    pub(crate) fn close(&mut self, name: &str) -> Result<(), ConfigXmlError> {
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(io)
    }

    /// `<name attr="…"/>`.
    pub(crate) fn empty(
        &mut self,
        name: &str,
        attrs: &[(&str, &str)],
    ) -> Result<(), ConfigXmlError> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.writer.write_event(Event::Empty(start)).map_err(io)
    }

    /// `<name>text</name>` with `text` escaped, or `<name/>` when it is empty.
    /// `field` names the value in errors.
    pub(crate) fn text(
        &mut self,
        name: &str,
        field: &'static str,
        text: &str,
    ) -> Result<(), ConfigXmlError> {
        if text.is_empty() {
            return self.empty(name, &[]);
        }
        let escaped = escape_text(field, text)?;
        self.open(name, &[])?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(escaped)))
            .map_err(io)?;
        self.close(name)
    }

    /// `<name>true</name>` or `<name>false</name>`.
    pub(crate) fn boolean(&mut self, name: &str, value: bool) -> Result<(), ConfigXmlError> {
        self.text(name, "boolean", if value { "true" } else { "false" })
    }

    /// `<name>N</name>`.
    pub(crate) fn number(&mut self, name: &str, value: i64) -> Result<(), ConfigXmlError> {
        self.text(name, "number", &value.to_string())
    }

    /// The finished document.
    pub(crate) fn finish(self) -> Result<String, ConfigXmlError> {
        String::from_utf8(self.writer.into_inner())
            .map_err(|e| ConfigXmlError::Invalid(format!("generated XML is not UTF-8: {e}")))
    }
}
