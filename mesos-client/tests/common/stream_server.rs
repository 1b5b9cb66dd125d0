//! A small HTTP/1.1 server for streaming tests (wiremock cannot stream):
//! it records every request and answers each with what the test's handler
//! says, either a plain answer or a chunked RecordIO stream whose records
//! the test pushes through a channel.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST`…
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// What to answer.
pub enum Reply {
    /// A plain answer.
    Plain {
        /// The status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// `200` with `Transfer-Encoding: chunked`: each record received is sent
    /// as one RecordIO-framed chunk; the stream ends when the sender is
    /// dropped.
    Stream {
        /// Extra headers (`Mesos-Stream-Id`…).
        headers: Vec<(String, String)>,
        /// The records.
        records: mpsc::UnboundedReceiver<String>,
    },
}

impl Reply {
    /// A plain answer with no extra header.
    pub fn status(status: u16, body: &str) -> Reply {
        Reply::Plain {
            status,
            headers: vec![],
            body: body.to_owned(),
        }
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// The server. It stops when dropped (its task is aborted).
pub struct StreamServer {
    /// `http://127.0.0.1:<port>/`.
    pub url: String,
    /// The port.
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StreamServer {
    /// Starts a server answering with `handler`.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    let _ = serve(socket, handler, recorded).await;
                });
            }
        });
        StreamServer {
            url: format!("http://127.0.0.1:{port}/"),
            port,
            requests,
            task,
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    socket: tokio::net::TcpStream,
    handler: Arc<Handler>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            read.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let mut body = vec![0; length];
        read.read_exact(&mut body).await?;
        let request = Recorded {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        recorded.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Plain {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n",
                    body.len()
                );
                for (n, v) in headers {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                write.write_all(head.as_bytes()).await?;
                write.write_all(body.as_bytes()).await?;
                write.flush().await?;
            }
            Reply::Stream {
                headers,
                mut records,
            } => {
                let mut head = String::from(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n",
                );
                for (n, v) in headers {
                    head.push_str(&format!("{n}: {v}\r\n"));
                }
                head.push_str("\r\n");
                write.write_all(head.as_bytes()).await?;
                write.flush().await?;
                while let Some(record) = records.recv().await {
                    let framed = format!("{}\n{record}", record.len());
                    let chunk = format!("{:x}\r\n{framed}\r\n", framed.len());
                    write.write_all(chunk.as_bytes()).await?;
                    write.flush().await?;
                }
                write.write_all(b"0\r\n\r\n").await?;
                write.flush().await?;
                return Ok(());
            }
        }
    }
}
