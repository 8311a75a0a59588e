//! Does this runtime have its I/O driver?
//!
//! A runtime built by hand only has the drivers it was asked for
//! (`enable_io`, `enable_time`, or `enable_all`). Timers are easy to probe
//! with a sleep; I/O needs a resource registered with the driver. An OS pipe
//! does it without any network.

/// Sends `ping` through an anonymous OS pipe registered with the current
/// runtime's I/O driver and returns the bytes that came out. Without an I/O
/// driver, tokio panics with its own explanation when the pipe is created.
#[cfg(unix)]
pub async fn pipe_round_trip() -> [u8; 4] {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (mut sender, mut receiver) =
        tokio::net::unix::pipe::pipe().expect("the OS refused to create a pipe");
    sender
        .write_all(b"ping")
        .await
        .expect("writing to the pipe");
    let mut received = [0u8; 4];
    receiver
        .read_exact(&mut received)
        .await
        .expect("reading from the pipe");
    received
}

#[cfg(all(test, unix))]
mod tests {
    #[tokio::test]
    async fn bytes_come_back_through_the_pipe() {
        assert_eq!(&super::pipe_round_trip().await, b"ping");
    }
}
