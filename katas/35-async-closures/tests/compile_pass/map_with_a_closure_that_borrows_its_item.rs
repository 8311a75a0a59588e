// A caller of `map_concurrently` whose async closure's future borrows the
// item it is given (`name: &Rc<str>`) and the caller's database, across an
// `.await`. Only the `AsyncFn(&T) -> O` bound can describe a future that
// borrows its argument: with `F: Fn(&T) -> Fut`, `Fut` would have to be one
// type for every borrow. An `async fn` taking a reference is passed too.
// Nothing here is `Send` or `Sync` (`Rc`, `RefCell`), and the output is a
// plain struct: no `Debug`, no `Clone`.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use kata_35_async_closures::map_concurrently;

struct Row {
    name: Rc<str>,
    visits: u32,
}

struct Db {
    visits: RefCell<HashMap<String, u32>>,
}

impl Db {
    async fn lookup(&self, name: &str) -> Row {
        tokio::time::sleep(Duration::from_millis(name.len() as u64)).await;
        let visits = *self.visits.borrow().get(name).unwrap_or(&0);
        Row {
            name: Rc::from(name),
            visits,
        }
    }
}

async fn shout(name: &Rc<str>) -> String {
    tokio::task::yield_now().await;
    name.to_uppercase()
}

fn main() {
    // The grading tests judge what it does; here, only a bound on how long.
    kata_support::exit_if_still_running_after(std::time::Duration::from_secs(10), "this program");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = Db {
            visits: RefCell::new(HashMap::from([
                ("ada".to_string(), 3),
                ("grace".to_string(), 5),
            ])),
        };
        let names: Vec<Rc<str>> = ["grace", "ada", "linus"]
            .into_iter()
            .map(Rc::from)
            .collect();

        let rows = map_concurrently(&names, 2, async |name: &Rc<str>| db.lookup(name).await).await;
        let rows: Vec<(String, u32)> = rows
            .iter()
            .map(|row| (row.name.to_string(), row.visits))
            .collect();
        assert_eq!(
            rows,
            [
                ("grace".to_string(), 5),
                ("ada".to_string(), 3),
                ("linus".to_string(), 0)
            ],
            "the rows, in the order of the names"
        );

        let loud = map_concurrently(&names, 3, shout).await;
        assert_eq!(
            loud,
            ["GRACE", "ADA", "LINUS"],
            "the outputs of an async fn"
        );
    });
}
