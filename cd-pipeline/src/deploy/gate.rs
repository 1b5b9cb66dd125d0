//! Extra gates, checked once the health gate has passed: an HTTP probe on
//! every task's endpoint.

use std::time::Duration;

use marathon_client::models::App;
use tokio::time::Instant;

use crate::spec::Gate;

/// Checks `gate` on every task of `app`, trying again every `poll` for up to
/// `within`. `Ok` and `Err` both carry what was observed.
pub async fn check(
    gate: &Gate,
    app: &App,
    within: Duration,
    poll: Duration,
) -> Result<String, String> {
    match gate {
        Gate::Http {
            path,
            expected_status,
            port_index,
            timeout,
        } => {
            let urls = endpoints(app, *port_index, path)?;
            let client = reqwest::Client::builder()
                .timeout(*timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
            let deadline = Instant::now() + within;
            loop {
                match probe_all(&client, &urls, *expected_status).await {
                    Ok(()) => {
                        return Ok(format!(
                            "{} task endpoint(s) answered {expected_status}",
                            urls.len()
                        ));
                    }
                    Err(why) if Instant::now() + poll > deadline => return Err(why),
                    Err(_) => tokio::time::sleep(poll).await,
                }
            }
        }
    }
}

/// `http://host:port/path` for each task of `app`, with its port number
/// `port_index`.
pub fn endpoints(app: &App, port_index: usize, path: &str) -> Result<Vec<String>, String> {
    let tasks = app.tasks.as_deref().unwrap_or_default();
    if tasks.is_empty() {
        return Err("the app has no tasks to probe".into());
    }
    tasks
        .iter()
        .map(|t| {
            let host = t
                .host
                .as_deref()
                .ok_or_else(|| format!("task {} has no host", t.id))?;
            let port = t
                .ports
                .as_ref()
                .and_then(|p| p.get(port_index))
                .ok_or_else(|| format!("task {} has no port #{port_index}", t.id))?;
            Ok(format!("http://{host}:{port}{path}"))
        })
        .collect()
}

async fn probe_all(client: &reqwest::Client, urls: &[String], expected: u16) -> Result<(), String> {
    for url in urls {
        match client.get(url).send().await {
            Ok(response) if response.status().as_u16() == expected => {}
            Ok(response) => {
                return Err(format!(
                    "{url} answered {}, expected {expected}",
                    response.status().as_u16()
                ));
            }
            Err(e) => return Err(format!("{url}: {e}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A one-route HTTP server answering `status` to everything.
    async fn server(status: u16) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = socket.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        addr
    }

    fn app_on(addr: SocketAddr) -> App {
        serde_json::from_value(json!({"id": "/a", "tasks": [
            {"id": "a.1", "host": addr.ip().to_string(), "ports": [addr.port()]}]}))
        .unwrap()
    }

    fn http(path: &str) -> Gate {
        Gate::Http {
            path: path.into(),
            expected_status: 200,
            port_index: 0,
            timeout: Duration::from_secs(1),
        }
    }

    #[tokio::test]
    async fn a_probe_that_answers_the_expected_status_passes() {
        let addr = server(200).await;
        let result = check(
            &http("/health"),
            &app_on(addr),
            Duration::from_secs(1),
            Duration::from_millis(20),
        )
        .await;
        assert_eq!(result, Ok("1 task endpoint(s) answered 200".into()));
    }

    #[tokio::test]
    async fn a_probe_that_answers_otherwise_fails_with_the_status() {
        let addr = server(503).await;
        let result = check(
            &http("/health"),
            &app_on(addr),
            Duration::from_millis(100),
            Duration::from_millis(20),
        )
        .await;
        let why = result.unwrap_err();
        assert!(why.contains("answered 503, expected 200"), "{why}");
        assert!(why.contains("/health"), "{why}");
    }

    #[test]
    fn endpoints_name_host_port_and_path_or_say_what_is_missing() {
        let app: App = serde_json::from_value(
            json!({"id": "/a", "tasks": [{"id": "a.1", "host": "h", "ports": [1, 2]}]}),
        )
        .unwrap();
        assert_eq!(endpoints(&app, 1, "/x").unwrap(), ["http://h:2/x"]);
        assert!(endpoints(&app, 2, "/x").unwrap_err().contains("no port #2"));
    }
}
