//! Reading a Pipeline script: the steps the simulator runs, in order.
//!
//! This is not Groovy: a small tokenizer (strings, comments, identifiers,
//! brackets) and a walk over the blocks. See the crate docs for the rules.

/// One thing the simulated build does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// `stage('name') {`.
    StageStart(String),
    /// The end of a stage block.
    StageEnd,
    /// `node('label') {`, `node {`, or a declarative `agent`.
    NodeStart(Option<String>),
    /// The end of the node block.
    NodeEnd,
    /// `sh '…'`: the command as written (substituted when run).
    Sh(String),
    /// `echo '…'`.
    Echo(String),
    /// `error('…')`. `guard` holds the parameters named by the enclosing
    /// `if` conditions (empty when unconditional): a guarded error fires
    /// only when one of them is empty or absent.
    Error {
        /// The message.
        message: String,
        /// The parameters the guarding `if` conditions name.
        guard: Vec<String>,
    },
    /// `withEnv([...]) {` or a declarative `environment { … }`: variables.
    EnvStart(Vec<(String, String)>),
    /// The end of a `withEnv` block.
    EnvEnd,
    /// Any other step (`checkout`, `withCredentials`, `dir`…), shown as
    /// `[Pipeline] name`.
    Other(String),
    /// The end of another step's block.
    OtherEnd(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Punct(char),
}

fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' || c == '"' {
            let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
            i += if triple { 3 } else { 1 };
            let mut text = String::new();
            while i < chars.len() {
                if triple {
                    if chars[i] == c && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c)
                    {
                        i += 3;
                        break;
                    }
                } else if chars[i] == c {
                    i += 1;
                    break;
                }
                if chars[i] == '\\' && i + 1 < chars.len() {
                    let next = chars[i + 1];
                    text.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                    i += 2;
                    continue;
                }
                text.push(chars[i]);
                i += 1;
            }
            tokens.push(Token::Str(text));
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '.'))
            {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// What a `{` opened.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// Transparent (`script`, `steps`, `stages`, `try`, closures…).
    Plain,
    Stage,
    Node,
    Env,
    Other(String),
    /// `if (…)`: the parameters its condition names.
    If(Vec<String>),
    /// Not run: `else`, `catch`, `post`, `when`.
    Skip,
    /// A declarative `pipeline`; true once an `agent` gave it a node.
    Pipeline(bool),
    /// A declarative `agent { … }`: the label found inside.
    Agent(Option<String>),
    /// A declarative `environment { … }`.
    Environment(Vec<(String, String)>),
}

/// Steps with blocks that show as `[Pipeline] name` lines.
pub(crate) const BLOCK_STEPS: &[&str] = &[
    "withCredentials",
    "dir",
    "timeout",
    "retry",
    "timestamps",
    "ansiColor",
    "container",
    "wrap",
    "lock",
    "sshagent",
    "withDockerRegistry",
    "parallel",
];

/// Steps without blocks that show as `[Pipeline] name` lines.
const PLAIN_STEPS: &[&str] = &[
    "checkout",
    "git",
    "archiveArtifacts",
    "junit",
    "input",
    "milestone",
    "build",
    "stash",
    "unstash",
    "deleteDir",
    "writeFile",
    "readFile",
    "sleep",
    "cleanWs",
];

/// The first string argument of a call's tokens, or the `script:` /
/// `message:` named argument.
fn first_string(args: &[Token]) -> Option<String> {
    for (i, t) in args.iter().enumerate() {
        if let Token::Ident(name) = t {
            if matches!(name.as_str(), "script" | "message" | "label")
                && args.get(i + 1) == Some(&Token::Punct(':'))
            {
                if let Some(Token::Str(s)) = args.get(i + 2) {
                    return Some(s.clone());
                }
            }
        }
    }
    args.iter().find_map(|t| match t {
        Token::Str(s) => Some(s.clone()),
        _ => None,
    })
}

/// `NAME=value` strings of a `withEnv([...])` argument list.
fn env_pairs(args: &[Token]) -> Vec<(String, String)> {
    args.iter()
        .filter_map(|t| match t {
            Token::Str(s) => s
                .split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.to_owned())),
            _ => None,
        })
        .collect()
}

