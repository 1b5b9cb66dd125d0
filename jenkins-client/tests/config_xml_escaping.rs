//! Escaping: any string XML can carry survives a write and a parse unchanged,
//! in every text field; the three it cannot carry are refused with an error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use jenkins_client::config_xml::{
    BuildStep, ConfigXmlError, FolderConfig, FreestyleConfig, GitScm, JobConfig,
    ParameterDefinition, PipelineConfig, PipelineDefinition,
};
use proptest::prelude::*;

/// Characters XML cannot carry at all.
fn forbidden(c: char) -> bool {
    matches!(c, '\0' | '\u{FFFE}' | '\u{FFFF}')
}

/// Strings rich in the characters escaping gets wrong: markup, quotes, CDATA
/// ends, line ends of both XML versions, controls, astral unicode.
fn tricky() -> impl Strategy<Value = String> {
    const INTERESTING: &[char] = &[
        '<', '>', '&', '"', '\'', ']', '\r', '\n', '\t', '\u{85}', '\u{2028}', '\u{1}', '\u{1F}',
        '\u{7F}', '\u{9F}', ';', '#', 'x', ' ', '🚀', 'é',
    ];
    let char = prop_oneof![4 => prop::sample::select(INTERESTING), 1 => any::<char>()];
    prop::collection::vec(char, 0..48)
        .prop_map(|chars| chars.into_iter().filter(|c| !forbidden(*c)).collect())
}

fn parse(xml: &str) -> JobConfig {
    JobConfig::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_script_and_description_survive(script in tricky(), description in tricky()) {
        let job = PipelineConfig::script(script.clone()).description(description.clone());
        let JobConfig::Pipeline(back) = parse(&job.to_xml().unwrap()) else { panic!() };
        prop_assert_eq!(back.definition, PipelineDefinition::Script { script, sandbox: true });
        prop_assert_eq!(back.description, description);
    }

    #[test]
    fn any_arbitrary_string_survives(s in any::<String>().prop_filter("XML cannot carry it", |s| !s.chars().any(forbidden))) {
        let job = FreestyleConfig::new().description(s.clone()).shell(s.clone());
        let JobConfig::Freestyle(back) = parse(&job.to_xml().unwrap()) else { panic!() };
        prop_assert_eq!(&back.description, &s);
        prop_assert_eq!(back.steps, vec![BuildStep::Shell(s)]);
    }

    #[test]
    fn parameters_and_git_fields_survive(
        name in tricky().prop_filter("named", |s| !s.trim().is_empty()),
        value in tricky(),
        text in tricky(),
        url in tricky().prop_filter("non-empty", |s| !s.trim().is_empty()),
    ) {
        let params = vec![
            ParameterDefinition::string(name.clone(), value.clone()).with_description(text.clone()),
            ParameterDefinition::choice(format!("{name}-c"), [value.clone(), text.clone()]),
            ParameterDefinition::password(format!("{name}-p"), value.clone()),
        ];
        let job = PipelineConfig::from_git(GitScm::new(url, value.clone()).credentials_id(text.clone()), format!("{value}x"))
            .parameters(params);
        let back = parse(&job.to_xml().unwrap());
        prop_assert_eq!(back, JobConfig::Pipeline(job));
    }

    #[test]
    fn labels_and_folders_survive(label in tricky().prop_filter("non-empty", |s| !s.trim().is_empty()), d in tricky()) {
        let job = FreestyleConfig::new().label(label.clone());
        let JobConfig::Freestyle(back) = parse(&job.to_xml().unwrap()) else { panic!() };
        prop_assert_eq!(back.label, Some(label));
        let folder = FolderConfig::new().description(d.clone());
        prop_assert_eq!(parse(&folder.to_xml().unwrap()), JobConfig::Folder(folder));
    }

    #[test]
    fn forbidden_characters_are_errors(prefix in tricky(), c in prop_oneof![Just('\0'), Just('\u{FFFE}'), Just('\u{FFFF}')]) {
        let err = PipelineConfig::script(format!("{prefix}{c}")).to_xml().unwrap_err();
        prop_assert_eq!(err, ConfigXmlError::UnrepresentableChar { field: "script", code: u32::from(c) });
    }
}

#[test]
fn hard_cases_survive_and_stay_escaped() {
    let cases = [
        "]]>",
        "<![CDATA[ not cdata ]]>",
        "a\r\nb\rc\n",
        "&amp; is not &",
        "&#x41; stays literal",
        "'single' \"double\"",
        "<script>alert(1)</script>",
        "tab\there",
        "  leading and trailing  ",
        "\n",
        "🚀 ünï 中文",
        "\u{85}\u{2028}\u{2029}",
    ];
    for case in cases {
        let xml = PipelineConfig::script(case).to_xml().unwrap();
        assert!(!xml.contains("]]>"), "{xml}");
        assert!(!xml.contains("<script>alert"), "{xml}");
        let JobConfig::Pipeline(back) = parse(&xml) else {
            panic!()
        };
        assert_eq!(
            back.definition,
            PipelineDefinition::Script {
                script: case.to_owned(),
                sandbox: true
            },
            "{xml}"
        );
    }
}

#[test]
fn xstream_escapes_are_read() {
    // What Jenkins' XStream writes: lower-case hex references, &quot; and &apos;.
    let xml = "<?xml version='1.1' encoding='UTF-8'?>\n<flow-definition plugin=\"workflow-job@1400.v7fd111b_ec82f\">\n  <definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\" plugin=\"workflow-cps@3894.vd0f0248b_a_fc4\">\n    <script>sh &quot;echo &apos;hi&apos; &amp;&amp; exit 0&quot;&#xd;\n&#x1b;[0m</script>\n    <sandbox>true</sandbox>\n  </definition>\n</flow-definition>";
    let JobConfig::Pipeline(p) = parse(xml) else {
        panic!()
    };
    assert_eq!(
        p.definition,
        PipelineDefinition::Script {
            script: "sh \"echo 'hi' && exit 0\"\r\n\u{1b}[0m".into(),
            sandbox: true
        }
    );
}

#[test]
fn cdata_scripts_are_read() {
    let xml = "<flow-definition><definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\"><script><![CDATA[if (a < b && c) { echo \"]]]]><![CDATA[>\" }]]></script></definition></flow-definition>";
    let JobConfig::Pipeline(p) = parse(xml) else {
        panic!()
    };
    assert_eq!(
        p.definition,
        PipelineDefinition::Script {
            script: "if (a < b && c) { echo \"]]>\" }".into(),
            sandbox: false
        }
    );
}
