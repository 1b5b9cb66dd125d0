//! A minimal element tree read with quick-xml's pull parser: enough to pick the
//! fields we manage out of a `config.xml`, whatever its formatting.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::error::ConfigXmlError;

/// Deeper documents are refused: real `config.xml` files stay far below this,
/// and the cap keeps a hostile document from exhausting the stack when the tree
/// is dropped.
const MAX_DEPTH: usize = 256;

/// One element: its name, attributes, child elements and its own text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    /// The element name, such as `hudson.model.StringParameterDefinition`.
    pub(crate) name: String,
    /// Attributes in document order, values unescaped.
    pub(crate) attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub(crate) children: Vec<Element>,
    /// The element's own character data (text, CDATA and references) joined,
    /// unescaped and with XML line ends normalized. For a leaf this is exactly
    /// the value that was written.
    pub(crate) text: String,
}

impl Element {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The value of attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of child `name`, if that child exists.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// The `class` attribute, or the element name when there is none: the way
    /// XStream names the Java class of a value.
    pub(crate) fn class(&self) -> &str {
        self.attr("class").unwrap_or(&self.name)
    }

    /// Child `name` read as an XStream boolean (`true`/`false`, any case,
    /// surrounding whitespace ignored); `default` when the child is absent.
    pub(crate) fn bool_child(&self, name: &str, default: bool) -> Result<bool, ConfigXmlError> {
        let Some(text) = self.child_text(name) else {
            return Ok(default);
        };
        let t = text.trim();
        if t.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if t.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(ConfigXmlError::InvalidValue {
                path: format!("{}/{name}", self.name),
                value: text.to_owned(),
                expected: "true or false",
            })
        }
    }

    /// Child `name` read as an integer; `None` when the child is absent or empty.
    pub(crate) fn int_child(&self, name: &str) -> Result<Option<i64>, ConfigXmlError> {
        let Some(text) = self.child_text(name) else {
            return Ok(None);
        };
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse()
            .map(Some)
            .map_err(|_| ConfigXmlError::InvalidValue {
                path: format!("{}/{name}", self.name),
                value: text.to_owned(),
                expected: "an integer",
            })
    }
}

/// An error at the reader's current position.
fn malformed(reader: &Reader<&[u8]>, err: impl std::fmt::Display) -> ConfigXmlError {
    ConfigXmlError::Malformed {
        position: reader.buffer_position(),
        message: err.to_string(),
    }
}

fn start(
    reader: &Reader<&[u8]>,
    version: XmlVersion,
    e: &BytesStart<'_>,
) -> Result<Element, ConfigXmlError> {
    let name = std::str::from_utf8(e.name().as_ref())
        .map_err(|err| malformed(reader, err))?
        .to_owned();
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| malformed(reader, err))?;
        let key = std::str::from_utf8(attr.key.as_ref())
            .map_err(|err| malformed(reader, err))?
            .to_owned();
        let value = attr
            .normalized_value(version)
            .map_err(|err| malformed(reader, err))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Resolves `&name;` or `&#N;`: a character reference keeps its character as
/// is (that is how `\r` survives), a predefined entity gives its character, and
/// any other entity is an error, since `config.xml` declares none.
fn reference(reader: &Reader<&[u8]>, r: &BytesRef<'_>) -> Result<char, ConfigXmlError> {
    if let Some(c) = r.resolve_char_ref().map_err(|err| malformed(reader, err))? {
        return Ok(c);
    }
    let name = r.decode().map_err(|err| malformed(reader, err))?;
    match name.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(malformed(reader, format!("unknown entity `&{other};`"))),
    }
}

/// Parses a whole document into its root element.
pub(crate) fn parse(xml: &str) -> Result<Element, ConfigXmlError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut version = XmlVersion::Implicit1_0;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|err| ConfigXmlError::Malformed {
                position: reader.error_position(),
                message: err.to_string(),
            })?;
        match event {
            Event::Decl(decl) => {
                version = decl.xml_version().map_err(|err| malformed(&reader, err))?;
            }
            Event::Start(e) => {
                if root.is_some() {
                    return Err(malformed(&reader, "content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(
                        &reader,
                        format!("nested deeper than {MAX_DEPTH} elements"),
                    ));
                }
                let element = start(&reader, version, &e)?;
                stack.push(element);
            }
            Event::Empty(e) => {
                let element = start(&reader, version, &e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None if root.is_none() => root = Some(element),
                    None => return Err(malformed(&reader, "content after the root element")),
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(malformed(&reader, "end tag without a start tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                let text = t
                    .xml_content(version)
                    .map_err(|err| malformed(&reader, err))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(malformed(&reader, "text outside the root element")),
                }
            }
            Event::CData(t) => {
                let text = t
                    .xml_content(version)
                    .map_err(|err| malformed(&reader, err))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&text),
                    None => return Err(malformed(&reader, "CDATA outside the root element")),
                }
            }
            Event::GeneralRef(r) => {
                let c = reference(&reader, &r)?;
                match stack.last_mut() {
                    Some(el) => el.text.push(c),
                    None => return Err(malformed(&reader, "reference outside the root element")),
                }
            }
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(malformed(&reader, "document ends inside an element"));
    }
    root.ok_or_else(|| malformed(&reader, "no root element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_text_is_exact_and_whitespace_between_elements_is_ignored_by_readers() {
        let root = parse(
            "<?xml version='1.1' encoding='UTF-8'?>\n<a x=\"1 &amp; 2\">\n  <b>  hi &lt;there&gt; &#xD;\n</b>\n  <c/>\n</a>\n",
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("x"), Some("1 & 2"));
        assert_eq!(root.child_text("b"), Some("  hi <there> \r\n"));
        assert_eq!(root.child_text("c"), Some(""));
        assert_eq!(root.children.len(), 2);
    }

    #[test]
    fn cdata_and_xml11_line_ends() {
        let root = parse("<?xml version='1.1'?><a><![CDATA[x < y]]>\r\n&#x85;\u{85}</a>").unwrap();
        // A raw CRLF and a raw U+0085 are line ends in XML 1.1; the reference is kept.
        assert_eq!(root.text, "x < y\n\u{85}\n");
    }

    #[test]
    fn broken_documents_are_errors() {
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "<a>&nope;</a>",
            "<a/><b/>",
            "<a>&#0;</a>",
            "text",
        ] {
            assert!(
                matches!(parse(bad), Err(ConfigXmlError::Malformed { .. })),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn declared_entities_are_not_expanded() {
        // No DTD processing: a document cannot pull in files or grow itself.
        let xml = "<!DOCTYPE p [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><p><d>&e;</d></p>";
        assert!(
            matches!(parse(xml), Err(ConfigXmlError::Malformed { message, .. }) if message.contains("&e;"))
        );
        let root = parse("<!DOCTYPE p><p><d>x</d></p>").unwrap();
        assert_eq!(root.child_text("d"), Some("x"));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let root = parse("\u{FEFF}<?xml version='1.1' encoding='UTF-8'?>\n<project/>").unwrap();
        assert_eq!(root.name, "project");
    }

    #[test]
    fn depth_is_capped() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            parse(&deep),
            Err(ConfigXmlError::Malformed { .. })
        ));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
