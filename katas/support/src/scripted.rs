//! Driving a protocol handler through a scripted connection.
//!
//! A server's protocol code is best written against `AsyncRead` and
//! `AsyncWrite`, so that a test can hand it a fake connection that follows
//! a script: `tokio_test::io::Builder::new().read(b"GET a\n").write(b"NIL\n")`
//! says "the client sends `GET a`, then expects `NIL` back". The mock panics
//! when the code breaks the script, and a client that waits for a reply the
//! code never sends (an unflushed buffer, a read that wants more than the
//! client sent) makes the handler wait forever.
//!
//! [`scripted`] runs a handler on such a connection and turns all of that
//! into a failure a learner can act on: what the client expected back, what
//! it had received, and what that usually means. It takes any connection
//! (the mock, or `tokio::io::duplex`), splits it, and records every byte the
//! handler actually delivered (a byte still sitting in a buffer was not).

use std::any::Any;
use std::future::Future;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, Once};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadHalf, WriteHalf};

use crate::clock::fmt_duration;

/// How long, in virtual time, a scripted session may take before it counts
/// as hung.
pub const SESSION_LIMIT: Duration = Duration::from_secs(60);

/// The writer handed to the handler: the connection's write half, recording
/// every byte that reaches the client.
#[derive(Debug)]
pub struct Recorder<W> {
    inner: W,
    received: Arc<Mutex<Vec<u8>>>,
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Recorder<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = polled {
            self.received.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Runs `handler` on `conn`, split into its read half and a recording write
/// half, and returns the handler's output with everything the client
/// received, as text.
///
/// `what` describes the session ("a client that sends GET a"), and
/// `expected_back` is everything the client expects to receive. The test
/// fails with an explanation if the handler is still running after
/// [`SESSION_LIMIT`] of virtual time, or if it (or the scripted mock)
/// panics. A `todo!()` in the handler is reported as such.
pub async fn scripted<C, F, Fut>(
    what: &str,
    conn: C,
    expected_back: &str,
    handler: F,
) -> (Fut::Output, String)
where
    C: AsyncRead + AsyncWrite,
    F: FnOnce(ReadHalf<C>, Recorder<WriteHalf<C>>) -> Fut,
    Fut: Future,
{
    quiet_mock_panics();
    let (reader, writer) = tokio::io::split(conn);
    let received = Arc::<Mutex<Vec<u8>>>::default();
    let recorder = Recorder {
        inner: writer,
        received: received.clone(),
    };
    // Owned here and only borrowed below: when this function panics, the
    // call (and the mock inside it) is dropped while unwinding, and the mock
    // stays quiet instead of panicking a second time about its script.
    let mut call = std::pin::pin!(handler(reader, recorder));
    let outcome = tokio::time::timeout(SESSION_LIMIT, CatchUnwind(call.as_mut())).await;
    let got = String::from_utf8_lossy(&received.lock().unwrap()).into_owned();
    let (shown_expected, shown_got) = (shorten(expected_back), shorten(&got));
    match outcome {
        Err(_) => panic!(
            "{what}: the handler never finished: still waiting after {} of virtual time.\n\
             The client expects {shown_expected} back in total and had received {shown_got}. \
             It waits for each reply before it sends anything more, so the handler was \
             waiting for input that could not come. Usually the reply is still sitting \
             in a buffer (flush the writer after every reply: it may be a BufWriter), or \
             the handler waits for more input than the client sent (read_exact, \
             read_to_end, a full buffer) instead of answering what it has.",
            fmt_duration(SESSION_LIMIT)
        ),
        Ok(Err(payload)) => {
            let message = payload_text(&*payload);
            if message.starts_with("not yet implemented") {
                panic::resume_unwind(payload);
            }
            panic!("{what}: {}", explain(&message, &shown_expected, &shown_got))
        }
        Ok(Ok(output)) => (output, got),
    }
}

/// Quotes `text` for a message, cut short if it is long.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN {
        format!("{text:?}")
    } else {
        let start: String = text.chars().take(SHOWN).collect();
        format!("{start:?}... ({} bytes in all)", text.len())
    }
}

/// Polls a future, turning a panic inside it into `Err(payload)`.
struct CatchUnwind<'a, F>(Pin<&'a mut F>);

impl<F: Future> Future for CatchUnwind<'_, F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.0.as_mut();
        match panic::catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Turns a panic of the scripted mock (or of the handler) into advice.
fn explain(message: &str, expected_back: &str, got: &str) -> String {
    if message.contains("still data left to read") {
        format!(
            "the handler returned while the client still had data to send. It must keep \
             reading until end of file (a read of 0 bytes), answering as it goes. (The \
             client had received {got} of {expected_back}.)"
        )
    } else if message.contains("still data left to write") {
        format!(
            "the handler returned before the client got everything it expects back: \
             expected {expected_back}, received {got}. Is every reply written \
             completely (write_all, not write) and flushed?"
        )
    } else if message.contains("unexpected write")
        || (message.contains("assertion") && message.contains(" i="))
    {
        format!(
            "the handler sent the client bytes it did not expect. The client expects \
             exactly {expected_back} back, in order; it had received {got} before the \
             unexpected bytes."
        )
    } else {
        format!("the handler panicked: {message}")
    }
}

/// The scripted mock's own panic messages are explained by [`scripted`],
/// so they are not printed (they would otherwise be reported first).
fn quiet_mock_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let from_mock = info
                .location()
                .is_some_and(|at| at.file().contains("tokio-test"));
            if !from_mock {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn echo<R, W>(mut reader: R, mut writer: W) -> io::Result<u64>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let mut buf = [0u8; 64];
        let mut total = 0;
        loop {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                return Ok(total);
            }
            writer.write_all(&buf[..n]).await?;
            total += n as u64;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn records_what_reached_the_client() {
        let (mut client, server) = tokio::io::duplex(64);
        client.write_all(b"ping\n").await.unwrap();
        client.shutdown().await.unwrap();
        let (echoed, got) = scripted("an echo", server, "ping\n", echo).await;
        assert_eq!(echoed.unwrap(), 5);
        assert_eq!(got, "ping\n");
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "the handler never finished: still waiting after 60s")]
    async fn a_handler_waiting_for_more_input_is_reported() {
        let (_client, server) = tokio::io::duplex(64);
        let _ = scripted("a silent client", server, "", echo).await;
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "a client: the handler panicked: boom")]
    async fn a_panic_in_the_handler_is_reported() {
        let (_client, server) = tokio::io::duplex(64);
        scripted("a client", server, "", |_r, _w| async { panic!("boom") }).await;
    }
}
