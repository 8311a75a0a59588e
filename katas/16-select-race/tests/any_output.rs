//! Must compile: `hedged` takes requests with any output, and any backup
//! closure that can be called once.
//!
//! Both requests are raced on the caller's own task: `hedged` never sends
//! an answer to another thread (`Send`), keeps it past the call
//! (`'static`), prints, clones or compares it (`Debug`, `Clone`,
//! `PartialEq`); and it calls `backup` at most once, from here (so it may
//! be `FnOnce`, borrow locals, and not be `Send`). The signature in
//! `src/lib.rs` asks for none of that, and neither may yours.
//!
//! If this file does not compile against your code, read the compiler's
//! error: it names the bound your version added. `T: Send + 'static`
//! usually means the requests are handed to `tokio::spawn`: race the
//! futures themselves with `select!` instead.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::BoxFuture;
use kata_16_select_race::{Source, hedged};
use kata_support::{Stopwatch, ms};
use tokio::time::sleep;

/// An answer that can be neither printed, cloned, compared nor sent.
struct Answer(Rc<u32>);

#[tokio::test(start_paused = true)]
async fn any_output() {
    let watch = Stopwatch::start();
    let primary: BoxFuture<'static, Answer> = Box::pin(async {
        sleep(ms(5003)).await;
        Answer(Rc::new(1))
    });
    // Borrows a local, moves a value out (FnOnce only), holds an Rc (not
    // Send).
    let sent = Rc::new(Cell::new(false));
    let payload = String::from("backup");
    let backup = || -> BoxFuture<'static, Answer> {
        sent.set(true);
        let owned = payload;
        Box::pin(async move {
            sleep(ms(97)).await;
            Answer(Rc::new(owned.len() as u32))
        })
    };
    let (source, Answer(value)) = hedged(primary, ms(211), backup).await;
    assert!(
        matches!(source, Source::Backup) && *value == 6 && sent.get(),
        "hedged(a primary taking 5003ms, hedge_after 211ms, a backup taking 97ms) did not \
         return the backup's answer"
    );
    watch.assert_elapsed(
        ms(308),
        "hedged(a primary taking 5003ms, hedge_after 211ms, a backup taking 97ms)",
        "The backup is sent at 211ms and answers 97ms later.",
    );
}