/// The tokens of a bracketed group starting at `start` (which is the
/// opening bracket); returns them and the index after the closing one.
fn group(tokens: &[Token], start: usize, open: char, close: char) -> (Vec<Token>, usize) {
    let mut depth = 0usize;
    let mut i = start;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct(c) if *c == open => depth += 1,
            Token::Punct(c) if *c == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (tokens[start + 1..i].to_vec(), i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (
        tokens[(start + 1).min(tokens.len())..].to_vec(),
        tokens.len(),
    )
}

/// The parameters a condition names (`params.X`, `params['X']`).
fn params_named(cond: &[Token]) -> Vec<String> {
    let mut names = Vec::new();
    for (i, t) in cond.iter().enumerate() {
        if let Token::Ident(id) = t {
            if let Some(rest) = id.strip_prefix("params.") {
                names.push(rest.split('.').next().unwrap_or(rest).to_owned());
            } else if id == "params" && cond.get(i + 1) == Some(&Token::Punct('[')) {
                if let Some(Token::Str(s)) = cond.get(i + 2) {
                    names.push(s.clone());
                }
            }
        }
    }
    names
}

/// The steps of a Pipeline script, in the order they run.
pub(crate) fn parse(script: &str) -> Vec<Step> {
    let tokens = tokenize(script);
    let mut steps = Vec::new();
    let mut stack: Vec<Block> = Vec::new();
    // What the next `{` opens.
    let mut pending = Block::Plain;
    let mut i = 0;
    let skipping = |stack: &[Block]| stack.iter().any(|b| matches!(b, Block::Skip));
    let guard = |stack: &[Block]| -> Option<Vec<String>> {
        let ifs: Vec<&Vec<String>> = stack
            .iter()
            .filter_map(|b| match b {
                Block::If(p) => Some(p),
                _ => None,
            })
            .collect();
        if ifs.is_empty() {
            None
        } else {
            Some(ifs.into_iter().flatten().cloned().collect())
        }
    };
    while i < tokens.len() {
        let token = tokens[i].clone();
        match token {
            Token::Punct('{') => {
                stack.push(std::mem::replace(&mut pending, Block::Plain));
                i += 1;
            }
            Token::Punct('}') => {
                let block = stack.pop();
                let skip = skipping(&stack);
                match block {
                    Some(Block::Stage) if !skip => steps.push(Step::StageEnd),
                    Some(Block::Node) if !skip => steps.push(Step::NodeEnd),
                    Some(Block::Env) if !skip => steps.push(Step::EnvEnd),
                    Some(Block::Other(name)) if !skip => steps.push(Step::OtherEnd(name)),
                    Some(Block::Pipeline(true)) if !skip => steps.push(Step::NodeEnd),
                    Some(Block::Agent(label)) if !skip => {
                        steps.push(Step::NodeStart(label));
                        if let Some(Block::Pipeline(has)) = stack.last_mut() {
                            *has = true;
                        }
                    }
                    Some(Block::Environment(vars)) if !skip => steps.push(Step::EnvStart(vars)),
                    _ => {}
                }
                i += 1;
            }
            Token::Ident(name) => {
                let next = tokens.get(i + 1);
                let in_skip = skipping(&stack);
                match name.as_str() {
                    "if" => {
                        let (cond, after) = group(&tokens, i + 1, '(', ')');
                        pending = Block::If(params_named(&cond));
                        i = after;
                        continue;
                    }
                    "else" | "post" | "when" | "options" | "parameters" | "triggers" | "tools" => {
                        pending = Block::Skip;
                        i += 1;
                        continue;
                    }
                    "catch" => {
                        let (_, after) = group(&tokens, i + 1, '(', ')');
                        pending = Block::Skip;
                        i = after;
                        continue;
                    }
                    "pipeline" if next == Some(&Token::Punct('{')) => {
                        pending = Block::Pipeline(false);
                        i += 1;
                        continue;
                    }
                    "environment" if next == Some(&Token::Punct('{')) => {
                        pending = Block::Environment(Vec::new());
                        i += 1;
                        continue;
                    }
                    "agent" if matches!(stack.last(), Some(Block::Pipeline(_))) => {
                        match next {
                            Some(Token::Ident(kind)) if kind == "any" => {
                                if !in_skip {
                                    steps.push(Step::NodeStart(None));
                                }
                                if let Some(Block::Pipeline(has)) = stack.last_mut() {
                                    *has = true;
                                }
                                i += 2;
                            }
                            Some(Token::Ident(_)) => i += 2,
                            _ => {
                                pending = Block::Agent(None);
                                i += 1;
                            }
                        }
                        continue;
                    }
                    "label" if matches!(stack.last(), Some(Block::Agent(_))) => {
                        if let (Some(Token::Str(label)), Some(Block::Agent(slot))) =
                            (next, stack.last_mut())
                        {
                            *slot = Some(label.clone());
                        }
                        i += 2;
                        continue;
                    }
                    _ => {}
                }
                if let (Some(Block::Environment(vars)), Some(Token::Punct('='))) =
                    (stack.last_mut(), next)
                {
                    if let Some(Token::Str(value)) = tokens.get(i + 2) {
                        vars.push((name.clone(), value.clone()));
                    }
                    i += 3;
                    continue;
                }
                // A call: `name(args)`, `name 'arg'`, or `name {`.
                let (args, after) = match next {
                    Some(Token::Punct('(')) => group(&tokens, i + 1, '(', ')'),
                    Some(Token::Str(s)) => (vec![Token::Str(s.clone())], i + 2),
                    _ => (Vec::new(), i + 1),
                };
                let opens = tokens.get(after) == Some(&Token::Punct('{'));
                let called = opens || matches!(next, Some(Token::Punct('(')) | Some(Token::Str(_)));
                i = after;
                if !called {
                    continue;
                }
                let arg = first_string(&args);
                let emit = !in_skip;
                let active = emit && guard(&stack).is_none();
                match name.as_str() {
                    "stage" => {
                        if emit {
                            steps.push(Step::StageStart(arg.unwrap_or_default()));
                        }
                        pending = Block::Stage;
                    }
                    "node" => {
                        if emit {
                            steps.push(Step::NodeStart(arg));
                        }
                        pending = Block::Node;
                    }
                    "withEnv" => {
                        if emit {
                            steps.push(Step::EnvStart(env_pairs(&args)));
                        }
                        pending = Block::Env;
                    }
                    "sh" | "bat" | "powershell" if active => {
                        steps.push(Step::Sh(arg.unwrap_or_default()));
                    }
                    "echo" if active => steps.push(Step::Echo(arg.unwrap_or_default())),
                    "error" if emit => {
                        let message = arg.unwrap_or_default();
                        match guard(&stack) {
                            None => steps.push(Step::Error {
                                message,
                                guard: Vec::new(),
                            }),
                            Some(params) if !params.is_empty() => steps.push(Step::Error {
                                message,
                                guard: params,
                            }),
                            Some(_) => {}
                        }
                    }
                    n if active && opens && BLOCK_STEPS.contains(&n) => {
                        steps.push(Step::Other(n.to_owned()));
                        pending = Block::Other(n.to_owned());
                    }
                    n if active && PLAIN_STEPS.contains(&n) => {
                        steps.push(Step::Other(n.to_owned()));
                    }
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    steps
}

/// Replaces `${params.X}`, `${env.X}`, `${X}` and `$X` with their values
/// (unknown names become empty, as in a shell).
pub(crate) fn substitute(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '$' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (name, next) = if chars.get(i + 1) == Some(&'{') {
            let end = chars[i + 2..]
                .iter()
                .position(|c| *c == '}')
                .map(|p| i + 2 + p);
            match end {
                Some(end) => (chars[i + 2..end].iter().collect::<String>(), end + 1),
                None => {
                    out.push('$');
                    i += 1;
                    continue;
                }
            }
        } else {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end == start {
                out.push('$');
                i += 1;
                continue;
            }
            (chars[start..end].iter().collect::<String>(), end)
        };
        let key = name
            .trim()
            .strip_prefix("params.")
            .or_else(|| name.trim().strip_prefix("env."))
            .unwrap_or(name.trim());
        out.push_str(&lookup(key).unwrap_or_default());
        i = next;
    }
    out
}

/// How a shell command ends and how long it takes (simulated seconds),
/// by the documented rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShOutcome {
    /// The exit code.
    pub(crate) exit: i32,
    /// How long it runs.
    pub(crate) seconds: f64,
    /// Images pushed by `docker push`.
    pub(crate) pushed: Vec<String>,
    /// Extra output lines (after the `+ command` trace).
    pub(crate) output: Vec<String>,
}

/// Runs a (substituted) shell command by the simulator's rule: `false`,
/// `exit N` (N ≠ 0) fail; `sleep N` takes N seconds; `docker build` 10 s,
/// `docker push` 5 s and records the image; `echo` prints; anything else
/// takes 1 s and succeeds.
pub(crate) fn run_sh(command: &str) -> ShOutcome {
    let mut outcome = ShOutcome {
        exit: 0,
        seconds: 0.0,
        pushed: Vec::new(),
        output: Vec::new(),
    };
    for line in command.lines().flat_map(|l| l.split("&&")).map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_owned())
            .collect();
        let first = words.first().map(String::as_str).unwrap_or_default();
        match first {
            "false" => outcome.exit = 1,
            "exit" => {
                let code = words.get(1).and_then(|c| c.parse().ok()).unwrap_or(0);
                outcome.exit = code;
                if code == 0 {
                    return outcome;
                }
            }
            "sleep" => {
                outcome.seconds += words
                    .get(1)
                    .and_then(|n| n.trim_end_matches('s').parse::<f64>().ok())
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .unwrap_or(1.0);
            }
            "echo" => {
                outcome.seconds += 0.1;
                outcome.output.push(words[1..].join(" "));
            }
            "docker" if words.get(1).map(String::as_str) == Some("build") => {
                outcome.seconds += 10.0;
                outcome
                    .output
                    .push("Successfully built 0123456789ab".to_owned());
            }
            "docker" if words.get(1).map(String::as_str) == Some("push") => {
                outcome.seconds += 5.0;
                match words.iter().skip(2).find(|w| !w.starts_with('-')) {
                    Some(image) if !image.is_empty() && !image.starts_with(':') => {
                        let repository = image.rsplit_once(':').map_or(image.as_str(), |(r, t)| {
                            if t.contains('/') { image.as_str() } else { r }
                        });
                        outcome
                            .output
                            .push(format!("The push refers to repository [{repository}]"));
                        outcome.pushed.push(image.clone());
                    }
                    _ => {
                        outcome.output.push("invalid reference format".to_owned());
                        outcome.exit = 1;
                    }
                }
            }
            _ => outcome.seconds += 1.0,
        }
        if outcome.exit != 0 {
            return outcome;
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_pipelines_give_their_steps_in_order() {
        let steps = parse(
            "// build\nnode('linux') {\n  stage('Build') { sh \"docker build -t ${params.IMAGE} .\" }\n  stage(\"Push\") {\n    sh 'docker push $IMAGE:$TAG' /* push */\n  }\n}\n",
        );
        assert_eq!(
            steps,
            vec![
                Step::NodeStart(Some("linux".into())),
                Step::StageStart("Build".into()),
                Step::Sh("docker build -t ${params.IMAGE} .".into()),
                Step::StageEnd,
                Step::StageStart("Push".into()),
                Step::Sh("docker push $IMAGE:$TAG".into()),
                Step::StageEnd,
                Step::NodeEnd,
            ]
        );
    }

    #[test]
    fn guarded_errors_name_their_parameters_and_else_is_skipped() {
        let steps = parse(
            "if (!(params.TAG ?: '').matches('x')) {\n error('TAG is required')\n} else { error('never') }\nif (currentBuild.number > 1) { error('not a guard') }\nerror 'always'\n",
        );
        assert_eq!(
            steps,
            vec![
                Step::Error {
                    message: "TAG is required".into(),
                    guard: vec!["TAG".into()]
                },
                Step::Error {
                    message: "always".into(),
                    guard: vec![]
                },
            ]
        );
    }

    #[test]
    fn declarative_pipelines_run_their_stages_on_the_agent() {
        let steps = parse(
            "pipeline {\n agent { label 'linux' }\n environment { APP = 'web' }\n stages {\n  stage('Test') { steps { sh 'make test'; echo 'ok' } }\n }\n post { always { echo 'done' } }\n}\n",
        );
        assert_eq!(
            steps,
            vec![
                Step::NodeStart(Some("linux".into())),
                Step::EnvStart(vec![("APP".into(), "web".into())]),
                Step::StageStart("Test".into()),
                Step::Sh("make test".into()),
                Step::Echo("ok".into()),
                Step::StageEnd,
                Step::NodeEnd,
            ]
        );
    }

    #[test]
    fn substitution_and_the_shell_rule() {
        let vars = |k: &str| match k {
            "IMAGE" => Some("reg/app".to_owned()),
            "TAG" => Some("1.0".to_owned()),
            _ => None,
        };
        assert_eq!(
            substitute("push \"$IMAGE:${TAG}\" ${params.IMAGE} $NOPE$", vars),
            "push \"reg/app:1.0\" reg/app $"
        );
        let pushed = run_sh("docker push \"reg/app:1.0\"");
        assert_eq!(
            (pushed.exit, pushed.pushed.clone()),
            (0, vec!["reg/app:1.0".to_owned()])
        );
        assert_eq!(pushed.output[0], "The push refers to repository [reg/app]");
        assert_eq!(run_sh("make && exit 3").exit, 3);
        assert_eq!(run_sh("false").exit, 1);
        assert_eq!(run_sh("docker push \":\"").exit, 1);
        assert_eq!(run_sh("sleep 30").seconds, 30.0);
    }
}
